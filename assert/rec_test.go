package assert_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recTB is a testing.TB that records what an assertion reports instead of
// failing the test. Fatalf stops the goroutine as testing.T's does, so
// assertions run in their own goroutine (see record).
type recTB struct {
	testing.TB // nil: calling anything not overridden panics, revealing it
	name       string
	mu         sync.Mutex
	errors     []string
	fatals     []string
	logs       []string
	helpers    int
}

func (r *recTB) Helper()      { r.mu.Lock(); r.helpers++; r.mu.Unlock() }
func (r *recTB) Name() string { return r.name }
func (r *recTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recTB) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recTB) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recTB) Failed() bool { return len(r.errors)+len(r.fatals) > 0 }

// output is everything reported, errors then fatals.
func (r *recTB) output() string {
	return strings.Join(append(append([]string(nil), r.errors...), r.fatals...), "\n")
}

// record runs an assertion against a recTB in its own goroutine and
// returns the recorder and the assertion's result (false after Fatalf).
func record(name string, f func(t testing.TB) bool) (*recTB, bool) {
	r := &recTB{name: name}
	var ok bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		ok = f(r)
	}()
	<-done
	return r, ok
}

// expectPass checks that an assertion passed silently.
func expectPass(t *testing.T, r *recTB, ok bool) {
	t.Helper()
	if !ok || r.Failed() {
		t.Fatalf("assertion failed, want pass (returned %v):\n%s", ok, r.output())
	}
	if r.helpers == 0 {
		t.Errorf("assertion did not call t.Helper")
	}
}

// expectFail checks that an assertion failed through Errorf (or Fatalf
// when fatal is set) with a message containing every one of wants.
func expectFail(t *testing.T, r *recTB, ok bool, fatal bool, wants ...string) {
	t.Helper()
	if ok {
		t.Fatalf("assertion returned true, want false; reported:\n%s", r.output())
	}
	if fatal && len(r.fatals) == 0 {
		t.Errorf("want a Fatalf, got errors:\n%s", r.output())
	}
	if !fatal && (len(r.errors) == 0 || len(r.fatals) > 0) {
		t.Errorf("want Errorf only, got errors %q, fatals %q", r.errors, r.fatals)
	}
	out := r.output()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("message lacks %q; message:\n%s", w, out)
		}
	}
	if r.helpers == 0 {
		t.Errorf("assertion did not call t.Helper")
	}
}
