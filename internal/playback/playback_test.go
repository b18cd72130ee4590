package playback

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes/fakeclock"
	"github.com/llmvcr/llmvcr/internal/httpbody"
)

const stream = ": llmvcr-t=0.000000\ndata: a\n\n: llmvcr-t=0.100000\ndata: b\n\n: llmvcr-t=0.300000\ndata: [DONE]\n\n"

func sseResponse(body string, broke bool) *cassettes.Response {
	h := http.Header{"Content-Type": {"text/event-stream"}, "Content-Length": {"99"}, "X-Llmvcr-Source": {"fake"}}
	if broke {
		h.Set(httpbody.StreamErrorHeader, "unexpected EOF")
	}
	return &cassettes.Response{Code: 200, Headers: h, Body: body, Duration: 400 * time.Millisecond}
}

func TestPrepare(t *testing.T) {
	p, err := Prepare(sseResponse(stream, false))
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != "200 OK" || !p.SSE || len(p.Events) != 3 || p.Length != -1 || p.EndErr != io.EOF {
		t.Fatalf("stream: %+v", p)
	}
	if p.Header.Get("Content-Length") != "" || p.Header.Get("X-Llmvcr-Source") != "" {
		t.Errorf("a stream keeps no Content-Length and llmvcr's own headers are dropped: %v", p.Header)
	}
	if got := p.HeaderWait(0.5); got != 200*time.Millisecond {
		t.Errorf("HeaderWait(0.5) = %s, want 200ms", got)
	}
	if got := p.HeaderWait(0); got != 0 {
		t.Errorf("HeaderWait(0) = %s, want 0", got)
	}
	p, err = Prepare(sseResponse(stream, true))
	if err != nil || p.EndErr != io.ErrUnexpectedEOF {
		t.Fatalf("a broken recording ends with unexpected EOF: %v, %v", p.EndErr, err)
	}
	j := &cassettes.Response{Code: 201, Headers: http.Header{"Content-Type": {"application/json"}, "Content-Length": {"1"}}, Body: `{"a":1}`}
	p, err = Prepare(j)
	if err != nil || p.Length != 7 || p.Header.Get("Content-Length") != "7" || !p.Whole(NoFaults) || p.Whole(Faults{Cut: 0, Stall: -1, Corrupt: -1}) {
		t.Fatalf("JSON: %+v, %v", p, err)
	}
	if _, err := Prepare(sseResponse(": llmvcr-t=NaN\ndata: x\n\n", false)); err == nil {
		t.Fatal("a bad timing line is an error")
	}
}

// TestBodyTiming plays events at their offsets times the scale, on the
// given clock, one event per Read.
func TestBodyTiming(t *testing.T) {
	evs, err := httpbody.SplitSSE(stream)
	if err != nil {
		t.Fatal(err)
	}
	clk := fakeclock.NewInstant(time.Unix(0, 0))
	ctx, cancel := context.WithCancel(context.Background())
	b := NewBody(ctx, cancel, evs, Config{Clock: clk, Start: clk.Now(), Scale: 2, Faults: NoFaults})
	defer b.Close()
	var reads []string
	buf := make([]byte, 64)
	for {
		n, err := b.Read(buf)
		if n > 0 {
			reads = append(reads, string(buf[:n]))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(reads) != 3 || reads[1] != "data: b\n\n" {
		t.Fatalf("reads %q", reads)
	}
	slept := clk.Slept()
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond}
	if len(slept) != 2 || slept[0] != want[0] || slept[1] != want[1] {
		t.Fatalf("slept %v, want %v", slept, want)
	}
}

func TestBodyFaultsAndClose(t *testing.T) {
	evs, _ := httpbody.SplitSSE(stream)
	ctx, cancel := context.WithCancel(context.Background())
	closed := errors.New("closed")
	b := NewBody(ctx, cancel, evs, Config{Faults: Faults{Cut: 1, Stall: -1, Corrupt: 0}, Closed: closed})
	got, err := io.ReadAll(b)
	if !errors.Is(err, io.ErrUnexpectedEOF) || string(got) != "data: \n\n" {
		t.Fatalf("cut after 1 with event 0 garbled: %q, %v", got, err)
	}
	b.Close()
	if _, err := b.Read(make([]byte, 8)); err != closed {
		t.Fatalf("a read after Close: %v, want the Closed error", err)
	}
}

// TestScaledNeverWraps: a NaN, infinite or huge scale (serve's -timing, a
// replay option) gives no wait or the longest one, never a product that
// overflowed into a negative (no wait at all) or arbitrary Duration.
func TestScaledNeverWraps(t *testing.T) {
	p, err := Prepare(sseResponse(stream, false))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		scale float64
		want  time.Duration
	}{
		{math.NaN(), 0},
		{-1, 0},
		{math.Inf(-1), 0},
		{math.Inf(1), math.MaxInt64},
		{1e300, math.MaxInt64},
		{1e11, math.MaxInt64},
		{2, 800 * time.Millisecond},
	} {
		if got := p.HeaderWait(tc.scale); got != tc.want {
			t.Errorf("HeaderWait(%v) = %v, want %v", tc.scale, got, tc.want)
		}
	}
}
