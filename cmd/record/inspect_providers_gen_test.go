package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/fakes/fakeclock"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
	"github.com/llmvcr/llmvcr/replay"
)

// providersCassette is the input of the "providers" inspect golden.
const providersCassette = "testdata/inspect/providers.yaml"

// TestWriteProvidersCassette rewrites testdata/inspect/providers.yaml
// when LLMVCR_WRITE_PROVIDERS=1 (see testdata/SOURCE.md): it records, with
// replay's recorder and a test clock, the provider streams of
// replay/testdata/providers and a few whole answers, as their clients
// send the requests (keys included, which the recording scrubs).
func TestWriteProvidersCassette(t *testing.T) {
	if os.Getenv("LLMVCR_WRITE_PROVIDERS") != "1" {
		t.Skip("set LLMVCR_WRITE_PROVIDERS=1 to rewrite " + providersCassette)
	}
	keys := map[string]string{}
	for _, k := range secretstest.Keys() {
		keys[k.Name] = k.Value
	}
	stream := func(file string) []string {
		b, err := os.ReadFile(filepath.Join("..", "..", "replay", "testdata", "providers", file))
		if err != nil {
			t.Fatal(err)
		}
		evs, err := httpbody.SplitSSE(string(b))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range evs {
			out = append(out, string(e.Raw))
		}
		return out
	}
	const weatherTool = `"tools":[{"name":"get_weather","description":"Get the current weather in a given location","input_schema":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}}]`
	anthropic := map[string]string{"x-api-key": keys["anthropic"], "anthropic-version": "2023-06-01"}
	openai := map[string]string{"Authorization": "Bearer " + keys["openai-project"]}
	google := map[string]string{"x-goog-api-key": keys["google"]}
	exchanges := []struct {
		url     string
		header  map[string]string
		body    string
		status  int
		ctype   string
		frames  []string // an event stream, or one whole body
		pausing time.Duration
	}{
		{"https://api.anthropic.com/v1/messages", anthropic,
			`{"model":"claude-opus-4-6","max_tokens":1024,"stream":true,` + weatherTool + `,"messages":[{"role":"user","content":"What is the weather like in San Francisco?"}]}`,
			200, "text/event-stream; charset=utf-8", stream("anthropic_tools.sse"), 40 * time.Millisecond},
		{"https://api.anthropic.com/v1/messages?beta=true", anthropic,
			`{"max_tokens":4096,"messages":[{"content":[{"text":"How do I cross the street?","type":"text"}],"role":"user"}],"model":"claude-sonnet-4-0","stream":true,"thinking":{"budget_tokens":1024,"type":"enabled"}}`,
			200, "text/event-stream; charset=utf-8", stream("anthropic_thinking.sse"), 25 * time.Millisecond},
		{"https://api.openai.com/v1/responses", openai,
			`{"conversation":"conv_010000000000000000000000000000000000000000000000","input":[{"content":"Reply exactly: streamed","role":"user"}],"instructions":"Follow the user instructions exactly.","model":"gpt-4.1","stream":true}`,
			200, "text/event-stream; charset=utf-8", stream("responses_text.sse"), 30 * time.Millisecond},
		{"https://api.openai.com/v1/responses", openai,
			`{"model":"o4-mini","input":"What is the weather in Paris?","reasoning":{"summary":"auto"},"stream":true,"tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}`,
			200, "text/event-stream; charset=utf-8", stream("responses_tools.sse"), 35 * time.Millisecond},
		{"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=" + keys["google"], nil,
			`{"contents":[{"role":"user","parts":[{"text":"What is the weather in Paris?"}]}],"tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}}}}]}],"generationConfig":{"thinkingConfig":{"includeThoughts":true}}}`,
			200, "text/event-stream", stream("gemini_tools.sse"), 120 * time.Millisecond},
		// Whole answers: Anthropic's documented tool-use response, a
		// Responses API object, Gemini's JSON array of chunks (no alt=sse),
		// and Anthropic's documented overloaded error.
		{"https://api.anthropic.com/v1/messages", anthropic,
			`{"model":"claude-opus-4-6","max_tokens":1024,` + weatherTool + `,"messages":[{"role":"user","content":"What's the weather like in San Francisco?"}]}`,
			200, "application/json", []string{`{"id":"msg_01Aq9w938a90dw8q","model":"claude-opus-4-6","stop_reason":"tool_use","role":"assistant","type":"message","content":[{"type":"text","text":"I'll check the current weather in San Francisco for you."},{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"location":"San Francisco, CA","unit":"celsius"}}],"usage":{"input_tokens":384,"output_tokens":92,"cache_read_input_tokens":128}}`}, 0},
		{"https://api.openai.com/v1/responses", openai,
			`{"model":"gpt-4.1","input":"Say hello."}`,
			200, "application/json", []string{`{"id":"resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b","object":"response","created_at":1741476542,"status":"completed","model":"gpt-4.1-2025-04-14","output":[{"type":"message","id":"msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello! How can I help you today?","annotations":[]}]}],"usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":0},"output_tokens":10,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":20}}`}, 0},
		{"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent", google,
			`{"contents":[{"parts":[{"text":"What is the capital of France?"}]}]}`,
			200, "application/json; charset=UTF-8", []string{"[{\n  \"candidates\": [{\"content\": {\"parts\": [{\"text\": \"The capital\"}],\"role\": \"model\"},\"index\": 0}],\n  \"usageMetadata\": {\"promptTokenCount\": 8,\"totalTokenCount\": 8},\n  \"modelVersion\": \"gemini-2.0-flash\"\n}\n,\r\n{\n  \"candidates\": [{\"content\": {\"parts\": [{\"text\": \" of France is Paris.\\n\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\n  \"usageMetadata\": {\"promptTokenCount\": 8,\"candidatesTokenCount\": 7,\"totalTokenCount\": 15},\n  \"modelVersion\": \"gemini-2.0-flash\"\n}\n]"}, 0},
		{"https://api.anthropic.com/v1/messages", anthropic,
			`{"model":"claude-opus-4-6","max_tokens":1024,"messages":[{"role":"user","content":"Hello"}]}`,
			529, "application/json", []string{`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}`}, 0},
		// A stream that an error event ends before message_stop.
		{"https://api.anthropic.com/v1/messages", anthropic,
			`{"model":"claude-opus-4-6","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"Tell me a story."}]}`,
			200, "text/event-stream; charset=utf-8", append(stream("anthropic_tools.sse")[:5],
				"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"), 50 * time.Millisecond},
	}
	clk := fakeclock.New(time.Unix(1_800_000_000, 0))
	n := 0
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		x := exchanges[n]
		n++
		if r.Body != nil {
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
		}
		clk.Advance(300 * time.Millisecond) // the time to the headers
		h := http.Header{"Content-Type": {x.ctype}}
		return &http.Response{StatusCode: x.status, Status: http.StatusText(x.status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: h, Body: &pacedBody{frames: x.frames, clk: clk, gap: x.pausing}, ContentLength: -1, Request: r}, nil
	})
	path, err := filepath.Abs(providersCassette)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	t.Run("record", func(t *testing.T) {
		s := replay.New(t, replay.WithPath(path), replay.WithMode(replay.ModeRecord), replay.WithClock(clk), replay.WithRealTransport(rt))
		for _, x := range exchanges {
			req, err := http.NewRequest("POST", x.url, strings.NewReader(x.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			for k, v := range x.header {
				req.Header.Set(k, v)
			}
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// pacedBody gives one frame per Read, the clock moved on by a growing gap
// before each.
type pacedBody struct {
	frames []string
	clk    *fakeclock.Clock
	gap    time.Duration
	n      int
}

func (b *pacedBody) Read(p []byte) (int, error) {
	if b.n == len(b.frames) {
		return 0, io.EOF
	}
	if len(p) < len(b.frames[b.n]) {
		k := copy(p, b.frames[b.n])
		b.frames[b.n] = b.frames[b.n][k:]
		return k, nil
	}
	b.clk.Advance(b.gap + time.Duration(b.n%3)*b.gap/2)
	k := copy(p, b.frames[b.n])
	b.n++
	return k, nil
}

func (b *pacedBody) Close() error { return nil }
