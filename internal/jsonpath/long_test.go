package jsonpath

import (
	"errors"
	"strings"
	"testing"
)

// The error for a long path quotes the path around its fault only.
func TestSyntaxErrorOfLongPathIsShort(t *testing.T) {
	for _, tc := range []struct{ path, near string }{
		{strings.Repeat("a.", 1<<20) + "a", "a.a.a.a"},      // too many steps
		{strings.Repeat("é", 1<<19) + "..x", `éé..x"`},      // doubled dot far in
		{"x[" + strings.Repeat("9", 1<<20) + "]", `"x[999`}, // an index too large
		{"a..b" + strings.Repeat("c", 1<<20), `"a..bccc`},   // the fault near the start
	} {
		_, err := Parse(tc.path)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("Parse of a %d-byte path: %v, want a *SyntaxError", len(tc.path), err)
		}
		msg := err.Error()
		if len(msg) > 1200 || !strings.Contains(msg, tc.near) || !strings.Contains(msg, "bytes)") {
			t.Errorf("the error for a %d-byte path is %d bytes long or lacks %q: %.1300s", len(tc.path), len(msg), tc.near, msg)
		}
	}
}

// A long path of invalid UTF-8 (no character starts anywhere) gets a
// bounded error (each byte quoted as \xNN), not a panic (found by fuzzing: testdata/fuzz/FuzzParse).
func TestSyntaxErrorOfInvalidUTF8Path(t *testing.T) {
	_, err := Parse(strings.Repeat("\xaf", 1400) + `I"`)
	if err == nil || len(err.Error()) > 4*maxQuoted+300 {
		t.Fatalf("Parse = %v", err)
	}
}
