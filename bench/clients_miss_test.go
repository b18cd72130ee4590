package bench

// A measurement, not part of CI (this module is not run by .ci/run): a
// drifted request replayed through real openai-go (default retries) and
// go-openai reaches the replay session once, is reported once, and costs
// no backoff. Run: cd bench && go test -run TestClientsMissOnce -v

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/replay"
	openaigo "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	goopenai "github.com/sashabaranov/go-openai"
)

// missTB keeps what a session reports instead of failing the test.
type missTB struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (f *missTB) Name() string { return "TestChat" }
func (f *missTB) Helper()      {}
func (f *missTB) Error(args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprint(args...))
}
func (f *missTB) Errorf(format string, args ...any) { f.Error(fmt.Sprintf(format, args...)) }
func (f *missTB) Fatalf(format string, args ...any) {
	f.Error(fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (f *missTB) Fatal(args ...any)   { f.Error(args...); runtime.Goexit() }
func (f *missTB) Logf(string, ...any) {}
func (f *missTB) Cleanup(fn func())   { f.cleanups = append(f.cleanups, fn) }
func (f *missTB) Failed() bool        { f.mu.Lock(); defer f.mu.Unlock(); return len(f.errors) > 0 }
func (f *missTB) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

type counting struct {
	rt http.RoundTripper
	n  atomic.Int64
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.rt.RoundTrip(r)
}

func TestClientsMissOnce(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Paris."},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`)
	}))
	defer srv.Close()
	clients := []struct {
		name string
		ask  func(hc *http.Client, prompt string) error
	}{
		{"openai-go v3.96.0 (default retries)", func(hc *http.Client, prompt string) error {
			c := openaigo.NewClient(option.WithBaseURL(srv.URL+"/v1"), option.WithAPIKey("sk-test"), option.WithHTTPClient(hc))
			_, err := c.Chat.Completions.New(context.Background(), openaigo.ChatCompletionNewParams{Model: "m", Messages: []openaigo.ChatCompletionMessageParamUnion{openaigo.UserMessage(prompt)}})
			return err
		}},
		{"go-openai v1.43.0", func(hc *http.Client, prompt string) error {
			cfg := goopenai.DefaultConfig("sk-test")
			cfg.BaseURL, cfg.HTTPClient = srv.URL+"/v1", hc
			_, err := goopenai.NewClientWithConfig(cfg).CreateChatCompletion(context.Background(), goopenai.ChatCompletionRequest{Model: "m", Messages: []goopenai.ChatCompletionMessage{{Role: "user", Content: prompt}}})
			return err
		}},
	}
	for _, c := range clients {
		path := filepath.Join(t.TempDir(), "c.yaml")
		rec := &missTB{TB: t}
		s := replay.New(rec, replay.WithPath(path), replay.WithMode(replay.ModeRecord), replay.WithRealTransport(http.DefaultTransport))
		if err := c.ask(s.Client(), "Capital of France?"); err != nil {
			t.Fatal(err)
		}
		rec.end()
		if len(rec.errors) > 0 {
			t.Fatal(rec.errors)
		}
		tb := &missTB{TB: t}
		s = replay.New(tb, replay.WithPath(path), replay.AllowUnused())
		cnt := &counting{rt: s.Transport()}
		start := time.Now()
		err := c.ask(&http.Client{Transport: cnt}, "Capital of Spain?")
		took := time.Since(start)
		tb.end()
		reports := strings.Count(strings.Join(tb.errors, "\n"), "matches no recording")
		t.Logf("%s: requests reaching the session=%d reports=%d time=%v error=%v", c.name, cnt.n.Load(), reports, took.Round(time.Millisecond), err)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		var oe *openaigo.Error
		if errors.As(err, &oe) {
			msg = oe.Message // openai-go v3's Error() leaves the body out
		}
		if err == nil || cnt.n.Load() != 1 || reports != 1 || !strings.Contains(msg, "llmvcr replay miss") {
			t.Errorf("%s: want one request, one report and an error naming the miss", c.name)
		}
	}
}
