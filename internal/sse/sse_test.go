package sse

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// ev is an Event with copied bytes, so that tests can keep it.
type ev struct {
	Type       string
	Data       string
	HasData    bool
	ID         string
	Retry      int
	HasRetry   bool
	Raw        string
	Terminated bool
}

func copyEvent(e Event) ev {
	return ev{
		Type: e.Type, Data: string(e.Data), HasData: e.HasData, ID: e.ID,
		Retry: e.Retry, HasRetry: e.HasRetry, Raw: string(e.Raw), Terminated: e.Terminated,
	}
}

// decodeAll reads every event of r; it returns the error that ended
// decoding, nil for io.EOF.
func decodeAll(t testing.TB, r io.Reader, opts ...Option) ([]ev, error) {
	t.Helper()
	return collect(t, NewDecoder(r, opts...))
}

// collect reads the remaining events of d.
func collect(t testing.TB, d *Decoder) ([]ev, error) {
	t.Helper()
	var out []ev
	for i := 0; ; i++ {
		if i > 1<<20 {
			t.Fatalf("more than %d events: the decoder does not make progress", i)
		}
		e, err := d.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, copyEvent(e))
	}
}

func withoutRaw(evs []ev) []ev {
	out := make([]ev, len(evs))
	for i, e := range evs {
		e.Raw = ""
		out[i] = e
	}
	return out
}

// splitInvariant is what must not depend on how the input is split into
// reads: the events without Raw, and without the last event when that is
// only the LF of a final CRLF. When a CR that ends a block is the last byte
// of a read, the decoder returns the event at once (it does not wait for a
// possible LF), and the LF then starts the next block's Raw; at the end of
// the input, KeepAll returns that LF as an event of its own.
func splitInvariant(evs []ev) []ev {
	if n := len(evs); n >= 2 && evs[n-1].Raw == "\n" && strings.HasSuffix(evs[n-2].Raw, "\r") {
		evs = evs[:n-1]
	}
	return withoutRaw(evs)
}

func concatRaw(evs []ev) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(e.Raw)
	}
	return b.String()
}

// data returns a terminated data event with the given data and raw bytes.
func data(d, raw string) ev {
	return ev{Data: d, HasData: true, Raw: raw, Terminated: true}
}

func TestDecoderRules(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []ev
	}{
		{name: "empty input", in: "", want: nil},
		{name: "one event", in: "data: hello\n\n", want: []ev{data("hello", "data: hello\n\n")}},
		{name: "two events", in: "data: a\n\ndata: b\n\n", want: []ev{data("a", "data: a\n\n"), data("b", "data: b\n\n")}},
		{name: "multi-line data joined with LF", in: "data: a\ndata: b\ndata:c\n\n", want: []ev{data("a\nb\nc", "data: a\ndata: b\ndata:c\n\n")}},
		{name: "no space after colon", in: "data:x\n\n", want: []ev{data("x", "data:x\n\n")}},
		{name: "only one leading space stripped", in: "data:  x \n\n", want: []ev{data(" x ", "data:  x \n\n")}},
		{name: "colon in value kept", in: "data: a: b\n\n", want: []ev{data("a: b", "data: a: b\n\n")}},
		{name: "data without colon is empty data", in: "data\n\n", want: []ev{data("", "data\n\n")}},
		{name: "two empty data lines", in: "data\ndata:\n\n", want: []ev{data("\n", "data\ndata:\n\n")}},
		{name: "data ending in empty line", in: "data: a\ndata:\n\n", want: []ev{data("a\n", "data: a\ndata:\n\n")}},
		{name: "event type", in: "event: add\ndata: 1\n\n", want: []ev{{Type: "add", Data: "1", HasData: true, Raw: "event: add\ndata: 1\n\n", Terminated: true}}},
		{name: "event type does not carry over", in: "event: a\ndata: 1\n\ndata: 2\n\n", want: []ev{
			{Type: "a", Data: "1", HasData: true, Raw: "event: a\ndata: 1\n\n", Terminated: true},
			data("2", "data: 2\n\n"),
		}},
		{name: "last event field wins", in: "event: a\nevent: b\ndata: 1\n\n", want: []ev{{Type: "b", Data: "1", HasData: true, Raw: "event: a\nevent: b\ndata: 1\n\n", Terminated: true}}},
		{name: "event type of a dropped block does not carry over", in: "event: a\n\ndata: 1\n\n", want: []ev{data("1", "data: 1\n\n")}},
		{name: "id persists until changed", in: "id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n", want: []ev{
			{ID: "1", Data: "a", HasData: true, Raw: "id: 1\ndata: a\n\n", Terminated: true},
			{ID: "1", Data: "b", HasData: true, Raw: "data: b\n\n", Terminated: true},
			data("c", "id\ndata: c\n\n"),
		}},
		{name: "id from a block without data persists", in: "id: 7\n\ndata: a\n\n", want: []ev{{ID: "7", Data: "a", HasData: true, Raw: "data: a\n\n", Terminated: true}}},
		{name: "id with NUL ignored", in: "id: 1\ndata: a\n\nid: x\x00y\ndata: b\n\n", want: []ev{
			{ID: "1", Data: "a", HasData: true, Raw: "id: 1\ndata: a\n\n", Terminated: true},
			{ID: "1", Data: "b", HasData: true, Raw: "id: x\x00y\ndata: b\n\n", Terminated: true},
		}},
		{name: "retry", in: "retry: 1500\ndata: x\n\n", want: []ev{{Retry: 1500, HasRetry: true, Data: "x", HasData: true, Raw: "retry: 1500\ndata: x\n\n", Terminated: true}}},
		{name: "retry is per block", in: "retry: 10\ndata: a\n\ndata: b\n\n", want: []ev{
			{Retry: 10, HasRetry: true, Data: "a", HasData: true, Raw: "retry: 10\ndata: a\n\n", Terminated: true},
			data("b", "data: b\n\n"),
		}},
		{name: "retry with a non-digit ignored", in: "retry: 15a\ndata: x\n\n", want: []ev{data("x", "retry: 15a\ndata: x\n\n")}},
		{name: "retry negative ignored", in: "retry: -1\ndata: x\n\n", want: []ev{data("x", "retry: -1\ndata: x\n\n")}},
		{name: "retry empty ignored", in: "retry:\ndata: x\n\n", want: []ev{data("x", "retry:\ndata: x\n\n")}},
		{name: "retry overflowing ignored", in: "retry: 99999999999999999999\ndata: x\n\n", want: []ev{data("x", "retry: 99999999999999999999\ndata: x\n\n")}},
		{name: "invalid retry keeps an earlier valid one", in: "retry: 5\nretry: x\ndata: x\n\n", want: []ev{{Retry: 5, HasRetry: true, Data: "x", HasData: true, Raw: "retry: 5\nretry: x\ndata: x\n\n", Terminated: true}}},
		{name: "comment lines ignored", in: ": ping\n\ndata: x\n: note\n\n", want: []ev{data("x", "data: x\n: note\n\n")}},
		{name: "comment without space", in: ":\ndata: x\n\n", want: []ev{data("x", ":\ndata: x\n\n")}},
		{name: "unknown field ignored", in: "foo: bar\ndata: x\n\n", want: []ev{data("x", "foo: bar\ndata: x\n\n")}},
		{name: "field names are case-sensitive", in: "Data: x\n\n", want: nil},
		{name: "field name with space is unknown", in: "data : x\n\n", want: nil},
		{name: "block without data not dispatched", in: "event: e\nid: 1\nretry: 3\n\n", want: nil},
		{name: "blank lines only", in: "\n\r\n\r\n\n", want: nil},
		{name: "CRLF", in: "data: a\r\ndata: b\r\n\r\n", want: []ev{data("a\nb", "data: a\r\ndata: b\r\n\r\n")}},
		{name: "CR", in: "data: a\rdata: b\r\r", want: []ev{data("a\nb", "data: a\rdata: b\r\r")}},
		{name: "mixed line ends", in: "data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r", want: []ev{
			data("a\nb\nc", "data: a\r\ndata: b\rdata: c\n\r\n"), data("d", "data: d\r\r"),
		}},
		{name: "CR then CRLF is a blank line", in: "data: a\r\r\ndata: b\n\n", want: []ev{data("a", "data: a\r\r\n"), data("b", "data: b\n\n")}},
		{name: "LF then CR is a blank line", in: "data: a\n\rdata: b\n\n", want: []ev{data("a", "data: a\n\r"), data("b", "data: b\n\n")}},
		{name: "LF CR LF is two line ends", in: "data: a\n\r\n", want: []ev{data("a", "data: a\n\r\n")}},
		{name: "BOM stripped", in: "\xEF\xBB\xBFdata: x\n\n", want: []ev{data("x", "\xEF\xBB\xBFdata: x\n\n")}},
		{name: "BOM only at the start", in: "\xEF\xBB\xBFdata: x\n\n\xEF\xBB\xBFdata: y\n\n", want: []ev{data("x", "\xEF\xBB\xBFdata: x\n\n")}},
		{name: "two BOMs: the second is part of the field name", in: "\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\n", want: nil},
		{name: "partial BOM is not stripped", in: "\xEF\xBBdata: x\n\n", want: nil},
		{name: "BOM then blank line", in: "\xEF\xBB\xBF\ndata: x\n\n", want: []ev{data("x", "data: x\n\n")}},
		{name: "final block without blank line", in: "data: a\n\ndata: b", want: []ev{data("a", "data: a\n\n"), {Data: "b", HasData: true, Raw: "data: b"}}},
		{name: "final block with line end but no blank line", in: "data: b\r\n", want: []ev{{Data: "b", HasData: true, Raw: "data: b\r\n"}}},
		{name: "final block of two lines", in: "event: e\ndata: b", want: []ev{{Type: "e", Data: "b", HasData: true, Raw: "event: e\ndata: b"}}},
		{name: "final block without data dropped", in: "data: a\n\n: bye", want: []ev{data("a", "data: a\n\n")}},
		{name: "multi-byte UTF-8 and U+2028 kept", in: "data: {\"t\":\"é\u2028ü\"}\n\n", want: []ev{data("{\"t\":\"é\u2028ü\"}", "data: {\"t\":\"é\u2028ü\"}\n\n")}},
		{name: "escaped blank line inside JSON", in: `data: {"t":"a\n\nb"}` + "\n\n", want: []ev{data(`{"t":"a\n\nb"}`, `data: {"t":"a\n\nb"}`+"\n\n")}},
		{name: "done sentinel is plain data", in: "data: {}\n\ndata: [DONE]\n\n", want: []ev{data("{}", "data: {}\n\n"), data("[DONE]", "data: [DONE]\n\n")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeAll(t, strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			// One byte at a time gives the same events; Raw may move a
			// lone LF after a CR to the next block, so compare it only
			// for inputs without CR.
			got1, err := decodeAll(t, &oneByteReader{b: []byte(tt.in)})
			if err != nil {
				t.Fatalf("decode one byte at a time: %v", err)
			}
			want, got1c := tt.want, got1
			if strings.Contains(tt.in, "\r") {
				want, got1c = withoutRaw(want), withoutRaw(got1)
			}
			if diff := cmp.Diff(want, got1c); diff != "" {
				t.Errorf("events read one byte at a time (-want +got):\n%s", diff)
			}
			// KeepAll returns the same data events, and Raw rebuilds the input.
			all, err := decodeAll(t, strings.NewReader(tt.in), KeepAll())
			if err != nil {
				t.Fatalf("decode with KeepAll: %v", err)
			}
			if got := concatRaw(all); got != tt.in {
				t.Errorf("KeepAll: Raw concatenated = %q, want the input %q", got, tt.in)
			}
			var withData []ev
			for _, e := range all {
				if e.HasData {
					withData = append(withData, e)
				}
			}
			if diff := cmp.Diff(tt.want, withData); diff != "" {
				t.Errorf("KeepAll: data events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecoderKeepAll(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []ev
	}{
		{name: "comment block and extra blank line", in: ": hi\n\ndata: x\n\n\n", want: []ev{
			{Raw: ": hi\n\n", Terminated: true},
			data("x", "data: x\n\n"),
			{Raw: "\n", Terminated: true},
		}},
		{name: "event-only block keeps its type and retry", in: "event: e\nretry: 9\n\n", want: []ev{{Type: "e", Retry: 9, HasRetry: true, Raw: "event: e\nretry: 9\n\n", Terminated: true}}},
		{name: "final comment without blank line", in: "data: x\n\n: bye", want: []ev{data("x", "data: x\n\n"), {Raw: ": bye"}}},
		{name: "BOM only", in: "\xEF\xBB\xBF", want: []ev{{Raw: "\xEF\xBB\xBF", Terminated: true}}},
		{name: "BOM then blank line", in: "\xEF\xBB\xBF\n", want: []ev{{Raw: "\xEF\xBB\xBF\n", Terminated: true}}},
		{name: "CRLF blank lines", in: "\r\n\r\n", want: []ev{{Raw: "\r\n", Terminated: true}, {Raw: "\r\n", Terminated: true}}},
		{name: "id of a block without data", in: "id: 3\n\n", want: []ev{{ID: "3", Raw: "id: 3\n\n", Terminated: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeAll(t, strings.NewReader(tt.in), KeepAll())
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecoderCRSplitAcrossReads feeds a CRLF stream whose CR and LF arrive
// in separate reads: the pair is one line end, not a line end and a blank
// line.
func TestDecoderCRSplitAcrossReads(t *testing.T) {
	tests := []struct {
		name   string
		pieces []string
		want   []ev // Raw is checked by concatenation
	}{
		{name: "CR|LF inside a block", pieces: []string{"data: a\r", "\ndata: b\r\n\r\n"}, want: []ev{{Data: "a\nb", HasData: true, Terminated: true}}},
		{name: "CR|LF of the blank line", pieces: []string{"data: a\r\n\r", "\ndata: b\r\n\r\n"}, want: []ev{
			{Data: "a", HasData: true, Terminated: true}, {Data: "b", HasData: true, Terminated: true},
		}},
		{name: "CR|CR is a blank line", pieces: []string{"data: a\r", "\rdata: b\r\r"}, want: []ev{
			{Data: "a", HasData: true, Terminated: true}, {Data: "b", HasData: true, Terminated: true},
		}},
		{name: "CR|EOF", pieces: []string{"data: a\r", ""}, want: []ev{{Data: "a", HasData: true}}},
		{name: "CR|empty read|LF", pieces: []string{"data: a\r", "", "\n", "\r\n"}, want: []ev{{Data: "a", HasData: true, Terminated: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Join(tt.pieces, "")
			got, err := decodeAll(t, newPiecesReader(tt.pieces...))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, withoutRaw(got)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			all, err := decodeAll(t, newPiecesReader(tt.pieces...), KeepAll())
			if err != nil {
				t.Fatalf("decode with KeepAll: %v", err)
			}
			if got := concatRaw(all); got != in {
				t.Errorf("KeepAll: Raw concatenated = %q, want %q", got, in)
			}
		})
	}
}

func TestDecoderBOMSplitAcrossReads(t *testing.T) {
	tests := []struct {
		name   string
		pieces []string
	}{
		{name: "1|2", pieces: []string{"\xEF", "\xBB\xBFdata: x\n\n"}},
		{name: "2|1", pieces: []string{"\xEF\xBB", "\xBFdata: x\n\n"}},
		{name: "1|1|1", pieces: []string{"\xEF", "\xBB", "\xBF", "data: x\n\n"}},
		{name: "empty read first", pieces: []string{"", "\xEF", "", "\xBB\xBF", "data: x\n\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeAll(t, newPiecesReader(tt.pieces...))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			want := []ev{data("x", "\xEF\xBB\xBFdata: x\n\n")}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecoderLineTooLong(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		limit      int
		want       []ev
		wantOffset int64
	}{
		{name: "at the limit", in: "data: 12\n\n", limit: 8, want: []ev{data("12", "data: 12\n\n")}, wantOffset: -1},
		{name: "one over", in: "data: 123\n\n", limit: 8, wantOffset: 0},
		{name: "after an event", in: "data: 1\n\ndata: 123456\n\n", limit: 8, want: []ev{data("1", "data: 1\n\n")}, wantOffset: 9},
		{name: "offset counts the BOM", in: "\xEF\xBB\xBFdata: 123456789\n\n", limit: 8, wantOffset: 3},
		{name: "unterminated", in: "data: 1\n\ndata: 123456789", limit: 8, want: []ev{data("1", "data: 1\n\n")}, wantOffset: 9},
		{name: "comment lines count", in: ": 1234567890\ndata: x\n\n", limit: 8, wantOffset: 0},
		{name: "CR line end not counted", in: "data: 12\r\n\r\n", limit: 8, want: []ev{data("12", "data: 12\r\n\r\n")}, wantOffset: -1},
		{name: "longer than the first buffer", in: "data: " + strings.Repeat("x", 3*initialBufSize) + "\n\n", limit: 2 * initialBufSize, wantOffset: 0},
		{name: "long line under the limit", in: "data: " + strings.Repeat("x", 3*initialBufSize) + "\n\n", limit: 4 * initialBufSize, want: []ev{
			data(strings.Repeat("x", 3*initialBufSize), "data: "+strings.Repeat("x", 3*initialBufSize)+"\n\n"),
		}, wantOffset: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []struct {
				name string
				r    io.Reader
			}{
				{"whole", strings.NewReader(tt.in)},
				{"one byte at a time", &oneByteReader{b: []byte(tt.in)}},
			} {
				got, err := decodeAll(t, r.r, MaxLineSize(tt.limit))
				want := tt.want
				if strings.Contains(tt.in, "\r") {
					want, got = withoutRaw(want), withoutRaw(got)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: events (-want +got):\n%s", r.name, diff)
				}
				if tt.wantOffset < 0 {
					if err != nil {
						t.Errorf("%s: err = %v, want none", r.name, err)
					}
					continue
				}
				var lerr *LineTooLongError
				if !errors.As(err, &lerr) {
					t.Fatalf("%s: err = %v, want a *LineTooLongError", r.name, err)
				}
				if lerr.Limit != tt.limit || lerr.Offset != tt.wantOffset {
					t.Errorf("%s: err = %+v, want limit %d offset %d", r.name, lerr, tt.limit, tt.wantOffset)
				}
			}
		})
	}
}

func TestDecoderDefaultMaxLineSize(t *testing.T) {
	for _, n := range []int{0, -1} {
		d := NewDecoder(strings.NewReader(""), MaxLineSize(n))
		if d.cfg.maxLine != DefaultMaxLineSize {
			t.Errorf("MaxLineSize(%d): limit %d, want the default %d", n, d.cfg.maxLine, DefaultMaxLineSize)
		}
	}
	if DefaultMaxLineSize < 32<<20 {
		t.Errorf("DefaultMaxLineSize = %d, want at least 32 MiB", DefaultMaxLineSize)
	}
}

func TestDecoderErrorsAreSticky(t *testing.T) {
	d := NewDecoder(strings.NewReader("data: 123456789\n\ndata: x\n\n"), MaxLineSize(4))
	_, err1 := d.Next()
	_, err2 := d.Next()
	var lerr *LineTooLongError
	if !errors.As(err1, &lerr) || err2 != err1 {
		t.Errorf("errors = %v, %v; want the same *LineTooLongError twice", err1, err2)
	}
	d = NewDecoder(strings.NewReader("data: x\n\n"))
	if _, err := d.Next(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := d.Next(); err != io.EOF {
			t.Errorf("call %d after the last event: err = %v, want io.EOF", i+1, err)
		}
	}
}

var errBoom = errors.New("connection reset")

func TestDecoderReaderErrors(t *testing.T) {
	tests := []struct {
		name    string
		r       io.Reader
		want    []ev
		wantErr error
		wantOff int64
	}{
		{name: "error after a complete event drops the partial block", r: &errReader{b: []byte("data: a\n\ndata: b"), err: errBoom}, want: []ev{data("a", "data: a\n\n")}, wantErr: errBoom, wantOff: 16},
		{name: "error with the data, events first", r: &errReader{b: []byte("data: a\n\ndata: b\n\n"), err: errBoom, withData: true}, want: []ev{data("a", "data: a\n\n"), data("b", "data: b\n\n")}, wantErr: errBoom, wantOff: 18},
		{name: "unexpected EOF is an error", r: &errReader{b: []byte("data: a\n"), err: io.ErrUnexpectedEOF}, wantErr: io.ErrUnexpectedEOF, wantOff: 8},
		{name: "error right away", r: &errReader{err: errBoom}, wantErr: errBoom},
		{name: "error while waiting for the LF after a CR", r: &errReader{b: []byte("data: a\r"), err: errBoom}, wantErr: errBoom, wantOff: 8},
		{name: "error while reading a BOM", r: &errReader{b: []byte("\xEF\xBB"), err: errBoom}, wantErr: errBoom, wantOff: 2},
		{name: "reader that never makes progress", r: emptyReader{}, wantErr: io.ErrNoProgress},
		{name: "reader returning a negative count", r: badCountReader{}, wantErr: errInvalidCount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeAll(t, tt.r)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			var rerr *ReadError
			if !errors.As(err, &rerr) {
				t.Fatalf("err = %v, want a *ReadError", err)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.wantErr)
			}
			if rerr.Offset != tt.wantOff {
				t.Errorf("offset = %d, want %d", rerr.Offset, tt.wantOff)
			}
			if !strings.HasPrefix(err.Error(), "sse: read at offset") {
				t.Errorf("message %q does not say what failed", err.Error())
			}
		})
	}
}

// shortStream has every kind of line, in LF form; splitTestStreams adds CR
// and CRLF forms and the real Groq bodies.
const shortStream = "\xEF\xBB\xBF: open\n\nretry: 3000\nid: 1\nevent: add\ndata: {\"a\":1}\ndata: {\"b\":2}\n\n" +
	"data\n\nid\ndata: x\nfoo: bar\n\n\n: ping\ndata:[DONE]\n\ndata: tail"

func splitTestStreams(t *testing.T) map[string]string {
	t.Helper()
	streams := map[string]string{
		"LF":   shortStream,
		"CRLF": strings.ReplaceAll(shortStream, "\n", "\r\n"),
		"CR":   strings.ReplaceAll(shortStream, "\n", "\r"),
	}
	for _, name := range []string{"groq_tool_call.sse", "groq_tool_use_failed_error.sse"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		streams[name] = string(b)
	}
	return streams
}

// TestDecoderSplitEverywhere checks that the events do not depend on how
// the input is split into reads: at every byte boundary, one byte at a
// time, and in random small pieces.
func TestDecoderSplitEverywhere(t *testing.T) {
	for name, in := range splitTestStreams(t) {
		t.Run(name, func(t *testing.T) {
			for _, keepAll := range []bool{false, true} {
				var opts []Option
				if keepAll {
					opts = append(opts, KeepAll())
				}
				want, err := decodeAll(t, strings.NewReader(in), opts...)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) < 3 {
					t.Fatalf("only %d events in the test stream", len(want))
				}
				check := func(how string, r io.Reader) {
					t.Helper()
					got, err := decodeAll(t, r, opts...)
					if err != nil {
						t.Fatalf("%s: %v", how, err)
					}
					w, g := want, got
					if strings.Contains(in, "\r") {
						w, g = splitInvariant(want), splitInvariant(got)
					}
					if !slices.Equal(w, g) { // cmp.Diff only on failure: it is slow
						t.Fatalf("%s, KeepAll=%v: events differ from one whole read (-want +got):\n%s", how, keepAll, cmp.Diff(w, g))
					}
					if keepAll && concatRaw(got) != in {
						t.Fatalf("%s: KeepAll Raw concatenated differs from the input", how)
					}
				}
				step := 1
				if len(in) > 4096 {
					step = 7 // the Groq bodies are long; every 7th boundary still hits every position in a line
				}
				for i := 0; i <= len(in); i += step {
					check("split at "+itoa(i), newPiecesReader(in[:i], in[i:]))
				}
				check("one byte at a time", &oneByteReader{b: []byte(in)})
				for _, size := range []int{1, 2, 3, 17} {
					o := append(opts[:len(opts):len(opts)], bufferSize(size))
					got, err := decodeAll(t, newRandomReader([]byte(in), rand.New(rand.NewPCG(uint64(size), 0)), 5), o...)
					if err != nil {
						t.Fatalf("buffer of %d: %v", size, err)
					}
					if w, g := splitInvariant(want), splitInvariant(got); !slices.Equal(w, g) {
						t.Fatalf("buffer of %d, KeepAll=%v: events differ (-want +got):\n%s", size, keepAll, cmp.Diff(w, g))
					}
				}
				rng := rand.New(rand.NewPCG(1, uint64(len(in))))
				for range 20 {
					check("random pieces", newRandomReader([]byte(in), rng, 9))
				}
			}
		})
	}
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}

// TestDecoderIncremental proves Next returns an event as soon as its blank
// line is written, while the writer still holds the rest of the stream.
func TestDecoderIncremental(t *testing.T) {
	tests := []struct {
		name  string
		first string // written, then the writer waits for the test
		rest  string
		want  []ev
	}{
		{name: "LF", first: "data: one\n\n", rest: "data: two\n\n", want: []ev{data("one", "data: one\n\n"), data("two", "data: two\n\n")}},
		{name: "CR blank line not waiting for a possible LF", first: "data: one\r\n\r", rest: "\ndata: two\r\n\r\n", want: []ev{
			data("one", "data: one\r\n\r"), data("two", "\ndata: two\r\n\r\n"),
		}},
		{name: "blank line of a later block", first: ": c\n\ndata: one\n\n", rest: "data: two", want: []ev{data("one", "data: one\n\n"), {Data: "two", HasData: true, Raw: "data: two"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			t.Cleanup(func() { pr.Close() })
			proceed := make(chan struct{})
			writerDone := make(chan error, 1)
			go func() {
				if _, err := pw.Write([]byte(tt.first)); err != nil {
					writerDone <- err
					return
				}
				<-proceed
				_, err := pw.Write([]byte(tt.rest))
				pw.CloseWithError(err)
				writerDone <- err
			}()
			d := NewDecoder(pr)
			type result struct {
				e   ev
				err error
			}
			got := make(chan result, 1)
			go func() {
				e, err := d.Next()
				got <- result{copyEvent(e), err}
			}()
			select {
			case r := <-got:
				if r.err != nil {
					t.Fatalf("first Next: %v", r.err)
				}
				if diff := cmp.Diff(tt.want[0], r.e); diff != "" {
					t.Errorf("first event (-want +got):\n%s", diff)
				}
			case <-time.After(60 * time.Second): // a watchdog, not a timing assertion
				close(proceed)
				t.Fatal("Next did not return the first event until the writer sent more")
			}
			close(proceed)
			rest, err := collect(t, d)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want[1:], rest); diff != "" {
				t.Errorf("later events (-want +got):\n%s", diff)
			}
			if err := <-writerDone; err != nil {
				t.Fatalf("writer: %v", err)
			}
		})
	}
}

// bufferSize sets the decoder's first buffer size.
func bufferSize(n int) Option {
	return func(c *config) { c.bufSize = n }
}

// oneByteReader returns one byte per Read.
type oneByteReader struct{ b []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.b[0]
	r.b = r.b[1:]
	return 1, nil
}

// piecesReader returns each piece in its own Read (an empty piece is a
// (0, nil) read).
type piecesReader struct{ pieces []string }

func newPiecesReader(pieces ...string) *piecesReader {
	return &piecesReader{pieces: append([]string(nil), pieces...)}
}

func (r *piecesReader) Read(p []byte) (int, error) {
	if len(r.pieces) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.pieces[0])
	r.pieces[0] = r.pieces[0][n:]
	if r.pieces[0] == "" {
		r.pieces = r.pieces[1:]
	}
	return n, nil
}

// randomReader returns 1 to max bytes per Read, the count drawn from rng.
type randomReader struct {
	b   []byte
	rng *rand.Rand
	max int
}

func newRandomReader(b []byte, rng *rand.Rand, max int) *randomReader {
	return &randomReader{b: b, rng: rng, max: max}
}

func (r *randomReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := min(1+r.rng.IntN(r.max), len(p), len(r.b))
	copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

// errReader returns b then err, with the last bytes when withData.
type errReader struct {
	b        []byte
	err      error
	withData bool
}

func (r *errReader) Read(p []byte) (int, error) {
	n := copy(p, r.b)
	r.b = r.b[n:]
	if len(r.b) > 0 {
		return n, nil
	}
	if n > 0 && !r.withData {
		return n, nil
	}
	return n, r.err
}

// badCountReader claims to have read -1 bytes.
type badCountReader struct{}

func (badCountReader) Read([]byte) (int, error) { return -1, nil }

// emptyReader always returns (0, nil).
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

func TestErrorMessages(t *testing.T) {
	e := &LineTooLongError{Limit: 10, Offset: 42}
	if got, want := e.Error(), "sse: line at offset 42 is longer than 10 bytes"; got != want {
		t.Errorf("LineTooLongError = %q, want %q", got, want)
	}
	r := &ReadError{Offset: 7, Err: errBoom}
	if got, want := r.Error(), "sse: read at offset 7: connection reset"; got != want {
		t.Errorf("ReadError = %q, want %q", got, want)
	}
	if !bytes.Equal([]byte(e.Error()), []byte(strings.ToLower(e.Error()))) {
		t.Errorf("message %q is not lower case", e.Error())
	}
}

// TestDecoderGivesBackMemory checks that the buffer grown for one long
// event shrinks again once small events follow, without changing events.
func TestDecoderGivesBackMemory(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	var in strings.Builder
	in.WriteString("data: " + long + "\n\n")
	for i := range 5000 {
		in.WriteString("data: " + itoa(i) + "\n\n")
	}
	d := NewDecoder(strings.NewReader(in.String()))
	e, err := d.Next()
	if err != nil || string(e.Data) != long {
		t.Fatalf("first event: %d bytes, err %v", len(e.Data), err)
	}
	grown := len(d.buf)
	for i := range 5000 {
		e, err := d.Next()
		if err != nil || string(e.Data) != itoa(i) {
			t.Fatalf("event %d: %q, err %v", i+1, e.Data, err)
		}
	}
	if _, err := d.Next(); err != io.EOF {
		t.Fatalf("after the last event: err = %v, want io.EOF", err)
	}
	if len(d.buf) >= grown/8 {
		t.Errorf("buffer is %d bytes after small events, was %d for the long one", len(d.buf), grown)
	}
}

// TestDecoderGroqRecordings decodes the real Groq bodies in testdata: every
// chunk is one JSON event, the error frame keeps its type, and a body cut
// mid-event ends with an unterminated event.
func TestDecoderGroqRecordings(t *testing.T) {
	tests := []struct {
		file     string
		events   int
		lastType string
		lastData string // prefix
	}{
		{file: "groq_text.sse", events: 51, lastData: "[DONE]"},
		{file: "groq_tool_call.sse", events: 26, lastData: "[DONE]"},
		{file: "groq_tool_use_failed_error.sse", events: 95, lastType: "error", lastData: `{"error":{"message":"Tool call validation failed`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			evs, err := decodeAll(t, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != tt.events {
				t.Fatalf("%d events, want %d", len(evs), tt.events)
			}
			for i, e := range evs[:len(evs)-1] {
				if e.Type != "" || !e.Terminated || !json.Valid([]byte(e.Data)) || !strings.HasPrefix(e.Raw, "data: ") {
					t.Fatalf("event %d: %+v, want a terminated message event with a JSON chunk", i, e)
				}
			}
			last := evs[len(evs)-1]
			if last.Type != tt.lastType || !strings.HasPrefix(last.Data, tt.lastData) || !last.Terminated {
				t.Errorf("last event: type %q, data %.60q, terminated %v; want type %q, data %.60q..., terminated", last.Type, last.Data, last.Terminated, tt.lastType, tt.lastData)
			}

			// Cut in the middle of the second-to-last chunk.
			cut := bytes.LastIndex(body[:len(body)-2], []byte("\n\n"))
			cut = bytes.LastIndex(body[:cut], []byte("\n\n")) + 40
			part, err := decodeAll(t, bytes.NewReader(body[:cut]))
			if err != nil {
				t.Fatal(err)
			}
			if len(part) != tt.events-1 {
				t.Fatalf("cut body: %d events, want %d", len(part), tt.events-1)
			}
			if p := part[len(part)-1]; p.Terminated || json.Valid([]byte(p.Data)) {
				t.Errorf("cut body: last event terminated=%v with data %q, want an unterminated partial chunk", p.Terminated, p.Data)
			}
		})
	}
}
