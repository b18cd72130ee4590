package cassettes

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// maxDecoded bounds a decompressed body, so a hostile or corrupt body can
// not exhaust memory while a cassette is saved.
const maxDecoded = 256 << 20

// MediaType returns the lower-case media type of a Content-Type header
// value ("application/json"), or "" when there is none.
func MediaType(h http.Header) string {
	ct := h.Get("Content-Type")
	if ct == "" {
		return ""
	}
	if isLowerToken(ct) {
		return ct // the common case, "application/json": nothing to parse
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	return mt
}

func isLowerToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '/' || c == '-' || c == '+' || c == '.') {
			return false
		}
	}
	return true
}

// IsJSON reports whether the headers declare a JSON body
// (application/json or any +json type).
func IsJSON(h http.Header) bool {
	mt := MediaType(h)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// IsSSE reports whether the headers declare a server-sent event stream.
func IsSSE(h http.Header) bool {
	return MediaType(h) == "text/event-stream"
}

// Readable rewrites an interaction's bodies for review, in place:
// compressed response bodies (gzip, deflate) are decoded and their
// Content-Encoding removed (br and unknown encodings are left as they are,
// the standard library has no decoder); JSON bodies are indented with two
// spaces; Content-Length headers and fields are fixed to the new lengths.
// Event streams are left byte for byte. It is idempotent.
//
// Request bodies are decoded the same way (a client that gzips its
// request). A body that does not decode (br, a cut or corrupt stream) is
// kept as it is; Save still scans it, and refuses to write it when it
// cannot be scanned.
func Readable(i *Interaction) error {
	rs := &i.Response
	if enc := contentEncoding(rs.Headers); enc != "" {
		if dec, err := decode(enc, []byte(rs.Body)); err == nil {
			rs.Body = string(dec)
			rs.Headers.Del("Content-Encoding")
			rs.Uncompressed = true
			fixResponseLength(rs)
		}
	}
	if enc := contentEncoding(i.Request.Headers); enc != "" {
		if dec, err := decode(enc, []byte(i.Request.Body)); err == nil {
			i.Request.Body = string(dec)
			i.Request.Headers.Del("Content-Encoding")
			fixRequestLength(&i.Request)
		}
	}
	if IsJSON(i.Request.Headers) || (i.Request.Headers.Get("Content-Type") == "" && looksJSON(i.Request.Body)) {
		if b, ok := indentJSON(i.Request.Body); ok && b != i.Request.Body {
			i.Request.Body = b
			fixRequestLength(&i.Request)
		}
	}
	if rs.Headers.Get("Content-Encoding") == "" && IsJSON(rs.Headers) {
		if b, ok := indentJSON(rs.Body); ok && b != rs.Body {
			rs.Body = b
			fixResponseLength(rs)
		}
	}
	return nil
}

func looksJSON(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) > 1 && (s[0] == '{' || s[0] == '[')
}

func indentJSON(s string) (string, bool) {
	if s == "" || !json.Valid([]byte(s)) {
		return s, false
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(strings.TrimSpace(s)), "", "  "); err != nil {
		return s, false
	}
	buf.WriteByte('\n')
	return buf.String(), true
}

// CompactJSON returns the compact form of a JSON body (the bytes a typical
// client sends), or the body unchanged when it is not JSON.
func CompactJSON(s string) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		return s
	}
	return buf.String()
}

var errUnsupportedEncoding = fmt.Errorf("unsupported content encoding")

func decode(enc string, b []byte) ([]byte, error) {
	var r io.Reader
	switch enc {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		r = zr
	case "deflate":
		// HTTP "deflate" is zlib-wrapped; some servers send raw deflate.
		if zr, err := zlib.NewReader(bytes.NewReader(b)); err == nil {
			r = zr
		} else {
			r = flate.NewReader(bytes.NewReader(b))
		}
	default:
		return nil, errUnsupportedEncoding
	}
	out, err := io.ReadAll(io.LimitReader(r, maxDecoded+1))
	if err != nil {
		return out, err // what decoded before the error, for a scan
	}
	if len(out) > maxDecoded {
		return nil, fmt.Errorf("decoded body larger than %d bytes", maxDecoded)
	}
	return out, nil
}

// contentEncoding returns the lower-case Content-Encoding of a body, or ""
// for none or identity.
func contentEncoding(h http.Header) string {
	enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding")))
	if enc == "identity" {
		return ""
	}
	return enc
}

// DecodeRequestBody returns a request body decoded from its
// Content-Encoding (gzip or deflate), as Save stores it, or the body as it
// is when it has no encoding or does not decode.
func DecodeRequestBody(h http.Header, body []byte) []byte {
	enc := contentEncoding(h)
	if enc == "" {
		return body
	}
	if dec, err := decode(enc, body); err == nil {
		return dec
	}
	return body
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
