package groq

import (
	"bytes"
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// chunkDecoder decodes stream chunks into a ChatCompletionChunk it reuses.
// The common chunk shapes (text, reasoning and tool-call deltas, finish
// reasons) take a fast path that allocates only the delta strings and
// reuses the id, model and fingerprint that repeat in every chunk; any
// other shape (usage, x_groq, errors, fields it does not know) is handed
// to encoding/json, so the result is always what json.Unmarshal gives.
// The chunk it returns is valid until the next call.
type chunkDecoder struct {
	chunk   groqwire.ChatCompletionChunk
	choices []groqwire.ChunkChoice
	calls   []groqwire.ToolCall
	ints    []int    // backing store for ToolCall.Index
	strs    []string // backing store for *string fields
	buf     []byte   // unescaping
	// the previous values of the strings that repeat from chunk to chunk
	id, object, model, fingerprint, tier, role, channel, typ, finish string
}

var jsonNull = json.RawMessage("null")

// decode returns the chunk in data.
func (d *chunkDecoder) decode(data []byte) (*groqwire.ChatCompletionChunk, error) {
	d.chunk = groqwire.ChatCompletionChunk{}
	d.strs = d.strs[:0]
	d.ints = d.ints[:0]
	d.calls = d.calls[:0]
	d.choices = d.choices[:0]
	if d.fast(data) {
		return &d.chunk, nil
	}
	d.chunk = groqwire.ChatCompletionChunk{}
	if err := json.Unmarshal(data, &d.chunk); err != nil {
		return nil, err
	}
	return &d.chunk, nil
}

// scanner reads JSON from b.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next skips whitespace and reports whether c comes next, consuming it.
func (s *scanner) next(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// null consumes a null literal.
func (s *scanner) null() bool {
	s.ws()
	if bytes.HasPrefix(s.b[s.i:], []byte("null")) {
		s.i += 4
		return true
	}
	return false
}

// rawString returns the bytes between the quotes of the next string and
// whether they hold escapes; ok is false when there is no valid string.
func (s *scanner) rawString() (raw []byte, escaped, ok bool) {
	if !s.next('"') {
		return nil, false, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			raw = s.b[start:s.i]
			s.i++
			return raw, escaped, true
		case c == '\\':
			escaped = true
			s.i += 2
		case c < 0x20:
			return nil, false, false
		default:
			s.i++
		}
	}
	return nil, false, false
}

// str returns the next string, reusing prev when it is the same.
func (d *chunkDecoder) str(s *scanner, prev *string) (string, bool) {
	raw, escaped, ok := s.rawString()
	if !ok {
		return "", false
	}
	if escaped {
		var good bool
		d.buf, good = unescape(d.buf[:0], raw)
		if !good {
			return "", false
		}
		raw = d.buf
	}
	if !utf8.Valid(raw) {
		return "", false // encoding/json replaces bad bytes; let it
	}
	if prev != nil && *prev == string(raw) {
		return *prev, true
	}
	v := string(raw)
	if prev != nil {
		*prev = v
	}
	return v, true
}

// strPtr returns a pointer to the next string, or nil for null.
func (d *chunkDecoder) strPtr(s *scanner, prev *string) (*string, bool) {
	if s.null() {
		return nil, true
	}
	v, ok := d.str(s, prev)
	if !ok {
		return nil, false
	}
	if cap(d.strs) == len(d.strs) {
		// A new backing array: pointers into the old one stay valid.
		d.strs = make([]string, 0, max(8, 2*cap(d.strs)))
	}
	d.strs = append(d.strs, v)
	return &d.strs[len(d.strs)-1], true
}

// integer reads a JSON integer that fits an int64.
func (s *scanner) integer() (int64, bool) {
	s.ws()
	neg := false
	if s.i < len(s.b) && s.b[s.i] == '-' {
		neg = true
		s.i++
	}
	start := s.i
	var n int64
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		if s.i-start >= 18 {
			return 0, false
		}
		n = n*10 + int64(s.b[s.i]-'0')
		s.i++
	}
	if s.i == start || (s.b[start] == '0' && s.i-start > 1) {
		return 0, false
	}
	if s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// object calls field for every key of the next object; field reads the
// value and returns false to give up.
func (s *scanner) object(field func(key []byte) bool) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	for {
		key, escaped, ok := s.rawString()
		if !ok || escaped || !s.next(':') || !field(key) {
			return false
		}
		if s.next(',') {
			continue
		}
		return s.next('}')
	}
}

// array calls elem for every element of the next array.
func (s *scanner) array(elem func() bool) bool {
	if !s.next('[') {
		return false
	}
	if s.next(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.next(',') {
			continue
		}
		return s.next(']')
	}
}

// fast decodes the common chunk shapes; false means "use encoding/json".
func (d *chunkDecoder) fast(data []byte) bool {
	s := &scanner{b: data}
	c := &d.chunk
	ok := s.object(func(key []byte) bool {
		var good bool
		switch string(key) {
		case "id":
			c.ID, good = d.str(s, &d.id)
		case "object":
			c.Object, good = d.str(s, &d.object)
		case "created":
			c.Created, good = s.integer()
		case "model":
			c.Model, good = d.str(s, &d.model)
		case "system_fingerprint":
			c.SystemFingerprint, good = d.str(s, &d.fingerprint)
		case "service_tier":
			c.ServiceTier, good = d.str(s, &d.tier)
		case "choices":
			d.choices = d.choices[:0]
			good = s.array(func() bool { return d.choice(s) })
			c.Choices = d.choices
		}
		return good
	})
	if !ok {
		return false
	}
	s.ws()
	return s.i == len(s.b) && c.Choices != nil
}

func (d *chunkDecoder) choice(s *scanner) bool {
	d.choices = append(d.choices, groqwire.ChunkChoice{})
	ch := &d.choices[len(d.choices)-1]
	return s.object(func(key []byte) bool {
		switch string(key) {
		case "index":
			n, ok := s.integer()
			ch.Index = int(n)
			return ok
		case "delta":
			return d.delta(s, &ch.Delta)
		case "logprobs":
			ch.Logprobs = jsonNull
			return s.null()
		case "finish_reason":
			var ok bool
			ch.FinishReason, ok = d.strPtr(s, &d.finish)
			return ok
		}
		return false
	})
}

func (d *chunkDecoder) delta(s *scanner, dl *groqwire.ChunkDelta) bool {
	return s.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "role":
			dl.Role, ok = d.str(s, &d.role)
		case "content":
			dl.Content, ok = d.strPtr(s, nil)
		case "reasoning":
			dl.Reasoning, ok = d.strPtr(s, nil)
		case "channel":
			dl.Channel, ok = d.str(s, &d.channel)
		case "tool_calls":
			start := len(d.calls)
			ok = s.array(func() bool { return d.toolCall(s) })
			dl.ToolCalls = d.calls[start:len(d.calls):len(d.calls)]
		}
		return ok
	})
}

func (d *chunkDecoder) toolCall(s *scanner) bool {
	var tc groqwire.ToolCall
	ok := s.object(func(key []byte) bool {
		var good bool
		switch string(key) {
		case "index":
			var n int64
			n, good = s.integer()
			if cap(d.ints) == len(d.ints) {
				d.ints = make([]int, 0, max(8, 2*cap(d.ints)))
			}
			d.ints = append(d.ints, int(n))
			tc.Index = &d.ints[len(d.ints)-1]
		case "id":
			tc.ID, good = d.str(s, nil)
		case "type":
			tc.Type, good = d.str(s, &d.typ)
		case "function":
			good = s.object(func(k []byte) bool {
				var g bool
				switch string(k) {
				case "name":
					tc.Function.Name, g = d.str(s, nil)
				case "arguments":
					tc.Function.Arguments, g = d.str(s, nil)
				}
				return g
			})
		}
		return good
	})
	if ok {
		d.calls = append(d.calls, tc)
	}
	return ok
}

// unescape appends the unescaped form of a JSON string body to dst.
func unescape(dst, raw []byte) ([]byte, bool) {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		if i >= len(raw) {
			return dst, false
		}
		switch raw[i] {
		case '"', '\\', '/':
			dst = append(dst, raw[i])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(raw[i+1:])
			if !ok {
				return dst, false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok2 := rune(0), false
				if i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					r2, ok2 = hex4(raw[i+3:])
				}
				if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return dst, false
		}
	}
	return dst, true
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
