package assert

import (
	"fmt"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/jsonpath"
)

// Option changes how an assertion compares. It is either one of this
// package's options (At, IgnoreFields, IgnorePaths, IgnoreExtraKeys,
// EquateApproxTimings, ExactArgs, Coalesce, CompareTimestamps, WithClock),
// a go-cmp option
// (cmp.Option, cmp.Options, for instance cmpopts.EquateApprox(0, 1e-9)), or
// a []Option, so that options compose:
//
//	opts := []assert.Option{assert.ExactArgs(), cmpopts.EquateEmpty()}
//	assert.Response(t, want, got, opts...)
//	assert.Events(t, wantEvents, gotEvents, opts...)
//
// Every option is accepted by every function; one that does not concern a
// function (ExactArgs for RequestJSON, say) is ignored by it. Any other
// value is a mistake in the test and stops it with t.Fatalf.
type Option interface{}

// option is an option of this package: it changes the config.
type option func(*config)

// config is the outcome of a list of options.
type config struct {
	cmpOpts       []cmp.Option       // go-cmp options passed through
	at            []atRule           // from At
	atUsed        []bool             // at[i] matched a path in this comparison
	atIgnored     []bool             // at[i] matched a path that an ignore option leaves out
	ignoreFields  []fieldName        // from IgnoreFields
	ignorePaths   []jsonpath.Pattern // from IgnorePaths
	ignoreUsed    []bool             // ignorePaths[i] matched a path
	scratch       []jsonpath.Step    // reused by stepsOf
	timingTol     time.Duration      // from EquateApproxTimings; <0 when unset
	exactArgs     bool               // from ExactArgs
	coalesce      bool               // from Coalesce
	keepTimestamp bool               // from CompareTimestamps
	extraKeys     bool               // from IgnoreExtraKeys
	now           func() time.Time   // from WithClock; time.Now by default
}

// newConfig applies opts. A bad option is returned as an error naming it.
func newConfig(opts []Option) (*config, error) {
	c := &config{timingTol: -1, now: time.Now}
	if err := c.apply(opts); err != nil {
		return nil, err
	}
	c.atUsed = make([]bool, len(c.at))
	c.atIgnored = make([]bool, len(c.at))
	for i := range c.at {
		c.at[i].index = i
	}
	c.ignoreUsed = make([]bool, len(c.ignorePaths))
	return c, nil
}

// nested is the config for a comparison inside a matcher (JSONEqual):
// the same clock, go-cmp options and extra keys rule, without the paths
// of the outer values.
func (c *config) nested() *config {
	return &config{cmpOpts: c.cmpOpts, timingTol: c.timingTol, extraKeys: c.extraKeys, now: c.now}
}

// unusedAt returns the At rules that matched no path.
func (c *config) unusedAt() []atRule {
	var out []atRule
	for i, a := range c.at {
		if !c.atUsed[i] {
			out = append(out, a)
		}
	}
	return out
}

// atRule is one At option.
type atRule struct {
	pat   jsonpath.Pattern
	m     Matcher
	index int // position among the config's At rules
}

// At checks the value at path with the matcher m instead of comparing it
// with want's: the way to put a matcher in a field whose type cannot hold
// one (a string, a time), and to put matchers in a golden file's values.
// The path is written as failure messages print it, with the same
// wildcards as IgnorePaths:
//
//	assert.Response(t, want, got,
//		assert.At("ProviderResponseID", assert.Matches(`^chatcmpl-`)),
//		assert.At("Parts[*].ToolCallID", assert.NonEmpty()),
//		assert.At("ProviderTimestamp", assert.Recent(time.Minute)))
//
// want's own value at the path is not looked at. An At whose path matches
// nothing fails the assertion: a matcher that checked nothing would let a
// test pass without checking.
func At(path string, m Matcher) Option {
	p, err := jsonpath.Parse(path)
	if err != nil {
		return badOption{fmt.Errorf("At: %w", err)}
	}
	if m == nil {
		return badOption{fmt.Errorf("At(%q): nil Matcher", path)}
	}
	return option(func(c *config) { c.at = append(c.at, atRule{pat: p, m: m}) })
}

func (c *config) apply(opts []Option) error {
	for _, o := range opts {
		switch o := o.(type) {
		case nil:
		case option:
			o(c)
		case badOption:
			return o.err
		case []Option:
			if err := c.apply(o); err != nil {
				return err
			}
		case cmp.Option: // cmp.Options is a cmp.Option too
			c.cmpOpts = append(c.cmpOpts, o)
		default:
			return fmt.Errorf("unknown option of type %T: want an assert option or a cmp.Option", o)
		}
	}
	return nil
}

// badOption is an option whose arguments were invalid; using it fails the
// test with err, so that constructors need not panic.
type badOption struct{ err error }

// IgnoreFields ignores struct fields by name wherever they occur in the
// compared values. A name is either a bare field name ("ProviderDetails",
// ignored in every struct that has it) or qualified by the unqualified type
// name ("ToolCallPart.ToolCallID", "Usage.Timings"). In Golden, the field
// is left out of the rendered value and its snake_case key
// ("tool_call_id") is ignored wherever it appears in the file.
func IgnoreFields(names ...string) Option {
	var fs []fieldName
	for _, n := range names {
		f, err := parseFieldName(n)
		if err != nil {
			return badOption{err}
		}
		fs = append(fs, f)
	}
	return option(func(c *config) { c.ignoreFields = append(c.ignoreFields, fs...) })
}

// IgnorePaths ignores the values at the given paths. A path is written as
// the failure messages print it: keys and field names separated by dots,
// slice indexes in brackets, for instance "messages[1].content" or
// "Parts[0].ToolCallID". In a pattern, [*] matches any index, * any one key
// or field, and ** any number of steps (including none):
//
//	assert.IgnorePaths("messages[*].tool_calls[*].id", "seed", "**.x_groq")
//
// A path that is ignored is ignored with everything below it, and a key
// that is missing on one side is ignored too. A key that holds anything
// but letters, digits, '_' and '-' is quoted in brackets:
// provider_details["x-groq.id"]. A malformed pattern stops the test.
func IgnorePaths(patterns ...string) Option {
	var ps []jsonpath.Pattern
	for _, s := range patterns {
		p, err := jsonpath.Parse(s)
		if err != nil {
			return badOption{fmt.Errorf("IgnorePaths: %w", err)}
		}
		ps = append(ps, p)
	}
	return option(func(c *config) { c.ignorePaths = append(c.ignorePaths, ps...) })
}

// IgnoreExtraKeys ignores map keys that got has and want lacks, so that an
// expected JSON body (or map) need list only the keys a test cares about:
//
//	assert.RequestJSON(t, `{"tool_choice": "required"}`, req, assert.IgnoreExtraKeys())
//
// A key that want has and got lacks still fails, and so does an extra
// element of a list.
func IgnoreExtraKeys() Option { return option(func(c *config) { c.extraKeys = true }) }

// EquateApproxTimings treats two time.Duration values as equal when they
// differ by at most tolerance. Providers report timings as float seconds, so
// a mapped llm.Timings can be off by a rounding error.
func EquateApproxTimings(tolerance time.Duration) Option {
	if tolerance < 0 {
		return badOption{fmt.Errorf("EquateApproxTimings: negative tolerance %v", tolerance)}
	}
	return option(func(c *config) { c.timingTol = tolerance })
}

// ExactArgs compares tool-call arguments (ToolCallPart.Args,
// BuiltinToolCallPart.Args) as exact strings. Without it they are compared
// as JSON: key order and spacing do not matter, and "" equals "{}".
func ExactArgs() Option { return option(func(c *config) { c.exactArgs = true }) }

// Coalesce makes Events (and Golden, given events) fold every delta into
// the PartStartEvent of its part before comparing, so that a test does not
// depend on how the model split its tokens. Deltas of a part that never
// started are merged with the deltas next to them instead.
func Coalesce() Option { return option(func(c *config) { c.coalesce = true }) }

// CompareTimestamps compares the local Timestamp of llm.Response and
// llm.Request, which is ignored by default. At("Timestamp", Recent(d))
// checks it even without this option.
func CompareTimestamps() Option { return option(func(c *config) { c.keepTimestamp = true }) }

// WithClock sets the clock that Recent measures against; time.Now by
// default. Tests use it to check Recent without depending on the wall
// clock.
func WithClock(now func() time.Time) Option {
	if now == nil {
		return badOption{fmt.Errorf("WithClock: nil clock")}
	}
	return option(func(c *config) { c.now = now })
}
