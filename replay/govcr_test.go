package replay

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v3/recorder"

	"github.com/llmvcr/llmvcr/internal/sse"
)

// TestGoVCRReplaysOurCassettes checks that go-vcr's own recorder replays a
// cassette this package recorded: JSON as is, and a stream whose timing
// lines an SSE client skips as comments, so it decodes to the same events.
func TestGoVCRReplaysOurCassettes(t *testing.T) {
	ss := &streamServer{events: threeEvents, release: make(chan struct{}, 3)}
	for range threeEvents {
		ss.release <- struct{}{}
	}
	g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
		if strings.Contains(body, "stream") {
			ss.handler(w, r, body)
			return
		}
		chatHandler(w, r, body)
	})
	path := filepath.Join(t.TempDir(), "ours.yaml")
	var liveJSON string
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		_, liveJSON = do(t, s.Client(), g.URL+"/v1/chat", `{"messages":[{"content":"hi"}]}`)
		do(t, s.Client(), g.URL+"/v1/stream", `{"stream":true}`)
	})
	rec, err := recorder.NewWithOptions(&recorder.Options{
		CassetteName: strings.TrimSuffix(path, ".yaml"), Mode: recorder.ModeReplayOnly, SkipRequestLatency: true,
	})
	if err != nil {
		t.Fatalf("go-vcr cannot open our cassette: %v", err)
	}
	defer rec.Stop()
	c := &http.Client{Transport: rec}
	_, gotJSON := do(t, c, g.URL+"/v1/chat", `{"messages":[{"content":"hi"}]}`)
	if !jsonEqual(t, gotJSON, liveJSON) {
		t.Errorf("go-vcr replayed %s, want %s", gotJSON, liveJSON)
	}
	resp, err := post(t, c, g.URL+"/v1/stream", `{"stream":true}`)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	want := []string{`{"choices":[{"delta":{"content":"Hel"}}]}`, `{"choices":[{"delta":{"content":"lo"}}]}`, `[DONE]`}
	dec := sse.NewDecoder(resp.Body)
	for k, w := range want {
		ev, err := dec.Next()
		if err != nil || string(ev.Data) != w {
			t.Fatalf("event %d via go-vcr = %q, %v; want %q", k, ev.Data, err, w)
		}
	}
	if _, err := dec.Next(); err != io.EOF {
		t.Errorf("after the last event: %v", err)
	}
}
