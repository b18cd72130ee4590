package replay

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/internal/match"
)

// stainlessClient imitates the retry rule of the Stainless-generated SDKs
// (openai-go, anthropic-sdk-go): up to 2 retries after a connection error
// or a 408, 409, 429 or 5xx, unless the answer says X-Should-Retry: false
// (true forces a retry), with an exponential backoff that it notes
// instead of sleeping. An answer of 400 or more becomes an error as
// openai-go writes it: METHOD "URL": STATUS BODY. (The real SDKs cannot
// be dependencies of this module; an examples module should run them.)
type stainlessClient struct {
	c        *http.Client
	attempts int
	waits    []time.Duration
}

func (sc *stainlessClient) post(u, body string) (string, error) {
	for attempt := 0; ; attempt++ {
		sc.attempts++
		req, _ := http.NewRequest("POST", u, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := sc.c.Do(req)
		retry := err != nil
		var answer []byte
		if err == nil {
			answer, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			switch resp.Header.Get("X-Should-Retry") {
			case "true":
				retry = true
			case "false":
				retry = false
			default:
				c := resp.StatusCode
				retry = c == 408 || c == 409 || c == 429 || c >= 500
			}
			if !retry || attempt == 2 {
				if resp.StatusCode >= 400 {
					return "", fmt.Errorf("POST %q: %s %s", u, resp.Status, answer)
				}
				return string(answer), nil
			}
		}
		if !retry || attempt == 2 {
			return "", err
		}
		sc.waits = append(sc.waits, time.Duration(500<<attempt)*time.Millisecond)
	}
}

// recordGroqChats records one interaction per prompt, at Groq's real URL
// (the requests go to a local fake, through its Transport).
func recordGroqChats(t *testing.T, prompts ...string) (path, chatURL string) {
	t.Helper()
	g := fakes.NewGroq(t)
	g.Handle(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		chatHandler(w, r, string(b))
	}).Times(len(prompts))
	path = filepath.Join(t.TempDir(), "c.yaml")
	chatURL = "https://api.groq.com/openai/v1/chat/completions"
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(g.Transport()))
		for _, p := range prompts {
			do(t, s.Client(), chatURL, chatBody(p))
		}
	})
	return path, chatURL
}

func chatBody(prompt string) string {
	return `{"model":"m","messages":[{"role":"user","content":"` + prompt + `"}]}`
}

// TestMissIsAnsweredSoNoSDKRetries: a drifted request reaches the session
// once through a client that retries as openai-go does, with no backoff
// wait; the client's error is short, says it is a replay miss and points
// at the test log, where the miss is reported once.
func TestMissIsAnsweredSoNoSDKRetries(t *testing.T) {
	path, chatURL := recordGroqChats(t, "hello")
	ft := newFakeT(t, "TestChat")
	s := start(ft, WithPath(path), WithRealTransport(offline{t}))
	sc := &stainlessClient{c: s.Client()}
	_, err := sc.post(chatURL, chatBody("hallo"))
	if err == nil {
		t.Fatal("a drifted request was answered")
	}
	if sc.attempts != 1 || len(sc.waits) != 0 {
		t.Errorf("the client tried %d times and waited %v", sc.attempts, sc.waits)
	}
	msg := err.Error()
	if !strings.Contains(msg, "404 Not Found") || !strings.Contains(msg, "llmvcr replay miss") || !strings.Contains(msg, "the test log has the differences") || len(msg) > 400 {
		t.Errorf("the client's error (%d bytes) is not a short pointer to the log: %s", len(msg), msg)
	}
	if strings.Contains(msg, "hallo") || strings.Contains(msg, "diff (") {
		t.Errorf("the client's error carries the report: %s", msg)
	}
	ft.end()
	if n := strings.Count(ft.allErrors(), "matches no recording"); n != 1 {
		t.Errorf("the miss was reported %d times:\n%s", n, ft.allErrors())
	}

	// The imitation does retry what the SDKs retry.
	ft = newFakeT(t, "TestChat")
	s = start(ft, WithPath(path), WithRealTransport(offline{t}), OnRequest(1, Respond(503, nil, `{"error":{"message":"busy"}}`)))
	sc = &stainlessClient{c: s.Client()}
	if _, err := sc.post(chatURL, chatBody("hello")); err != nil || sc.attempts != 2 || len(sc.waits) != 1 {
		t.Errorf("a 503 then the recording: err %v, %d attempts, waits %v", err, sc.attempts, sc.waits)
	}
	ft.end()
	if e := ft.allErrors(); e != "" {
		t.Error(e)
	}
}

// TestMissReportIsOneBlock: one changed word gives one report per
// distinct request, whose first line says what differs and where, then
// the closest recording, the diff and the command that re-records the
// test; no follow-on lists the closest recording as never replayed.
func TestMissReportIsOneBlock(t *testing.T) {
	path, chatURL := recordGroqChats(t, "hello", "other")
	ft := newFakeT(t, "TestChat")
	s := start(ft, WithPath(path), WithRealTransport(offline{t}))
	for range 3 { // a client retrying on its own
		resp, err := post(t, s.Client(), chatURL, chatBody("hallo"))
		if code, _ := readAll(t, resp, err); code != missStatus {
			t.Fatalf("status %d", code)
		}
	}
	resp, err := post(t, s.Client(), chatURL, chatBody("hullo")) // a second, distinct miss
	readAll(t, resp, err)
	ft.end()
	ft.mu.Lock()
	errs := append([]string(nil), ft.errors...)
	ft.mu.Unlock()
	if len(errs) != 3 {
		t.Fatalf("%d reports, want 2 misses and the unused recording:\n%s", len(errs), strings.Join(errs, "\n----\n"))
	}
	first := errs[0]
	lines := strings.Split(first, "\n")
	if want := `replay: POST ` + chatURL + ` matches no recording in ` + path + `: messages[0].content: recorded "hello", got "hallo"`; lines[0] != want {
		t.Errorf("first line\n%s\nwant\n%s", lines[0], want)
	}
	for _, want := range []string{
		"\nclosest recorded request: interaction 0, POST " + chatURL + "\n",
		"\ndiff (-recorded +got):\n",
		`+ 	`,
		"\nif the change is intended, re-record this test with:\n\tGROQ_API_KEY=... go test ./replay -run '^TestChat$' -record",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("report lacks %q:\n%s", want, first)
		}
	}
	if strings.Contains(first, "\u00a0") {
		t.Errorf("the report has non-breaking spaces:\n%q", first)
	}
	if !strings.Contains(errs[1], `got "hullo"`) {
		t.Errorf("second report: %s", errs[1])
	}
	unused := errs[2]
	if !strings.Contains(unused, "1 recorded interaction(s) were never replayed") || !strings.Contains(unused, "interaction 1:") || strings.Contains(unused, "interaction 0:") {
		t.Errorf("the unused report names the recording the misses showed:\n%s", unused)
	}
}

// TestMissReportSpacesAndFirstLine: the report turns go-cmp's
// non-breaking spaces into spaces and says what differs first, whatever
// kind of miss it is.
func TestMissReportSpacesAndFirstLine(t *testing.T) {
	m := &match.MissError{
		Path: "c.yaml", Method: "POST", URL: "https://api.openai.com/v1/chat/completions",
		Reason:  "the request body differs from every recording",
		Closest: &cassettes.Request{Method: "POST", URL: "https://api.openai.com/v1/chat/completions"},
		Paths:   []string{`a: recorded 1, got 2`, `b: recorded 3, got 4`},
		Diff:    "  map[string]any{\n-\u00a0\t\"a\": 1,\n+\u00a0\t\"a\": 2,\n  }\n",
	}
	var cfg config
	got := missReport(m, m.Paths, "", cfg.recordCommandFor("TestX", "api.openai.com", false))
	if strings.Contains(got, "\u00a0") || !strings.Contains(got, "- \t\"a\": 1,") {
		t.Errorf("non-breaking spaces left:\n%q", got)
	}
	if !strings.HasPrefix(got, "replay: POST https://api.openai.com/v1/chat/completions matches no recording in c.yaml: a: recorded 1, got 2 (and 1 more difference(s))\n") {
		t.Errorf("first line: %s", got)
	}
	if !strings.Contains(got, "\tOPENAI_API_KEY=... go test") {
		t.Errorf("the command does not use the provider's key variable:\n%s", got)
	}
	m = &match.MissError{Path: "c.yaml", Method: "GET", URL: "https://x/y", Reason: "no recorded request has this method and URL"}
	if got := missReport(m, nil, "", "cmd"); !strings.HasPrefix(got, "replay: GET https://x/y matches no recording in c.yaml: no recorded request has this method and URL\n") || bytes.Contains([]byte(got), []byte("diff")) {
		t.Errorf("report: %s", got)
	}
}
