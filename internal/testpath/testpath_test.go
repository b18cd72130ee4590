package testpath_test

import (
	"fmt"
	"hash/fnv"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/testpath"
	"github.com/llmvcr/llmvcr/replay"
)

// legacyDefaultPath is replay.DefaultPath as it was before this package
// (commit 2ce82cb, replay/session.go), frozen here so that the rule can be
// proven unchanged for every name.
func legacyDefaultPath(testName string) string {
	parts := strings.Split(testName, "/")
	for n, orig := range parts {
		var b strings.Builder
		replaced := false
		for _, r := range orig {
			if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
				replaced = replaced || r != ' '
			}
		}
		p := b.String()
		if p == "" || strings.Trim(p, ".") == "" {
			p = "_" + p
		}
		if replaced {
			h := fnv.New32a()
			h.Write([]byte(orig))
			p = fmt.Sprintf("%s-%08x", p, h.Sum32())
		}
		parts[n] = p
	}
	return filepath.Join(append([]string{"testdata", "cassettes"}, parts...)...) + ".yaml"
}

var names = []string{
	"", "TestX", "TestX/case_one/deeper", "TestX/tool call", "TestX/日本", "TestX/中文", "TestX/a:b", "TestX/a?b",
	`TestX/a:b*c?"d<e>|f\g#01`, "TestX/..", "TestX/../..", "TestX/.", "..", ".", "/", "//", "TestX//y", "TestX/",
	"TestX/a.b", "TestX/...", "TestX/ ", "TestX/\x00", "TestX/\xff\xfe", "TestX/é", "TestX/e\u0301", "TestX/🙂",
	"TestX/a b c", "TestX/tab\there", "TestX/new\nline", "TestX/#00", "TestX/-", "TestX/_", "TestX/C:\\x",
	"Test" + strings.Repeat("x", 300), "TestX/" + strings.Repeat("日本", 200), strings.Repeat("a/", 100) + "b",
}

func TestSameAsLegacyDefaultPath(t *testing.T) {
	for _, name := range names {
		want := legacyDefaultPath(name)
		if got := testpath.Path(filepath.Join("testdata", "cassettes"), name, ".yaml"); got != want {
			t.Errorf("Path(%q) = %q, legacy DefaultPath %q", name, got, want)
		}
		if got := replay.DefaultPath(name); got != want {
			t.Errorf("replay.DefaultPath(%q) = %q, legacy %q", name, got, want)
		}
	}
}

func FuzzSameAsLegacyDefaultPath(f *testing.F) {
	for _, n := range names {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) {
		want := legacyDefaultPath(name)
		if got := testpath.Path(filepath.Join("testdata", "cassettes"), name, ".yaml"); got != want {
			t.Fatalf("Path(%q) = %q, legacy DefaultPath %q", name, got, want)
		}
		if got := replay.DefaultPath(name); got != want {
			t.Fatalf("replay.DefaultPath(%q) = %q, legacy %q", name, got, want)
		}
		// No path leaves its directory.
		rel, err := filepath.Rel("testdata", want)
		if err != nil || strings.HasPrefix(rel, "..") {
			t.Fatalf("%q escapes: %q", name, want)
		}
	})
}

// TestDistinctNamesDistinctFiles: names that differ get different files,
// except those go test itself never produces: a space (t.Name() holds '_')
// or an empty segment (t.Name() holds "#00").
func TestDistinctNamesDistinctFiles(t *testing.T) {
	seen := map[string]string{}
	all := append([]string{"TestX/a_b", "TestX/a-b", "TestX/a.b", "TestX/日本語", "TestX/한국"}, names...)
	for _, n := range all {
		if strings.Contains(n, " ") || n == "" || strings.Contains(n, "//") || strings.HasPrefix(n, "/") || strings.HasSuffix(n, "/") {
			continue
		}
		p := testpath.Path("d", n, ".json")
		if prev, ok := seen[p]; ok && prev != n {
			t.Errorf("%q and %q share %s", prev, n, p)
		}
		seen[p] = n
	}
}

func TestPath(t *testing.T) {
	tests := []struct{ name, want string }{
		{"TestX", "testdata/golden/TestX.json"},
		{"TestX/tool call", "testdata/golden/TestX/tool_call.json"},
		{"TestX/..", "testdata/golden/TestX/_...json"},
		{"TestX//y", "testdata/golden/TestX/_/y.json"},
	}
	for _, tt := range tests {
		if got := filepath.ToSlash(testpath.Path(filepath.Join("testdata", "golden"), tt.name, ".json")); got != tt.want {
			t.Errorf("Path(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
