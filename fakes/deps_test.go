package fakes_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The package must not link the test framework, so that a program that
// runs NewServer (cmd/record) does not either.
func TestDoesNotLinkTesting(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	for _, pkg := range []string{".", "./fakeclock", "./fakemodel"} {
		out, err := exec.Command(goTool, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		if slices.Contains(strings.Fields(string(out)), "testing") {
			t.Errorf("%s links testing", pkg)
		}
	}
}
