package replay_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
	"github.com/llmvcr/llmvcr/replay"
)

// chat sends one chat completion request with key as the bearer token
// and returns the answer's body.
func chat(t *testing.T, client *http.Client, url, key, prompt string, stream bool) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"model": "m", "stream": stream, "messages": []any{map[string]any{"role": "user", "content": prompt}}})
	req, _ := http.NewRequest(http.MethodPost, url+"/openai/v1/chat/completions", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// holdsKey reports whether s holds a telling part of key.
func holdsKey(s, key string) bool {
	return strings.Contains(s, key) || strings.Contains(s, key[len(key)-10:]) || strings.Contains(s, key[:len(key)/2])
}

// record records a plain and a streamed exchange with an echoing server
// through replay.New in record mode, and returns the saved file.
func record(t *testing.T, key, prompt string, opts ...replay.Option) (raw string, echo *secretstest.Echo, url string) {
	t.Helper()
	echo = &secretstest.Echo{}
	srv := httptest.NewServer(echo)
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "c.yaml")
	t.Run("record", func(t *testing.T) {
		s := replay.New(t, append([]replay.Option{replay.WithMode(replay.ModeRecord), replay.WithPath(path), replay.WithRealTransport(srv.Client().Transport)}, opts...)...)
		if got := chat(t, s.Client(), srv.URL, key, prompt, false); !strings.Contains(got, key) {
			t.Fatalf("the server did not echo the key")
		}
		// Streamed, no event holds the key whole.
		if got := chat(t, s.Client(), srv.URL, key, prompt, true); holdsKey(got, key) || !strings.Contains(got, "[DONE]") {
			t.Fatalf("the stream holds the key whole, or is cut")
		}
	})
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("nothing was saved: %v", err)
	}
	return string(b), echo, srv.URL
}

// A key that no shape finds, echoed back a few bytes per event, is
// scrubbed because the session reads it from the environment: from
// GROQ_API_KEY, another provider's default variable, or a WithSecretEnv
// name. A session that stopped reading them would save the key.
func TestRecordScrubsEnvKeysWithoutShape(t *testing.T) {
	tests := []struct {
		name string
		env  string
		opts []replay.Option
	}{
		{"GROQ_API_KEY", "GROQ_API_KEY", nil},
		{"OPENAI_API_KEY", "OPENAI_API_KEY", nil},
		{"WithSecretEnv", "LLMVCR_TEST_SERVICE_KEY", []replay.Option{replay.WithSecretEnv("LLMVCR_TEST_SERVICE_KEY")}},
	}
	for n, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, e := range cassettes.DefaultSecretEnv() {
				t.Setenv(e, "")
			}
			key := secretstest.Random(uint64(300+n), 40)
			t.Setenv(tt.env, key)
			raw, echo, _ := record(t, key, "Hello", tt.opts...)
			if holdsKey(raw, key) {
				t.Errorf("the key reached the cassette:\n%s", raw)
			}
			// Two Authorization headers, the plain echo, and the streamed
			// echo in content and in reasoning.
			if !strings.Contains(raw, "your key is "+cassettes.Redacted) || strings.Count(raw, cassettes.Redacted) < 5 {
				t.Errorf("the echoes are not redacted in place:\n%s", raw)
			}
			if toks := echo.Tokens(); len(toks) != 2 || toks[0] != key {
				t.Errorf("the server did not get the key")
			}
		})
	}
}

// Keys of every provider's shape, in the prompt, the Authorization header
// and echoed back split across stream events, never reach the cassette
// replay.New saves; the cassette lints clean and replays.
func TestRecordScrubsEveryShapeSplit(t *testing.T) {
	for _, k := range secretstest.Keys() {
		t.Run(k.Name, func(t *testing.T) {
			for _, e := range cassettes.DefaultSecretEnv() {
				t.Setenv(e, "")
			}
			raw, _, url := record(t, k.Value, "repeat "+k.Value)
			if holdsKey(raw, k.Value) {
				t.Errorf("the key reached the cassette:\n%s", raw)
			}
			path := filepath.Join(t.TempDir(), "back.yaml")
			os.WriteFile(path, []byte(raw), 0o644)
			c, err := cassettes.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if f := cassettes.Lint(c); len(f) != 0 {
				t.Errorf("lint: %v", f)
			}
			t.Run("replay", func(t *testing.T) {
				s := replay.New(t, replay.WithPath(path))
				for _, stream := range []bool{false, true} {
					if got := chat(t, s.Client(), url, k.Value, "repeat "+k.Value, stream); holdsKey(got, k.Value) || !strings.Contains(got, cassettes.Redacted) {
						t.Errorf("replayed answer (stream %v) holds the key, or no redaction", stream)
					}
				}
			})
		})
	}
}
