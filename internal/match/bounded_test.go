package match

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// A miss report stays short whatever the size of the bodies, keys and
// URL, says where long bodies differ, and scrubs before it cuts.
func TestMissReportIsBounded(t *testing.T) {
	key := "sk-" + strings.Repeat("Zq7x", 8) + "Lm9"
	t.Setenv("OPENAI_API_KEY", key)
	longKey := strings.Repeat("é", 1<<19)
	for _, tc := range []struct {
		name, rec, got string
		says           []string
	}{
		{"a long key", `{"` + longKey + `":1}`, `{"` + longKey + `":2}`, []string{"ééé... (", "more bytes): recorded 1, got 2"}},
		{"long text bodies", strings.Repeat("x", 2<<20), strings.Repeat("x", 2<<20-1) + "y",
			[]string{"(bodies of 2097152 and 2097152 bytes, too long for a line diff) first difference at byte 2097151", `+ "xxx`, `xy"`}},
		{"long JSON bodies", `{"s":"` + strings.Repeat(`line\n`, 300000) + `"}`, `{"s":"` + strings.Repeat(`LINE\n`, 300000) + `"}`,
			[]string{"too long for a line diff", "first difference at byte 6:"}},
		{"a value cut inside a character", `{"s":"` + strings.Repeat("é", 100) + `"}`, `{"s":1}`, []string{`s: recorded "ééé`, `é...`}},
		{"a secret at the difference", strings.Repeat("x", 2<<20) + key + "a", strings.Repeat("x", 2<<20) + key + "b",
			[]string{"first difference at byte", "REDACTED"}},
	} {
		x := NewIndex("c.yaml", []*Interaction{chat(tc.rec)})
		_, err := post(t, x, tc.got)
		var miss *MissError
		if !errors.As(err, &miss) {
			t.Fatalf("%s: Match = %v, want a *MissError", tc.name, err)
		}
		msg := err.Error()
		if len(msg) > 8<<10 || !utf8.ValidString(msg) || strings.Contains(msg, key[:20]) {
			t.Errorf("%s: a report of %d bytes (valid UTF-8 %v), or with the key:\n%.2000s", tc.name, len(msg), utf8.ValidString(msg), msg)
		}
		for _, s := range tc.says {
			if !strings.Contains(msg, s) {
				t.Errorf("%s: the report does not say %q:\n%.2000s", tc.name, s, msg)
			}
		}
	}
	// A long URL and method are cut in the report.
	i := chat(`{}`)
	i.Request.URL = chatURL + "?q=" + strings.Repeat("u", 1<<20)
	x := NewIndex("c.yaml", []*Interaction{i})
	_, err := post(t, x, `{}`)
	if err == nil || len(err.Error()) > 4<<10 || !strings.Contains(err.Error(), "more bytes)") {
		t.Errorf("the report for a long URL: %d bytes: %.600v", len(err.Error()), err)
	}
	// A long key under the 1 MiB bound.
	long := strings.Repeat("k", 100<<10)
	x = NewIndex("c.yaml", []*Interaction{chat(`{"` + long + `":1}`)})
	_, err = post(t, x, `{"`+long+`":2}`)
	if err == nil || len(err.Error()) > 8<<10 {
		t.Errorf("a report with a 100 KiB key is %d bytes", len(err.Error()))
	}
}

func TestLimitLinesCutsLongLines(t *testing.T) {
	got := limitLines("short\n"+strings.Repeat("é", 5000)+"\nend\nmore\n", 3)
	want := "short\n" + strings.Repeat("é", 250) + "... (9500 more bytes)\nend\n... (2 more lines)\n"
	if got != want {
		t.Errorf("limitLines = %q\nwant %q", got, want)
	}
}

// Long bodies of invalid UTF-8 (no character starts anywhere) are
// reported without a panic.
func TestMissReportInvalidUTF8(t *testing.T) {
	rec := strings.Repeat("\xaf", 2<<20)
	x := NewIndex("c.yaml", []*Interaction{chat(rec)})
	_, err := post(t, x, rec[:1<<20]+"\xb0"+rec[1<<20+1:])
	if err == nil || !strings.Contains(err.Error(), "first difference at byte 1048576") {
		t.Fatalf("Match = %v", err)
	}
}
