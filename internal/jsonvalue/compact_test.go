package jsonvalue

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// compactSeeds are JSON texts and near misses: every kind of value,
// spaces everywhere, escapes, invalid UTF-8, numbers in every form and
// malformed ones, truncations, trailing data, and nesting at and past
// encoding/json's limit.
var compactSeeds = []string{
	``, ` `, `{}`, `[]`, ` { } `, `[ ]`, `{"a":1}`, "{\n  \"a\": [1, 2.5, -3e+2, 0, -0.0E-1],\n  \"b\": {\"c\": null, \"d\": true, \"e\": false}\n}\n",
	`"x"`, `"a b\t"`, `"\u00e9\n\"\\\/\b\f\r\t"`, `"\u12"`, `"\x"`, "\"\x01\"", "\"\xff\xfe\"", `"unterminated`, `"\`,
	`0`, `-`, `-0`, `01`, `1.`, `.5`, `1e`, `1e+`, `1E-7`, `-12.34e56`, `+1`, `1 2`, `1,`, `[1,]`, `[,1]`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{,}`, `{1:2}`,
	`true`, `tru`, `truex`, `nul`, `null `, `false]`, `[true false]`, `{"a":1 "b":2}`, `{"a" : 1 , "b" : [ 1 , { } ] }`, `[[[]]]`, `[[[]]`, `]`, `}`, `{]`, `[}`,
	"\ufeff{}", "{\"a\":\"\u2028\"}", `{"<&>":"<&>"}`, "[1]\x00", "\v1", "1\v",
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100),
}

// checkCompact holds Compact and Valid to encoding/json's Compact and
// Valid on one input.
func checkCompact(t *testing.T, in []byte) {
	t.Helper()
	var want bytes.Buffer
	want.WriteString("prefix")
	err := json.Compact(&want, in)
	got, ok := Compact([]byte("prefix"), in)
	if ok != (err == nil) {
		t.Fatalf("Compact(%q): ok %v, encoding/json says %v", in, ok, err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("Compact(%q) = %q, encoding/json gives %q", in, got, want.Bytes())
	}
	if Valid(in) != json.Valid(in) {
		t.Fatalf("Valid(%q) = %v, encoding/json says %v", in, Valid(in), json.Valid(in))
	}
}

func TestCompactAsEncodingJSON(t *testing.T) {
	for _, s := range compactSeeds {
		checkCompact(t, []byte(s))
		// Every cut of a short seed too: a file cut short.
		if len(s) < 200 {
			for n := range len(s) {
				checkCompact(t, []byte(s[:n]))
			}
		}
	}
}

func FuzzCompactAsEncodingJSON(f *testing.F) {
	for _, s := range compactSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkCompact(t, in) })
}

func BenchmarkCompact(b *testing.B) {
	var v []map[string]any
	for k := range 30 {
		v = append(v, map[string]any{"role": "user", "content": strings.Repeat("the quick brown fox ", 4), "n": k})
	}
	src, _ := json.MarshalIndent(map[string]any{"model": "m", "messages": v}, "", "  ")
	b.SetBytes(int64(len(src)))
	b.Run("jsonvalue", func(b *testing.B) {
		var dst []byte
		for b.Loop() {
			dst, _ = Compact(dst[:0], src)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		var dst bytes.Buffer
		for b.Loop() {
			dst.Reset()
			_ = json.Compact(&dst, src)
		}
	})
}
