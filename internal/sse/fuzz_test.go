package sse

import (
	"bytes"
	"errors"
	"math/rand/v2"
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
		if diff := cmp.Diff(withData, plain); diff != "" {
			t.Fatalf("events without KeepAll differ from the data events of KeepAll (-keepall +plain):\n%s", diff)
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
			if diff := cmp.Diff(splitInvariant(all), splitInvariant(got)); diff != "" {
				t.Fatalf("%s: events differ from one whole read (-whole +split):\n%s", r.name, diff)
			}
			if concatRaw(got) != string(in) {
				t.Fatalf("%s: KeepAll Raw concatenated differs from the input", r.name)
			}
		}

		limit := 1 + int(seed%32)
		short, err := decodeAll(t, bytes.NewReader(in), KeepAll(), MaxLineSize(limit))
		if err == nil {
			if diff := cmp.Diff(all, short); diff != "" {
				t.Fatalf("MaxLineSize(%d) without error changed the events (-default +limited):\n%s", limit, diff)
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
		if diff := cmp.Diff(all[:len(short)], short); len(short) > 0 && diff != "" {
			t.Fatalf("MaxLineSize(%d): events before the error are not a prefix (-default +limited):\n%s", limit, diff)
		}
	})
}
