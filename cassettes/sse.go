package cassettes

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

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
		if bytes.HasPrefix(raw, []byte(TimingPrefix)) {
			nl := bytes.IndexByte(raw, '\n')
			if nl < 0 {
				nl = len(raw)
			}
			secs, ok := parseOffset(string(raw[len(TimingPrefix):nl]))
			if !ok {
				return out, &SSEError{Event: len(out), Err: fmt.Errorf("bad timing line %q: want a finite number of seconds from 0 to 1e9", truncate(string(raw[:nl]), 60))}
			}
			e.Offset = time.Duration(secs * float64(time.Second))
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
		e.Raw = append([]byte(nil), raw...)
		out = append(out, e)
	}
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
// timing line (see TimingPrefix).
func MarkSSE(events []Event) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString(TimingLine(e.Offset))
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

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
