// Package recorder records HTTP traffic to cassette interactions, with no
// testing framework: a program (cmd/record, a proxy) uses it directly, and
// replay's sessions record through it.
//
//	rec := &recorder.Recorder{}
//	client := &http.Client{Transport: rec}
//	// ... talk to the API through client ...
//	c := cassettes.New("session.yaml")
//	c.Interactions = rec.Interactions()
//	err := c.Save() // scrubs secrets
//
// A JSON answer is read whole (one whose body breaks reaches the client
// as an error with no response, and is not recorded, like a request that
// got no response); an event stream reaches the client read by
// read as it arrives, each event stamped with its offset since the
// response headers; a stream that broke is kept as far as it got (with
// cassettes.StreamErrorHeader). Clients stop reading at their protocol's
// last event and close the body: the recorder reads on to the end of the
// body (at most 64 KiB and one second) and keeps the stream whole; a
// stream closed before its end is kept as abandoned where the client
// stopped. Memory is bounded by what a cassette can hold (256 MiB a body,
// the limit cassettes.Load reads): a larger JSON answer is an error for
// the client, a larger stream reaches the client whole but is recorded
// without its body, marked broken.
//
// Recording from a fake server rather than a real API is marked with
// SourceHeader, so a canned answer never passes for a real one.
package recorder

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/clock"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/inputfile"
	"github.com/llmvcr/llmvcr/internal/sse"
)

// SourceHeader marks, in a cassette, a response recorded from a fake
// server rather than a real API: its value says which fake. Replay removes
// it before a client sees the response (like every httpbody.HeaderPrefix
// header) and logs once that the cassette's answers are canned; record
// inspect shows it.
const SourceHeader = httpbody.SourceHeader

// Recorder is an http.RoundTripper that sends each request on to Real and
// keeps a copy of the exchange as a cassettes.Interaction (see the package
// doc). Set the fields before the first request. It is safe for
// concurrent use.
type Recorder struct {
	Real http.RoundTripper // where requests go; http.DefaultTransport when nil
	// Clock, when set, is the clock a test drives (any value with Now()
	// time.Time and Sleep(ctx, d) error, such as a *fakeclock.Clock or a
	// replay.Clock). An exchange during which it moved (a test advanced
	// it) is timed on it: a test that advances a manual fake clock in
	// step with its server, one event per step, records exact offsets.
	// Each event is stamped when the client reads it. An exchange during
	// which it stood still is timed on the wall clock:
	// a clock nothing advances while recording (an instant fake clock
	// meant for replay pacing) would time every event at 0. When nil,
	// the wall clock times everything.
	Clock clock.Clock
	// Source, when set, marks every recorded response as answered by a
	// fake, not a real API: it is the SourceHeader value, naming the fake.
	Source string
	// OnRecorded, when set, is called with each exchange once it is
	// complete (its stream ended or broke), from the goroutine that
	// completed it.
	OnRecorded func(*cassettes.Interaction)

	maxBody int // the largest body recorded; 0 means inputfile.MaxSize (tests set less)

	mu    sync.Mutex
	slots []*cassettes.Interaction // in request order; nil while in flight or when no response came
}

// RoundTrip sends r on and records the exchange. The caller's request is
// not changed.
func (rec *Recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := httpbody.ReadBody(r)
	if err != nil {
		return nil, fmt.Errorf("recorder: read request body: %w", err)
	}
	return rec.record(r, body)
}

// Interactions returns the completed exchanges in the order their requests
// were sent; exchanges still streaming, and requests that got no response,
// are left out.
func (rec *Recorder) Interactions() []*cassettes.Interaction {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []*cassettes.Interaction
	for _, i := range rec.slots {
		if i != nil {
			out = append(out, i)
		}
	}
	return out
}

// stopwatch times one exchange on the wall clock and, when the recorder
// has one, on its Clock, and keeps the Clock's times only if that clock
// moved during the exchange (see Recorder.Clock).
type stopwatch struct {
	clk   clock.Clock // nil: the wall clock alone
	wall0 time.Time
	clk0  time.Time
}

func (rec *Recorder) stopwatch() *stopwatch {
	w := &stopwatch{clk: rec.Clock, wall0: time.Now()}
	if w.clk != nil {
		w.clk0 = w.clk.Now()
	}
	return w
}

// lap is a time since the stopwatch started, on both clocks.
type lap struct{ wall, clk time.Duration }

func (w *stopwatch) lap() lap {
	l := lap{wall: time.Since(w.wall0)}
	if w.clk != nil {
		l.clk = w.clk.Now().Sub(w.clk0)
	}
	return l
}

// driven reports, at the end of the exchange, whether its times are the
// Clock's: there is one and it moved since the exchange began.
func (w *stopwatch) driven() bool { return w.clk != nil && !w.clk.Now().Equal(w.clk0) }

// pick returns l on the clock that times the exchange.
func (l lap) pick(driven bool) time.Duration {
	if driven {
		return l.clk
	}
	return l.wall
}

// record sends r, whose body has been read into body, and records the
// exchange.
func (rec *Recorder) record(r *http.Request, body []byte) (*http.Response, error) {
	rec.mu.Lock()
	slot := len(rec.slots)
	rec.slots = append(rec.slots, nil)
	rec.mu.Unlock()

	real := rec.Real
	if real == nil {
		real = http.DefaultTransport
	}
	sw := rec.stopwatch()
	resp, err := real.RoundTrip(httpbody.WithBody(r, body))
	if err != nil {
		return nil, err
	}
	headersAt := sw.lap()
	u := *r.URL
	host := r.Host
	if host == "" {
		host = u.Host
	}
	reqHeader := r.Header.Clone()
	if reqHeader == nil {
		reqHeader = http.Header{}
	}
	respHeader := resp.Header.Clone()
	if respHeader == nil {
		respHeader = http.Header{}
	}
	httpbody.DropUpstreamHeaders(respHeader) // they would pass for the recording's own
	i := &cassettes.Interaction{
		Request: cassettes.Request{
			Proto:         "HTTP/1.1",
			ProtoMajor:    1,
			ProtoMinor:    1,
			ContentLength: int64(len(body)),
			Host:          host,
			Body:          string(body),
			Headers:       reqHeader,
			URL:           u.String(),
			Method:        r.Method,
		},
		Response: cassettes.Response{
			Proto:            resp.Proto,
			ProtoMajor:       resp.ProtoMajor,
			ProtoMinor:       resp.ProtoMinor,
			TransferEncoding: resp.TransferEncoding,
			ContentLength:    resp.ContentLength,
			Uncompressed:     resp.Uncompressed,
			Headers:          respHeader,
			Status:           resp.Status,
			Code:             resp.StatusCode,
		},
	}
	sse := httpbody.IsSSE(resp.Header)
	// A compressed stream (a client that asked for gzip itself) is kept
	// as it came: its bytes are not events, so they are neither split
	// nor timed. Save decodes it.
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	plain := enc == "" || enc == "identity"
	finish := func(b []byte, stamps []stamp, err error) {
		driven := sw.driven()
		i.Response.Duration = headersAt.pick(driven)
		if sse && plain {
			marks := make([]mark, len(stamps))
			for k, st := range stamps {
				marks[k] = mark{end: st.end, at: max(0, st.at.pick(driven)-headersAt.pick(driven))}
			}
			i.Response.Body = markEvents(b, marks)
		} else {
			i.Response.Body = string(b)
		}
		if err != nil && !errors.Is(err, io.EOF) && !(sse && plain && streamEnded(b)) {
			// A stream whose last event ends it by its protocol ended
			// normally, whatever stopped the read of the empty rest (a
			// client cancelling once it had [DONE]).
			i.Response.Headers.Set(httpbody.StreamErrorHeader, err.Error())
		}
		if rec.Source != "" {
			i.Response.Headers.Set(SourceHeader, rec.Source)
		}
		rec.mu.Lock()
		rec.slots[slot] = i
		rec.mu.Unlock()
		if rec.OnRecorded != nil {
			rec.OnRecorded(i)
		}
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		finish(nil, nil, io.EOF)
		return resp, nil
	}
	max := rec.maxBody
	if max <= 0 {
		max = inputfile.MaxSize
	}
	if !sse {
		b, err := io.ReadAll(io.LimitReader(resp.Body, int64(max)+1))
		resp.Body.Close()
		if err == nil && len(b) > max {
			// No cassette could load it: the client gets an error, and
			// memory holds at most the limit.
			err = fmt.Errorf("%w: the response body is over %s, more than a cassette holds", inputfile.ErrTooLarge, size(max))
		}
		if err != nil {
			// The client gets this error and no response, as when the
			// request got none: nothing is recorded, so replay never
			// answers with a response the client did not get (a client
			// that retries records only the answer it used).
			return nil, fmt.Errorf("recorder: read response body: %w", err)
		}
		finish(b, nil, io.EOF)
		resp.Body = io.NopCloser(bytes.NewReader(b))
		return resp, nil
	}
	resp.Body = &recordingBody{rc: resp.Body, sw: sw, finish: finish, plain: plain, max: max}
	return resp, nil
}

// size words a byte limit.
func size(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// mark notes when the stream had delivered its first end bytes: at is
// the time since the response headers.
type mark struct {
	end int
	at  time.Duration
}

// stamp is a mark while the stream is recorded: at is the time since the
// exchange began, on both clocks, until the exchange's clock is known.
type stamp struct {
	end int
	at  lap
}

// recordingBody passes a live stream through to the client read by read,
// keeping a copy and the time each read arrived.
type recordingBody struct {
	rc     io.ReadCloser
	sw     *stopwatch
	finish func([]byte, []stamp, error)
	plain  bool // not compressed: the bytes are events
	max    int  // the most bytes kept: a longer stream is not recorded

	mu       sync.Mutex
	buf      bytes.Buffer
	marks    []stamp
	once     sync.Once
	finished bool // done: the recording is complete
}

// note keeps a copy of p and when it arrived. Once the recording is
// complete nothing more is kept; a stream that grows past max is given up:
// its copy is dropped (memory holds at most max) and it is recorded with
// no body, marked broken, while the client reads on.
func (b *recordingBody) note(p []byte) {
	b.mu.Lock()
	if b.finished {
		b.mu.Unlock()
		return
	}
	if b.buf.Len()+len(p) > b.max {
		b.buf = bytes.Buffer{}
		b.marks = nil
		b.mu.Unlock()
		b.doneAt(0, fmt.Errorf("%w: the stream is over %s, more than a cassette holds; it was passed through, not recorded", inputfile.ErrTooLarge, size(b.max)))
		return
	}
	b.buf.Write(p)
	b.marks = append(b.marks, stamp{end: b.buf.Len(), at: b.sw.lap()})
	b.mu.Unlock()
}

func (b *recordingBody) done(err error) { b.doneAt(-1, err) }

// doneAt completes the recording with err, keeping only the first keep
// bytes (and their read marks) when keep >= 0.
func (b *recordingBody) doneAt(keep int, err error) {
	b.once.Do(func() {
		b.mu.Lock()
		data := b.buf.Bytes()
		marks := b.marks
		if keep >= 0 && keep < len(data) {
			data = data[:keep]
			n := 0
			for n < len(marks) && marks[n].end <= keep {
				n++
			}
			marks = marks[:n]
		}
		data = append([]byte(nil), data...)
		marks = append([]stamp(nil), marks...)
		b.finished = true
		b.mu.Unlock()
		b.finish(data, marks, err)
	})
}

// Read passes a read of the live stream through and keeps a copy.
func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.note(p[:n])
	}
	if err != nil {
		b.done(err)
	}
	return n, err
}

// drainWait and drainBytes bound how long and how far Close reads on
// after the client stopped: the rest of a stream that has ended is a few
// bytes (the chunked terminator, a last blank line), so reaching them
// costs no wait; a stream still going is given up at these bounds.
const (
	drainWait  = time.Second
	drainBytes = 64 << 10
)

// Close closes the stream. Clients stop reading at their protocol's last
// event ([DONE], Anthropic's message_stop, the Responses API's
// response.completed, Gemini's chunk with a finishReason) and close
// without reading the end of the body. So Close reads on to the end of
// the body first, for at most drainBytes and drainWait: a body that
// reached its end, or whose last event the client had seen ends the
// stream by its protocol, is recorded whole. Otherwise the client
// stopped early: the recording ends where the client stopped and is
// marked abandoned.
func (b *recordingBody) Close() error {
	b.mu.Lock()
	finished := b.finished
	ended := b.plain && streamEnded(b.buf.Bytes())
	seen := b.buf.Len()
	b.mu.Unlock()
	if finished { // the client read to the end, or the read failed
		return b.rc.Close()
	}
	drained := make(chan error, 1)
	go func() {
		buf := make([]byte, 4<<10)
		total := 0
		for {
			n, err := b.rc.Read(buf)
			if n > 0 {
				b.note(buf[:n])
				total += n
			}
			if err != nil {
				drained <- err
				return
			}
			if total >= drainBytes {
				drained <- errDrainLimit
				return
			}
		}
	}()
	t := time.NewTimer(drainWait)
	defer t.Stop()
	var err error
	var closeErr error
	select {
	case err = <-drained:
		closeErr = b.rc.Close()
	case <-t.C:
		// The read is not waited for: a body whose Close does not end a
		// blocked Read must not hang Close. What it still reads lands in
		// the buffer after the recording was taken.
		closeErr = b.rc.Close()
		err = errDrainLimit
	}
	switch {
	case errors.Is(err, io.EOF):
		b.done(io.EOF) // the body reached its end: whole, with its last bytes
	case ended:
		b.doneAt(seen, io.EOF) // ended by its protocol; the rest is left out
	default:
		b.doneAt(seen, errAbandoned)
	}
	return closeErr
}

var (
	errAbandoned  = errors.New("the client closed the stream before it ended")
	errDrainLimit = errors.New("the stream went on after the client closed it")
)

// streamEnded reports whether a recorded stream's last event is complete
// and ends the stream by its provider's protocol: data: [DONE]
// (OpenAI-compatible APIs), an event (by its event: line or its data's
// "type") of message_stop (Anthropic), response.completed, response.failed
// or response.incomplete (OpenAI Responses API) or error (both), or a
// chunk whose candidates all carry a finishReason (Gemini). Comments and
// blank blocks after it do not count.
func streamEnded(b []byte) bool {
	dec := sse.NewDecoder(bytes.NewReader(b), sse.KeepAll())
	ended := false
	for {
		ev, err := dec.Next()
		if err == io.EOF {
			return ended
		}
		if err != nil {
			return false
		}
		if !ev.HasData && ev.Type == "" {
			continue // comments, blank lines
		}
		ended = ev.Terminated && finalEvent(ev.Type, ev.Data)
	}
}

// finalEvents are the event types after which a provider sends nothing.
var finalEvents = map[string]bool{
	"message_stop":        true, // Anthropic Messages
	"response.completed":  true, // OpenAI Responses API
	"response.failed":     true,
	"response.incomplete": true,
	"error":               true, // Anthropic and the Responses API end a stream with it
}

func finalEvent(typ string, data []byte) bool {
	if finalEvents[typ] {
		return true
	}
	d := bytes.TrimSpace(data)
	if string(d) == "[DONE]" {
		return true
	}
	if len(d) == 0 || d[0] != '{' {
		return false
	}
	var v struct {
		Type       string `json:"type"`
		Candidates []struct {
			FinishReason string `json:"finishReason"`
		} `json:"candidates"`
	}
	if json.Unmarshal(d, &v) != nil {
		return false
	}
	if finalEvents[v.Type] {
		return true
	}
	if len(v.Candidates) == 0 {
		return false
	}
	for _, c := range v.Candidates {
		if c.FinishReason == "" {
			return false
		}
	}
	return true
}

// markEvents splits a recorded stream into events and gives each the time
// at which its last byte had arrived.
func markEvents(body []byte, marks []mark) string {
	evs, err := httpbody.SplitSSE(string(body))
	if err != nil {
		// Not splittable (e.g. a line over the decoder's limit): keep the
		// bytes without timing.
		return string(body)
	}
	end, m := 0, 0
	for k := range evs {
		end += len(evs[k].Raw)
		for m < len(marks) && marks[m].end < end {
			m++
		}
		if m < len(marks) {
			evs[k].Offset = marks[m].at
		} else if len(marks) > 0 {
			evs[k].Offset = marks[len(marks)-1].at
		}
		evs[k].HasOffset = true
	}
	return httpbody.MarkSSE(evs)
}
