package groq

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// Citations and log probabilities, shaped as groq-python 1.6.0's
// ChatCompletionMessage.annotations / ChoiceDelta.annotations and
// ChoiceLogprobs, reach ProviderDetails typed, the same from a stream as
// from a plain response.
func TestAnnotationsAndLogprobsStreamAndNonStream(t *testing.T) {
	wantAnnotations := []groqwire.Annotation{
		{Type: "document_citation", DocumentCitation: &groqwire.DocumentCitation{DocumentID: "doc-1", StartIndex: 0, EndIndex: 5}},
		{Type: "function_citation", FunctionCitation: &groqwire.FunctionCitation{ToolCallID: "call_1", StartIndex: 6, EndIndex: 12}},
	}
	wantLogprobs := []groqwire.TokenLogprob{
		{Token: "Paris", Bytes: []int{80, 97, 114, 105, 115}, Logprob: -0.01, TopLogprobs: []groqwire.TopLogprob{{Token: "Paris", Bytes: []int{80, 97, 114, 105, 115}, Logprob: -0.01}, {Token: "Lyon", Logprob: -4.5}}},
		{Token: " wins", Logprob: -0.2},
	}
	ann0 := `{"type":"document_citation","document_citation":{"document_id":"doc-1","start_index":0,"end_index":5}}`
	ann1 := `{"type":"function_citation","function_citation":{"tool_call_id":"call_1","start_index":6,"end_index":12}}`
	lp0 := `{"token":"Paris","bytes":[80,97,114,105,115],"logprob":-0.01,"top_logprobs":[{"token":"Paris","bytes":[80,97,114,105,115],"logprob":-0.01},{"token":"Lyon","bytes":null,"logprob":-4.5}]}`
	lp1 := `{"token":" wins","logprob":-0.2,"top_logprobs":null}`

	body := `{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop",` +
		`"logprobs":{"content":[` + lp0 + `,` + lp1 + `]},` +
		`"message":{"role":"assistant","content":"Paris wins","annotations":[` + ann0 + `,` + ann1 + `]}}]}`
	var c groqwire.ChatCompletion
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatal(err)
	}
	r, err := processResponse(&c, "")
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, details map[string]any) {
		t.Helper()
		if diff := cmp.Diff(wantAnnotations, details["annotations"]); diff != "" {
			t.Errorf("%s annotations (-want +got):\n%s", what, diff)
		}
		if diff := cmp.Diff(wantLogprobs, details["logprobs"]); diff != "" {
			t.Errorf("%s logprobs (-want +got):\n%s", what, diff)
		}
	}
	check("non-stream", r.ProviderDetails)

	chunk := func(delta, logprobs, finish string) string {
		fr := "null"
		if finish != "" {
			fr = `"` + finish + `"`
		}
		return `{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":` + delta + `,"logprobs":` + logprobs + `,"finish_reason":` + fr + `}]}`
	}
	sr := openStream(t, sseOf(
		chunk(`{"role":"assistant","content":"Paris"}`, `{"content":[`+lp0+`]}`, ""),
		chunk(`{"content":" wins","annotations":[`+ann0+`]}`, `{"content":[`+lp1+`]}`, ""),
		chunk(`{"annotations":[`+ann1+`]}`, `null`, "stop"),
	), nil)
	if _, _, err := collect(t, sr); err != nil {
		t.Fatal(err)
	}
	sresp := sr.Response()
	check("stream", sresp.ProviderDetails)
	if sresp.Text() != r.Text() {
		t.Errorf("text %q vs %q", sresp.Text(), r.Text())
	}
	// "the answer cites document doc-1 at [0,5)": the cited text.
	a := sresp.ProviderDetails["annotations"].([]groqwire.Annotation)[0].DocumentCitation
	if got := sresp.Text()[a.StartIndex:a.EndIndex]; got != "Paris" {
		t.Errorf("cited %q", got)
	}
}

// Odd shapes of annotations and logprobs are left out, never an error.
func TestAnnotationsAndLogprobsOddShapes(t *testing.T) {
	body := `{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop","logprobs":"x",` +
		`"message":{"role":"assistant","content":"a","annotations":{"not":"a list"}}}]}`
	var c groqwire.ChatCompletion
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatal(err)
	}
	r, err := processResponse(&c, "")
	if err != nil || r.ProviderDetails["annotations"] != nil || r.ProviderDetails["logprobs"] != nil {
		t.Errorf("err %v details %v", err, r.ProviderDetails)
	}
	sr := openStream(t, sseOf(`{"id":"x","choices":[{"index":0,"delta":{"content":"a","annotations":7},"logprobs":[1],"finish_reason":"stop"}]}`), nil)
	if _, _, err := collect(t, sr); err != nil || sr.Response().ProviderDetails["annotations"] != nil {
		t.Errorf("err %v details %v", err, sr.Response().ProviderDetails)
	}
}
