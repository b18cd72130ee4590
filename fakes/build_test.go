package fakes_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/internal/groqwire"
)

var (
	reCompletionID = regexp.MustCompile(`^chatcmpl-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	reRequestID    = regexp.MustCompile(`^req_01[0-9a-hjkmnp-tv-z]{24}$`)
	reFingerprint  = regexp.MustCompile(`^fp_[0-9a-f]{10}$`)
	reGPTOSSCallID = regexp.MustCompile(`^fc_[0-9a-f-]{36}$`)
	reLlamaCallID  = regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{9}$`)
)

// keyPaths returns the set of key paths of a JSON value ("choices[].delta.role").
func keyPaths(t *testing.T, raw []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	set := map[string]bool{}
	var walk func(v any, prefix string)
	walk = func(v any, prefix string) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				set[p] = true
				walk(c, p)
			}
		case []any:
			for _, c := range x {
				walk(c, prefix+"[]")
			}
		}
	}
	walk(v, "")
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sseData returns the data payloads of an SSE body, in order.
func sseData(t *testing.T, body []byte) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			out = append(out, d)
		}
	}
	return out
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCompletionShapesMatchRealGroq(t *testing.T) {
	tests := []struct {
		name string
		real string
		got  *groqwire.ChatCompletion
		skip []string // paths only one side has
	}{
		{
			name: "text",
			real: "testdata/real/completion_text.json",
			got:  fakes.TextCompletion("The capital of France is Paris.", fakes.Model("llama-3.3-70b-versatile"), fakes.ServiceTier("on_demand")),
			// The 2025 recording has usage_breakdown {models: null}, no seed
			// and no service_tier; 2026 recordings have them.
			skip: []string{"usage_breakdown.models", "x_groq.seed", "service_tier"},
		},
		{
			name: "tool call with reasoning",
			real: "testdata/real/completion_tool_call.json",
			got: fakes.ToolCallCompletion([]fakes.Call{{Name: "get_something_by_name", Args: `{"name":"test"}`}},
				fakes.Model("openai/gpt-oss-120b"), fakes.Reasoning("We need to call with correct param.")),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := json.Marshal(tt.got)
			if err != nil {
				t.Fatal(err)
			}
			want := without(keyPaths(t, readFile(t, tt.real)), tt.skip)
			got := without(keyPaths(t, raw), tt.skip)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("key paths differ from the recording (-real +fake):\n%s", diff)
			}
			var back groqwire.ChatCompletion
			if err := json.Unmarshal(raw, &back); err != nil {
				t.Fatalf("decode with groqwire.ChatCompletion: %v", err)
			}
			if len(back.Extra) != 0 {
				t.Errorf("fields groqwire.ChatCompletion does not know: %v", back.Extra)
			}
			if !reCompletionID.MatchString(back.ID) || !reRequestID.MatchString(back.XGroq.ID) || !reFingerprint.MatchString(back.SystemFingerprint) {
				t.Errorf("ids not in Groq's shape: %q %q %q", back.ID, back.XGroq.ID, back.SystemFingerprint)
			}
		})
	}
}

func without(paths, skip []string) []string {
	return slices.DeleteFunc(paths, func(p string) bool {
		for _, s := range skip {
			if p == s || strings.HasPrefix(p, s+".") || strings.HasPrefix(p, s+"[") {
				return true
			}
		}
		return false
	})
}

func TestStreamShapesMatchRealGroq(t *testing.T) {
	tests := []struct {
		name string
		real string
		got  []*groqwire.ChatCompletionChunk
	}{
		{"reasoning then text", "testdata/real/stream_text.sse",
			fakes.ReasoningStream("The user asks.", "The tool returned the expected result.", fakes.Model("openai/gpt-oss-120b"))},
		{"reasoning then tool call", "testdata/real/stream_tool_call.sse",
			fakes.NewChunks(fakes.Model("openai/gpt-oss-120b")).Reasoning("We", " need").
				ToolCall(fakes.Call{Name: "get_something_by_name", Args: `{"name":"example"}`}).Chunks()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			real := sseData(t, readFile(t, tt.real))
			if real[len(real)-1] != "[DONE]" {
				t.Fatalf("recording does not end with [DONE]")
			}
			real = real[:len(real)-1]
			raw := make([][]byte, len(tt.got))
			for i, c := range tt.got {
				b, err := json.Marshal(c)
				if err != nil {
					t.Fatal(err)
				}
				raw[i] = b
			}
			// First and last chunks exactly; each middle chunk like some
			// middle chunk of the recording.
			for _, pos := range []struct {
				name      string
				real, got []byte
			}{
				{"first", []byte(real[0]), raw[0]},
				{"last", []byte(real[len(real)-1]), raw[len(raw)-1]},
			} {
				if diff := cmp.Diff(keyPaths(t, pos.real), keyPaths(t, pos.got)); diff != "" {
					t.Errorf("%s chunk key paths differ (-real +fake):\n%s", pos.name, diff)
				}
			}
			realMiddle := map[string]bool{}
			for _, r := range real[1 : len(real)-1] {
				realMiddle[strings.Join(keyPaths(t, []byte(r)), " ")] = true
			}
			for i, g := range raw[1 : len(raw)-1] {
				if k := strings.Join(keyPaths(t, g), " "); !realMiddle[k] {
					t.Errorf("chunk %d has a shape the recording never has: %s", i+1, k)
				}
			}
			for i, b := range raw {
				var c groqwire.ChatCompletionChunk
				if err := json.Unmarshal(b, &c); err != nil {
					t.Fatalf("chunk %d: decode with groqwire.ChatCompletionChunk: %v", i, err)
				}
			}
		})
	}
}

func TestChunkBuilder(t *testing.T) {
	chunks := fakes.NewChunks(fakes.Model("llama-3.3-70b-versatile"), fakes.Usage(100, 20)).
		Text("Let me check.").
		ToolCall(fakes.Call{Name: "get_weather"}, `{"city":`, `"Paris"}`).
		Chunks()
	if len(chunks) != 5 {
		t.Fatalf("got %d chunks, want 5 (first, text, two fragments, last)", len(chunks))
	}
	first := chunks[0].Choices[0].Delta
	if first.Role != "assistant" || first.Content == nil || *first.Content != "" || chunks[0].XGroq == nil || chunks[0].XGroq.Seed == nil {
		t.Errorf("first chunk = %+v, want role assistant, content \"\" and x_groq {id, seed}", chunks[0])
	}
	frag1, frag2 := chunks[2].Choices[0].Delta.ToolCalls[0], chunks[3].Choices[0].Delta.ToolCalls[0]
	if !reLlamaCallID.MatchString(frag1.ID) || frag1.Function.Name != "get_weather" || frag1.Function.Arguments != `{"city":` || *frag1.Index != 0 {
		t.Errorf("first fragment = %+v", frag1)
	}
	if frag2.ID != "" || frag2.Function.Name != "" || frag2.Function.Arguments != `"Paris"}` || *frag2.Index != 0 {
		t.Errorf("second fragment = %+v, want arguments only", frag2)
	}
	last := chunks[4]
	if got := *last.Choices[0].FinishReason; got != "tool_calls" {
		t.Errorf("finish_reason = %q, want tool_calls", got)
	}
	u := last.XGroq.Usage
	if u == nil || u.PromptTokens != 100 || u.CompletionTokens != 20 || u.TotalTokens != 120 || u.TotalTime <= 0 ||
		u.TotalTime != u.PromptTime+u.CompletionTime && abs(u.TotalTime-u.PromptTime-u.CompletionTime) > 1e-9 {
		t.Errorf("x_groq.usage = %+v", u)
	}
	if last.Usage == nil || !cmp.Equal(*last.Usage, *u) {
		t.Errorf("top-level usage %+v differs from x_groq.usage %+v", last.Usage, u)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestBuildersAreDeterministic(t *testing.T) {
	a, _ := json.Marshal(fakes.TextStream("Hello there, world"))
	b, _ := json.Marshal(fakes.TextStream("Hello there, world"))
	c, _ := json.Marshal(fakes.TextStream("Hello there, moon"))
	if !bytes.Equal(a, b) {
		t.Error("same text gave different chunks")
	}
	if bytes.Equal(a, c) {
		t.Error("different text gave the same chunks")
	}
}

func TestToolCallIDsFollowTheModel(t *testing.T) {
	calls := []fakes.Call{{Name: "f", Args: `{}`}, {Name: "g"}}
	oss := fakes.ToolCallCompletion(calls, fakes.Model("openai/gpt-oss-120b")).Choices[0].Message.ToolCalls
	llama := fakes.ToolCallCompletion(calls, fakes.Model("meta-llama/llama-4-scout-17b-16e-instruct")).Choices[0].Message.ToolCalls
	for i := range calls {
		if !reGPTOSSCallID.MatchString(oss[i].ID) {
			t.Errorf("gpt-oss call id %q, want fc_<uuid>", oss[i].ID)
		}
		if !reLlamaCallID.MatchString(llama[i].ID) {
			t.Errorf("llama call id %q, want 9 base32 characters", llama[i].ID)
		}
	}
	if oss[0].ID == oss[1].ID {
		t.Error("two calls share an id")
	}
	if llama[1].Function.Arguments != "{}" {
		t.Errorf("empty args = %q, want {}", llama[1].Function.Arguments)
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"sentence", "The capital of France", []string{"The", " capital", " of", " France"}},
		{"leading space", " hi there", []string{" hi", " there"}},
		{"newlines kept", "a\n\nb", []string{"a", "\n\nb"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fakes.Words(tt.text)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Words(%q) (-want +got):\n%s", tt.text, diff)
			}
			if strings.Join(got, "") != tt.text {
				t.Errorf("pieces do not join back to the text")
			}
		})
	}
}

func TestErrorBuildersMatchRealBodies(t *testing.T) {
	tests := []struct {
		name   string
		real   string
		status int
		body   groqwire.ErrorResponse
	}{
		{"tool_use_failed", "testdata/real/error_tool_use_failed.json", 400, second(fakes.ToolUseFailedError(`{"name": "f", "arguments": {}}`))},
		{"model_not_found", "testdata/real/error_model_not_found.json", 404, second(fakes.ModelNotFoundError("non-existent"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, _ := json.Marshal(tt.body)
			if diff := cmp.Diff(keyPaths(t, readFile(t, tt.real)), keyPaths(t, raw)); diff != "" {
				t.Errorf("key paths (-real +fake):\n%s", diff)
			}
		})
	}
	if _, body, _ := fakes.ModelNotFoundError("non-existent"); body.Error.Message != "The model `non-existent` does not exist or you do not have access to it." {
		t.Errorf("message = %q, want the recorded one", body.Error.Message)
	}
}

func second[A, B, C any](_ A, b B, _ C) B { return b }

func TestStreamUsageShapes(t *testing.T) {
	both := fakes.TextStream("hi")
	xgroq := fakes.TextStream("hi", fakes.UsageXGroqOnly())
	extra := fakes.TextStream("hi", fakes.UsageExtraChunk())
	if last := both[len(both)-1]; last.Usage == nil || last.XGroq.Usage == nil {
		t.Errorf("UsageBoth: last chunk %+v", last)
	}
	if last := xgroq[len(xgroq)-1]; last.Usage != nil || last.XGroq.Usage == nil {
		t.Errorf("UsageXGroqOnly: last chunk %+v", last)
	}
	if len(extra) != len(both)+1 {
		t.Fatalf("UsageExtraChunk: %d chunks, want %d", len(extra), len(both)+1)
	}
	if u := extra[len(extra)-1]; len(u.Choices) != 0 || u.Usage == nil || u.XGroq != nil {
		t.Errorf("usage chunk = %+v", u)
	}
	raw, _ := json.Marshal(extra[len(extra)-1])
	if !strings.Contains(string(raw), `"choices":[]`) {
		t.Errorf("usage chunk %s does not send empty choices", raw)
	}
}

// A stream can carry its usage where Groq carried it before 2026.
func TestUsageXGroqOnlyShape(t *testing.T) {
	chunks := fakes.TextStream("Paris.", fakes.Usage(48, 2), fakes.UsageXGroqOnly())
	last := chunks[len(chunks)-1]
	if last.Usage != nil || last.XGroq.Usage.PromptTokens != 48 || last.XGroq.Usage.CompletionTokens != 2 {
		t.Errorf("top-level usage %v, x_groq usage %+v; want only x_groq's, 48 and 2", last.Usage, last.XGroq.Usage)
	}
}
