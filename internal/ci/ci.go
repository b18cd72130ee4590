// Package ci tells whether the process runs under continuous integration,
// by the one rule that llmvcr's guards share (replay's refusal to record,
// cmd/record's refusal to call Groq, assert's refusal to rewrite golden
// files): the CI environment variable is set to anything but "", "0" or
// "false" (in any case, spaces around ignored).
package ci

import (
	"os"
	"strings"
)

// Set reports whether the CI environment variable says this is a CI run.
func Set() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}
