package assert

import (
	"iter"
	"testing"

	"github.com/llmvcr/llmvcr/llm"
)

// setup applies opts, failing the test on a bad option.
func setup(t testing.TB, what string, opts []Option) (*config, bool) {
	t.Helper()
	c, err := newConfig(opts)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
		return nil, false
	}
	return c, true
}

// Response checks that got equals want and reports the difference with
// t.Errorf otherwise; it returns whether they are equal.
//
// The local Timestamp is ignored unless CompareTimestamps (or an At on
// "Timestamp") is given; tool-call arguments are compared as JSON unless
// ExactArgs is given; nil and empty slices and maps are equal. A Matcher
// may stand in any `any` field of want (ProviderDetails values), and At
// puts one on any other field.
func Response(t testing.TB, want, got *llm.Response, opts ...Option) bool {
	t.Helper()
	const what, differ = "assert.Response", "responses differ"
	c, ok := setup(t, what, opts)
	if !ok {
		return false
	}
	if want == nil || got == nil {
		return checkNil(t, what, want == nil, got == nil)
	}
	return check(t, c, what, differ, want, got, c.llmOptions())
}

// Usage checks that got equals want, counter by counter, and reports the
// difference with t.Errorf otherwise; it returns whether they are equal.
// EquateApproxTimings tolerates rounding in the timings.
func Usage(t testing.TB, want, got llm.Usage, opts ...Option) bool {
	t.Helper()
	const what, differ = "assert.Usage", "usage differs"
	c, ok := setup(t, what, opts)
	if !ok {
		return false
	}
	return check(t, c, what, differ, want, got, c.llmOptions())
}

// Parts checks that two lists of parts are equal: []llm.ResponsePart,
// []llm.RequestPart, or []llm.UserContent. It compares as Response does
// and reports the difference with t.Errorf; it returns whether they are
// equal.
func Parts[P any](t testing.TB, want, got []P, opts ...Option) bool {
	t.Helper()
	const what, differ = "assert.Parts", "parts differ"
	c, ok := setup(t, what, opts)
	if !ok {
		return false
	}
	return check(t, c, what, differ, want, got, c.llmOptions())
}

// Messages checks that two conversations are equal, message by message,
// comparing as Response does (the local Timestamp of requests and
// responses is ignored by default). It reports the difference with
// t.Errorf and returns whether they are equal.
func Messages(t testing.TB, want, got []llm.Message, opts ...Option) bool {
	t.Helper()
	const what, differ = "assert.Messages", "messages differ"
	c, ok := setup(t, what, opts)
	if !ok {
		return false
	}
	return check(t, c, what, differ, want, got, c.llmOptions())
}

// Events checks that two lists of stream events are equal and reports the
// difference with t.Errorf; it returns whether they are equal. With
// Coalesce, both lists are first folded so that each part's deltas are
// merged into its PartStartEvent, and the test does not depend on how the
// model split its tokens. Collect turns a stream into a list.
func Events(t testing.TB, want, got []llm.Event, opts ...Option) bool {
	t.Helper()
	const what, differ = "assert.Events", "events differ"
	c, ok := setup(t, what, opts)
	if !ok {
		return false
	}
	if c.coalesce {
		want, got = coalesceEvents(want), coalesceEvents(got)
	}
	return check(t, c, what, differ, want, got, c.llmOptions())
}

// Collect drains a stream's events into a list, stopping at the first
// error, which it returns with the events before it.
func Collect(events iter.Seq2[llm.Event, error]) ([]llm.Event, error) {
	var out []llm.Event
	for ev, err := range events {
		if err != nil {
			return out, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// coalesceEvents returns the events with every delta folded into the
// PartStartEvent of its part: text and thinking deltas appended to the
// content, tool-call deltas to the name and arguments, and a tool-call id
// that arrives in a delta set. Deltas of a part with no start event are
// merged with adjacent deltas of the same part and kind. PartEndEvents are
// kept. The input is not modified.
func coalesceEvents(events []llm.Event) []llm.Event {
	var out []llm.Event
	start := map[int]int{} // part index -> position of its start in out
	for _, ev := range events {
		switch e := ev.(type) {
		case llm.PartStartEvent:
			e.Part = cloneResponsePart(e.Part)
			start[e.Index] = len(out)
			out = append(out, e)
		case *llm.PartStartEvent:
			if e == nil {
				out = append(out, ev)
				continue
			}
			c := *e
			c.Part = cloneResponsePart(c.Part)
			start[c.Index] = len(out)
			out = append(out, c)
		case llm.PartDeltaEvent:
			out = foldDelta(out, start, e)
		case *llm.PartDeltaEvent:
			if e == nil {
				out = append(out, ev)
				continue
			}
			out = foldDelta(out, start, *e)
		default:
			out = append(out, ev)
		}
	}
	return out
}

func foldDelta(out []llm.Event, start map[int]int, d llm.PartDeltaEvent) []llm.Event {
	if i, ok := start[d.Index]; ok {
		s := out[i].(llm.PartStartEvent)
		if applyDelta(s.Part, d.Delta) {
			return out
		}
	}
	if n := len(out); n > 0 {
		if prev, ok := out[n-1].(llm.PartDeltaEvent); ok && prev.Index == d.Index {
			if merged, ok := mergeDeltas(prev.Delta, d.Delta); ok {
				out[n-1] = llm.PartDeltaEvent{Index: d.Index, Delta: merged}
				return out
			}
		}
	}
	return append(out, d)
}

// applyDelta adds d to p in place; p is a clone owned by CoalesceEvents.
func applyDelta(p llm.ResponsePart, d llm.PartDelta) bool {
	switch d := derefDelta(d).(type) {
	case llm.TextPartDelta:
		if tp, ok := p.(*llm.TextPart); ok && tp != nil {
			tp.Content += d.ContentDelta
			return true
		}
	case llm.ThinkingPartDelta:
		if tp, ok := p.(*llm.ThinkingPart); ok && tp != nil {
			tp.Content += d.ContentDelta
			tp.Signature += d.SignatureDelta
			return true
		}
	case llm.ToolCallPartDelta:
		if tp, ok := p.(*llm.ToolCallPart); ok && tp != nil {
			tp.ToolName += d.ToolNameDelta
			tp.Args += d.ArgsDelta
			if d.ToolCallID != "" {
				tp.ToolCallID = d.ToolCallID
			}
			return true
		}
	}
	return false
}

func mergeDeltas(a, b llm.PartDelta) (llm.PartDelta, bool) {
	switch x := derefDelta(a).(type) {
	case llm.TextPartDelta:
		if y, ok := derefDelta(b).(llm.TextPartDelta); ok {
			return llm.TextPartDelta{ContentDelta: x.ContentDelta + y.ContentDelta}, true
		}
	case llm.ThinkingPartDelta:
		if y, ok := derefDelta(b).(llm.ThinkingPartDelta); ok {
			return llm.ThinkingPartDelta{ContentDelta: x.ContentDelta + y.ContentDelta, SignatureDelta: x.SignatureDelta + y.SignatureDelta}, true
		}
	case llm.ToolCallPartDelta:
		if y, ok := derefDelta(b).(llm.ToolCallPartDelta); ok {
			id := x.ToolCallID
			if y.ToolCallID != "" {
				id = y.ToolCallID
			}
			return llm.ToolCallPartDelta{ToolNameDelta: x.ToolNameDelta + y.ToolNameDelta, ArgsDelta: x.ArgsDelta + y.ArgsDelta, ToolCallID: id}, true
		}
	}
	return nil, false
}

func derefDelta(d llm.PartDelta) llm.PartDelta {
	switch d := d.(type) {
	case *llm.TextPartDelta:
		if d != nil {
			return *d
		}
	case *llm.ThinkingPartDelta:
		if d != nil {
			return *d
		}
	case *llm.ToolCallPartDelta:
		if d != nil {
			return *d
		}
	}
	return d
}

func cloneResponsePart(p llm.ResponsePart) llm.ResponsePart {
	switch p := p.(type) {
	case *llm.TextPart:
		if p != nil {
			c := *p
			return &c
		}
	case *llm.ThinkingPart:
		if p != nil {
			c := *p
			return &c
		}
	case *llm.ToolCallPart:
		if p != nil {
			c := *p
			return &c
		}
	}
	return p
}

// checkNil handles a nil on either side: both nil are equal, and a nil on
// one side only is reported. It returns whether the two are equal.
func checkNil(t testing.TB, what string, wantNil, gotNil bool) bool {
	t.Helper()
	switch {
	case wantNil && gotNil:
		return true
	case gotNil:
		t.Errorf("%s: got nil, want a value", what)
	default:
		t.Errorf("%s: got a value, want nil", what)
	}
	return false
}

// eventsOf returns got as a list of events, if it is one.
func eventsOf(got any) ([]llm.Event, bool) {
	evs, ok := got.([]llm.Event)
	return evs, ok
}
