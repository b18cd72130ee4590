package replay

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
)

// record sends the request to the real server and records the exchange.
// An event stream reaches the client as it arrives; its events' offsets
// are measured on the session's clock.
func (s *Session) record(r *http.Request, body []byte) (*http.Response, error) {
	s.mu.Lock()
	slot := len(s.slots)
	s.slots = append(s.slots, nil)
	s.mu.Unlock()

	start := s.cfg.clock.Now()
	resp, err := s.real.RoundTrip(withBody(r, body))
	if err != nil {
		return nil, err
	}
	toHeaders := s.since(start)
	i := &cassettes.Interaction{
		Request: cassettes.Request{
			Proto:         r.Proto,
			ProtoMajor:    r.ProtoMajor,
			ProtoMinor:    r.ProtoMinor,
			ContentLength: int64(len(body)),
			Host:          r.Host,
			Body:          string(body),
			Form:          nil,
			Headers:       r.Header.Clone(),
			URL:           r.URL.String(),
			Method:        r.Method,
		},
		Response: cassettes.Response{
			Proto:            resp.Proto,
			ProtoMajor:       resp.ProtoMajor,
			ProtoMinor:       resp.ProtoMinor,
			TransferEncoding: resp.TransferEncoding,
			ContentLength:    resp.ContentLength,
			Uncompressed:     resp.Uncompressed,
			Headers:          resp.Header.Clone(),
			Status:           resp.Status,
			Code:             resp.StatusCode,
			Duration:         toHeaders,
		},
	}
	if i.Request.Headers == nil {
		i.Request.Headers = http.Header{}
	}
	if i.Request.Proto == "" {
		i.Request.Proto, i.Request.ProtoMajor, i.Request.ProtoMinor = "HTTP/1.1", 1, 1
	}
	finish := func(b []byte, marks []mark, err error) {
		if cassettes.IsSSE(resp.Header) {
			i.Response.Body = markEvents(b, marks)
		} else {
			i.Response.Body = string(b)
		}
		if err != nil && err != io.EOF && !endsWithDone(b) {
			// A stream whose last event was a whole data: [DONE] ended
			// normally, whatever stopped the read of the empty rest (a
			// client cancelling once it had [DONE]).
			i.Response.Headers.Set(cassettes.StreamErrorHeader, err.Error())
		}
		s.mu.Lock()
		if slot < len(s.slots) {
			s.slots[slot] = i
		}
		s.mu.Unlock()
		if s.idx != nil { // new-episodes: later identical requests record again
			s.idx.Add(i, true)
		}
	}
	if resp.Body == nil {
		finish(nil, nil, io.EOF)
		return resp, nil
	}
	if !cassettes.IsSSE(resp.Header) {
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		finish(b, nil, err)
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		return resp, nil
	}
	resp.Body = &recordingBody{rc: resp.Body, clock: s.cfg.clock, start: start.Add(toHeaders), finish: finish}
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

// drainWait bounds how long Close waits for the rest of a stream.
const drainWait = 5 * time.Second

// Close records the rest of the stream (a client often stops reading at
// [DONE]) and then closes it. A stream that does not end within drainWait
// is closed and recorded as broken where it stopped.
func (b *recordingBody) Close() error {
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
