package groqwire

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A response body recorded from Groq (pydantic-ai's
// test_groq_model_instructions.yaml) plus an invented unknown field.
const recordedCompletion = `{"choices":[{"finish_reason":"stop","index":0,"logprobs":null,"message":{"content":"The capital of France is Paris.","role":"assistant","future_field":[1]}}],"created":1744043573,"id":"chatcmpl-7586b6a9-fb4b-4ec7-86a0-59f0a77844cf","model":"llama-3.3-70b-versatile","object":"chat.completion","system_fingerprint":"fp_72a5dc99ee","usage":{"completion_time":0.029090909,"completion_tokens":8,"prompt_time":0.002665957,"prompt_tokens":48,"queue_time":0.100731848,"total_time":0.031756866,"total_tokens":56},"usage_breakdown":{"models":null},"x_groq":{"id":"req_01jr8hj0hzeq9b86xqb5dn7wqs"},"brand_new":{"a":true}}`

func TestChatCompletionKeepsUnknownFields(t *testing.T) {
	var c ChatCompletion
	if err := json.Unmarshal([]byte(recordedCompletion), &c); err != nil {
		t.Fatal(err)
	}
	if c.Usage == nil || c.Usage.PromptTokens != 48 || c.Usage.QueueTime != 0.100731848 {
		t.Errorf("usage = %+v", c.Usage)
	}
	if c.XGroq == nil || c.XGroq.ID != "req_01jr8hj0hzeq9b86xqb5dn7wqs" {
		t.Errorf("x_groq = %+v", c.XGroq)
	}
	if string(c.Extra["brand_new"]) != `{"a":true}` {
		t.Errorf("top-level unknown field lost: %v", c.Extra)
	}
	if string(c.Choices[0].Message.Extra["future_field"]) != `[1]` {
		t.Errorf("message unknown field lost: %v", c.Choices[0].Message.Extra)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	_ = json.Unmarshal([]byte(recordedCompletion), &want)
	_ = json.Unmarshal(out, &got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip lost data (-want +got):\n%s", diff)
	}
}

func TestRequestMarshal(t *testing.T) {
	zero := 0.0
	seed := int64(0)
	n := 1
	req := ChatCompletionRequest{
		Model: "m", N: &n, Temperature: &zero, Seed: &seed,
		Messages: []ChatMessage{
			{Role: "user", Content: &MessageContent{Text: "hi"}},
			{Role: "user", Content: &MessageContent{Parts: []ContentPart{{Type: "image_url", ImageURL: &ImageURLPart{URL: "https://x/y.png", Detail: "low"}}}}},
			{Role: "assistant", ToolCalls: []ToolCall{{ID: "c1", Type: "function", Function: FunctionCall{Name: "f", Arguments: "{}"}}}},
		},
		ToolChoice: &ToolChoice{Function: "f"},
		Extra:      map[string]any{"reasoning_effort": "high", "stream": true},
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"model": "m", "n": 1.0, "temperature": 0.0, "seed": 0.0, "stream": true, "reasoning_effort": "high",
		"messages": []any{
			map[string]any{"role": "user", "content": "hi"},
			map[string]any{"role": "user", "content": []any{map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://x/y.png", "detail": "low"}}}},
			map[string]any{"role": "assistant", "tool_calls": []any{map[string]any{"id": "c1", "type": "function", "function": map[string]any{"name": "f", "arguments": "{}"}}}},
		},
		"tool_choice": map[string]any{"type": "function", "function": map[string]any{"name": "f"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request JSON (-want +got):\n%s", diff)
	}
}

func TestErrorObjectShapes(t *testing.T) {
	tests := []struct {
		name string
		body string
		want ErrorObject
	}{
		{"bare string", `{"error":"test error"}`, ErrorObject{Message: "test error"}},
		{"numeric code", `{"error":{"message":"m","code":429}}`, ErrorObject{Message: "m", Code: "429"}},
		{"tool_use_failed", `{"error":{"message":"m","type":"invalid_request_error","code":"tool_use_failed","failed_generation":"maybe"}}`,
			ErrorObject{Message: "m", Type: "invalid_request_error", Code: "tool_use_failed", FailedGeneration: testPtr("maybe")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r ErrorResponse
			if err := json.Unmarshal([]byte(tt.body), &r); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, r.Error); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func testPtr[T any](v T) *T { return &v }
