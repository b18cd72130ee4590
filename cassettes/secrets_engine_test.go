package cassettes

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// streamChunk is a Groq stream chunk for one choice.
func streamChunk(choice int, delta map[string]any) string {
	b, _ := json.Marshal(map[string]any{"id": "chatcmpl-1", "object": "chat.completion.chunk",
		"choices": []any{map[string]any{"index": choice, "delta": delta}}})
	return string(b)
}

// splitStream is a recorded stream (timing lines included) that echoes
// text token by token: content of choices 0 and 1, reasoning, and the
// arguments of a tool call.
func splitStream(text string) string {
	var b strings.Builder
	ev := func(d string) { fmt.Fprintf(&b, "%s\ndata: %s\n\n", httpbody.TimingLine(0), d) }
	for _, p := range secretstest.Pieces(text, 5) {
		ev(streamChunk(0, map[string]any{"content": p}))
		ev(streamChunk(1, map[string]any{"content": p}))
		ev(streamChunk(0, map[string]any{"reasoning": p}))
	}
	ev(streamChunk(0, map[string]any{"tool_calls": []any{map[string]any{"index": 0, "id": "call_1", "function": map[string]any{"name": "f", "arguments": ""}}}}))
	args, _ := json.Marshal(map[string]string{"key": text})
	for _, p := range secretstest.Pieces(string(args), 4) {
		ev(streamChunk(0, map[string]any{"tool_calls": []any{map[string]any{"index": 0, "function": map[string]any{"arguments": p}}}}))
	}
	ev("[DONE]")
	return b.String()
}

func sseInteraction(reqBody, stream string) *Interaction {
	i := jsonInteraction(chatURL, reqBody, stream)
	i.Response.Headers = http.Header{"Content-Type": {"text/event-stream"}}
	i.Response.ContentLength = -1
	return i
}

// everywhere is an interaction with key in the URL, a header, both bodies
// and, split token by token, a stream.
func everywhere(key string) []*Interaction {
	plain := jsonInteraction(chatURL+"?q="+key, `{"messages":[{"role":"user","content":"repeat `+key+`"}]}`, `{"echo":"`+key+`"}`)
	plain.Request.Headers.Set("X-Custom", "k "+key)
	return []*Interaction{plain, sseInteraction(`{"stream":true}`, splitStream("Sure: "+key+" is it."))}
}

// hasPiece reports whether s holds a telling part of key, in any view.
func hasPiece(s, key string) bool {
	for _, v := range views(s) {
		if strings.Contains(v, key[len(key)-10:]) || strings.Contains(v, key[:len(key)/2]) {
			return true
		}
	}
	return false
}

// Keys of every provider's shape, not configured anywhere, in every
// place and split across stream events, are scrubbed at save; the saved
// file lints clean, while the same interactions unsaved are findings.
func TestSaveAndLintEveryShape(t *testing.T) {
	for _, k := range secretstest.Keys() {
		t.Run(k.Name, func(t *testing.T) {
			c := New(filepath.Join(t.TempDir(), "c.yaml"))
			c.Interactions = everywhere(k.Value)
			findings := Lint(c, WithoutDefaultSecrets())
			var msgs []string
			for _, f := range findings {
				if f.Kind == "secret" {
					msgs = append(msgs, f.String())
				}
				if strings.Contains(f.String(), k.Value[len(k.Value)-10:]) {
					t.Errorf("a finding shows the key: %s", f)
				}
			}
			all := strings.Join(msgs, "\n")
			for _, want := range []string{"interaction 0: secret: request url", "interaction 0: secret: request body", "interaction 0: secret: request headers", "interaction 0: secret: response body", "interaction 1: secret: response body holds what looks like", "split across events"} {
				if !strings.Contains(all, want) {
					t.Errorf("lint of the unsaved cassette lacks %q:\n%s", want, all)
				}
			}
			if err := c.Save(WithoutDefaultSecrets()); err != nil {
				t.Fatal(err)
			}
			raw, _ := os.ReadFile(c.Path)
			if hasPiece(string(raw), k.Value) {
				t.Errorf("the key reached the file:\n%s", raw)
			}
			back, err := Load(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			if f := Lint(back, WithoutDefaultSecrets()); len(f) != 0 {
				t.Errorf("lint of the saved file: %v", f)
			}
			if !strings.Contains(back.Interactions[1].Response.Body, `"content":"Sure: REDACTED"`) && !strings.Contains(back.Interactions[1].Response.Body, `REDACTED`) {
				t.Errorf("no redaction in the stream:\n%s", back.Interactions[1].Response.Body)
			}
		})
	}
}

// A key split across events that cannot be rewritten in place (one piece
// in an event of two data lines) refuses the save, naming the
// interaction and the events; nothing is written.
func TestSaveRefusesSplitKeyItCannotScrub(t *testing.T) {
	key := secretstest.Keys()[3].Value
	// No piece is a key on its own: the first holds the prefix only.
	p := []string{key[:8], key[8:]}
	stream := "data: " + streamChunk(0, map[string]any{"content": p[0]}) + "\n\n" +
		"data: {\"choices\":[{\"index\":0,\n" + "data: \"delta\":{\"content\":\"" + p[1] + "\"}}]}\n\n"
	c := New(filepath.Join(t.TempDir(), "c.yaml"))
	c.Interactions = []*Interaction{jsonInteraction(chatURL, `{}`, `{}`), sseInteraction(`{}`, stream)}
	err := c.Save(WithoutDefaultSecrets())
	var le *SecretLeakError
	if !errors.As(err, &le) {
		t.Fatalf("Save = %v, want *SecretLeakError", err)
	}
	for _, want := range []string{"interaction 1", "events 0-1", "OpenAI project key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), p[1][:12]) || strings.Contains(err.Error(), key[len(key)-12:]) {
		t.Errorf("the error shows the key: %v", err)
	}
	if _, err := os.Stat(c.Path); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a cassette was written")
	}
}

// Every header and parameter Save redacts is a lint finding, by name,
// when it is not redacted, whatever its value looks like; Save redacts
// each one.
func TestLintAndSaveByName(t *testing.T) {
	tests := []struct {
		name  string
		setup func(i *Interaction)
		want  string // in the finding
	}{
		{"authorization basic", func(i *Interaction) { i.Request.Headers.Set("Authorization", "Basic dXNlcjpwYXNz") }, "request header Authorization"},
		{"authorization digest", func(i *Interaction) {
			i.Request.Headers.Set("Authorization", `Digest username="u", response="6629fae49393a05397450978507c4ef1"`)
		}, "request header Authorization"},
		{"authorization raw", func(i *Interaction) { i.Request.Headers.Set("Authorization", "plainvalue") }, "request header Authorization"},
		{"proxy-authorization", func(i *Interaction) { i.Request.Headers.Set("Proxy-Authorization", "Basic abc") }, "request header Proxy-Authorization"},
		{"x-api-key", func(i *Interaction) { i.Request.Headers.Set("X-Api-Key", "abc") }, "request header X-Api-Key"},
		{"api-key", func(i *Interaction) { i.Request.Headers.Set("Api-Key", "abc") }, "request header Api-Key"},
		{"x-goog-api-key", func(i *Interaction) { i.Request.Headers.Set("x-goog-api-key", "abc") }, "request header X-Goog-Api-Key"},
		{"cookie", func(i *Interaction) { i.Request.Headers.Set("Cookie", "session=abc") }, "request header Cookie"},
		{"set-cookie", func(i *Interaction) { i.Response.Headers.Set("Set-Cookie", "session=abc; Path=/") }, "response header Set-Cookie"},
		{"openai-organization", func(i *Interaction) { i.Request.Headers.Set("OpenAI-Organization", "org-abc") }, "request header Openai-Organization"},
		{"key param", func(i *Interaction) { i.Request.URL = chatURL + "?key=abc" }, "query parameter key"},
		{"api_key param", func(i *Interaction) { i.Request.URL = chatURL + "?api_key=abc&model=m" }, "query parameter api_key"},
		{"token param", func(i *Interaction) { i.Request.URL = chatURL + "?token=abc" }, "query parameter token"},
		{"userinfo", func(i *Interaction) { i.Request.URL = "https://user:pass@api.groq.com/openai/v1/chat/completions" }, "user information"},
		{"location with token", func(i *Interaction) {
			i.Response.Headers.Set("Location", "https://app.example/cb?access_token=abc&state=1")
		}, "response header Location carries the query parameter access_token"},
		{"location with fragment token", func(i *Interaction) { i.Response.Headers.Set("Location", "https://app.example/cb#access_token=abc") }, "fragment parameter access_token"},
		{"form token", func(i *Interaction) { i.Request.Form = map[string][]string{"client_secret": {"abc"}} }, "request form field client_secret"},
		{"request body member", func(i *Interaction) { i.Request.Body = `{"model":"m","api_key":"abc"}` }, `request body key "api_key"`},
		{"response body member", func(i *Interaction) { i.Response.Body = `{"access_token":"abc","expires_in":3600}` }, `response body key "access_token"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := jsonInteraction(chatURL, `{"a":1}`, `{"b":1}`)
			tt.setup(i)
			c := New(filepath.Join(t.TempDir(), "c.yaml"))
			c.Interactions = []*Interaction{i}
			var found []string
			for _, f := range Lint(c, WithoutDefaultSecrets()) {
				found = append(found, f.String())
			}
			if !strings.Contains(strings.Join(found, "\n"), tt.want) {
				t.Errorf("lint = %q, want a finding with %q", found, tt.want)
			}
			if err := c.Save(WithoutDefaultSecrets()); err != nil {
				t.Fatal(err)
			}
			raw, _ := os.ReadFile(c.Path)
			if strings.Contains(string(raw), "abc") || strings.Contains(string(raw), "pass@") || strings.Contains(string(raw), "6629fae4") {
				t.Errorf("saved without redaction:\n%s", raw)
			}
			back, err := Load(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			if f := Lint(back, WithoutDefaultSecrets()); len(f) != 0 {
				t.Errorf("lint of the saved file: %v", f)
			}
		})
	}
}

// Ordinary text with key-like words is neither scrubbed nor reported.
func TestOrdinaryTextIsKept(t *testing.T) {
	for _, text := range secretstest.Ordinary {
		body, _ := json.Marshal(map[string]string{"content": text})
		c := New(filepath.Join(t.TempDir(), "c.yaml"))
		c.Interactions = []*Interaction{jsonInteraction(chatURL, string(body), string(body)), sseInteraction(`{}`, splitStream(text))}
		if f := Lint(c, WithoutDefaultSecrets()); len(f) != 0 {
			t.Errorf("%q: lint %v", text, f)
		}
		if err := c.Save(WithoutDefaultSecrets()); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(c.Interactions[0].Request.Body+c.Interactions[1].Response.Body, Redacted) {
			t.Errorf("%q was scrubbed", text)
		}
	}
}

// A configured secret too short to be a key (GROQ_API_KEY=test) does not
// rewrite ordinary text: it is redacted where it is a whole header or
// parameter value, a warning says so once (without the value), and the
// cassette replays without it.
func TestShortConfiguredSecret(t *testing.T) {
	t.Setenv("GROQ_API_KEY", "test")
	const prompt = `{"messages":[{"role":"user","content":"Write a test plan"}]}`
	i := jsonInteraction(chatURL+"?k=test&model=test-model", prompt, `{"content":"A test plan: test the login."}`)
	i.Request.Headers.Set("Authorization", "Bearer test")
	i.Request.Headers.Set("X-Key", "test")
	i.Request.Headers.Set("User-Agent", "pytest/8")
	c := New(filepath.Join(t.TempDir(), "c.yaml"))
	c.Interactions = []*Interaction{i}
	var logs []string
	logf := func(format string, args ...any) { logs = append(logs, fmt.Sprintf(format, args...)) }
	if err := c.Save(WithLogf(logf)); err != nil {
		t.Fatal(err)
	}
	back, err := Load(c.Path)
	if err != nil {
		t.Fatal(err)
	}
	got := back.Interactions[0]
	if !strings.Contains(got.Request.Body, "Write a test plan") || !strings.Contains(got.Response.Body, "A test plan: test the login.") {
		t.Errorf("ordinary text was rewritten:\n%s\n%s", got.Request.Body, got.Response.Body)
	}
	if got.Request.Headers.Get("Authorization") != "Bearer "+Redacted || got.Request.Headers.Get("X-Key") != Redacted || got.Request.Headers.Get("User-Agent") != "pytest/8" {
		t.Errorf("headers: %v", got.Request.Headers)
	}
	if !strings.Contains(got.Request.URL, "k="+Redacted) || !strings.Contains(got.Request.URL, "model=test-model") {
		t.Errorf("url: %s", got.Request.URL)
	}
	if len(logs) != 1 || !strings.Contains(logs[0], "GROQ_API_KEY") || strings.Contains(strings.ReplaceAll(logs[0], "GROQ_API_KEY", ""), "test") {
		t.Errorf("warnings: %q, want one naming GROQ_API_KEY without the value", logs)
	}
	// Replayed without the variable, a request with the same body still
	// matches. (A URL parameter whose whole value was the secret is
	// redacted, so that one request matches only with the variable set.)
	t.Setenv("GROQ_API_KEY", "")
	back.Interactions[0].Request.URL = chatURL + "?model=test-model"
	r, b := matchReq(t, "POST", chatURL+"?model=test-model", prompt)
	if _, err := newIndex(back).Match(r, b); err != nil {
		t.Errorf("the recording does not replay without the variable: %v", err)
	}
}

// Every provider's variable in DefaultSecretEnv is read: a key with no
// recognisable shape in any of them is scrubbed; the defaults cannot be
// changed through the returned slices.
func TestDefaultSecretEnv(t *testing.T) {
	for n, name := range []string{"GROQ_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "MISTRAL_API_KEY", "XAI_API_KEY", "HF_TOKEN"} {
		t.Run(name, func(t *testing.T) {
			for _, e := range DefaultSecretEnv() {
				t.Setenv(e, "")
			}
			key := secretstest.Random(uint64(100+n), 40)
			t.Setenv(name, key)
			c := New(filepath.Join(t.TempDir(), "c.yaml"))
			c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"k":"`+key+`"}`, `{}`), sseInteraction(`{}`, splitStream(key))}
			if err := c.Save(); err != nil {
				t.Fatal(err)
			}
			raw, _ := os.ReadFile(c.Path)
			if hasPiece(string(raw), key) {
				t.Errorf("$%s's value reached the file", name)
			}
		})
	}
	d := DefaultSecretEnv()
	d[0] = "CHANGED"
	defaultSecretHeaders()[0], defaultSecretParams()[0] = "CHANGED", "CHANGED"
	if DefaultSecretEnv()[0] == "CHANGED" || defaultSecretHeaders()[0] == "CHANGED" || defaultSecretParams()[0] == "CHANGED" {
		t.Error("a caller changed the defaults")
	}
}

// Import scrubs with the same engine: every shape, a key split across
// the events of a stream, and a Cookie header.
func TestImportScrubs(t *testing.T) {
	for _, k := range secretstest.Keys() {
		stream, _ := json.Marshal(splitStream("Sure: " + k.Value))
		src := `interactions:
- request:
    body: '{"content":"` + k.Value + `"}'
    headers:
      cookie: [session=abc]
      content-type: [application/json]
    method: POST
    uri: ` + chatURL + `?key=abc
  response:
    body: {string: ` + string(stream) + `}
    headers:
      content-type: [text/event-stream]
    status: {code: 200, message: OK}
version: 1
`
		c, err := ImportVCRPy([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", k.Name, err)
		}
		if f := Lint(c, WithoutDefaultSecrets()); len(f) != 0 {
			t.Errorf("%s: lint of the import: %v", k.Name, f)
		}
		i := c.Interactions[0]
		if hasPiece(i.Request.Body+i.Response.Body+i.Request.URL, k.Value) || i.Request.Headers.Get("Cookie") != Redacted {
			t.Errorf("%s: import kept a secret:\n%s\n%s", k.Name, i.Request.Body, i.Response.Body)
		}
	}
}

// The base64 of a configured secret (as in Basic credentials or a data
// URL, at any alignment) is found at lint, scrubbed at save and import.
func TestBase64OfConfiguredSecret(t *testing.T) {
	key := secretstest.Random(400, 40)
	t.Setenv("GROQ_API_KEY", key)
	for n, pre := range []string{"", "u:", "us:"} {
		enc := base64.StdEncoding.EncodeToString([]byte(pre + key))
		core := enc[4 : len(enc)-4]
		i := jsonInteraction(chatURL, `{"image":"data:text/plain;base64,`+enc+`"}`, `{"echo":"`+enc+`"}`)
		c := New(filepath.Join(t.TempDir(), "c.yaml"))
		c.Interactions = []*Interaction{i}
		var lint []string
		for _, f := range Lint(c) {
			lint = append(lint, f.String())
		}
		if got := strings.Join(lint, "\n"); !strings.Contains(got, "request body contains a configured secret value") || !strings.Contains(got, "response body contains a configured secret value") {
			t.Errorf("alignment %d: lint = %q", n, lint)
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		raw, _ := os.ReadFile(c.Path)
		if strings.Contains(string(raw), core) {
			t.Errorf("alignment %d: the base64 of the key reached the file", n)
		}
		imp, err := ImportVCRPy([]byte("interactions:\n- request: {method: POST, uri: '" + chatURL + "', body: '" + enc + "'}\n  response: {status: {code: 200}, body: {string: '" + enc + "'}}\n"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(imp.Interactions[0].Request.Body+imp.Interactions[0].Response.Body, core) {
			t.Errorf("alignment %d: import kept the base64 of the key", n)
		}
	}
}
