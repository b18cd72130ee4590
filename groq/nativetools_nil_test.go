package groq

import (
	"testing"

	"github.com/llmvcr/llmvcr/llm"
)

// A nil native tool, typed or not, is skipped (as a typed nil of Groq's
// own tools always was), never a panic.
func TestNilNativeToolsAreSkipped(t *testing.T) {
	for _, nt := range []llm.NativeTool{nil, (*llm.WebSearchTool)(nil), (*MCPServerTool)(nil), (*BrowserSearchTool)(nil), (*CodeInterpreterTool)(nil), (*llm.CodeExecutionTool)(nil)} {
		body, err := BuildRequest("groq/compound", hello(), nil, &llm.RequestParams{NativeTools: []llm.NativeTool{nt}})
		if err != nil {
			t.Errorf("%T: %v", nt, err)
			continue
		}
		w := keysOf(t, body)
		if _, ok := w["tools"]; ok {
			t.Errorf("%T: tools sent %s", nt, w["tools"])
		}
	}
}

// pydantic-ai keeps one native tool per unique_id, the last given
// (models/__init__.py prepare_request), so of two WebSearchTools only the
// last one's domains reach search_settings.
func TestLastWebSearchToolWins(t *testing.T) {
	params := &llm.RequestParams{NativeTools: []llm.NativeTool{
		&llm.WebSearchTool{AllowedDomains: []string{"first.example"}},
		&llm.WebSearchTool{AllowedDomains: []string{"last.example"}, BlockedDomains: []string{"no.example"}},
	}}
	body, err := BuildRequest("groq/compound", hello(), nil, params)
	if err != nil {
		t.Fatal(err)
	}
	jsonEq(t, `{"include_domains":["last.example"],"exclude_domains":["no.example"]}`, keysOf(t, body)["search_settings"])
	// Without domains the last one sends nothing, whatever came before.
	params.NativeTools = append(params.NativeTools, &llm.WebSearchTool{})
	body, _ = BuildRequest("groq/compound", hello(), nil, params)
	if raw, ok := keysOf(t, body)["search_settings"]; ok {
		t.Errorf("search_settings %s", raw)
	}
}
