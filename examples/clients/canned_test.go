package clients_test

import (
	"path/filepath"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/recorder"
)

// Every committed cassette here was recorded from a fake (fromFakeGroq,
// fromFakeAnthropic), so every answer in it must say so: a fake
// recording never passes for a real one.
func TestCommittedCassettesAreMarkedCanned(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "cassettes", "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cassettes: %v", err)
	}
	for _, p := range paths {
		c, err := cassettes.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		for n, i := range c.Interactions {
			if i.Response.Headers.Get(recorder.SourceHeader) == "" {
				t.Errorf("%s: interaction %d was recorded from a fake but is not marked canned", p, n)
			}
		}
	}
}
