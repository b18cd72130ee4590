package groq

import "github.com/llmvcr/llmvcr/llm"

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
}

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
	out.Settings = *llm.Merge(baseCommon, common)
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
	}
	return &out
}
