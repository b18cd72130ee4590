package fakeid_test

import (
	"regexp"
	"testing"

	"github.com/llmvcr/llmvcr/internal/fakeid"
)

// The ids have the shapes of Groq's, and the same parts give the same ids.
func TestShapes(t *testing.T) {
	g := fakeid.New("llama-3.3-70b-versatile", "The capital of France is Paris.")
	tests := []struct {
		name, got, pattern string
	}{
		{"completion", g.CompletionID(), `^chatcmpl-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
		{"request", g.RequestID(), `^req_01[0-9a-hjkmnp-tv-z]{24}$`},
		{"fingerprint", g.Fingerprint(), `^fp_[0-9a-f]{10}$`},
		{"llama tool call", g.ToolCallID("llama-3.3-70b-versatile", 0), `^[0-9a-hjkmnp-tv-z]{9}$`},
		{"gpt-oss tool call", g.ToolCallID("openai/gpt-oss-120b", 1), `^fc_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
	}
	for _, tt := range tests {
		if !regexp.MustCompile(tt.pattern).MatchString(tt.got) {
			t.Errorf("%s id %q does not match %s", tt.name, tt.got, tt.pattern)
		}
	}
	again := fakeid.New("llama-3.3-70b-versatile", "The capital of France is Paris.")
	if again.CompletionID() != g.CompletionID() || again.Seed() != g.Seed() {
		t.Error("the same parts gave other ids")
	}
	if other := fakeid.New("llama-3.3-70b-versatile", "The capital of Germany is Berlin."); other.RequestID() == g.RequestID() {
		t.Error("other parts gave the same request id")
	}
	if s := g.Seed(); s < 0 || s > 1<<31-1 {
		t.Errorf("seed %d is not a positive 31-bit number", s)
	}
	for n := 1; n < 50; n++ {
		if v := g.Number("x", n); v < 0 || v >= n {
			t.Fatalf("Number(x, %d) = %d", n, v)
		}
	}
	if g.Number("x", 0) != 0 {
		t.Error("Number with n 0 is not 0")
	}
}
