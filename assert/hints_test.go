package assert_test

import (
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/llm"
)

// TestHints: a failure points at the next step when the differences
// suggest one, and says nothing when they do not.
func TestHints(t *testing.T) {
	body := `{"model":"m","n":1,"stream":false,"messages":[{"role":"user","content":"hi"}]}`
	tests := []struct {
		name   string
		assert func(tb testing.TB) bool
		hints  []string // each must appear
		none   []string // none may appear
	}{
		{
			name: "keys want does not list",
			assert: func(tb testing.TB) bool {
				return assert.RequestJSON(tb, `{"model":"m","messages":[{"role":"user","content":"hello"}]}`, body)
			},
			hints: []string{
				`n: unexpected, got 1`,
				`hint: want lists no n, stream: pass assert.IgnoreExtraKeys() to check only the keys want lists, or assert.IgnorePaths("n", "stream") to leave these out`,
			},
		},
		{
			name: "many keys want does not list",
			assert: func(tb testing.TB) bool {
				return assert.RequestJSON(tb, `{}`, `{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1,"h":1,"i":1,"j":1}`)
			},
			hints: []string{`hint: want lists no a, b, c, d, e, f, g, h (and 2 more): pass assert.IgnoreExtraKeys()`},
		},
		{
			name: "no extra keys hint once IgnoreExtraKeys is given",
			assert: func(tb testing.TB) bool {
				return assert.RequestJSON(tb, `{"model":"x"}`, body, assert.IgnoreExtraKeys())
			},
			none: []string{"hint:"},
		},
		{
			name: "an extra list element is not an extra key",
			assert: func(tb testing.TB) bool {
				return assert.RequestJSON(tb, `{"model":"m","n":1,"stream":false,"messages":[]}`, body)
			},
			hints: []string{`messages[0]: unexpected`},
			none:  []string{"IgnoreExtraKeys"},
		},
		{
			name: "an ignored path that matched nothing",
			assert: func(tb testing.TB) bool {
				return assert.RequestJSON(tb, `{"model":"m","n":2,"stream":false,"messages":[{"role":"user","content":"hi"}]}`, body,
					assert.IgnorePaths("Messages[*].Content", "seed", "messages[*].content"))
			},
			hints: []string{
				`hint: IgnorePaths("Messages[*].Content") matched no path (did you mean "messages[0].content"?)`,
				`hint: IgnorePaths("seed") matched no path`,
			},
			none: []string{`IgnorePaths("messages[*].content") matched no path`},
		},
		{
			name: "events split differently",
			assert: func(tb testing.TB) bool {
				return assert.Events(tb, streamEvents(false), streamEvents(true))
			},
			hints: []string{"hint: the events differ only in how the deltas are split: assert.Coalesce() compares each part with its deltas merged"},
		},
		{
			name: "events that differ in content get no Coalesce hint",
			assert: func(tb testing.TB) bool {
				got := streamEvents(true)
				got[2] = llm.PartDeltaEvent{Index: 0, Delta: llm.TextPartDelta{ContentDelta: "2C."}}
				return assert.Events(tb, streamEvents(false), got)
			},
			none: []string{"Coalesce"},
		},
		{
			name: "timings off by rounding",
			assert: func(tb testing.TB) bool {
				return assert.Usage(tb, llm.Usage{Timings: llm.Timings{Total: time.Millisecond}}, llm.Usage{Timings: llm.Timings{Total: time.Millisecond + 80*time.Nanosecond}})
			},
			hints: []string{"hint: only durations differ, by at most 80ns: assert.EquateApproxTimings(80ns) tolerates rounding"},
		},
		{
			name: "timings that really differ",
			assert: func(tb testing.TB) bool {
				return assert.Usage(tb, llm.Usage{Timings: llm.Timings{Total: time.Millisecond}}, llm.Usage{Timings: llm.Timings{Total: time.Second}})
			},
			none: []string{"hint:"},
		},
		{
			name: "a plain difference gets no hint",
			assert: func(tb testing.TB) bool {
				return assert.RequestJSON(tb, `{"id":"x"}`, `{"id":"y"}`)
			},
			none: []string{"hint:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := record(t.Name(), tt.assert)
			expectFail(t, r, ok, false, tt.hints...)
			out := r.output()
			for _, n := range tt.none {
				if strings.Contains(out, n) {
					t.Errorf("message holds %q:\n%s", n, out)
				}
			}
			// Hints come after the list of paths and before go-cmp's diff.
			if i, j := strings.Index(out, "hint:"), strings.Index(out, "\n\n"); i >= 0 && j >= 0 && i > j {
				t.Errorf("hint after the diff:\n%s", out)
			}
		})
	}
}
