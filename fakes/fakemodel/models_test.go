package fakemodel_test

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmvcr/llmvcr/fakes/fakeclock"
	"github.com/llmvcr/llmvcr/fakes/fakemodel"
	"github.com/llmvcr/llmvcr/llm"
)

var t0 = time.Date(2026, 2, 18, 17, 12, 20, 0, time.UTC)

var ignoreTimes = cmpopts.IgnoreFields(llm.Response{}, "Timestamp")

func conversation() []llm.Message {
	return []llm.Message{llm.NewRequest(llm.System("Be concise."), llm.User("What is the capital of France?"))}
}

func TestFunctionModelRequest(t *testing.T) {
	var seen fakemodel.RequestInfo
	m := &fakemodel.FunctionModel{
		ModelName: "my-func",
		Clock:     fakeclock.New(t0),
		Func: func(ctx context.Context, msgs []llm.Message, info fakemodel.RequestInfo) (*llm.Response, error) {
			seen = info
			return &llm.Response{Parts: []llm.ResponsePart{llm.Reply("Paris.")}, ModelName: "ignored"}, nil
		},
	}
	params := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{Name: "f"}}, DenyTextOutput: true}
	msgs := conversation()
	msgs[0].(*llm.Request).Instructions = "Answer in French."
	got, err := m.Request(context.Background(), msgs, nil, params)
	if err != nil {
		t.Fatal(err)
	}
	// 50 + "Be concise." (3 pieces) + "What is the capital of France?" (6) in;
	// "Paris." (2) out, as pydantic-ai counts.
	want := &llm.Response{Parts: []llm.ResponsePart{llm.Reply("Paris.")}, ModelName: "my-func", Timestamp: t0,
		Usage: llm.Usage{Requests: 1, InputTokens: 59, OutputTokens: 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("response (-want +got):\n%s", diff)
	}
	if len(seen.FunctionTools) != 1 || seen.AllowText || seen.Instructions != "Answer in French." || seen.Params != params {
		t.Errorf("info = %+v", seen)
	}
	if m.Name() != "my-func" || m.System() != "function" || (&fakemodel.FunctionModel{}).Name() != "function" {
		t.Errorf("names %q %q", m.Name(), m.System())
	}
}

func TestFunctionModelKeepsGivenUsage(t *testing.T) {
	m := &fakemodel.FunctionModel{Func: func(context.Context, []llm.Message, fakemodel.RequestInfo) (*llm.Response, error) {
		return &llm.Response{Parts: []llm.ResponsePart{llm.Reply("x")}, Usage: llm.Usage{InputTokens: 7, OutputTokens: 1}}, nil
	}}
	got, err := m.Request(context.Background(), conversation(), nil, nil)
	if err != nil || got.Usage.InputTokens != 7 || got.Usage.OutputTokens != 1 {
		t.Errorf("usage %+v, err %v", got.Usage, err)
	}
}

func TestFunctionModelErrors(t *testing.T) {
	boom := errors.New("boom")
	m := &fakemodel.FunctionModel{Func: func(context.Context, []llm.Message, fakemodel.RequestInfo) (*llm.Response, error) { return nil, boom }}
	if _, err := m.Request(context.Background(), conversation(), nil, nil); !errors.Is(err, boom) {
		t.Errorf("err = %v, want the function's", err)
	}
	nilResp := &fakemodel.FunctionModel{Func: func(context.Context, []llm.Message, fakemodel.RequestInfo) (*llm.Response, error) { return nil, nil }}
	var ub *llm.UnexpectedModelBehavior
	if _, err := nilResp.Request(context.Background(), conversation(), nil, nil); !errors.As(err, &ub) {
		t.Errorf("err = %v, want UnexpectedModelBehavior", err)
	}
	var ue *llm.UserError
	if _, err := (&fakemodel.FunctionModel{}).Request(context.Background(), conversation(), nil, nil); !errors.As(err, &ue) {
		t.Errorf("err = %v, want UserError", err)
	}
}

func seq(ds ...fakemodel.Delta) func(context.Context, []llm.Message, fakemodel.RequestInfo) iter.Seq2[fakemodel.Delta, error] {
	return func(ctx context.Context, _ []llm.Message, _ fakemodel.RequestInfo) iter.Seq2[fakemodel.Delta, error] {
		return func(yield func(fakemodel.Delta, error) bool) {
			for _, d := range ds {
				if !yield(d, nil) {
					return
				}
			}
		}
	}
}

func collect(t *testing.T, s llm.StreamedResponse) ([]llm.Event, error) {
	t.Helper()
	var evs []llm.Event
	for ev, err := range s.Events() {
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

func TestFunctionModelStream(t *testing.T) {
	m := &fakemodel.FunctionModel{Stream: seq(
		fakemodel.ThinkingDelta{Content: "Hmm"},
		fakemodel.TextDelta("Hel"), fakemodel.TextDelta("lo"),
		fakemodel.ToolCallDelta{Index: 0, Name: "get", ID: "c1"},
		fakemodel.ToolCallDelta{Index: 0, Args: `{"a":`},
		fakemodel.ToolCallDelta{Index: 0, Args: `1}`},
	)}
	s, err := m.RequestStream(context.Background(), conversation(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range evs {
		kinds = append(kinds, llm.Kind(ev))
	}
	want := []string{"part_start", "part_end", "part_start", "part_delta", "part_end", "part_start", "part_delta", "part_delta", "part_end"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	wantParts := []llm.ResponsePart{llm.Thought("Hmm"), llm.Reply("Hello"), llm.ToolCall("get", `{"a":1}`, "c1")}
	got := s.Response()
	if diff := cmp.Diff(wantParts, got.Parts); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	// Out: "Hmm" 1, "Hello" 1, tool call 1 + `{"a":1}` (3 pieces: {, a, 1}).
	if u := s.Usage(); u.InputTokens != 59 || u.OutputTokens != 6 || got.ModelName != "function" {
		t.Errorf("usage %+v, model %q", u, got.ModelName)
	}
	if _, err := collect(t, s); err == nil {
		t.Error("ranging twice gave no error")
	}
}

func TestFunctionModelStreamOfNothing(t *testing.T) {
	m := &fakemodel.FunctionModel{Stream: seq()}
	s, err := m.RequestStream(context.Background(), conversation(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ub *llm.UnexpectedModelBehavior
	if _, err := collect(t, s); !errors.As(err, &ub) {
		t.Errorf("err = %v, want UnexpectedModelBehavior", err)
	}
}

func TestFunctionModelStreamClose(t *testing.T) {
	var sawCancel bool
	m := &fakemodel.FunctionModel{Stream: func(ctx context.Context, _ []llm.Message, _ fakemodel.RequestInfo) iter.Seq2[fakemodel.Delta, error] {
		return func(yield func(fakemodel.Delta, error) bool) {
			for i := 0; ; i++ {
				if ctx.Err() != nil {
					sawCancel = true
					return
				}
				if !yield(fakemodel.TextDelta("w "), nil) {
					return
				}
			}
		}
	}}
	s, err := m.RequestStream(context.Background(), conversation(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var last error
	for _, err := range s.Events() {
		if err != nil {
			last = err
			break
		}
		if n++; n == 3 {
			s.Close()
		}
	}
	if !errors.Is(last, context.Canceled) || !sawCancel {
		t.Errorf("after Close: err %v, source saw cancel %v", last, sawCancel)
	}
	if got := s.Response().Text(); got != "w w w " {
		t.Errorf("partial text %q", got)
	}
}

func TestFunctionModelFallbacks(t *testing.T) {
	onlyFunc := &fakemodel.FunctionModel{Func: func(context.Context, []llm.Message, fakemodel.RequestInfo) (*llm.Response, error) {
		return &llm.Response{Parts: []llm.ResponsePart{llm.Reply("one two three")}}, nil
	}}
	s, err := onlyFunc.RequestStream(context.Background(), conversation(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := collect(t, s)
	if err != nil || len(evs) != 4 || s.Response().Text() != "one two three" {
		t.Errorf("events %d (%v), text %q", len(evs), err, s.Response().Text())
	}
	onlyStream := &fakemodel.FunctionModel{Stream: seq(fakemodel.TextDelta("a"), fakemodel.TextDelta("b"))}
	resp, err := onlyStream.Request(context.Background(), conversation(), nil, nil)
	if err != nil || resp.Text() != "ab" {
		t.Errorf("collected %v, %v", resp, err)
	}
}

var testTools = &llm.RequestParams{FunctionTools: []llm.ToolDefinition{
	{Name: "get_weather", Parameters: json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`)},
	{Name: "get_time", Parameters: json.RawMessage(`{"type":"object","properties":{"hour":{"type":"integer","minimum":0,"maximum":23}},"required":["hour"]}`)},
}}

func TestTestModelCallsToolsThenSummarises(t *testing.T) {
	m := &fakemodel.TestModel{Seed: 1, Clock: fakeclock.New(t0)}
	msgs := conversation()
	first, err := m.Request(context.Background(), msgs, nil, testTools)
	if err != nil {
		t.Fatal(err)
	}
	wantCalls := []llm.ResponsePart{
		llm.ToolCall("get_weather", `{"city":"b"}`, "pyd_ai_tool_call_id__get_weather"),
		llm.ToolCall("get_time", `{"hour":1}`, "pyd_ai_tool_call_id__get_time"),
	}
	if diff := cmp.Diff(wantCalls, first.Parts); diff != "" {
		t.Errorf("first answer (-want +got):\n%s", diff)
	}
	if first.ModelName != "test" || first.Usage.InputTokens != 59 || first.Usage.OutputTokens == 0 || m.LastParams() != testTools {
		t.Errorf("response %+v", first)
	}
	msgs = append(msgs, first, llm.NewRequest(
		llm.ToolReturn("get_weather", "pyd_ai_tool_call_id__get_weather", "sunny"),
		llm.ToolReturn("get_time", "pyd_ai_tool_call_id__get_time", map[string]any{"h": 12}),
	))
	second, err := m.Request(context.Background(), msgs, nil, testTools)
	if err != nil {
		t.Fatal(err)
	}
	if got := second.Text(); got != `{"get_weather":"sunny","get_time":{"h":12}}` {
		t.Errorf("summary %q", got)
	}
}

func TestTestModelVariants(t *testing.T) {
	outputTool := llm.ToolDefinition{Name: "final_result", Kind: llm.ToolKindOutput,
		Parameters: json.RawMessage(`{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}`)}
	afterCall := func(parts ...llm.RequestPart) []llm.Message {
		return append(conversation(), llm.NewResponse(llm.ToolCall("get_weather", `{}`, "1")), llm.NewRequest(parts...))
	}
	tests := []struct {
		name   string
		model  *fakemodel.TestModel
		msgs   []llm.Message
		params *llm.RequestParams
		want   []llm.ResponsePart
	}{
		{"no tools", &fakemodel.TestModel{}, conversation(), nil, []llm.ResponsePart{llm.Reply("success (no tool calls)")}},
		{"configured text", &fakemodel.TestModel{Text: "Paris"}, afterCall(llm.ToolReturn("get_weather", "1", "x")), testTools,
			[]llm.ResponsePart{llm.Reply("Paris")}},
		{"empty CallTools calls none", &fakemodel.TestModel{CallTools: []string{}}, conversation(), testTools,
			[]llm.ResponsePart{llm.Reply("success (no tool calls)")}},
		{"only listed tools", &fakemodel.TestModel{CallTools: []string{"get_time"}}, conversation(), testTools,
			[]llm.ResponsePart{llm.ToolCall("get_time", `{"hour":0}`, "pyd_ai_tool_call_id__get_time")}},
		{"retry calls again", &fakemodel.TestModel{Seed: 2}, afterCall(llm.RetryTool("get_weather", "1", "bad city")), testTools,
			[]llm.ResponsePart{llm.ToolCall("get_weather", `{"city":"c"}`, "pyd_ai_tool_call_id__get_weather")}},
		{"output tool when text is denied", &fakemodel.TestModel{}, afterCall(llm.ToolReturn("get_weather", "1", "x")),
			&llm.RequestParams{FunctionTools: testTools.FunctionTools, OutputTools: []llm.ToolDefinition{outputTool}, DenyTextOutput: true},
			[]llm.ResponsePart{llm.ToolCall("final_result", `{"answer":"a"}`, "pyd_ai_tool_call_id__final_result")}},
		{"output args given", &fakemodel.TestModel{OutputArgs: map[string]string{"answer": "42"}}, conversation(),
			&llm.RequestParams{OutputTools: []llm.ToolDefinition{outputTool}},
			[]llm.ResponsePart{llm.ToolCall("final_result", `{"answer":"42"}`, "pyd_ai_tool_call_id__final_result")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.model.Request(context.Background(), tt.msgs, nil, tt.params)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Parts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
		})
	}
	var ue *llm.UserError
	_, err := (&fakemodel.TestModel{}).Request(context.Background(), conversation(), nil, &llm.RequestParams{NativeTools: []llm.NativeTool{&llm.WebSearchTool{}}})
	if !errors.As(err, &ue) {
		t.Errorf("native tools: err %v, want UserError", err)
	}
}

func TestTestModelStreamsWordByWord(t *testing.T) {
	m := &fakemodel.TestModel{}
	s, err := m.RequestStream(context.Background(), conversation(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	var pieces []string
	for _, ev := range evs {
		switch e := ev.(type) {
		case llm.PartStartEvent:
			pieces = append(pieces, e.Part.(*llm.TextPart).Content)
		case llm.PartDeltaEvent:
			pieces = append(pieces, e.Delta.(llm.TextPartDelta).ContentDelta)
		}
	}
	if diff := cmp.Diff([]string{"success ", "(no ", "tool ", "calls)"}, pieces); diff != "" {
		t.Errorf("pieces (-want +got):\n%s", diff)
	}
	whole, _ := m.Request(context.Background(), conversation(), nil, nil)
	if diff := cmp.Diff(whole, s.Response(), ignoreTimes); diff != "" {
		t.Errorf("streamed response differs from Request's (-request +stream):\n%s", diff)
	}
}
