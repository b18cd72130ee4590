package secrets_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// BenchmarkScanStream measures ScanStream on a recorded stream of about
// 900 events, 4 bytes of content each, that carries a configured key in
// pieces at its end (bytes per second are the stream's bytes).
func BenchmarkScanStream(b *testing.B) {
	key := secretstest.Keys()[0].Value
	e := secrets.New(secrets.Config{Values: []secrets.Value{{Text: key}}})
	var evs []string
	for _, p := range secretstest.Pieces(strings.Repeat("hello world ", 300)+key, 4) {
		evs = append(evs, chunk(0, map[string]any{"content": p}))
	}
	body := sseBody(evs...)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if len(e.ScanStream(body)) != 1 {
			b.Fatal("the key was not found")
		}
	}
}

// benchRequest is a ~2 KB chat completion request with an assistant tool
// call whose arguments are JSON in a string, and a tool definition, as a
// cassette's request bodies are.
func benchRequest() string {
	var sb strings.Builder
	sb.WriteString(`{"model":"llama-3.3-70b-versatile","messages":[`)
	sb.WriteString(`{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"unit\":\"celsius\",\"days\":3}"}}]},`)
	sb.WriteString(`{"role":"tool","tool_call_id":"call_1","content":"{\"temperature\":21,\"sky\":\"clear\"}"}`)
	for m := 0; sb.Len() < 1900; m++ {
		sb.WriteString(`,{"role":"user","content":"message ` + strings.Repeat("x", m%7) + `: the quick brown fox jumps over the lazy dog"}`)
	}
	sb.WriteString(`],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}`)
	return sb.String()
}

// BenchmarkScrubRequestBody measures ScrubRequestBody on a clean ~2 KB
// JSON chat request (bytes per second are the body's bytes), as saving
// and replay's indexing run it on every request body of a cassette.
func BenchmarkScrubRequestBody(b *testing.B) {
	e := secrets.New(secrets.Config{Values: []secrets.Value{{Text: secretstest.Keys()[0].Value}}})
	body := benchRequest()
	h := http.Header{"Content-Type": {"application/json"}}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if e.ScrubRequestBody(h, body) != body {
			b.Fatal("a clean body changed")
		}
	}
}

// BenchmarkScrubURL measures ScrubURL on a clean API URL, and on one
// whose query carries a key, as saving and replay scrub every request's
// URL.
func BenchmarkScrubURL(b *testing.B) {
	e := secrets.New(secrets.Config{})
	for _, c := range []struct{ name, url string }{
		{"clean", "https://api.groq.com/openai/v1/chat/completions"},
		{"clean-query", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?alt=sse"},
		{"key", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?alt=sse&key=" + secretstest.Random(1, 39)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = e.ScrubURL(c.url)
			}
		})
	}
}

// BenchmarkScrubBody measures ScrubBody on a clean ~1 KB JSON chat
// response with a tool call (bytes per second are the body's bytes), as
// saving runs it on every response.
func BenchmarkScrubBody(b *testing.B) {
	e := secrets.New(secrets.Config{Values: []secrets.Value{{Text: secretstest.Keys()[0].Value}}})
	body := `{"id":"chatcmpl-1","object":"chat.completion","model":"llama-3.3-70b-versatile","choices":[{"index":0,"message":{"role":"assistant","content":"` +
		strings.Repeat("lorem ipsum dolor sit amet ", 30) + `","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"url\":\"https://example.com/weather?city=Paris\"}"}}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30}}`
	h := http.Header{"Content-Type": {"application/json"}}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if e.ScrubBody(h, body) != body {
			b.Fatal("a clean body changed")
		}
	}
}
