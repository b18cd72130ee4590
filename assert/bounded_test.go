package assert_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/llm"
)

// maxMessage bounds every failure message below: what two large values
// make an assertion print must not grow with their size.
const maxMessage = 48 << 10

func body(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Failure messages for large values are bounded, say how much they left
// out, and still show where the values differ.
func TestFailureMessagesAreBounded(t *testing.T) {
	big := strings.Repeat("a", 1<<20)
	lines := strings.Repeat("line of text\n", 80000)
	many, many2 := map[string]any{}, map[string]any{}
	for i := range 5000 {
		many[fmt.Sprint("k", i)], many2[fmt.Sprint("k", i)] = i, i+1
	}
	long := strings.Repeat("é", 1<<19)
	for _, tc := range []struct {
		name      string
		want, got any
		says      []string
	}{
		{"one long line differing at its end", map[string]any{"s": big}, map[string]any{"s": big[1:] + "b"},
			[]string{`s: want ..."aaa`, `a" (1048576 bytes; they differ from byte 1048575), got ..."aaa`, `ab" (1048576 bytes; they differ`}},
		{"many lines", map[string]any{"s": lines}, map[string]any{"s": strings.ToUpper(lines)},
			[]string{"(1040000 bytes; they differ from byte 0)", "more lines,", "bytes, left out)"}},
		{"many paths", many, many2,
			[]string{"k0: want 0, got 1", "... and 4980 more", "(the full diff is left out: 5000 paths differ)"}},
		{"a long key", map[string]any{long: 1}, map[string]any{long: 2},
			[]string{"éé... (", " more bytes): want 1, got 2"}},
		{"a long text differing inside a character", map[string]any{"s": long}, map[string]any{"s": long[:len(long)-2] + "è"},
			[]string{`(1048576 bytes; they differ from byte 1048574)`, `éè" (1048576 bytes`}},
		{"a long extra key", map[string]any{}, map[string]any{long: 1},
			[]string{`want lists no ["éé`, "more bytes)"}},
		{"a long value against a short one", map[string]any{"s": big}, map[string]any{"s": 1},
			[]string{`s: want "aaa`, `a"... (1048576 bytes), got 1`}},
	} {
		r, ok := record(t.Name(), func(tb testing.TB) bool { return assert.RequestJSON(tb, tc.want, body(t, tc.got)) })
		out := r.output()
		if ok || len(out) > maxMessage || !utf8.ValidString(out) {
			t.Errorf("%s: ok %v, a message of %d bytes (at most %d wanted), valid UTF-8 %v", tc.name, ok, len(out), maxMessage, utf8.ValidString(out))
		}
		for _, s := range tc.says {
			if !strings.Contains(out, s) {
				t.Errorf("%s: the message does not say %q:\n%.3000s", tc.name, s, out)
			}
		}
	}
}

// Golden's message for a large file is bounded as well.
func TestGoldenFailureMessageIsBounded(t *testing.T) {
	inTempDir(t)
	setUpdate(t, false)
	text := strings.Repeat("word ", 400000)
	path := filepath.Join("testdata", "golden", "TestBig.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	want := &llm.Response{Parts: []llm.ResponsePart{&llm.TextPart{Content: text}}}
	r, ok := record("TestBig", func(tb testing.TB) bool {
		setUpdate(t, true)
		defer setUpdate(t, false)
		return assert.Golden(tb, want)
	})
	expectPass(t, r, ok)
	got := &llm.Response{Parts: []llm.ResponsePart{&llm.TextPart{Content: text + "!"}}}
	r, ok = record("TestBig", func(tb testing.TB) bool { return assert.Golden(tb, got) })
	expectFail(t, r, ok, false, "they differ from byte 2000000", `!" (2000001 bytes`)
	if out := r.output(); len(out) > maxMessage {
		t.Errorf("a message of %d bytes:\n%.2000s", len(out), out)
	}
}

// A golden file that gives a key twice is refused: read, one value would
// win silently and the test pass against a file that says two things.
func TestGoldenRefusesDuplicateKeys(t *testing.T) {
	inTempDir(t)
	setUpdate(t, false)
	path := filepath.Join("testdata", "golden", "TestDup.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"a": 1, "a": 2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r, ok := record("TestDup", func(tb testing.TB) bool { return assert.Golden(tb, map[string]int{"a": 2}) })
	expectFail(t, r, ok, false, path+" is not valid JSON", `key "a" given twice`)
	r, ok = record("TestDup", func(tb testing.TB) bool {
		return assert.RequestJSON(tb, map[string]int{"a": 2}, []byte(`{"a":1,"a":2}`))
	})
	expectFail(t, r, ok, false, "not JSON", `key "a" given twice`)
}

// Long strings of invalid UTF-8 (no character starts anywhere) are shown
// without a panic.
func TestFailureMessageInvalidUTF8(t *testing.T) {
	bad := strings.Repeat("\xaf", 5000)
	want := &llm.Response{Parts: []llm.ResponsePart{&llm.TextPart{Content: bad}}}
	got := &llm.Response{Parts: []llm.ResponsePart{&llm.TextPart{Content: bad[:10] + "\xb0" + bad[11:]}}}
	r, ok := record(t.Name(), func(tb testing.TB) bool { return assert.Response(tb, want, got) })
	expectFail(t, r, ok, false, "(5000 bytes; they differ from byte 10)")
	if out := r.output(); len(out) > maxMessage {
		t.Errorf("a message of %d bytes", len(out))
	}
}
