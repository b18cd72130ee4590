package fakemodel_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/llmvcr/llmvcr/fakes/fakemodel"
	"github.com/llmvcr/llmvcr/llm"
)

func ExampleTestModel() {
	m := &fakemodel.TestModel{}
	params := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{
		Name:       "roll_die",
		Parameters: json.RawMessage(`{"type":"object","properties":{"sides":{"type":"integer","minimum":6}},"required":["sides"]}`),
	}}}
	msgs := []llm.Message{llm.NewRequest(llm.User("Roll a die"))}
	first, _ := m.Request(context.Background(), msgs, nil, params)
	call := first.ToolCalls()[0]
	fmt.Println(call.ToolName, call.Args, call.ToolCallID)

	msgs = append(msgs, first, llm.NewRequest(llm.ToolReturn("roll_die", call.ToolCallID, 4)))
	final, _ := m.Request(context.Background(), msgs, nil, params)
	fmt.Println(final.Text())
	// Output:
	// roll_die {"sides":6} pyd_ai_tool_call_id__roll_die
	// {"roll_die":4}
}

func ExampleFunctionModel() {
	m := &fakemodel.FunctionModel{Func: func(ctx context.Context, msgs []llm.Message, info fakemodel.RequestInfo) (*llm.Response, error) {
		return &llm.Response{Parts: []llm.ResponsePart{llm.Reply(fmt.Sprintf("%d tools offered", len(info.FunctionTools)))}}, nil
	}}
	resp, _ := m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("hello"))}, nil, nil)
	fmt.Println(resp.Text(), resp.ModelName, resp.Usage.InputTokens, resp.Usage.OutputTokens)
	// Output: 0 tools offered function 51 3
}
