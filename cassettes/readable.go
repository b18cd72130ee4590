package cassettes

import (
	"bytes"
	"encoding/json"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// readable rewrites an interaction's bodies for review, in place:
// compressed bodies are decoded (see decodeBodies); JSON bodies are
// indented with two spaces; Content-Length headers and fields are fixed to
// the new lengths. Event streams are left byte for byte. It is idempotent.
//
// Save does not need it: it decodes compressed bodies in place but keeps
// every other byte as sent, and writes JSON indented in the file only,
// marking how it was sent, so that Load gives back the bytes the server
// sent (see Marshal).
func readable(i *Interaction) error {
	decodeBodies(i)
	rs := &i.Response
	if isJSONRequest(&i.Request) {
		if b, ok := indentJSON(i.Request.Body); ok && b != i.Request.Body {
			i.Request.Body = b
			fixRequestLength(&i.Request)
		}
	}
	if rs.Headers.Get("Content-Encoding") == "" && httpbody.IsJSON(rs.Headers) {
		if b, ok := indentJSON(rs.Body); ok && b != rs.Body {
			rs.Body = b
			fixResponseLength(rs)
		}
	}
	return nil
}

// decodeBodies decodes compressed bodies in place (gzip, deflate; br and
// unknown encodings are left as they are, the standard library has no
// decoder), removes their Content-Encoding and fixes Content-Length
// headers and fields. Request bodies are decoded the same way (a client
// that gzips its request). A body that does not decode (a cut or corrupt
// stream) is kept as it is; Save still scans it, and refuses to write it
// when it cannot be scanned.
func decodeBodies(i *Interaction) {
	rs := &i.Response
	if enc := httpbody.ContentEncoding(rs.Headers); enc != "" {
		if dec, err := httpbody.Decode(enc, []byte(rs.Body)); err == nil {
			rs.Body = string(dec)
			rs.Headers.Del("Content-Encoding")
			rs.Uncompressed = true
			fixResponseLength(rs)
		}
	}
	if enc := httpbody.ContentEncoding(i.Request.Headers); enc != "" {
		if dec, err := httpbody.Decode(enc, []byte(i.Request.Body)); err == nil {
			i.Request.Body = string(dec)
			i.Request.Headers.Del("Content-Encoding")
			fixRequestLength(&i.Request)
		}
	}
}

// isJSONRequest reports a request body that is JSON by its Content-Type,
// or looks like JSON and has none.
func isJSONRequest(rq *Request) bool {
	return httpbody.IsJSON(rq.Headers) || (rq.Headers.Get("Content-Type") == "" && looksJSON(rq.Body))
}

func looksJSON(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) > 1 && (s[0] == '{' || s[0] == '[')
}

// indentJSON returns the JSON text s indented by two spaces a level, and
// false (with s) when s is not JSON or when indenting would make it more
// than maxIndentFactor times as long (plus maxIndentSlack): a body nested
// thousands of levels deep ("[[[[...") would otherwise indent to a text
// growing with the square of its size (20 KB to 400 MB), so such a body is
// kept as it was sent.
func indentJSON(s string) (string, bool) {
	if s == "" || !json.Valid([]byte(s)) {
		return s, false
	}
	if indentedSize(s) > int64(len(s))*maxIndentFactor+maxIndentSlack {
		return s, false
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(strings.TrimSpace(s)), "", "  "); err != nil {
		return s, false
	}
	buf.WriteByte('\n')
	return buf.String(), true
}

// maxIndentFactor and maxIndentSlack bound how much longer indenting may
// make a JSON body (see indentJSON). Bodies of real APIs grow by less
// than three times (a long list of small numbers at a few levels deep).
const (
	maxIndentFactor = 8
	maxIndentSlack  = 64 << 10
)

// indentedSize returns an upper bound of the length of the valid JSON
// text s once indented by two spaces a level: each byte outside spaces,
// plus a line break and the indentation of the next line after each
// bracket and comma, and a space after each colon. It counts without
// allocating, in one pass.
func indentedSize(s string) int64 {
	var n, depth int64
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\r', '\n':
		case '"':
			end := i + 1
			for end < len(s) && s[end] != '"' {
				if s[end] == '\\' {
					end++
				}
				end++
			}
			n += int64(end - i + 1)
			i = end
		case '{', '[':
			depth++
			n += 2 + 2*depth
		case '}', ']':
			depth--
			n += 2 + 2*depth
		case ',':
			n += 2 + 2*depth
		case ':':
			n += 2
		default:
			n++
		}
	}
	return n + 1
}

func fixRequestLength(rq *Request) {
	if rq.ContentLength >= 0 {
		rq.ContentLength = int64(len(rq.Body))
	}
	if rq.Headers.Get("Content-Length") != "" {
		rq.Headers.Set("Content-Length", strconv.Itoa(len(rq.Body)))
	}
}

func fixResponseLength(rs *Response) {
	if rs.ContentLength >= 0 {
		rs.ContentLength = int64(len(rs.Body))
	}
	if rs.Headers.Get("Content-Length") != "" {
		rs.Headers.Set("Content-Length", strconv.Itoa(len(rs.Body)))
	}
}

func httpHeader(h map[string][]string) http.Header { return http.Header(h) }

// presentation is how Marshal writes one body: the text the file holds,
// the form that turns it back into the bytes that were sent, and whether
// Marshal writes it as a literal block itself (yaml.v3 would write it as
// one double-quoted line of escapes).
type presentation struct {
	text  string // the body as the file holds it
	form  string // the bodyFormKey value; "" when text is the body as sent
	block bool   // written by writeBlock
}

// present chooses how a body is written. A JSON body (isJSON) that was
// sent compact is indented and marked formCompactJSON; one sent indented
// as readable indents is kept; any other is kept as sent. A body whose
// every line ends in "\r\n" is written with "\n" and marked formCRLF
// (timing lines keep their "\n"). Multi-line text, and text that yaml.v3
// would escape (emoji and other characters outside the Basic Multilingual
// Plane, tabs), is written as a literal block by writeBlock when YAML
// holds it exactly (see blockSafe). Every form is checked by turning the
// text back into the body.
func present(body string, isJSON bool) presentation {
	p := presentation{text: body}
	if isJSON {
		core := strings.TrimRight(body, " \t\r\n")
		tail := body[len(core):]
		if ind, ok := indentJSON(core); ok && ind != body && httpbody.CompactJSON(core) == core && !strings.Contains(tail, "\r") {
			text := strings.TrimSuffix(ind, "\n") + tail
			if sent, _, ok := restoreForm(formCompactJSON, text); ok && sent == body {
				p.text, p.form = text, formCompactJSON
			}
		}
	}
	if p.form == "" && strings.Contains(body, "\r") {
		text := strings.ReplaceAll(body, "\r\n", "\n")
		if !strings.Contains(text, "\r") && crlfLines(text) == body {
			p.text, p.form = text, formCRLF
		}
	}
	p.block = (strings.Contains(p.text, "\n") || needsBlock(p.text)) && blockSafe(p.text)
	return p
}

// needsBlock reports text that yaml.v3 would write as a double-quoted
// line of escapes although a literal block holds it: characters outside
// the Basic Multilingual Plane, or tabs.
func needsBlock(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xF0 || s[i] == '\t' {
			return true
		}
	}
	return false
}

// blockSafe reports text that a YAML literal block holds exactly and that
// an editor will not change: valid UTF-8 of printable characters, tabs and
// "\n" only (no other line breaks, no byte-order mark), no space or tab at
// the end of a line.
func blockSafe(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	prev := rune('\n')
	for _, r := range s {
		switch {
		case r == '\n':
			if prev == ' ' || prev == '\t' {
				return false
			}
		case r == '\t', r >= 0x20 && r <= 0x7E, r >= 0xA0 && r <= 0xD7FF && r != 0x2028 && r != 0x2029,
			r >= 0xE000 && r <= 0xFFFD && r != 0xFEFF, r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
		prev = r
	}
	return prev != ' ' && prev != '\t'
}

// writeBlock writes text as a YAML literal block scalar whose lines are
// indented by indent spaces: the header ("|", an indentation indicator
// when the first line starts with a space or the text with a line break,
// and a chomping indicator for the final line breaks), then the lines.
// (The indicator is needed when the first line starts with a space, a tab
// or nothing: YAML would otherwise take its indentation from that line.)
func writeBlock(b *bytes.Buffer, text string, indent int) {
	b.WriteByte('|')
	if text[0] == ' ' || text[0] == '\n' || text[0] == '\t' {
		b.WriteByte('2') // indent is always that of the key plus 2
	}
	switch {
	case !strings.HasSuffix(text, "\n"):
		b.WriteByte('-')
	case strings.HasSuffix(text, "\n\n") || text == "\n":
		b.WriteByte('+')
	}
	b.WriteByte('\n')
	lines := strings.Split(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	pad := strings.Repeat(" ", indent)
	for _, l := range lines {
		if l != "" {
			b.WriteString(pad)
			b.WriteString(l)
		}
		b.WriteByte('\n')
	}
}
