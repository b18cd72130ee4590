package reliability

import (
	"context"
	"encoding/json"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
	"github.com/llmvcr/llmvcr/llm"
	"github.com/llmvcr/llmvcr/replay"
)

// secretKey is a recognisable fake Groq key. It is never a real one.
const secretKey = "gsk_LLMVCRFAKEdoNOTleak0123456789abcdefABCDEF01"

// secretForms are the ways the key can appear in a file or a message.
func secretForms() []string {
	j, _ := json.Marshal(secretKey)
	return []string{secretKey, strings.Trim(string(j), `"`), url.QueryEscape(secretKey), strings.TrimPrefix(secretKey, "gsk_")}
}

// leaks counts the forms of the key in s.
func leaks(s string) int {
	n := 0
	for _, f := range secretForms() {
		if strings.Contains(s, f) {
			n++
		}
	}
	return n
}

// secretCalls makes, through client and a model on it, exchanges that put
// the key in a header, the query string, the request body and (as the
// fake's echo) the response body, plain, streamed and as an error. It
// returns the error messages the calls produced and the places seeded.
func secretCalls(t *testing.T, baseURL string, client *http.Client) (errs []string, places int) {
	t.Helper()
	m, err := groq.NewModel(fakes.DefaultModel, groq.WithBaseURL(baseURL), groq.WithHTTPClient(client),
		groq.WithAPIKey(secretKey), groq.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	// The default answer quotes the question, so the key comes back.
	question := "Please repeat this token: " + secretKey
	msgs := []llm.Message{llm.NewRequest(llm.User(question))}
	for _, streamed := range []bool{false, true} {
		text, err := ask(ctx, m, msgs, streamed)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if !strings.Contains(text, "Please repeat this token") {
			t.Errorf("streamed=%v: the answer %q does not echo the question", streamed, text)
		}
		places += 3 // Authorization header, request body, response body
	}
	// An error whose body echoes the key, as some proxies do.
	_, err = m.Request(ctx, []llm.Message{llm.NewRequest(llm.User("trigger the error " + secretKey))}, nil, nil)
	if err == nil {
		t.Errorf("the scripted error came back as a success")
	} else {
		errs = append(errs, err.Error())
		places += 3 // Authorization header, request body, error body
	}
	// The key in the query string and in an API-key header.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/openai/v1/models?api_key="+url.QueryEscape(secretKey)+"&q="+url.QueryEscape(secretKey), nil)
	req.Header.Set("X-Api-Key", secretKey)
	resp, err := client.Do(req)
	if err != nil {
		errs = append(errs, err.Error())
	} else {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		places += 3 // two query parameters, one header
	}
	return errs, places
}

// TestSecrets records against the fake with a recognisable key in every
// place it can go, then searches the cassette, the session's log and every
// error message (recording and replaying) for it.
func TestSecrets(t *testing.T) {
	t.Setenv("GROQ_API_KEY", secretKey)
	path := filepath.Join(t.TempDir(), "secrets.yaml")
	var places, searched, found int
	search := func(where, s string) {
		searched++
		if n := leaks(s); n > 0 {
			found++
			t.Errorf("the key is in %s (%d forms)", where, n)
		}
	}

	var baseURL string
	rec := &captureTB{}
	t.Run("record", func(t *testing.T) {
		g := fakes.NewGroq(t, fakes.WithDefaultAnswers())
		g.Error(401, groqwire.ErrorResponse{Error: groqwire.ErrorObject{Message: "Invalid API Key " + secretKey, Type: "invalid_request_error", Code: "invalid_api_key"}}, nil).
			When(fakes.PromptContains("trigger the error"))
		baseURL = g.URL
		rec.TB = t
		s := replay.New(rec, replay.WithMode(replay.ModeRecord), replay.WithPath(path), replay.WithRealTransport(g.Client().Transport))
		var errs []string
		errs, places = secretCalls(t, baseURL, s.Client())
		if len(errs) != 1 {
			t.Errorf("recording: %d errors, want the one scripted: %q", len(errs), errs)
		}
		// Recording passes the server's answer through as it is: the
		// scripted error echoes the key, so that message is the server's
		// and is not searched here.
	})
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no cassette was recorded: %v", err)
	}
	search("the cassette", string(raw))
	// Every seeded place shows a redaction instead (the bearer header,
	// the bodies, the echo, the query and the API-key header).
	redactions := strings.Count(string(raw), "REDACTED")
	if redactions < places {
		t.Errorf("the cassette shows %d redactions for %d places the key was put", redactions, places)
	}
	search("the recording session's log", rec.String())

	rep := &captureTB{}
	t.Run("replay", func(t *testing.T) {
		rep.TB = t
		s := replay.New(rep, replay.WithPath(path))
		errs, _ := secretCalls(t, baseURL, s.Client())
		if len(errs) != 1 {
			t.Errorf("replay: %d errors, want the one recorded: %q", len(errs), errs)
		}
		for _, e := range errs {
			search("a replayed error message", e)
		}
	})
	search("the replaying session's log", rep.String())
	figure(t, "secrets", "places_seeded", places, "redactions", redactions, "places_searched", searched, "leaks", found)
}

// joinedStream returns the content and the reasoning a recorded stream
// carries, each joined across its events.
func joinedStream(t *testing.T, body string) string {
	t.Helper()
	evs, err := httpbody.SplitSSE(body)
	if err != nil {
		t.Fatal(err)
	}
	var content, reasoning strings.Builder
	for _, ev := range evs {
		for _, line := range strings.Split(string(ev.Raw), "\n") {
			data, ok := strings.CutPrefix(line, "data: ")
			if !ok || data == "[DONE]" {
				continue
			}
			var c groqwire.ChatCompletionChunk
			if err := json.Unmarshal([]byte(data), &c); err != nil {
				t.Fatalf("a recorded event is not JSON: %v", err)
			}
			for _, ch := range c.Choices {
				if ch.Delta.Content != nil {
					content.WriteString(*ch.Delta.Content)
				}
				if ch.Delta.Reasoning != nil {
					reasoning.WriteString(*ch.Delta.Reasoning)
				}
			}
		}
	}
	return content.String() + "\n" + reasoning.String()
}

// echoChat sends one chat completion with key as the bearer token.
func echoChat(t *testing.T, client *http.Client, base, key, prompt string, stream bool) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"model": "m", "stream": stream, "messages": []any{map[string]any{"role": "user", "content": prompt}}})
	req, _ := http.NewRequest(http.MethodPost, base+"/openai/v1/chat/completions", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// TestSecretsEveryShapeSplit records, through replay.New, a key of every
// provider's shape (none of them configured) in the Authorization header,
// the prompt, and the answers of a server that echoes them: whole in a
// plain answer, and a few bytes per event in a stream's content and its
// reasoning. It searches each cassette, its joined streams and the
// session's log for the key.
func TestSecretsEveryShapeSplit(t *testing.T) {
	for _, e := range cassettes.DefaultSecretEnv() {
		t.Setenv(e, "")
	}
	echo := &secretstest.Echo{}
	srv := httptest.NewServer(echo)
	defer srv.Close()
	var shapes, places, leaks, splits int
	for _, k := range secretstest.Keys() {
		shapes++
		path := filepath.Join(t.TempDir(), k.Name+".yaml")
		log := &captureTB{}
		t.Run(k.Name, func(t *testing.T) {
			log.TB = t
			s := replay.New(log, replay.WithMode(replay.ModeRecord), replay.WithPath(path), replay.WithRealTransport(srv.Client().Transport))
			echoChat(t, s.Client(), srv.URL, k.Value, "repeat "+k.Value, false)
			echoChat(t, s.Client(), srv.URL, k.Value, "repeat "+k.Value, true)
		})
		places += 7 // 2 headers, 2 prompts, the plain echo, the stream's content and reasoning
		splits += 2
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: nothing recorded: %v", k.Name, err)
		}
		c, err := cassettes.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		for where, s := range map[string]string{"the cassette": string(raw), "the joined stream": joinedStream(t, c.Interactions[1].Response.Body), "the session log": log.log.String()} {
			if strings.Contains(s, k.Value[len(k.Value)-10:]) || strings.Contains(s, k.Value[:len(k.Value)/2]) {
				leaks++
				t.Errorf("%s: the key is in %s", k.Name, where)
			}
		}
		if f := cassettes.Lint(c); len(f) != 0 {
			t.Errorf("%s: lint: %v", k.Name, f)
		}
	}
	figure(t, "secrets_shapes", "shapes", shapes, "places_seeded", places, "split_streams", splits, "leaks", leaks)
}

// TestSecretsLintByName hands Lint a cassette with each header and
// parameter Save redacts left unredacted (with values no shape finds),
// and saves it: every one must be a finding, and none may survive Save.
func TestSecretsLintByName(t *testing.T) {
	cases := map[string]func(i *cassettes.Interaction){
		"Authorization (Basic)":     func(i *cassettes.Interaction) { i.Request.Headers.Set("Authorization", "Basic dXNlcjpwYXNz") },
		"Authorization (Digest)":    func(i *cassettes.Interaction) { i.Request.Headers.Set("Authorization", `Digest username="u"`) },
		"Authorization (no scheme)": func(i *cassettes.Interaction) { i.Request.Headers.Set("Authorization", "opaque") },
		"Proxy-Authorization":       func(i *cassettes.Interaction) { i.Request.Headers.Set("Proxy-Authorization", "Basic opaque") },
		"X-Api-Key":                 func(i *cassettes.Interaction) { i.Request.Headers.Set("X-Api-Key", "opaque") },
		"Api-Key":                   func(i *cassettes.Interaction) { i.Request.Headers.Set("Api-Key", "opaque") },
		"X-Goog-Api-Key":            func(i *cassettes.Interaction) { i.Request.Headers.Set("X-Goog-Api-Key", "opaque") },
		"Cookie":                    func(i *cassettes.Interaction) { i.Request.Headers.Set("Cookie", "s=opaque") },
		"Set-Cookie":                func(i *cassettes.Interaction) { i.Response.Headers.Set("Set-Cookie", "s=opaque") },
		"OpenAI-Organization":       func(i *cassettes.Interaction) { i.Request.Headers.Set("OpenAI-Organization", "org-opaque") },
		"key=":                      func(i *cassettes.Interaction) { i.Request.URL += "?key=opaque" },
		"api_key=":                  func(i *cassettes.Interaction) { i.Request.URL += "?api_key=opaque" },
		"token=":                    func(i *cassettes.Interaction) { i.Request.URL += "?token=opaque" },
		"user:pass@":                func(i *cassettes.Interaction) { i.Request.URL = "https://u:opaque@api.groq.com/openai/v1/models" },
		"Location with a token": func(i *cassettes.Interaction) {
			i.Response.Headers.Set("Location", "https://app/cb?access_token=opaque")
		},
	}
	var names, found, survived int
	for name, set := range cases {
		names++
		i := &cassettes.Interaction{
			Request:  cassettes.Request{Method: "GET", URL: "https://api.groq.com/openai/v1/models", Headers: http.Header{}},
			Response: cassettes.Response{Code: 200, Status: "200 OK", Headers: http.Header{"Content-Type": {"application/json"}}, Body: "{}"},
		}
		set(i)
		c := cassettes.New(filepath.Join(t.TempDir(), "c.yaml"))
		c.Interactions = []*cassettes.Interaction{i}
		if f := cassettes.Lint(c, cassettes.WithoutDefaultSecrets()); len(f) == 1 && f[0].Kind == "secret" {
			found++
		} else {
			t.Errorf("%s: lint = %v, want one secret finding", name, f)
		}
		if err := c.Save(cassettes.WithoutDefaultSecrets()); err != nil {
			t.Fatal(err)
		}
		if raw, _ := os.ReadFile(c.Path); strings.Contains(string(raw), "opaque") || strings.Contains(string(raw), "dXNlcjpwYXNz") {
			survived++
			t.Errorf("%s: saved unredacted", name)
		}
	}
	figure(t, "lint_by_name", "names", names, "found", found, "survived_save", survived)
}

// TestSecretsShortKey records with GROQ_API_KEY=test: the key is too
// short to search bodies for, so "Write a test plan" stays as it is, the
// Authorization header is redacted, and the cassette replays without the
// variable.
func TestSecretsShortKey(t *testing.T) {
	for _, e := range cassettes.DefaultSecretEnv() {
		t.Setenv(e, "")
	}
	t.Setenv("GROQ_API_KEY", "test")
	echo := &secretstest.Echo{}
	srv := httptest.NewServer(echo)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "short.yaml")
	const prompt = "Write a test plan"
	log := &captureTB{}
	t.Run("record", func(t *testing.T) {
		log.TB = t
		s := replay.New(log, replay.WithMode(replay.ModeRecord), replay.WithPath(path), replay.WithRealTransport(srv.Client().Transport))
		echoChat(t, s.Client(), srv.URL, "test", prompt, false)
	})
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	i := c.Interactions[0]
	rewrites := 0
	if !strings.Contains(i.Request.Body, prompt) || !strings.Contains(i.Response.Body, prompt) {
		rewrites++
		t.Errorf("ordinary text was rewritten:\n%s\n%s", i.Request.Body, i.Response.Body)
	}
	if got := i.Request.Headers.Get("Authorization"); got != "Bearer "+cassettes.Redacted {
		t.Errorf("Authorization = %q", got)
	}
	warned := strings.Count(log.log.String(), "GROQ_API_KEY is 4 characters")
	if warned != 1 {
		t.Errorf("warned %d times, want once:\n%s", warned, log.log.String())
	}
	t.Setenv("GROQ_API_KEY", "")
	replays := 0
	t.Run("replay", func(t *testing.T) {
		s := replay.New(t, replay.WithPath(path))
		echoChat(t, s.Client(), srv.URL, "other", prompt, false)
		replays = 1
	})
	figure(t, "secrets_short_key", "body_rewrites", rewrites, "warnings", warned, "replays_without_key", replays)
}
