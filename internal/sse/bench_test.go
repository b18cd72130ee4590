package sse

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/streamgen"
)

const benchChunks = 5000

func BenchmarkDecoder(b *testing.B) {
	for _, s := range []struct {
		name string
		body []byte
	}{
		{"text", streamgen.TextStream(benchChunks)},
		{"toolcall", streamgen.ToolCallStream(benchChunks)},
	} {
		for _, keepAll := range []bool{false, true} {
			name := s.name
			var opts []Option
			if keepAll {
				name += "/keepall"
				opts = append(opts, KeepAll())
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(int64(len(s.body)))
				b.ReportAllocs()
				r := bytes.NewReader(s.body)
				events := 0
				for b.Loop() {
					r.Reset(s.body)
					d := NewDecoder(r, opts...)
					for {
						ev, err := d.Next()
						if err == io.EOF {
							break
						}
						if err != nil {
							b.Fatal(err)
						}
						if len(ev.Data) == 0 {
							b.Fatal("event without data")
						}
						events++
					}
				}
				if want := b.N * (benchChunks + 1); events != want {
					b.Fatalf("%d events, want %d", events, want)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
			})
		}
	}
}

// TestDecoderAllocations checks the steady state: once its buffers have
// grown, the decoder allocates nothing per event, for one-line and
// multi-line data, and not for an unchanged event type or id.
func TestDecoderAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	one := []byte("id: 7\nevent: chunk\ndata: {\"a\":1}\n\n: ping\n\n")
	multi := []byte("id: 7\nevent: chunk\ndata: {\"a\":\ndata: 1}\n\n")
	for _, tt := range []struct {
		name  string
		block []byte
		opts  []Option
	}{
		{"one data line", one, nil},
		{"one data line, KeepAll", one, []Option{KeepAll()}},
		{"several data lines", multi, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := bytes.Repeat(tt.block, 20000)
			d := NewDecoder(bytes.NewReader(body), tt.opts...)
			for range 100 { // let the buffers grow
				if _, err := d.Next(); err != nil {
					t.Fatal(err)
				}
			}
			allocs := testing.AllocsPerRun(1000, func() {
				ev, err := d.Next()
				if err != nil || ev.ID != "7" || (ev.HasData && ev.Type != "chunk") {
					t.Fatalf("event %+v, err %v", ev, err)
				}
			})
			if allocs != 0 {
				t.Errorf("%v allocations per event, want 0", allocs)
			}
		})
	}
}

// chunkReader returns at most n bytes per Read, as a network connection
// does.
type chunkReader struct {
	b []byte
	n int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), r.n)], r.b)
	r.b = r.b[k:]
	return k, nil
}

// BenchmarkDecoderLongLine decodes one 4 MiB data line (a base64 image in
// executed_tools, say) arriving in 4 KiB reads. The line end is searched
// only in newly read bytes, so this stays linear in the line's length.
func BenchmarkDecoderLongLine(b *testing.B) {
	body := []byte("data: " + strings.Repeat("A", 4<<20) + "\r\n\r\n")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(&chunkReader{b: body, n: 4 << 10})
		ev, err := d.Next()
		if err != nil || len(ev.Data) != 4<<20 {
			b.Fatalf("event of %d bytes, err %v", len(ev.Data), err)
		}
	}
}
