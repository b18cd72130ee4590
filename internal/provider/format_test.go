package provider_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/llm"
)

// The expected text is the tool message recorded by pydantic-ai against
// Groq in test_tool_use_failed_error.yaml (second request).
func TestRetryText(t *testing.T) {
	tests := []struct {
		name string
		part *llm.RetryPromptPart
		want string
	}{
		{
			name: "validation errors for a tool",
			part: llm.RetryErrors("get_something_by_name", "pyd_ai_1",
				llm.ValidationError{Type: "missing", Loc: []any{"name"}, Msg: "Field required",
					Input: json.RawMessage(`{"foo":"bar"}`), HasInput: true},
				llm.ValidationError{Type: "extra_forbidden", Loc: []any{"foo"}, Msg: "Extra inputs are not permitted",
					Input: "bar", HasInput: true},
			),
			want: "2 validation errors:\n```json\n[\n  {\n    \"type\": \"missing\",\n    \"loc\": [\n      \"name\"\n    ],\n" +
				"    \"msg\": \"Field required\",\n    \"input\": {\n      \"foo\": \"bar\"\n    }\n  },\n  {\n" +
				"    \"type\": \"extra_forbidden\",\n    \"loc\": [\n      \"foo\"\n    ],\n    \"msg\": \"Extra inputs are not permitted\",\n" +
				"    \"input\": \"bar\"\n  }\n]\n```\n\nFix the errors and try again.",
		},
		{
			name: "one error for text output drops a short-location input",
			part: llm.RetryErrors("", "", llm.ValidationError{Type: "json_invalid", Loc: []any{}, Msg: "Invalid JSON",
				Input: "maybe", HasInput: true}),
			want: "1 validation error:\n```json\n[\n  {\n    \"type\": \"json_invalid\",\n    \"loc\": [],\n    \"msg\": \"Invalid JSON\"\n  }\n]\n```\n\nFix the errors and try again.",
		},
		{
			name: "plain feedback for a tool",
			part: llm.RetryTool("get_location", "1", "Wrong location, please try again"),
			want: "Wrong location, please try again\n\nFix the errors and try again.",
		},
		{
			name: "plain feedback for text",
			part: llm.RetryText("Please answer yes or no"),
			want: "Validation feedback:\nPlease answer yes or no\n\nFix the errors and try again.",
		},
		{
			name: "html characters are not escaped",
			part: llm.RetryErrors("t", "", llm.ValidationError{Type: "x", Loc: []any{"a", 0}, Msg: "<&>"}),
			want: "1 validation error:\n```json\n[\n  {\n    \"type\": \"x\",\n    \"loc\": [\n      \"a\",\n      0\n    ],\n    \"msg\": \"<&>\"\n  }\n]\n```\n\nFix the errors and try again.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, provider.RetryText(tt.part)); diff != "" {
				t.Errorf("RetryText mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToolReturnContent(t *testing.T) {
	img := &llm.BinaryContent{Data: []byte("png bytes"), MediaType: "image/png", Identifier: "abc123"}
	tests := []struct {
		name      string
		content   any
		want      string
		wantFiles int
	}{
		{"string as is", `{"lat": 51, "lng": 0}`, `{"lat": 51, "lng": 0}`, 0},
		{"nil is empty", nil, "", 0},
		{"map as compact json", map[string]any{"lat": 51, "lng": 0}, `{"lat":51,"lng":0}`, 0},
		{"html not escaped", []string{"<b>"}, `["<b>"]`, 0},
		{"file referenced", img, "See file abc123.", 2},
		{"mixed list", []any{"caption", img}, "caption\nSee file abc123.", 2},
		{"typed list of content", []llm.UserContent{llm.Text("caption"), img}, "caption\nSee file abc123.", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, files := provider.ToolReturnContent(llm.ToolReturn("f", "1", tt.content))
			if got != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
			if len(files) != tt.wantFiles {
				t.Fatalf("files = %d, want %d", len(files), tt.wantFiles)
			}
			if tt.wantFiles > 0 && files[0] != llm.Text("This is file abc123:") {
				t.Errorf("files[0] = %v", files[0])
			}
		})
	}
}

func TestFailedToolReturn(t *testing.T) {
	img := &llm.BinaryContent{Data: []byte("png bytes"), MediaType: "image/png", Identifier: "abc123"}
	tests := []struct {
		name      string
		content   any
		want      string
		wantFiles int
	}{
		{"text", "boom", `{"error":"boom"}`, 0},
		{"value, as the text a success would send", map[string]any{"code": 7}, `{"error":"{\"code\":7}"}`, 0},
		{"a file is still sent", []any{"bad image", img}, `{"error":"bad image\nSee file abc123."}`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &llm.ToolReturnPart{ToolName: "f", ToolCallID: "1", Content: tt.content, Failed: true}
			got, files := provider.ToolReturnContent(p)
			if got != tt.want || len(files) != tt.wantFiles {
				t.Errorf("got %q with %d files, want %q with %d", got, len(files), tt.want, tt.wantFiles)
			}
		})
	}
}

func TestFileIDIsShortSHA1(t *testing.T) {
	got := provider.FileID(&llm.BinaryContent{Data: []byte("hello")})
	if got != "aaf4c6" { // sha1("hello") = aaf4c61d...
		t.Errorf("FileID = %q, want aaf4c6", got)
	}
}

func TestMergeSettings(t *testing.T) {
	headers := map[string]string{"X-A": "1"}
	base := &llm.Settings{Temperature: llm.Ptr(0.7), MaxTokens: llm.Ptr(100), ExtraHeaders: headers}
	over := &llm.Settings{Temperature: llm.Ptr(0.0), Seed: llm.Ptr(int64(0))}
	got := provider.MergeSettings(base, over)
	if *got.Temperature != 0 || *got.MaxTokens != 100 || *got.Seed != 0 {
		t.Errorf("Merge = temp %v max %v seed %v", *got.Temperature, *got.MaxTokens, *got.Seed)
	}
	got.ExtraHeaders["X-B"] = "2"
	if len(headers) != 1 {
		t.Errorf("Merge shares the caller's map: %v", headers)
	}
	if provider.MergeSettings(nil, nil) == nil {
		t.Error("Merge(nil, nil) = nil")
	}
}

// Moved from llm's TestResponseHelpers with RequestParams.Tools and AllowsText.
func TestToolsAndAllowsText(t *testing.T) {
	p := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{Name: "a"}, {Name: "hidden", Withheld: true}},
		OutputTools: []llm.ToolDefinition{{Name: "final_result"}}}
	var names []string
	for _, tool := range provider.Tools(p) {
		names = append(names, tool.Name)
	}
	if diff := cmp.Diff([]string{"a", "final_result"}, names); diff != "" {
		t.Errorf("Tools() (-want +got):\n%s", diff)
	}
	if !provider.AllowsText(nil) || provider.AllowsText(&llm.RequestParams{DenyTextOutput: true}) {
		t.Error("AllowsText wrong")
	}
}

func ExampleRetryText() {
	p := llm.RetryTool("get_location", "call_1", "Wrong location, please try again")
	fmt.Println(provider.RetryText(p))
	// Output:
	// Wrong location, please try again
	//
	// Fix the errors and try again.
}
