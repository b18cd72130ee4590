package cassettes

import (
	"testing"
)

// BenchmarkMarshalDeepJSON measures Marshal of one interaction whose JSON
// request and response bodies are arrays nested 9999 deep (20 KB each),
// and reports the size of the file it writes (file-bytes/op).
func BenchmarkMarshalDeepJSON(b *testing.B) {
	body := deepJSON(9999)
	c := &Cassette{Version: Version, Interactions: []*Interaction{jsonInteraction(chatURL, body, body)}}
	b.ReportAllocs()
	var n int
	for b.Loop() {
		data, err := Marshal(c)
		if err != nil {
			b.Fatal(err)
		}
		n = len(data)
	}
	b.ReportMetric(float64(n), "file-bytes/op")
}
