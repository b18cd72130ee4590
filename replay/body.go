package replay

import (
	"bytes"
	"context"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
)

// replay builds the response for a recorded interaction.
// n is the request's number, faults its declared faults.
func (s *Session) replay(r *http.Request, i *cassettes.Interaction, n int, faults []Fault) (*http.Response, error) {
	ctx := r.Context()
	rs := &i.Response
	if s.cfg.scale > 0 && rs.Duration > 0 {
		d := time.Duration(float64(rs.Duration) * s.cfg.scale)
		if err := s.cfg.clock.Sleep(ctx, d); err != nil {
			return nil, err
		}
	}
	h := httpbody.ClientHeaders(rs.Headers)
	var events []httpbody.Event
	endErr := io.EOF
	if rs.Headers.Get(httpbody.StreamErrorHeader) != "" {
		endErr = io.ErrUnexpectedEOF
	}
	length := int64(-1)
	sse := httpbody.IsSSE(rs.Headers)
	if sse {
		evs, err := httpbody.SplitSSE(rs.Body)
		if err != nil {
			err = &replayError{Path: s.path, Err: err}
			s.fail(err)
			return nil, err
		}
		events = evs
		h.Del("Content-Length")
	} else {
		if endErr == io.EOF {
			length = int64(len(rs.Body))
			if h.Get("Content-Length") != "" {
				h.Set("Content-Length", strconv.Itoa(len(rs.Body)))
			}
		} else {
			h.Del("Content-Length")
		}
	}
	status := rs.Status
	if status == "" {
		status = strconv.Itoa(rs.Code) + " " + http.StatusText(rs.Code)
	}
	if len(faults) == 0 && !sse && endErr == io.EOF {
		// The common case: a whole JSON body, read in as many reads as the
		// client likes, still honouring the request's context.
		return &http.Response{
			Status: status, StatusCode: rs.Code, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: h, Body: &plainBody{ctx: ctx, r: strings.NewReader(rs.Body)}, ContentLength: length,
			Uncompressed: rs.Uncompressed, Request: r,
		}, nil
	}
	if !sse {
		events = []httpbody.Event{{Raw: []byte(rs.Body)}}
	}
	if len(faults) > 0 {
		s.faultLog.checkStream(n, faults, len(events))
	}
	bctx, cancel := context.WithCancel(ctx)
	b := &eventBody{
		ctx: bctx, cancel: cancel, clock: s.cfg.clock, start: s.cfg.clock.Now(), scale: s.cfg.scale,
		events: events, endErr: endErr, cut: -1, stall: -1, corrupt: -1,
	}
	for _, f := range faults {
		switch f.kind {
		case faultCut:
			b.cut = f.k
		case faultStall:
			b.stall = f.k
		case faultCorrupt:
			b.corrupt = f.k
		}
	}
	return &http.Response{
		Status:        status,
		StatusCode:    rs.Code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          b,
		ContentLength: length,
		Uncompressed:  rs.Uncompressed,
		Request:       r,
	}, nil
}

// replayError reports a recording that cannot be replayed (for instance a
// stream body that does not split into events).
type replayError struct {
	Path string // the cassette
	Err  error  // what failed
}

// Error names the cassette and what failed.
func (e *replayError) Error() string { return "replay: " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *replayError) Unwrap() error { return e.Err }

// Retryable reports false: the recording will not replay on a second try.
func (e *replayError) Retryable() bool { return false }

// plainBody is a recorded body without events or faults.
type plainBody struct {
	ctx    context.Context
	r      *strings.Reader
	closed atomic.Bool
}

// Read reads the body, failing once the request is done or the body closed.
func (b *plainBody) Read(p []byte) (int, error) {
	if b.closed.Load() {
		return 0, errBodyClosed
	}
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	return b.r.Read(p)
}

// Close ends the body; later reads fail.
func (b *plainBody) Close() error {
	b.closed.Store(true)
	return nil
}

// eventBody delivers recorded events, each as its own Read, honouring the
// request's context, the timing and the faults.
type eventBody struct {
	ctx    context.Context
	cancel context.CancelFunc
	clock  Clock
	start  time.Time
	scale  float64

	mu      sync.Mutex
	events  []httpbody.Event
	next    int    // index of the next event
	cur     []byte // rest of the event being read
	endErr  error  // after the last event: io.EOF, or io.ErrUnexpectedEOF for a recorded break
	cut     int    // -1, or the number of events before the connection breaks
	stall   int    // -1, or the number of events before the stream stalls
	corrupt int    // -1, or the event whose data is garbled
	closed  bool
}

// Read returns at most one event per call, waiting for its offset when
// timing is on, and applies the faults.
func (b *eventBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return 0, errBodyClosed
	}
	if len(b.cur) > 0 {
		n := copy(p, b.cur)
		b.cur = b.cur[n:]
		b.mu.Unlock()
		return n, nil
	}
	if err := b.ctx.Err(); err != nil {
		b.mu.Unlock()
		return 0, b.readErr()
	}
	k := b.next
	switch {
	case k == b.cut:
		b.mu.Unlock()
		return 0, io.ErrUnexpectedEOF
	case k == b.stall:
		b.mu.Unlock()
		<-b.ctx.Done()
		return 0, b.readErr()
	case k >= len(b.events):
		b.mu.Unlock()
		return 0, b.endErr
	}
	ev := b.events[k]
	b.next++
	b.mu.Unlock()
	if b.scale > 0 && ev.HasOffset {
		target := time.Duration(float64(ev.Offset) * b.scale)
		if d := target - b.clock.Now().Sub(b.start); d > 0 {
			if err := b.clock.Sleep(b.ctx, d); err != nil {
				return 0, b.readErr()
			}
		}
	}
	raw := ev.Raw
	if k == b.corrupt {
		raw = corruptEvent(raw)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, errBodyClosed
	}
	n := copy(p, raw)
	b.cur = raw[n:]
	return n, nil
}

// readErr is the error after the body's context ended: errBodyClosed when
// Close ended it, else the request context's error.
func (b *eventBody) readErr() error {
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return errBodyClosed
	}
	return b.ctx.Err()
}

// Close ends the body and wakes a stalled or waiting Read.
func (b *eventBody) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cancel()
	return nil
}

// corruptEvent cuts the payload of the event's first data line in half,
// keeping the line end and the rest of the event, so the event still
// arrives whole but its data no longer parses.
func corruptEvent(raw []byte) []byte {
	out := append([]byte(nil), raw...)
	start := 0
	for start < len(out) {
		end := bytes.IndexAny(out[start:], "\r\n")
		if end < 0 {
			end = len(out) - start
		}
		line := out[start : start+end]
		if bytes.HasPrefix(line, []byte("data:")) {
			payload := len("data:")
			if len(line) > payload && line[payload] == ' ' {
				payload++
			}
			keep := payload + (len(line)-payload)/2
			return append(out[:start+keep], out[start+end:]...)
		}
		start += end + 1
	}
	return out[:len(out)/2]
}
