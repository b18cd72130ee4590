package groq

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/llmvcr/llmvcr/llm"
)

// The JSON output traits of pydantic-ai's family profiles, as
// GroqProvider.model_profile picks them (providers/groq.py, commit
// 4fda38988f29): supports_json_object_output decides whether prompted output
// without tools sends {"type": "json_object"}, supports_json_schema_output
// whether native output is allowed at all (models/__init__.py:664 raises
// UserError('Native structured output is not supported by this model.')).
func TestJSONOutputFollowsTheFamilyProfiles(t *testing.T) {
	schema := json.RawMessage(`{"type":"object","properties":{"a":{"type":"string"}}}`)
	cases := []struct {
		model string
		json  bool
	}{
		{"openai/gpt-oss-120b", true},              // profiles/openai.py
		{"moonshotai/kimi-k2-instruct-0905", true}, // groq_moonshotai_model_profile
		{"meta-llama/llama-4-scout-17b-16e-instruct", true},
		{"meta-llama/llama-4-maverick-17b-128e-instruct", true},
		{"Meta-Llama/Llama-4-Scout-17B-16E-Instruct", true},     // the provider lower-cases the name
		{"meta-llama/llama-4-scout-17b-16e-instruct-v2", false}, // meta_groq_model_profile compares the family exactly
		{"meta-llama/llama-guard-4-12b", false},                 // meta_model_profile
		{"llama-3.3-70b-versatile", false},                      // "llama": meta_model_profile
		{"gemma2-9b-it", true},                                  // google_model_profile: not an image model
		{"gemma-3-image-preview", false},                        // ... unless "image" is in the name
		{"qwen/qwen3.5-27b", true},                              // qwen_model_profile: _QWEN_3_5_RE
		{"qwen-3.5-plus", true},                                 // the regex is searched, "qwen-?3[.-]5"
		{"qwen/qwen3-32b", false},                               // other qwen models
		{"qwen/qwen3.6-27b", false},                             // (groq-python 1.6.0 lists it)
		{"qwen-3-coder-3.5", false},                             // qwen-3-coder is checked first
		{"deepseek-r1-distill-llama-70b", false},                // deepseek_model_profile
		{"compound-beta", false},                                // groq_model_profile
		{"groq/compound", false},                                // no family prefix
		{"mistral-saba-24b", false},                             // mistral_model_profile
	}
	for _, c := range cases {
		t.Run(c.model, func(t *testing.T) {
			prompted := &llm.RequestParams{OutputMode: llm.OutputPrompted, OutputObject: &llm.OutputObject{JSONSchema: schema}}
			body, err := BuildRequest(c.model, hello(), nil, prompted)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				ResponseFormat *struct {
					Type string `json:"type"`
				} `json:"response_format"`
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if (got.ResponseFormat != nil && got.ResponseFormat.Type == "json_object") != c.json {
				t.Errorf("prompted output: response_format %+v, want json_object %v", got.ResponseFormat, c.json)
			}

			native := &llm.RequestParams{OutputMode: llm.OutputNative, OutputObject: &llm.OutputObject{JSONSchema: schema}}
			_, err = BuildRequest(c.model, hello(), nil, native)
			var ue *llm.UserError
			switch {
			case c.json && err != nil:
				t.Errorf("native output refused: %v", err)
			case !c.json && !errors.As(err, &ue):
				t.Errorf("native output: err %v, want a UserError", err)
			case !c.json && ue.Message != "Native structured output is not supported by this model.":
				t.Errorf("native output: message %q", ue.Message)
			}
		})
	}
}

// groq_always_has_web_search_builtin_tool is read from the lower-cased
// name (providers/groq.py lower-cases it before groq_model_profile), so a
// WebSearchTool is taken by "Groq/Compound" as by "groq/compound".
func TestWebSearchProfileReadsTheLowerCasedName(t *testing.T) {
	ws := &llm.RequestParams{NativeTools: []llm.NativeTool{&llm.WebSearchTool{AllowedDomains: []string{"a.example"}}}}
	for _, model := range []string{"groq/compound", "Groq/Compound", "COMPOUND-beta", "compound-beta-mini"} {
		if _, err := BuildRequest(model, hello(), nil, ws); err != nil {
			t.Errorf("%s: %v", model, err)
		}
	}
	if _, err := BuildRequest("llama-3.3-70b-versatile", hello(), nil, ws); err == nil {
		t.Error("a model without built-in web search took WebSearchTool")
	}
}
