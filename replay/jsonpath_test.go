package replay

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestMalformedIgnorePathFailsNew: replay.New stops the test with a clear
// message naming a malformed IgnoreJSONPaths path, in every mode, instead of matching without the ignore the test
// asked for.
func TestMalformedIgnorePathFailsNew(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("GROQ_API_KEY", fakeKey)
	for _, mode := range []Mode{ModeReplay, ModeRecord, ModeNewEpisodes, ModePassthrough} {
		ft := newFakeT(t, "TestBadPath")
		done := make(chan struct{})
		go func() {
			defer close(done)
			New(ft, WithPath(filepath.Join(t.TempDir(), "c.yaml")), WithMode(mode), IgnoreJSONPaths("seed", "messages[*"))
		}()
		<-done
		ft.end()
		if len(ft.fatals) != 1 || !strings.Contains(ft.fatals[0], `IgnoreJSONPaths: bad path "messages[*"`) {
			t.Errorf("mode %s: fatals %q, want one naming the malformed path", mode, ft.fatals)
		}
	}
}
