package groq

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/llmvcr/llmvcr/llm"
)

// browser_search and code_interpreter are sent as groq-python's
// ChatCompletionToolParam with only a type, after the function tools.
func TestGroqNativeTools(t *testing.T) {
	params := &llm.RequestParams{
		FunctionTools: []llm.ToolDefinition{{Name: "f"}},
		NativeTools:   []llm.NativeTool{&BrowserSearchTool{}, &CodeInterpreterTool{}},
	}
	req, err := wireRequest("openai/gpt-oss-120b", hello(), nil, params)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(req.Tools)
	if err != nil {
		t.Fatal(err)
	}
	jsonEq(t, `[{"type":"function","function":{"name":"f","description":"","parameters":{"type":"object","properties":{}}}},{"type":"browser_search"},{"type":"code_interpreter"}]`, b)
	if req.ToolChoice == nil || req.ToolChoice.Mode != "auto" {
		t.Errorf("tool_choice = %+v", req.ToolChoice)
	}

	// Alone: tools without a tool_choice, and no search settings.
	req, err = wireRequest("openai/gpt-oss-20b", hello(), nil, &llm.RequestParams{NativeTools: []llm.NativeTool{&BrowserSearchTool{}}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(req)
	var body map[string]json.RawMessage
	_ = json.Unmarshal(b, &body)
	jsonEq(t, `[{"type":"browser_search"}]`, body["tools"])
	if _, ok := body["tool_choice"]; ok || req.SearchSettings != nil {
		t.Errorf("tool_choice %s, search settings %+v", body["tool_choice"], req.SearchSettings)
	}

	// A typed nil is skipped; pydantic-ai's refusals stand.
	req, err = wireRequest("openai/gpt-oss-20b", hello(), nil, &llm.RequestParams{NativeTools: []llm.NativeTool{(*CodeInterpreterTool)(nil)}})
	if err != nil || len(req.Tools) != 0 {
		t.Errorf("typed nil: err %v tools %+v", err, req.Tools)
	}
	for _, nt := range []llm.NativeTool{&llm.CodeExecutionTool{}, &llm.WebSearchTool{}} {
		_, err := wireRequest("openai/gpt-oss-120b", hello(), nil, &llm.RequestParams{NativeTools: []llm.NativeTool{nt}})
		var ue *llm.UserError
		if !errors.As(err, &ue) {
			t.Errorf("%s on gpt-oss: err %v, want pydantic-ai's UserError", nt.NativeToolKind(), err)
		}
	}
}
