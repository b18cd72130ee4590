package assert

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/atomicfile"
	"github.com/llmvcr/llmvcr/internal/ci"
	"github.com/llmvcr/llmvcr/internal/inputfile"
	"github.com/llmvcr/llmvcr/internal/jsonvalue"
	"github.com/llmvcr/llmvcr/internal/testpath"
)

// goldenDir is where Golden keeps its files, relative to the test's
// package directory.
const goldenDir = "testdata/golden"

// updateEnv is the environment variable that, set to a true value ("1",
// "true"), makes Golden rewrite its files like -update does. It works with
// go test ./..., where a -update flag would be refused by every test
// binary that does not define it.
const updateEnv = "LLMVCR_UPDATE"

func init() {
	if testing.Testing() {
		// Another package of the test binary (a golden-file library) may
		// have defined -update already: share it rather than panic with
		// "flag redefined".
		if flag.Lookup("update") == nil {
			flag.Bool("update", false, "rewrite the golden files of package assert (testdata/golden/*.json); refused when CI is set")
		}
	}
}

// updateRequested reports whether golden files are to be rewritten: the
// -update flag is set, or LLMVCR_UPDATE is true. It says which.
func updateRequested() (bool, string) {
	if v, err := strconv.ParseBool(os.Getenv(updateEnv)); err == nil && v {
		return true, updateEnv + "=" + os.Getenv(updateEnv)
	}
	f := flag.Lookup("update")
	if f == nil {
		return false, ""
	}
	v, err := strconv.ParseBool(f.Value.String())
	return err == nil && v, "-update"
}

// goldenPath returns the golden file of the test named name:
// testdata/golden/<name>.json, by the rule that names cassettes
// (replay.DefaultPath): each subtest a folder, characters other than
// ASCII letters, digits, '.', '-' and '_' replaced by '_', and a hash of
// the name added where that replaced anything but spaces, so that
// TestX/日本 and TestX/中文 keep distinct files.
func goldenPath(name string) string {
	return testpath.Path(filepath.FromSlash(goldenDir), name, ".json")
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
// encoding/json renders them. The comparison is semantic. The file is
// data: what varies from run to run is given as options on the file's
// paths, At("provider_response_id", Matches(`^chatcmpl-`)) or
// IgnorePaths("parts[*].tool_call_id").
//
// With -update (or LLMVCR_UPDATE=1) a file that does not match is
// rewritten, the test logs the path it wrote, and passes; a file that
// matches is left alone. A missing file fails the test with the command
// that creates it. Under CI (the CI variable set to anything but "", "0"
// or "false") -update is refused and the test stops: golden files are
// updated on a workstation and committed, as cassettes are recorded.
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
	path := goldenPath(t.Name())
	update, how := updateRequested()
	if update && ci.Set() {
		t.Fatalf("%s: refusing to rewrite %s: %s is set and so is CI (%q); update golden files on a workstation and commit them",
			what, path, how, os.Getenv("CI"))
		return false
	}
	data, readErr := inputfile.Read(path)
	if readErr != nil && !errors.Is(readErr, fs.ErrNotExist) {
		t.Fatalf("%s: %v", what, readErr)
		return false
	}
	var want any
	if readErr == nil {
		w, err := decodeJSON(data)
		if err != nil {
			if !update {
				t.Errorf("%s: %s is not valid JSON (%v); run go test -run '^%s$' -update to rewrite it",
					what, path, err, rootName(t.Name()))
				return false
			}
			readErr = err
		}
		want = w
	}
	if readErr == nil {
		if res, err := c.compare(want, tree, c.goldenOptions()); err == nil && len(res.diffs) == 0 && len(c.unusedAt()) == 0 {
			return true
		}
	}
	if update {
		if readErr == nil && bytes.Equal(data, text) {
			return true
		}
		if err := atomicfile.Write(path, text); err != nil {
			t.Fatalf("%s: update: %v", what, err)
			return false
		}
		if readErr == nil {
			t.Logf("%s: %s: rewrote %s", what, how, path)
		} else {
			t.Logf("%s: %s: wrote %s", what, how, path)
		}
		return true
	}
	if readErr != nil {
		t.Errorf("%s: %s does not exist; run go test -run '^%s$' -update to create it",
			what, path, rootName(t.Name()))
		return false
	}
	for i := range c.atUsed { // a fresh count for the reported comparison
		c.atUsed[i], c.atIgnored[i] = false, false
	}
	return check(t, c, what, "got differs from "+path+"; run with -update to accept it", want, tree, c.goldenOptions())
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
				got = coalesceEvents(evs)
			}
			tree = render(got, c)
		}
	}
	b, err := jsonvalue.Marshal(tree)
	if err != nil {
		return nil, err
	}
	return decodeJSON(b)
}

func rootName(name string) string {
	root, _, _ := strings.Cut(name, "/")
	return root
}
