package secrets

import (
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// containsAny is what needles.in answers, one search per string.
func containsAny(v string, ss []string) bool {
	for _, s := range ss {
		if strings.Contains(v, s) {
			return true
		}
	}
	return false
}

// needleTexts are texts with and without the engine's strings: each hint
// and form at the start, the end, alone, cut by one byte, and next to
// bytes that share its first byte.
func needleTexts(ss []string) []string {
	out := []string{"", "a", "risk-based task-list, bearer bonds", "ssssk-skk-", "gsk", "eaREr EArer"}
	for _, s := range ss {
		out = append(out, s, "x"+s, s+"x", s[:len(s)-1], s[1:], s[:1]+s[:len(s)-1], "..."+s[:2]+"."+s+"...")
	}
	return out
}

func TestNeedlesAsContains(t *testing.T) {
	cfg := Config{Values: []Value{{Text: secretstest.Random(90, 40)}, {Text: "a configured value with spaces 123"}}}
	e := New(cfg)
	ss := append(ShapeHints(), e.Forms()...)
	for _, k := range secretstest.Keys() {
		ss = append(ss, k.Value)
	}
	for _, v := range needleTexts(ss) {
		if got, want := e.MayHold(v), containsAny(v, append(ShapeHints(), e.Forms()...)); got != want {
			t.Errorf("MayHold(%q) = %v, a search for each string says %v", v, got, want)
		}
		if got, want := shapeNeedles.in(v), containsAny(v, ShapeHints()); got != want {
			t.Errorf("shape hints in %q: %v, a search for each says %v", v, got, want)
		}
	}
	two := newNeedles([]string{"ab", "xyz"})
	for v, want := range map[string]bool{"ab": true, "..ab": true, "ab..": true, "a": false, "ba": false, "xy": false, ".xyz": true, "": false} {
		if got := two.in(v); got != want {
			t.Errorf("ab or xyz in %q: %v, want %v", v, got, want)
		}
	}
	if !newNeedles([]string{"x"}).in("") {
		t.Error("a one-byte string must make every text a candidate")
	}
}

func FuzzNeedlesAsContains(f *testing.F) {
	e := New(Config{Values: []Value{{Text: secretstest.Random(91, 40)}}})
	ss := append(ShapeHints(), e.Forms()...)
	for _, v := range needleTexts(ss) {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := e.MayHold(v), containsAny(v, ss); got != want {
			t.Fatalf("MayHold(%q) = %v, a search for each string says %v", v, got, want)
		}
	})
}

// TestHintMask: the one-pass hint mask marks exactly the shapes one of
// whose hints the text holds, as trying each hint would.
func TestHintMask(t *testing.T) {
	if len(shapes) > 64 {
		t.Fatalf("%d shapes do not fit the mask", len(shapes))
	}
	for _, v := range []string{"", "gsk_x sk-ant- AIza", "Bearer x", "api key: x", "xoxb- eyJ PRIVATE KEY-----", "TOKEN sEcret Passw", "plain words"} {
		m := hintMask(v)
		for n, sh := range shapes {
			want := false
			for _, h := range strings.Split(sh.hint, "|") {
				want = want || h != "" && strings.Contains(v, h)
			}
			if got := m&(1<<n) != 0; got != want {
				t.Errorf("hintMask(%q) shape %q: %v, want %v", v, sh.name, got, want)
			}
		}
	}
}
