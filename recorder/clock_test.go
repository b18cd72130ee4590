package recorder

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/fakes/fakeclock"
	"github.com/llmvcr/llmvcr/internal/httpbody"
)

// pacedBody is a stream whose events come one per Read; before event k
// (k > 0) it lets time pass: wall time (a real sleep, which guarantees at
// least that much wall time, the lower bound the test checks) or fake
// time (advancing clk), as the test asks.
type pacedBody struct {
	events []string
	wait   time.Duration
	clk    *fakeclock.Clock // nil: real time passes between events
	next   int
}

func (b *pacedBody) Read(p []byte) (int, error) {
	if b.next == len(b.events) {
		return 0, io.EOF
	}
	if b.next > 0 {
		if b.clk != nil {
			b.clk.Advance(b.wait)
		} else {
			time.Sleep(b.wait)
		}
	}
	n := copy(p, b.events[b.next])
	b.next++
	return n, nil
}

func (b *pacedBody) Close() error { return nil }

type streamTransport struct{ body *pacedBody }

func (s streamTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: s.body, ContentLength: -1, Request: r}, nil
}

// recordOffsets records one stream through a Recorder with the clock and
// returns the recorded event offsets.
func recordOffsets(t *testing.T, clk *fakeclock.Clock, body *pacedBody) []time.Duration {
	t.Helper()
	rec := &Recorder{Real: streamTransport{body}}
	if clk != nil {
		rec.Clock = clk
	}
	req, err := http.NewRequest("POST", "https://api.groq.com/openai/v1/chat/completions", strings.NewReader(`{"stream":true}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rec.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	is := rec.Interactions()
	if len(is) != 1 {
		t.Fatalf("%d interactions recorded", len(is))
	}
	evs, err := httpbody.SplitSSE(is[0].Response.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Duration
	for _, e := range evs {
		if !e.HasOffset {
			t.Fatalf("event %q has no offset", e.Raw)
		}
		out = append(out, e.Offset)
	}
	return out
}

var threeEvents = []string{"data: a\n\n", "data: b\n\n", "data: [DONE]\n\n"}

// A fake clock given for replay pacing, which nothing advances while
// recording (an instant fake clock: only Sleep moves it, and recording
// never sleeps on it), does not time the recording: the stream came at
// the server's real pace, and the offsets say so, not 0 each.
func TestStandingClockRecordsWallOffsets(t *testing.T) {
	clk := fakeclock.NewInstant(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	const gap = 20 * time.Millisecond
	got := recordOffsets(t, clk, &pacedBody{events: threeEvents, wait: gap})
	if len(got) != 3 {
		t.Fatalf("offsets %v, want 3", got)
	}
	for k := 1; k < len(got); k++ {
		if got[k]-got[k-1] < gap {
			t.Errorf("offsets %v: event %d came at least %v after event %d on the wall clock", got, k, gap, k-1)
		}
	}
	if clk.Now() != time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("recording moved the fake clock to %v", clk.Now())
	}
}

// A clock the server paces on (it moves during the exchange) times the
// recording exactly, with no wall time in it: a recording from a fake on
// a fake clock is the same on every machine.
func TestDrivenClockRecordsItsOffsets(t *testing.T) {
	clk := fakeclock.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	got := recordOffsets(t, clk, &pacedBody{events: threeEvents, wait: 250 * time.Millisecond, clk: clk})
	want := []time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond}
	if len(got) != len(want) {
		t.Fatalf("offsets %v, want %v", got, want)
	}
	for k := range want {
		if got[k] != want[k] {
			t.Errorf("offsets %v, want exactly %v (the fake clock's)", got, want)
			break
		}
	}
}
