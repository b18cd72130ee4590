// Package httpbody holds what llmvcr's packages share about recorded HTTP
// bodies: media types, content decoding, reading request bodies, and the
// event-stream form a cassette stores (timing comments, llmvcr's own
// headers). It is internal: cassettes, replay and cmd/record use it; a
// user reads cassettes through the cassettes package.
package httpbody

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llmvcr/llmvcr/internal/jsonvalue"
	"github.com/llmvcr/llmvcr/internal/sse"
)

// TimingPrefix starts the comment line that a recorded event stream
// carries before each event: ": llmvcr-t=<seconds>\n", where <seconds> is
// the decimal number of seconds (up to microseconds) between the response
// headers and the arrival of the event's last byte, e.g.
//
//	: llmvcr-t=0.000000
//	data: {"id":"chatcmpl-1","choices":[...]}
//
//	: llmvcr-t=0.184211
//	data: [DONE]
//
// The line always ends with a single "\n". Replay removes these lines, so
// a client receives exactly the bytes the server sent.
const TimingPrefix = ": llmvcr-t="

// HeaderPrefix starts response header names that llmvcr adds to a
// recording for itself; replay removes them before a client sees them.
const HeaderPrefix = "X-Llmvcr-"

// StreamErrorHeader records, in a response, that the body broke off
// mid-way while it was recorded; its value is the error text. Replay
// delivers the recorded bytes and then fails the read the same way
// (io.ErrUnexpectedEOF).
const StreamErrorHeader = HeaderPrefix + "Stream-Error"

// SourceHeader is the response header a cassette recorded from a fake
// server carries (cmd/record -fake, replay.RecordFromFake): its value
// names the fake, and inspect says the answers are canned.
const SourceHeader = HeaderPrefix + "Source"

// Event is one recorded event of a stream: when it arrived and its exact
// original bytes (comments, field lines and the blank line that ends it).
type Event struct {
	Offset     time.Duration // since the response headers; 0 when not recorded
	HasOffset  bool          // the recording carried a timing line for this event
	Raw        []byte        // exact original bytes, without the timing line
	Terminated bool          // false for a last event that the stream cut before its blank line
}

// SSEError reports a recorded event stream that cannot be split.
type SSEError struct {
	Event int   // index of the event being read
	Err   error // what failed
}

// Error names the event and what failed.
func (e *SSEError) Error() string {
	return fmt.Sprintf("cassettes: split event stream at event %d: %v", e.Event, e.Err)
}

// Unwrap returns the underlying error.
func (e *SSEError) Unwrap() error { return e.Err }

// SplitSSE splits a recorded event-stream body into its events, each with
// its time offset (from its timing line, if any) and its exact original
// bytes. JoinSSE of the result gives the bytes the server sent. A timing
// line must hold a finite number of seconds from 0 to 1e9, no smaller than
// the one before it; any other gives an *SSEError (replay would otherwise
// wait on a NaN or a negative offset).
func SplitSSE(body string) ([]Event, error) {
	dec := sse.NewDecoder(strings.NewReader(body), sse.KeepAll())
	var out []Event
	var last time.Duration // the offset of the last timed event
	var carried *Event     // a timing line whose event began with the LF of a split CRLF
	for {
		ev, err := dec.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, &SSEError{Event: len(out), Err: err}
		}
		e := Event{Terminated: ev.Terminated}
		raw := ev.Raw
		if out, raw = giveBackLF(out, raw); len(raw) == 0 {
			continue
		}
		if bytes.HasPrefix(raw, []byte(TimingPrefix)) {
			nl := bytes.IndexByte(raw, '\n')
			if nl < 0 {
				nl = len(raw)
			}
			secs, ok := parseOffset(string(raw[len(TimingPrefix):nl]))
			if !ok {
				return out, &SSEError{Event: len(out), Err: fmt.Errorf("bad timing line %q: want a finite number of seconds from 0 to 1e9", truncate(string(raw[:nl]), 60))}
			}
			// Rounded to the microsecond the line is written in: a plain
			// conversion reads 4.060000 as 4.059999999s.
			e.Offset = time.Duration(math.Round(secs*1e6)) * time.Microsecond
			if e.Offset < last {
				return out, &SSEError{Event: len(out), Err: fmt.Errorf("timing line %q is earlier than the event before (%s): offsets must be in order", truncate(string(raw[:nl]), 60), TimingLine(last)[len(TimingPrefix):len(TimingLine(last))-1])}
			}
			last = e.Offset
			e.HasOffset = true
			if nl < len(raw) {
				nl++
			}
			raw = raw[nl:]
			if len(raw) == 0 {
				continue
			}
		}
		// A timing line inside a CRLF (as an older version stored a split
		// CRLF) is kept for the event after the LF.
		if out, raw = giveBackLF(out, raw); len(raw) == 0 {
			if e.HasOffset {
				carried = &e
			}
			continue
		}
		if carried != nil && !e.HasOffset {
			e.Offset, e.HasOffset = carried.Offset, true
		}
		carried = nil
		e.Raw = append([]byte(nil), raw...)
		out = append(out, e)
	}
}

// giveBackLF moves the LF that starts raw to the last event when that
// event ends with a CR. The decoder hands back an event as soon as the CR
// of its last CRLF is the last byte of a read, and the LF then starts the
// next block; but the LF belongs to the event before it: a client that
// splits lines at LF sees that event end only with it, so replay must
// deliver it with that event, and the stored form must not put a timing
// line inside a CRLF.
func giveBackLF(out []Event, raw []byte) ([]Event, []byte) {
	if n := len(out); n > 0 && len(raw) > 0 && raw[0] == '\n' && bytes.HasSuffix(out[n-1].Raw, []byte{'\r'}) {
		out[n-1].Raw = append(out[n-1].Raw, '\n')
		raw = raw[1:]
	}
	return out, raw
}

// JoinSSE concatenates the events' original bytes: the exact body the
// server sent, without timing lines.
func JoinSSE(events []Event) []byte {
	n := 0
	for _, e := range events {
		n += len(e.Raw)
	}
	b := make([]byte, 0, n)
	for _, e := range events {
		b = append(b, e.Raw...)
	}
	return b
}

// MarkSSE renders events in the stored form: each event preceded by its
// timing line (see TimingPrefix). Offsets are written in order, as
// SplitSSE requires: an event given an earlier offset than the one before
// it (an event recorded without one, 0) gets the one before it.
func MarkSSE(events []Event) string {
	var b strings.Builder
	var last time.Duration
	for _, e := range events {
		last = max(last, e.Offset)
		b.WriteString(TimingLine(last))
		b.Write(e.Raw)
	}
	return b.String()
}

// TimingLine renders the timing line for an event that arrived d after
// the response headers.
func TimingLine(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return TimingPrefix + strconv.FormatFloat(d.Seconds(), 'f', 6, 64) + "\n"
}

// StripTiming returns a recorded stream body without its timing lines,
// i.e. the bytes the server sent.
func StripTiming(body string) (string, error) {
	if !strings.Contains(body, TimingPrefix) {
		return body, nil
	}
	evs, err := SplitSSE(body)
	if err != nil {
		return "", err
	}
	return string(JoinSSE(evs)), nil
}

// IsToken reports whether s is an HTTP token (RFC 9110 section 5.6.2):
// what a method or a header name must be.
func IsToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// DropUpstreamHeaders deletes from h, an upstream's response headers, the
// ones named like llmvcr's own (HeaderPrefix), which in a cassette describe
// the recording (a forged X-Llmvcr-Stream-Error would replay a whole answer
// as broken), except SourceHeader: the mark of an upstream that answers
// canned (record serve, a fake), which a recording through it keeps.
func DropUpstreamHeaders(h http.Header) {
	for k := range h {
		if c := http.CanonicalHeaderKey(k); strings.HasPrefix(c, HeaderPrefix) && c != SourceHeader {
			delete(h, k)
		}
	}
}

// ClientHeaders returns a copy of recorded response headers without the
// ones llmvcr added for itself (HeaderPrefix).
func ClientHeaders(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, v := range h {
		if strings.HasPrefix(http.CanonicalHeaderKey(k), HeaderPrefix) {
			continue
		}
		out[k] = append([]string(nil), v...)
	}
	return out
}

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

// CompactJSON returns the compact form of a JSON body (the bytes a typical
// client sends), or the body unchanged when it is not JSON.
func CompactJSON(s string) string {
	b, ok := jsonvalue.Compact(make([]byte, 0, len(s)), []byte(s))
	if !ok {
		return s
	}
	return string(b)
}

// ErrUnsupportedEncoding is Decode's error for an encoding it does not know.
var ErrUnsupportedEncoding = fmt.Errorf("unsupported content encoding")

// Decode decodes b from the content encoding enc (gzip, x-gzip, deflate),
// at most 256 MiB; an unknown encoding gives ErrUnsupportedEncoding.
func Decode(enc string, b []byte) ([]byte, error) {
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
		return nil, ErrUnsupportedEncoding
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

// ContentEncoding returns the lower-case Content-Encoding of a body, or ""
// for none or identity.
func ContentEncoding(h http.Header) string {
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
	enc := ContentEncoding(h)
	if enc == "" {
		return body
	}
	if dec, err := Decode(enc, body); err == nil {
		return dec
	}
	return body
}

// ReadBody reads and closes a request's body, sized by its ContentLength
// when known. A nil body gives nil.
func ReadBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	var dst []byte
	if r.ContentLength > 0 && r.ContentLength < 1<<30 {
		dst = make([]byte, 0, r.ContentLength)
	}
	return AppendBody(dst, r)
}

// AppendBody is ReadBody appending to dst, so a caller can reuse buffers.
// A nil body appends nothing and returns dst unchanged (possibly nil).
func AppendBody(dst []byte, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return dst, nil
	}
	defer r.Body.Close()
	if n := r.ContentLength; n > 0 && n < 1<<30 && int64(cap(dst)-len(dst)) < n {
		dst = append(dst, make([]byte, n)...)[:len(dst)]
	}
	for {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := r.Body.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// parseOffset reads the seconds of a timing line: a finite number between
// 0 and 1e9.
func parseOffset(s string) (float64, bool) {
	secs, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) || secs < 0 || secs > 1e9 {
		return 0, false
	}
	return secs, true
}

// WithBody returns a copy of r whose body is body (nil for none), which
// can be read again (GetBody) as a retrying transport may.
func WithBody(r *http.Request, body []byte) *http.Request {
	r2 := r.Clone(r.Context())
	if body != nil {
		r2.Body = io.NopCloser(bytes.NewReader(body))
		r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r2.ContentLength = int64(len(body))
	} else {
		r2.Body = nil
	}
	return r2
}
