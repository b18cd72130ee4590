package replay

import (
	"compress/gzip"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
)

// TestGzipEventStreamSaves: a client that asked for gzip itself gets the
// server's gzip stream as it came; the recording still saves, decoded, and
// replays as the plain event stream.
func TestGzipEventStreamSaves(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	const events = "data: {\"k\":1}\n\ndata: {\"k\":2}\n\ndata: [DONE]\n\n"
	g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		for _, ev := range strings.SplitAfter(events, "\n\n") {
			io.WriteString(zw, ev)
			zw.Flush()
			w.(http.Flusher).Flush()
		}
		zw.Close()
	})
	path := filepath.Join(t.TempDir(), "c.yaml")
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	req, _ := http.NewRequest("POST", g.URL+"/s", strings.NewReader(`{}`))
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	resp.Body.Close()
	if err != nil || string(got) != events {
		t.Fatalf("client got %q, %v", got, err)
	}
	ft.end()
	if e := ft.allErrors(); e != "" {
		t.Fatalf("recording failed: %s", e)
	}
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	rs := c.Interactions[0].Response
	if rs.Body != events || rs.Headers.Get("Content-Encoding") != "" {
		t.Errorf("saved body %q (Content-Encoding %q), want the decoded stream", rs.Body, rs.Headers.Get("Content-Encoding"))
	}
}

// TestFailedRecordingKeepsOldCassette: a re-recording whose test failed
// does not replace the cassette, and says so.
func TestFailedRecordingKeepsOldCassette(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	g := newFakeGroq(t, chatHandler)
	path := filepath.Join(t.TempDir(), "c.yaml")
	url := g.URL + "/v1/chat"
	good := newFakeT(t, "TestX")
	s := start(good, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	do(t, s.Client(), url, `{"messages":[{"content":"a"}]}`)
	do(t, s.Client(), url, `{"messages":[{"content":"b"}]}`)
	good.end()

	ft := newFakeT(t, "TestX")
	s = start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	do(t, s.Client(), url, `{"messages":[{"content":"a"}]}`)
	ft.Errorf("the API returned an error; the test fails here")
	ft.end()
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Interactions) != 2 {
		t.Errorf("a failed re-recording replaced a 2-interaction cassette with %d", len(c.Interactions))
	}
	if logs := strings.Join(ft.logs, "\n"); !strings.Contains(logs, "was not saved: the test failed") {
		t.Errorf("no log says why it was not saved: %q", logs)
	}
}

// TestRecordingNeedsAKey: recording over the real network with none of
// the secret variables set fails at once; WithSecretEnv names count.
func TestRecordingNeedsAKey(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		opts    []Option
		refused bool
	}{
		{"no key", nil, nil, true},
		{"GROQ_API_KEY", map[string]string{"GROQ_API_KEY": fakeKey}, nil, false},
		{"OPENAI_API_KEY", map[string]string{"OPENAI_API_KEY": "sk-proj-" + strings.Repeat("q", 40)}, nil, false},
		{"ANTHROPIC_API_KEY", map[string]string{"ANTHROPIC_API_KEY": "sk-ant-" + strings.Repeat("q", 40)}, nil, false},
		{"GEMINI_API_KEY", map[string]string{"GEMINI_API_KEY": "AIza" + strings.Repeat("q", 35)}, nil, false},
		{"GOOGLE_API_KEY", map[string]string{"GOOGLE_API_KEY": "AIza" + strings.Repeat("q", 35)}, nil, false},
		{"MISTRAL_API_KEY", map[string]string{"MISTRAL_API_KEY": strings.Repeat("m", 32)}, nil, false},
		{"XAI_API_KEY", map[string]string{"XAI_API_KEY": "xai-" + strings.Repeat("q", 40)}, nil, false},
		{"WithSecretEnv name set", map[string]string{"OTHER_KEY": "other-secret"}, []Option{WithSecretEnv("OTHER_KEY")}, false},
		{"WithSecretEnv name unset", map[string]string{"OTHER_KEY": ""}, []Option{WithSecretEnv("OTHER_KEY")}, true},
		{"own transport needs no key", nil, []Option{WithRealTransport(offline{t})}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", "") // this is about the key; CI's refusal is TestCIValues'
			for _, k := range keyEnvs {
				t.Setenv(k, "")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			ft := newFakeT(t, "TestX")
			opts := append([]Option{WithPath(filepath.Join(t.TempDir(), "c.yaml")), WithMode(ModeRecord)}, tt.opts...)
			s := start(ft, opts...)
			if got := s == nil; got != tt.refused {
				t.Fatalf("refused = %v, want %v (%s)", got, tt.refused, ft.allErrors())
			}
			if tt.refused {
				for _, want := range []string{"replay: recording needs an API key", "GROQ_API_KEY, OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, GOOGLE_API_KEY, MISTRAL_API_KEY, XAI_API_KEY", "replay.WithSecretEnv"} {
					if !strings.Contains(ft.allErrors(), want) {
						t.Errorf("message lacks %q: %s", want, ft.allErrors())
					}
				}
			}
			if s != nil {
				ft.end()
			}
		})
	}
}

// TestRecordingWithNoResponsesIsNotSaved: when every request failed,
// there is nothing to save; the test fails and the old file stays.
func TestRecordingWithNoResponsesIsNotSaved(t *testing.T) {
	g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // no response at all
		}
	})
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	if _, err := post(t, s.Client(), g.URL+"/v1/chat", `{}`); err == nil {
		t.Fatal("the request succeeded")
	}
	ft.end()
	if !strings.Contains(ft.allErrors(), "none of the 1 requests got a response") {
		t.Errorf("errors: %q", ft.allErrors())
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("the old file was replaced: %q", b)
	}
}

// TestCIValues: CI counts as set unless it is "", "0" or "false" (any
// case); passthrough is refused like recording.
func TestCIValues(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	tests := []struct {
		ci      string
		mode    Mode
		refused bool
		opts    []Option
	}{
		{"true", ModeRecord, false, []Option{WithRealTransport(http.DefaultTransport)}}, // allowed, but only to loopback: TestCIRefusesTheNetwork
		{"true", ModeRecord, false, []Option{WithRealTransport(offline{t})}},
		{"", ModeRecord, false, nil},
		{"0", ModeRecord, false, nil},
		{"false", ModeRecord, false, nil},
		{"FALSE", ModeNewEpisodes, false, nil},
		{"1", ModeRecord, true, nil},
		{"true", ModeNewEpisodes, true, nil},
		{"yes", ModeRecord, true, nil},
		{"true", ModePassthrough, true, nil},
		{"false", ModePassthrough, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String()+"/CI="+tt.ci, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			ft := newFakeT(t, "TestX")
			s := start(ft, append([]Option{WithPath(filepath.Join(t.TempDir(), "c.yaml")), WithMode(tt.mode)}, tt.opts...)...)
			if got := s == nil; got != tt.refused {
				t.Fatalf("refused = %v, want %v (%s)", got, tt.refused, ft.allErrors())
			}
			if tt.refused && !strings.Contains(ft.allErrors(), "because CI is set") {
				t.Errorf("message: %s", ft.allErrors())
			}
			if s != nil {
				ft.end()
			}
		})
	}
}

// TestCIRefusesTheNetwork: under CI, a session recording through
// http.DefaultTransport may reach a loopback server (a test's own) but
// not another host.
func TestCIRefusesTheNetwork(t *testing.T) {
	t.Setenv("CI", "true")
	t.Setenv("GROQ_API_KEY", fakeKey)
	g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	})
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(filepath.Join(t.TempDir(), "c.yaml")), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	if _, err := post(t, s.Client(), g.URL+"/v1/chat", `{}`); err != nil {
		t.Fatalf("a loopback request under CI: %v", err)
	}
	_, err := post(t, s.Client(), "https://api.groq.com/openai/v1/chat/completions", `{}`)
	if err == nil || !strings.Contains(err.Error(), "because CI is set") {
		t.Fatalf("a request to api.groq.com under CI: %v", err)
	}
	ft.end()
	if !strings.Contains(ft.allErrors(), "refusing to send POST https://api.groq.com") {
		t.Errorf("errors: %q", ft.allErrors())
	}
}

// TestRecordPatternLevels: -record=REGEXP selects tests as -run does,
// level by level, unanchored within a level.
func TestRecordPatternLevels(t *testing.T) {
	old := recordFlag
	t.Cleanup(func() { recordFlag = old })
	tests := []struct {
		pattern, test string
		want          bool
	}{
		{"TestChat", "TestChat", true},
		{"TestChat", "TestChatHistory", true}, // unanchored, as -run
		{"TestChat", "TestChat/stream", true},
		{"TestChat", "TestOther/TestChat_sub", false},
		{"^TestChat$", "TestChatHistory", false},
		{"TestChat/stream", "TestChat/stream", true},
		{"TestChat/stream", "TestChat/plain", false},
		{"TestChat/stream", "TestChat", false},
		{"/stream", "TestAny/stream", true},
		{"TestA|TestB/x", "TestB/x", true},
		{"Test[/]X", "Test/X", false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.test, func(t *testing.T) {
			recordFlag = recordValue{}
			if err := recordFlag.Set(tt.pattern); err != nil {
				t.Fatal(err)
			}
			m, err := resolveMode(tt.test, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := m == ModeRecord; got != tt.want {
				t.Errorf("-record=%s selects %s: %v, want %v", tt.pattern, tt.test, got, tt.want)
			}
		})
	}
}

// TestCloseAbandonsAStreamAtOnce: a client that stops reading before
// data: [DONE] and closes gets the stream closed at once; the recording
// ends where the client stopped (nothing the client did not see) and is
// marked abandoned.
func TestCloseAbandonsAStreamAtOnce(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Header().Set("Content-Type", "text/event-stream")
		for r.Context().Err() == nil { // generates until the client goes
			if _, err := io.WriteString(w, "data: {}\n\n"); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	path := filepath.Join(t.TempDir(), "c.yaml")
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	resp, err := post(t, s.Client(), g.URL+"/s", `{"stream":true}`)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	n, _ := resp.Body.Read(buf)
	seen := string(buf[:n])
	resp.Body.Close()
	ft.end()
	if e := ft.allErrors(); e != "" {
		t.Fatal(e)
	}
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	rs := c.Interactions[0].Response
	evs, err := httpbody.SplitSSE(rs.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(httpbody.JoinSSE(evs)); got != seen {
		t.Errorf("recorded %d bytes after the client stopped; recorded %q, client saw %q", len(got)-len(seen), truncateForLog(got), seen)
	}
	if rs.Headers.Get(httpbody.StreamErrorHeader) == "" {
		t.Errorf("the stream is not marked abandoned")
	}
}

func truncateForLog(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// TestStreamOpenAtCleanup: a stream still open when the test ends fails
// the test, instead of being left out of the cassette silently.
func TestStreamOpenAtCleanup(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: 1\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	path := filepath.Join(t.TempDir(), "c.yaml")
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	resp, err := post(t, s.Client(), g.URL+"/s", `{"stream":true}`)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 100)
	resp.Body.Read(buf)
	ft.end()
	if !strings.Contains(ft.allErrors(), "1 response body was never closed;") || !strings.Contains(ft.allErrors(), "\n  request 1: POST "+g.URL+"/s (stream)") {
		t.Errorf("errors: %q", ft.allErrors())
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("a cassette without the open stream was saved")
	}
}

// TestDefaultPathNoCollisions: names that differ only in replaced
// characters get different files.
func TestDefaultPathNoCollisions(t *testing.T) {
	seen := map[string]string{}
	for _, name := range []string{"TestX/日本", "TestX/中文", "TestX/a?b", "TestX/a:b", "TestX/a_b", "TestX/__"} {
		p := DefaultPath(name)
		if prev, ok := seen[p]; ok {
			t.Errorf("%s and %s share %s", prev, name, p)
		}
		seen[p] = name
	}
}
