package secrets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/llmvcr/llmvcr/internal/sse"
)

// textFields are the JSON keys whose string values a stream sends in
// pieces: OpenAI-style content, reasoning and tool-call arguments,
// Anthropic text, thinking and partial_json, Responses API deltas,
// logprob tokens.
var textFields = map[string]bool{
	"content": true, "reasoning": true, "reasoning_content": true, "text": true,
	"arguments": true, "partial_json": true, "thinking": true, "delta": true,
	"refusal": true, "token": true,
}

// StreamLeak is a secret that a stream carries in pieces: no single event
// holds it, the joined text of one field does.
type StreamLeak struct {
	Kind   string // Configured, or the shape's kind; never the value
	Field  string // the joined field, e.g. "choices[0].delta.content"
	Events []int  // the events holding its pieces, numbered from 0 among the events with data
}

// String says what was found where, without the secret.
func (l StreamLeak) String() string {
	what := Configured
	if l.Kind != Configured {
		what = "what looks like " + l.Kind
	}
	return fmt.Sprintf("%s split across %s of the stream (field %s)", what, eventRange(l.Events), l.Field)
}

func eventRange(evs []int) string {
	switch {
	case len(evs) == 0:
		return "events"
	case len(evs) == 1:
		return "event " + strconv.Itoa(evs[0])
	case evs[len(evs)-1]-evs[0] == len(evs)-1:
		return fmt.Sprintf("events %d-%d", evs[0], evs[len(evs)-1])
	}
	s := make([]string, len(evs))
	for n, e := range evs {
		s[n] = strconv.Itoa(e)
	}
	return "events " + strings.Join(s, ", ")
}

// piece is one event's string value of one field.
type piece struct {
	event      int    // event number (among events with data)
	text       string // decoded text
	start, end int    // the bytes in the body that hold it (JSON literal, or plain data); -1 when unknown
	plain      bool   // the data is not JSON: the bytes are the text itself
}

// field is one joined field of a stream.
type field struct {
	path   string
	pieces []piece
}

// ScanStream looks for secrets that a recorded event stream carries in
// pieces: for each field (see the package doc) it joins the event's
// pieces and searches the joined text for the strong configured values
// and the credential shapes. A secret inside one piece is not reported
// (ScrubText and Find see it in the body). Timing comments and any other
// SSE comments are ignored; a body that is not an event stream has no
// leaks.
func (e *Engine) ScanStream(body string) []StreamLeak {
	var out []StreamLeak
	for _, f := range streamFields(body) {
		for _, l := range e.fieldLeaks(f) {
			out = append(out, l.StreamLeak)
		}
	}
	return out
}

// ScrubStream removes the secrets ScanStream finds: the piece where a
// secret starts gets Redacted in its place, the pieces after it lose
// their part of it, and each changed JSON string is written back in
// place (the rest of the body is left byte for byte). It returns the new
// body and the leaks it could not remove (a piece in an event with
// several data lines, say), which the caller must refuse to save.
func (e *Engine) ScrubStream(body string) (string, []StreamLeak) {
	var edits []credEdit
	var left []StreamLeak
	for _, f := range streamFields(body) {
		leaks := e.fieldLeaks(f)
		if len(leaks) == 0 {
			continue
		}
		var spans [][2]int
		for _, l := range leaks {
			fixable := true
			for _, k := range l.pieces {
				if f.pieces[k].start < 0 {
					fixable = false
				}
			}
			if !fixable {
				left = append(left, l.StreamLeak)
				continue
			}
			spans = append(spans, [2]int{l.start, l.end})
		}
		spans = mergeSpans(spans)
		off := 0
		for _, p := range f.pieces {
			ps, pe := off, off+len(p.text)
			off = pe
			text, changed := cutSpans(p.text, ps, pe, spans)
			if !changed {
				continue
			}
			if !p.plain {
				text = encodeJSONString(text)
			}
			edits = append(edits, credEdit{p.start, p.end, text})
		}
	}
	if len(edits) == 0 {
		return body, left
	}
	// One pass, so that many edits cost one copy of the body. Pieces do
	// not overlap.
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	return applyEdits(body, edits), left
}

// mergeSpans sorts spans and joins the ones that overlap or touch.
func mergeSpans(spans [][2]int) [][2]int {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var out [][2]int
	for _, s := range spans {
		if n := len(out); n > 0 && s[0] <= out[n-1][1] {
			if s[1] > out[n-1][1] {
				out[n-1][1] = s[1]
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// cutSpans returns the piece text (at [ps, pe) of the joined text) with
// the parts inside spans removed, and Redacted where a span starts.
func cutSpans(text string, ps, pe int, spans [][2]int) (string, bool) {
	var b strings.Builder
	pos, changed := ps, false
	for _, s := range spans {
		if s[1] <= ps || s[0] >= pe {
			continue
		}
		a, z := max(s[0], ps), min(s[1], pe)
		b.WriteString(text[pos-ps : a-ps])
		if s[0] >= ps {
			b.WriteString(Redacted)
		}
		pos, changed = z, true
	}
	if !changed {
		return text, false
	}
	b.WriteString(text[pos-ps:])
	return b.String(), true
}

type fieldLeak struct {
	StreamLeak
	start, end int   // in the joined text
	pieces     []int // indexes into the field's pieces
}

// fieldLeaks finds the secrets of the joined text of f that span two
// pieces or more.
func (e *Engine) fieldLeaks(f field) []fieldLeak {
	if len(f.pieces) < 2 {
		return nil
	}
	var joined strings.Builder
	bounds := make([]int, 0, len(f.pieces)+1) // start of each piece, then the end
	for _, p := range f.pieces {
		bounds = append(bounds, joined.Len())
		joined.WriteString(p.text)
	}
	bounds = append(bounds, joined.Len())
	text := joined.String()
	type hit struct {
		a, b int
		kind string
	}
	var hits []hit
	for _, v := range e.values {
		for from := 0; ; {
			i := strings.Index(text[from:], v)
			if i < 0 {
				break
			}
			hits = append(hits, hit{from + i, from + i + len(v), Configured})
			from += i + 1
		}
	}
	for _, m := range FindShapes(text) {
		hits = append(hits, hit{m.Start, m.End, m.Kind})
	}
	// One leak per span: overlapping hits (a configured value that is
	// also key-shaped) are joined into one, named by the first.
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].a < hits[j].a })
	kept := hits[:0]
	for _, h := range hits {
		if n := len(kept); n > 0 && h.a < kept[n-1].b {
			kept[n-1].b = max(kept[n-1].b, h.b)
			continue
		}
		kept = append(kept, h)
	}
	hits = kept
	var out []fieldLeak
	for _, h := range hits {
		var ps []int
		for k := range f.pieces {
			if bounds[k] < h.b && bounds[k+1] > h.a {
				ps = append(ps, k)
			}
		}
		if len(ps) < 2 {
			continue // one piece: the body scan sees it
		}
		l := fieldLeak{StreamLeak: StreamLeak{Kind: h.kind, Field: f.path}, start: h.a, end: h.b, pieces: ps}
		for _, k := range ps {
			ev := f.pieces[k].event
			if n := len(l.Events); n == 0 || l.Events[n-1] != ev {
				l.Events = append(l.Events, ev)
			}
		}
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// streamFields splits an event stream and gathers each field's pieces in
// event order. A body that does not decode as a stream gives what decoded
// before the error.
func streamFields(body string) []field {
	if !strings.Contains(body, "data:") {
		return nil
	}
	dec := sse.NewDecoder(strings.NewReader(body), sse.KeepAll())
	byPath := map[string]*field{}
	var order []*field
	add := func(path string, p piece) {
		f := byPath[path]
		if f == nil {
			f = &field{path: path}
			byPath[path] = f
			order = append(order, f)
		}
		f.pieces = append(f.pieces, p)
	}
	off, n := 0, 0
	for {
		ev, err := dec.Next()
		if err == io.EOF || err != nil {
			break
		}
		blockStart := off
		off += len(ev.Raw)
		if !ev.HasData {
			continue
		}
		num := n
		n++
		data := string(ev.Data)
		ds := dataOffset(ev.Raw)
		if ds >= 0 {
			ds += blockStart
		}
		if data == "[DONE]" || strings.TrimSpace(data) == "" {
			continue
		}
		if !json.Valid(ev.Data) {
			p := piece{event: num, text: data, start: -1, end: -1, plain: true}
			if ds >= 0 && body[ds:ds+len(data)] == data {
				p.start, p.end = ds, ds+len(data)
			}
			add("data", p)
			continue
		}
		for _, l := range jsonLeaves(ev.Data) {
			p := piece{event: num, text: l.text, start: -1, end: -1}
			if ds >= 0 && l.start >= 0 {
				p.start, p.end = ds+l.start, ds+l.end
			}
			add(l.path, p)
		}
	}
	out := make([]field, 0, len(order))
	for _, f := range order {
		out = append(out, *f)
	}
	return out
}

// dataOffset returns where, in a block's raw bytes, the value of its one
// data line starts; -1 when the block has more than one data line (its
// data is then not one run of bytes).
func dataOffset(raw []byte) int {
	found := -1
	for pos := 0; pos < len(raw); {
		end := bytes.IndexAny(raw[pos:], "\r\n")
		line := raw[pos:]
		next := len(raw)
		if end >= 0 {
			line = raw[pos : pos+end]
			next = pos + end + 1
			if raw[pos+end] == '\r' && next < len(raw) && raw[next] == '\n' {
				next++
			}
		}
		if bytes.HasPrefix(line, []byte("data:")) || bytes.Equal(line, []byte("data")) {
			if found >= 0 {
				return -1
			}
			found = pos + len("data:")
			if bytes.Equal(line, []byte("data")) {
				found = pos + len("data")
			} else if len(line) > 5 && line[5] == ' ' {
				found++
			}
		}
		pos = next
	}
	return found
}

// leaf is one string value of a text field in a JSON document.
type leaf struct {
	path       string
	text       string
	start, end int // the literal, quotes included, in the document; -1 if not found
}

// frame is one open object or array while walking a JSON document.
type frame struct {
	array   bool
	key     string // objects: the current key
	wantKey bool   // objects: the next string is a key
	id      int    // objects: a number for the object
	elem    int    // arrays: the id of the current element object, -1 for a scalar
	inArray bool   // objects: an element of an array
}

// jsonLeaves walks a JSON document (valid JSON: the caller checked) and
// returns the string values of text fields with their paths. In a path,
// an array element is shown by its "index" field when it has one
// ("choices[0]", "tool_calls[1]") and as "[*]" otherwise, and an object's
// other "..._index" fields are shown after it ("(content_index=0)"), so
// that the same field of the same choice (or content block) has the same
// path in every event; a Gemini part marked "thought": true is shown as
// "(thought)", so that thoughts and text are joined apart. It scans the bytes itself, decoding only the
// strings it keeps: a stream has thousands of events.
func jsonLeaves(data []byte) []leaf {
	type pending struct {
		frames []frame
		leaf   leaf
	}
	var stack []frame
	var found []pending
	index := map[int]string{}   // object id -> its "index" value
	extra := map[int][]string{} // object id -> "name=value" of its other index fields
	nextID := 0
	valueDone := func() {
		if n := len(stack); n > 0 && !stack[n-1].array {
			stack[n-1].wantKey = true
		}
	}
	elemScalar := func() {
		if n := len(stack); n > 0 && stack[n-1].array {
			stack[n-1].elem = -1
		}
	}
	for i := 0; i < len(data); {
		c := data[i]
		top := len(stack) - 1
		switch c {
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
		case '{':
			if top >= 0 && stack[top].array {
				stack[top].elem = nextID
			}
			stack = append(stack, frame{wantKey: true, id: nextID, inArray: top >= 0 && stack[top].array})
			nextID++
			i++
		case '[':
			elemScalar()
			stack = append(stack, frame{array: true, elem: -1})
			i++
		case '}', ']':
			if top >= 0 {
				stack = stack[:top]
			}
			valueDone()
			i++
		case '"':
			j := i + 1
			esc := false
			for j < len(data) && data[j] != '"' {
				if data[j] == '\\' {
					esc = true
					j++
				}
				j++
			}
			if j >= len(data) {
				return nil // not valid JSON after all
			}
			lit := data[i : j+1]
			start, end := i, j+1
			i = j + 1
			if top >= 0 && !stack[top].array && stack[top].wantKey {
				stack[top].key, stack[top].wantKey = jsonString(lit, esc), false
				continue
			}
			elemScalar()
			key := ""
			for k := top; k >= 0; k-- {
				if !stack[k].array {
					key = stack[k].key
					break
				}
			}
			if textFields[key] || top < 0 {
				found = append(found, pending{append([]frame(nil), stack...), leaf{text: jsonString(lit, esc), start: start, end: end}})
			}
			valueDone()
		default: // a number, true, false or null
			j := i
			for j < len(data) && !strings.ContainsRune(",]} \t\r\n", rune(data[j])) {
				j++
			}
			v := string(data[i:j])
			i = j
			if top >= 0 && !stack[top].array && v == "true" && stack[top].key == "thought" {
				// A Gemini thought part: its text is a field of its own,
				// as a client shows it apart from the answer's text.
				extra[stack[top].id] = append(extra[stack[top].id], "thought")
			}
			if top >= 0 && !stack[top].array && (c == '-' || c >= '0' && c <= '9') {
				if k := stack[top].key; k == "index" && stack[top].inArray {
					index[stack[top].id] = v
				} else if k == "index" || strings.HasSuffix(k, "_index") {
					extra[stack[top].id] = append(extra[stack[top].id], k+"="+v)
				}
			}
			elemScalar()
			valueDone()
		}
	}
	out := make([]leaf, 0, len(found))
	for _, p := range found {
		var b strings.Builder
		for k, f := range p.frames {
			if f.array {
				b.WriteString("[")
				if f.elem >= 0 && index[f.elem] != "" {
					b.WriteString(index[f.elem])
				} else {
					b.WriteString("*")
				}
				b.WriteString("]")
				continue
			}
			if x := extra[f.id]; len(x) > 0 {
				b.WriteString("(" + strings.Join(x, ",") + ")")
			}
			if k > 0 || b.Len() > 0 {
				b.WriteString(".")
			}
			b.WriteString(f.key)
		}
		l := p.leaf
		l.path = strings.TrimPrefix(b.String(), ".")
		if l.path == "" {
			l.path = "data"
		}
		out = append(out, l)
	}
	return out
}

// jsonString decodes a JSON string literal (quotes included); esc says
// whether it has escapes.
func jsonString(lit []byte, esc bool) string {
	if !esc && utf8.Valid(lit) {
		return string(lit[1 : len(lit)-1])
	}
	var s string
	if json.Unmarshal(lit, &s) != nil {
		return ""
	}
	return s
}
