package provider_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/llm"
)

func TestPartsManagerEventsAndParts(t *testing.T) {
	var m provider.PartsManager
	var got []llm.Event
	add := func(evs []llm.Event) { got = append(got, slices.Clone(evs)...) }

	add(m.ThinkingDelta("reasoning-0", "Let me", ""))
	add(m.ThinkingDelta("reasoning-0", " think", ""))
	add(m.TextDelta("content", ""))                 // nothing
	add(m.ToolCallDelta("0", "", `{"ci`, "call_1")) // waits for the name
	add(m.TextDelta("content", "Hello"))
	add(m.ToolCallDelta("0", "get_weather", `ty":`, ""))
	add(m.ToolCallDelta("0", "", `"Paris"}`, ""))
	add(m.TextDelta("content", " again")) // the text part has ended: a new one
	add(m.Finish())
	add(m.Finish()) // nothing more

	want := []llm.Event{
		llm.PartStartEvent{Index: 0, Part: &llm.ThinkingPart{Content: "Let me"}},
		llm.PartDeltaEvent{Index: 0, Delta: llm.ThinkingPartDelta{ContentDelta: " think"}},
		llm.PartEndEvent{Index: 0, Part: &llm.ThinkingPart{Content: "Let me think"}, NextPartKind: "text"},
		llm.PartStartEvent{Index: 1, Part: &llm.TextPart{Content: "Hello"}, PreviousPartKind: "thinking"},
		llm.PartEndEvent{Index: 1, Part: &llm.TextPart{Content: "Hello"}, NextPartKind: "tool-call"},
		llm.PartStartEvent{Index: 2, Part: &llm.ToolCallPart{ToolName: "get_weather", Args: `{"city":`, ToolCallID: "call_1"}, PreviousPartKind: "text"},
		llm.PartDeltaEvent{Index: 2, Delta: llm.ToolCallPartDelta{ArgsDelta: `"Paris"}`}},
		llm.PartEndEvent{Index: 2, Part: &llm.ToolCallPart{ToolName: "get_weather", Args: `{"city":"Paris"}`, ToolCallID: "call_1"}, NextPartKind: "text"},
		llm.PartStartEvent{Index: 3, Part: &llm.TextPart{Content: " again"}, PreviousPartKind: "tool-call"},
		llm.PartEndEvent{Index: 3, Part: &llm.TextPart{Content: " again"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	wantParts := []llm.ResponsePart{
		&llm.ThinkingPart{Content: "Let me think"},
		&llm.TextPart{Content: "Hello"},
		&llm.ToolCallPart{ToolName: "get_weather", Args: `{"city":"Paris"}`, ToolCallID: "call_1"},
		&llm.TextPart{Content: " again"},
	}
	if diff := cmp.Diff(wantParts, m.Parts()); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
}

func TestPartsManagerSnapshotsAreIndependent(t *testing.T) {
	var m provider.PartsManager
	start := slices.Clone(m.TextDelta("content", "a"))
	before := m.Parts()
	m.TextDelta("content", "b")
	if before[0].(*llm.TextPart).Content != "a" {
		t.Errorf("an earlier snapshot changed: %q", before[0].(*llm.TextPart).Content)
	}
	if start[0].(llm.PartStartEvent).Part.(*llm.TextPart).Content != "a" {
		t.Error("the start event's part changed after a later delta")
	}
	if got := m.Parts()[0].(*llm.TextPart).Content; got != "ab" {
		t.Errorf("Parts()[0] = %q, want ab", got)
	}
}

func TestPartsManagerForgetAndWholeParts(t *testing.T) {
	var m provider.PartsManager
	m.ThinkingDelta("content", "", "") // an empty thinking part may start
	m.ThinkingDelta("content", "hmm", "")
	m.Forget("content")
	m.ThinkingDelta("content", "again", "") // a new part after Forget
	evs := slices.Clone(m.Part("exec-0", &llm.BuiltinToolCallPart{ToolName: "web_search", Args: `{"q":1}`}))
	if len(evs) != 2 || evs[1].(llm.PartStartEvent).PreviousPartKind != "thinking" {
		t.Fatalf("Part events = %#v", evs)
	}
	m.ToolCallDelta("1", "", "{}", "") // never named: not a part
	parts := m.Parts()
	kinds := make([]string, len(parts))
	for i, p := range parts {
		kinds[i] = llm.Kind(p)
	}
	if diff := cmp.Diff([]string{"thinking", "thinking", "builtin-tool-call"}, kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	if parts[0].(*llm.ThinkingPart).Content != "hmm" || parts[1].(*llm.ThinkingPart).Content != "again" {
		t.Errorf("thinking contents = %q, %q", parts[0].(*llm.ThinkingPart).Content, parts[1].(*llm.ThinkingPart).Content)
	}
}

// TestPartsManagerDeltaToAnEarlierCall grows the parts list well past its
// first allocation, then extends the first tool call: the slots must not
// have been copied (a copied strings.Builder panics).
func TestPartsManagerDeltaToAnEarlierCall(t *testing.T) {
	var m provider.PartsManager
	m.ToolCallDelta("0", "first", `{"a":`, "c0")
	for i := range 40 {
		m.Part("", &llm.TextPart{Content: string(rune('a' + i%26))})
	}
	m.ToolCallDelta("0", "", `1}`, "")
	if got := m.Parts()[0].(*llm.ToolCallPart).Args; got != `{"a":1}` {
		t.Errorf("args = %q", got)
	}
}

// IgnoreLeadingWhitespace drops only whitespace-only deltas (Python's
// str.isspace) that would start a text part, as pydantic-ai's
// handle_text_delta(ignore_leading_whitespace=True).
func TestPartsManagerIgnoreLeadingWhitespace(t *testing.T) {
	m := provider.PartsManager{IgnoreLeadingWhitespace: true}
	for _, ws := range []string{"\n\n", " ", "\t\r\v\f", "\u00a0\u2028", "\x1c\x1f", "\u3000"} {
		if evs := m.TextDelta("content", ws); len(evs) != 0 {
			t.Errorf("%q started a part: %v", ws, evs)
		}
	}
	if evs := m.TextDelta("content", "\u200bx"); len(evs) != 1 {
		t.Errorf("text with a non-space started no part")
	}
	if evs := m.TextDelta("content", "\n\n"); len(evs) != 1 {
		t.Errorf("whitespace inside a part was dropped")
	}
	if got := m.Parts()[0].(*llm.TextPart).Content; got != "\u200bx\n\n" {
		t.Errorf("content %q", got)
	}
}
