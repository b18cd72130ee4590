// Package playback plays a recorded HTTP response back: the headers a
// client may see, then the body, a stream event by event at its recorded
// offsets (scaled), with the stream faults a test declares (a connection
// cut after k events, a stall, a garbled event). replay's sessions answer
// their clients' requests with it, and cmd/record's serve writes it onto a
// live connection: one implementation of the timing and the faults.
package playback

import (
	"bytes"
	"context"
	"io"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/clock"
	"github.com/llmvcr/llmvcr/internal/httpbody"
)

// Response is a recorded response made ready to play.
type Response struct {
	Status string      // "200 OK"
	Code   int         // 200
	Header http.Header // the recorded headers without llmvcr's own, Content-Length as played
	// Length is the body's length when it is played whole, else -1 (a
	// stream, or a recorded break).
	Length int64
	SSE    bool   // the body is an event stream
	Body   string // the recorded body; for a stream, with its timing lines
	// Events are the stream's events (SSE), or nil.
	Events []httpbody.Event
	// EndErr is what a read after the last byte returns: io.EOF, or
	// io.ErrUnexpectedEOF when the recording broke there.
	EndErr error
	// Wait is the recorded time to the response headers.
	Wait time.Duration
}

// Prepare readies a recorded response for playing. The error is an
// *httpbody.SSEError for a stream body that does not split into events.
func Prepare(rs *cassettes.Response) (*Response, error) {
	p := &Response{Code: rs.Code, Status: rs.Status, Header: httpbody.ClientHeaders(rs.Headers),
		Length: -1, SSE: httpbody.IsSSE(rs.Headers), Body: rs.Body, EndErr: io.EOF, Wait: rs.Duration}
	if rs.Headers.Get(httpbody.StreamErrorHeader) != "" {
		p.EndErr = io.ErrUnexpectedEOF
	}
	if p.Status == "" {
		p.Status = strconv.Itoa(rs.Code) + " " + http.StatusText(rs.Code)
	}
	switch {
	case p.SSE:
		evs, err := httpbody.SplitSSE(rs.Body)
		if err != nil {
			return nil, err
		}
		p.Events = evs
		p.Header.Del("Content-Length")
	case p.EndErr == io.EOF:
		p.Length = int64(len(rs.Body))
		if p.Header.Get("Content-Length") != "" {
			p.Header.Set("Content-Length", strconv.Itoa(len(rs.Body)))
		}
	default:
		p.Header.Del("Content-Length")
	}
	return p, nil
}

// Whole reports whether the body is played as one plain read: not a
// stream, not broken, and no fault on it.
func (p *Response) Whole(f Faults) bool { return f.None() && !p.SSE && p.EndErr == io.EOF }

// HeaderWait is how long to wait before the headers: the recorded time to
// them, times scale (see Scaled).
func (p *Response) HeaderWait(scale float64) time.Duration { return Scaled(p.Wait, scale) }

// Scaled is d times scale: 0 when d or scale is not positive (NaN
// included), and the longest Duration when the product does not fit in
// one (an infinite scale, say), never a wrapped-around negative wait.
func Scaled(d time.Duration, scale float64) time.Duration {
	if d <= 0 || !(scale > 0) {
		return 0
	}
	f := float64(d) * scale
	if f >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(f)
}

// Pieces are the body's events, or the whole body as one event when it is
// not a stream.
func (p *Response) Pieces() []httpbody.Event {
	if p.SSE {
		return p.Events
	}
	return []httpbody.Event{{Raw: []byte(p.Body)}}
}

// Body delivers recorded events, each as its own Read, honouring its
// context, the timing and the faults. Close ends it and wakes a waiting
// Read.
type Body struct {
	ctx    context.Context
	cancel context.CancelFunc
	clock  clock.Clock
	start  time.Time
	scale  float64
	closed error // what a read after Close returns

	mu       sync.Mutex
	events   []httpbody.Event
	next     int    // index of the next event
	cur      []byte // rest of the event being read
	endErr   error  // after the last event: io.EOF, or io.ErrUnexpectedEOF for a recorded break
	f        Faults
	isClosed bool
}

// Config is how a Body plays.
type Config struct {
	Clock  clock.Clock // waits between events; the wall clock when nil
	Start  time.Time   // when the headers were delivered: offsets count from it
	Scale  float64     // every wait times Scale; <= 0 plays at once
	EndErr error       // after the last event; io.EOF when nil
	Faults Faults
	Closed error // what a read after Close returns
}

// NewBody plays events until ctx ends; cancel must cancel ctx (Close
// calls it).
func NewBody(ctx context.Context, cancel context.CancelFunc, events []httpbody.Event, c Config) *Body {
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.EndErr == nil {
		c.EndErr = io.EOF
	}
	if c.Closed == nil {
		c.Closed = errClosed
	}
	return &Body{ctx: ctx, cancel: cancel, clock: c.Clock, start: c.Start, scale: c.Scale, closed: c.Closed,
		events: events, endErr: c.EndErr, f: c.Faults}
}

var errClosed = &closedError{}

type closedError struct{}

func (*closedError) Error() string { return "read on closed response body" }

// Read returns at most one event per call, waiting for its offset when
// timing is on, and applies the faults.
func (b *Body) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.isClosed {
		b.mu.Unlock()
		return 0, b.closed
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
	case k == b.f.Cut:
		b.mu.Unlock()
		return 0, io.ErrUnexpectedEOF
	case k == b.f.Stall:
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
		target := Scaled(ev.Offset, b.scale)
		if d := target - b.clock.Now().Sub(b.start); d > 0 {
			if err := b.clock.Sleep(b.ctx, d); err != nil {
				return 0, b.readErr()
			}
		}
	}
	raw := ev.Raw
	if k == b.f.Corrupt {
		raw = CorruptEvent(raw)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.isClosed {
		return 0, b.closed
	}
	n := copy(p, raw)
	b.cur = raw[n:]
	return n, nil
}

// readErr is the error after the body's context ended: the Closed error
// when Close ended it, else the context's error.
func (b *Body) readErr() error {
	b.mu.Lock()
	closed := b.isClosed
	b.mu.Unlock()
	if closed {
		return b.closed
	}
	return b.ctx.Err()
}

// Close ends the body and wakes a stalled or waiting Read.
func (b *Body) Close() error {
	b.mu.Lock()
	b.isClosed = true
	b.mu.Unlock()
	b.cancel()
	return nil
}

// CorruptEvent cuts the payload of the event's first data line in half,
// keeping the line end and the rest of the event, so the event still
// arrives whole but its data no longer parses.
func CorruptEvent(raw []byte) []byte {
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
