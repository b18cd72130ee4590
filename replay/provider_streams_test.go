package replay

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// providerKey returns the fake key of the named shape.
func providerKey(t *testing.T, name string) string {
	t.Helper()
	for _, k := range secretstest.Keys() {
		if k.Name == name {
			return k.Value
		}
	}
	t.Fatalf("no fake key named %q", name)
	return ""
}

// providerStreamFrames reads a stream of testdata/providers (see
// SOURCE.md there) and cuts it into the frames its server sends.
func providerStreamFrames(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "providers", file))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := httpbody.SplitSSE(string(b))
	if err != nil {
		t.Fatal(err)
	}
	var frames []string
	for _, e := range evs {
		frames = append(frames, string(e.Raw))
	}
	if strings.Join(frames, "") != string(b) || len(frames) < 3 {
		t.Fatalf("%s does not cut into frames", file)
	}
	return frames
}

// The streams of the other big LLM APIs record and replay event by event,
// with their timing, and their keys stay out of the cassette: Anthropic
// Messages (event: lines, ping, thinking and tool input deltas, the key in
// x-api-key), the OpenAI Responses API (typed event: lines; Bearer key)
// and Gemini's streamGenerateContent?alt=sse (data-only frames ended by
// CRLF; the key in x-goog-api-key and in the key= parameter). A mixed
// stream adds comments, multi-line data, id and retry fields and CR line
// ends. The server sends one frame at a time and the test clock moves
// between frames, so the recorded offsets are exact and nothing sleeps.
func TestProviderStreamsRecordAndReplayEventByEvent(t *testing.T) {
	anthropicKey := providerKey(t, "anthropic")
	openAIKey := providerKey(t, "openai-project")
	googleKey := providerKey(t, "google")
	mixed := []string{
		": keep-alive\n\n",
		"event: response.output_text.delta\r\nid: 1\r\nretry: 1500\r\ndata: {\"type\":\"response.output_text.delta\",\r\ndata: \"delta\":\"Hi\"}\r\n\r\n",
		": OPENROUTER PROCESSING\n\n",
		"event: response.completed\rdata: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\"}}\r\r",
	}
	// A long Gemini stream whose frame ending at byte 32769 has the CR of
	// its blank line at the end of the 32 KiB that SplitSSE's decoder
	// reads first: the event must keep its LF.
	geminiFrame := func(n int) string {
		return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"" + strings.Repeat("w", n) + "\"}],\"role\": \"model\"},\"index\": 0}]}\r\n\r\n"
	}
	var long []string
	total := 0
	for 32769-total > 2*len(geminiFrame(100)) {
		long = append(long, geminiFrame(100))
		total += len(long[len(long)-1])
	}
	long = append(long, geminiFrame(32769-total-len(geminiFrame(0))))
	for range 50 {
		long = append(long, geminiFrame(100))
	}
	for _, c := range []struct {
		name   string
		frames []string
		path   string            // the request's path and query
		header map[string]string // the request's key headers
		keys   []string          // values that must not reach the cassette
	}{
		{"anthropic tools", providerStreamFrames(t, "anthropic_tools.sse"), "/v1/messages",
			map[string]string{"x-api-key": anthropicKey, "anthropic-version": "2023-06-01"}, []string{anthropicKey}},
		{"anthropic thinking", providerStreamFrames(t, "anthropic_thinking.sse"), "/v1/messages?beta=true",
			map[string]string{"X-Api-Key": anthropicKey}, []string{anthropicKey}},
		{"responses text", providerStreamFrames(t, "responses_text.sse"), "/v1/responses",
			map[string]string{"Authorization": "Bearer " + openAIKey}, []string{openAIKey}},
		{"responses tools", providerStreamFrames(t, "responses_tools.sse"), "/v1/responses",
			map[string]string{"Authorization": "Bearer " + openAIKey}, []string{openAIKey}},
		{"gemini", providerStreamFrames(t, "gemini_tools.sse"), "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=" + googleKey,
			map[string]string{"x-goog-api-key": googleKey}, []string{googleKey}},
		{"gemini long", long, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
			map[string]string{"x-goog-api-key": googleKey}, []string{googleKey}},
		{"mixed framing", mixed, "/v1/responses", map[string]string{"api-key": openAIKey}, []string{openAIKey}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// gaps[k] is how long after the headers frame k arrives.
			gaps := make([]time.Duration, len(c.frames))
			for k := range gaps {
				gaps[k] = time.Duration(k*(k+1)/2) * 10 * time.Millisecond
			}
			ss := &streamServer{events: c.frames, release: make(chan struct{})}
			g := newFakeGroq(t, ss.handler)
			path := filepath.Join(t.TempDir(), "s.yaml")
			do := func(t *testing.T, s *Session) *http.Response {
				t.Helper()
				req, err := http.NewRequest("POST", g.URL+c.path, strings.NewReader(`{"stream":true}`))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				for k, v := range c.header {
					req.Header.Set(k, v)
				}
				resp, err := s.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				return resp
			}

			clk := newFakeClock()
			t.Run("record", func(t *testing.T) {
				s := New(t, WithPath(path), WithMode(ModeRecord), WithClock(clk), WithRealTransport(http.DefaultTransport))
				resp := do(t, s)
				defer resp.Body.Close()
				r := bufio.NewReader(resp.Body)
				var last time.Duration
				for k, f := range c.frames {
					clk.Advance(gaps[k] - last)
					last = gaps[k]
					ss.release <- struct{}{}
					// The frame reaches the client before the server sends the next.
					buf := make([]byte, len(f))
					if _, err := io.ReadFull(r, buf); err != nil || string(buf) != f {
						t.Fatalf("frame %d: read %q, %v; want %q", k, buf, err, f)
					}
				}
				if b, err := io.ReadAll(r); err != nil || len(b) != 0 {
					t.Fatalf("after the last frame: %q, %v", b, err)
				}
			})
			if t.Failed() {
				return
			}

			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, key := range c.keys {
				if strings.Contains(string(file), key) {
					t.Fatalf("the cassette holds the key %.12s...:\n%s", key, file)
				}
			}
			cas, err := cassettes.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			evs, err := httpbody.SplitSSE(cas.Interactions[0].Response.Body)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != len(c.frames) {
				t.Fatalf("recorded %d events, want %d", len(evs), len(c.frames))
			}
			for k, e := range evs {
				if string(e.Raw) != c.frames[k] || !e.HasOffset || e.Offset != gaps[k] {
					t.Errorf("recorded event %d = %v %q, want %v %q", k, e.Offset, e.Raw, gaps[k], c.frames[k])
				}
			}

			for _, tt := range []struct {
				name  string
				opts  []Option
				scale float64
			}{
				{"instant", nil, 0},
				{"as recorded", []Option{timingAsRecorded()}, 1},
				{"scaled", []Option{TimingScaled(0.5)}, 0.5},
			} {
				t.Run(tt.name, func(t *testing.T) {
					clk := newFakeClock()
					s := New(t, append(tt.opts, WithPath(path), WithClock(clk), WithRealTransport(offline{t}))...)
					resp := do(t, s)
					defer resp.Body.Close()
					buf := make([]byte, 64<<10)
					for k, f := range c.frames {
						n, err := resp.Body.Read(buf)
						if err != nil || string(buf[:n]) != f {
							t.Fatalf("read %d = %q, %v; want exactly frame %q", k, buf[:n], err, f)
						}
					}
					if n, err := resp.Body.Read(buf); n != 0 || err != io.EOF {
						t.Errorf("after the last frame: %d, %v", n, err)
					}
					var want, got []time.Duration
					for k := 1; k < len(gaps) && tt.scale > 0; k++ {
						want = append(want, time.Duration(float64(gaps[k]-gaps[k-1])*tt.scale))
					}
					for _, d := range clk.Sleeps() {
						if d > 0 {
							got = append(got, d)
						}
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("waits = %v, want %v", got, want)
					}
				})
			}
		})
	}
}
