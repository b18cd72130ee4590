package llm_test

import (
	"os/exec"
	"strings"
	"testing"
)

// llm is vocabulary only: no HTTP, no network. HTTP belongs to the
// providers (groq reads Retry-After itself).
func TestNoNetworkImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "net" || strings.HasPrefix(dep, "net/") {
			t.Errorf("package llm depends on %s", dep)
		}
	}
}
