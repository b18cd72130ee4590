package replay

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// helperEnv selects what TestHelperSession does when the test binary runs
// itself as a subprocess; the cases need a real *testing.T (a skipped or
// failed test, a report after the test completed).
const helperEnv = "LLMVCR_REPLAY_HELPER"

// TestHelperSession is not a test of its own: runHelper runs it in a
// subprocess, with helperEnv saying what it does.
func TestHelperSession(t *testing.T) {
	how := os.Getenv(helperEnv)
	if how == "" {
		t.Skip("a helper run by other tests in a subprocess")
	}
	path, url := os.Getenv(helperEnv+"_PATH"), os.Getenv(helperEnv+"_URL")
	record := func(t *testing.T) *Session {
		return New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	}
	switch how {
	case "pass":
		s := record(t)
		do(t, s.Client(), url, `{"messages":[{"content":"new"}]}`)
	case "skip":
		s := record(t)
		do(t, s.Client(), url, `{"messages":[{"content":"new"}]}`)
		t.Skip("skipped after a request")
	case "fail":
		s := record(t)
		do(t, s.Client(), url, `{"messages":[{"content":"new"}]}`)
		t.Error("failed after a request")
	case "norequest":
		record(t)
	case "unclosed": // a body never closed: the report points at this New
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport)) // HELPER-NEW-LINE
		if _, err := post(t, s.Client(), url, `{"messages":[{"content":"new"}]}`); err != nil {
			t.Fatal(err)
		}
	case "flag": // run with -record ./... on the command line
		New(t, WithPath(path), WithRealTransport(http.DefaultTransport))
		t.Log("HELPER: the session started")
	case "late":
		// A goroutine keeps sending requests that match nothing (each a
		// t.Error while the test runs) while the subtest ends; once it
		// has ended they must get ErrTestEnded, never a report on the
		// finished test (which panics the binary).
		var client *http.Client
		var wg sync.WaitGroup
		var lateErr error
		t.Run("sub", func(t *testing.T) {
			s := New(t, WithPath(path), WithRealTransport(http.DefaultTransport), AllowUnused())
			client = s.Client()
			started := make(chan struct{})
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := 0; k < 100000; k++ {
					resp, err := post(t, client, url, `{"messages":[{"content":"drifted"}]}`)
					if resp != nil {
						resp.Body.Close()
					}
					if k == 0 {
						close(started)
					}
					if errors.Is(err, ErrTestEnded) {
						lateErr = err
						return
					}
				}
			}()
			<-started
		})
		wg.Wait()
		if lateErr == nil {
			t.Fatal("HELPER: no request was refused as late")
		}
		t.Logf("HELPER-LATE: %v", lateErr)
	}
}

// runHelper runs TestHelperSession in a subprocess and returns its output.
func runHelper(t *testing.T, how, path, url string, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestHelperSession$", "-test.v", "-test.count=1"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"="+how, helperEnv+"_PATH="+path, helperEnv+"_URL="+url)
	out, _ := cmd.CombinedOutput() // a failing helper exits 1; the output says what happened
	return string(out)
}

// TestOnlyAPassingTestWithRequestsSaves: a recording test that is skipped
// after its requests, fails, or makes no request leaves the cassette byte
// for byte as it was and says why in its log; one that passes with
// requests replaces it. Each runs through the real testing package.
func TestOnlyAPassingTestWithRequestsSaves(t *testing.T) {
	g := newFakeGroq(t, chatHandler)
	url := g.URL + "/v1/chat"
	path := filepath.Join(t.TempDir(), "good.yaml")
	t.Run("record the good cassette", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		do(t, s.Client(), url, `{"messages":[{"content":"good"}]}`)
	})
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ how, why string }{
		{"skip", "was not saved: the test was skipped"},
		{"fail", "was not saved: the test failed"},
		{"norequest", "was not saved: the test made no request"},
	} {
		t.Run(tt.how, func(t *testing.T) {
			out := runHelper(t, tt.how, path, url)
			if !strings.Contains(out, tt.why) {
				t.Errorf("the log does not say %q:\n%s", tt.why, out)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, good) {
				t.Errorf("the good cassette was replaced:\n%s", got)
			}
		})
	}
	t.Run("pass saves", func(t *testing.T) {
		out := runHelper(t, "pass", path, url)
		got, _ := os.ReadFile(path)
		if bytes.Equal(got, good) || !strings.Contains(string(got), "new") {
			t.Errorf("a passing test with requests did not save:\n%s\n%s", got, out)
		}
	})
}

// TestLateRequestGetsAnError: a request through a session whose test has
// ended (a goroutine left running) gets ErrTestEnded, is neither answered
// nor recorded, and reports nothing on the finished test.
func TestLateRequestGetsAnError(t *testing.T) {
	g := newFakeGroq(t, chatHandler)
	url := g.URL + "/v1/chat"
	path := filepath.Join(t.TempDir(), "c.yaml")
	body := `{"messages":[{"content":"a"}]}`
	var recordClient *http.Client
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		do(t, s.Client(), url, body)
		recordClient = s.Client()
	})
	var replayClient *http.Client
	t.Run("replay", func(t *testing.T) {
		s := New(t, WithPath(path), WithRealTransport(http.DefaultTransport), AllowRepeats())
		do(t, s.Client(), url, body)
		replayClient = s.Client()
	})
	// Both subtests have completed: a report on them would panic.
	seen := g.count()
	for _, tt := range []struct {
		name   string
		client *http.Client
		body   string
	}{
		{"record", recordClient, body},
		{"replay, a request that would match", replayClient, body},
		{"replay, a request that would miss", replayClient, `{"messages":[{"content":"b"}]}`},
	} {
		resp, err := post(t, tt.client, url, tt.body)
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: a request after the test ended was answered (%d)", tt.name, resp.StatusCode)
			continue
		}
		if !errors.Is(err, ErrTestEnded) || !strings.Contains(err.Error(), "after test "+t.Name()+"/") {
			t.Errorf("%s: err = %v, want ErrTestEnded naming the test", tt.name, err)
		}
	}
	if g.count() != seen {
		t.Errorf("a late request reached the server")
	}
}

// TestLateRequestsRacingTheEndNeverPanic: a goroutine sending requests
// that miss while its subtest ends never makes the test binary panic
// ("Fail in goroutine after ... has completed").
func TestLateRequestsRacingTheEndNeverPanic(t *testing.T) {
	g := newFakeGroq(t, chatHandler)
	url := g.URL + "/v1/chat"
	path := filepath.Join(t.TempDir(), "c.yaml")
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
		do(t, s.Client(), url, `{"messages":[{"content":"a"}]}`)
	})
	out := runHelper(t, "late", path, url)
	if strings.Contains(out, "panic") || strings.Contains(out, "has completed") {
		t.Fatalf("the test binary panicked:\n%s", out)
	}
	if !strings.Contains(out, "HELPER-LATE: ") || !strings.Contains(out, "replay: POST "+url+" arrived after test TestHelperSession/sub ended") {
		t.Errorf("no late request was refused:\n%s", out[max(0, len(out)-2000):])
	}
}

// TestRecordWithPackagesAfterIsExplained: `go test -record ./...` hands
// ./... to the test binary (go test reads packages only before its first
// unknown flag), so only the current package would re-record; the session
// fails and says to use LLMVCR_MODE=record, or to put the packages first
// (which fails in a package whose tests do not import replay).
func TestRecordWithPackagesAfterIsExplained(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	out := runHelper(t, "flag", path, "", "-record", "./...")
	if strings.Contains(out, "HELPER: the session started") || !strings.Contains(out, `"./..." after -record is a package pattern`) || !strings.Contains(out, "go test ./... -record") || !strings.Contains(out, "LLMVCR_MODE=record go test ./...") || !strings.Contains(out, "flag provided but not defined") {
		t.Errorf("not explained:\n%s", out)
	}
	old, oldArgs := recordFlag, flagArgs
	t.Cleanup(func() { recordFlag, flagArgs = old, oldArgs })
	for _, tt := range []struct {
		value string
		args  []string
		bad   bool
	}{
		{"", []string{"./..."}, true},
		{"", []string{"../other/..."}, true},
		{"", []string{"example.com/m/..."}, true},
		{"./...", nil, true}, // -record=./...
		{"./pkg", nil, true},
		{"", nil, false},
		{"TestChat|TestTools/stream", nil, false},
		{"Test.../x", nil, false},
	} {
		recordFlag = recordValue{}
		if err := recordFlag.Set(tt.value); err != nil {
			t.Fatal(err)
		}
		flagArgs = func() []string { return tt.args }
		_, err := resolveMode("TestChat", nil)
		if (err != nil) != tt.bad {
			t.Errorf("-record=%q args %q: err = %v, want an error: %v", tt.value, tt.args, err, tt.bad)
		}
	}
}

// TestCleanupReportsPointAtNew: what the session reports at the test's
// end (here a body never closed) is attributed to the test's replay.New
// line, not to a line of this package.
func TestCleanupReportsPointAtNew(t *testing.T) {
	src, err := os.ReadFile("lifecycle_test.go")
	if err != nil {
		t.Fatal(err)
	}
	line := 0
	for n, l := range strings.Split(string(src), "\n") {
		if strings.Contains(l, "// HELPER-NEW-LINE") && !strings.Contains(l, "strings.Contains") {
			line = n + 1
		}
	}
	g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	})
	out := runHelper(t, "unclosed", filepath.Join(t.TempDir(), "c.yaml"), g.URL+"/v1/chat")
	want := fmt.Sprintf("lifecycle_test.go:%d: replay: ", line)
	if !strings.Contains(out, "never closed") || !strings.Contains(out, want) {
		t.Errorf("the report is not at line %d (%q):\n%s", line, want, out)
	}
}
