package replay

import (
	"os"
	"testing"
)

// TestMain runs the package's tests with LLMVCR_MODE unset, as the
// tests that leave the mode to its default (replay) expect: a caller
// re-recording other packages (LLMVCR_MODE=record go test ./...) must
// not turn them into recordings. A test about the variable sets it with
// t.Setenv. (CI is not cleared: the tests that depend on it set it, and
// the rest hold with it set or not.)
func TestMain(m *testing.M) {
	os.Unsetenv("LLMVCR_MODE")
	os.Exit(m.Run())
}
