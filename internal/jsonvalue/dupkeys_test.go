package jsonvalue

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestDecodeRefusesDuplicateKeys(t *testing.T) {
	for _, tc := range []struct {
		in, key string
		at      int
	}{
		{`{"a":1,"a":2}`, "a", 7},
		{`{"a":1, "b":{"c":[{"d":1}],"c":2}}`, "c", 27},
		{`[{"x":1},{"x":1,"y":{},"x":2}]`, "x", 23},
		{`{"a":1,"\u0061":2}`, "a", 7},
		{`{"\ud83d\ude00":1,"😀":2}`, "😀", 18},
		{"{\"\xff\":1,\"\xfe\":2}", "\uFFFD", 7},
		{`{"é":1,"\u00e9":2}`, "é", 8},
	} {
		_, err := Decode([]byte(tc.in))
		var de *DuplicateKeyError
		if !errors.As(err, &de) || de.Key != tc.key || de.Offset != tc.at {
			t.Errorf("Decode(%q) = %v, want a *DuplicateKeyError for %q at byte %d", tc.in, err, tc.key, tc.at)
		}
	}
	for _, in := range []string{
		`{"a":1,"b":{"a":2}}`, `[{"a":1},{"a":2}]`, `{"a":"a","b":"a"}`, `{"a\"":1,"a":2}`, `{"k":["k","k"],"j":{"k":{}}}`,
		`{"":1,"\u0000":2}`, `"{\"a\":1,\"a\":1}"`, `{"a,":1,"a":{"a,":2}}`,
	} {
		if _, err := Decode([]byte(in)); err != nil {
			t.Errorf("Decode(%q): %v", in, err)
		}
	}
	long := strings.Repeat("é", 100)
	_, err := Decode([]byte(`{"` + long + `":1,"` + long + `":2}`))
	if err == nil || len(err.Error()) > 250 || !strings.Contains(err.Error(), "...") {
		t.Errorf("the error for a long key is not cut short: %v", err)
	}
}

// FuzzDecodeDuplicateKeys: Decode refuses a text exactly when one of its
// objects gives a key twice, as encoding/json reads keys.
func FuzzDecodeDuplicateKeys(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `[{"a":{"b":1}},{"b":[1,{"b":2,"c":3}]}]`, "{\"\xff\":1,\"\xfe\":2}", `{"a":1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Decode([]byte(s))
		var de *DuplicateKeyError
		if errors.As(err, &de) {
			if de.Offset < 0 || de.Offset >= len(s) || s[de.Offset] != '"' {
				t.Fatalf("offset %d of %q is not at a key", de.Offset, s)
			}
			return
		}
		if err != nil {
			return
		}
		// No key was dropped: the decoded value has as many keys as the
		// text's token stream.
		if n, m := countKeys(v), tokenKeys(t, s); n != m {
			t.Fatalf("decoded %d keys from %q, whose tokens hold %d", n, s, m)
		}
	})
}

// tokenKeys counts the object keys of a valid JSON text by its tokens.
func tokenKeys(t *testing.T, s string) int {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()  // as Decode: a number too large for a float64 is valid JSON
	var stack []bool // open containers: true for an object
	keyNext, n := false, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("tokens of %q: %v", s, err)
		}
		inObject := len(stack) > 0 && stack[len(stack)-1]
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				stack = append(stack, d == '{')
				keyNext = d == '{'
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		} else if inObject && keyNext {
			n++
			keyNext = false
			continue
		}
		keyNext = len(stack) > 0 && stack[len(stack)-1]
	}
}

func countKeys(v any) int {
	n := 0
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			n += 1 + countKeys(e)
		}
	case []any:
		for _, e := range t {
			n += countKeys(e)
		}
	}
	return n
}
