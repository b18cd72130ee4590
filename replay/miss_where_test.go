package replay

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
)

// missReports sends the requests through a replaying session of the
// cassette and returns the reports.
func missReports(t *testing.T, path string, opts []Option, reqs ...*http.Request) []string {
	t.Helper()
	ft := newFakeT(t, "TestChat")
	s := start(ft, append([]Option{WithPath(path), WithMode(ModeReplay), AllowUnused()}, opts...)...)
	if s == nil {
		t.Fatalf("New failed: %s", ft.allErrors())
	}
	for _, r := range reqs {
		resp, err := s.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != missStatus {
			t.Fatalf("status %d, want a miss", resp.StatusCode)
		}
		resp.Body.Close()
	}
	ft.end()
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return append([]string(nil), ft.errors...)
}

func newReq(t *testing.T, method, url, body string, header ...string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	for n := 0; n+1 < len(header); n += 2 {
		r.Header.Set(header[n], header[n+1])
	}
	return r
}

// TestMissFirstLineSaysWhere: a request that differs from the closest
// recording only in its method, host, path, query or a matched header
// says which and how on the report's first line; a matched header that
// holds a secret shows it redacted, as the cassette would hold it.
func TestMissFirstLineSaysWhere(t *testing.T) {
	path, chatURL := recordGroqChats(t, "hello")
	body := chatBody("hello")
	secret := base64.StdEncoding.EncodeToString([]byte("alice:" + fakeKey))
	for _, c := range []struct {
		name string
		opts []Option
		req  *http.Request
		want string
	}{
		{"method", nil, newReq(t, "PUT", chatURL, body), "method: recorded POST, got PUT"},
		{"host", nil, newReq(t, "POST", "https://api.openai.com/openai/v1/chat/completions", body), "host: recorded https://api.groq.com, got https://api.openai.com"},
		{"scheme", nil, newReq(t, "POST", "http://api.groq.com/openai/v1/chat/completions", body), "host: recorded https://api.groq.com, got http://api.groq.com"},
		{"path", nil, newReq(t, "POST", "https://api.groq.com/openai/v2/chat/completions", body), "path: recorded /openai/v1/chat/completions, got /openai/v2/chat/completions"},
		{"query", nil, newReq(t, "POST", chatURL+"?beta=1", body), `query: recorded "", got "beta=1"`},
		{"header", []Option{MatchHeaders("x-team")}, newReq(t, "POST", chatURL, body, "X-Team", "blue"), `header X-Team: recorded (absent), got "blue"`},
		{"secret header", []Option{MatchHeaders("Proxy-Authorization")}, newReq(t, "POST", chatURL, body, "Proxy-Authorization", "Basic "+secret), `header Proxy-Authorization: recorded (absent), got "Basic REDACTED"`},
		{"body and path", nil, newReq(t, "POST", "https://api.groq.com/openai/v2/chat/completions", chatBody("hallo")), "path: recorded /openai/v1/chat/completions, got /openai/v2/chat/completions (and 1 more difference(s))"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := missReports(t, path, c.opts, c.req)
			if len(got) != 1 {
				t.Fatalf("%d reports, want 1:\n%s", len(got), strings.Join(got, "\n---\n"))
			}
			first := strings.SplitN(got[0], "\n", 2)[0]
			if !strings.HasSuffix(first, " matches no recording in "+path+": "+c.want) {
				t.Errorf("first line\n%s\nwant it to end with\n%s", first, c.want)
			}
			if strings.Contains(got[0], secret) || strings.Contains(got[0], fakeKey) {
				t.Errorf("the report shows a secret:\n%s", got[0])
			}
			if c.name == "body and path" && !strings.Contains(got[0], "\ndifferences (recorded -> got):\n  path: recorded /openai/v1/chat/completions, got /openai/v2/chat/completions\n  messages[0].content: recorded \"hello\", got \"hallo\"\n") {
				t.Errorf("every difference is listed:\n%s", got[0])
			}
		})
	}
}

// TestMissSameRequestOneReport: one request sent as bytes that differ
// (another client's key order and spacing) but as JSON are the same is
// one miss, reported once; a different one is reported too.
func TestMissSameRequestOneReport(t *testing.T) {
	path, chatURL := recordGroqChats(t, "hello")
	got := missReports(t, path, nil,
		newReq(t, "POST", chatURL, `{"model":"m","messages":[{"role":"user","content":"hallo"}]}`),
		newReq(t, "POST", chatURL, `{ "messages": [ { "content": "hallo", "role": "user" } ], "model": "m" }`),
		newReq(t, "POST", chatURL, `{"model":"m","messages":[{"role":"user","content":"hullo"}]}`),
	)
	if len(got) != 2 || !strings.Contains(got[0], `got "hallo"`) || !strings.Contains(got[1], `got "hullo"`) {
		t.Errorf("%d reports, want hallo then hullo:\n%s", len(got), strings.Join(got, "\n---\n"))
	}
	// Matched headers make requests distinct.
	got = missReports(t, path, []Option{MatchHeaders("X-Team")},
		newReq(t, "POST", chatURL, chatBody("hello"), "X-Team", "blue"),
		newReq(t, "POST", chatURL, chatBody("hello"), "X-Team", "red"),
	)
	if len(got) != 2 {
		t.Errorf("%d reports for two teams, want 2:\n%s", len(got), strings.Join(got, "\n---\n"))
	}
}

// TestRecordCommandNeedsNoKeyFromAFake: the command a miss report or a
// missing cassette gives sets a key only when recording needs one: not
// for a session that records from a fake or a loopback upstream.
func TestRecordCommandNeedsNoKeyFromAFake(t *testing.T) {
	path, chatURL := recordGroqChats(t, "hello")
	for _, c := range []struct {
		name string
		opts []Option
		want string
	}{
		{"fake", []Option{WithFakeTransport(offline{t})}, "\tgo test ./replay -run '^TestChat$' -record"},
		// WithRealTransport may wrap the way to the real API: the key stays.
		{"own transport", []Option{WithRealTransport(offline{t})}, "\tGROQ_API_KEY=... go test ./replay -run '^TestChat$' -record"},
		{"loopback upstream", []Option{WithUpstream("https://api.groq.com/openai/v1", "http://127.0.0.1:9")}, "\tgo test ./replay -run '^TestChat$' -record"},
		{"the API", nil, "\tGROQ_API_KEY=... go test ./replay -run '^TestChat$' -record"},
		{"the API through http.DefaultTransport", []Option{WithRealTransport(http.DefaultTransport)}, "\tGROQ_API_KEY=... go test ./replay -run '^TestChat$' -record"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := missReports(t, path, c.opts, newReq(t, "POST", chatURL, chatBody("hallo")))
			if len(got) != 1 || !strings.HasSuffix(got[0], "re-record this test with:\n"+c.want) {
				t.Errorf("want the command %q:\n%s", c.want, strings.Join(got, "\n---\n"))
			}
		})
	}

	var cfg config
	for host, env := range map[string]string{
		"api.groq.com": "GROQ_API_KEY", "API.OpenAI.com": "OPENAI_API_KEY", "api.anthropic.com": "ANTHROPIC_API_KEY",
		"generativelanguage.googleapis.com": "GEMINI_API_KEY", "api.mistral.ai": "MISTRAL_API_KEY", "api.x.ai": "XAI_API_KEY",
		"my-team.openai.azure.com": "AZURE_OPENAI_API_KEY", "api.perplexity.ai": "PERPLEXITY_API_KEY",
	} {
		if got := cfg.recordCommandFor("TestChat", host, false); !strings.HasPrefix(got, env+"=... go test ") {
			t.Errorf("a request to %s: command %q, want %s", host, got, env)
		}
	}
	if got := cfg.recordCommandFor("TestChat", "llm.internal.example", false); !strings.Contains(got, "<KEY_VAR>=... go test") || !strings.Contains(got, "replay.WithSecretEnv") {
		t.Errorf("an unknown host: %q", got)
	}

	missing := func(opts ...Option) string {
		ft := newFakeT(t, "TestChat")
		if s := start(ft, append([]Option{WithPath(path + ".none"), WithMode(ModeReplay)}, opts...)...); s != nil {
			t.Fatal("New accepted a missing cassette")
		}
		return ft.allErrors()
	}
	if got := missing(WithFakeTransport(offline{t})); !strings.Contains(got, "\n\tgo test ./replay -run '^TestChat$' -record\n") || strings.Contains(got, "KEY") {
		t.Errorf("missing cassette, recorded from a fake: the command needs no key:\n%s", got)
	}
	if got := missing(); !strings.Contains(got, "<KEY_VAR>=... go test ./replay") || !strings.Contains(got, "No key? Record canned answers from the embedded fake with replay.WithFakeTransport(") {
		t.Errorf("missing cassette: the command sets a key and says how to record without one:\n%s", got)
	}
}

// TestReportsSurviveAScrubFuncThatPanics: a custom scrubber written for
// whole recordings, which panics on the partial request a report
// scrubs, costs the report that part, never the test binary.
func TestReportsSurviveAScrubFuncThatPanics(t *testing.T) {
	path, chatURL := recordGroqChats(t, "hello")
	fussy := WithScrubFunc(func(i *cassettes.Interaction) error {
		_ = i.Response.Headers["Content-Type"][0] // panics on a request alone
		return nil
	})
	got := missReports(t, path, []Option{fussy, MatchHeaders("X-Team")}, newReq(t, "POST", chatURL, chatBody("hello"), "X-Team", "blue"))
	if len(got) != 1 || !strings.Contains(got[0], "matches no recording") {
		t.Fatalf("want one miss report:\n%s", strings.Join(got, "\n---\n"))
	}
	if strings.Contains(got[0], "blue") {
		t.Errorf("a value that could not be scrubbed was shown:\n%s", got[0])
	}
}
