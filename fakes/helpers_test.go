package fakes_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/leakcheck"
)

// recordingTB is a testing.TB that records failures and cleanups instead
// of acting on them, to test that the fake fails tests when it should.
type recordingTB struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func newRecordingTB(t *testing.T) *recordingTB { return &recordingTB{TB: t} }

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recordingTB) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}

// finish runs the cleanups, last first, as testing does.
func (r *recordingTB) finish() {
	r.mu.Lock()
	cs := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		cs[i]()
	}
}

func (r *recordingTB) failures() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errors...)
}

// chatBody is a small chat request.
func chatBody(prompt string, stream bool) []byte {
	b, _ := json.Marshal(groqwire.ChatCompletionRequest{
		Model:    "llama-3.3-70b-versatile",
		Messages: []groqwire.ChatMessage{{Role: "user", Content: &groqwire.MessageContent{Text: prompt}}},
		Stream:   stream,
	})
	return b
}

// post sends body to the fake's chat completions endpoint.
func post(ctx context.Context, t *testing.T, g *fakes.Groq, body []byte) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL+"/openai/v1/chat/completions", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return g.Client().Do(req)
}

// mustPost is post that fails the test on a transport error and reads the
// whole body.
func mustPost(t *testing.T, g *fakes.Groq, body []byte) (*http.Response, []byte) {
	t.Helper()
	resp, err := post(context.Background(), t, g, body)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, b
}

// sseReader reads SSE events one at a time.
type sseReader struct{ r *bufio.Reader }

// next returns the next event's lines (without the blank line).
func (s sseReader) next() (string, error) {
	var lines []string
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			return strings.Join(lines, "\n"), err
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			return strings.Join(lines, "\n"), nil
		}
		lines = append(lines, line)
	}
}

// waitForGoroutines fails the test if a goroutine started after before
// still runs once the wait (bounded, for a real leak only) is over.
// Goroutines are told apart by identity, not counted, so those of earlier
// tests ending meanwhile cannot hide a leak or fake one.
func waitForGoroutines(t *testing.T, before leakcheck.Snapshot) {
	t.Helper()
	if left := before.Leaked(30 * time.Second); len(left) > 0 {
		t.Errorf("%d goroutines started by the test still run:\n%s", len(left), leakcheck.Format(left))
	}
}

// waitFor polls cond with runtime.Gosched under a bounded deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		runtime.Gosched()
	}
	t.Fatalf("timed out waiting for %s", what)
}

func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return v
}
