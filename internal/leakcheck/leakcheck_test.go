package leakcheck

import (
	"testing"
	"time"
)

// parked blocks until release is closed; tests find it by name.
func parked(release <-chan struct{}) { <-release }

func TestLeakedFindsAndForgets(t *testing.T) {
	before := Take()
	release := make(chan struct{})
	go parked(release)
	// The goroutine is blocked: it is found whatever else runs or ends.
	left := before.Since()
	if len(left) != 1 || len(Matching(left, "leakcheck.TestLeakedFindsAndForgets")) != 1 {
		t.Fatalf("a parked goroutine went unnoticed: since %d:\n%s", len(left), Format(left))
	}
	close(release)
	if left := before.Leaked(30 * time.Second); len(left) != 0 {
		t.Fatalf("a goroutine that ended is still reported:\n%s", Format(left))
	}
}

func TestOtherGoroutinesEndingDoNotHide(t *testing.T) {
	// Goroutines started before the snapshot and ending after it must not
	// offset a new one, as they did with a count.
	old := make(chan struct{})
	for range 5 {
		go parked(old)
	}
	before := Take()
	close(old)
	release := make(chan struct{})
	defer close(release)
	go parked(release)
	if left := before.Leaked(20 * time.Millisecond); len(left) != 1 {
		t.Fatalf("leaked = %d goroutines, want the one started after the snapshot:\n%s", len(left), Format(left))
	}
}

func TestParseID(t *testing.T) {
	for in, want := range map[string]uint64{"goroutine 12 [running]:\nmain.main()": 12, "goroutine 1 [chan receive, 2 minutes]:": 1} {
		if got, ok := parseID([]byte(in)); !ok || got != want {
			t.Errorf("parseID(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "goroutine x [running]:", "goroutine 12", "created by x"} {
		if _, ok := parseID([]byte(in)); ok {
			t.Errorf("parseID(%q) ok", in)
		}
	}
}
