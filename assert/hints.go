package assert

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/textcut"
	"github.com/llmvcr/llmvcr/llm"
)

// maxHinted is how many paths a hint names.
const maxHinted = 8

// hints returns what a failure suggests doing next: the option that
// fits the differences, or the mistake in the test they reveal.
func (c *config) hints(res result, want, got any, opts []cmp.Option) []string {
	var out []string
	var extra []string // object keys got has and want lacks, the first maxHinted
	extraN := 0        // how many there are
	var swapped []string
	onlyDurations, maxDelta := len(res.diffs) > 0, time.Duration(0)
	for _, d := range res.diffs {
		if m, ok := matcherOf(d.got); ok && len(swapped) <= maxHinted {
			swapped = append(swapped, fmt.Sprintf("%s at %s", m, textcut.Clip(d.pathString(), maxShown)))
		}
		if !c.extraKeys && d.matcher == nil && !d.want.IsValid() && d.got.IsValid() && len(d.path) > 0 && d.path[len(d.path)-1].Index < 0 {
			if extraN++; len(extra) < maxHinted {
				extra = append(extra, textcut.Clip(d.pathString(), maxShown))
			}
		}
		w, g := deref(d.want), deref(d.got)
		if d.matcher != nil || !w.IsValid() || !g.IsValid() || w.Type() != durationType || g.Type() != durationType {
			onlyDurations = false
		} else if delta := time.Duration(w.Int() - g.Int()).Abs(); delta > maxDelta {
			maxDelta = delta
		}
	}
	if len(swapped) > maxHinted {
		swapped = append(swapped[:maxHinted], "more")
	}
	if len(swapped) > 0 {
		out = append(out, fmt.Sprintf("got holds %s: a matcher is honoured in want only, and the value under test is always data; are want and got swapped?", strings.Join(swapped, ", ")))
	}
	if len(extra) > 0 {
		more := ""
		if extraN > len(extra) {
			more = fmt.Sprintf(" (and %d more)", extraN-len(extra))
		}
		quoted := make([]string, len(extra))
		for i, p := range extra {
			quoted[i] = strconv.Quote(p)
		}
		out = append(out, fmt.Sprintf("want lists no %s%s: pass assert.IgnoreExtraKeys() to check only the keys want lists, or assert.IgnorePaths(%s) to leave these out",
			strings.Join(extra, ", "), more, strings.Join(quoted, ", ")))
	}
	if onlyDurations && c.timingTol < 0 && maxDelta < time.Millisecond {
		out = append(out, fmt.Sprintf("only durations differ, by at most %v: assert.EquateApproxTimings(%v) tolerates rounding", maxDelta, maxDelta))
	}
	if we, ok := want.([]llm.Event); ok && !c.coalesce {
		if ge, ok := got.([]llm.Event); ok {
			if r, err := c.compare(coalesceEvents(we), coalesceEvents(ge), opts); err == nil && len(r.diffs) == 0 {
				out = append(out, "the events differ only in how the deltas are split: assert.Coalesce() compares each part with its deltas merged")
			}
		}
	}
	for i, p := range c.ignorePaths {
		if !c.ignoreUsed[i] {
			out = append(out, fmt.Sprintf("IgnorePaths(%q) matched no path%s", p.Source(), c.suggest(p.Source(), want, got, opts)))
		}
	}
	return out
}
