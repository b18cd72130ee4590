package replay

import "testing"

// parseMode reads LLMVCR_MODE: the names Mode.String gives, new_episodes
// too, and a clear error for anything else.
func TestParseMode(t *testing.T) {
	m, err := parseMode("new_episodes")
	if m != ModeNewEpisodes || err != nil {
		t.Errorf("parseMode(new_episodes) = %v, %v", m, err)
	}
	for _, want := range []Mode{ModeReplay, ModeRecord, ModeNewEpisodes, ModePassthrough} {
		if got, err := parseMode(want.String()); got != want || err != nil {
			t.Errorf("parseMode(%q) = %v, %v", want.String(), got, err)
		}
	}
	_, err = parseMode("sometimes")
	if err == nil || err.Error() != `replay: unknown mode "sometimes" (want replay, record, new-episodes or passthrough)` {
		t.Errorf("parseMode(sometimes) error = %v", err)
	}
}
