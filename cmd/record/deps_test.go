package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The shipped binary must not link the test framework (nor replay, which
// does): it records through package recorder.
func TestBinaryDoesNotLinkTesting(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, pkg := range []string{"testing", "github.com/llmvcr/llmvcr/replay"} {
		if slices.Contains(deps, pkg) {
			t.Errorf("cmd/record links %s", pkg)
		}
	}
}
