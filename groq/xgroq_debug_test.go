package groq

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// x_groq.debug, groq-python 1.6.0's XGroqDebug (chat_completion.py and
// chat_completion_chunk.py: input_token_ids, input_tokens,
// output_token_ids, output_tokens), reaches ProviderDetails["x_groq_debug"]
// from a whole completion and from a stream, unknown members kept.
func TestXGroqDebugIsSurfaced(t *testing.T) {
	const debug = `{"input_token_ids":[1,2],"input_tokens":["a","b"],"output_token_ids":[3],"output_tokens":["c"],"new":true}`
	want := map[string]any{
		"input_token_ids": []any{1.0, 2.0}, "input_tokens": []any{"a", "b"},
		"output_token_ids": []any{3.0}, "output_tokens": []any{"c"}, "new": true,
	}

	var c groqwire.ChatCompletion
	body := `{"id":"chatcmpl-1","object":"chat.completion","created":1770663522,"model":"llama-3.3-70b-versatile",
"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
"x_groq":{"id":"req_1","debug":` + debug + `}}`
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatal(err)
	}
	r, err := processResponse(&c, "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, r.ProviderDetails["x_groq_debug"]); diff != "" {
		t.Errorf("non-stream (-want +got):\n%s", diff)
	}

	stream := sseOf(textChunk("hi", ""), chunkJSON(`{}`, "stop", `,"x_groq":{"id":"req_1","debug":`+debug+`}`))
	sr, err := streamModel(t, &bodyTransport{body: stream}).RequestStream(context.Background(), hello(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	if _, _, err := collect(t, sr); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, sr.Response().ProviderDetails["x_groq_debug"]); diff != "" {
		t.Errorf("stream (-want +got):\n%s", diff)
	}

	for _, absent := range []string{``, `,"debug":null`, `,"debug":"x"`} {
		var c groqwire.ChatCompletion
		body := `{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"x_groq":{"id":"r"` + absent + `}}`
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			t.Fatal(err)
		}
		r, _ := processResponse(&c, "")
		if v, ok := r.ProviderDetails["x_groq_debug"]; ok {
			t.Errorf("debug %q gave %v", absent, v)
		}
	}
}
