package replay

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// replay is provider-neutral: it never imports groq, nor fakes (which
// does); recording from a fake goes through WithFakeTransport.
func TestDoesNotImportGroq(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, pkg := range []string{"github.com/llmvcr/llmvcr/groq", "github.com/llmvcr/llmvcr/fakes", "github.com/llmvcr/llmvcr/llm"} {
		if slices.Contains(deps, pkg) {
			t.Errorf("replay imports %s", pkg)
		}
	}
}
