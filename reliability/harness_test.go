package reliability

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/internal/leakcheck"
	"github.com/llmvcr/llmvcr/llm"
)

// TestHarnessSeesFailures checks that the checks the other tests rely on
// can fail: a leaked goroutine, a hung call and a panic are each noticed,
// and an untyped error is named as one.
func TestHarnessSeesFailures(t *testing.T) {
	t.Run("leak", func(t *testing.T) {
		// The check playFaults makes: goroutines started after a snapshot
		// and still running. They are told apart by identity, so goroutines
		// of earlier tests ending meanwhile cannot hide or fake one.
		before := leakcheck.Take()
		started, release := make(chan struct{}), make(chan struct{})
		go parkedProbe(started, release)
		<-started
		left := before.Leaked(20 * time.Millisecond) // blocked: found whatever the wait
		if len(leakcheck.Matching(left, "reliability.parkedProbe")) != 1 {
			t.Errorf("a blocked goroutine went unnoticed:\n%s", leakcheck.Format(left))
		}
		close(release)
		if left := before.Leaked(settleLimit); len(left) > 0 {
			t.Errorf("a goroutine that ended is still reported:\n%s", leakcheck.Format(left))
		}
	})
	t.Run("hang", func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		if o := guard(20*time.Millisecond, func() error { <-release; return nil }); !o.hung {
			t.Errorf("a blocked call went unnoticed: %+v", o)
		}
	})
	t.Run("panic", func(t *testing.T) {
		if o := guard(watchdog, func() error { panic("boom") }); o.panicked != "boom" {
			t.Errorf("a panic went unnoticed: %+v", o)
		}
	})
	t.Run("kinds", func(t *testing.T) {
		tests := []struct {
			name string
			err  error
			want string
		}{
			{name: "nil", err: nil, want: kindOK},
			{name: "http", err: fmt.Errorf("wrapped: %w", &llm.ModelHTTPError{StatusCode: 500}), want: kindHTTP},
			{name: "api", err: &llm.ModelAPIError{Message: "x"}, want: kindAPI},
			{name: "unexpected", err: &llm.UnexpectedModelBehavior{Message: "x"}, want: kindUnexpected},
			{name: "stream", err: &groq.StreamError{Message: "x"}, want: kindStream},
			{name: "untyped", err: errors.New("x"), want: "untyped *errors.errorString"},
		}
		for _, tt := range tests {
			if got := kindOf(tt.err); got != tt.want {
				t.Errorf("%s: kindOf = %q, want %q", tt.name, got, tt.want)
			}
			if tt.want != "untyped *errors.errorString" && !asKind(tt.err, tt.want) {
				t.Errorf("%s: errors.As does not find %s", tt.name, tt.want)
			}
		}
	})
}

// parkedProbe closes started, then blocks until release is closed: the
// leak the harness test looks for by name.
func parkedProbe(started chan<- struct{}, release <-chan struct{}) {
	close(started)
	<-release
}
