package groq

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/llm"
)

func TestNewModel(t *testing.T) {
	t.Run("no key and no transport names GROQ_API_KEY", func(t *testing.T) {
		t.Setenv("GROQ_API_KEY", "")
		_, err := NewModel("llama-3.3-70b-versatile")
		var ue *llm.UserError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "GROQ_API_KEY") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("key from the environment, default base URL", func(t *testing.T) {
		t.Setenv("GROQ_API_KEY", "gsk_from_env")
		t.Setenv("GROQ_BASE_URL", "")
		m, err := NewModel("llama-3.3-70b-versatile")
		if err != nil {
			t.Fatal(err)
		}
		if m.apiKey != "gsk_from_env" || m.BaseURL() != "https://api.groq.com" || m.Name() != "llama-3.3-70b-versatile" || m.System() != "groq" {
			t.Errorf("model = %q %q %q", m.BaseURL(), m.Name(), m.System())
		}
	})
	t.Run("base URL from the environment", func(t *testing.T) {
		t.Setenv("GROQ_BASE_URL", "https://custom.groq.com/v1/")
		m, err := NewModel("llama3-8b-8192", WithAPIKey("foobar"))
		if err != nil {
			t.Fatal(err)
		}
		if m.BaseURL() != "https://custom.groq.com/v1" {
			t.Errorf("BaseURL = %q", m.BaseURL())
		}
	})
	t.Run("a transport needs no key", func(t *testing.T) {
		t.Setenv("GROQ_API_KEY", "")
		s := newScriptServer(t, reply{body: okBody})
		m, err := NewModel("llama-3.3-70b-versatile", WithTransport(http.DefaultTransport), WithBaseURL(s.URL))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Request(context.Background(), hello(), nil, nil); err != nil {
			t.Fatal(err)
		}
		if h := s.headers[0].Get("Authorization"); h != "" {
			t.Errorf("Authorization sent without a key: %q", h)
		}
	})
	t.Run("an HTTP client needs no key", func(t *testing.T) {
		t.Setenv("GROQ_API_KEY", "")
		if _, err := NewModel("m", WithHTTPClient(&http.Client{})); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("empty name", func(t *testing.T) {
		if _, err := NewModel(" ", WithAPIKey("k")); err == nil {
			t.Fatal("no error for an empty model name")
		}
	})
}

// TestRequestSimpleSuccess is pydantic-ai's test_request_simple_success
// and test_request_simple_usage: metadata of each response, and history
// sent back on the second request.
func TestRequestSimpleSuccess(t *testing.T) {
	s := newScriptServer(t, reply{body: okBody})
	m, clock := testModel(t, s.URL)
	msgs := hello()
	r, err := m.Request(context.Background(), msgs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := &llm.Response{
		Parts:              []llm.ResponsePart{&llm.TextPart{Content: "world"}},
		ModelName:          "llama-3.3-70b-versatile-123",
		ProviderTimestamp:  time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		ProviderName:       "groq",
		ProviderURL:        s.URL,
		ProviderResponseID: "123",
		FinishReason:       llm.FinishStop,
		RawFinishReason:    "stop",
		Usage:              llm.Usage{Requests: 1, InputTokens: 2, OutputTokens: 1},
		ProviderDetails:    map[string]any{"finish_reason": "stop"},
	}
	want.Timestamp = clock.Now() // the local timestamp comes from the model's clock
	assert.Response(t, want, r, assert.CompareTimestamps())
	msgs = append(msgs, r, llm.NewRequest(llm.User("hello again")))
	if _, err := m.Request(context.Background(), msgs, nil, nil); err != nil {
		t.Fatal(err)
	}
	assert.RequestJSON(t, `{"model":"llama-3.3-70b-versatile","n":1,"stream":false,"messages":[
		{"role":"user","content":"hello"},{"role":"assistant","content":"world"},{"role":"user","content":"hello again"}]}`, s.bodies[1])
}

// TestRequestStructuredResponse is pydantic-ai's
// test_request_structured_response: tool-call args stay the raw string.
func TestRequestStructuredResponse(t *testing.T) {
	body := `{"id":"123","object":"chat.completion","created":1704067200,"model":"llama-3.3-70b-versatile-123","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":[{"id":"123","type":"function","function":{"name":"final_result","arguments":"{\"response\": [1, 2, 123]}"}}]}}]}`
	s := newScriptServer(t, reply{body: body})
	m, _ := testModel(t, s.URL)
	r, err := m.Request(context.Background(), hello(), nil, &llm.RequestParams{OutputTools: []llm.ToolDefinition{{Name: "final_result", Kind: llm.ToolKindOutput}}, DenyTextOutput: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []llm.ResponsePart{&llm.ToolCallPart{ToolName: "final_result", Args: `{"response": [1, 2, 123]}`, ToolCallID: "123"}}
	if diff := cmp.Diff(want, r.Parts); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	if r.FinishReason != llm.FinishToolCall || r.RawFinishReason != "tool_calls" {
		t.Errorf("finish = %q %q", r.FinishReason, r.RawFinishReason)
	}
	if !strings.Contains(s.bodies[0], `"tool_choice":"required"`) {
		t.Errorf("tool_choice not required without text output: %s", s.bodies[0])
	}
}

// TestRequestToolCallConversation is pydantic-ai's test_request_tool_call:
// a system prompt, a tool call retried with feedback, a tool return, the
// final answer; usage of each response.
func TestRequestToolCallConversation(t *testing.T) {
	call := func(args, usage string) string {
		return `{"id":"123","created":1704067200,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","tool_calls":[{"id":"1","type":"function","function":{"name":"get_location","arguments":"` + args + `"}}]}}],"usage":` + usage + `}`
	}
	final := `{"id":"123","created":1704067200,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"final response"}}]}`
	s := newScriptServer(t,
		reply{body: call(`{\"loc_name\": \"San Fransisco\"}`, `{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3}`)},
		reply{body: call(`{\"loc_name\": \"London\"}`, `{"prompt_tokens":3,"completion_tokens":2,"total_tokens":6}`)},
		reply{body: final})
	m, _ := testModel(t, s.URL)
	params := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{Name: "get_location", Parameters: []byte(`{"type":"object","properties":{"loc_name":{"type":"string"}}}`)}}}
	msgs := []llm.Message{llm.NewRequest(llm.System("this is the system prompt"), llm.User("Hello"))}
	r1, err := m.Request(context.Background(), msgs, nil, params)
	if err != nil {
		t.Fatal(err)
	}
	checkUsage(t, r1.Usage, 2, 1, 0, 0)
	msgs = append(msgs, r1, llm.NewRequest(llm.RetryTool("get_location", "1", "Wrong location, please try again")))
	r2, err := m.Request(context.Background(), msgs, nil, params)
	if err != nil {
		t.Fatal(err)
	}
	checkUsage(t, r2.Usage, 3, 2, 0, 0)
	msgs = append(msgs, r2, llm.NewRequest(llm.ToolReturn("get_location", "1", `{"lat": 51, "lng": 0}`)))
	r3, err := m.Request(context.Background(), msgs, nil, params)
	if err != nil {
		t.Fatal(err)
	}
	if r3.Text() != "final response" || r3.Usage.InputTokens != 0 {
		t.Errorf("final = %q usage %+v", r3.Text(), r3.Usage)
	}
	want := `{"model":"llama-3.3-70b-versatile","n":1,"stream":false,"tool_choice":"auto",
	"tools":[{"type":"function","function":{"name":"get_location","description":"","parameters":{"type":"object","properties":{"loc_name":{"type":"string"}}}}}],
	"messages":[
		{"role":"system","content":"this is the system prompt"},
		{"role":"user","content":"Hello"},
		{"role":"assistant","tool_calls":[{"id":"1","type":"function","function":{"name":"get_location","arguments":"{\"loc_name\": \"San Fransisco\"}"}}]},
		{"role":"tool","tool_call_id":"1","content":"Wrong location, please try again\n\nFix the errors and try again."},
		{"role":"assistant","tool_calls":[{"id":"1","type":"function","function":{"name":"get_location","arguments":"{\"loc_name\": \"London\"}"}}]},
		{"role":"tool","tool_call_id":"1","content":"{\"lat\": 51, \"lng\": 0}"}]}`
	assert.RequestJSON(t, want, s.bodies[2])
}

// TestModelDefaultSettings checks WithSettings under per-request settings.
func TestModelDefaultSettings(t *testing.T) {
	s := newScriptServer(t, reply{body: okBody})
	m, _ := testModel(t, s.URL, WithSettings(&Settings{Settings: llm.Settings{Temperature: llm.Ptr(0.7), MaxTokens: llm.Ptr(100)}, ServiceTier: "flex"}))
	if _, err := m.Request(context.Background(), hello(), &llm.Settings{Temperature: llm.Ptr(0.0)}, nil); err != nil {
		t.Fatal(err)
	}
	body := decodeJSON(t, []byte(s.bodies[0])).(map[string]any)
	if body["temperature"] != 0.0 || body["max_tokens"] != 100.0 || body["service_tier"] != "flex" {
		t.Errorf("body = %v", body)
	}
}
