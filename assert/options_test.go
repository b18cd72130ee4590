package assert_test

import (
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/llm"
)

func TestBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  assert.Option
		want string
	}{
		{"unknown type", "seed", "unknown option of type string: want an assert option or a cmp.Option"},
		{"field name", assert.IgnoreFields("Usage.Timings.Queue"), `IgnoreFields: bad field name "Usage.Timings.Queue": want Field or Type.Field`},
		{"empty field", assert.IgnoreFields("Usage."), `IgnoreFields: bad field name "Usage."`},
		{"empty pattern", assert.IgnorePaths(""), `IgnorePaths: bad path "" at byte 0: empty path`},
		{"leading dot", assert.IgnorePaths(".seed"), `IgnorePaths: bad path ".seed" at byte 0: starts with a dot`},
		{"double dot", assert.IgnorePaths("a..b"), `IgnorePaths: bad path "a..b" at byte 2: empty key`},
		{"bad index", assert.IgnorePaths("a[-1]"), `IgnorePaths: bad path "a[-1]" at byte 2: an index must be a number, * or a quoted key`},
		{"text after index", assert.IgnorePaths("a[0]b"), `IgnorePaths: bad path "a[0]b" at byte 4: want '.' or '[' after ']'`},
		{"bad At path", assert.At("Parts[", assert.AnyString()), `At: bad path "Parts[" at byte 6: an index must be`},
		{"nil matcher", assert.At("Parts", nil), `At("Parts"): nil Matcher`},
		{"negative tolerance", assert.EquateApproxTimings(-time.Second), "EquateApproxTimings: negative tolerance -1s"},
		{"nil clock", assert.WithClock(nil), "WithClock: nil clock"},
		{"nested", []assert.Option{assert.ExactArgs(), []assert.Option{3.5}}, "unknown option of type float64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range []func(tb testing.TB) bool{
				func(tb testing.TB) bool { return assert.Usage(tb, llm.Usage{}, llm.Usage{}, tt.opt) },
				func(tb testing.TB) bool { return assert.RequestJSON(tb, `{}`, `{}`, tt.opt) },
				func(tb testing.TB) bool { return assert.Events(tb, nil, nil, tt.opt) },
			} {
				r, ok := record(t.Name(), f)
				expectFail(t, r, ok, true, tt.want)
			}
		})
	}
}

func TestOptionsCompose(t *testing.T) {
	// One slice of options serves several assertions; go-cmp options mix in.
	opts := []assert.Option{
		assert.IgnoreFields("ToolCallID"),
		assert.EquateApproxTimings(time.Millisecond),
		cmp.Options{cmpopts.EquateApprox(0, 0.01)},
		nil,
	}
	want, got := weatherResponse(), weatherResponse()
	got.Parts[1].(*llm.ToolCallPart).ToolCallID = "call_other"
	got.Usage.Timings.Total += 300 * time.Microsecond
	r, ok := record("compose", func(tb testing.TB) bool { return assert.Response(tb, want, got, opts...) })
	expectPass(t, r, ok)
	r, ok = record("compose", func(tb testing.TB) bool { return assert.Response(tb, want, got, opts) }) // as one option
	expectPass(t, r, ok)
	r, ok = record("compose", func(tb testing.TB) bool { return assert.Usage(tb, want.Usage, got.Usage, opts...) })
	expectPass(t, r, ok)
	r, ok = record("compose", func(tb testing.TB) bool {
		return assert.RequestJSON(tb, `{"temperature": 0.7}`, `{"temperature": 0.705}`, opts...)
	})
	expectPass(t, r, ok)
	r, ok = record("compose", func(tb testing.TB) bool {
		return assert.RequestJSON(tb, `{"temperature": 0.7}`, `{"temperature": 0.8}`, opts...)
	})
	expectFail(t, r, ok, false, "temperature: want 0.7, got 0.8")
}

func TestConflictingCmpOption(t *testing.T) {
	// A go-cmp option that clashes with the JSON comparison of tool-call
	// arguments is reported, not a panic.
	clash := cmp.Comparer(func(x, y string) bool { return x == y })
	r, ok := record("clash", func(tb testing.TB) bool {
		return assert.Parts(tb, []llm.ResponsePart{llm.ToolCall("f", `{"a":1}`, "")}, []llm.ResponsePart{llm.ToolCall("f", `{"a": 1}`, "")}, clash)
	})
	expectFail(t, r, ok, false, "assert.Parts: cannot compare: ", "ambiguous set of applicable options")
}

func TestUpdateFlagDefined(t *testing.T) {
	if flag.Lookup("update") == nil {
		t.Fatal("package assert did not define -update in a test binary")
	}
}

func TestMatchersInStructs(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	clock := assert.WithClock(func() time.Time { return now })
	recent := func(d time.Duration) assert.Option { return assert.At("ProviderTimestamp", assert.Recent(d)) }
	tests := []struct {
		name  string
		want  *llm.Response
		got   *llm.Response
		opts  []assert.Option
		fails []string
	}{
		{
			name: "recent within",
			want: &llm.Response{},
			got:  &llm.Response{ProviderTimestamp: now.Add(-59 * time.Second)},
			opts: []assert.Option{clock, recent(time.Minute)},
		},
		{
			name: "recent in the future within",
			want: &llm.Response{},
			got:  &llm.Response{ProviderTimestamp: now.Add(30 * time.Second)},
			opts: []assert.Option{clock, recent(time.Minute)},
		},
		{
			name:  "recent too old",
			want:  &llm.Response{},
			got:   &llm.Response{ProviderTimestamp: now.Add(-61 * time.Second)},
			opts:  []assert.Option{clock, recent(time.Minute)},
			fails: []string{"ProviderTimestamp: want a time within 1m0s of now, got 2026-11-25T08:58:59Z (1m1s before now)"},
		},
		{
			name:  "recent zero time",
			want:  &llm.Response{},
			got:   &llm.Response{},
			opts:  []assert.Option{clock, recent(time.Hour)},
			fails: []string{"ProviderTimestamp: want a time within 1h0m0s of now, got 0001-01-01T00:00:00Z"},
		},
		{
			name:  "recent local timestamp checked though ignored by default",
			want:  &llm.Response{},
			got:   &llm.Response{Timestamp: now.Add(-time.Hour)},
			opts:  []assert.Option{clock, assert.At("Timestamp", assert.Recent(time.Second))},
			fails: []string{"Timestamp: want a time within 1s of now, got 2026-11-25T08:00:00Z"},
		},
		{
			name: "json equal args",
			want: &llm.Response{Parts: []llm.ResponsePart{llm.ToolCall("f", "", "")}},
			got:  &llm.Response{Parts: []llm.ResponsePart{llm.ToolCall("f", `{"a":[1,2.0]}`, "")}},
			opts: []assert.Option{assert.At("Parts[0].Args", assert.JSONEqual(`{"a": [1, 2]}`))},
		},
		{
			name:  "json equal args differ",
			want:  &llm.Response{Parts: []llm.ResponsePart{llm.ToolCall("f", "", "")}},
			got:   &llm.Response{Parts: []llm.ResponsePart{llm.ToolCall("f", `{"a":[2,1]}`, "")}},
			opts:  []assert.Option{assert.At("Parts[0].Args", assert.JSONEqual(`{"a": [1, 2]}`))},
			fails: []string{`Parts[0].Args: want JSON equal to {"a":[1,2]}, got "{\"a\":[2,1]}" (a[0]: want 1, got 2; a[1]: want 2, got 1)`},
		},
		{
			name: "json equal with nested matcher",
			want: &llm.Response{Parts: []llm.ResponsePart{&llm.BuiltinToolReturnPart{Content: assert.JSONEqual(map[string]any{"id": assert.AnyString(), "n": 1})}}},
			got:  &llm.Response{Parts: []llm.ResponsePart{&llm.BuiltinToolReturnPart{Content: map[string]any{"id": "x1", "n": 1}}}},
		},
		{
			name:  "json equal with nested matcher fails inside",
			want:  &llm.Response{Parts: []llm.ResponsePart{&llm.BuiltinToolReturnPart{Content: assert.JSONEqual(map[string]any{"id": assert.AnyString(), "n": 1})}}},
			got:   &llm.Response{Parts: []llm.ResponsePart{&llm.BuiltinToolReturnPart{Content: map[string]any{"id": 7, "n": 1}}}},
			fails: []string{`Parts[0].Content: want JSON equal to {"id":"assert.AnyString()","n":1}, got {"id":7,"n":1} (id: want any string, got 7)`},
		},
		{
			name:  "invalid json equal",
			want:  &llm.Response{},
			got:   &llm.Response{ModelName: `{`},
			opts:  []assert.Option{assert.At("ModelName", assert.JSONEqual(`{`))},
			fails: []string{`ModelName: want assert.JSONEqual({), which can never match: invalid JSON: unexpected EOF, got "{"`},
		},
		{
			name:  "invalid regexp",
			want:  &llm.Response{},
			got:   &llm.Response{ModelName: "x"},
			opts:  []assert.Option{assert.At("ModelName", assert.Matches(`(`))},
			fails: []string{"ModelName: want assert.Matches(\"(\"), which can never match: invalid regexp: error parsing regexp: missing closing ): `(`, got \"x\""},
		},
		{
			name:  "any string does not match a map",
			want:  &llm.Response{ProviderDetails: map[string]any{"k": assert.AnyString()}},
			got:   &llm.Response{ProviderDetails: map[string]any{"k": map[string]any{}}},
			fails: []string{`ProviderDetails.k: want any string, got {}`},
		},
		{
			name:  "non-empty on empty list",
			want:  &llm.Response{ProviderDetails: map[string]any{"k": assert.NonEmpty()}},
			got:   &llm.Response{ProviderDetails: map[string]any{"k": []any{}}},
			fails: []string{`ProviderDetails.k: want any non-empty list, got []`},
		},
		{
			name:  "non-empty on a missing key",
			want:  &llm.Response{ProviderDetails: map[string]any{"k": assert.NonEmpty()}},
			got:   &llm.Response{ProviderDetails: map[string]any{}},
			fails: []string{`ProviderDetails.k: missing, want any non-empty value`},
		},
		{
			name:  "matches on a number",
			want:  &llm.Response{ProviderDetails: map[string]any{"k": assert.Matches(`^1`)}},
			got:   &llm.Response{ProviderDetails: map[string]any{"k": 12}},
			fails: []string{`ProviderDetails.k: want a string matching "^1", got 12 (not a string)`},
		},
		{
			name: "exact args and a matcher by path",
			want: &llm.Response{Parts: []llm.ResponsePart{llm.ToolCall("f", "", "")}},
			got:  &llm.Response{Parts: []llm.ResponsePart{llm.ToolCall("f", `{}`, "")}},
			opts: []assert.Option{assert.ExactArgs(), assert.At("Parts[0].Args", assert.AnyString())},
		},
		{
			name:  "a matcher inside a value shown whole",
			want:  &llm.Response{ProviderDetails: map[string]any{"k": assert.NonEmpty()}},
			got:   &llm.Response{ProviderDetails: map[string]any{"j": 1}},
			fails: []string{`ProviderDetails.k: missing, want any non-empty value`, `ProviderDetails.j: unexpected, got 1`},
		},
		{
			name:  "a matcher inside a value rendered whole",
			want:  &llm.Response{ProviderDetails: map[string]any{"k": assert.NonEmpty()}},
			got:   &llm.Response{Parts: []llm.ResponsePart{&llm.BuiltinToolReturnPart{Content: map[string]any{"k": assert.NonEmpty()}}}},
			fails: []string{`ProviderDetails: want {"k":"assert.NonEmpty()"}, got null`, `Parts: want null, got [{"content":{"k":"assert.NonEmpty()"}`},
		},
		{
			// (go-cmp may pair the matcher with got's 1, as a matcher
			// pairs with anything, and report the 1 of want as missing.)
			name:  "a matcher in a list that got lacks",
			want:  &llm.Response{Parts: []llm.ResponsePart{&llm.BuiltinToolReturnPart{Content: []any{1, assert.NonEmpty()}}}},
			got:   &llm.Response{Parts: []llm.ResponsePart{&llm.BuiltinToolReturnPart{Content: []any{1}}}},
			fails: []string{`Parts[0].Content[`, `: missing, want `},
		},
		{
			name:  "an ignored path wins over a matcher",
			want:  &llm.Response{ProviderDetails: map[string]any{"k": assert.NonEmpty()}},
			got:   &llm.Response{ProviderDetails: map[string]any{"k": ""}},
			opts:  []assert.Option{assert.IgnorePaths("ProviderDetails.k")},
			fails: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := record(t.Name(), func(tb testing.TB) bool { return assert.Response(tb, tt.want, tt.got, tt.opts...) })
			if tt.fails == nil {
				expectPass(t, r, ok)
				return
			}
			expectFail(t, r, ok, false, tt.fails...)
		})
	}
}

func FuzzIgnorePaths(f *testing.F) {
	for _, s := range []string{"seed", "messages[*].tool_calls[*].id", "**.id", `a["b.c"][0]`, "a[", "*.*", "[*]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		// A bad pattern is a Fatalf; a good one compares. Never a panic.
		r, ok := record("fuzz", func(tb testing.TB) bool {
			return assert.RequestJSON(tb, `{"a":{"b.c":[1]},"messages":[{"id":1}]}`, `{"a":{"b.c":[2]},"messages":[{"id":2}]}`,
				assert.IgnorePaths(pattern))
		})
		if !ok && !r.Failed() {
			t.Fatalf("returned false without reporting")
		}
		// The same pattern as the path of a matcher: a bad one stops the
		// test, a good one checks the values it matches or reports that it
		// matched none. Never a panic.
		r, ok = record("fuzz", func(tb testing.TB) bool {
			return assert.RequestJSON(tb, `{"a":{"b.c":[1]},"messages":[{"id":1}]}`, `{"a":{"b.c":[2]},"messages":[{"id":2}]}`,
				assert.At(pattern, assert.NonEmpty()))
		})
		if !ok && !r.Failed() {
			t.Fatalf("returned false without reporting")
		}
	})
}

func TestIgnoreExtraKeys(t *testing.T) {
	got := `{"model":"m","tool_choice":"required","messages":[{"role":"user","content":"hi","name":"ann"}]}`
	tests := []struct {
		name  string
		want  string
		fails []string
	}{
		{name: "subset", want: `{"tool_choice":"required","messages":[{"role":"user"}]}`},
		{name: "value differs", want: `{"tool_choice":"auto"}`, fails: []string{`tool_choice: want "auto", got "required"`}},
		{name: "missing key still fails", want: `{"seed":1}`, fails: []string{`seed: missing, want 1`}},
		{name: "extra element still fails", want: `{"messages":[]}`, fails: []string{`messages[0]: unexpected, got {"content":"hi","name":"ann","role":"user"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := record(t.Name(), func(tb testing.TB) bool {
				return assert.RequestJSON(tb, tt.want, got, assert.IgnoreExtraKeys())
			})
			if tt.fails == nil {
				expectPass(t, r, ok)
				return
			}
			expectFail(t, r, ok, false, tt.fails...)
		})
	}
	r, ok := record("strict", func(tb testing.TB) bool { return assert.RequestJSON(tb, tests[0].want, got) })
	expectFail(t, r, ok, false, `model: unexpected, got "m"`, `messages[0].content: unexpected, got "hi"`)
}

// TestSharedOptionsInParallel: one slice of options and matchers serves
// parallel assertions; each assertion keeps its own record of which paths
// matched (go test -race checks the sharing).
func TestSharedOptionsInParallel(t *testing.T) {
	opts := []assert.Option{
		assert.At("ProviderResponseID", assert.Matches(`^chatcmpl-`)),
		assert.IgnorePaths("Usage"),
	}
	want := weatherResponse()
	want.ProviderDetails = map[string]any{"x_groq_id": assert.NonEmpty()}
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			got := weatherResponse()
			if i%2 == 1 {
				got.ProviderResponseID = "resp_1"
			}
			r, ok := record(t.Name(), func(tb testing.TB) bool { return assert.Response(tb, want, got, opts...) })
			if i%2 == 0 {
				expectPass(t, r, ok)
			} else {
				expectFail(t, r, ok, false, `ProviderResponseID: want a string matching "^chatcmpl-", got "resp_1"`)
			}
		})
	}
}
