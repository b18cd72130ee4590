package sse

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// The stream generator below is a copy of bench/streams.go (a separate
// module, which this package cannot import), so that these benchmarks and
// the comparison in bench/ decode the same bytes.

// The generated streams are shaped like Groq's recordings in
// ../shared/vectors/pydantic-ai-groq (and internal/sse/testdata): every
// chunk repeats id, object, created, model and system_fingerprint; the first
// chunk has delta {role, content:""} and x_groq {id, seed}; the last has an
// empty delta, a finish_reason, x_groq.usage and usage; then data: [DONE].

// textWords are the text deltas, a few of which need JSON escapes.
var textWords = []string{
	" The", " capital", " of", " France", " is", " Paris", ",", " a", " city",
	" on", " the", " Seine", ".", " It", "'s", " known", " for", " its",
	" café", " culture", " and", " \"joie", " de", " vivre\"", ".\n\n", "-",
	" museums", ":", " Louvre", " (", "1793", ")", " and", " Orsay", "\n",
}

// argPieces are fragments of a tool call's JSON arguments, as models stream
// them.
var argPieces = []string{
	`{"`, `city`, `":"`, `Par`, `is`, `","`, `unit`, `":"`, `celsius`, `","`,
	`days`, `":`, `3`, `,"`, `note`, `":"`, `caf\u00e9 `, `\"open\"`, ` now`, `"}`,
}

// streamHeader is what every chunk of one stream repeats.
type streamHeader struct {
	id, model, fingerprint, reqID string
	created                       int64
}

func newHeader(rng *rand.Rand, model string) streamHeader {
	hex := func(n int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, n)
		for i := range b {
			b[i] = digits[rng.IntN(16)]
		}
		return string(b)
	}
	const alnum = "0123456789abcdefghjkmnpqrstvwxyz"
	req := make([]byte, 26)
	for i := range req {
		req[i] = alnum[rng.IntN(len(alnum))]
	}
	return streamHeader{
		id:          "chatcmpl-" + hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12),
		model:       model,
		fingerprint: "fp_" + hex(10),
		reqID:       "req_" + string(req),
		created:     1771434740,
	}
}

func (h streamHeader) chunk(b *strings.Builder, delta, finish, extra string) {
	b.WriteString(`data: {"id":"`)
	b.WriteString(h.id)
	b.WriteString(`","object":"chat.completion.chunk","created":`)
	b.WriteString(strconv.FormatInt(h.created, 10))
	b.WriteString(`,"model":"`)
	b.WriteString(h.model)
	b.WriteString(`","system_fingerprint":"`)
	b.WriteString(h.fingerprint)
	b.WriteString(`","choices":[{"index":0,"delta":`)
	b.WriteString(delta)
	b.WriteString(`,"logprobs":null,"finish_reason":`)
	b.WriteString(finish)
	b.WriteString(`}]`)
	b.WriteString(extra)
	b.WriteString("}\n\n")
}

func (h streamHeader) first(b *strings.Builder, seed int64) {
	h.chunk(b, `{"role":"assistant","content":""}`, "null",
		fmt.Sprintf(`,"x_groq":{"id":"%s","seed":%d}`, h.reqID, seed))
}

func (h streamHeader) last(b *strings.Builder, finish string, completionTokens int) {
	usage := fmt.Sprintf(`{"queue_time":0.005626991,"prompt_tokens":339,"prompt_time":0.017648485,`+
		`"completion_tokens":%d,"completion_time":%.9f,"total_tokens":%d,"total_time":%.9f}`,
		completionTokens, float64(completionTokens)/1000, 339+completionTokens, 0.017648485+float64(completionTokens)/1000)
	h.chunk(b, `{}`, `"`+finish+`"`, fmt.Sprintf(`,"x_groq":{"id":"%s","usage":%s},"usage":%s`, h.reqID, usage, usage))
	b.WriteString("data: [DONE]\n\n")
}

// jsonString quotes s as a JSON string, escaping only what JSON requires
// (as Groq does: UTF-8 is sent as is).
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// textStream returns a Groq SSE body of n chunks (n >= 2): a first chunk
// with the role, n-2 text deltas, a last chunk with finish_reason "stop"
// and usage, then data: [DONE]. The same n gives the same bytes.
func textStream(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	h := newHeader(rng, "llama-3.3-70b-versatile")
	var b strings.Builder
	h.first(&b, 27718886)
	for range n - 2 {
		w := textWords[rng.IntN(len(textWords))]
		h.chunk(&b, `{"content":`+jsonString(w)+`}`, "null", "")
	}
	h.last(&b, "stop", n-2)
	return []byte(b.String())
}

// toolCallStream returns a Groq SSE body of n chunks (n >= 8): a first
// chunk with the role, then four tool calls streamed one after the other,
// each opened by a fragment with its index, id, type, name and empty
// arguments and continued by argument fragments, a last chunk with
// finish_reason "tool_calls" and usage, then data: [DONE]. The same n
// gives the same bytes.
func toolCallStream(n int) []byte {
	const calls = 4
	rng := rand.New(rand.NewPCG(3, 4))
	h := newHeader(rng, "openai/gpt-oss-120b")
	var b strings.Builder
	h.first(&b, 1367355884)
	deltas := n - 2
	call, start := -1, 0
	for i := range deltas {
		var tc string
		if c := i * calls / deltas; c != call {
			call, start = c, i
			tc = fmt.Sprintf(`{"index":%d,"id":"fc_%08x-%04x-%04x-%04x-%012x","type":"function","function":{"name":"get_weather","arguments":""}}`,
				call, rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<16), rng.IntN(1<<16), rng.Int64N(1<<48))
		} else {
			piece := argPieces[(i-start-1)%len(argPieces)]
			tc = fmt.Sprintf(`{"index":%d,"function":{"arguments":%s}}`, call, jsonString(piece))
		}
		h.chunk(&b, `{"tool_calls":[`+tc+`]}`, "null", "")
	}
	h.last(&b, "tool_calls", n-2)
	return []byte(b.String())
}

const benchChunks = 5000

func BenchmarkDecoder(b *testing.B) {
	for _, s := range []struct {
		name string
		body []byte
	}{
		{"text", textStream(benchChunks)},
		{"toolcall", toolCallStream(benchChunks)},
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
