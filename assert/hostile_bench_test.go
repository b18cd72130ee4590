package assert_test

import (
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/assert"
)

// quietTB swallows what an assertion reports, keeping its size.
type quietTB struct {
	testing.TB
	bytes int
}

func (q *quietTB) Helper() {}
func (q *quietTB) Errorf(format string, args ...any) {
	for _, a := range args {
		if s, ok := a.(string); ok {
			q.bytes += len(s)
		}
	}
}

// BenchmarkFailureMessageLarge measures RequestJSON failing on two 10 MB
// bodies that differ in their last byte, and reports the size of the
// failure message (msg-bytes/op).
func BenchmarkFailureMessageLarge(b *testing.B) {
	big := strings.Repeat("a", 10<<20)
	want := map[string]any{"s": big}
	got := []byte(`{"s":"` + big[1:] + `b"}`)
	b.ReportAllocs()
	var q quietTB
	for b.Loop() {
		q = quietTB{TB: b}
		if assert.RequestJSON(&q, want, got) {
			b.Fatal("equal")
		}
	}
	b.ReportMetric(float64(q.bytes), "msg-bytes/op")
}
