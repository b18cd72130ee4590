package groq

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/llm"
)

// Streamed content is read as pydantic-ai's handle_text_delta reads it
// with thinking_tags ("<think>", "</think>", _parts_manager.py): only a
// delta that is exactly the start tag starts a thinking part, only one
// that is exactly the end tag ends it; a tag inside a longer delta is
// text (or thinking), and an end tag outside thinking is text. Each case
// is what that code yields for the same deltas.
func TestStreamThinkTagsAreWholeDeltas(t *testing.T) {
	cases := []struct {
		name   string
		deltas []string
		want   []llm.ResponsePart
		starts []string
	}{
		{"whole tags", []string{"<think>", "a", "</think>", "b"},
			[]llm.ResponsePart{&llm.ThinkingPart{Content: "a"}, &llm.TextPart{Content: "b"}},
			[]string{`0 thinking ""`, `1 text "b"`}},
		{"text before the tag is its own part", []string{"x", "<think>", "a", "</think>", "b"},
			[]llm.ResponsePart{&llm.TextPart{Content: "x"}, &llm.ThinkingPart{Content: "a"}, &llm.TextPart{Content: "b"}},
			[]string{`0 text "x"`, `1 thinking ""`, `2 text "b"`}},
		{"a tag inside a delta is text", []string{"a<think>b", "</think>c"},
			[]llm.ResponsePart{&llm.TextPart{Content: "a<think>b</think>c"}},
			[]string{`0 text "a<think>b"`}},
		{"a tag split across deltas is text", []string{"<thi", "nk>", "a"},
			[]llm.ResponsePart{&llm.TextPart{Content: "<think>a"}},
			[]string{`0 text "<thi"`}},
		{"an end tag outside thinking is text", []string{"a", "</think>", "b"},
			[]llm.ResponsePart{&llm.TextPart{Content: "a</think>b"}},
			[]string{`0 text "a"`}},
		{"a start tag inside thinking is thinking", []string{"<think>", "a", "<think>", "</think>", "b"},
			[]llm.ResponsePart{&llm.ThinkingPart{Content: "a<think>"}, &llm.TextPart{Content: "b"}},
			[]string{`0 thinking ""`, `1 text "b"`}},
		{"an unclosed tag keeps thinking", []string{"<think>", "a", "b"},
			[]llm.ResponsePart{&llm.ThinkingPart{Content: "ab"}},
			[]string{`0 thinking ""`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var chunks []string
			for _, d := range c.deltas {
				chunks = append(chunks, textChunk(d, ""))
			}
			sr := openStream(t, sseOf(chunks...), nil)
			events, _, err := collect(t, sr)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, sr.Response().Parts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
			var starts []string
			for _, ev := range events {
				if e, ok := ev.(llm.PartStartEvent); ok {
					starts = append(starts, fmt.Sprintf("%d %s %q", e.Index, llm.Kind(e.Part), partText(e.Part)))
				}
			}
			if diff := cmp.Diff(c.starts, starts); diff != "" {
				t.Errorf("start events (-want +got):\n%s", diff)
			}
		})
	}
}
