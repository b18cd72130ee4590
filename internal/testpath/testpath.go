// Package testpath maps a test's name (t.Name()) to a file path: the one
// rule behind replay's cassettes (testdata/cassettes/<name>.yaml) and
// assert's golden files (testdata/golden/<name>.json).
//
// Each subtest is a folder. In each segment of the name, characters other
// than ASCII letters, digits, '.', '-' and '_' become '_'; a segment that
// is empty or only dots gets a leading '_', so that no segment is "." or
// ".." and no path leaves its directory. When a character other than a
// space was replaced, the segment ends with '-' and the FNV-1a 32-bit hash
// of its original text, so that distinct names ("日本", "中文", "a:b",
// "a?b") keep distinct files. A space needs no hash: go test itself turns
// spaces into '_' in t.Name(), so "a b" never meets "a_b".
//
// The rule does not shorten long names: a segment longer than the file
// system allows (255 bytes on most) makes the file impossible to write,
// and the write fails with an error that names the path.
package testpath

import (
	"fmt"
	"hash/fnv"
	"path/filepath"
	"strings"
)

// Path returns dir/<segments of name>ext, for instance
// Path("testdata/golden", "TestX/tool call", ".json") is
// "testdata/golden/TestX/tool_call.json".
func Path(dir, name, ext string) string {
	parts := strings.Split(name, "/")
	for n, orig := range parts {
		parts[n] = segment(orig)
	}
	return filepath.Join(append([]string{dir}, parts...)...) + ext
}

func segment(orig string) string {
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
	return p
}
