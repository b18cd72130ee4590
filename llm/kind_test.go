package llm_test

import (
	"testing"

	"github.com/llmvcr/llmvcr/llm"
)

// TestKind checks the kind of every message, part, content, event, delta
// and native tool, in pydantic-ai's spelling, and "" for anything else.
func TestKind(t *testing.T) {
	cases := []struct {
		v    any
		want string
	}{
		{&llm.Request{}, "request"},
		{&llm.Response{}, "response"},
		{&llm.SystemPromptPart{}, "system-prompt"},
		{&llm.UserPromptPart{}, "user-prompt"},
		{&llm.ToolReturnPart{}, "tool-return"},
		{&llm.RetryPromptPart{}, "retry-prompt"},
		{&llm.TextPart{}, "text"},
		{&llm.ToolCallPart{}, "tool-call"},
		{&llm.ThinkingPart{}, "thinking"},
		{&llm.BuiltinToolCallPart{}, "builtin-tool-call"},
		{&llm.BuiltinToolReturnPart{}, "builtin-tool-return"},
		{(*llm.TextPart)(nil), "text"},
		{llm.Text("hi"), "text"},
		{&llm.ImageURL{}, "image-url"},
		{&llm.BinaryContent{}, "binary"},
		{&llm.DocumentURL{}, "document-url"},
		{&llm.AudioURL{}, "audio-url"},
		{&llm.VideoURL{}, "video-url"},
		{&llm.UploadedFile{}, "uploaded-file"},
		{llm.PartStartEvent{}, "part_start"},
		{llm.PartDeltaEvent{}, "part_delta"},
		{llm.PartEndEvent{}, "part_end"},
		{llm.TextPartDelta{}, "text"},
		{llm.ThinkingPartDelta{}, "thinking"},
		{llm.ToolCallPartDelta{}, "tool_call"},
		{&llm.WebSearchTool{}, "web_search"},
		{&llm.CodeExecutionTool{}, "code_execution"},
		{nil, ""},
		{"text", ""},
		{llm.TextPart{}, ""}, // the part is the pointer
		{llm.Usage{}, ""},
	}
	for _, c := range cases {
		if got := llm.Kind(c.v); got != c.want {
			t.Errorf("Kind(%T) = %q, want %q", c.v, got, c.want)
		}
	}
}
