package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintCannedIsANoticeNotAFinding: a cassette recorded from the
// embedded fake is reported once as canned on stderr and lint succeeds; a
// canned cassette with a key in it fails, with the secret on stdout and
// the notice still on stderr.
func TestLintCannedIsANoticeNotAFinding(t *testing.T) {
	dir := t.TempDir()
	cli(t, dir, nil, "-pace=false", "-o", "c/canned.yaml", "What is the capital of France?").mustSucceed(t)
	r := cli(t, dir, nil, "lint", "c").mustSucceed(t)
	if n := strings.Count(r.stderr, "answers are canned"); n != 1 || r.stdout != "" {
		t.Errorf("notice %d times (want 1); stdout:\n%s\nstderr:\n%s", n, r.stdout, r.stderr)
	}
	for _, want := range []string{filepath.FromSlash("c/canned.yaml") + ": notice: canned: answers are canned: 1 of 1 interactions", "record: lint: 1 cassette, no findings (1 notice above)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}

	good, err := os.ReadFile(filepath.Join(dir, "c", "canned.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	key := "sk-proj-" + strings.Repeat("Zx8Qv", 8)
	writeFile(t, dir, "c/leak.yaml", strings.Replace(string(good), "What is the capital of France?", "my key is "+key, 1))
	r = cli(t, dir, nil, "lint", "c")
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	if !strings.Contains(r.stdout, filepath.FromSlash("c/leak.yaml")+": interaction 0: secret: ") || strings.Contains(r.stdout, "canned") {
		t.Errorf("stdout should hold the secret finding only:\n%s", r.stdout)
	}
	if n := strings.Count(r.stderr, "answers are canned"); n != 2 {
		t.Errorf("%d canned notices on stderr, want 2 (one per cassette):\n%s", n, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, key) {
		t.Error("lint printed the key")
	}
	if want := "record: lint: 1 finding in 1 cassette of 2 cassettes\n"; !strings.HasSuffix(r.stderr, want) {
		t.Errorf("stderr ends %q, want %q", r.stderr, want)
	}
}
