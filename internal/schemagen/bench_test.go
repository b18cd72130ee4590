package schemagen_test

import (
	"encoding/json"
	"testing"

	"github.com/llmvcr/llmvcr/internal/schemagen"
)

func BenchmarkArgsFromSchema(b *testing.B) {
	schema := json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1,"maximum":14},
		"units":{"enum":["c","f"]},"when":{"type":"string","format":"date"},"stops":{"type":"array","minItems":3,"items":{"$ref":"#/$defs/Stop"}}},
		"required":["city","days","units","when","stops"],"$defs":{"Stop":{"type":"object","properties":{"name":{"type":"string"},"lat":{"type":"number"}},"required":["name","lat"]}}}`)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := schemagen.Generate(schema, int64(i)); err != nil {
			b.Fatal(err)
		}
	}
}
