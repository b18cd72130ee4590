package groq

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// The typed values in ProviderDetails keep the fields Groq adds and
// marshal back to what Groq sent, from a completion and a stream.
func TestDetailsKeepUnknownFields(t *testing.T) {
	const annotations = `[{"type":"document_citation","document_citation":{"document_id":"d1","start_index":0,"end_index":2,"new_cite":1},"new_ann":"a"}]`
	const logprobs = `[{"token":"hi","bytes":[104,105],"logprob":-0.1,"top_logprobs":[{"token":"hi","bytes":[104,105],"logprob":-0.1,"new_top":true}],"new_tok":2}]`
	const breakdown = `{"models":[{"model":"m","usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3},"new_model":4}],"new_bd":5}`
	const mcp = `[{"id":"l1","server_label":"s","type":"mcp_list_tools","tools":[{"name":"t","new_tool":6}],"new_list":7}]`

	body := `{"id":"c","object":"chat.completion","created":1,"model":"m","usage_breakdown":` + breakdown + `,"mcp_list_tools":` + mcp + `,
"choices":[{"index":0,"message":{"role":"assistant","content":"hi","annotations":` + annotations + `},"logprobs":{"content":` + logprobs + `},"finish_reason":"stop"}]}`
	var c groqwire.ChatCompletion
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatal(err)
	}
	r, err := processResponse(&c, "")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"annotations": annotations, "logprobs": logprobs, "usage_breakdown": breakdown, "mcp_list_tools": mcp} {
		got, err := json.Marshal(r.ProviderDetails[k])
		if err != nil {
			t.Fatal(err)
		}
		jsonEq(t, want, got)
	}

	stream := sseOf(
		chunkJSON(`{"content":"hi","annotations":`+annotations+`}`, "", ""),
		`{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"logprobs":{"content":`+logprobs+`},"finish_reason":"stop"}],"x_groq":{"id":"r","usage_breakdown":`+breakdown+`}}`,
	)
	sr, err := streamModel(t, &bodyTransport{body: stream}).RequestStream(context.Background(), hello(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	if _, _, err := collect(t, sr); err != nil {
		t.Fatal(err)
	}
	sd := sr.Response().ProviderDetails
	for k, want := range map[string]string{"annotations": annotations, "logprobs": logprobs, "usage_breakdown": breakdown} {
		got, err := json.Marshal(sd[k])
		if err != nil {
			t.Fatal(err)
		}
		jsonEq(t, want, got)
	}
}
