package assert_test

import (
	"os"
	"testing"

	"github.com/llmvcr/llmvcr/assert"
)

func BenchmarkRequestJSONEqual(b *testing.B) {
	body, err := os.ReadFile("testdata/groq_tool_retry_request.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !assert.RequestJSON(b, body, body, assert.IgnorePaths("messages[*].tool_calls[*].id")) {
			b.Fatal("not equal")
		}
	}
}

func BenchmarkResponseEqual(b *testing.B) {
	want, got := weatherResponse(), weatherResponse()
	b.ReportAllocs()
	for b.Loop() {
		if !assert.Response(b, want, got) {
			b.Fatal("not equal")
		}
	}
}
