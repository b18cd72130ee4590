package groq

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/llm"
)

func TestTimeoutDefaults(t *testing.T) {
	m, err := NewModel("m", WithAPIKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	if m.timeout != 60*time.Second {
		t.Errorf("default timeout %v, want 60s as groq-python", m.timeout)
	}
	tr, ok := m.client.Transport.(*http.Transport)
	if !ok || tr == http.DefaultTransport || tr.DialContext == nil {
		t.Errorf("the model's own client has transport %T, want a copy of http.DefaultTransport with a bounded dial", m.client.Transport)
	}
	for _, d := range []time.Duration{0, -time.Second} {
		m, _ := NewModel("m", WithAPIKey("k"), WithTimeout(d))
		if m.timeout != 0 {
			t.Errorf("WithTimeout(%v) left %v, want none", d, m.timeout)
		}
	}
	// A caller's client or transport is used as given.
	m, _ = NewModel("m", WithTransport(http.DefaultTransport))
	if m.client.Transport != http.DefaultTransport {
		t.Error("WithTransport was wrapped")
	}
}

// fakeIdle is a stream idle timer the test fires by hand.
type fakeIdle struct {
	mu    sync.Mutex
	fire  func()
	armed chan time.Duration // every start and restart, with its duration
}

func newFakeIdle() *fakeIdle { return &fakeIdle{armed: make(chan time.Duration, 100)} }

func (f *fakeIdle) newTimer(d time.Duration, fn func()) idleTimer {
	f.mu.Lock()
	f.fire = fn
	f.mu.Unlock()
	f.armed <- d
	return f
}

func (f *fakeIdle) Reset(d time.Duration) bool { f.armed <- d; return true }
func (f *fakeIdle) Stop() bool                 { return true }

// stallingServer sends first, then nothing until the request is cancelled.
func stallingServer(t *testing.T, first string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, first)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestStreamIdleTimeout(t *testing.T) {
	srv := stallingServer(t, "data: "+textChunk("hi", "")+"\n\n")
	m, clock := testModel(t, srv.URL, WithTimeout(time.Hour))
	idle := newFakeIdle()
	m.newTimer = idle.newTimer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sr, err := m.RequestStream(ctx, hello(), &Settings{Settings: llm.Settings{Timeout: 42 * time.Second}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	go func() {
		// The stream waits for its second event: the deterministic stall.
		select {
		case d := <-idle.armed:
			if d != 42*time.Second {
				t.Errorf("idle timeout armed with %v, want Settings.Timeout", d)
			}
		case <-time.After(30 * time.Second): // a guard so a broken build fails instead of hanging
			t.Error("the idle timeout was never armed")
			cancel()
			return
		}
		idle.mu.Lock()
		fire := idle.fire
		idle.mu.Unlock()
		fire()
	}()
	events, _, err := collect(t, sr)
	var ae *llm.ModelAPIError
	if !errors.As(err, &ae) || !ae.Timeout() || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %T %v, want an idle timeout", err, err)
	}
	if len(events) == 0 || sr.Response().Text() != "hi" {
		t.Errorf("what arrived before the stall was lost: %d events, text %q", len(events), sr.Response().Text())
	}
	if len(clock.Waits()) != 0 {
		t.Errorf("a stream was retried after its headers: %v", clock.Waits())
	}
}

func TestStreamIdleTimeoutIsNotATotal(t *testing.T) {
	body := sseOf(textChunk("a", ""), textChunk("b", ""), textChunk("c", ""), textChunk("", "stop"))
	m := streamModel(t, &bodyTransport{body: body})
	idle := newFakeIdle()
	m.newTimer = idle.newTimer
	sr, err := m.RequestStream(context.Background(), hello(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	if _, _, err := collect(t, sr); err != nil || sr.Response().Text() != "abc" {
		t.Fatalf("err %v text %q", err, sr.Response().Text())
	}
	// Armed afresh before every read after the peeked first chunk: three
	// more chunks and [DONE] are four reads.
	close(idle.armed)
	n := 0
	for d := range idle.armed {
		n++
		if d != 60*time.Second {
			t.Errorf("armed with %v, want the 60s default", d)
		}
	}
	if n != 4 {
		t.Errorf("idle timer armed %d times, want once per read (4)", n)
	}

	// No timeout, no timer.
	m, _ = NewModel("m", WithTransport(&bodyTransport{body: body}), WithTimeout(0))
	idle = newFakeIdle()
	m.newTimer = idle.newTimer
	sr, err = m.RequestStream(context.Background(), hello(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	if _, _, err := collect(t, sr); err != nil || len(idle.armed) != 0 {
		t.Errorf("err %v, armed %d times with no timeout", err, len(idle.armed))
	}
}
