package replay

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/llmvcr/llmvcr/internal/clock"
	"github.com/llmvcr/llmvcr/internal/httpbody"
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
			b := &eventBody{ctx: ctx, cancel: cancel, clock: clock.Real{}, events: events, endErr: io.EOF, cut: cut, stall: -1, corrupt: corrupt}
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
