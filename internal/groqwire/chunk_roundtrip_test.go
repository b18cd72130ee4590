package groqwire

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Chunks as Groq sends them (the first three from pydantic-ai's
// test_tool_use_failed_error_streaming_with_text and
// test_groq_model_web_search_tool_stream recordings, trimmed), and
// payloads whose "error" groq-python reads by its truth
// (src/groq/_streaming.py: `data.get("error")`).
var chunkSeeds = []string{
	`{"id":"chatcmpl-fd87720a","object":"chat.completion.chunk","created":1771438842,"model":"openai/gpt-oss-120b","system_fingerprint":"fp_c82faf3ca0","choices":[{"index":0,"delta":{"reasoning":" maybe","channel":"analysis"},"logprobs":null,"finish_reason":null}]}`,
	`{"id":"chatcmpl-0b76b1ce","object":"chat.completion.chunk","created":1771438843,"model":"openai/gpt-oss-120b","system_fingerprint":"fp_e8236260a9","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"x_groq":{"id":"req_01khrzq88ceeg8s97kbq467yp9","usage":{"queue_time":0.005354561,"prompt_tokens":343,"prompt_time":0.016828877,"completion_tokens":180,"completion_time":0.379143995,"total_tokens":523,"total_time":0.395972872,"completion_tokens_details":{"reasoning_tokens":153}}},"usage":{"queue_time":0.005354561,"prompt_tokens":343,"prompt_time":0.016828877,"completion_tokens":180,"completion_time":0.379143995,"total_tokens":523,"total_time":0.395972872,"completion_tokens_details":{"reasoning_tokens":153}}}`,
	`{"id":"stub","object":"chat.completion.chunk","created":1758144046,"model":"groq/compound","choices":[{"index":0,"delta":{"executed_tools":[{"index":0,"type":"search","arguments":"{\"query\": \"weather\"}","search_results":{"results":[{"title":"t","url":"https://u","content":"c","score":0.9}]}}]},"finish_reason":null}],"x_groq":{"usage_breakdown":{"models":[{"model":"llama-3.3-70b-versatile","usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}]}}}`,
	`{"id":"x","choices":[{"index":0,"delta":{"content":"hi","annotations":[{"type":"document_citation","document_citation":{"document_id":"d1","start_index":0,"end_index":2}}]},"logprobs":{"content":[{"token":"hi","bytes":[104,105],"logprob":-0.1,"top_logprobs":[]}]},"finish_reason":null,"new_choice_field":1}],"new_top_field":{"a":[1,2]}}`,
	`{"id":"x","choices":[],"error":[]}`,
	`{"id":"x","choices":[],"error":0}`,
	`{"id":"x","choices":[],"error":false}`,
	`{"id":"x","choices":[],"error":["x"]}`,
	`{"id":"x","choices":[],"error":""}`,
	`{"id":"x","choices":[],"error":null}`,
	`{"error":{"message":"m","type":"invalid_request_error","code":"tool_use_failed","failed_generation":"","status_code":400}}`,
}

// A chunk decodes whatever shape its "error" has, and writes back every
// member it does not type exactly as it came; decoding what it writes gives
// the same bytes again.
func TestChunkRoundTrip(t *testing.T) {
	for _, s := range chunkSeeds {
		checkChunkRoundTrip(t, []byte(s))
	}
	var c ChatCompletionChunk
	if err := json.Unmarshal([]byte(`{"id":"x","choices":[],"error":[]}`), &c); err != nil {
		t.Fatalf("an array error: %v", err)
	}
	if c.Error != nil || string(c.Extra["error"]) != "[]" {
		t.Errorf("Error %v, Extra %s", c.Error, c.Extra)
	}
}

func FuzzChunkRoundTrip(f *testing.F) {
	for _, s := range chunkSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkChunkRoundTrip(t, []byte(s)) })
}

func checkChunkRoundTrip(t *testing.T, b []byte) {
	t.Helper()
	var c ChatCompletionChunk
	if err := json.Unmarshal(b, &c); err != nil {
		return // not a chunk: refused, which is all that is asked
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("marshal %s: %v", b, err)
	}
	var again ChatCompletionChunk
	if err := json.Unmarshal(out, &again); err != nil {
		t.Fatalf("%s written as %s, which does not decode: %v", b, out, err)
	}
	out2, err := json.Marshal(again)
	if err != nil || !bytes.Equal(out, out2) {
		t.Fatalf("not stable: %s then %s (%v)", out, out2, err)
	}
	var in, written map[string]json.RawMessage
	if json.Unmarshal(b, &in) != nil || json.Unmarshal(out, &written) != nil {
		return
	}
	for k := range c.Extra {
		if k == "error" && c.Error != nil {
			continue
		}
		if !jsonEqual(in[k], written[k]) {
			t.Fatalf("member %q: read %s, written %s", k, in[k], written[k])
		}
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}
