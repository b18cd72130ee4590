package provider_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/llm"
)

// The cases follow pydantic-ai's resolve_tool_choice rules and its
// tests/models/test_tool_choice_matrix.py (auto, none, required,
// list_single, none_with_output, tools_plus_output).
func TestResolveToolChoice(t *testing.T) {
	fn := []llm.ToolDefinition{{Name: "get_weather"}, {Name: "get_time"}, {Name: "hidden", Withheld: true}}
	out := []llm.ToolDefinition{{Name: "final_result", Kind: llm.ToolKindOutput}}
	choice := func(mode llm.ToolChoiceMode, names ...string) *llm.Settings {
		return &llm.Settings{ToolChoice: &llm.ToolChoice{Mode: mode, Names: names}}
	}
	tests := []struct {
		name     string
		settings *llm.Settings
		params   *llm.RequestParams
		want     provider.ResolvedToolChoice
		wantErr  string
	}{
		{"unset with text allowed", nil, &llm.RequestParams{FunctionTools: fn}, provider.ResolvedToolChoice{Mode: "auto"}, ""},
		{"unset without text", nil, &llm.RequestParams{FunctionTools: fn, OutputTools: out, DenyTextOutput: true}, provider.ResolvedToolChoice{Mode: "required"}, ""},
		{"auto", choice("auto"), &llm.RequestParams{FunctionTools: fn}, provider.ResolvedToolChoice{Mode: "auto"}, ""},
		{"none", choice("none"), &llm.RequestParams{FunctionTools: fn}, provider.ResolvedToolChoice{Mode: "none"}, ""},
		{"empty list is none", choice("tools"), &llm.RequestParams{FunctionTools: fn}, provider.ResolvedToolChoice{Mode: "none"}, ""},
		{"none with output tools and text", choice("none"), &llm.RequestParams{FunctionTools: fn, OutputTools: out},
			provider.ResolvedToolChoice{Mode: "auto", Names: []string{"final_result"}}, ""},
		{"none with output tools, no text", choice("none"), &llm.RequestParams{FunctionTools: fn, OutputTools: out, DenyTextOutput: true},
			provider.ResolvedToolChoice{Mode: "required", Names: []string{"final_result"}}, ""},
		{"none with only output tools, no text", choice("none"), &llm.RequestParams{OutputTools: out, DenyTextOutput: true},
			provider.ResolvedToolChoice{Mode: "required"}, ""},
		{"none with nothing allowed", choice("none"), &llm.RequestParams{DenyTextOutput: true}, provider.ResolvedToolChoice{}, "no output tools"},
		{"required", choice("required"), &llm.RequestParams{FunctionTools: fn}, provider.ResolvedToolChoice{Mode: "required"}, ""},
		{"required without function tools", choice("required"), &llm.RequestParams{OutputTools: out}, provider.ResolvedToolChoice{}, `"required", but no function tools`},
		{"required with only withheld tools", choice("required"), &llm.RequestParams{FunctionTools: fn[2:]}, provider.ResolvedToolChoice{}, "no function tools"},
		{"one tool", choice("tools", "get_weather"), &llm.RequestParams{FunctionTools: fn},
			provider.ResolvedToolChoice{Mode: "required", Names: []string{"get_weather"}}, ""},
		{"all tools is plain required", choice("tools", "get_time", "get_weather", "get_time"), &llm.RequestParams{FunctionTools: fn},
			provider.ResolvedToolChoice{Mode: "required"}, ""},
		{"unknown tool", choice("tools", "nope"), &llm.RequestParams{FunctionTools: fn}, provider.ResolvedToolChoice{}, "invalid tool names in tool_choice: nope"},
		{"unknown names beside known ones are kept", choice("tools", "get_weather", "nope"), &llm.RequestParams{FunctionTools: fn},
			provider.ResolvedToolChoice{Mode: "required", Names: []string{"get_weather", "nope"}}, ""},
		{"tools or output", choice("tools_or_output", "get_time"), &llm.RequestParams{FunctionTools: fn, OutputTools: out},
			provider.ResolvedToolChoice{Mode: "auto", Names: []string{"get_time", "final_result"}}, ""},
		{"tools or output, no text", choice("tools_or_output", "get_time"), &llm.RequestParams{FunctionTools: fn, OutputTools: out, DenyTextOutput: true},
			provider.ResolvedToolChoice{Mode: "required", Names: []string{"get_time", "final_result"}}, ""},
		{"tools or output naming an output tool", choice("tools_or_output", "final_result"), &llm.RequestParams{FunctionTools: fn, OutputTools: out},
			provider.ResolvedToolChoice{}, "available function tools: get_weather, get_time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := provider.ResolveToolChoice(tt.settings, tt.params)
			if tt.wantErr != "" {
				var ue *llm.UserError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a *UserError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
