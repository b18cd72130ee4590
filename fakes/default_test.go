package fakes_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/fakes/fakeclock"
	"github.com/llmvcr/llmvcr/internal/groqwire"
)

var weatherTool = groqwire.Tool{Type: "function", Function: groqwire.FunctionDefinition{
	Name:        "get_weather",
	Description: "Get the current weather in a city.",
	Parameters:  json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"},"units":{"enum":["celsius","fahrenheit"]}},"required":["city","units"]}`),
}}

var timeTool = groqwire.Tool{Type: "function", Function: groqwire.FunctionDefinition{
	Name:        "get_time",
	Description: "Get the time in a timezone.",
	Parameters:  json.RawMessage(`{"type":"object","properties":{"tz":{"type":"string"}},"required":["tz"]}`),
}}

func defaultServer(t *testing.T, opts ...fakes.Option) *fakes.Groq {
	return fakes.NewGroq(t, append([]fakes.Option{fakes.WithDefaultAnswers(), fakes.WithClock(fakeclock.NewInstant(t0))}, opts...)...)
}

func complete(t *testing.T, g *fakes.Groq, req groqwire.ChatCompletionRequest) (int, *groqwire.ChatCompletion, groqwire.ErrorResponse) {
	t.Helper()
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := mustPost(t, g, b)
	var c groqwire.ChatCompletion
	var e groqwire.ErrorResponse
	if resp.StatusCode != 200 {
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("decode error %s: %v", body, err)
		}
		return resp.StatusCode, nil, e
	}
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return resp.StatusCode, &c, e
}

func userMsg(s string) groqwire.ChatMessage {
	return groqwire.ChatMessage{Role: "user", Content: &groqwire.MessageContent{Text: s}}
}

func TestDefaultTextAnswers(t *testing.T) {
	tests := []struct {
		name   string
		prompt string
		want   string // exact, or a substring when contains is set
		quote  bool   // the generic answer quotes the question
	}{
		{"known capital", "What is the capital of France?", "The capital of France is Paris.", false},
		{"arithmetic", "What is 12 * 3?", "12 * 3 = 36.", false},
		{"greeting", "Hello!", "Hello! How can I help you today?", false},
		{"short greeting", "hi", "Hello! How can I help you today?", false},
		{"a word starting with hi is not a greeting", "history of Rome in brief", "history of Rome in brief", true},
		{"thanks", "Thanks!", "You're welcome! Let me know if there is anything else I can help with.", false},
		{"generic quotes the question", "How do I tune a bicycle derailleur?", "How do I tune a bicycle derailleur?", true},
		{"quotes are not escaped", `Is "vim" better than emacs?`, `Is "vim" better than emacs?`, true},
		{"long questions are clipped", strings.Repeat("é", 300) + "?", strings.Repeat("é", 200) + "...", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := defaultServer(t)
			status, c, _ := complete(t, g, groqwire.ChatCompletionRequest{Model: "llama-3.3-70b-versatile", Messages: []groqwire.ChatMessage{userMsg(tt.prompt)}})
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			got := *c.Choices[0].Message.Content
			if tt.quote && !strings.Contains(got, tt.want) || !tt.quote && got != tt.want {
				t.Errorf("answer = %q, want %q", got, tt.want)
			}
			if c.Choices[0].FinishReason != "stop" || c.Usage == nil || c.Usage.CompletionTokens < len(strings.Fields(got)) ||
				c.Usage.PromptTokens <= 0 || c.Usage.TotalTime <= 0 || c.Created != t0.Unix() {
				t.Errorf("completion = %+v usage %+v", c, c.Usage)
			}
		})
	}
}

func TestDefaultAnswersAreDeterministic(t *testing.T) {
	run := func() []string {
		g := defaultServer(t)
		var out []string
		for _, p := range []string{"Why is the sky blue?", "What is the capital of Japan?"} {
			for _, stream := range []bool{false, true} {
				_, body := mustPost(t, g, chatBody(p, stream))
				out = append(out, string(body))
			}
		}
		return out
	}
	if diff := cmp.Diff(run(), run()); diff != "" {
		t.Errorf("two runs differ:\n%s", diff)
	}
}

func TestDefaultToolCallThenFinalAnswer(t *testing.T) {
	g := defaultServer(t)
	req := groqwire.ChatCompletionRequest{
		Model:    "openai/gpt-oss-120b",
		Messages: []groqwire.ChatMessage{userMsg("What's the weather in Paris today?")},
		Tools:    []groqwire.Tool{weatherTool, timeTool},
	}
	_, c, _ := complete(t, g, req)
	msg := c.Choices[0].Message
	if c.Choices[0].FinishReason != "tool_calls" || len(msg.ToolCalls) != 1 {
		t.Fatalf("choice = %+v, want one tool call", c.Choices[0])
	}
	call := msg.ToolCalls[0]
	if call.Function.Name != "get_weather" || !reGPTOSSCallID.MatchString(call.ID) {
		t.Errorf("call = %+v, want get_weather with a gpt-oss id", call)
	}
	var args map[string]any
	if err := json.Unmarshal([]byte(call.Function.Arguments), &args); err != nil {
		t.Fatalf("args %q: %v", call.Function.Arguments, err)
	}
	if args["city"] != "Paris" || (args["units"] != "celsius" && args["units"] != "fahrenheit") {
		t.Errorf("args = %v, want city Paris and a unit from the enum", args)
	}
	if msg.Reasoning == nil || !strings.Contains(*msg.Reasoning, "get_weather") {
		t.Errorf("gpt-oss reasoning = %v", msg.Reasoning)
	}

	req.Messages = append(req.Messages,
		groqwire.ChatMessage{Role: "assistant", ToolCalls: []groqwire.ToolCall{call}},
		groqwire.ChatMessage{Role: "tool", ToolCallID: call.ID, Content: &groqwire.MessageContent{Text: `{"temperature": 21, "sky": "clear"}`}},
	)
	_, c, _ = complete(t, g, req)
	final := c.Choices[0]
	if final.FinishReason != "stop" || len(final.Message.ToolCalls) != 0 || final.Message.Content == nil ||
		!strings.Contains(*final.Message.Content, `get_weather returned {"temperature": 21, "sky": "clear"}`) {
		t.Errorf("final answer = %+v", final.Message)
	}
}

func TestDefaultToolChoice(t *testing.T) {
	tests := []struct {
		name      string
		choice    *groqwire.ToolChoice
		parallel  *bool
		prompt    string
		wantCalls []string
	}{
		{"named function", &groqwire.ToolChoice{Function: "get_time"}, nil, "weather in Oslo?", []string{"get_time"}},
		{"none answers text", &groqwire.ToolChoice{Mode: "none"}, nil, "weather in Oslo?", nil},
		{"no overlap answers text", nil, nil, "Do something", nil},
		{"a greeting answers text", nil, nil, "hi", nil},
		{"required with no overlap calls the first", &groqwire.ToolChoice{Mode: "required"}, nil, "hi", []string{"get_weather"}},
		{"auto with no overlap answers text", &groqwire.ToolChoice{Mode: "auto"}, nil, "Do something", nil},
		{"both relevant", nil, nil, "weather and time in Oslo", []string{"get_weather", "get_time"}},
		{"not parallel keeps one", nil, new(bool), "weather and time in Oslo", []string{"get_weather"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := defaultServer(t)
			_, c, _ := complete(t, g, groqwire.ChatCompletionRequest{
				Model: "llama-3.3-70b-versatile", Messages: []groqwire.ChatMessage{userMsg(tt.prompt)},
				Tools: []groqwire.Tool{weatherTool, timeTool}, ToolChoice: tt.choice, ParallelToolCalls: tt.parallel,
			})
			var got []string
			for _, tc := range c.Choices[0].Message.ToolCalls {
				got = append(got, tc.Function.Name)
			}
			if diff := cmp.Diff(tt.wantCalls, got); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultStreamWordByWord(t *testing.T) {
	g := defaultServer(t)
	_, plain := mustPost(t, g, chatBody("What is the capital of Italy?", false))
	_, body := mustPost(t, g, chatBody("What is the capital of Italy?", true))
	var c groqwire.ChatCompletion
	if err := json.Unmarshal(plain, &c); err != nil {
		t.Fatal(err)
	}
	data := sseData(t, body)
	if data[len(data)-1] != "[DONE]" {
		t.Fatalf("no [DONE]")
	}
	var pieces []string
	for _, d := range data[1 : len(data)-2] {
		var ch groqwire.ChatCompletionChunk
		if err := json.Unmarshal([]byte(d), &ch); err != nil {
			t.Fatal(err)
		}
		pieces = append(pieces, *ch.Choices[0].Delta.Content)
	}
	if diff := cmp.Diff(fakes.Words(*c.Choices[0].Message.Content), pieces); diff != "" {
		t.Errorf("stream pieces (-words of the reply +streamed):\n%s", diff)
	}
	var last groqwire.ChatCompletionChunk
	if err := json.Unmarshal([]byte(data[len(data)-2]), &last); err != nil || last.XGroq == nil || last.XGroq.Usage == nil {
		t.Errorf("last chunk %s has no x_groq.usage", data[len(data)-2])
	}
}

func TestDefaultStreamIncludeUsage(t *testing.T) {
	g := defaultServer(t)
	b, _ := json.Marshal(groqwire.ChatCompletionRequest{Model: "llama-3.3-70b-versatile", Messages: []groqwire.ChatMessage{userMsg("hi")},
		Stream: true, StreamOptions: &groqwire.StreamOptions{IncludeUsage: true}})
	_, body := mustPost(t, g, b)
	data := sseData(t, body)
	var c groqwire.ChatCompletionChunk
	if err := json.Unmarshal([]byte(data[len(data)-2]), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Choices) != 0 || c.Usage == nil {
		t.Errorf("usage chunk = %s, want empty choices and usage", data[len(data)-2])
	}
}

func TestDefaultRefusals(t *testing.T) {
	tests := []struct {
		name   string
		req    groqwire.ChatCompletionRequest
		status int
		code   string
	}{
		{"unknown model", groqwire.ChatCompletionRequest{Model: "non-existent", Messages: []groqwire.ChatMessage{userMsg("hi")}}, 404, "model_not_found"},
		{"no messages", groqwire.ChatCompletionRequest{Model: "llama-3.3-70b-versatile"}, 400, ""},
		{"n of 2", groqwire.ChatCompletionRequest{Model: "llama-3.3-70b-versatile", Messages: []groqwire.ChatMessage{userMsg("hi")}, N: ptrTo(2)}, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := defaultServer(t)
			status, _, e := complete(t, g, tt.req)
			if status != tt.status || string(e.Error.Code) != tt.code || e.Error.Message == "" {
				t.Errorf("got %d %+v, want %d %q", status, e.Error, tt.status, tt.code)
			}
		})
	}
	g := defaultServer(t)
	resp, _ := mustPost(t, g, []byte(`{"model":`))
	if resp.StatusCode != 400 {
		t.Errorf("bad JSON: status %d, want 400", resp.StatusCode)
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestDefaultReasoningAndLimits(t *testing.T) {
	g := defaultServer(t)
	_, c, _ := complete(t, g, groqwire.ChatCompletionRequest{Model: "qwen/qwen3-32b", Messages: []groqwire.ChatMessage{userMsg("Why is the sky blue?")}})
	if got := *c.Choices[0].Message.Content; !strings.HasPrefix(got, "<think>\n") || !strings.Contains(got, "</think>\n\n") {
		t.Errorf("qwen3 raw reasoning: content %q, want <think> tags", got)
	}
	_, c, _ = complete(t, g, groqwire.ChatCompletionRequest{Model: "qwen/qwen3-32b", ReasoningFormat: "parsed", Messages: []groqwire.ChatMessage{userMsg("Why?")}})
	if c.Choices[0].Message.Reasoning == nil || strings.Contains(*c.Choices[0].Message.Content, "<think>") {
		t.Errorf("qwen3 parsed reasoning: %+v", c.Choices[0].Message)
	}
	_, c, _ = complete(t, g, groqwire.ChatCompletionRequest{Model: "openai/gpt-oss-20b", ReasoningFormat: "hidden", Messages: []groqwire.ChatMessage{userMsg("Why?")}})
	if c.Choices[0].Message.Reasoning != nil {
		t.Errorf("hidden reasoning was sent")
	}
	_, c, _ = complete(t, g, groqwire.ChatCompletionRequest{Model: "llama-3.3-70b-versatile", MaxCompletionTokens: ptrTo(3), Messages: []groqwire.ChatMessage{userMsg("Explain the theory of relativity")}})
	if c.Choices[0].FinishReason != "length" || len(strings.Fields(*c.Choices[0].Message.Content)) > 3 {
		t.Errorf("max tokens: %q finish %q", *c.Choices[0].Message.Content, c.Choices[0].FinishReason)
	}
	_, c, _ = complete(t, g, groqwire.ChatCompletionRequest{Model: "llama-3.3-70b-versatile", Stop: []string{" is "}, Messages: []groqwire.ChatMessage{userMsg("What is the capital of Spain?")}})
	if got := *c.Choices[0].Message.Content; got != "The capital of Spain" {
		t.Errorf("stop: %q", got)
	}
}

func TestDefaultJSONSchemaOutput(t *testing.T) {
	g := defaultServer(t)
	_, c, _ := complete(t, g, groqwire.ChatCompletionRequest{
		Model:    "openai/gpt-oss-120b",
		Messages: []groqwire.ChatMessage{userMsg("Describe Paris")},
		ResponseFormat: &groqwire.ResponseFormat{Type: "json_schema", JSONSchema: &groqwire.JSONSchemaFormat{Name: "city",
			Schema: json.RawMessage(`{"type":"object","properties":{"name":{"type":"string"},"population":{"type":"integer","minimum":1}},"required":["name","population"]}`)}},
	})
	var v map[string]any
	if err := json.Unmarshal([]byte(*c.Choices[0].Message.Content), &v); err != nil {
		t.Fatalf("content is not JSON: %v", err)
	}
	if v["name"] != "Paris" || v["population"].(float64) < 1 {
		t.Errorf("content = %v", v)
	}
}

// A session recorded from the default answers must look like one recorded
// from Groq: the same key paths as the real responses to the same requests.
func TestDefaultAnswersLookReal(t *testing.T) {
	tests := []struct {
		name    string
		request string
		real    string
		skip    []string
	}{
		{"tool call", "testdata/real/request_tools.json", "testdata/real/error_tool_use_failed.json", nil},
		{"after a tool result", "testdata/real/request_tool_result.json", "testdata/real/completion_tool_call.json", nil},
		{"text", "testdata/real/request_text.json", "testdata/real/completion_text.json",
			[]string{"usage_breakdown.models", "x_groq.seed", "service_tier"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := defaultServer(t)
			resp, body := mustPost(t, g, readFile(t, tt.request))
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if tt.name == "tool call" {
				// Groq refused this model's call; the fake calls the tool
				// properly, so compare with the successful call instead.
				tt.real = "testdata/real/completion_tool_call.json"
			}
			want := without(keyPaths(t, readFile(t, tt.real)), tt.skip)
			got := without(keyPaths(t, body), tt.skip)
			if tt.name == "after a tool result" {
				// The real model called the tool again; the fake answers in
				// text: the same shape with content in place of tool_calls.
				want = append(without(want, []string{"choices[].message.tool_calls"}), "choices[].message.content")
				sort.Strings(want)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("key paths (-real +fake):\n%s", diff)
			}
		})
	}
}

func TestDefaultPacing(t *testing.T) {
	clock := fakeclock.NewInstant(t0)
	g := fakes.NewGroq(t, fakes.WithDefaultAnswers(), fakes.WithClock(clock), fakes.WithPacing())
	_, body := mustPost(t, g, chatBody("What is the capital of France?", true))
	data := sseData(t, body)
	var last groqwire.ChatCompletionChunk
	if err := json.Unmarshal([]byte(data[len(data)-2]), &last); err != nil {
		t.Fatal(err)
	}
	u := last.XGroq.Usage
	slept := clock.Slept()
	if len(slept) != len(data) {
		t.Fatalf("slept %d times for %d events", len(slept), len(data))
	}
	ttft := time.Duration((u.QueueTime + u.PromptTime) * float64(time.Second))
	if slept[0] != ttft || slept[1] <= 0 {
		t.Errorf("first wait %v, want queue+prompt time %v; then %v", slept[0], ttft, slept[1])
	}
	var total time.Duration
	for _, d := range slept[1:] {
		total += d
	}
	want := time.Duration(u.CompletionTime * float64(time.Second))
	if diff := total - want; diff < -time.Microsecond*time.Duration(len(slept)) || diff > 0 {
		t.Errorf("waits after the first sum to %v, want about the completion time %v", total, want)
	}
}
