package assert_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/llm"
)

// weatherResponse is a response as the Groq mapping produces it.
func weatherResponse() *llm.Response {
	return &llm.Response{
		Parts: []llm.ResponsePart{
			llm.Thought("The user wants the weather."),
			llm.ToolCall("get_weather", `{"city": "Paris", "unit": "celsius"}`, "call_abc123"),
		},
		ModelName:          "llama-3.3-70b-versatile",
		Timestamp:          time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC),
		ProviderTimestamp:  time.Unix(1764057600, 0).UTC(),
		ProviderName:       "groq",
		ProviderURL:        "https://api.groq.com",
		ProviderResponseID: "chatcmpl-8a1b2c",
		FinishReason:       llm.FinishToolCall,
		RawFinishReason:    "tool_calls",
		Usage: llm.Usage{
			Requests: 1, InputTokens: 120, OutputTokens: 24,
			Timings: llm.Timings{Queue: 12 * time.Millisecond, Total: 200 * time.Millisecond},
		},
		ProviderDetails: map[string]any{"x_groq_id": "req_01"},
	}
}

func TestResponse(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(r *llm.Response) // applied to got
		want   func(r *llm.Response) // applied to want
		opts   []assert.Option
		fails  []string // message parts; nil for a pass
		fatals bool
	}{
		{name: "equal"},
		{
			name: "local timestamp ignored by default",
			edit: func(r *llm.Response) { r.Timestamp = time.Now() },
		},
		{
			name:  "local timestamp compared on request",
			edit:  func(r *llm.Response) { r.Timestamp = r.Timestamp.Add(time.Second) },
			opts:  []assert.Option{assert.CompareTimestamps()},
			fails: []string{"Timestamp: want 2026-11-25T08:00:00Z, got 2026-11-25T08:00:01Z"},
		},
		{
			name: "args compared as JSON",
			edit: func(r *llm.Response) { r.Parts[1].(*llm.ToolCallPart).Args = `{"unit":"celsius","city":"Paris"}` },
		},
		{
			name:  "args compared exactly on request",
			edit:  func(r *llm.Response) { r.Parts[1].(*llm.ToolCallPart).Args = `{"unit":"celsius","city":"Paris"}` },
			opts:  []assert.Option{assert.ExactArgs()},
			fails: []string{`Parts[1].Args: want "{\"city\": \"Paris\", \"unit\": \"celsius\"}", got "{\"unit\":\"celsius\",\"city\":\"Paris\"}"`},
		},
		{
			name: "empty args equal {}",
			edit: func(r *llm.Response) { r.Parts[1].(*llm.ToolCallPart).Args = "" },
			want: func(r *llm.Response) { r.Parts[1].(*llm.ToolCallPart).Args = "{}" },
		},
		{
			name: "arg value differs",
			edit: func(r *llm.Response) { r.Parts[1].(*llm.ToolCallPart).Args = `{"city":"London","unit":"celsius"}` },
			fails: []string{
				`Parts[1].Args.city: want "Paris", got "London"`,
				`-` + ` 				"city": string("Paris"),`,
				`+` + ` 				"city": string("London"),`,
			},
		},
		{
			name:  "invalid args compared as strings",
			edit:  func(r *llm.Response) { r.Parts[1].(*llm.ToolCallPart).Args = `{"city":` },
			fails: []string{`Parts[1].Args: want "{\"city\": \"Paris\", \"unit\": \"celsius\"}", got "{\"city\":"`},
		},
		{
			name:  "text differs",
			edit:  func(r *llm.Response) { r.Parts[0] = llm.Thought("The user wants rain.") },
			fails: []string{`Parts[0].Content: want "The user wants the weather.", got "The user wants rain."`, `&llm.ThinkingPart{`},
		},
		{
			name: "part kind differs",
			edit: func(r *llm.Response) { r.Parts[0] = llm.Reply("The user wants the weather.") },
			fails: []string{
				`Parts[0]: want {"content":"The user wants the weather.","part_kind":"thinking"}, got {"content":"The user wants the weather.","part_kind":"text"}`,
				`- 		&llm.ThinkingPart{Content: "The user wants the weather."},`,
				`+ 		&llm.TextPart{Content: "The user wants the weather."},`,
			},
		},
		{
			name:  "extra part",
			edit:  func(r *llm.Response) { r.Parts = append(r.Parts, llm.Reply("Done.")) },
			fails: []string{`Parts[2]: unexpected, got {"content":"Done.","part_kind":"text"}`},
		},
		{
			name:  "missing part",
			edit:  func(r *llm.Response) { r.Parts = r.Parts[:1] },
			fails: []string{`Parts[1]: missing, want {"args":{"city":"Paris","unit":"celsius"},"part_kind":"tool-call","tool_call_id":"call_abc123","tool_name":"get_weather"}`},
		},
		{
			name:  "finish reason",
			edit:  func(r *llm.Response) { r.FinishReason = llm.FinishStop },
			fails: []string{`FinishReason: want "tool_call", got "stop"`},
		},
		{
			name:  "usage",
			edit:  func(r *llm.Response) { r.Usage.OutputTokens = 25 },
			fails: []string{`Usage.OutputTokens: want 24, got 25`},
		},
		{
			name:  "provider details",
			edit:  func(r *llm.Response) { r.ProviderDetails["service_tier"] = "on_demand" },
			fails: []string{`ProviderDetails.service_tier: unexpected, got "on_demand"`},
		},
		{
			name: "provider details ignored",
			edit: func(r *llm.Response) { r.ProviderDetails["service_tier"] = "on_demand"; r.ProviderResponseID = "x" },
			opts: []assert.Option{assert.IgnoreFields("ProviderDetails", "Response.ProviderResponseID")},
		},
		{
			name: "tool call id ignored by path",
			edit: func(r *llm.Response) { r.Parts[1].(*llm.ToolCallPart).ToolCallID = "call_zzz" },
			opts: []assert.Option{assert.IgnorePaths("Parts[*].ToolCallID")},
		},
		{
			name: "timings within tolerance",
			edit: func(r *llm.Response) { r.Usage.Timings.Queue += 400 * time.Nanosecond },
			opts: []assert.Option{assert.EquateApproxTimings(time.Microsecond)},
		},
		{
			name:  "timings beyond tolerance",
			edit:  func(r *llm.Response) { r.Usage.Timings.Queue += 2 * time.Microsecond },
			opts:  []assert.Option{assert.EquateApproxTimings(time.Microsecond)},
			fails: []string{`Usage.Timings.Queue: want 12ms, got 12.002ms`},
		},
		{
			name: "nil and empty details equal",
			edit: func(r *llm.Response) { r.ProviderDetails = nil },
			want: func(r *llm.Response) { r.ProviderDetails = map[string]any{} },
		},
		{
			name: "matchers match",
			want: func(r *llm.Response) {
				r.Parts[1].(*llm.ToolCallPart).ToolCallID = ""
				r.ProviderResponseID = ""
				r.ModelName = "whatever: At does not look at want's value"
				r.ProviderDetails["x_groq_id"] = assert.Matches(`^req_`)
			},
			edit: func(r *llm.Response) { r.Timestamp = time.Now() },
			opts: []assert.Option{
				assert.At("Parts[*].ToolCallID", assert.Matches(`^call_`)),
				assert.At("ProviderResponseID", assert.NonEmpty()),
				assert.At("ModelName", assert.AnyString()),
				assert.At("Timestamp", assert.Recent(time.Minute)),
			},
		},
		{
			name: "matchers do not match",
			edit: func(r *llm.Response) { r.ProviderResponseID = ""; r.Timestamp = time.Now().Add(-time.Hour) },
			opts: []assert.Option{
				assert.At("Parts[1].ToolCallID", assert.Matches(`^toolu_`)),
				assert.At("ProviderResponseID", assert.NonEmpty()),
				assert.At("Timestamp", assert.Recent(time.Minute)),
			},
			fails: []string{
				`Parts[1].ToolCallID: want a string matching "^toolu_", got "call_abc123"`,
				`ProviderResponseID: want any non-empty string, got ""`,
				`Timestamp: want a time within 1m0s of now, got `,
				` before now)`,
			},
		},
		{
			name:  "an At inside an ignored path fails",
			opts:  []assert.Option{assert.At("Usage.InputTokens", assert.NonEmpty()), assert.IgnoreFields("Usage")},
			fails: []string{`At("Usage.InputTokens", assert.NonEmpty()) is inside a path that IgnorePaths or IgnoreFields leave out, so nothing was checked`},
		},
		{
			name:  "an At that matches no path fails",
			opts:  []assert.Option{assert.At("ProviderResponseId", assert.NonEmpty())},
			fails: []string{`At("ProviderResponseId", assert.NonEmpty()) matched no path of the compared values, so nothing was checked (did you mean "ProviderResponseID"?)`},
		},
		{
			name:  "cmp option accepted",
			edit:  func(r *llm.Response) { r.Parts = nil },
			opts:  []assert.Option{cmpopts.IgnoreFields(llm.Response{}, "Parts")},
			fails: nil,
		},
		{
			name:   "unknown option",
			opts:   []assert.Option{42},
			fails:  []string{"assert.Response: unknown option of type int"},
			fatals: true,
		},
		{
			name:   "bad path pattern",
			opts:   []assert.Option{assert.IgnorePaths("Parts[x")},
			fails:  []string{`IgnorePaths: bad path "Parts[x" at byte 6: an index must be a number, * or a quoted key`},
			fatals: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, got := weatherResponse(), weatherResponse()
			if tt.want != nil {
				tt.want(want)
			}
			if tt.edit != nil {
				tt.edit(got)
			}
			r, ok := record(t.Name(), func(tb testing.TB) bool { return assert.Response(tb, want, got, tt.opts...) })
			if tt.fails == nil {
				expectPass(t, r, ok)
				return
			}
			expectFail(t, r, ok, tt.fatals, append([]string{"assert.Response"}, tt.fails...)...)
			if !tt.fatals && len(tt.opts) == 0 { // (a matcher's node is not in go-cmp's diff)
				expectFail(t, r, ok, false, "responses differ (-want +got):", "&llm.Response{")
			}
		})
	}
}

func TestResponseNil(t *testing.T) {
	r, ok := record("nil", func(tb testing.TB) bool { return assert.Response(tb, nil, nil) })
	expectPass(t, r, ok)
	r, ok = record("nil", func(tb testing.TB) bool { return assert.Response(tb, weatherResponse(), nil) })
	expectFail(t, r, ok, false, "assert.Response: got nil, want a value")
	r, ok = record("nil", func(tb testing.TB) bool { return assert.Response(tb, nil, weatherResponse()) })
	expectFail(t, r, ok, false, "assert.Response: got a value, want nil")
}

func TestUsage(t *testing.T) {
	base := llm.Usage{Requests: 1, InputTokens: 10, OutputTokens: 5, Details: map[string]int{"cached": 2},
		Timings: llm.Timings{Prompt: 3 * time.Millisecond}}
	r, ok := record("usage", func(tb testing.TB) bool { return assert.Usage(tb, base, base) })
	expectPass(t, r, ok)

	got := base
	got.Details = map[string]int{"cached": 3}
	got.InputTokens = 11
	r, ok = record("usage", func(tb testing.TB) bool { return assert.Usage(tb, base, got) })
	expectFail(t, r, ok, false, "assert.Usage: usage differs (-want +got):",
		"InputTokens: want 10, got 11", "Details.cached: want 2, got 3", "llm.Usage{")

	got = base
	got.Timings.Prompt += 500 * time.Nanosecond
	r, ok = record("usage", func(tb testing.TB) bool {
		return assert.Usage(tb, base, got, assert.EquateApproxTimings(time.Microsecond))
	})
	expectPass(t, r, ok)
	r, ok = record("usage", func(tb testing.TB) bool { return assert.Usage(tb, base, got) })
	expectFail(t, r, ok, false, "Timings.Prompt: want 3ms, got 3.0005ms")
}

func TestParts(t *testing.T) {
	want := []llm.RequestPart{llm.System("Be concise."), llm.User("Hi"), llm.ToolReturn("get_weather", "call_1", map[string]any{"temp": 21})}
	got := []llm.RequestPart{llm.System("Be concise."), llm.User("Hi"), llm.ToolReturn("get_weather", "call_1", map[string]any{"temp": 21})}
	r, ok := record("parts", func(tb testing.TB) bool { return assert.Parts(tb, want, got) })
	expectPass(t, r, ok)

	got[1] = llm.User("Hello")
	got[2] = llm.ToolReturn("get_weather", "call_1", map[string]any{"temp": 22})
	r, ok = record("parts", func(tb testing.TB) bool { return assert.Parts(tb, want, got) })
	expectFail(t, r, ok, false, "assert.Parts: parts differ",
		`[1].Content[0]: want "Hi", got "Hello"`, `[2].Content.temp: want 21, got 22`)

	// A matcher on a named string type (llm.Text) by path, and in an any
	// field.
	want[1] = llm.User("")
	want[2] = llm.ToolReturn("get_weather", "", assert.JSONEqual(`{"temp": 22}`))
	r, ok = record("parts", func(tb testing.TB) bool {
		return assert.Parts(tb, want, got, assert.At("[1].Content[0]", assert.AnyString()), assert.At("[2].ToolCallID", assert.NonEmpty()))
	})
	expectPass(t, r, ok)

	wantR := []llm.ResponsePart{llm.Reply("a")}
	r, ok = record("parts", func(tb testing.TB) bool { return assert.Parts(tb, wantR, []llm.ResponsePart{llm.Reply("b")}) })
	expectFail(t, r, ok, false, `[0].Content: want "a", got "b"`)
}

func TestMessages(t *testing.T) {
	conv := func() []llm.Message {
		return []llm.Message{
			llm.NewRequest(llm.System("Be concise."), llm.User("Weather in Paris?")),
			&llm.Response{Parts: []llm.ResponsePart{llm.ToolCall("get_weather", `{"city":"Paris"}`, "call_1")}, Timestamp: time.Now()},
			llm.NewRequest(llm.ToolReturn("get_weather", "call_1", "21C")),
			&llm.Response{Parts: []llm.ResponsePart{llm.Reply("21C and sunny.")}, Timestamp: time.Now()},
		}
	}
	want, got := conv(), conv()
	r, ok := record("messages", func(tb testing.TB) bool { return assert.Messages(tb, want, got) })
	expectPass(t, r, ok)

	got[3] = &llm.Response{Parts: []llm.ResponsePart{llm.Reply("22C.")}}
	got[2].(*llm.Request).Instructions = "Use metric."
	r, ok = record("messages", func(tb testing.TB) bool { return assert.Messages(tb, want, got) })
	expectFail(t, r, ok, false, "assert.Messages: messages differ",
		`[2].Instructions: want "", got "Use metric."`, `[3].Parts[0].Content: want "21C and sunny.", got "22C."`)

	got = conv()[:3]
	r, ok = record("messages", func(tb testing.TB) bool { return assert.Messages(tb, want, got) })
	expectFail(t, r, ok, false, `[3]: missing, want {"kind":"response","parts":[{"content":"21C and sunny.","part_kind":"text"}]}`)
}

func streamEvents(split bool) []llm.Event {
	text := []llm.Event{
		llm.PartStartEvent{Index: 0, Part: llm.Reply("It is ")},
		llm.PartDeltaEvent{Index: 0, Delta: llm.TextPartDelta{ContentDelta: "21C."}},
	}
	if split {
		text = []llm.Event{
			llm.PartStartEvent{Index: 0, Part: llm.Reply("It")},
			llm.PartDeltaEvent{Index: 0, Delta: llm.TextPartDelta{ContentDelta: " is 2"}},
			llm.PartDeltaEvent{Index: 0, Delta: llm.TextPartDelta{ContentDelta: "1C."}},
		}
	}
	tool := []llm.Event{
		llm.PartEndEvent{Index: 0, Part: llm.Reply("It is 21C."), NextPartKind: "tool-call"},
		llm.PartStartEvent{Index: 1, Part: &llm.ToolCallPart{ToolName: "log"}, PreviousPartKind: "text"},
		llm.PartDeltaEvent{Index: 1, Delta: llm.ToolCallPartDelta{ArgsDelta: `{"msg":`, ToolCallID: "call_9"}},
		llm.PartDeltaEvent{Index: 1, Delta: llm.ToolCallPartDelta{ArgsDelta: ` "done"}`}},
		llm.PartEndEvent{Index: 1, Part: llm.ToolCall("log", `{"msg": "done"}`, "call_9")},
	}
	return append(text, tool...)
}

func TestEvents(t *testing.T) {
	r, ok := record("events", func(tb testing.TB) bool { return assert.Events(tb, streamEvents(false), streamEvents(false)) })
	expectPass(t, r, ok)

	r, ok = record("events", func(tb testing.TB) bool { return assert.Events(tb, streamEvents(false), streamEvents(true)) })
	expectFail(t, r, ok, false, "assert.Events: events differ",
		`[0].Part.Content: want "It is ", got "It"`, `[1].Delta.ContentDelta: want "21C.", got " is 2"`, `[2]: unexpected, got {"delta":{"content_delta":"1C.","part_delta_kind":"text"},"event_kind":"part_delta"}`)

	r, ok = record("events", func(tb testing.TB) bool {
		return assert.Events(tb, streamEvents(false), streamEvents(true), assert.Coalesce())
	})
	expectPass(t, r, ok)

	got := streamEvents(true)
	got[2] = llm.PartDeltaEvent{Index: 0, Delta: llm.TextPartDelta{ContentDelta: "2C."}}
	r, ok = record("events", func(tb testing.TB) bool {
		return assert.Events(tb, streamEvents(false), got, assert.Coalesce())
	})
	expectFail(t, r, ok, false, `[0].Part.Content: want "It is 21C.", got "It is 22C."`)

	// Coalescing must not change the caller's events.
	orig := streamEvents(true)
	record("events", func(tb testing.TB) bool { return assert.Events(tb, streamEvents(false), orig, assert.Coalesce()) })
	if p := orig[0].(llm.PartStartEvent).Part.(*llm.TextPart); p.Content != "It" {
		t.Errorf("Coalesce modified the events: %q", p.Content)
	}
}

func TestCoalesceEvents(t *testing.T) {
	tests := []struct {
		name string
		in   []llm.Event
		want []llm.Event
	}{
		{
			name: "deltas fold into start",
			in:   streamEvents(true),
			want: []llm.Event{
				llm.PartStartEvent{Index: 0, Part: llm.Reply("It is 21C.")},
				llm.PartEndEvent{Index: 0, Part: llm.Reply("It is 21C."), NextPartKind: "tool-call"},
				llm.PartStartEvent{Index: 1, Part: llm.ToolCall("log", `{"msg": "done"}`, "call_9"), PreviousPartKind: "text"},
				llm.PartEndEvent{Index: 1, Part: llm.ToolCall("log", `{"msg": "done"}`, "call_9")},
			},
		},
		{
			name: "deltas without a start merge",
			in: []llm.Event{
				&llm.PartDeltaEvent{Index: 2, Delta: llm.ThinkingPartDelta{ContentDelta: "a"}},
				llm.PartDeltaEvent{Index: 2, Delta: &llm.ThinkingPartDelta{ContentDelta: "b", SignatureDelta: "s"}},
				llm.PartDeltaEvent{Index: 3, Delta: llm.TextPartDelta{ContentDelta: "c"}},
			},
			want: []llm.Event{
				llm.PartDeltaEvent{Index: 2, Delta: llm.ThinkingPartDelta{ContentDelta: "ab", SignatureDelta: "s"}},
				llm.PartDeltaEvent{Index: 3, Delta: llm.TextPartDelta{ContentDelta: "c"}},
			},
		},
		{
			name: "pointer events and tool-call deltas",
			in: []llm.Event{
				&llm.PartStartEvent{Index: 0, Part: &llm.ToolCallPart{ToolName: "get_"}},
				llm.PartDeltaEvent{Index: 0, Delta: &llm.ToolCallPartDelta{ToolNameDelta: "weather", ArgsDelta: "{", ToolCallID: "call_1"}},
				llm.PartDeltaEvent{Index: 0, Delta: llm.ToolCallPartDelta{ArgsDelta: "}"}},
				llm.PartDeltaEvent{Index: 1, Delta: llm.ToolCallPartDelta{ArgsDelta: "[", ToolCallID: "a"}},
				llm.PartDeltaEvent{Index: 1, Delta: llm.ToolCallPartDelta{ToolNameDelta: "x", ArgsDelta: "]", ToolCallID: "b"}},
				llm.PartDeltaEvent{Index: 1, Delta: llm.TextPartDelta{ContentDelta: "t1"}},
				llm.PartDeltaEvent{Index: 1, Delta: llm.TextPartDelta{ContentDelta: "t2"}},
				llm.PartStartEvent{Index: 2, Part: llm.Thought("a")},
				llm.PartDeltaEvent{Index: 2, Delta: llm.ThinkingPartDelta{ContentDelta: "b", SignatureDelta: "sig"}},
				(*llm.PartStartEvent)(nil),
				(*llm.PartDeltaEvent)(nil),
			},
			want: []llm.Event{
				llm.PartStartEvent{Index: 0, Part: llm.ToolCall("get_weather", "{}", "call_1")},
				llm.PartDeltaEvent{Index: 1, Delta: llm.ToolCallPartDelta{ToolNameDelta: "x", ArgsDelta: "[]", ToolCallID: "b"}},
				llm.PartDeltaEvent{Index: 1, Delta: llm.TextPartDelta{ContentDelta: "t1t2"}},
				llm.PartStartEvent{Index: 2, Part: &llm.ThinkingPart{Content: "ab", Signature: "sig"}},
				(*llm.PartStartEvent)(nil),
				(*llm.PartDeltaEvent)(nil),
			},
		},
		{
			name: "delta of another kind kept",
			in: []llm.Event{
				llm.PartStartEvent{Index: 0, Part: llm.Thought("x")},
				llm.PartDeltaEvent{Index: 0, Delta: llm.TextPartDelta{ContentDelta: "y"}},
			},
			want: []llm.Event{
				llm.PartStartEvent{Index: 0, Part: llm.Thought("x")},
				llm.PartDeltaEvent{Index: 0, Delta: llm.TextPartDelta{ContentDelta: "y"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := record(t.Name(), func(tb testing.TB) bool {
				return assert.Events(tb, tt.want, tt.in, assert.Coalesce(), assert.ExactArgs())
			})
			expectPass(t, r, ok)
		})
	}
}

func TestCollect(t *testing.T) {
	evs := streamEvents(false)
	seq := func(yield func(llm.Event, error) bool) {
		for _, e := range evs {
			if !yield(e, nil) {
				return
			}
		}
		yield(nil, errStream)
	}
	got, err := assert.Collect(seq)
	if err != errStream {
		t.Errorf("Collect error = %v, want %v", err, errStream)
	}
	r, ok := record("collect", func(tb testing.TB) bool { return assert.Events(tb, evs, got) })
	expectPass(t, r, ok)
}

type streamErr struct{}

func (streamErr) Error() string { return "stream broke" }

var errStream error = streamErr{}

// managerEvents streams "Hello world" and a tool call through a
// provider.PartsManager, split into deltas at the given sizes.
func managerEvents(size int) []llm.Event {
	var m provider.PartsManager
	var out []llm.Event
	add := func(evs []llm.Event) { out = append(out, slices.Clone(evs)...) }
	for _, chunk := range chunks("Hello world", size) {
		add(m.TextDelta("content", chunk))
	}
	for i, chunk := range chunks(`{"city": "Paris"}`, size) {
		name, id := "", ""
		if i == 0 {
			name, id = "get_weather", "call_1"
		}
		add(m.ToolCallDelta("0", name, chunk, id))
	}
	add(m.Finish())
	return out
}

func chunks(s string, size int) []string {
	var out []string
	for len(s) > size {
		out = append(out, s[:size])
		s = s[size:]
	}
	return append(out, s)
}

func TestEventsCoalesceWithPartsManager(t *testing.T) {
	fine, coarse := managerEvents(2), managerEvents(100)
	if len(fine) == len(coarse) {
		t.Fatalf("splits produced the same number of events (%d); the test proves nothing", len(fine))
	}
	r, ok := record("pm", func(tb testing.TB) bool { return assert.Events(tb, coarse, fine) })
	expectFail(t, r, ok, false, `[0].Part.Content: want "Hello world", got "He"`)
	r, ok = record("pm", func(tb testing.TB) bool { return assert.Events(tb, coarse, fine, assert.Coalesce()) })
	expectPass(t, r, ok)
}

func TestManyDifferencesTruncated(t *testing.T) {
	var want, got []llm.ResponsePart
	for i := 0; i < 25; i++ {
		want = append(want, llm.Reply(fmt.Sprint("w", i)))
		got = append(got, llm.Reply(fmt.Sprint("g", i)))
	}
	r, ok := record("many", func(tb testing.TB) bool { return assert.Parts(tb, want, got) })
	expectFail(t, r, ok, false, `[19].Content: want "w19", got "g19"`, "  ... and 5 more\n")
	if strings.Contains(r.output(), `[20].Content: want`) {
		t.Errorf("the list was not cut at 20:\n%s", r.output())
	}
}

func TestMatchersInsideArgs(t *testing.T) {
	want := []llm.ResponsePart{llm.ToolCall("f", `{"city": "?", "days": 3}`, "")}
	got := []llm.ResponsePart{llm.ToolCall("f", `{"days":3,"city":"Lyon"}`, "")}
	city := assert.At("[0].Args.city", assert.AnyString())
	r, ok := record("args", func(tb testing.TB) bool { return assert.Parts(tb, want, got, city) })
	expectPass(t, r, ok)
	got = []llm.ResponsePart{llm.ToolCall("f", `{"days":3,"city":7}`, "")}
	r, ok = record("args", func(tb testing.TB) bool { return assert.Parts(tb, want, got, city) })
	expectFail(t, r, ok, false, `[0].Args.city: want any string, got 7`)
	// The whole arguments, by a JSON matcher.
	r, ok = record("args", func(tb testing.TB) bool {
		return assert.Parts(tb, want, got, assert.At("[0].Args", assert.JSONEqual(map[string]any{"days": 3, "city": assert.NonEmpty()})))
	})
	expectPass(t, r, ok)
}

// TestMatcherOnTheActualSideIsData is issue 12's case: a matcher, or the
// text an old marker had, in the value under test matches nothing.
func TestMatcherOnTheActualSideIsData(t *testing.T) {
	// The old marker text in a string field of got is a plain string.
	want := []llm.ResponsePart{llm.Reply("Paris")}
	got := []llm.ResponsePart{llm.Reply("<assert.AnyString>")}
	r, ok := record("actual", func(tb testing.TB) bool { return assert.Parts(tb, want, got) })
	expectFail(t, r, ok, false, `[0].Content: want "Paris", got "<assert.AnyString>"`)

	// Issue 12's own words, with a field that can hold a matcher: the
	// matcher in got matches nothing, and in want it matches.
	type city struct{ Name any }
	r, ok = record("actual", func(tb testing.TB) bool {
		return assert.Parts(tb, []city{{"Paris"}}, []city{{assert.AnyString()}})
	})
	expectFail(t, r, ok, false, `[0].Name: want "Paris", got assert.AnyString()`, "are want and got swapped?")
	r, ok = record("actual", func(tb testing.TB) bool {
		return assert.Parts(tb, []city{{assert.AnyString()}}, []city{{"Paris"}})
	})
	expectPass(t, r, ok)

	// A matcher in an any field of got is not honoured, and the failure
	// says where matchers belong.
	wantR := &llm.Response{ProviderDetails: map[string]any{"city": "Paris"}}
	gotR := &llm.Response{ProviderDetails: map[string]any{"city": assert.AnyString()}}
	r, ok = record("actual", func(tb testing.TB) bool { return assert.Response(tb, wantR, gotR) })
	expectFail(t, r, ok, false, `ProviderDetails.city: want "Paris", got assert.AnyString()`,
		"hint: got holds assert.AnyString() at ProviderDetails.city: a matcher is honoured in want only")

	// In a request body, the marker text is data too.
	r, ok = record("actual", func(tb testing.TB) bool {
		return assert.RequestJSON(tb, `{"city": "Paris"}`, `{"city": "<assert.AnyString>"}`)
	})
	expectFail(t, r, ok, false, `city: want "Paris", got "<assert.AnyString>"`)
	r, ok = record("actual", func(tb testing.TB) bool {
		return assert.RequestJSON(tb, `{"city": "<assert.AnyString>"}`, `{"city": "Paris"}`)
	})
	expectFail(t, r, ok, false, `city: want "<assert.AnyString>", got "Paris"`)

	// Two matchers compare as nothing at all: the want side's rule runs on
	// got's value, which is not a string.
	r, ok = record("actual", func(tb testing.TB) bool {
		return assert.RequestJSON(tb, map[string]any{"city": assert.AnyString()}, `{"city": 1}`)
	})
	expectFail(t, r, ok, false, `city: want any string, got 1`)
}
