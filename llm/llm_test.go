package llm_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/llm"
)

func TestModelHTTPErrorMessage(t *testing.T) {
	err := error(&llm.ModelHTTPError{StatusCode: 500, ModelName: "llama-3.3-70b-versatile", Body: []byte(`{"error":"test error"}`)})
	want := `status_code: 500, model_name: llama-3.3-70b-versatile, body: {"error":"test error"}`
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	var he *llm.ModelHTTPError
	if !errors.As(fmt.Errorf("wrapped: %w", err), &he) || he.StatusCode != 500 {
		t.Error("errors.As does not find *ModelHTTPError")
	}
	long := &llm.ModelHTTPError{StatusCode: 400, Body: make([]byte, 5000)}
	if n := len(long.Error()); n > 2100 {
		t.Errorf("long body not cut: %d bytes", n)
	}
}

func TestModelAPIErrorTimeout(t *testing.T) {
	err := &llm.ModelAPIError{ModelName: "m", Message: "timed out", Err: fmt.Errorf("post: %w", errTimeout{})}
	if !err.Timeout() {
		t.Error("Timeout() = false for a timeout cause")
	}
	if (&llm.ModelAPIError{Err: errors.New("refused")}).Timeout() {
		t.Error("Timeout() = true for a refused connection")
	}
}

type errTimeout struct{}

func (errTimeout) Error() string { return "i/o timeout" }
func (errTimeout) Timeout() bool { return true }

func TestUsageAdd(t *testing.T) {
	u := llm.Usage{Requests: 1, InputTokens: 2, OutputTokens: 1, Details: map[string]int{"reasoning_tokens": 3}}
	u.Add(llm.Usage{Requests: 1, InputTokens: 3, OutputTokens: 2, Details: map[string]int{"reasoning_tokens": 1, "x": 1},
		Timings: llm.Timings{Total: time.Second}})
	want := llm.Usage{Requests: 2, InputTokens: 5, OutputTokens: 3, Details: map[string]int{"reasoning_tokens": 4, "x": 1},
		Timings: llm.Timings{Total: time.Second}}
	if diff := cmp.Diff(want, u); diff != "" {
		t.Errorf("Add mismatch (-want +got):\n%s", diff)
	}
	if u.TotalTokens() != 8 || u.IsZero() || !(llm.Usage{}).IsZero() {
		t.Errorf("TotalTokens/IsZero wrong: %d", u.TotalTokens())
	}
}

func TestResponseHelpers(t *testing.T) {
	r := llm.NewResponse(llm.Thought("hmm"), llm.Reply("a"), llm.ToolCall("f", "", "1"), llm.Reply("b"))
	if r.Text() != "ab" {
		t.Errorf("Text() = %q", r.Text())
	}
	calls := r.ToolCalls()
	if len(calls) != 1 || calls[0].ArgsJSON() != "{}" {
		t.Errorf("ToolCalls() = %v", calls)
	}
}
