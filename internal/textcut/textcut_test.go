package textcut

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello", 10, "hello"},
		{"hello", 3, "hel... (2 more bytes)"},
		{"héllo", 2, "h... (5 more bytes)"}, // é is two bytes: not split
		{"héllo", 3, "hé... (3 more bytes)"},
		{"abc", 0, "... (3 more bytes)"},
		{"abc", -1, "... (3 more bytes)"},
		{"\x80\x80\x80\x80\x80", 4, "\x80... (4 more bytes)"}, // invalid UTF-8: three steps back at most
		{"\x80\x80", 1, "... (2 more bytes)"},
	} {
		if got := Clip(tc.s, tc.n); got != tc.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

func FuzzClip(f *testing.F) {
	for _, s := range []string{"", "héllo wörld", "\x80\xff", strings.Repeat("日本", 10)} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		got := Clip(s, n)
		if len(s) <= max(n, 0) {
			if got != s {
				t.Fatalf("cut %q that fits", s)
			}
			return
		}
		head, _, ok := strings.Cut(got, "... (")
		if !ok || !strings.HasPrefix(s, head) || len(head) > max(n, 0) {
			t.Fatalf("Clip(%q, %d) = %q", s, n, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(head) {
			t.Fatalf("split a character: %q", head)
		}
	})
}

func TestStart(t *testing.T) {
	s := "aé日x" // a=0, é=1-2, 日=3-5, x=6
	for _, tc := range []struct{ i, floor, want int }{
		{0, 0, 0}, {1, 0, 1}, {2, 0, 1}, {4, 0, 3}, {5, 0, 3}, {6, 0, 6},
		{7, 0, 7}, // the end stays
		{9, 0, 9}, // past the end stays
		{5, 4, 4}, // not below floor
		{2, 2, 2}, // at floor stays
	} {
		if got := Start(s, tc.i, tc.floor); got != tc.want {
			t.Errorf("Start(%q, %d, %d) = %d, want %d", s, tc.i, tc.floor, got, tc.want)
		}
	}
	if got := Start("\x80\x80\x80\x80\x80", 4, 0); got != 1 {
		t.Errorf("invalid UTF-8: %d, want 1 (three steps)", got)
	}
}
