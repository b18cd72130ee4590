package match_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/match"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

const credURL = "https://api.groq.com/openai/v1/chat/completions"

// credentialKeys are fake credentials of several shapes: provider keys
// (which shape rules would find anyway) and tokens of no known shape, a
// long and a short one, which only the member's name tells a credential.
func credentialKeys() map[string]string {
	keys := map[string]string{
		"random-40": secretstest.Random(40, 40),
		"random-12": secretstest.Random(12, 12),
	}
	for _, k := range secretstest.Keys() {
		switch k.Name {
		case "groq", "openai-project", "anthropic", "google":
			keys[k.Name] = k.Value
		}
	}
	return keys
}

// credentialBodies are request bodies that carry a credential under its
// name: Groq's Wolfram Alpha setting, and remote MCP tools' headers, both
// credential keys (Authorization, x-api-key) and names that are secret as
// HTTP headers only (X-Goog-Api-Key, Private-Token, Cookie). @KEY@ stands
// for the credential; @Q@ for the user's message.
var credentialBodies = map[string]string{
	"wolfram": `{"model":"groq/compound","messages":[{"role":"user","content":@Q@}],` +
		`"compound_custom":{"tools":{"enabled_tools":["wolfram_alpha"],"wolfram_settings":{"authorization":@KEY@}}}}`,
	"mcp-authorization": `{"model":"openai/gpt-oss-120b","messages":[{"role":"user","content":@Q@}],` +
		`"tools":[{"type":"mcp","server_label":"hf","server_url":"https://huggingface.co/mcp","headers":{"Authorization":"Bearer "+@KEY@},"require_approval":"never"}]}`,
	"mcp-x-api-key": `{"model":"openai/gpt-oss-120b","messages":[{"role":"user","content":@Q@}],` +
		`"tools":[{"type":"mcp","server_label":"s","server_url":"https://mcp.example/v1","headers":{"x-api-key":@KEY@,"Content-Type":"application/json"}}]}`,
	"mcp-header-names": `{"model":"openai/gpt-oss-120b","messages":[{"role":"user","content":@Q@}],` +
		`"tools":[{"type":"mcp","server_label":"g","server_url":"https://mcp.example/g","headers":{"X-Goog-Api-Key":@KEY@}},` +
		`{"type":"mcp","server_label":"p","server_url":"https://mcp.example/p","headers":{"Private-Token":@KEY@,"X-Request-Id":"req-1"}},` +
		`{"type":"mcp","server_label":"c","server_url":"https://mcp.example/c","headers":{"Cookie":"session="+@KEY@}}]}`,
}

// credentialBody fills a body template with a key and a question, as
// JSON strings.
func credentialBody(t *testing.T, tmpl, key, question string) string {
	t.Helper()
	q, _ := json.Marshal(question)
	b := strings.ReplaceAll(tmpl, "@Q@", string(q))
	b = strings.ReplaceAll(b, `"Bearer "+@KEY@`, `"Bearer `+key+`"`)
	b = strings.ReplaceAll(b, `"session="+@KEY@`, `"session=`+key+`"`)
	b = strings.ReplaceAll(b, "@KEY@", `"`+key+`"`)
	if !json.Valid([]byte(b)) {
		t.Fatalf("test body is not JSON: %s", b)
	}
	return b
}

// recordCredential saves a request as cassettes' Save does (its Scrubber,
// default options) and returns the recording and the index replay builds
// with the same scrubbing.
func recordCredential(t *testing.T, body string) (*cassettes.Interaction, *match.Index) {
	t.Helper()
	s := cassettes.NewScrubber(cassettes.WithoutDefaultSecrets())
	i := &cassettes.Interaction{}
	i.Request.Method, i.Request.URL, i.Request.Body = http.MethodPost, credURL, body
	i.Request.Headers = http.Header{"Content-Type": {"application/json"}}
	i.Response.Code, i.Response.Body = 200, `{"choices":[]}`
	if err := s.Scrub(i); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(0, i); err != nil {
		t.Fatalf("the recording is not clean after Scrub: %v", err)
	}
	return i, match.NewIndex("testdata/cassettes/TestCredentials.yaml", []*cassettes.Interaction{i}, cassettes.MatchScrubber(s))
}

func credentialRequest(t *testing.T, x *match.Index, body string) (*cassettes.Interaction, error) {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, credURL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	return x.Match(r, []byte(body))
}

// reindent returns the same JSON value with keys sorted and indented:
// other bytes, so the lookup goes through the canonical form.
func reindent(t *testing.T, body string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCredentialBodiesReplay: a request whose JSON body carries a
// credential under its name (Wolfram's authorization, MCP tool headers)
// is answered by its recording, which Save wrote with the credential
// redacted, whatever the credential's shape, whether the client sends the
// same bytes or the same JSON otherwise written.
func TestCredentialBodiesReplay(t *testing.T) {
	for name, tmpl := range credentialBodies {
		for kind, key := range credentialKeys() {
			body := credentialBody(t, tmpl, key, "What is 2+2?")
			for _, sent := range []string{body, reindent(t, body)} {
				rec, x := recordCredential(t, body)
				if strings.Contains(rec.Request.Body, key) {
					t.Fatalf("%s, %s: Save kept the credential: %s", name, kind, rec.Request.Body)
				}
				i, err := credentialRequest(t, x, sent)
				if err != nil {
					t.Errorf("%s, %s: the recorded request does not replay: %v", name, kind, err)
					continue
				}
				if i != rec {
					t.Errorf("%s, %s: answered by another interaction", name, kind)
				}
			}
		}
	}
}

// TestCredentialBodiesMissReport: a request whose body carries a
// credential and differs from the recording is a miss whose report (the
// error text, the closest recording, the differences and the diff) names
// the difference but holds no part of the credential.
func TestCredentialBodiesMissReport(t *testing.T) {
	for name, tmpl := range credentialBodies {
		for kind, key := range credentialKeys() {
			_, x := recordCredential(t, credentialBody(t, tmpl, key, "What is 2+2?"))
			for _, sent := range []string{
				credentialBody(t, tmpl, key, "What is 3+3?"),
				reindent(t, credentialBody(t, tmpl, key, "What is 3+3?")),
			} {
				_, err := credentialRequest(t, x, sent)
				var miss *match.MissError
				if !errors.As(err, &miss) {
					t.Fatalf("%s, %s: got %v, want a *MissError", name, kind, err)
				}
				report := err.Error() + "\n" + miss.Closest.Body + "\n" + strings.Join(miss.Paths, "\n") + "\n" + miss.Diff
				if !strings.Contains(report, `messages[0].content: recorded "What is 2+2?", got "What is 3+3?"`) {
					t.Errorf("%s, %s: the report does not name the difference:\n%s", name, kind, report)
				}
				if leaked(report, key) {
					t.Errorf("%s, %s: the miss report holds the credential:\n%s", name, kind, report)
				}
			}
		}
	}
}

// leaked reports whether text holds the key, or its first or last half.
func leaked(text, key string) bool {
	h := len(key) / 2
	return strings.Contains(text, key) || strings.Contains(text, key[:h]) || strings.Contains(text, key[h:])
}

// TestCredentialsInAHandWrittenCassette: a recording that holds a
// credential under its name (written by hand, or before the name was
// known as one) is compared as Save would have written it: a request
// with another credential there replays it, and a miss report does not
// show the recorded credential.
func TestCredentialsInAHandWrittenCassette(t *testing.T) {
	tmpl := credentialBodies["mcp-header-names"]
	recorded, other := secretstest.Random(101, 24), secretstest.Random(102, 24)
	i := &cassettes.Interaction{}
	i.Request.Method, i.Request.URL = http.MethodPost, credURL
	i.Request.Body = credentialBody(t, tmpl, recorded, "What is 2+2?")
	i.Request.Headers = http.Header{"Content-Type": {"application/json"}}
	i.Response.Code = 200
	x := match.NewIndex("c.yaml", []*cassettes.Interaction{i})
	if got, err := credentialRequest(t, x, reindent(t, credentialBody(t, tmpl, other, "What is 2+2?"))); err != nil || got != i {
		t.Fatalf("got %v, %v; want the recording", got, err)
	}
	_, err := credentialRequest(t, x, credentialBody(t, tmpl, other, "What is 3+3?"))
	var miss *match.MissError
	if !errors.As(err, &miss) {
		t.Fatalf("got %v, want a *MissError", err)
	}
	report := err.Error() + "\n" + miss.Closest.Body
	if leaked(report, recorded) || leaked(report, other) {
		t.Errorf("the miss report holds a credential:\n%s", report)
	}
}

// TestCredentialFormBodies: a form request (an OAuth token request)
// whose secret parameters Save redacted replays, and a miss report holds
// none of them, for keys of every shape.
func TestCredentialFormBodies(t *testing.T) {
	for kind, key := range credentialKeys() {
		form := func(scope string) string {
			return "grant_type=client_credentials&client_id=app&client_secret=" + key + "&scope=" + scope
		}
		s := cassettes.NewScrubber(cassettes.WithoutDefaultSecrets())
		i := &cassettes.Interaction{}
		i.Request.Method, i.Request.URL, i.Request.Body = http.MethodPost, credURL, form("read")
		i.Request.Headers = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
		i.Response.Code = 200
		if err := s.Scrub(i); err != nil {
			t.Fatal(err)
		}
		if i.Request.Body != "grant_type=client_credentials&client_id=app&client_secret=REDACTED&scope=read" {
			t.Fatalf("%s: saved %s", kind, i.Request.Body)
		}
		x := match.NewIndex("c.yaml", []*cassettes.Interaction{i}, cassettes.MatchScrubber(s))
		send := func(body string) (*cassettes.Interaction, error) {
			r, _ := http.NewRequest(http.MethodPost, credURL, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return x.Match(r, []byte(body))
		}
		if got, err := send(form("read")); err != nil || got != i {
			t.Errorf("%s: the recorded form request does not replay: %v", kind, err)
		}
		_, err := send(form("write"))
		var miss *match.MissError
		if !errors.As(err, &miss) {
			t.Fatalf("%s: got %v, want a *MissError", kind, err)
		}
		if report := err.Error() + miss.Closest.Body; leaked(report, key) {
			t.Errorf("%s: the miss report holds the secret:\n%s", kind, report)
		}
	}
}

// TestMatchedSecretHeaders: a matched header (MatchHeaders) that Save
// redacts by its name, listed or by its suffix (Private-Token,
// X-Foo-Api-Key), or by its value (a weak configured key), compares as
// Save wrote it: a request with another value replays the recording.
func TestMatchedSecretHeaders(t *testing.T) {
	for _, name := range []string{"Authorization", "X-Api-Key", "Private-Token", "X-Foo-Api-Key", "X-Custom-Secret", "X-Weak"} {
		s := cassettes.NewScrubber(cassettes.WithoutDefaultSecrets(), cassettes.WithSecrets("weak1234"))
		i := &cassettes.Interaction{}
		i.Request.Method, i.Request.URL, i.Request.Body = http.MethodPost, credURL, `{"a":1}`
		sent := secretstest.Random(7, 30)
		if name == "X-Weak" {
			sent = "weak1234"
		}
		i.Request.Headers = http.Header{"Content-Type": {"application/json"}, name: {sent}}
		i.Response.Code = 200
		if err := s.Scrub(i); err != nil {
			t.Fatal(err)
		}
		if got := i.Request.Headers.Get(name); strings.Contains(got, sent) {
			t.Fatalf("%s: Save kept %q", name, got)
		}
		x := match.NewIndex("c.yaml", []*cassettes.Interaction{i}, cassettes.MatchScrubber(s), cassettes.MatchHeaders(name))
		r, _ := http.NewRequest(http.MethodPost, credURL, strings.NewReader(`{"a":1}`))
		r.Header.Set(name, sent)
		if got, err := x.Match(r, []byte(`{"a":1}`)); err != nil || got != i {
			t.Errorf("%s: the recorded request does not replay: %v", name, err)
		}
	}
}
