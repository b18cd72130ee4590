package replay

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
)

// Recorder is an http.RoundTripper that sends each request on to Real and
// keeps a copy of the exchange as a cassettes.Interaction: a JSON answer
// read whole, an event stream passed to the client read by read as it
// arrives, each event stamped with its offset since the response headers,
// and a stream that broke kept as far as it got (with
// cassettes.StreamErrorHeader). A Session records through one; a program
// (cmd/record) uses one directly, then saves Interactions into a
// cassettes.Cassette, whose Save scrubs secrets:
//
//	rec := &replay.Recorder{}
//	client := &http.Client{Transport: rec}
//	// ... talk to the API through client ...
//	c := cassettes.New("session.yaml")
//	c.Interactions = rec.Interactions()
//	err := c.Save()
//
// It is safe for concurrent use.
type Recorder struct {
	Real    http.RoundTripper // where requests go; http.DefaultTransport when nil
	Clock   Clock             // measures event offsets; the real clock when nil
	Rewrite *url.URL          // when set, recorded URLs get its scheme and host (a local fake standing in for the real API)
	// OnRecorded, when set, is called with each exchange once it is
	// complete (its stream ended or broke), from the goroutine that
	// completed it.
	OnRecorded func(*cassettes.Interaction)

	mu    sync.Mutex
	slots []*cassettes.Interaction // in request order; nil while in flight or when no response came
	open  int                      // response bodies still streaming
}

// Open returns how many recorded response bodies are still open (being
// streamed to a client that has neither read them to the end nor closed
// them). Interactions leaves them out.
func (rec *Recorder) Open() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.open
}

// RoundTrip sends r on and records the exchange. The caller's request is
// not changed.
func (rec *Recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := cassettes.ReadBody(r)
	if err != nil {
		return nil, fmt.Errorf("replay: read request body: %w", err)
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

func (rec *Recorder) clock() Clock {
	if rec.Clock == nil {
		return realClock{}
	}
	return rec.Clock
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
	clock := rec.clock()
	start := clock.Now()
	resp, err := real.RoundTrip(withBody(r, body))
	if err != nil {
		return nil, err
	}
	headersAt := clock.Now()
	u := *r.URL
	host := r.Host
	if host == "" {
		host = u.Host
	}
	if rec.Rewrite != nil {
		u.Scheme, u.Host, host = rec.Rewrite.Scheme, rec.Rewrite.Host, rec.Rewrite.Host
	}
	reqHeader := r.Header.Clone()
	if reqHeader == nil {
		reqHeader = http.Header{}
	}
	respHeader := resp.Header.Clone()
	if respHeader == nil {
		respHeader = http.Header{}
	}
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
			Duration:         headersAt.Sub(start),
		},
	}
	sse := cassettes.IsSSE(resp.Header)
	// A compressed stream (a client that asked for gzip itself) is kept
	// as it came: its bytes are not events, so they are neither split
	// nor timed. Save decodes it.
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	plain := enc == "" || enc == "identity"
	streaming := false
	finish := func(b []byte, marks []mark, err error) {
		if sse && plain {
			i.Response.Body = markEvents(b, marks)
		} else {
			i.Response.Body = string(b)
		}
		if err != nil && !errors.Is(err, io.EOF) && !(sse && plain && endsWithDone(b)) {
			// A stream whose last event was a whole data: [DONE] ended
			// normally, whatever stopped the read of the empty rest (a
			// client cancelling once it had [DONE]).
			i.Response.Headers.Set(cassettes.StreamErrorHeader, err.Error())
		}
		rec.mu.Lock()
		rec.slots[slot] = i
		if streaming {
			rec.open--
		}
		rec.mu.Unlock()
		if rec.OnRecorded != nil {
			rec.OnRecorded(i)
		}
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		finish(nil, nil, io.EOF)
		return resp, nil
	}
	if !sse {
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		finish(b, nil, err)
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		return resp, nil
	}
	streaming = true
	rec.mu.Lock()
	rec.open++
	rec.mu.Unlock()
	resp.Body = &recordingBody{rc: resp.Body, clock: clock, start: headersAt, finish: finish, plain: plain}
	return resp, nil
}

// mark notes when the stream had delivered its first end bytes.
type mark struct {
	end int
	at  time.Duration
}

// recordingBody passes a live stream through to the client read by read,
// keeping a copy and the time each read arrived.
type recordingBody struct {
	rc     io.ReadCloser
	clock  Clock
	start  time.Time
	finish func([]byte, []mark, error)
	plain  bool // not compressed: the bytes are events

	mu    sync.Mutex
	buf   bytes.Buffer
	marks []mark
	once  sync.Once
}

func (b *recordingBody) note(p []byte) {
	b.mu.Lock()
	b.buf.Write(p)
	b.marks = append(b.marks, mark{end: b.buf.Len(), at: b.clock.Now().Sub(b.start)})
	b.mu.Unlock()
}

func (b *recordingBody) done(err error) {
	b.once.Do(func() {
		b.mu.Lock()
		data := append([]byte(nil), b.buf.Bytes()...)
		marks := append([]mark(nil), b.marks...)
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

// drainWait bounds how long Close waits for the end of a stream whose
// data: [DONE] has already arrived.
const drainWait = time.Second

// Close closes the stream. When the client has already had data: [DONE]
// (and stopped reading there, as clients do), the rest of the stream is
// read first, for at most drainWait, so the recording ends as the server
// ended it. Otherwise the client stopped early: the stream is closed at
// once (the server may go on generating) and recorded as abandoned where
// the client stopped.
func (b *recordingBody) Close() error {
	b.mu.Lock()
	sawDone := b.plain && endsWithDone(b.buf.Bytes())
	b.mu.Unlock()
	if !sawDone {
		err := b.rc.Close()
		b.done(errAbandoned)
		return err
	}
	drained := make(chan error, 1)
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := b.rc.Read(buf)
			if n > 0 {
				b.note(buf[:n])
			}
			if err != nil {
				drained <- err
				return
			}
		}
	}()
	t := time.NewTimer(drainWait)
	defer t.Stop()
	select {
	case err := <-drained:
		b.done(err)
		return b.rc.Close()
	case <-t.C:
		err := b.rc.Close()
		<-drained
		b.done(errAbandoned)
		return err
	}
}

var errAbandoned = errors.New("the client closed the stream before it ended")

// endsWithDone reports whether a recorded stream's last event is a
// complete "data: [DONE]" event.
func endsWithDone(b []byte) bool {
	evs, err := cassettes.SplitSSE(string(b))
	if err != nil {
		return false
	}
	for k := len(evs) - 1; k >= 0; k-- {
		raw := bytes.TrimSpace(evs[k].Raw)
		if len(raw) == 0 || raw[0] == ':' {
			continue // trailing blank lines or comments
		}
		return evs[k].Terminated && string(raw) == "data: [DONE]"
	}
	return false
}

// markEvents splits a recorded stream into events and gives each the time
// at which its last byte had arrived.
func markEvents(body []byte, marks []mark) string {
	evs, err := cassettes.SplitSSE(string(body))
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
	return cassettes.MarkSSE(evs)
}
