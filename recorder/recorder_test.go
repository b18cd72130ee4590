package recorder

import (
	"context"
	"errors"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

func TestMarkEvents(t *testing.T) {
	body := "data: a\n\ndata: b\n\ndata: [DONE]\n\n"
	for _, c := range []struct {
		name  string
		marks []mark
		want  []time.Duration
	}{
		{"one read per event", []mark{{9, 10 * time.Millisecond}, {18, 20 * time.Millisecond}, {32, 30 * time.Millisecond}}, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 30 * time.Millisecond}},
		{"one read for all", []mark{{32, 5 * time.Millisecond}}, []time.Duration{5 * time.Millisecond, 5 * time.Millisecond, 5 * time.Millisecond}},
		{"an event split across reads takes its last byte's time", []mark{{4, 1 * time.Millisecond}, {12, 2 * time.Millisecond}, {32, 3 * time.Millisecond}}, []time.Duration{2 * time.Millisecond, 3 * time.Millisecond, 3 * time.Millisecond}},
		{"no marks", nil, []time.Duration{0, 0, 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := markEvents([]byte(body), c.marks)
			evs, err := httpbody.SplitSSE(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(httpbody.JoinSSE(evs)) != body {
				t.Errorf("the server's bytes changed:\n%q", httpbody.JoinSSE(evs))
			}
			if len(evs) != len(c.want) {
				t.Fatalf("%d events, want %d", len(evs), len(c.want))
			}
			for n, ev := range evs {
				if !ev.HasOffset || ev.Offset != c.want[n] {
					t.Errorf("event %d at %v (timed %v), want %v", n, ev.Offset, ev.HasOffset, c.want[n])
				}
			}
		})
	}
}

// tickClock moves a millisecond every time it is read.
type tickClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *tickClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
	return c.now
}

func (c *tickClock) Sleep(ctx context.Context, d time.Duration) error { return ctx.Err() }

// A stream that breaks while it is recorded reaches the client as it
// broke, and is recorded with the bytes that arrived and the error; the
// Recorder works without a test (as cmd/record uses it) and records the
// URL the client used, whatever server the transport reached.
func TestRecorderKeepsABrokenStream(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Stream(fakes.TextStream("The capital of France is Paris.")...).CutAfter(3)
	var completed []*cassettes.Interaction
	rec := &Recorder{Real: g.Transport(), Clock: &tickClock{}, Source: "the test's fake",
		OnRecorded: func(i *cassettes.Interaction) { completed = append(completed, i) }}
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithTransport(rec), groq.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	sr, err := model.RequestStream(context.Background(), []llm.Message{llm.NewRequest(llm.User("What is the capital of France?"))}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var streamErr error
	for _, err := range sr.Events() {
		if err != nil {
			streamErr = err
		}
	}
	sr.Close()
	if streamErr == nil {
		t.Fatal("the client did not see the stream break")
	}
	is := rec.Interactions()
	if len(is) != 1 || len(completed) != 1 || completed[0] != is[0] {
		t.Fatalf("%d interactions, %d reported complete", len(is), len(completed))
	}
	if is[0].Response.Headers.Get(httpbody.StreamErrorHeader) == "" {
		t.Error("the break was not recorded")
	}
	if got := is[0].Response.Headers.Get(SourceHeader); got != "the test's fake" {
		t.Errorf("%s = %q, want the recorder's Source", SourceHeader, got)
	}
	if is[0].Request.URL != groq.DefaultBaseURL+"/openai/v1/chat/completions" || is[0].Request.Host != "api.groq.com" {
		t.Errorf("recorded URL %q host %q, want Groq's", is[0].Request.URL, is[0].Request.Host)
	}
	evs, err := httpbody.SplitSSE(is[0].Response.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 {
		t.Errorf("%d events recorded, want the 3 that arrived", len(evs))
	}
	for n, ev := range evs {
		if !ev.HasOffset || ev.Offset <= 0 {
			t.Errorf("event %d: offset %v on a clock that always moves", n, ev.Offset)
		}
	}
}

// Only the requests that got a response are recorded.
func TestRecorderSkipsTransportErrors(t *testing.T) {
	rec := &Recorder{Real: failing{}}
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithTransport(rec), groq.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("hi"))}, nil, nil)
	if err == nil {
		t.Fatal("no error")
	}
	if n := len(rec.Interactions()); n != 0 {
		t.Errorf("%d interactions recorded for a request that got no response", n)
	}
}

type failing struct{}

func (failing) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("connection refused")
}
