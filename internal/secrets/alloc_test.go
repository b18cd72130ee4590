package secrets

import "testing"

// TestScrubTextOfCleanTextDoesNotAllocate: text with no secret (a URL, as
// replay scrubs one per request) is scrubbed without allocating, so the
// shapes' hints are tried without splitting them every time.
func TestScrubTextOfCleanTextDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	e := New(Config{})
	for _, v := range []string{"https://api.groq.com/openai/v1/chat/completions", `{"role":"user","content":"risk-based task-list"}`} {
		if n := testing.AllocsPerRun(100, func() { _ = e.ScrubText(v) }); n != 0 {
			t.Errorf("ScrubText(%q): %v allocations, want 0", v, n)
		}
	}
}
