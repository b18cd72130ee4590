package cassettes

import (
	"github.com/llmvcr/llmvcr/internal/match"
	"net/http"
	"strings"
	"testing"
)

// TestMalformedIgnorePathIsAnError: a malformed IgnoreJSONPaths path is
// an error naming the path, from CheckMatchOptions and from every Match of
// an index built with it, instead of being silently dropped (which would
// make the match stricter than the caller asked). Well-formed paths pass.
func TestMalformedIgnorePathIsAnError(t *testing.T) {
	for _, bad := range []string{"messages[*", "a..b", "tools[x]", "", "[", `m["a`} {
		opts := []MatchOption{IgnoreJSONPaths("seed"), IgnoreJSONPaths(bad)}
		err := match.CheckOptions(opts...)
		if err == nil {
			t.Errorf("match.CheckOptions(IgnoreJSONPaths(%q)) = nil, want an error", bad)
			continue
		}
		if !strings.Contains(err.Error(), "IgnoreJSONPaths") || !strings.Contains(err.Error(), "bad path") {
			t.Errorf("error for %q does not say what is wrong: %v", bad, err)
		}
		c := New("x.yaml")
		c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"a":1}`, `{"b":2}`)}
		x := newIndex(c, opts...)
		req, _ := http.NewRequest("POST", chatURL, nil)
		req.Header.Set("Content-Type", "application/json")
		if _, merr := x.Match(req, []byte(`{"a":1}`)); merr == nil || merr.Error() != err.Error() {
			t.Errorf("Match with %q: %v, want %v", bad, merr, err)
		}
	}
	for _, good := range []string{"seed", "messages[*].tool_call_id", "tools[0].function.strict", "**.x_groq", `metadata["a.b"]`} {
		if err := match.CheckOptions(IgnoreJSONPaths(good)); err != nil {
			t.Errorf("match.CheckOptions(IgnoreJSONPaths(%q)) = %v, want nil", good, err)
		}
	}
}
