// Package streamgen builds the Groq-shaped SSE streams that llmvcr's
// benchmarks decode (internal/sse, groq, and the bench module), so every
// benchmark measures the same bytes.
//
// The streams are shaped like Groq's recordings: every chunk repeats id,
// object, created, model and system_fingerprint; the first chunk has delta
// {role, content:""} and x_groq {id, seed}; the last has an empty delta, a
// finish_reason, x_groq.usage and usage; then data: [DONE].
package streamgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

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

// TextStream returns a Groq SSE body of n chunks (n >= 2): a first chunk
// with the role, n-2 text deltas, a last chunk with finish_reason "stop"
// and usage, then data: [DONE]. The same n gives the same bytes.
func TextStream(n int) []byte {
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

// ToolCallStream returns a Groq SSE body of n chunks (n >= 8): a first
// chunk with the role, then four tool calls streamed one after the other,
// each opened by a fragment with its index, id, type, name and empty
// arguments and continued by argument fragments, a last chunk with
// finish_reason "tool_calls" and usage, then data: [DONE]. The same n
// gives the same bytes.
func ToolCallStream(n int) []byte {
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
