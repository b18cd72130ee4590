package retry

import (
	"errors"
	"fmt"
	"testing"
)

type never struct{}

func (never) Error() string   { return "never" }
func (never) Retryable() bool { return false }

func TestAllowed(t *testing.T) {
	if !Allowed(errors.New("plain")) {
		t.Error("a plain error must allow a retry")
	}
	if Allowed(fmt.Errorf("wrapped: %w", never{})) {
		t.Error("a wrapped Retryable() false must forbid a retry")
	}
}
