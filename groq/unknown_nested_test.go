package groq

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// Fields Groq adds inside a tool call, its function, and the usage's token
// details survive a decode and re-encode (fakes and cmd/record write the
// wire types back), in a chunk (fast decoder included) and a completion;
// and the integers of completion_tokens_details reach llm.Usage.Details,
// as pydantic-ai's _map_usage lifts them (models/groq.py).
func TestUnknownNestedFieldsSurvive(t *testing.T) {
	const call = `{"index":0,"id":"c1","type":"function","function":{"name":"f","arguments":"{}","new_fn":1},"new_call":"x"}`
	const usage = `{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8,` +
		`"prompt_tokens_details":{"cached_tokens":2,"new_prompt":4},"completion_tokens_details":{"reasoning_tokens":1,"accepted_prediction_tokens":7,"note":"n"}}`
	chunk := `{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[` + call + `]},"finish_reason":null}],` +
		`"x_groq":{"id":"r","usage":` + usage + `}}`
	var d chunkDecoder
	c, err := d.decode([]byte(chunk))
	if err != nil {
		t.Fatal(err)
	}
	back, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	jsonEq(t, chunk, back)
	// The fast path sees an unknown key in a tool call, and agrees.
	fast, err := d.decode([]byte(`{"id":"x","choices":[{"index":0,"delta":{"tool_calls":[` + call + `]},"finish_reason":null}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(fast.Choices[0].Delta.ToolCalls[0].Extra["new_call"]); got != `"x"` {
		t.Errorf("stream tool call extra = %q", got)
	}

	completion := `{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","tool_calls":[` + call + `]},"finish_reason":"tool_calls"}],"usage":` + usage + `}`
	var cc groqwire.ChatCompletion
	if err := json.Unmarshal([]byte(completion), &cc); err != nil {
		t.Fatal(err)
	}
	back, _ = json.Marshal(cc)
	jsonEq(t, completion, back)

	r, err := processResponse(&cc, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"reasoning_tokens": 1, "accepted_prediction_tokens": 7}
	if diff := cmp.Diff(want, r.Usage.Details); diff != "" {
		t.Errorf("usage details (-want +got):\n%s", diff)
	}
	if r.Usage.CacheReadTokens != 2 {
		t.Errorf("cache read %d", r.Usage.CacheReadTokens)
	}

	sr, err := streamModel(t, &bodyTransport{body: sseOf(chunk, textChunk("", "tool_calls"))}).RequestStream(context.Background(), hello(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	if _, _, err := collect(t, sr); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, sr.Usage().Details); diff != "" {
		t.Errorf("stream usage details (-want +got):\n%s", diff)
	}
}
