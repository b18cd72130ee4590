package reliability

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/sse"
	"github.com/llmvcr/llmvcr/replay"
)

// safetyTB is a testing.TB whose outcome a test sets (failed, skipped)
// and whose reports it keeps instead of passing on, so the session's
// behaviour at the end of a failed or skipped test can be counted.
type safetyTB struct {
	testing.TB
	name            string
	failed, skipped bool
	mu              sync.Mutex
	reports, logs   []string
	cleanups        []func()
}

func (f *safetyTB) Name() string { return f.name }
func (f *safetyTB) Helper()      {}
func (f *safetyTB) keep(to *[]string, s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*to = append(*to, s)
}
func (f *safetyTB) Error(args ...any) { f.keep(&f.reports, fmt.Sprint(args...)) }
func (f *safetyTB) Errorf(format string, args ...any) {
	f.keep(&f.reports, fmt.Sprintf(format, args...))
}
func (f *safetyTB) Fatal(args ...any) { f.keep(&f.reports, fmt.Sprint(args...)); runtime.Goexit() }
func (f *safetyTB) Fatalf(format string, args ...any) {
	f.keep(&f.reports, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (f *safetyTB) Logf(format string, args ...any) { f.keep(&f.logs, fmt.Sprintf(format, args...)) }
func (f *safetyTB) Cleanup(fn func())               { f.cleanups = append(f.cleanups, fn) }
func (f *safetyTB) Skipped() bool                   { return f.skipped }
func (f *safetyTB) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed || len(f.reports) > 0
}
func (f *safetyTB) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// startSession calls replay.New on its own goroutine, so a Fatal ends
// only that; nil when New refused.
func startSession(f *safetyTB, opts ...replay.Option) *replay.Session {
	var s *replay.Session
	done := make(chan struct{})
	go func() {
		defer close(done)
		s = replay.New(f, opts...)
	}()
	<-done
	return s
}

func echoServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"echo":%q}`, b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// statusOnly answers every request with code and an empty JSON object.
type statusOnly int

func (c statusOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return &http.Response{StatusCode: int(c), Status: http.StatusText(int(c)), Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

func postJSON(c *http.Client, url, body string) (int, error) {
	resp, err := c.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestReplaySaveRules: a recording test that fails, is skipped or makes
// no request leaves a good cassette byte for byte and logs why; one that
// passes with requests saves.
func TestReplaySaveRules(t *testing.T) {
	srv := echoServer(t)
	path := filepath.Join(t.TempDir(), "c.yaml")
	rec := func(f *safetyTB, requests int, through ...replay.Option) {
		if len(through) == 0 {
			through = []replay.Option{replay.WithRealTransport(http.DefaultTransport)}
		}
		s := startSession(f, append([]replay.Option{replay.WithPath(path), replay.WithMode(replay.ModeRecord)}, through...)...)
		for k := range requests {
			if _, err := postJSON(s.Client(), srv.URL, fmt.Sprintf(`{"n":%d}`, k)); err != nil {
				t.Fatal(err)
			}
		}
		f.end()
	}
	rec(&safetyTB{TB: t, name: "TestGood"}, 2)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		tb       *safetyTB
		requests int
		why      string
		through  []replay.Option
	}{
		{"failed", &safetyTB{TB: t, name: "TestX", failed: true}, 1, "the test failed", nil},
		{"skipped", &safetyTB{TB: t, name: "TestX", skipped: true}, 1, "the test was skipped", nil},
		{"no request", &safetyTB{TB: t, name: "TestX"}, 0, "the test made no request", nil},
		{"canned answers", &safetyTB{TB: t, name: "TestX"}, 1, "every new answer is canned", []replay.Option{replay.WithFakeTransport(http.DefaultTransport)}},
		{"only HTTP errors", &safetyTB{TB: t, name: "TestX"}, 1, "every new answer is an HTTP error", []replay.Option{replay.WithRealTransport(statusOnly(http.StatusUnauthorized))}},
	}
	kept, logged := 0, 0
	for _, c := range cases {
		rec(c.tb, c.requests, c.through...)
		if got, _ := os.ReadFile(path); bytes.Equal(got, good) {
			kept++
		} else {
			t.Errorf("%s: the good cassette was replaced", c.name)
		}
		if strings.Contains(strings.Join(append(c.tb.logs, c.tb.reports...), "\n"), c.why) {
			logged++
		} else {
			t.Errorf("%s: the log does not say %q: %q", c.name, c.why, c.tb.logs)
		}
	}
	rec(&safetyTB{TB: t, name: "TestX"}, 1)
	saved := 0
	if got, _ := os.ReadFile(path); !bytes.Equal(got, good) {
		saved = 1
	} else {
		t.Error("a passing test with a request did not save")
	}
	figure(t, "replay_saves", "cases", len(cases), "kept_byte_for_byte", kept, "logged_why", logged, "passing_saved", saved)
}

// TestReplayLateRequests: requests through sessions whose subtests have
// ended, matching or not, are all refused with replay.ErrTestEnded, none
// answered, none reaching the server, and nothing panics.
func TestReplayLateRequests(t *testing.T) {
	var mu sync.Mutex
	reached := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		reached++
		mu.Unlock()
		io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "c.yaml")
	var clients []*http.Client
	t.Run("record", func(t *testing.T) {
		s := replay.New(t, replay.WithPath(path), replay.WithMode(replay.ModeRecord), replay.WithRealTransport(http.DefaultTransport))
		postJSON(s.Client(), srv.URL, `{"n":0}`)
		clients = append(clients, s.Client())
	})
	t.Run("replay", func(t *testing.T) {
		s := replay.New(t, replay.WithPath(path), replay.WithRealTransport(http.DefaultTransport), replay.AllowRepeats())
		postJSON(s.Client(), srv.URL, `{"n":0}`)
		clients = append(clients, s.Client())
	})
	mu.Lock()
	before := reached
	mu.Unlock()
	n := pick(60, 600)
	var wg sync.WaitGroup
	var answered, ended, other int
	var cmu sync.Mutex
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := `{"n":0}` // matches the recording
			if k%2 == 1 {
				body = `{"n":1}` // matches nothing
			}
			_, err := postJSON(clients[k%len(clients)], srv.URL, body)
			cmu.Lock()
			defer cmu.Unlock()
			switch {
			case err == nil:
				answered++
			case errors.Is(err, replay.ErrTestEnded):
				ended++
			default:
				other++
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	leaked := reached - before
	mu.Unlock()
	if answered+other+leaked > 0 || ended != n {
		t.Errorf("%d late requests: %d answered, %d other errors, %d reached the server", n, answered, other, leaked)
	}
	// A report on a finished test would have panicked the binary before
	// this line: panics=0 is what reaching it means.
	figure(t, "late_requests", "requests", n, "refused_test_ended", ended, "answered", answered, "reached_server", leaked, "panics", 0)
}

// TestReplayFaultValidation: faults that could never apply are refused
// when the session starts; faults that never applied fail the test at
// its end; valid faults that applied report nothing.
func TestReplayFaultValidation(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "c.yaml")
	f := &safetyTB{TB: t, name: "TestRecord"}
	s := startSession(f, replay.WithPath(path), replay.WithMode(replay.ModeRecord), replay.WithRealTransport(http.DefaultTransport))
	postJSON(s.Client(), srv.URL, `{}`)
	f.end()
	if len(f.reports) > 0 {
		t.Fatal(f.reports)
	}
	invalid := []replay.Option{
		replay.OnRequest(0, replay.CutAfter(1)), replay.OnRequest(-1, replay.Refuse()), replay.OnRequest(1),
		replay.OnRequest(1, replay.CutAfter(-1)), replay.OnRequest(1, replay.StallAfter(-3)), replay.OnRequest(1, replay.CorruptEvent(-1)),
		replay.OnRequest(1, replay.Respond(0, nil, "")), replay.OnRequest(1, replay.Respond(600, nil, "")), replay.OnRequest(1, replay.Fault{}),
		replay.OnRequest(1, replay.Refuse(), replay.CutAfter(1)), replay.OnRequest(1, replay.CutAfter(1), replay.StallAfter(2)),
		replay.OnRequest(1, replay.CutAfter(1), replay.CorruptEvent(2)),
	}
	refused := 0
	for _, o := range invalid {
		f := &safetyTB{TB: t, name: "TestX"}
		if s := startSession(f, replay.WithPath(path), o); s != nil {
			f.end()
			t.Errorf("an invalid fault was accepted")
			continue
		}
		refused++
	}
	type run struct {
		opts     []replay.Option
		requests int
		unfired  bool
	}
	runs := []run{
		{[]replay.Option{replay.OnRequest(2, replay.CutAfter(1)), replay.AllowRepeats()}, 1, true},
		{[]replay.Option{replay.OnRequest(1, replay.Refuse()), replay.AllowUnused()}, 0, true},
		{[]replay.Option{replay.OnRequest(1, replay.CutAfter(4))}, 1, true},
		{[]replay.Option{replay.OnRequest(1, replay.StallAfter(9))}, 1, true},
		{[]replay.Option{replay.OnRequest(1, replay.CorruptEvent(3))}, 1, true},
		{[]replay.Option{replay.OnRequest(1, replay.CutAfter(3))}, 1, false},
		{[]replay.Option{replay.OnRequest(1, replay.CorruptEvent(2))}, 1, false},
		{[]replay.Option{replay.OnRequest(1, replay.Respond(503, nil, ""))}, 2, false},
	}
	reported, quiet, unfired, valid := 0, 0, 0, 0
	for _, r := range runs {
		f := &safetyTB{TB: t, name: "TestX"}
		s := startSession(f, append([]replay.Option{replay.WithPath(path), replay.WithRealTransport(http.DefaultTransport)}, r.opts...)...)
		if s == nil {
			t.Fatalf("refused: %v", f.reports)
		}
		for range r.requests {
			postJSON(s.Client(), srv.URL, `{}`)
		}
		f.end()
		said := strings.Contains(strings.Join(f.reports, "\n"), "never applied")
		if r.unfired {
			unfired++
			if said {
				reported++
			} else {
				t.Errorf("%v: no report of the fault that never applied: %v", r.opts, f.reports)
			}
		} else {
			valid++
			if len(f.reports) == 0 {
				quiet++
			} else {
				t.Errorf("valid faults reported: %v", f.reports)
			}
		}
	}
	figure(t, "fault_validation", "invalid", len(invalid), "refused_at_start", refused, "never_applied", unfired, "failed_at_cleanup", reported, "valid", valid, "valid_quiet", quiet)
}

// TestReplayProviderStreamEnds: streams in each provider's format, read
// by a client that stops at the final event and closes the body before
// the server ends it, are recorded whole and replay to the end with no
// error; a stream cut before its final event is recorded broken.
func TestReplayProviderStreamEnds(t *testing.T) {
	streams := map[string]struct {
		body  string
		final string // a substring of the final event's data
	}{
		"openai-compatible": {"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n", "[DONE]"},
		"anthropic": {"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"content\":[]}}\n\n" +
			"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n" +
			"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", "message_stop"},
		"responses": {"event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n" +
			"event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\"}}\n\n", "response.completed"},
		"gemini": {"data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}],\"role\": \"model\"},\"index\": 0}]}\r\n\r\n" +
			"data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \".\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}]}\r\n\r\n", "finishReason"},
	}
	runs := pick(10, 30)
	total, whole, clean := 0, 0, 0
	for name, st := range streams {
		for range runs {
			total++
			hold := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				io.WriteString(w, st.body)
				w.(http.Flusher).Flush()
				select {
				case <-hold:
				case <-r.Context().Done():
				}
			}))
			path := filepath.Join(t.TempDir(), "s.yaml")
			f := &safetyTB{TB: t, name: "TestX"}
			s := startSession(f, replay.WithPath(path), replay.WithMode(replay.ModeRecord), replay.WithRealTransport(http.DefaultTransport))
			resp, err := s.Client().Post(srv.URL, "application/json", strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			dec := sse.NewDecoder(resp.Body)
			for {
				ev, err := dec.Next()
				if err != nil {
					t.Fatalf("%s: %v before the final event", name, err)
				}
				if strings.Contains(string(ev.Data), st.final) {
					break
				}
			}
			close(hold)
			resp.Body.Close()
			f.end()
			srv.Close()
			c, err := cassettes.Load(path)
			if err != nil {
				t.Fatal(err, f.reports)
			}
			if c.Interactions[0].Response.Headers.Get(httpbody.StreamErrorHeader) == "" {
				whole++
			} else {
				t.Errorf("%s: a stream that ended was recorded broken", name)
			}
			f = &safetyTB{TB: t, name: "TestX"}
			s = startSession(f, replay.WithPath(path))
			resp, err = s.Client().Post(srv.URL, "application/json", strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			f.end()
			if err == nil && string(got) == st.body && len(f.reports) == 0 {
				clean++
			} else {
				t.Errorf("%s: replay: %v %v", name, err, f.reports)
			}
		}
	}
	figure(t, "stream_ends", "providers", len(streams), "recordings", total, "recorded_whole", whole, "replayed_to_end", clean)
}
