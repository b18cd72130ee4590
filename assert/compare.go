package assert

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmvcr/llmvcr/internal/jsonpath"
	"github.com/llmvcr/llmvcr/internal/jsonvalue"
	"github.com/llmvcr/llmvcr/internal/textcut"
	"github.com/llmvcr/llmvcr/llm"
)

// maxListed is how many differing paths a failure message lists.
const maxListed = 20

// Bounds of a failure message, so that comparing two large values (two
// 10 MB responses) does not flood the test log: each says how much it
// left out.
const (
	maxShown     = 200      // bytes of one value, or one path, in the list of paths
	maxDiffed    = 1000     // differing paths above which go-cmp's diff is left out
	maxDiffBytes = 32 << 10 // bytes of go-cmp's diff
	maxDiffLine  = 1000     // bytes of one line of it
)

// check compares want and got with the config's opts and reports a
// difference through t.Errorf, headed by what and differ ("responses
// differ"). It returns whether they are equal.
func check(t testing.TB, c *config, what, differ string, want, got any, opts []cmp.Option) bool {
	t.Helper()
	res, err := c.compare(want, got, opts)
	if err != nil {
		t.Errorf("%s: cannot compare: %v", what, err)
		return false
	}
	unused := c.unusedAt()
	if len(res.diffs) == 0 && len(unused) == 0 {
		return true
	}
	t.Errorf("%s", c.failureMessage(what+": "+differ, res, unused, want, got, opts))
	return false
}

// result is the outcome of a comparison.
type result struct {
	diffs []difference
}

// compare runs go-cmp with a reporter that collects the differing leaves
// and checks the matchers: go-cmp skips each matcher's node (an Ignore)
// and the reporter applies the matcher to the value under test there.
// go-cmp's panics (conflicting options, unexported fields) become errors.
func (c *config) compare(want, got any, opts []cmp.Option) (res result, err error) {
	r := &reporter{c: c}
	all := append(append([]cmp.Option(nil), opts...), cmp.Reporter(r))
	defer func() {
		if p := recover(); p != nil {
			res, err = result{}, fmt.Errorf("%v", p)
		}
	}()
	if cmp.Equal(want, got, all...) && len(r.diffs) == 0 {
		return result{}, nil
	}
	if len(r.diffs) == 0 { // should not happen; report the root
		r.diffs = append(r.diffs, difference{want: reflect.ValueOf(want), got: reflect.ValueOf(got)})
	}
	return result{diffs: r.diffs}, nil
}

// failureMessage lists the differing paths, hints for the next step, then
// the go-cmp diff.
func (c *config) failureMessage(heading string, res result, unused []atRule, want, got any, opts []cmp.Option) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (-want +got):\n", heading)
	for i, d := range res.diffs {
		if i == maxListed {
			fmt.Fprintf(&b, "  ... and %d more\n", len(res.diffs)-maxListed)
			break
		}
		fmt.Fprintf(&b, "  %s\n", d)
	}
	for _, a := range unused {
		if c.atIgnored[a.index] {
			fmt.Fprintf(&b, "  At(%q, %s) is inside a path that IgnorePaths or IgnoreFields leave out, so nothing was checked\n", a.pat.Source(), a.m)
			continue
		}
		fmt.Fprintf(&b, "  At(%q, %s) matched no path of the compared values, so nothing was checked%s\n",
			a.pat.Source(), a.m, c.suggest(a.pat.Source(), want, got, opts))
	}
	for _, h := range c.hints(res, want, got, opts) {
		fmt.Fprintf(&b, "hint: %s\n", h)
	}
	if len(res.diffs) > maxDiffed {
		// go-cmp's diff of so many paths is long and slow to make, and
		// the list above already says where to look.
		fmt.Fprintf(&b, "\n(the full diff is left out: %d paths differ)\n", len(res.diffs))
	} else if diff, err := safeDiff(want, got, opts...); err == nil && diff != "" {
		b.WriteString("\n")
		b.WriteString(clipDiff(diff))
	}
	return strings.TrimRight(b.String(), "\n")
}

// difference is one differing leaf: its path and both sides, or a matcher
// that the value under test did not satisfy.
type difference struct {
	path      []jsonpath.Step
	want, got reflect.Value // invalid when missing on that side
	matcher   Matcher       // set when a matcher failed
	why       string        // the matcher's reason, if it gave one
}

func (d difference) pathString() string {
	if len(d.path) == 0 {
		return "(root)"
	}
	return jsonpath.Format(d.path)
}

func (d difference) String() string {
	path := textcut.Clip(d.pathString(), maxShown)
	if d.matcher != nil {
		want := d.matcher.expect(d.got)
		if !d.got.IsValid() {
			return fmt.Sprintf("%s: missing, want %s", path, want)
		}
		s := fmt.Sprintf("%s: want %s, got %s", path, want, show(d.got))
		if d.why != "" {
			s += " (" + d.why + ")"
		}
		return s
	}
	switch {
	case !d.want.IsValid():
		return fmt.Sprintf("%s: unexpected, got %s", path, show(d.got))
	case !d.got.IsValid():
		return fmt.Sprintf("%s: missing, want %s", path, show(d.want))
	}
	if w, g, ok := showStrings(d.want, d.got); ok {
		return fmt.Sprintf("%s: want %s, got %s", path, w, g)
	}
	return fmt.Sprintf("%s: want %s, got %s", path, show(d.want), show(d.got))
}

// showStrings renders two differing strings when either is longer than
// maxShown: each from a little before the first byte where they differ,
// with their lengths, so that the difference shows however far in it is.
func showStrings(want, got reflect.Value) (string, string, bool) {
	want, got = deref(want), deref(got)
	if !want.IsValid() || !got.IsValid() {
		return "", "", false
	}
	if _, ok := matcherOf(want); ok {
		return "", "", false
	}
	w, okW := stringOf(want)
	g, okG := stringOf(got)
	if !okW || !okG || len(w) <= maxShown && len(g) <= maxShown {
		return "", "", false
	}
	at := 0
	for at < len(w) && at < len(g) && w[at] == g[at] {
		at++
	}
	// Inside a character, the difference is said to start with it.
	if c := at; c < len(w) {
		c = textcut.Start(w, c, 0)
		if utf8.RuneStart(w[c]) {
			at = c
		}
	}
	start := max(at-maxShown/4, 0)
	start = textcut.Start(w, start, 0)
	return window(w, start, at), window(g, start, at), true
}

// window quotes up to maxShown bytes of s from start, saying what was
// left out and where the difference is.
func window(s string, start, at int) string {
	end := min(start+maxShown, len(s))
	end = textcut.Start(s, end, start)
	q := strconv.Quote(s[start:end])
	if start > 0 {
		q = "..." + q
	}
	if end < len(s) {
		q += "..."
	}
	return fmt.Sprintf("%s (%d bytes; they differ from byte %d)", q, len(s), at)
}

// clipDiff bounds go-cmp's diff: lines longer than maxDiffLine are cut,
// and after maxDiffBytes the rest is left out, saying how much.
func clipDiff(diff string) string {
	var b strings.Builder
	rest := diff
	for rest != "" {
		line, after, _ := strings.Cut(rest, "\n")
		if b.Len() >= maxDiffBytes {
			fmt.Fprintf(&b, "... (%d more lines, %d bytes, left out)\n", strings.Count(rest, "\n")+1, len(rest))
			break
		}
		b.WriteString(textcut.Clip(line, maxDiffLine))
		b.WriteByte('\n')
		rest = after
	}
	return b.String()
}

// safeDiff is cmp.Diff with panics turned into errors, and go-cmp's
// randomly chosen non-breaking spaces turned into spaces so that the
// message can be copied and compared.
func safeDiff(x, y any, opts ...cmp.Option) (d string, err error) {
	defer func() {
		if p := recover(); p != nil {
			d, err = "", fmt.Errorf("%v", p)
		}
	}()
	return strings.ReplaceAll(cmp.Diff(x, y, opts...), "\u00a0", " "), nil
}

// reporter is a cmp.Reporter that records the path of each unequal leaf
// and applies the matchers at the nodes go-cmp was told to skip.
type reporter struct {
	c     *config
	path  cmp.Path
	diffs []difference
}

func (r *reporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }
func (r *reporter) PopStep()                 { r.path = r.path[:len(r.path)-1] }
func (r *reporter) Report(rs cmp.Result) {
	vx, vy := r.path.Last().Values()
	if rs.ByIgnore() {
		if m, ok := r.c.matcherAt(r.path); ok {
			if ok, why := m.match(r.c, vy); !ok {
				r.diffs = append(r.diffs, difference{path: steps(r.path), want: vx, got: vy, matcher: m, why: why})
			}
		}
		return
	}
	if rs.Equal() {
		return
	}
	r.diffs = append(r.diffs, difference{path: steps(r.path), want: vx, got: vy})
}

// matcherAt returns the matcher that applies at the end of p: a Matcher
// held by want there, or the first At whose pattern matches p. A path
// that IgnorePaths or IgnoreFields leave out has none.
func (c *config) matcherAt(p cmp.Path) (Matcher, bool) {
	vx, _ := p.Last().Values()
	m, ok := matcherOf(vx)
	rule := -1
	if !ok && len(c.at) > 0 {
		s := c.stepsOf(p)
		for i, a := range c.at {
			if a.pat.Match(s) {
				m, ok, rule = a.m, true, i
				break
			}
		}
	}
	if !ok {
		return nil, false
	}
	if c.ignoredPath(p, false) {
		if rule >= 0 {
			c.atIgnored[rule] = true
		}
		return nil, false
	}
	if rule >= 0 {
		c.atUsed[rule] = true
	}
	return m, true
}

// stepsOf is steps into a buffer the config reuses: go-cmp asks for a
// filter's answer at every node, and a comparison runs on one goroutine.
func (c *config) stepsOf(p cmp.Path) []jsonpath.Step {
	c.scratch = appendSteps(c.scratch[:0], p)
	return c.scratch
}

// steps turns a go-cmp path into keys and indexes, leaving out pointer
// indirections, type assertions and transformations.
func steps(p cmp.Path) []jsonpath.Step { return appendSteps(make([]jsonpath.Step, 0, len(p)), p) }

func appendSteps(out []jsonpath.Step, p cmp.Path) []jsonpath.Step {
	for _, ps := range p {
		switch s := ps.(type) {
		case cmp.StructField:
			out = append(out, jsonpath.Key(s.Name()))
		case cmp.MapIndex:
			k := s.Key()
			if k.Kind() == reflect.String {
				out = append(out, jsonpath.Key(k.String()))
			} else {
				out = append(out, jsonpath.Key(fmt.Sprint(k)))
			}
		case cmp.SliceIndex:
			ix, iy := s.SplitKeys()
			if ix < 0 {
				ix = iy
			}
			out = append(out, jsonpath.Index(ix))
		}
	}
	return out
}

// show renders one side of a difference for the list of paths.
func show(v reflect.Value) string {
	v = deref(v)
	if !v.IsValid() {
		return "nil"
	}
	if m, ok := matcherOf(v); ok {
		return fmt.Sprint(m)
	}
	if s, ok := stringOf(v); ok {
		if len(s) > maxShown {
			end := maxShown
			end = textcut.Start(s, end, 0)
			return fmt.Sprintf("%s... (%d bytes)", strconv.Quote(s[:end]), len(s))
		}
		return strconv.Quote(s)
	}
	if v.Type() == timeType {
		return v.Interface().(time.Time).Format(time.RFC3339Nano)
	}
	if v.Type() == durationType {
		return time.Duration(v.Int()).String()
	}
	if v.Type() == numberType {
		return v.String()
	}
	if v.Kind() == reflect.Float64 || v.Kind() == reflect.Float32 {
		if b, err := json.Marshal(v.Float()); err == nil {
			return string(b)
		}
	}
	switch v.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return fmt.Sprint(v)
	}
	if !v.CanInterface() {
		return v.Type().String()
	}
	tree := describeTree(render(v.Interface(), &config{timingTol: -1}))
	b, err := jsonvalue.Marshal(tree)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return truncate(string(b), 197)
}

// llmOptions are the go-cmp options for comparing llm values.
func (c *config) llmOptions() []cmp.Option {
	opts := c.commonOptions()
	opts = append(opts, cmpopts.EquateEmpty())
	if !c.keepTimestamp {
		opts = append(opts, cmp.FilterPath(isLocalTimestamp, cmp.Ignore()))
	}
	if !c.exactArgs {
		opts = append(opts, cmp.FilterPath(isArgs, cmp.FilterValues(func(x, y string) bool {
			return validArgs(x) && validArgs(y)
		}, cmp.Transformer("JSON", parseArgs))))
	}
	if c.timingTol >= 0 {
		tol := c.timingTol
		opts = append(opts, cmp.FilterValues(func(x, y time.Duration) bool {
			d := x - y
			return d != 0 && d <= tol && d >= -tol
		}, cmp.Comparer(func(x, y time.Duration) bool { return true })))
	}
	return opts
}

// jsonOptions are the go-cmp options for comparing decoded JSON values.
func (c *config) jsonOptions() []cmp.Option {
	opts := c.commonOptions()
	opts = append(opts, cmp.Comparer(func(x, y json.Number) bool { return jsonvalue.NumbersEqual(string(x), string(y)) }))
	return opts
}

// commonOptions are the matchers, ignored paths and fields, and the
// caller's go-cmp options.
func (c *config) commonOptions() []cmp.Option {
	opts := []cmp.Option{cmp.FilterPath(func(p cmp.Path) bool {
		// go-cmp first looks at each list element alone, to find those
		// an option ignores; a matcher ignores nothing there, so that
		// elements pair up and the matcher sees both sides.
		if si, ok := p.Last().(cmp.SliceIndex); ok {
			if vx, vy := si.Values(); !vx.IsValid() || !vy.IsValid() {
				return false
			}
		}
		_, ok := c.matcherAt(p)
		return ok
	}, cmp.Ignore())}
	if len(c.ignorePaths) > 0 || len(c.ignoreFields) > 0 {
		opts = append(opts, cmp.FilterPath(func(p cmp.Path) bool {
			if !c.ignoredPath(p, true) {
				return false
			}
			if len(c.at) > 0 { // an At below an ignored node checks nothing: say so
				s := c.stepsOf(p)
				for i, a := range c.at {
					if a.pat.MatchBelow(s) {
						c.atIgnored[i] = true
					}
				}
			}
			return true
		}, cmp.Ignore()))
	}
	if c.extraKeys {
		opts = append(opts, cmp.FilterPath(func(p cmp.Path) bool {
			mi, ok := p.Last().(cmp.MapIndex)
			if !ok {
				return false
			}
			vx, vy := mi.Values()
			return !vx.IsValid() && vy.IsValid()
		}, cmp.Ignore()))
	}
	return append(opts, c.cmpOpts...)
}

// ignoredPath reports whether IgnorePaths or IgnoreFields leave out the
// end of p; mark records which patterns were used, for hints.
func (c *config) ignoredPath(p cmp.Path, mark bool) bool {
	if len(c.ignoreFields) > 0 {
		if sf, ok := p.Last().(cmp.StructField); ok {
			parent := p.Index(-2).Type()
			for _, f := range c.ignoreFields {
				if f.matches(parent, sf.Name()) {
					return true
				}
			}
		}
	}
	if len(c.ignorePaths) == 0 {
		return false
	}
	s := c.stepsOf(p)
	for i, pat := range c.ignorePaths {
		if pat.Match(s) {
			if mark {
				c.ignoreUsed[i] = true
			}
			return true
		}
	}
	return false
}

// goldenOptions are jsonOptions plus, for each IgnoreFields name, its
// snake_case key ignored anywhere in the file.
func (c *config) goldenOptions() []cmp.Option {
	opts := c.jsonOptions()
	if len(c.ignoreFields) == 0 {
		return opts
	}
	keys := map[string]bool{}
	for _, f := range c.ignoreFields {
		keys[snakeCase(f.field)] = true
	}
	return append(opts, cmp.FilterPath(func(p cmp.Path) bool {
		mi, ok := p.Last().(cmp.MapIndex)
		return ok && mi.Key().Kind() == reflect.String && keys[mi.Key().String()]
	}, cmp.Ignore()))
}

// isLocalTimestamp matches the Timestamp field of llm.Response and llm.Request.
func isLocalTimestamp(p cmp.Path) bool {
	sf, ok := p.Last().(cmp.StructField)
	if !ok || sf.Name() != "Timestamp" {
		return false
	}
	parent := p.Index(-2).Type()
	return parent == reflect.TypeOf(llm.Response{}) || parent == reflect.TypeOf(llm.Request{})
}

// isArgs matches the Args field of tool-call parts.
func isArgs(p cmp.Path) bool {
	sf, ok := p.Last().(cmp.StructField)
	if !ok || sf.Name() != "Args" {
		return false
	}
	parent := p.Index(-2).Type()
	return parent == reflect.TypeOf(llm.ToolCallPart{}) || parent == reflect.TypeOf(llm.BuiltinToolCallPart{})
}

func validArgs(s string) bool { return strings.TrimSpace(s) == "" || json.Valid([]byte(s)) }

func parseArgs(s string) any {
	if strings.TrimSpace(s) == "" {
		return map[string]any{}
	}
	v, err := decodeJSON([]byte(s))
	if err != nil {
		return s
	}
	return v
}

// fieldName is a parsed IgnoreFields name.
type fieldName struct {
	typ, field string // typ is "" for any struct
}

func parseFieldName(s string) (fieldName, error) {
	typ, field, ok := strings.Cut(s, ".")
	if !ok {
		typ, field = "", s
	}
	if field == "" || strings.Contains(field, ".") {
		return fieldName{}, fmt.Errorf("IgnoreFields: bad field name %q: want Field or Type.Field", s)
	}
	return fieldName{typ: typ, field: field}, nil
}

func (f fieldName) matches(parent reflect.Type, field string) bool {
	return field == f.field && (f.typ == "" || parent.Name() == f.typ)
}

// pathLister is a cmp.Reporter that lists every path of the compared
// values, for suggestions when a pattern matches none.
type pathLister struct {
	path  cmp.Path
	paths map[string][]jsonpath.Step
}

func (l *pathLister) PushStep(ps cmp.PathStep) {
	l.path = append(l.path, ps)
	if len(l.paths) < 10000 {
		s := steps(l.path)
		l.paths[jsonpath.Format(s)] = s
	}
}
func (l *pathLister) PopStep()          { l.path = l.path[:len(l.path)-1] }
func (l *pathLister) Report(cmp.Result) {}

// suggest returns ` (did you mean "X"?)` for a pattern that matched no
// path when a path of the values matches it but for case and
// underscores, or "".
func (c *config) suggest(pattern string, want, got any, opts []cmp.Option) string {
	fold := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }
	pat, err := jsonpath.Parse(fold(pattern))
	if err != nil {
		return ""
	}
	l := &pathLister{paths: map[string][]jsonpath.Step{}}
	func() {
		defer func() { recover() }()
		cmp.Equal(want, got, append(append([]cmp.Option(nil), opts...), cmp.Reporter(l))...)
	}()
	var close []string
	for text, s := range l.paths {
		folded := make([]jsonpath.Step, len(s))
		for i, st := range s {
			folded[i] = st
			if st.Index < 0 {
				folded[i].Key = fold(st.Key)
			}
		}
		if pat.Match(folded) {
			close = append(close, text)
		}
	}
	if len(close) == 0 {
		return ""
	}
	sort.Strings(close)
	return fmt.Sprintf(" (did you mean %q?)", textcut.Clip(close[0], maxShown))
}
