package provider

import (
	"maps"
	"slices"
	"strings"

	"github.com/llmvcr/llmvcr/llm"
)

// MergeSettings returns a copy of base with every field that is set in override
// replacing base's. Either may be nil. Maps and slices are copied, so the
// result shares no storage with its inputs.
func MergeSettings(base, override *llm.Settings) *llm.Settings {
	var out llm.Settings
	if base != nil {
		out = *base
	}
	if o := override; o != nil {
		setIf(&out.MaxTokens, o.MaxTokens)
		setIf(&out.Temperature, o.Temperature)
		setIf(&out.TopP, o.TopP)
		setIf(&out.TopK, o.TopK)
		setIf(&out.Seed, o.Seed)
		setIf(&out.PresencePenalty, o.PresencePenalty)
		setIf(&out.FrequencyPenalty, o.FrequencyPenalty)
		setIf(&out.ParallelToolCalls, o.ParallelToolCalls)
		setIf(&out.ToolChoice, o.ToolChoice)
		if o.LogitBias != nil {
			out.LogitBias = o.LogitBias
		}
		if o.StopSequences != nil {
			out.StopSequences = o.StopSequences
		}
		if o.Timeout != 0 {
			out.Timeout = o.Timeout
		}
		if o.ExtraHeaders != nil {
			out.ExtraHeaders = o.ExtraHeaders
		}
		if o.ExtraBody != nil {
			out.ExtraBody = o.ExtraBody
		}
		if o.Thinking != "" {
			out.Thinking = o.Thinking
		}
	}
	out.LogitBias = maps.Clone(out.LogitBias)
	out.StopSequences = slices.Clone(out.StopSequences)
	out.ExtraHeaders = maps.Clone(out.ExtraHeaders)
	out.ExtraBody = maps.Clone(out.ExtraBody)
	return &out
}

func setIf[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

// AllowsText reports whether a plain-text answer is acceptable.
func AllowsText(p *llm.RequestParams) bool { return p == nil || !p.DenyTextOutput }

// Tools returns the function tools followed by the output tools, without
// the withheld ones.
func Tools(p *llm.RequestParams) []llm.ToolDefinition {
	if p == nil {
		return nil
	}
	var out []llm.ToolDefinition
	for _, ts := range [][]llm.ToolDefinition{p.FunctionTools, p.OutputTools} {
		for _, t := range ts {
			if !t.Withheld {
				out = append(out, t)
			}
		}
	}
	return out
}

// IsImage reports whether b's media type is an image type.
func IsImage(b *llm.BinaryContent) bool { return strings.HasPrefix(b.MediaType, "image/") }
