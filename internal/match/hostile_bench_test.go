package match

import (
	"net/http"
	"strings"
	"testing"
)

// BenchmarkMissLongBodies measures the miss report for a 10 MB JSON
// request whose string (2M short lines) differs in every line from the
// recorded one, and reports the report's size (report-bytes/op).
func BenchmarkMissLongBodies(b *testing.B) {
	rec := `{"s":"` + strings.Repeat(`line\n`, 2<<20) + `"}`
	got := []byte(`{"s":"` + strings.Repeat(`LINE\n`, 2<<20) + `"}`)
	x := NewIndex("c.yaml", []*Interaction{chat(rec)})
	r, err := http.NewRequest("POST", chatURL, nil)
	if err != nil {
		b.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	b.ReportAllocs()
	var n int
	for b.Loop() {
		_, err := x.Match(r, got)
		if err == nil {
			b.Fatal("matched")
		}
		n = len(err.Error())
	}
	b.ReportMetric(float64(n), "report-bytes/op")
}
