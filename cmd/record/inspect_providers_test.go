package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
	"github.com/llmvcr/llmvcr/recorder"
)

func interaction(url, ctype, body string) *cassettes.Interaction {
	i := &cassettes.Interaction{}
	i.Request.Method, i.Request.URL = "POST", url
	i.Response.Code, i.Response.Status = 200, "200 OK"
	i.Response.Headers = http.Header{"Content-Type": {ctype}}
	i.Response.Body = body
	return i
}

// The API is told by the body when its shape says (a gateway may serve
// any API under any path), else by the URL path; a body of no known
// shape on an unknown path is unknown.
func TestDetectAPI(t *testing.T) {
	chatChunk := "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: [DONE]\n\n"
	for _, c := range []struct {
		name, url, body string
		want            apiKind
	}{
		{"anthropic event lines", "https://gw.example/any", "event: message_start\ndata: {\"type\":\"message_start\"}\n\n", apiAnthropic},
		{"anthropic data only", "https://gw.example/any", "data: {\"type\":\"content_block_delta\",\"index\":0}\n\n", apiAnthropic},
		{"responses event lines", "https://gw.example/any", ": comment\n\nevent: response.created\ndata: {}\n\n", apiResponses},
		{"responses data only, CR", "https://gw.example/any", "data: {\"type\":\"response.output_text.delta\",\"delta\":\"x\"}\r\r", apiResponses},
		{"gemini CRLF", "https://gw.example/any", "data: {\"candidates\": []}\r\n\r\n", apiGemini},
		{"gemini usage only", "https://gw.example/any", "data: {\"usageMetadata\": {\"totalTokenCount\": 1}}\n\n", apiGemini},
		{"chat chunks under a messages path", "https://gw.example/v1/messages", chatChunk, apiChat},
		{"done only", "https://gw.example/any", "data: [DONE]\n\n", apiChat},
		{"anthropic JSON", "https://gw.example/any", `{"type":"message","content":[]}`, apiAnthropic},
		{"responses JSON", "https://gw.example/any", `{"object":"response","output":[]}`, apiResponses},
		{"gemini JSON array", "https://gw.example/any", "[{\"candidates\": []}\n,\r\n{}]", apiGemini},
		{"chat JSON", "https://gw.example/v1/responses", `{"object":"chat.completion","choices":[]}`, apiChat},
		{"error body, messages path", "https://api.anthropic.com/v1/messages", `{"type":"error","error":{"type":"overloaded_error"}}`, apiAnthropic},
		{"error body, gemini path", "https://x/v1beta/models/m:generateContent?key=k", `{"error":{"code":400}}`, apiGemini},
		{"empty, responses path", "https://api.openai.com/v1/responses?x=1", "", apiResponses},
		{"empty, gemini stream path", "https://x/v1beta/models/m:streamGenerateContent?alt=sse", "", apiGemini},
		{"empty, chat path", "https://api.groq.com/openai/v1/chat/completions", "", apiChat},
		{"unknown", "https://gw.example/v1/embeddings", `{"data":[]}`, apiUnknown},
		{"unknown stream", "https://gw.example/events", "event: tick\ndata: 1\n\n", apiUnknown},
		{"not json", "https://gw.example/x", "{not json", apiUnknown},
		{"nested arrays", "https://gw.example/x", strings.Repeat("[", 5000) + strings.Repeat("]", 5000), apiUnknown},
		{"array of arrays, gemini path", "https://x/v1beta/models/m:generateContent", `[[{"candidates":[]}]]`, apiGemini},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := detectAPI(interaction(c.url, "text/event-stream", c.body)); got != c.want {
				t.Errorf("detectAPI = %s, want %s", got.label(), c.want.label())
			}
		})
	}
}

// Each API's events are put together as its clients do: Anthropic blocks
// by index (in the order they started, a tool's input from its
// input_json_delta pieces or, without any, from its whole input),
// Responses API function calls by item id (the done event's arguments
// win), Gemini's first candidate's parts; errors, refusals, incomplete
// answers and events that are not JSON are shown, not dropped.
func TestProviderViews(t *testing.T) {
	for _, c := range []struct {
		name   string
		kind   apiKind
		stream bool
		body   string
		want   answerView
	}{
		{"anthropic interleaved blocks", apiAnthropic, true,
			"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"m\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1,\"cache_read_input_tokens\":2}}}\n\n" +
				"event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}}\n\n" +
				"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n" +
				"event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":1,\r\ndata: \"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}\r\n\r\n" +
				"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}\n\n" +
				"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"1}\"}}\n\n" +
				"event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"g\",\"input\":{\"b\": [1, 2]}}}\n\n" +
				"event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":3,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"xyz\"}}\n\n" +
				"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":30}}\n\n" +
				"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
			answerView{model: "m", reasoning: "[redacted thinking]", text: "Hello", calls: []toolCallView{{"f", `{"a":1}`, "toolu_1"}, {"g", `{"b":[1,2]}`, "toolu_2"}},
				finish: "tool_use", usage: "5 tokens in, 30 out; cache read 2", ended: "message_stop", events: 10}},
		{"anthropic deltas without starts, error, not JSON", apiAnthropic, true,
			"data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}\n\n" +
				"data: {\"type\":\"content_block_delta\",\"index\":4,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}\n\n" +
				"data: {oops\n\n" +
				"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
			answerView{reasoning: "hmm", calls: []toolCallView{{"", "{}", ""}}, err: "Overloaded (overloaded_error)", events: 4}},
		{"anthropic whole message", apiAnthropic, false,
			`{"type":"message","model":"m","content":[{"type":"thinking","thinking":"t"},{"type":"text","text":"a"},{"type":"tool_use","id":"toolu_9","name":"f","input":{"x":"y"}}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":2}}`,
			answerView{model: "m", reasoning: "t", text: "a", calls: []toolCallView{{"f", `{"x":"y"}`, "toolu_9"}}, finish: "tool_use", usage: "1 tokens in, 2 out"}},
		{"responses calls by item, done wins", apiResponses, true,
			"event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"model\":\"m0\"}}\n\n" +
				"event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"fc_2\",\"delta\":\"{\\\"q\\\"\"}\n\n" +
				"event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"name\":\"f\",\"call_id\":\"call_1\",\"arguments\":\"\"}}\n\n" +
				"event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"fc_1\",\"delta\":\"{\\\"a\\\":\"}\n\n" +
				"event: response.function_call_arguments.done\ndata: {\"type\":\"response.function_call_arguments.done\",\"item_id\":\"fc_1\",\"arguments\":\"{\\\"a\\\":2}\"}\n\n" +
				"event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"item\":{\"id\":\"fc_2\",\"type\":\"function_call\",\"name\":\"g\",\"call_id\":\"call_2\",\"arguments\":\"{\\\"q\\\":1}\"}}\n\n" +
				"event: response.refusal.delta\ndata: {\"type\":\"response.refusal.delta\",\"delta\":\"No.\"}\n\n" +
				"event: response.incomplete\ndata: {\"type\":\"response.incomplete\",\"response\":{\"model\":\"m1\",\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},\"usage\":{\"input_tokens\":3,\"output_tokens\":4,\"total_tokens\":7,\"input_tokens_details\":{\"cached_tokens\":1}}}}\n\n",
			answerView{model: "m1", refusal: "No.", calls: []toolCallView{{"g", `{"q":1}`, "call_2"}, {"f", `{"a":2}`, "call_1"}},
				finish: "incomplete (max_output_tokens)", usage: "3 tokens in, 4 out, 7 total; cached 1", ended: "response.incomplete", events: 8}},
		{"responses failed and error event", apiResponses, true,
			"event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"boom\"}\n\n" +
				"event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"The model failed\"}}}\n\n",
			answerView{finish: "failed", err: "The model failed (server_error)", ended: "response.failed", events: 2}},
		{"responses whole", apiResponses, false,
			`{"object":"response","model":"m","status":"completed","output":[{"type":"reasoning","summary":[{"text":"a"},{"text":"b"}]},{"type":"message","content":[{"type":"output_text","text":"Hi"}]},{"type":"function_call","id":"fc","name":"f","call_id":"c","arguments":"{}"}]}`,
			answerView{model: "m", reasoning: "a\n\nb", text: "Hi", calls: []toolCallView{{"f", "{}", "c"}}, finish: "completed"}},
		{"gemini candidates, thoughts, error", apiGemini, true,
			"data: {\"candidates\":[{\"index\":0,\"content\":{\"parts\":[{\"text\":\"plan\",\"thought\":true},{\"text\":\"A\"}]}},{\"index\":1,\"content\":{\"parts\":[{\"text\":\"other\"}]}}],\"modelVersion\":\"g\"}\r\n\r\n" +
				"data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"id\":\"fc1\",\"name\":\"f\",\"args\":{\"k\": 1}}},{\"functionCall\":{\"name\":\"h\"}}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":1,\"candidatesTokenCount\":2,\"totalTokenCount\":3,\"cachedContentTokenCount\":4}}\r\n\r\n" +
				"data: {\"error\":{\"code\":503,\"message\":\"overloaded\",\"status\":\"UNAVAILABLE\"}}\r\n\r\n",
			answerView{model: "g", reasoning: "plan", text: "A", calls: []toolCallView{{"f", `{"k":1}`, "fc1"}, {"h", "", ""}}, finish: "STOP",
				usage: "1 tokens in, 2 out, 3 total; cached 4", err: "overloaded (UNAVAILABLE)", ended: "finishReason STOP", events: 3}},
		{"gemini JSON array", apiGemini, false,
			"[{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]},\r\n{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"b\"}]},\"finishReason\":\"MAX_TOKENS\"}]}]",
			answerView{text: "ab", finish: "MAX_TOKENS", ended: "finishReason MAX_TOKENS"}},
		{"not JSON", apiGemini, false, "<html>", answerView{err: "an event that is not JSON: <html>"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := viewAnswer(c.kind, c.body, c.stream)
			if diff := cmp.Diff(c.want, got, cmp.AllowUnexported(answerView{}, toolCallView{})); diff != "" {
				t.Errorf("view (-want +got):\n%s", diff)
			}
		})
	}
}

// A stream of no known API keeps the generic (chat chunk) view, with no
// API label.
func TestInspectUnknownStreamKeepsGenericView(t *testing.T) {
	c := &cassettes.Cassette{Path: "x.yaml", Interactions: []*cassettes.Interaction{
		interaction("https://gw.example/events", "text/event-stream", httpbody.TimingLine(0)+"event: tick\ndata: 1\n\n"),
	}}
	var b strings.Builder
	inspect(&b, c)
	out := b.String()
	for _, label := range []string{"Anthropic", "Responses", "Gemini"} {
		if strings.Contains(out, label) {
			t.Errorf("an unknown stream is labelled %s:\n%s", label, out)
		}
	}
	if !strings.Contains(out, "stream: 1 event, no [DONE]") {
		t.Errorf("the generic stream view is missing:\n%s", out)
	}
}

// FuzzProviderAnswer: no body, read as any API's stream or whole answer,
// makes detection or the views panic, and what inspect writes stays in
// proportion to the body (decoded text is never longer than its JSON,
// and each line is indented once). The seeds are the bodies of the
// providers golden cassette.
func FuzzProviderAnswer(f *testing.F) {
	c, err := cassettes.Load(filepath.FromSlash(providersCassette))
	if err != nil {
		f.Fatal(err)
	}
	for _, i := range c.Interactions {
		k := detectAPI(i)
		f.Add(i.Response.Body, uint8(k), httpbody.IsSSE(i.Response.Headers))
	}
	f.Add("event: content_block_delta\ndata: {\"index\":-1,\"delta\":{\"type\":\"input_json_delta\"}}\n\n", uint8(apiAnthropic), true)
	f.Add("data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"args\":[1]}}]}}]}\r\n\r\n", uint8(apiGemini), true)
	f.Add("event: response.reasoning_summary_part.added\ndata: {}\n\n", uint8(apiResponses), true)
	f.Fuzz(func(t *testing.T, body string, kind uint8, stream bool) {
		_ = detectBody(body)
		k := apiKind(kind % 5)
		v := viewAnswer(k, body, stream)
		var b strings.Builder
		if stream {
			inspectProviderStream(&b, k, body)
		} else {
			writeAnswer(&b, k, v)
		}
		if limit := 8*len(body) + 4096; b.Len() > limit {
			t.Fatalf("inspect wrote %d bytes for a body of %d", b.Len(), len(body))
		}
		if utf8.ValidString(body) && !utf8.ValidString(v.text+v.reasoning) {
			t.Fatalf("valid UTF-8 in, invalid text out: %q", v.text+v.reasoning)
		}
	})
}

// A key that a Gemini stream sends in pieces, with a thought part between
// them, never reaches inspect's output: inspect joins the text apart from
// the thoughts, as the secret engine now does when it masks the stream,
// and the whole output is masked again.
func TestInspectProviderJoinedKeyMasked(t *testing.T) {
	var key string
	for _, k := range secretstest.Keys() {
		if k.Name == "google" {
			key = k.Value
		}
	}
	part := func(text string, thought bool) string {
		b, _ := json.Marshal(map[string]any{"candidates": []any{map[string]any{"content": map[string]any{"parts": []any{map[string]any{"text": text, "thought": thought}}}}}})
		return "data: " + string(b) + "\r\n\r\n"
	}
	var body strings.Builder
	for n, p := range secretstest.Pieces("my key is "+key+".", 9) {
		body.WriteString(part(p, false))
		body.WriteString(part("thinking "+strconv.Itoa(n), true))
	}
	q, _ := json.Marshal(body.String())
	file := filepath.Join(t.TempDir(), "c.yaml")
	yaml := "version: 2\ninteractions:\n  - request: {url: 'https://generativelanguage.googleapis.com/v1beta/models/m:streamGenerateContent?alt=sse', method: POST, body: '{}'}\n" +
		"    response: {code: 200, headers: {Content-Type: [text/event-stream]}, body: " + string(q) + "}\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := cmdInspect([]string{file}, &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), key[8:]) || !strings.Contains(out.String(), "Gemini answer") {
		t.Fatalf("inspect output holds the key or no Gemini view:\n%s", out.String())
	}
}

// A cassette's canned sources are each named once; a hand-edited one that
// could forge a line of the output is quoted, and replay's own source
// keeps its article.
func TestInspectCannedSources(t *testing.T) {
	c := cassettes.New("c.yaml")
	for _, src := range []string{"embedded fake Groq server", "a fake server given to replay.WithFakeTransport", "embedded fake Groq server", "x\ninteraction 9: GET forged", ""} {
		i := interaction("https://api.groq.com/openai/v1/chat/completions", "application/json", `{}`)
		if src != "" {
			i.Response.Headers.Set(recorder.SourceHeader, src)
		}
		c.Interactions = append(c.Interactions, i)
	}
	want := `the embedded fake Groq server and a fake server given to replay.WithFakeTransport and "x\ninteraction 9: GET forged"`
	if got := cannedSources(c); got != want {
		t.Errorf("cannedSources = %s\nwant            %s", got, want)
	}
	var w strings.Builder
	inspect(&w, c)
	if strings.Contains(w.String(), "\ninteraction 9") {
		t.Errorf("a hand-edited source forged a line:\n%s", w.String())
	}
}
