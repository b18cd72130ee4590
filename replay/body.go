package replay

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/playback"
)

// replay builds the response for a recorded interaction (played by
// internal/playback, which cmd/record's serve shares).
// n is the request's number, faults its declared faults.
func (s *Session) replay(r *http.Request, i *cassettes.Interaction, n int, faults []Fault) (*http.Response, error) {
	ctx := r.Context()
	p, err := playback.Prepare(&i.Response)
	if err != nil {
		err = &replayError{Path: s.path, Err: err}
		s.fail(err)
		return nil, err
	}
	if d := p.HeaderWait(s.cfg.scale); d > 0 {
		if err := s.cfg.clock.Sleep(ctx, d); err != nil {
			return nil, err
		}
	}
	pf, ok := s.streamFaults[n]
	if !ok {
		pf = playback.NoFaults
	}
	if p.Whole(pf) {
		// The common case: a whole JSON body, read in as many reads as the
		// client likes, still honouring the request's context.
		return &http.Response{
			Status: p.Status, StatusCode: p.Code, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: p.Header, Body: &plainBody{ctx: ctx, r: strings.NewReader(p.Body)}, ContentLength: p.Length,
			Uncompressed: i.Response.Uncompressed, Request: r,
		}, nil
	}
	events := p.Pieces()
	if len(faults) > 0 {
		s.faultLog.checkStream(n, faults, len(events))
	}
	bctx, cancel := context.WithCancel(ctx)
	b := &eventBody{
		ctx: bctx, cancel: cancel, clock: s.cfg.clock, start: s.cfg.clock.Now(), scale: s.cfg.scale,
		events: events, endErr: p.EndErr, cut: pf.Cut, stall: pf.Stall, corrupt: pf.Corrupt,
	}
	return &http.Response{
		Status:        p.Status,
		StatusCode:    p.Code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        p.Header,
		Body:          b,
		ContentLength: p.Length,
		Uncompressed:  i.Response.Uncompressed,
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
// request's context, the timing and the faults: a playback.Body made from
// its fields at the first Read or Close.
type eventBody struct {
	ctx     context.Context
	cancel  context.CancelFunc
	clock   Clock
	start   time.Time
	scale   float64
	events  []httpbody.Event
	endErr  error // after the last event: io.EOF, or io.ErrUnexpectedEOF for a recorded break
	cut     int   // -1, or the number of events before the connection breaks
	stall   int   // -1, or the number of events before the stream stalls
	corrupt int   // -1, or the event whose data is garbled

	once sync.Once
	body *playback.Body
}

func (b *eventBody) play() *playback.Body {
	b.once.Do(func() {
		b.body = playback.NewBody(b.ctx, b.cancel, b.events, playback.Config{
			Clock: b.clock, Start: b.start, Scale: b.scale, EndErr: b.endErr, Closed: errBodyClosed,
			Faults: playback.Faults{Cut: b.cut, Stall: b.stall, Corrupt: b.corrupt},
		})
	})
	return b.body
}

// Read returns at most one event per call (see playback.Body).
func (b *eventBody) Read(p []byte) (int, error) { return b.play().Read(p) }

// Close ends the body and wakes a stalled or waiting Read.
func (b *eventBody) Close() error { return b.play().Close() }
