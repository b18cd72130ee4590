package sse

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzDecoder checks, for any input: no panic and no hang; with KeepAll the
// Raw of the events concatenate to the input; the events do not depend on
// how the input is split into reads; without KeepAll the events are the
// data events of KeepAll; and a small line limit either changes nothing or
// stops with a *LineTooLongError after a prefix of the events.
//
// The seed corpus is in testdata/fuzz/FuzzDecoder, including real Groq
// bodies (see testdata/SOURCE.md).
func FuzzDecoder(f *testing.F) {
	f.Add([]byte("data: hello\n\n"), uint64(0))
	f.Add([]byte("\xEF\xBB\xBFevent: e\r\ndata: a\r\ndata: b\r\n\r\n"), uint64(1))
	f.Fuzz(func(t *testing.T, in []byte, seed uint64) {
		all, err := decodeAll(t, bytes.NewReader(in), KeepAll())
		if err != nil {
			t.Fatalf("KeepAll: %v", err)
		}
		if got := concatRaw(all); got != string(in) {
			t.Fatalf("KeepAll: Raw concatenated = %q, want the input %q", got, in)
		}

		plain, err := decodeAll(t, bytes.NewReader(in))
		if err != nil {
			t.Fatalf("default options: %v", err)
		}
		var withData []ev
		for _, e := range all {
			if e.HasData {
				withData = append(withData, e)
			}
		}
		if !slices.Equal(withData, plain) {
			t.Fatalf("events without KeepAll differ from the data events of KeepAll (-keepall +plain):\n%s", cmp.Diff(withData, plain))
		}

		// Raw may differ by where a CR LF is split (see splitInvariant),
		// so compare the fields and the concatenation.
		rng := rand.New(rand.NewPCG(seed, seed>>32))
		for _, r := range []struct {
			name string
			r    *randomReader
		}{
			{"one byte at a time", newRandomReader(in, rng, 1)},
			{"random pieces", newRandomReader(in, rng, 1+int(seed%64))},
		} {
			got, err := decodeAll(t, r.r, KeepAll())
			if err != nil {
				t.Fatalf("%s: %v", r.name, err)
			}
			if w, g := splitInvariant(all), splitInvariant(got); !slices.Equal(w, g) {
				t.Fatalf("%s: events differ from one whole read (-whole +split):\n%s", r.name, cmp.Diff(w, g))
			}
			if concatRaw(got) != string(in) {
				t.Fatalf("%s: KeepAll Raw concatenated differs from the input", r.name)
			}
		}

		// A tiny first buffer makes every block go through compaction,
		// growth and shrinking.
		tiny, err := decodeAll(t, newRandomReader(in, rng, 1+int(seed%7)), KeepAll(), bufferSize(1+int(seed%5)))
		if err != nil {
			t.Fatalf("tiny buffer: %v", err)
		}
		if w, g := splitInvariant(all), splitInvariant(tiny); !slices.Equal(w, g) {
			t.Fatalf("tiny buffer: events differ (-whole +tiny):\n%s", cmp.Diff(w, g))
		}
		if concatRaw(tiny) != string(in) {
			t.Fatalf("tiny buffer: KeepAll Raw concatenated differs from the input")
		}

		limit := 1 + int(seed%32)
		short, err := decodeAll(t, bytes.NewReader(in), KeepAll(), MaxLineSize(limit))
		if err == nil {
			if !slices.Equal(all, short) {
				t.Fatalf("MaxLineSize(%d) without error changed the events (-default +limited):\n%s", limit, cmp.Diff(all, short))
			}
			return
		}
		var lerr *LineTooLongError
		if !errors.As(err, &lerr) || lerr.Limit != limit || lerr.Offset < 0 || lerr.Offset >= int64(len(in)) {
			t.Fatalf("MaxLineSize(%d): err = %v, want a *LineTooLongError inside the input", limit, err)
		}
		if len(short) > len(all) {
			t.Fatalf("MaxLineSize(%d): %d events before the error, more than the %d of the whole input", limit, len(short), len(all))
		}
		if !slices.Equal(all[:len(short)], short) {
			t.Fatalf("MaxLineSize(%d): events before the error are not a prefix (-default +limited):\n%s", limit, cmp.Diff(all[:len(short)], short))
		}
	})
}
