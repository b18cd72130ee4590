package replay

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/recorder"
)

// cannedFixture saves a cassette of three JSON answers at /a, /b and /c,
// the first two marked with the given sources ("" for a real answer).
func cannedFixture(t *testing.T, sources ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.yaml")
	c := cassettes.New(path)
	for k, p := range []string{"/a", "/b", "/c"} {
		h := http.Header{"Content-Type": {"application/json"}}
		if k < len(sources) && sources[k] != "" {
			h.Set(recorder.SourceHeader, sources[k])
		}
		c.Interactions = append(c.Interactions, &cassettes.Interaction{
			Request:  cassettes.Request{Method: "GET", URL: groqBase + p, Headers: http.Header{}},
			Response: cassettes.Response{Code: 200, Status: "200 OK", Headers: h, Body: `{"ok":true}`},
		})
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCannedNoteIsSafeAndComplete: the replay log line about canned
// answers counts them in a mixed cassette, names every source, and shows
// a hand-edited source quoted and scrubbed: neither a key nor a line
// break in the header reaches the log. Before, only the last source was
// named, as written, key and line break included.
func TestCannedNoteIsSafeAndComplete(t *testing.T) {
	key := "sk-proj-" + strings.Repeat("Zq9", 14)
	path := cannedFixture(t, "fake two\nreplay: forged line", "fake one KEY")
	// A hand edit: Save would have scrubbed the key.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(raw), "fake one KEY", "fake one "+key, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeReplay), AllowUnused())
	if s == nil {
		t.Fatal(ft.allErrors())
	}
	ft.end()
	logs := strings.Join(ft.logs, "\n---\n")
	var note string
	for _, l := range ft.logs {
		if strings.Contains(l, "canned") {
			if note != "" {
				t.Fatalf("more than one canned note: %s", logs)
			}
			note = l
		}
	}
	if !strings.Contains(note, "2 of 3 recorded answers are canned") {
		t.Errorf("note %q does not count 2 of 3", note)
	}
	if strings.Contains(logs, key) {
		t.Errorf("a key in the source header reached the log: %s", logs)
	}
	if strings.Contains(note, "\n") {
		t.Errorf("a line break in the source header reached the log: %q", note)
	}
	if !strings.Contains(note, `"fake one `) || !strings.Contains(note, `"fake two\nreplay: forged line"`) {
		t.Errorf("note %q does not name both sources, quoted", note)
	}
}
