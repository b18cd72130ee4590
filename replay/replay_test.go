package replay

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
)

func chatHandler(w http.ResponseWriter, r *http.Request, body string) {
	var req struct {
		Messages []struct{ Content string } `json:"messages"`
	}
	json.Unmarshal([]byte(body), &req)
	last := ""
	if n := len(req.Messages); n > 0 {
		last = req.Messages[n-1].Content
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Set-Cookie", "session=secret-cookie")
	fmt.Fprintf(w, `{"id":"chatcmpl-1","choices":[{"message":{"role":"assistant","content":"echo: %s"}}]}`, last)
}

func readAll(t testing.TB, resp *http.Response, err error) (int, string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// do posts body and reads the whole answer.
func do(t testing.TB, c *http.Client, url, body string) (int, string) {
	t.Helper()
	resp, err := post(t, c, url, body)
	return readAll(t, resp, err)
}

func jsonEqual(t testing.TB, a, b string) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func TestDefaultPath(t *testing.T) {
	tests := []struct{ name, test, want string }{
		{"plain", "TestChat", "testdata/cassettes/TestChat.yaml"},
		{"subtest", "TestChat/tool_call", "testdata/cassettes/TestChat/tool_call.yaml"},
		{"replaced characters get a hash", "TestChat/tool call#01", "testdata/cassettes/TestChat/tool_call_01-3cf0cec1.yaml"},
		{"dots", "TestX/..", "testdata/cassettes/TestX/_...yaml"},
		{"unicode", "TestX/é", "testdata/cassettes/TestX/_-1e9de8c1.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := filepath.ToSlash(DefaultPath(tt.test)); got != tt.want {
				t.Errorf("DefaultPath(%q) = %q, want %q", tt.test, got, tt.want)
			}
		})
	}
}

func TestRecordThenReplay(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	g := newFakeGroq(t, chatHandler)
	path := filepath.Join(t.TempDir(), "chat.yaml")
	url := g.URL + "/openai/v1/chat/completions?key=" + fakeKey
	bodies := []string{
		`{"model":"m","messages":[{"role":"user","content":"one"}]}`,
		`{"model":"m","messages":[{"role":"user","content":"two"}]}`,
	}
	var recorded []string
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		for _, b := range bodies {
			code, got := do(t, s.Client(), url, b)
			if code != 200 {
				t.Fatalf("status %d", code)
			}
			recorded = append(recorded, got)
		}
	})
	if g.count() != 2 || g.auth[0] != "Bearer "+fakeKey {
		t.Fatalf("the server saw %d requests, auth %q: recording must send the real request", g.count(), g.auth)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{fakeKey, "secret-cookie"} {
		if strings.Contains(string(data), leak) {
			t.Errorf("the cassette contains %q", leak)
		}
	}
	t.Run("replay", func(t *testing.T) {
		// Reversed order: different requests match in any order.
		s := New(t, WithPath(path), WithRealTransport(offline{t}))
		for k := len(bodies) - 1; k >= 0; k-- {
			code, got := do(t, s.Client(), url, bodies[k])
			if code != 200 || !jsonEqual(t, got, recorded[k]) {
				t.Errorf("replayed %d %s, want %s", code, got, recorded[k])
			}
		}
	})
	if g.count() != 2 {
		t.Errorf("replay reached the server")
	}
}

func TestReplayMissFailsTheTestWithADiff(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	g := newFakeGroq(t, chatHandler)
	path := filepath.Join(t.TempDir(), "c.yaml")
	url := g.URL + "/openai/v1/chat/completions"
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		do(t, s.Client(), url, `{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"hello"}]}`)
	})
	ft := newFakeT(t, "TestChat")
	s := start(ft, WithPath(path), AllowUnused())
	// The caller swallows the error; the test must fail anyway.
	resp, err := post(t, s.Client(), url, `{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"bye `+fakeKey+`"}]}`)
	code, answer := readAll(t, resp, err)
	if code != missStatus || resp.Header.Get("X-Should-Retry") != "false" || !strings.Contains(answer, "llmvcr replay miss") {
		t.Fatalf("a changed request got %d %v %s", code, resp.Header, answer)
	}
	ft.end()
	msg := ft.allErrors()
	for _, want := range []string{path, "POST " + url, "closest recorded request: interaction 0", `messages[1].content: recorded "hello", got "bye REDACTED"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, fakeKey) || strings.Contains(answer, fakeKey) {
		t.Error("failure message contains the key")
	}
}

func TestUnusedInteractionsFailAtCleanup(t *testing.T) {
	g := newFakeGroq(t, chatHandler)
	path := filepath.Join(t.TempDir(), "c.yaml")
	url := g.URL + "/v1/chat"
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		do(t, s.Client(), url, `{"messages":[{"content":"a"}]}`)
		do(t, s.Client(), url, `{"messages":[{"content":"b"}]}`)
	})
	tests := []struct {
		name    string
		opts    []Option
		wantErr bool
	}{
		{"reported", nil, true},
		{"opted out", []Option{AllowUnused()}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := newFakeT(t, "TestX")
			s := start(ft, append(tt.opts, WithPath(path))...)
			do(t, s.Client(), url, `{"messages":[{"content":"a"}]}`)
			ft.end()
			msg := ft.allErrors()
			if got := strings.Contains(msg, "never replayed") && strings.Contains(msg, "interaction 1: POST "+url); got != tt.wantErr {
				t.Errorf("unused report = %q, want reported: %v", msg, tt.wantErr)
			}
		})
	}
}

func TestMissingCassetteSaysHowToRecord(t *testing.T) {
	ft := newFakeT(t, "TestChat/with tools")
	if s := start(ft, WithPath(filepath.Join(t.TempDir(), "none.yaml"))); s != nil {
		t.Fatal("New succeeded without a cassette")
	}
	msg := ft.allErrors()
	for _, want := range []string{"none.yaml", `go test ./replay -run '^TestChat$/^with tools$' -record` + "\n", "LLMVCR_MODE=record go test ./..."} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
}

func TestCIRefusesRecording(t *testing.T) {
	t.Setenv("CI", "true")
	for _, m := range []string{"record", "new-episodes"} {
		t.Run(m, func(t *testing.T) {
			t.Setenv("LLMVCR_MODE", m)
			ft := newFakeT(t, "TestX")
			if s := start(ft, WithPath(filepath.Join(t.TempDir(), "c.yaml"))); s != nil {
				t.Fatal("recording started with CI set")
			}
			if !strings.Contains(ft.allErrors(), "because CI is set") {
				t.Errorf("message: %s", ft.allErrors())
			}
		})
	}
	t.Run("a test's own transport may record", func(t *testing.T) {
		ft := newFakeT(t, "TestX")
		s := start(ft, WithPath(filepath.Join(t.TempDir(), "c.yaml")), WithMode(ModeRecord), WithRealTransport(offline{t}))
		if s == nil || s.Mode() != ModeRecord {
			t.Fatalf("refused: %s", ft.allErrors())
		}
		ft.end()
	})
}

func TestModeSelection(t *testing.T) {
	old := recordFlag
	t.Cleanup(func() { recordFlag = old })
	tests := []struct {
		name string
		flag string // "" = not given
		env  string
		test string
		want Mode
	}{
		{"default", "", "", "TestA", ModeReplay},
		{"env", "", "new-episodes", "TestA", ModeNewEpisodes},
		{"env passthrough", "", "passthrough", "TestA", ModePassthrough},
		{"flag alone", "true", "", "TestA", ModeRecord},
		{"flag pattern matches", "TestA/sub", "", "TestA/sub_1", ModeRecord},
		{"flag pattern misses", "TestB", "new-episodes", "TestA", ModeReplay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recordFlag = recordValue{}
			if tt.flag != "" {
				if err := recordFlag.Set(tt.flag); err != nil {
					t.Fatal(err)
				}
			}
			t.Setenv("LLMVCR_MODE", tt.env)
			got, err := resolveMode(tt.test, nil)
			if err != nil || got != tt.want {
				t.Errorf("mode = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	t.Setenv("LLMVCR_MODE", "sometimes")
	recordFlag = recordValue{}
	if _, err := resolveMode("TestA", nil); err == nil {
		t.Error("unknown LLMVCR_MODE accepted")
	}
}

func TestNewEpisodesKeepsAndAdds(t *testing.T) {
	g := newFakeGroq(t, chatHandler)
	path := filepath.Join(t.TempDir(), "c.yaml")
	url := g.URL + "/v1/chat"
	a, b := `{"messages":[{"content":"a"}]}`, `{"messages":[{"content":"b"}]}`
	t.Run("record a", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		do(t, s.Client(), url, a)
	})
	t.Run("add b", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeNewEpisodes), WithRealTransport(http.DefaultTransport))
		do(t, s.Client(), url, a)
		_, got := do(t, s.Client(), url, b)
		if !strings.Contains(got, "echo: b") {
			t.Errorf("b answered %s", got)
		}
	})
	if g.count() != 2 {
		t.Errorf("server saw %d requests, want 2 (a recorded once, b added)", g.count())
	}
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Interactions) != 2 {
		t.Fatalf("cassette has %d interactions, want 2", len(c.Interactions))
	}
}

func TestParallelSubtestsShareACassette(t *testing.T) {
	g := newFakeGroq(t, chatHandler)
	path := filepath.Join(t.TempDir(), "c.yaml")
	url := g.URL + "/v1/chat"
	const n = 8
	body := func(k int) string { return fmt.Sprintf(`{"messages":[{"content":"q%d"}]}`, k) }
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		for k := 0; k < n; k++ {
			do(t, s.Client(), url, body(k))
		}
	})
	t.Run("replay", func(t *testing.T) {
		s := New(t, WithPath(path), WithRealTransport(offline{t}))
		for k := n - 1; k >= 0; k-- {
			t.Run(fmt.Sprint(k), func(t *testing.T) {
				t.Parallel()
				_, got := do(t, s.Client(), url, body(k))
				if !strings.Contains(got, fmt.Sprintf("echo: q%d", k)) {
					t.Errorf("got %s", got)
				}
			})
		}
	})
}

// streamServer sends the events one at a time, each only when the test
// releases it, so a test can see whether the client gets an event before
// the next one exists.
type streamServer struct {
	events  []string
	release chan struct{}
	cut     bool // drop the connection after the events instead of ending
}

func (ss *streamServer) handler(w http.ResponseWriter, r *http.Request, body string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(200)
	w.(http.Flusher).Flush()
	for _, e := range ss.events {
		select {
		case <-ss.release:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, e)
		w.(http.Flusher).Flush()
	}
	if ss.cut {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err == nil {
			buf.Flush()
			conn.Close()
		}
	}
}

var threeEvents = []string{
	"data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n",
	": keep-alive\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\r\n\r\n",
	"data: [DONE]\n\n",
}

func TestStreamRecordPassesThroughAndReplaysEventByEvent(t *testing.T) {
	ss := &streamServer{events: threeEvents, release: make(chan struct{})}
	g := newFakeGroq(t, ss.handler)
	path := filepath.Join(t.TempDir(), "s.yaml")
	clk := newFakeClock()
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithClock(clk), WithRealTransport(http.DefaultTransport))
		resp, err := post(t, s.Client(), g.URL+"/v1/chat", `{"stream":true}`)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		r := bufio.NewReader(resp.Body)
		var got strings.Builder
		for k, e := range ss.events {
			clk.Advance(time.Duration(k) * 100 * time.Millisecond)
			ss.release <- struct{}{}
			// The event must reach us before the server sends the next.
			buf := make([]byte, len(e))
			if _, err := io.ReadFull(r, buf); err != nil {
				t.Fatalf("event %d: %v", k, err)
			}
			got.Write(buf)
		}
		if got.String() != strings.Join(ss.events, "") {
			t.Errorf("client got %q", got.String())
		}
	})
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := httpbody.SplitSSE(c.Interactions[0].Response.Body)
	if err != nil {
		t.Fatal(err)
	}
	wantOffsets := []time.Duration{0, 100 * time.Millisecond, 300 * time.Millisecond}
	for k, e := range evs {
		if e.Offset != wantOffsets[k] || string(e.Raw) != ss.events[k] {
			t.Errorf("recorded event %d = %v %q, want %v %q", k, e.Offset, e.Raw, wantOffsets[k], ss.events[k])
		}
	}

	tests := []struct {
		name   string
		opts   []Option
		sleeps []time.Duration
	}{
		{"instant", nil, nil},
		{"as recorded", []Option{timingAsRecorded()}, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{"scaled", []Option{TimingScaled(0.5)}, []time.Duration{50 * time.Millisecond, 100 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			s := New(t, append(tt.opts, WithPath(path), WithClock(clk), WithRealTransport(offline{t}))...)
			resp, err := post(t, s.Client(), g.URL+"/v1/chat", `{"stream": true}`)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.Header.Get(httpbody.StreamErrorHeader) != "" {
				t.Error("internal header reached the client")
			}
			buf := make([]byte, 4096)
			for k, e := range ss.events {
				n, err := resp.Body.Read(buf)
				if err != nil || string(buf[:n]) != e {
					t.Fatalf("read %d = %q, %v; want exactly event %q", k, buf[:n], err, e)
				}
			}
			if n, err := resp.Body.Read(buf); n != 0 || err != io.EOF {
				t.Errorf("after the last event: %d, %v", n, err)
			}
			var sleeps []time.Duration
			for _, d := range clk.Sleeps() {
				if d > 0 {
					sleeps = append(sleeps, d)
				}
			}
			if !reflect.DeepEqual(sleeps, tt.sleeps) {
				t.Errorf("waits = %v, want %v", sleeps, tt.sleeps)
			}
		})
	}
}

func TestBrokenStreamReplaysAsTheSameBreak(t *testing.T) {
	ss := &streamServer{events: threeEvents[:2], release: make(chan struct{}, 2), cut: true}
	ss.release <- struct{}{}
	ss.release <- struct{}{}
	g := newFakeGroq(t, ss.handler)
	path := filepath.Join(t.TempDir(), "s.yaml")
	read := func(t *testing.T, c *http.Client) (string, error) {
		resp, err := post(t, c, g.URL+"/v1/chat", `{"stream":true}`)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	var live string
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		var err error
		live, err = read(t, s.Client())
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("live read error = %v, want unexpected EOF", err)
		}
	})
	t.Run("replay", func(t *testing.T) {
		s := New(t, WithPath(path), WithRealTransport(offline{t}))
		got, err := read(t, s.Client())
		if got != live || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("replay = %q, %v; want %q, unexpected EOF", got, err, live)
		}
	})
}

// recordStream makes a cassette holding one recorded stream.
func recordStream(t *testing.T) (string, string) {
	t.Helper()
	ss := &streamServer{events: threeEvents, release: make(chan struct{}, 3)}
	for range threeEvents {
		ss.release <- struct{}{}
	}
	g := newFakeGroq(t, ss.handler)
	path := filepath.Join(t.TempDir(), "s.yaml")
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		do(t, s.Client(), g.URL+"/v1/chat", `{"stream":true}`)
	})
	return path, g.URL + "/v1/chat"
}

func TestFaults(t *testing.T) {
	path, url := recordStream(t)
	t.Run("cut after 2", func(t *testing.T) {
		s := New(t, WithPath(path), OnRequest(1, CutAfter(2)))
		resp, err := post(t, s.Client(), url, `{"stream":true}`)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if string(b) != threeEvents[0]+threeEvents[1] || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("got %q, %v", b, err)
		}
	})
	t.Run("stall after 1 until the context ends", func(t *testing.T) {
		s := New(t, WithPath(path), OnRequest(1, StallAfter(1)))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(`{"stream":true}`))
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		buf := make([]byte, 4096)
		if n, _ := resp.Body.Read(buf); string(buf[:n]) != threeEvents[0] {
			t.Fatalf("first read %q", buf[:n])
		}
		errc := make(chan error, 1)
		go func() {
			_, err := resp.Body.Read(buf)
			errc <- err
		}()
		select {
		case err := <-errc:
			t.Fatalf("stalled read returned early: %v", err)
		default:
		}
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Errorf("stalled read ended with %v, want context.Canceled", err)
		}
	})
	t.Run("corrupt event 0", func(t *testing.T) {
		s := New(t, WithPath(path), OnRequest(1, CorruptEvent(0)))
		_, got := do(t, s.Client(), url, `{"stream":true}`)
		first, _, _ := strings.Cut(got, "\n\n")
		data := strings.TrimPrefix(first, "data: ")
		if json.Valid([]byte(data)) || !strings.HasPrefix(threeEvents[0], first) || !strings.HasSuffix(got, threeEvents[1]+threeEvents[2]) {
			t.Errorf("corrupted stream = %q", got)
		}
	})
	t.Run("429 then the recording", func(t *testing.T) {
		s := New(t, WithPath(path), OnRequest(1, Respond(429, http.Header{"Retry-After": {"2"}}, `{"error":{"message":"rate limited"}}`)))
		resp, err := post(t, s.Client(), url, `{"stream":true}`)
		code, body := readAll(t, resp, err)
		if code != 429 || resp.Header.Get("Retry-After") != "2" || !strings.Contains(body, "rate limited") {
			t.Errorf("first answer %d %v %s", code, resp.Header, body)
		}
		_, body = do(t, s.Client(), url, `{"stream":true}`)
		if body != strings.Join(threeEvents, "") {
			t.Errorf("retry got %q", body)
		}
	})
}

func TestReplayHonoursContext(t *testing.T) {
	path, url := recordStream(t)
	s := New(t, WithPath(path), AllowUnused())
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(`{"stream":true}`))
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	cancel()
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, context.Canceled) {
		t.Errorf("read after cancel: %v", err)
	}
}

func TestConcurrentIdenticalRequestsGetRecordedOrderPerKey(t *testing.T) {
	var mu sync.Mutex
	n := 0
	g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"n":%d}`, k)
	})
	path := filepath.Join(t.TempDir(), "c.yaml")
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		for k := 0; k < 3; k++ {
			do(t, s.Client(), g.URL+"/x", `{"same":true}`)
		}
	})
	s := New(t, WithPath(path))
	for k := 1; k <= 3; k++ {
		_, got := do(t, s.Client(), g.URL+"/x", `{"same": true}`)
		if !jsonEqual(t, got, fmt.Sprintf(`{"n":%d}`, k)) {
			t.Errorf("identical request %d answered %s", k, got)
		}
	}
}

func TestCrashMidRecordingKeepsThePreviousCassette(t *testing.T) {
	g := newFakeGroq(t, chatHandler)
	path := filepath.Join(t.TempDir(), "c.yaml")
	url := g.URL + "/v1/chat"
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		do(t, s.Client(), url, `{"messages":[{"content":"a"}]}`)
	})
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A re-recording whose test never reaches its cleanup (the process
	// dies) must not have touched the file.
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	do(t, s.Client(), url, `{"messages":[{"content":"b"}]}`)
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Fatal("the cassette changed before the recording ended")
	}
}

func TestReRecordingLogsDrift(t *testing.T) {
	answer := "first"
	g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"chatcmpl-%s","choices":[{"message":{"content":%q}}]}`, answer, answer)
	})
	path := filepath.Join(t.TempDir(), "c.yaml")
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		do(t, s.Client(), g.URL+"/v1/chat", `{"q":1}`)
	})
	answer = "second"
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	do(t, s.Client(), g.URL+"/v1/chat", `{"q":1}`)
	ft.end()
	logs := strings.Join(ft.logs, "\n")
	if !strings.Contains(logs, `interaction 0 response choices[0].message.content: "first" -> "second"`) || strings.Contains(logs, "response id:") {
		t.Errorf("drift log:\n%s", logs)
	}
	if ft.allErrors() != "" {
		t.Errorf("errors: %s", ft.allErrors())
	}
}

func TestPassthroughRecordsNothing(t *testing.T) {
	g := newFakeGroq(t, chatHandler)
	path := filepath.Join(t.TempDir(), "c.yaml")
	t.Run("passthrough", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModePassthrough), WithRealTransport(http.DefaultTransport)) // a loopback server: allowed under CI too
		if _, got := do(t, s.Client(), g.URL+"/v1/chat", `{"messages":[{"content":"x"}]}`); !strings.Contains(got, "echo: x") {
			t.Errorf("got %s", got)
		}
	})
	if g.count() != 1 {
		t.Errorf("server saw %d requests", g.count())
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("passthrough wrote a cassette: %v", err)
	}
}
