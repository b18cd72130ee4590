package recorder

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// A program records with the package without linking the test framework,
// and without any provider's client.
func TestDoesNotLinkTesting(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, pkg := range []string{"testing", "github.com/llmvcr/llmvcr/groq", "github.com/llmvcr/llmvcr/replay"} {
		if slices.Contains(deps, pkg) {
			t.Errorf("recorder links %s", pkg)
		}
	}
}
