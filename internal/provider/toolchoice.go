package provider

import (
	"fmt"
	"github.com/llmvcr/llmvcr/llm"
	"slices"
	"strings"
)

// ResolvedToolChoice is a tool choice in the form a provider can send:
// a mode, and optionally the only tools that may be used.
type ResolvedToolChoice struct {
	Mode  llm.ToolChoiceMode // ToolChoiceNone, ToolChoiceAuto or ToolChoiceRequired
	Names []string           // when non-nil, only these tools are available, in this order
}

// ResolveToolChoice validates the tool choice of settings against the tools
// of params and normalises it, as pydantic-ai's resolve_tool_choice does:
//
//   - unset or auto: auto when text output is allowed, else required;
//   - none: none; but when output tools exist, those tools only, with auto
//     when text is allowed, else required;
//   - required: required; an error when no function tool is offered;
//   - tools: required, restricted to the named tools (plain required when
//     they are all the tools); an error when no name is known (unknown
//     names beside known ones are kept, as pydantic-ai keeps them with a
//     warning; a provider filtering its tools by name drops them);
//   - tools_or_output: the named function tools plus every output tool,
//     auto when text is allowed, else required.
//
// Withheld tools do not count as offered.
func ResolveToolChoice(settings *llm.Settings, params *llm.RequestParams) (ResolvedToolChoice, error) {
	var choice *llm.ToolChoice
	if settings != nil {
		choice = settings.ToolChoice
	}
	direct := AllowsText(params)
	autoOrRequired := llm.ToolChoiceRequired
	if direct {
		autoOrRequired = llm.ToolChoiceAuto
	}
	var functionNames, outputNames, allNames []string
	if params != nil {
		functionNames = visibleNames(params.FunctionTools)
		outputNames = visibleNames(params.OutputTools)
	}
	allNames = append(slices.Clone(functionNames), outputNames...)

	mode := llm.ToolChoiceAuto
	if choice != nil && choice.Mode != "" {
		mode = choice.Mode
	}
	if mode == llm.ToolChoiceTools && len(choice.Names) == 0 {
		mode = llm.ToolChoiceNone // pydantic-ai treats [] as 'none'
	}
	switch mode {
	case llm.ToolChoiceAuto:
		return ResolvedToolChoice{Mode: autoOrRequired}, nil
	case llm.ToolChoiceNone:
		switch {
		case len(outputNames) > 0 && (direct || len(functionNames) > 0):
			return ResolvedToolChoice{Mode: autoOrRequired, Names: outputNames}, nil
		case len(outputNames) > 0:
			return ResolvedToolChoice{Mode: llm.ToolChoiceRequired}, nil
		case direct:
			return ResolvedToolChoice{Mode: llm.ToolChoiceNone}, nil
		}
		return ResolvedToolChoice{}, &llm.UserError{Message: "tool_choice is none, but there are no output tools and text output is not allowed"}
	case llm.ToolChoiceRequired:
		if len(functionNames) == 0 {
			return ResolvedToolChoice{}, &llm.UserError{Message: `tool_choice was set to "required", but no function tools are defined; define function tools or change tool_choice to "auto" or "none"`}
		}
		return ResolvedToolChoice{Mode: llm.ToolChoiceRequired}, nil
	case llm.ToolChoiceTools:
		chosen := unique(choice.Names)
		if err := checkNames(chosen, allNames, "available tools"); err != nil {
			return ResolvedToolChoice{}, err
		}
		if sameSet(chosen, allNames) {
			return ResolvedToolChoice{Mode: llm.ToolChoiceRequired}, nil
		}
		return ResolvedToolChoice{Mode: llm.ToolChoiceRequired, Names: chosen}, nil
	case llm.ToolChoiceToolsOrOutput:
		chosen := unique(choice.Names)
		if len(chosen) == 0 {
			if len(outputNames) > 0 {
				return ResolvedToolChoice{Mode: autoOrRequired}, nil
			}
			return ResolvedToolChoice{Mode: llm.ToolChoiceNone}, nil
		}
		if err := checkNames(chosen, functionNames, "available function tools"); err != nil {
			return ResolvedToolChoice{}, err
		}
		allowed := append(chosen, outputNames...)
		if sameSet(allowed, allNames) {
			return ResolvedToolChoice{Mode: autoOrRequired}, nil
		}
		return ResolvedToolChoice{Mode: autoOrRequired, Names: allowed}, nil
	}
	return ResolvedToolChoice{}, &llm.UserError{Message: fmt.Sprintf("unknown tool_choice mode %q", mode)}
}

func visibleNames(tools []llm.ToolDefinition) []string {
	var out []string
	for _, t := range tools {
		if !t.Withheld {
			out = append(out, t.Name)
		}
	}
	return out
}

func unique(names []string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// checkNames fails when none of chosen is available.
func checkNames(chosen, available []string, label string) error {
	var invalid []string
	for _, n := range chosen {
		if !slices.Contains(available, n) {
			invalid = append(invalid, n)
		}
	}
	if len(invalid) < len(chosen) {
		return nil
	}
	have := "none"
	if len(available) > 0 {
		have = strings.Join(available, ", ")
	}
	return &llm.UserError{Message: fmt.Sprintf("invalid tool names in tool_choice: %s; %s: %s", strings.Join(invalid, ", "), label, have)}
}

func sameSet(a, b []string) bool {
	if len(unique(a)) != len(unique(b)) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
