package jsonvalue

import (
	"encoding/json"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"testing"
)

func TestCanonicalNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1", "1e0"}, {"1.0", "1e0"}, {"10e-1", "1e0"}, {"1E0", "1e0"}, {"100", "1e2"}, {"1e2", "1e2"},
		{"0", "0"}, {"-0", "0"}, {"0.000", "0"}, {"-1.50", "-1.5e0"}, {"0.07", "7e-2"},
		{"12345678901234567890", "1.234567890123456789e19"},
		{"1e999999999", "1e999999999"},
		{"1e9999999999999999", "1e9999999999999999"}, // beyond 2^50: left as it is
		{"abc", "abc"}, {"1.2.3", "1.2.3"}, {"e5", "e5"}, {"+1", "+1"}, {"01", "01"}, {"1.", "1."}, {"", ""},
	}
	for _, tt := range tests {
		if got := CanonicalNumber(tt.in); got != tt.want {
			t.Errorf("CanonicalNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNumbersEqual(t *testing.T) {
	eq := [][2]string{{"1", "1.0"}, {"1", "10e-1"}, {"100", "1e2"}, {"-0", "0"}, {"0.5", "5E-1"}, {"1e999999999", "10e999999998"}}
	ne := [][2]string{{"1", "2"}, {"12345678901234567890", "12345678901234567891"}, {"1e999999999", "1e999999998"}, {"abc", "1"}, {"1", "-1"}}
	for _, p := range eq {
		if !NumbersEqual(p[0], p[1]) {
			t.Errorf("NumbersEqual(%s, %s) = false", p[0], p[1])
		}
	}
	for _, p := range ne {
		if NumbersEqual(p[0], p[1]) {
			t.Errorf("NumbersEqual(%s, %s) = true", p[0], p[1])
		}
	}
}

func TestExactFloat(t *testing.T) {
	tests := []struct {
		in   string
		f    float64
		want bool
	}{
		{"1", 1, true}, {"0.7", 0.7, true}, {"1e3", 1000, true}, {"-2.5", -2.5, true},
		{"12345678901234567890", 0, false}, {"0.1234567890123456789", 0, false}, {"1e999", 0, false}, {"1e-999", 0, false}, {"x", 0, false},
	}
	for _, tt := range tests {
		f, ok := ExactFloat(tt.in)
		if ok != tt.want || ok && f != tt.f {
			t.Errorf("ExactFloat(%q) = %v, %v", tt.in, f, ok)
		}
	}
}

func TestDecode(t *testing.T) {
	v, err := Decode([]byte(` {"a":[1,2.5,"x",null,true]} `))
	if err != nil {
		t.Fatal(err)
	}
	if got := v.(map[string]any)["a"].([]any)[0]; got != json.Number("1") {
		t.Errorf("number decoded as %T %v", got, got)
	}
	if _, err := Decode([]byte(`{} {}`)); !errors.Is(err, ErrTrailingData) {
		t.Errorf("trailing value: %v", err)
	}
	for _, bad := range []string{"", "{", "nul", `{"a":}`} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%q) = nil error", bad)
		}
	}
}

// FuzzNumbersEqual holds NumbersEqual equal to math/big's exact
// comparison, for literals with small exponents that big.Rat can afford.
func FuzzNumbersEqual(f *testing.F) {
	for _, s := range [][2]string{{"1", "1.0"}, {"100", "1e2"}, {"-0", "0"}, {"0.5", "5E-1"}, {"12345678901234567890", "12345678901234567891"}, {"1e+2", "100.000"}, {"7", "x"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		got := NumbersEqual(a, b)
		if NumbersEqual(b, a) != got {
			t.Fatalf("not symmetric on %q, %q", a, b)
		}
		if !valid(a) || !valid(b) || bigExponent(a) || bigExponent(b) {
			return
		}
		ra, okA := new(big.Rat).SetString(a)
		rb, okB := new(big.Rat).SetString(b)
		if !okA || !okB {
			t.Fatalf("big.Rat refused a valid literal %q or %q", a, b)
		}
		if want := ra.Cmp(rb) == 0; got != want {
			t.Fatalf("NumbersEqual(%q, %q) = %v, big.Rat says %v", a, b, got, want)
		}
		if f, ok := ExactFloat(a); ok {
			short := strconv.FormatFloat(f, 'g', -1, 64)
			if r, ok := new(big.Rat).SetString(short); !ok || r.Cmp(ra) != 0 {
				t.Fatalf("ExactFloat(%q) = %s, which is not exactly %s", a, short, ra)
			}
		}
	})
}

// bigExponent reports a literal whose exponent would cost big.Rat dearly.
func bigExponent(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return false
	}
	e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
	return err != nil || e > 1000 || e < -1000
}

func TestMarshalKeepsHTMLAndEndsWithoutNewline(t *testing.T) {
	got, err := Marshal(map[string]any{"q": "a<b && c>d", "n": 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"n":1,"q":"a<b && c>d"}`; string(got) != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	if _, err := Marshal(func() {}); err == nil {
		t.Error("Marshal of a func: no error")
	}
}
