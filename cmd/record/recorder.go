package main

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
)

// SourceHeader is the response header a recording made against the embedded
// fake carries, so that inspect (and a reviewer) can tell it from a real one.
// It starts with cassettes.HeaderPrefix, so replay never shows it to a client.
const SourceHeader = cassettes.HeaderPrefix + "Source"

// recorder is an http.RoundTripper usable in a program (no testing.TB): it
// sends each request through base, hands the response to the caller as it
// arrives (an event stream read by read), and keeps a copy of the exchange
// as a cassettes.Interaction, with each SSE event's time offset since the
// response headers. Interactions returns them in request order; Save on the
// cassette they go into does the scrubbing.
type recorder struct {
	base    http.RoundTripper // where requests really go
	rewrite *url.URL          // when set, recorded URLs get this scheme and host (the fake's port is noise)
	source  string            // when set, the value of SourceHeader in recorded responses
	now     func() time.Time  // the clock offsets are measured on

	mu    sync.Mutex
	slots []*cassettes.Interaction // in request order; nil while in flight or when no response came
}

// drainWait bounds how long closing a stream waits for its remaining bytes.
const drainWait = 5 * time.Second

// RoundTrip sends r and records the exchange.
func (rec *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := cassettes.ReadBody(r)
	if err != nil {
		return nil, err
	}
	out := r.Clone(r.Context()) // a RoundTripper must not change the caller's request
	out.Body, out.ContentLength = http.NoBody, 0
	if body != nil {
		out.Body, out.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	rec.mu.Lock()
	slot := len(rec.slots)
	rec.slots = append(rec.slots, nil)
	rec.mu.Unlock()

	start := rec.now()
	resp, err := rec.base.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	headersAt := rec.now()

	u := *r.URL
	host := r.Host
	if host == "" {
		host = u.Host
	}
	if rec.rewrite != nil {
		u.Scheme, u.Host = rec.rewrite.Scheme, rec.rewrite.Host
		host = rec.rewrite.Host
	}
	reqHeader := r.Header.Clone()
	if reqHeader == nil {
		reqHeader = http.Header{}
	}
	respHeader := resp.Header.Clone()
	if respHeader == nil {
		respHeader = http.Header{}
	}
	if rec.source != "" {
		respHeader.Set(SourceHeader, rec.source)
	}
	i := &cassettes.Interaction{
		Request: cassettes.Request{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			ContentLength: int64(len(body)),
			Host:          host,
			Body:          string(body),
			Headers:       reqHeader,
			URL:           u.String(),
			Method:        r.Method,
		},
		Response: cassettes.Response{
			Proto: resp.Proto, ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor,
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
	finish := func(b []byte, marks []mark, err error) {
		if sse {
			i.Response.Body = timeEvents(b, marks)
		} else {
			i.Response.Body = string(b)
		}
		if err != nil && !errors.Is(err, io.EOF) && !(sse && endsWithDone(b)) {
			i.Response.Headers.Set(cassettes.StreamErrorHeader, err.Error())
		}
		rec.mu.Lock()
		rec.slots[slot] = i
		rec.mu.Unlock()
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		finish(nil, nil, nil)
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
	resp.Body = &teeBody{rc: resp.Body, now: rec.now, start: headersAt, finish: finish}
	return resp, nil
}

// Interactions returns the completed exchanges in the order their requests
// were sent.
func (rec *recorder) Interactions() []*cassettes.Interaction {
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

// mark notes that the first end bytes of a stream had arrived at offset at.
type mark struct {
	end int
	at  time.Duration
}

// teeBody passes a stream to the caller read by read, keeping a copy and
// the time of each read.
type teeBody struct {
	rc     io.ReadCloser
	now    func() time.Time
	start  time.Time
	finish func([]byte, []mark, error)

	mu    sync.Mutex
	buf   bytes.Buffer
	marks []mark
	once  sync.Once
}

func (b *teeBody) note(p []byte) {
	b.mu.Lock()
	b.buf.Write(p)
	b.marks = append(b.marks, mark{end: b.buf.Len(), at: b.now().Sub(b.start)})
	b.mu.Unlock()
}

func (b *teeBody) done(err error) {
	b.once.Do(func() {
		b.mu.Lock()
		data := bytes.Clone(b.buf.Bytes())
		marks := append([]mark(nil), b.marks...)
		b.mu.Unlock()
		b.finish(data, marks, err)
	})
}

// Read reads from the stream and records what it read.
func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.note(p[:n])
	}
	if err != nil {
		b.done(err)
	}
	return n, err
}

// Close records what is left of the stream (a client may stop at [DONE],
// before the body's end), waiting at most drainWait, then closes it.
func (b *teeBody) Close() error {
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
		b.done(errors.New("the stream did not end within " + drainWait.String() + " of the client closing it"))
		return err
	}
}

// endsWithDone reports whether a stream's last event is a whole
// "data: [DONE]". A client that closes the stream after it (groq.Model
// cancels the request's context first) makes the final read fail, yet
// nothing was lost.
func endsWithDone(body []byte) bool {
	evs, err := cassettes.SplitSSE(string(body))
	if err != nil || len(evs) == 0 {
		return false
	}
	last := evs[len(evs)-1]
	_, data := eventFields(last.Raw)
	return last.Terminated && data == "[DONE]"
}

// timeEvents gives each event of a recorded stream the offset at which its
// last byte had arrived, in the stored form (cassettes.MarkSSE).
func timeEvents(body []byte, marks []mark) string {
	evs, err := cassettes.SplitSSE(string(body))
	if err != nil {
		return string(body) // not splittable: keep the bytes without timing
	}
	end, m := 0, 0
	for k := range evs {
		end += len(evs[k].Raw)
		for m < len(marks) && marks[m].end < end {
			m++
		}
		switch {
		case m < len(marks):
			evs[k].Offset = marks[m].at
		case len(marks) > 0:
			evs[k].Offset = marks[len(marks)-1].at
		}
		evs[k].HasOffset = true
	}
	return cassettes.MarkSSE(evs)
}
