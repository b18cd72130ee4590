package secrets_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// keyNamed returns the fake key of the named shape.
func keyNamed(t *testing.T, name string) string {
	t.Helper()
	for _, k := range secretstest.Keys() {
		if k.Name == name {
			return k.Value
		}
	}
	t.Fatalf("no fake key %q", name)
	return ""
}

// The headers and URL parameters that carry the keys of Anthropic,
// OpenAI, Azure OpenAI and Gemini are secret by name: their value is
// redacted whatever it looks like (a provider key, or random characters
// that no shape knows), and the headers that only name a version or a
// client are not.
func TestProviderKeyHeadersAndParams(t *testing.T) {
	e := secrets.New(secrets.Config{})
	values := map[string]string{
		"anthropic": keyNamed(t, "anthropic"),
		"openai":    keyNamed(t, "openai-project"),
		"google":    keyNamed(t, "google"),
		"random":    secretstest.Random(42, 40),
	}
	for _, h := range []string{"x-api-key", "X-Api-Key", "x-goog-api-key", "X-Goog-Api-Key", "api-key", "Anthropic-Api-Key", "openai-api-key", "Authorization"} {
		for name, v := range values {
			for _, value := range []string{v, "Bearer " + v} {
				got := e.ScrubHeader(h, value)
				if strings.Contains(got, v[4:]) || !strings.Contains(got, secrets.Redacted) {
					t.Errorf("header %s with a %s key: scrubbed to %q", h, name, got)
				}
			}
		}
	}
	for _, h := range []string{"anthropic-version", "anthropic-beta", "x-goog-api-client", "OpenAI-Beta", "x-stainless-lang"} {
		if e.SecretHeader(h) {
			t.Errorf("header %s is treated as secret; it names a version or client", h)
		}
	}

	for name, v := range values {
		for _, raw := range []string{
			"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=" + v,
			"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent?key=" + url.QueryEscape(v),
			"https://x.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21&api-key=" + v,
		} {
			got := e.ScrubURL(raw)
			if strings.Contains(got, v[4:]) {
				t.Errorf("URL with a %s key: scrubbed to %q", name, got)
			}
			u, err := url.Parse(got)
			if err != nil {
				t.Fatalf("scrubbed URL %q does not parse: %v", got, err)
			}
			q := u.Query()
			if strings.Contains(raw, "alt=sse") && q.Get("alt") != "sse" || strings.Contains(raw, "api-version") && q.Get("api-version") != "2024-10-21" {
				t.Errorf("the scrub of %q lost ordinary parameters: %q", raw, got)
			}
			if q.Get("key") != "" && q.Get("key") != secrets.Redacted || q.Get("api-key") != "" && q.Get("api-key") != secrets.Redacted {
				t.Errorf("the key parameter of %q became %q", raw, got)
			}
		}
	}
}

// A key that a provider's stream echoes in pieces, in any of the fields
// its deltas fill, is found and scrubbed: Anthropic text, thinking and
// tool input (partial_json), the Responses API's text, reasoning summary
// and function-call argument deltas, and Gemini's text parts in
// CRLF-framed data-only events.
func TestProviderStreamsSplitKeys(t *testing.T) {
	e := secrets.New(secrets.Config{})
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, k := range []secretstest.Key{{Name: "anthropic", Value: keyNamed(t, "anthropic")}, {Name: "openai-project", Value: keyNamed(t, "openai-project")}, {Name: "google", Value: keyNamed(t, "google")}} {
		pieces := secretstest.Pieces("the key is "+k.Value+" ok", 7)
		for _, c := range []struct {
			name  string
			event func(p string) string // one frame carrying piece p
		}{
			{"anthropic text_delta", func(p string) string {
				return "event: content_block_delta\ndata: " + enc(map[string]any{"type": "content_block_delta", "index": 0, "delta": map[string]any{"type": "text_delta", "text": p}}) + "\n\n"
			}},
			{"anthropic thinking_delta", func(p string) string {
				return "event: content_block_delta\ndata: " + enc(map[string]any{"type": "content_block_delta", "index": 0, "delta": map[string]any{"type": "thinking_delta", "thinking": p}}) + "\n\n"
			}},
			{"anthropic input_json_delta", func(p string) string {
				return "event: content_block_delta\ndata: " + enc(map[string]any{"type": "content_block_delta", "index": 1, "delta": map[string]any{"type": "input_json_delta", "partial_json": p}}) + "\n\n"
			}},
			{"responses output_text", func(p string) string {
				return "event: response.output_text.delta\ndata: " + enc(map[string]any{"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": p}) + "\n\n"
			}},
			{"responses reasoning summary", func(p string) string {
				return "event: response.reasoning_summary_text.delta\ndata: " + enc(map[string]any{"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "output_index": 0, "summary_index": 0, "delta": p}) + "\n\n"
			}},
			{"responses function_call_arguments", func(p string) string {
				return "event: response.function_call_arguments.delta\ndata: " + enc(map[string]any{"type": "response.function_call_arguments.delta", "item_id": "fc_1", "output_index": 1, "delta": p}) + "\n\n"
			}},
			{"gemini text part, CRLF", func(p string) string {
				return "data: " + enc(map[string]any{"candidates": []any{map[string]any{"index": 0, "content": map[string]any{"role": "model", "parts": []any{map[string]any{"text": p}}}}}}) + "\r\n\r\n"
			}},
		} {
			var b strings.Builder
			for n, p := range pieces {
				b.WriteString(": llmvcr-t=0.00000" + string(rune('0'+n%10)) + "\n")
				b.WriteString(c.event(p))
			}
			body := b.String()
			if leaks := e.ScanStream(body); len(leaks) == 0 {
				t.Errorf("%s, %s key: the split key is not found", c.name, k.Name)
				continue
			}
			out, left := e.ScrubStream(body)
			if len(left) != 0 || len(e.ScanStream(out)) != 0 || strings.Contains(out, k.Value[len(k.Value)-7:]) {
				t.Errorf("%s, %s key: not scrubbed (left %v):\n%s", c.name, k.Name, left, out)
			}
		}
	}
}

// Gemini streams thoughts and text as parts of the same shape, told apart
// by "thought": true. A key sent in text parts with thought parts between
// them is joined without the thoughts (as a client shows the text) and
// found; so is one sent in thought parts between text parts.
func TestGeminiThoughtsJoinedApart(t *testing.T) {
	e := secrets.New(secrets.Config{})
	key := keyNamed(t, "google")
	part := func(text string, thought bool) string {
		b, err := json.Marshal(map[string]any{"candidates": []any{map[string]any{"index": 0, "content": map[string]any{"role": "model", "parts": []any{map[string]any{"text": text, "thought": thought}}}}}})
		if err != nil {
			t.Fatal(err)
		}
		return "data: " + string(b) + "\r\n\r\n"
	}
	for _, keyInThoughts := range []bool{false, true} {
		var b strings.Builder
		for n, p := range secretstest.Pieces("here: "+key+" done", 8) {
			b.WriteString(part(p, keyInThoughts))
			b.WriteString(part(fmt.Sprintf("step %d ", n), !keyInThoughts))
		}
		body := b.String()
		if leaks := e.ScanStream(body); len(leaks) != 1 {
			t.Errorf("key in thoughts %v: leaks %v, want one", keyInThoughts, leaks)
			continue
		}
		out, left := e.ScrubStream(body)
		if len(left) != 0 || len(e.ScanStream(out)) != 0 || strings.Contains(out, key[len(key)-8:]) {
			t.Errorf("key in thoughts %v: not scrubbed (left %v):\n%s", keyInThoughts, left, out)
		}
	}
}
