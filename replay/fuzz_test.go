package replay

import (
	"bytes"
	"context"
	"errors"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"io"
	"testing"

	"github.com/llmvcr/llmvcr/internal/sse"
)

// FuzzEventBody replays any recorded stream body: without faults the
// client reads exactly the original bytes; cut after k events it reads
// the first k events' bytes and then io.ErrUnexpectedEOF; a corrupted
// event never makes the body longer than the original.
func FuzzEventBody(f *testing.F) {
	f.Add(": llmvcr-t=0.000000\ndata: {\"a\":1}\n\n: llmvcr-t=0.100000\ndata: [DONE]\n\n", 1, 0)
	f.Add("data: x\r\n\r\nevent: error\r\ndata: {\"e\":1}\r\n\r\n", 0, 1)
	f.Add("data: partial", 5, -1)
	f.Fuzz(func(t *testing.T, body string, cut, corrupt int) {
		events, err := httpbody.SplitSSE(body)
		if err != nil {
			return
		}
		want := httpbody.JoinSSE(events)
		read := func(cut, corrupt int) ([]byte, error) {
			ctx, cancel := context.WithCancel(context.Background())
			b := &eventBody{ctx: ctx, cancel: cancel, clock: realClock{}, events: events, endErr: io.EOF, cut: cut, stall: -1, corrupt: corrupt}
			defer b.Close()
			return io.ReadAll(b)
		}
		got, err := read(-1, -1)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("replayed %q, %v; want %q", got, err, want)
		}
		if cut >= 0 && cut < len(events) {
			got, err := read(cut, -1)
			prefix := httpbody.JoinSSE(events[:cut])
			if !errors.Is(err, io.ErrUnexpectedEOF) || !bytes.Equal(got, prefix) {
				t.Fatalf("cut after %d: %q, %v; want %q and unexpected EOF", cut, got, err, prefix)
			}
		}
		if corrupt >= 0 && corrupt < len(events) {
			got, err := read(-1, corrupt)
			if err != nil || len(got) > len(want) {
				t.Fatalf("corrupt %d: %d bytes (original %d), %v", corrupt, len(got), len(want), err)
			}
		}
	})
}

// FuzzStreamEnded checks the end-of-stream detection on any bytes: it
// never panics, a stream it says has ended still has ended with comments
// and blank lines after it, and a stream cut inside its last event has
// not ended.
func FuzzStreamEnded(f *testing.F) {
	f.Add([]byte("data: {}\n\ndata: [DONE]\n\n"))
	f.Add([]byte("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"))
	f.Add([]byte("event: response.completed\ndata: {\"type\":\"response.completed\"}\n\n"))
	f.Add([]byte("data: {\"candidates\":[{\"finishReason\":\"STOP\"}]}\r\n\r\n"))
	f.Add([]byte("data: {\"candidates\":[{\"finishReason\":\"STOP\"},{}]}\r\n\r\n"))
	f.Add([]byte("event: error\ndata: {\"type\":\"error\"}\n\n: bye\n\n"))
	f.Add([]byte("data: [DONE]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !streamEnded(b) {
			return
		}
		if !streamEnded(append(append([]byte(nil), b...), ": comment\n\n\n"...)) {
			t.Errorf("a comment after the end undid it: %q", b)
		}
		// The event that ended it is complete: the last block with data
		// or a type ends with its blank line.
		dec := sse.NewDecoder(bytes.NewReader(b), sse.KeepAll())
		var last sse.Event
		for {
			ev, err := dec.Next()
			if err != nil {
				break
			}
			if ev.HasData || ev.Type != "" {
				last = ev
			}
		}
		if !last.Terminated {
			t.Errorf("a stream cut inside its last event counts as ended: %q", b)
		}
	})
}
