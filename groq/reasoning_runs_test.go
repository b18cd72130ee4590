package groq

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/llm"
)

// pydantic-ai's GroqStreamedResponse (models/groq.py _get_event_iterator)
// gives each run of chunks carrying delta.reasoning its own vendor id,
// f'reasoning-{reasoning_index}', the index growing when a chunk with a
// choice but without reasoning ends a run. So reasoning that resumes after
// such a chunk (an empty delta, a tool call) is a new thinking part, even
// when nothing else was added between; and a run's empty first reasoning
// ("") still starts its part.
func TestStreamReasoningRunsArePartsAsInPydanticAI(t *testing.T) {
	cases := []struct {
		name   string
		deltas []string
		want   []llm.ResponsePart
		starts []string
	}{
		{"an empty delta between", []string{`{"reasoning":"a"}`, `{}`, `{"reasoning":"b"}`, `{"content":"t"}`},
			[]llm.ResponsePart{&llm.ThinkingPart{Content: "a"}, &llm.ThinkingPart{Content: "b"}, &llm.TextPart{Content: "t"}},
			[]string{`0 thinking "a"`, `1 thinking "b"`, `2 text "t"`}},
		{"one run", []string{`{"reasoning":"a"}`, `{"reasoning":"b"}`, `{"content":"t"}`},
			[]llm.ResponsePart{&llm.ThinkingPart{Content: "ab"}, &llm.TextPart{Content: "t"}},
			[]string{`0 thinking "a"`, `1 text "t"`}},
		{"an empty reasoning starts the part", []string{`{"reasoning":""}`, `{"reasoning":"a"}`, `{"content":"t"}`},
			[]llm.ResponsePart{&llm.ThinkingPart{Content: "a"}, &llm.TextPart{Content: "t"}},
			[]string{`0 thinking ""`, `1 text "t"`}},
		{"a usage-only chunk does not end a run", []string{`{"reasoning":"a"}`, ``, `{"reasoning":"b"}`},
			[]llm.ResponsePart{&llm.ThinkingPart{Content: "ab"}},
			[]string{`0 thinking "a"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var chunks []string
			for _, d := range c.deltas {
				if d == "" {
					chunks = append(chunks, `{"id":"x","object":"chat.completion.chunk","created":1704067200,"model":"m","choices":[]}`)
					continue
				}
				chunks = append(chunks, chunkJSON(d, "", ""))
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
