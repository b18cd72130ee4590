package assert

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// GoldenDir is where Golden keeps its files, relative to the test's
// package directory.
const GoldenDir = "testdata/golden"

// UpdateEnv is the environment variable that, set to a true value ("1",
// "true"), makes Golden rewrite its files like -update does. It works with
// go test ./..., where a -update flag would be refused by every test
// binary that does not define it.
const UpdateEnv = "LLMVCR_UPDATE"

func init() {
	if testing.Testing() {
		// Another package of the test binary (a golden-file library) may
		// have defined -update already: share it rather than panic with
		// "flag redefined".
		if flag.Lookup("update") == nil {
			flag.Bool("update", false, "rewrite the golden files of package assert (testdata/golden/*.json)")
		}
	}
}

// Updating reports whether golden files are to be rewritten: the -update
// flag is set, or UpdateEnv is true. A test package with golden files of
// its own can use it instead of defining its own -update flag.
func Updating() bool {
	if v, err := strconv.ParseBool(os.Getenv(UpdateEnv)); err == nil && v {
		return true
	}
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	v, err := strconv.ParseBool(f.Value.String())
	return err == nil && v
}

// GoldenPath returns the golden file of the test named name:
// testdata/golden/<name>.json, with each subtest a folder and characters
// other than letters, digits, '.', '-' and '_' replaced by '_'.
func GoldenPath(name string) string {
	segs := strings.Split(name, "/")
	for i, s := range segs {
		s = strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
				return r
			}
			return '_'
		}, s)
		if s == "" || strings.Trim(s, ".") == "" {
			s = "_" + s
		}
		segs[i] = s
	}
	return filepath.Join(GoldenDir, filepath.Join(segs...)+".json")
}

// Golden checks got against the golden file of the test,
// testdata/golden/<test name>.json, and reports the difference with
// t.Errorf; it returns whether they are equal.
//
// got is rendered as indented JSON with sorted keys and a trailing
// newline, so a rewritten file diffs cleanly in review: llm values as maps
// with snake_case keys and their kind ("part_kind": "tool-call"), with the
// local Timestamp left out and tool-call arguments decoded; request bodies
// ([]byte, *http.Request, BodyProvider) as their JSON; other values as
// encoding/json renders them. The comparison is semantic, and fuzzy
// markers written by hand in the file ("<assert.AnyString>") match.
// IgnorePaths use the file's paths ("parts[*].tool_call_id").
//
// With -update (or LLMVCR_UPDATE=1) a file that does not match is
// rewritten and the test passes; a file that matches is left alone, so
// hand-written markers survive. A missing file fails the test with the
// command that creates it.
func Golden(t testing.TB, got any, opts ...Option) bool {
	t.Helper()
	const what = "assert.Golden"
	c, ok := setup(t, what, opts)
	if !ok {
		return false
	}
	tree, err := goldenTree(got, c)
	if err != nil {
		t.Fatalf("%s: render %T: %v", what, got, err)
		return false
	}
	text, err := marshalStable(tree)
	if err != nil {
		t.Fatalf("%s: render %T: %v", what, got, err)
		return false
	}
	path := GoldenPath(t.Name())
	data, readErr := os.ReadFile(path)
	if readErr != nil && !errors.Is(readErr, fs.ErrNotExist) {
		t.Fatalf("%s: %v", what, readErr)
		return false
	}
	var want any
	if readErr == nil {
		if err := decodeJSON(data, &want); err != nil {
			if !Updating() {
				t.Errorf("%s: %s is not valid JSON (%v); run go test -run '^%s$' -update to rewrite it",
					what, path, err, rootName(t.Name()))
				return false
			}
			readErr = err
		}
	}
	if readErr == nil {
		want = normalizeMarkers(want)
		if eq, err := safeEqual(want, tree, c.goldenOptions()...); err == nil && eq {
			return true
		}
	}
	if Updating() {
		if readErr == nil && bytes.Equal(data, text) {
			return true
		}
		if err := writeFileAtomic(path, text); err != nil {
			t.Fatalf("%s: update: %v", what, err)
			return false
		}
		t.Logf("%s: wrote %s", what, path)
		return true
	}
	if readErr != nil {
		t.Errorf("%s: %s does not exist; run go test -run '^%s$' -update to create it",
			what, path, rootName(t.Name()))
		return false
	}
	return check(t, what, "got differs from "+path+"; run with -update to accept it", want, tree, c.goldenOptions())
}

// goldenTree renders got for a golden file, as JSON decoded back so that
// numbers are json.Number on both sides of the comparison.
func goldenTree(got any, c *config) (any, error) {
	var tree any
	switch g := got.(type) {
	case []byte, string:
		tree = got
		if b, err := bodyOf(g); err == nil {
			tree = rawJSON(b)
		}
	default:
		if b, err := bodyOf(got); err == nil && isBodyCarrier(got) {
			tree = rawJSON(b)
		} else {
			if evs, ok := eventsOf(got); ok && c.coalesce {
				got = CoalesceEvents(evs)
			}
			tree = render(got, c)
		}
	}
	b, err := marshalCompact(tree)
	if err != nil {
		return nil, err
	}
	var out any
	if err := decodeJSON(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func rootName(name string) string {
	root, _, _ := strings.Cut(name, "/")
	return root
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".golden-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("rename: %w", err)
	}
	return nil
}
