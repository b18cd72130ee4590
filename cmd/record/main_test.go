package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
)

// binary is the record command, built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	if os.Getenv("LLMVCR_GOLDEN_CHILD") != "" || fuzzWorker() {
		// A child of TestInspectGoldenUpdateRefusedInCI, or a fuzzing worker:
		// neither runs the command, and building it in every worker would
		// eat the fuzzing time.
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "record-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "record")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out, err := exec.Command(gobin, "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building the record command: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fuzzWorker reports whether this process is a worker go test -fuzz started.
func fuzzWorker() bool {
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, "-test.fuzzworker") {
			return true
		}
	}
	return false
}

// result is what a run of the command left.
type result struct {
	code           int
	stdout, stderr string
}

// cli runs the built command in dir as a user would, with GROQ_API_KEY,
// GROQ_BASE_URL and CI unset unless env sets them ("NAME=value").
func cli(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "GROQ_API_KEY", "GROQ_BASE_URL", "CI":
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running record %s: %v", strings.Join(args, " "), err)
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
		t.Fatalf("record %s crashed:\n%s", strings.Join(args, " "), r.stderr)
	}
	return r
}

// mustSucceed fails the test unless the run exited 0.
func (r result) mustSucceed(t *testing.T) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit status %d, want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	return r
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// load loads a cassette and checks that no credential is in it.
func load(t *testing.T, path string) *cassettes.Cassette {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the cassette was not written: %v", err)
	}
	if bytes.Contains(raw, []byte("gsk_")) {
		t.Errorf("%s holds a credential:\n%s", path, raw)
	}
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for n, i := range c.Interactions {
		for _, v := range i.Request.Headers.Values("Authorization") {
			if v != cassettes.Redacted && v != "Bearer "+cassettes.Redacted {
				t.Errorf("interaction %d: Authorization %q, want it scrubbed", n, v)
			}
		}
	}
	for _, f := range cassettes.Lint(c) {
		if f.Severity != cassettes.Notice { // a recording from the fake is canned: a notice, not a problem
			t.Errorf("lint finding in %s: %v", path, f)
		}
	}
	return c
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
