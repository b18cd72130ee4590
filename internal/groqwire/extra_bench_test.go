package groqwire

import (
	"encoding/json"
	"testing"
)

// A non-streamed completion as Groq sends it (x_groq, usage, an unknown
// member), decoded with every unknown field kept at each level.
func BenchmarkUnmarshalCompletion(b *testing.B) {
	body := []byte(`{"id":"chatcmpl-1","object":"chat.completion","created":1744043573,"model":"llama-3.3-70b-versatile",
	"choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital of France, and it has been for a long time."},"logprobs":null,"finish_reason":"stop"}],
	"usage":{"queue_time":0.02,"prompt_tokens":48,"prompt_time":0.003,"completion_tokens":15,"completion_time":0.05,"total_tokens":63,"total_time":0.053},
	"usage_breakdown":null,"system_fingerprint":"fp_1","x_groq":{"id":"req_01","usage":{"dram_cached_tokens":0,"sram_cached_tokens":0}},"service_tier":"on_demand","future_field":{"a":[1,2,3]}}`)
	b.ReportAllocs()
	for b.Loop() {
		var c ChatCompletion
		if err := json.Unmarshal(body, &c); err != nil {
			b.Fatal(err)
		}
	}
}
