package replay

import (
	"io"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
)

// TestInvalidFaultsAreRefused: a fault that could never apply as written
// fails the test when the session starts, naming it, instead of letting
// the test pass without its fault.
func TestInvalidFaultsAreRefused(t *testing.T) {
	path, _ := recordStream(t)
	tests := []struct {
		name string
		opt  Option
		want string
	}{
		{"request 0", OnRequest(0, CutAfter(1)), "OnRequest(0, CutAfter(1)): requests are counted from 1"},
		{"request -1", OnRequest(-1, Refuse()), "OnRequest(-1, Refuse()): requests are counted from 1"},
		{"no fault", OnRequest(1), "OnRequest(1) was given no fault"},
		{"cut -1", OnRequest(1, CutAfter(-1)), "CutAfter(-1): an event count is 0 or more"},
		{"stall -3", OnRequest(1, StallAfter(-3)), "StallAfter(-3): an event count is 0 or more"},
		{"corrupt -1", OnRequest(1, CorruptEvent(-1)), "CorruptEvent(-1): an event count is 0 or more"},
		{"status 0", OnRequest(1, Respond(0, nil, "")), "Respond(0, ...): the status must be from 100 to 599"},
		{"status 600", OnRequest(1, Respond(600, nil, "")), "Respond(600, ...): the status must be from 100 to 599"},
		{"zero fault", OnRequest(1, Fault{}), "a zero Fault"},
		{"refuse and cut", OnRequest(1, Refuse(), CutAfter(1)), "cannot be combined with another"},
		{"respond twice", OnRequest(1, Respond(429, nil, ""), Respond(500, nil, "")), "cannot be combined with another"},
		{"cut and stall", OnRequest(2, CutAfter(1), StallAfter(2)), "CutAfter(1) and StallAfter(2) both end the stream"},
		{"corrupt twice", OnRequest(1, CorruptEvent(0), CorruptEvent(1)), "CorruptEvent(0) and CorruptEvent(1) both garble an event"},
		{"corrupt after the cut", OnRequest(1, CutAfter(1), CorruptEvent(1)), "CorruptEvent(1) is at or after the end that CutAfter(1) makes"},
		{"timing NaN", TimingScaled(math.NaN()), "TimingScaled(NaN): the factor must be a finite number"},
		{"timing infinite", TimingScaled(math.Inf(1)), "TimingScaled(+Inf): the factor must be a finite number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := newFakeT(t, "TestX")
			if s := start(ft, WithPath(path), tt.opt); s != nil {
				ft.end()
				t.Fatalf("the session started; errors: %q", ft.allErrors())
			}
			if msg := ft.allErrors(); !strings.Contains(msg, tt.want) || !strings.Contains(msg, path) {
				t.Errorf("message lacks %q:\n%s", tt.want, msg)
			}
		})
	}
	t.Run("refused while recording too", func(t *testing.T) {
		ft := newFakeT(t, "TestX")
		if s := start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(offline{t}), OnRequest(0, CutAfter(1))); s != nil {
			ft.end()
			t.Fatal("the session started")
		}
	})
}

// TestFaultsThatNeverAppliedFailAtCleanup: a fault whose request never
// came, or whose event is past the end of the answer it met, fails the
// test when it ends, as an unused recording does; a fault at the last
// event it can take is fine.
func TestFaultsThatNeverAppliedFailAtCleanup(t *testing.T) {
	path, url := recordStream(t) // one stream of 3 events
	tests := []struct {
		name     string
		requests int
		opts     []Option
		want     string // "" when the faults all applied
	}{
		{"request never came", 1, []Option{OnRequest(2, CutAfter(1)), AllowRepeats()}, "OnRequest(2, CutAfter(1)) never applied: the test made only 1 request(s)"},
		{"refuse never came", 0, []Option{OnRequest(1, Refuse()), AllowUnused()}, "OnRequest(1, Refuse()) never applied: the test made only 0 request(s)"},
		{"cut past the end", 1, []Option{OnRequest(1, CutAfter(4))}, "OnRequest(1, CutAfter(4)) never applied: the answer it met has only 3 event(s)"},
		{"stall past the end", 1, []Option{OnRequest(1, StallAfter(9))}, "OnRequest(1, StallAfter(9)) never applied: the answer it met has only 3 event(s)"},
		{"corrupt past the end", 1, []Option{OnRequest(1, CorruptEvent(3))}, "OnRequest(1, CorruptEvent(3)) never applied: the answer it met has only 3 event(s)"},
		{"cut at the end", 1, []Option{OnRequest(1, CutAfter(3))}, ""},
		{"corrupt the last event", 1, []Option{OnRequest(1, CorruptEvent(2))}, ""},
		{"respond, then the recording", 2, []Option{OnRequest(1, Respond(503, nil, "busy"))}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := newFakeT(t, "TestX")
			s := start(ft, append([]Option{WithPath(path), WithRealTransport(offline{t})}, tt.opts...)...)
			if s == nil {
				t.Fatalf("refused: %s", ft.allErrors())
			}
			for range tt.requests {
				resp, err := post(t, s.Client(), url, `{"stream":true}`)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			ft.end()
			msg := ft.allErrors()
			if tt.want == "" {
				if msg != "" {
					t.Errorf("errors: %s", msg)
				}
				return
			}
			if !strings.Contains(msg, tt.want) || !strings.Contains(msg, "never applied") {
				t.Errorf("cleanup errors lack %q:\n%s", tt.want, msg)
			}
		})
	}
	t.Run("recording meets no faults and is not failed for it", func(t *testing.T) {
		g := newFakeGroq(t, chatHandler)
		ft := newFakeT(t, "TestX")
		s := start(ft, WithPath(t.TempDir()+"/c.yaml"), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport), OnRequest(1, CutAfter(1)))
		do(t, s.Client(), g.URL, `{}`)
		ft.end()
		if msg := ft.allErrors(); msg != "" {
			t.Errorf("errors: %s", msg)
		}
	})
}

// TestNewEpisodesRecordsAFaultedRequestLive: in new-episodes mode a
// request with no recording is recorded live, where faults do not apply;
// its faults are not reported as never applied, and the recording saves.
func TestNewEpisodesRecordsAFaultedRequestLive(t *testing.T) {
	g := newFakeGroq(t, chatHandler)
	path := t.TempDir() + "/c.yaml"
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeNewEpisodes), WithRealTransport(http.DefaultTransport), OnRequest(1, CutAfter(1)))
	do(t, s.Client(), g.URL, `{}`)
	ft.end()
	if e := ft.allErrors(); e != "" {
		t.Errorf("errors: %s", e)
	}
	if _, err := cassettes.Load(path); err != nil {
		t.Errorf("not saved: %v", err)
	}
}
