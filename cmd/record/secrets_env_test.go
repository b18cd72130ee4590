package main

import (
	"encoding/json"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// streamText joins the content a recorded stream carries, and then its
// reasoning.
func streamText(t *testing.T, body string) string {
	t.Helper()
	evs, err := httpbody.SplitSSE(body)
	if err != nil {
		t.Fatal(err)
	}
	var b, r strings.Builder
	for _, ev := range evs {
		data, _ := strings.CutPrefix(strings.TrimSpace(string(ev.Raw)), "data: ")
		if data == "" || data == "[DONE]" {
			continue
		}
		var c groqwire.ChatCompletionChunk
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			t.Fatalf("event %q: %v", data, err)
		}
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil {
				b.WriteString(*ch.Delta.Content)
			}
			if ch.Delta.Reasoning != nil {
				r.WriteString(*ch.Delta.Reasoning)
			}
		}
	}
	return b.String() + "\n" + r.String()
}

// noKey fails the test when the file at path holds a telling part of key.
func noKey(t *testing.T, path, key string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{key, key[len(key)-10:], key[:len(key)/2]} {
		if strings.Contains(string(raw), part) {
			t.Errorf("%s holds the key (or part of it):\n%s", path, raw)
			return
		}
	}
}

// The key in GROQ_API_KEY (and in OPENAI_API_KEY, another default
// variable) is scrubbed even when it has no recognisable shape, in
// streams that echo it a few bytes per event: only reading the variables
// finds it, so a record command that stopped reading them fails here.
func TestRecordScrubsEnvKeysWithoutShape(t *testing.T) {
	key, other := secretstest.Random(201, 40), secretstest.Random(202, 44)
	echo := &secretstest.Echo{Extra: []string{other}}
	srv := httptest.NewServer(echo)
	defer srv.Close()
	dir := t.TempDir()
	env := []string{"GROQ_API_KEY=" + key, "OPENAI_API_KEY=" + other, "GROQ_BASE_URL=" + srv.URL + "/openai/v1"}
	for _, args := range [][]string{
		{"-stream", "-o", "stream.yaml", "Hello"},
		{"-o", "plain.yaml", "Hello"},
	} {
		r := cli(t, dir, env, args...).mustSucceed(t)
		if strings.Contains(r.stderr, key) || strings.Contains(r.stderr, other) {
			t.Errorf("stderr shows a key:\n%s", r.stderr)
		}
		path := filepath.Join(dir, args[len(args)-2])
		noKey(t, path, key)
		noKey(t, path, other)
		c := load(t, path)
		body := c.Interactions[0].Response.Body
		text := body
		if args[0] == "-stream" {
			text = streamText(t, body)
		}
		if !strings.Contains(text, "your key is "+cassettes.Redacted+"; also "+cassettes.Redacted) {
			t.Errorf("%s: the echo is not redacted as expected: %q", path, text)
		}
	}
	// The server was reached with the key: the recordings are scrubbing,
	// not the embedded fake.
	if toks := echo.Tokens(); len(toks) != 2 || toks[0] != key {
		t.Errorf("the server saw %d requests with the key", len(toks))
	}
}

// A key of every provider's shape, in the prompt and echoed back a few
// bytes per event, never reaches the cassette the record command writes.
func TestRecordScrubsEveryShapeSplit(t *testing.T) {
	echo := &secretstest.Echo{}
	srv := httptest.NewServer(echo)
	defer srv.Close()
	dir := t.TempDir()
	env := []string{"GROQ_API_KEY=" + secretstest.Random(203, 40), "GROQ_BASE_URL=" + srv.URL + "/openai/v1"}
	for _, k := range secretstest.Keys() {
		path := filepath.Join(dir, k.Name+".yaml")
		cli(t, dir, env, "-stream", "-o", path, "repeat "+k.Value).mustSucceed(t)
		noKey(t, path, k.Value)
		c := load(t, path)
		if text := streamText(t, c.Interactions[0].Response.Body); strings.Contains(text, k.Value[len(k.Value)-10:]) || strings.Count(text, cassettes.Redacted) != 4 {
			t.Errorf("%s: the joined stream holds the key, or not the 4 redactions: %q", k.Name, text)
		}
	}
}

// inspect never prints a secret, even one a hand-made cassette holds
// split across the events of a stream (which inspect joins): it shows
// REDACTED and says what it found.
func TestInspectMasksSecrets(t *testing.T) {
	dir := t.TempDir()
	envKey := secretstest.Random(204, 40)
	t.Setenv("GROQ_API_KEY", envKey)
	for _, k := range append(secretstest.Keys(), secretstest.Key{Name: "env", Value: envKey}) {
		var stream strings.Builder
		stream.WriteString("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n")
		for _, p := range secretstest.Pieces("Your key: "+k.Value, 4) {
			stream.WriteString(`data: {"choices":[{"index":0,"delta":{"content":"` + p + `"}}]}` + "\n\n")
		}
		stream.WriteString("data: [DONE]\n\n")
		c := cassettes.New(filepath.Join(dir, k.Name+".yaml"))
		c.Interactions = []*cassettes.Interaction{{
			Request: cassettes.Request{Method: "POST", URL: "https://api.groq.com/openai/v1/chat/completions",
				Body: `{"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}`},
			Response: cassettes.Response{Code: 200, Status: "200 OK", Body: stream.String(),
				Headers: map[string][]string{"Content-Type": {"text/event-stream"}}},
		}}
		data, err := cassettes.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(c.Path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := cmdInspect([]string{c.Path}, &out); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		if strings.Contains(s, k.Value[len(k.Value)-10:]) || strings.Contains(s, k.Value[4:len(k.Value)/2]) {
			t.Errorf("%s: inspect shows the key:\n%s", k.Name, s)
		}
		if !strings.Contains(s, "text: Your key: "+cassettes.Redacted) || !strings.Contains(s, "warning: ") || !strings.Contains(s, "split across events") {
			t.Errorf("%s: inspect does not show the masking:\n%s", k.Name, s)
		}
	}
}
