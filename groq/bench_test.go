package groq

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/llmvcr/llmvcr/internal/streamgen"
)

// benchTransport serves body to every request, without a network.
type benchTransport struct{ body []byte }

func (bt benchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}},
		Body: io.NopCloser(bytes.NewReader(bt.body)), Request: req}, nil
}

// BenchmarkStream runs the whole streaming path (request, SSE, chunk
// decoding, part events) over 5,000-chunk Groq streams, reporting MB/s,
// ns and allocations per chunk.
func BenchmarkStream(b *testing.B) {
	const chunks = 5000
	for _, s := range []struct {
		name string
		body []byte
	}{
		{"text", streamgen.TextStream(chunks)},
		{"toolcall", streamgen.ToolCallStream(chunks)},
	} {
		b.Run(s.name, func(b *testing.B) {
			m, err := NewModel("llama-3.3-70b-versatile", WithTransport(benchTransport{s.body}), WithMaxRetries(0))
			if err != nil {
				b.Fatal(err)
			}
			msgs := hello()
			b.SetBytes(int64(len(s.body)))
			b.ReportAllocs()
			total := 0
			for b.Loop() {
				sr, err := m.RequestStream(context.Background(), msgs, nil, nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, err := range sr.Events() {
					if err != nil {
						b.Fatal(err)
					}
				}
				total += sr.(*StreamedResponse).Chunks()
			}
			if total != b.N*chunks {
				b.Fatalf("decoded %d chunks, want %d", total, b.N*chunks)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(total), "ns/chunk")
		})
	}
}
