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
		SetIf(&out.MaxTokens, o.MaxTokens)
		SetIf(&out.Temperature, o.Temperature)
		SetIf(&out.TopP, o.TopP)
		SetIf(&out.TopK, o.TopK)
		SetIf(&out.Seed, o.Seed)
		SetIf(&out.PresencePenalty, o.PresencePenalty)
		SetIf(&out.FrequencyPenalty, o.FrequencyPenalty)
		SetIf(&out.ParallelToolCalls, o.ParallelToolCalls)
		SetIf(&out.ToolChoice, o.ToolChoice)
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

// SetIf sets *dst to v when v is not nil: a setting given overrides,
// one left nil keeps what was there.
func SetIf[T any](dst **T, v *T) {
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
