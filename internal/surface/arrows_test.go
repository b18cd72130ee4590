package surface

import (
	"os/exec"
	"path"
	"strings"
	"testing"
)

// TestImportArrows holds the design's import arrows, one row per package
// (DESIGN.md, Layout): what each must never link. A name ending in "/..."
// also forbids everything below it.
func TestImportArrows(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	const mod = "github.com/llmvcr/llmvcr/"
	for _, row := range []struct {
		pkg, why string
		never    []string
	}{
		{"llm", "vocabulary only: HTTP belongs to the providers", []string{"net", "net/..."}},
		{"fakes", "a program that runs the fake (cmd/record) must not link the test framework", []string{"testing"}},
		{"fakes/fakeclock", "as fakes", []string{"testing"}},
		{"fakes/fakemodel", "as fakes", []string{"testing"}},
		{"recorder", "a program records with it, without the test framework or any provider's client", []string{"testing", mod + "groq", mod + "replay"}},
		{"replay", "provider-neutral: recording from a fake goes through WithFakeTransport", []string{mod + "groq", mod + "fakes", mod + "llm"}},
		{"cmd/record", "the shipped binary records through package recorder", []string{"testing", mod + "replay"}},
	} {
		out, err := exec.Command(goTool, "list", "-deps", mod+row.pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", row.pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, never := range row.never {
				if dep == never || strings.HasSuffix(never, "/...") && strings.HasPrefix(dep, path.Dir(never)+"/") {
					t.Errorf("%s links %s (%s)", row.pkg, dep, row.why)
				}
			}
		}
	}
}
