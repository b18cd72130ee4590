package assert

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmvcr/llmvcr/llm"
)

// maxListed is how many differing paths a failure message lists.
const maxListed = 20

// check compares want and got with opts and reports a difference through
// t.Errorf, headed by what and differ ("responses differ"). It returns
// whether they are equal.
func check(t testing.TB, what, differ string, want, got any, opts []cmp.Option) bool {
	t.Helper()
	diffs, err := differences(want, got, opts)
	if err != nil {
		t.Errorf("%s: cannot compare: %v", what, err)
		return false
	}
	if len(diffs) == 0 {
		return true
	}
	t.Errorf("%s", failureMessage(what+": "+differ, diffs, want, got, opts))
	return false
}

// failureMessage lists the differing paths, then the go-cmp diff.
func failureMessage(heading string, diffs []difference, want, got any, opts []cmp.Option) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (-want +got):\n", heading)
	for i, d := range diffs {
		if i == maxListed {
			fmt.Fprintf(&b, "  ... and %d more\n", len(diffs)-maxListed)
			break
		}
		fmt.Fprintf(&b, "  %s\n", d)
	}
	if diff, err := safeDiff(want, got, opts...); err == nil && diff != "" {
		b.WriteString("\n")
		b.WriteString(diff)
	}
	return strings.TrimRight(b.String(), "\n")
}

// difference is one differing leaf: its path and both sides.
type difference struct {
	path      string
	want, got reflect.Value // invalid when missing on that side
}

func (d difference) String() string {
	path := d.path
	if path == "" {
		path = "(root)"
	}
	switch {
	case !d.want.IsValid():
		return fmt.Sprintf("%s: unexpected, got %s", path, show(d.got))
	case !d.got.IsValid():
		return fmt.Sprintf("%s: missing, want %s", path, show(d.want))
	}
	return fmt.Sprintf("%s: want %s, got %s", path, show(d.want), show(d.got))
}

// differences runs go-cmp with a reporter that collects differing leaves.
func differences(want, got any, opts []cmp.Option) (diffs []difference, err error) {
	r := &reporter{}
	all := append(append([]cmp.Option(nil), opts...), cmp.Reporter(r))
	defer func() {
		if p := recover(); p != nil {
			diffs, err = nil, fmt.Errorf("%v", p)
		}
	}()
	if cmp.Equal(want, got, all...) {
		return nil, nil
	}
	if len(r.diffs) == 0 { // should not happen; report the root
		r.diffs = append(r.diffs, difference{want: reflect.ValueOf(want), got: reflect.ValueOf(got)})
	}
	return r.diffs, nil
}

// safeEqual is cmp.Equal that turns go-cmp's panics (conflicting options,
// unexported fields) into errors.
func safeEqual(x, y any, opts ...cmp.Option) (eq bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			eq, err = false, fmt.Errorf("%v", p)
		}
	}()
	return cmp.Equal(x, y, opts...), nil
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

// reporter is a cmp.Reporter that records the path of each unequal leaf.
type reporter struct {
	path  cmp.Path
	diffs []difference
}

func (r *reporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }
func (r *reporter) PopStep()                 { r.path = r.path[:len(r.path)-1] }
func (r *reporter) Report(rs cmp.Result) {
	if rs.Equal() {
		return
	}
	vx, vy := r.path.Last().Values()
	r.diffs = append(r.diffs, difference{path: pathString(r.path), want: vx, got: vy})
}

// step is one element of a readable path: a key or field, or an index.
type step struct {
	key   string
	index int // -1 for a key
}

// steps turns a go-cmp path into keys and indexes, leaving out pointer
// indirections, type assertions and transformations.
func steps(p cmp.Path) []step {
	var out []step
	for _, ps := range p {
		switch s := ps.(type) {
		case cmp.StructField:
			out = append(out, step{key: s.Name(), index: -1})
		case cmp.MapIndex:
			k := s.Key()
			if k.Kind() == reflect.String {
				out = append(out, step{key: k.String(), index: -1})
			} else {
				out = append(out, step{key: fmt.Sprint(k), index: -1})
			}
		case cmp.SliceIndex:
			ix, iy := s.SplitKeys()
			if ix < 0 {
				ix = iy
			}
			out = append(out, step{index: ix})
		}
	}
	return out
}

// pathString renders a path as messages[1].content.
func pathString(p cmp.Path) string {
	var b strings.Builder
	for _, s := range steps(p) {
		if s.index >= 0 {
			fmt.Fprintf(&b, "[%d]", s.index)
			continue
		}
		if isIdent(s.key) {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		} else {
			fmt.Fprintf(&b, "[%s]", strconv.Quote(s.key))
		}
	}
	return b.String()
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// show renders one side of a difference for the list of paths.
func show(v reflect.Value) string {
	v = deref(v)
	if !v.IsValid() {
		return "nil"
	}
	if s, ok := stringOf(v); ok {
		if m, ok := canonicalMarker(s); ok {
			return describeMarker(m)
		}
		return strconv.Quote(s)
	}
	if v.Type() == reflect.TypeOf(time.Time{}) {
		t := v.Interface().(time.Time)
		if d, ok := recentOf(t); ok {
			return recentMarker(d)
		}
		return t.Format(time.RFC3339Nano)
	}
	if v.Type() == reflect.TypeOf(time.Duration(0)) {
		return time.Duration(v.Int()).String()
	}
	if v.Type() == reflect.TypeOf(json.Number("")) {
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
	tree := render(v.Interface(), &config{timingTol: -1})
	b, err := marshalCompact(tree)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	s := string(b)
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

// llmOptions are the go-cmp options for comparing llm values.
func (c *config) llmOptions() []cmp.Option {
	opts := c.commonOptions()
	opts = append(opts, cmpopts.EquateEmpty())
	if !c.keepTimestamp {
		opts = append(opts, cmp.FilterPath(isLocalTimestamp, cmp.FilterValues(func(x, y time.Time) bool {
			_, rx := recentOf(x)
			_, ry := recentOf(y)
			return !rx && !ry
		}, cmp.Ignore())))
	}
	if !c.exactArgs {
		opts = append(opts, cmp.FilterPath(isArgs, cmp.FilterValues(func(x, y string) bool {
			return !isMarker(x) && !isMarker(y) && validArgs(x) && validArgs(y)
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
	opts = append(opts, cmp.Comparer(numbersEqual))
	return opts
}

// commonOptions are the fuzzy values, ignored paths and fields, and the
// caller's go-cmp options.
func (c *config) commonOptions() []cmp.Option {
	opts := []cmp.Option{c.fuzzyOption()}
	if len(c.ignorePaths) > 0 {
		pats := c.ignorePaths
		opts = append(opts, cmp.FilterPath(func(p cmp.Path) bool {
			s := steps(p)
			for _, pat := range pats {
				if pat.match(s) {
					return true
				}
			}
			return false
		}, cmp.Ignore()))
	}
	if len(c.ignoreFields) > 0 {
		fields := c.ignoreFields
		opts = append(opts, cmp.FilterPath(func(p cmp.Path) bool {
			sf, ok := p.Last().(cmp.StructField)
			if !ok {
				return false
			}
			parent := p.Index(-2).Type()
			for _, f := range fields {
				if f.matches(parent, sf.Name()) {
					return true
				}
			}
			return false
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
	var v any
	if err := decodeJSON([]byte(s), &v); err != nil {
		return s
	}
	return v
}

// numbersEqual compares JSON numbers by value, exactly: 1 equals 1.0, and
// integers beyond float64's precision are not rounded.
func numbersEqual(x, y json.Number) bool {
	if x == y {
		return true
	}
	rx, okx := ratOf(x)
	ry, oky := ratOf(y)
	return okx && oky && rx.Cmp(ry) == 0
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

// pathPattern is a parsed IgnorePaths pattern.
type pathPattern struct {
	src   string
	steps []patStep
}

type patStep struct {
	key   string // a key or field; "*" any key or field; "**" any steps
	index int    // an index; -1 for a key, -2 for [*]
}

func parsePathPattern(s string) (pathPattern, error) {
	bad := func(why string) (pathPattern, error) {
		return pathPattern{}, fmt.Errorf("IgnorePaths: bad pattern %q: %s", s, why)
	}
	p := pathPattern{src: s}
	rest := s
	for rest != "" {
		switch rest[0] {
		case '.':
			if len(p.steps) == 0 {
				return bad("starts with a dot")
			}
			rest = rest[1:]
			if rest == "" || rest[0] == '.' || rest[0] == '[' {
				return bad("empty key")
			}
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return bad("unclosed [")
			}
			in := rest[1:end]
			rest = rest[end+1:]
			switch {
			case in == "*":
				p.steps = append(p.steps, patStep{index: -2})
			case strings.HasPrefix(in, `"`):
				k, err := strconv.Unquote(in)
				if err != nil {
					return bad("bad quoted key")
				}
				p.steps = append(p.steps, patStep{key: k, index: -1})
			default:
				n, err := strconv.Atoi(in)
				if err != nil || n < 0 {
					return bad("index must be a number, * or a quoted key")
				}
				p.steps = append(p.steps, patStep{index: n})
			}
			continue
		}
		end := strings.IndexAny(rest, ".[")
		if end < 0 {
			end = len(rest)
		}
		if end == 0 {
			continue
		}
		p.steps = append(p.steps, patStep{key: rest[:end], index: -1})
		rest = rest[end:]
	}
	if len(p.steps) == 0 {
		return bad("empty")
	}
	return p, nil
}

// match reports whether the pattern matches the whole path.
func (p pathPattern) match(path []step) bool { return matchSteps(p.steps, path) }

func matchSteps(pat []patStep, path []step) bool {
	if len(pat) == 0 {
		return len(path) == 0
	}
	if pat[0].key == "**" {
		for i := 0; i <= len(path); i++ {
			if matchSteps(pat[1:], path[i:]) {
				return true
			}
		}
		return false
	}
	if len(path) == 0 {
		return false
	}
	ps, s := pat[0], path[0]
	switch {
	case ps.index == -2:
		if s.index < 0 {
			return false
		}
	case ps.index >= 0:
		if s.index != ps.index {
			return false
		}
	default:
		if s.index >= 0 || (ps.key != "*" && ps.key != s.key) {
			return false
		}
	}
	return matchSteps(pat[1:], path[1:])
}
