package groq

import (
	"reflect"

	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/llm"
)

// Settings are llm.Settings plus Groq's own fields. Pass a *Settings
// wherever an llm.ModelSettings is taken.
type Settings struct {
	llm.Settings
	// ReasoningFormat is "hidden", "raw" or "parsed"; it wins over the
	// format derived from Thinking.
	ReasoningFormat string
	// ReasoningEffort is "none", "default", "low", "medium" or "high"; it
	// wins over the effort derived from Thinking.
	ReasoningEffort string
	// ServiceTier is "auto", "on_demand", "flex" or "performance".
	ServiceTier string
	// SearchSettings restrict Groq's built-in web search; a WebSearchTool's
	// domains are added to them.
	SearchSettings *SearchSettings
	// User identifies the end user to Groq.
	User string

	// The rest are sent as the groq-python parameter of the same name
	// (completion_create_params.py) when set.

	// MaxCompletionTokens is max_completion_tokens (Groq's replacement
	// for max_tokens, which Settings.MaxTokens sends).
	MaxCompletionTokens *int
	// IncludeReasoning is include_reasoning; Groq takes it or
	// reasoning_format, not both: with a ReasoningFormat, or a Thinking that
	// sets one, it is a UserError.
	IncludeReasoning *bool
	// Documents are documents the model may cite.
	Documents []Document
	// CitationOptions is "enabled" or "disabled".
	CitationOptions string
	// CompoundCustom configures a compound system's models and tools.
	CompoundCustom *CompoundCustom
	// DisableToolValidation lets the model call tools not in the request.
	DisableToolValidation *bool
	// Logprobs asks for the log probabilities of the output tokens;
	// TopLogprobs (0 to 20, with Logprobs) for the likeliest alternatives.
	Logprobs    *bool
	TopLogprobs *int
	// Metadata is attached to the request.
	Metadata map[string]string
	// Store asks Groq to store the completion.
	Store *bool
	// Stop is stop as one string; Settings.StopSequences sends a list. Not
	// both.
	Stop string
	// IncludeDomains and ExcludeDomains are the top-level domain filters
	// (deprecated by Groq for SearchSettings' own).
	IncludeDomains []string
	ExcludeDomains []string
}

// The types a Settings field holds are part of Groq's request body, so
// they are declared with the other wire types (internal/groqwire) and named
// here by aliases: these are the only wire types a user builds.

// Document is a document the model may cite (groq-python's Document), for
// Settings.Documents.
type Document = groqwire.Document

// DocumentSource is a document's content: Type "text" with Text, or Type
// "json" with Data. Any other Type fails when the request is encoded.
type DocumentSource = groqwire.DocumentSource

// CompoundCustom configures a compound system's models and tools, for
// Settings.CompoundCustom.
type CompoundCustom = groqwire.CompoundCustom

// CompoundCustomModels names the models a compound system uses.
type CompoundCustomModels = groqwire.CompoundCustomModels

// CompoundCustomTools picks a compound system's tools.
type CompoundCustomTools = groqwire.CompoundCustomTools

// WolframSettings holds the Wolfram Alpha credential (a secret: it is sent
// in the request body).
type WolframSettings = groqwire.WolframSettings

// SearchSettings restrict Groq's built-in web search (compound models), for
// Settings.SearchSettings.
type SearchSettings = groqwire.SearchSettings

// mergeSettings combines the model's default settings with a request's:
// fields the request sets win.
func mergeSettings(base *Settings, override llm.ModelSettings) *Settings {
	var out Settings
	if base != nil {
		out = *base
	}
	if g, ok := override.(*Settings); ok && g == nil {
		override = nil // a typed nil would panic in CommonSettings
	}
	var common *llm.Settings
	if override != nil {
		common = override.CommonSettings()
	}
	var baseCommon *llm.Settings
	if base != nil {
		baseCommon = &base.Settings
	}
	out.Settings = *provider.MergeSettings(baseCommon, common)
	if g, ok := override.(*Settings); ok {
		if g.ReasoningFormat != "" {
			out.ReasoningFormat = g.ReasoningFormat
		}
		if g.ReasoningEffort != "" {
			out.ReasoningEffort = g.ReasoningEffort
		}
		if g.ServiceTier != "" {
			out.ServiceTier = g.ServiceTier
		}
		if g.SearchSettings != nil {
			s := *g.SearchSettings
			out.SearchSettings = &s
		}
		if g.User != "" {
			out.User = g.User
		}
		provider.SetIf(&out.MaxCompletionTokens, g.MaxCompletionTokens)
		provider.SetIf(&out.IncludeReasoning, g.IncludeReasoning)
		provider.SetIf(&out.CompoundCustom, g.CompoundCustom)
		provider.SetIf(&out.DisableToolValidation, g.DisableToolValidation)
		provider.SetIf(&out.Logprobs, g.Logprobs)
		provider.SetIf(&out.TopLogprobs, g.TopLogprobs)
		provider.SetIf(&out.Store, g.Store)
		if g.Documents != nil {
			out.Documents = g.Documents
		}
		if g.CitationOptions != "" {
			out.CitationOptions = g.CitationOptions
		}
		if g.Metadata != nil {
			out.Metadata = g.Metadata
		}
		if g.Stop != "" {
			out.Stop = g.Stop
		}
		if g.IncludeDomains != nil {
			out.IncludeDomains = g.IncludeDomains
		}
		if g.ExcludeDomains != nil {
			out.ExcludeDomains = g.ExcludeDomains
		}
	}
	return &out
}

// BrowserSearchTool is Groq's browser_search tool (the gpt-oss models
// browse the web themselves), sent as {"type": "browser_search"}. Put it in
// llm.RequestParams.NativeTools. pydantic-ai has no counterpart: its
// WebSearchTool maps only to the compound models' search settings, as
// llm.WebSearchTool does here.
type BrowserSearchTool struct{}

// NativeToolKind returns "browser_search".
func (*BrowserSearchTool) NativeToolKind() string { return "browser_search" }

// CodeInterpreterTool is Groq's code_interpreter tool (the gpt-oss models
// run Python themselves), sent as {"type": "code_interpreter"}. Put it in
// llm.RequestParams.NativeTools; llm.CodeExecutionTool is refused, as
// pydantic-ai's GroqModel refuses it.
type CodeInterpreterTool struct{}

// NativeToolKind returns "code_interpreter".
func (*CodeInterpreterTool) NativeToolKind() string { return "code_interpreter" }

// groqTool is a native tool sent as a tool of its own type.
type groqTool interface{ groqToolType() string }

func (*BrowserSearchTool) groqToolType() string   { return "browser_search" }
func (*CodeInterpreterTool) groqToolType() string { return "code_interpreter" }

// isNilTool reports a nil native tool, typed or not: it is skipped, as a
// typed nil of Groq's own tools always was.
func isNilTool(t llm.NativeTool) bool {
	if t == nil {
		return true
	}
	v := reflect.ValueOf(t)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
