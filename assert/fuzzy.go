package assert

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/llmvcr/llmvcr/internal/jsonvalue"
)

// Matcher is an expected value checked by a rule instead of by equality:
// an id, a timestamp, generated text. AnyString, NonEmpty, Matches,
// JSONEqual and Recent make them; nothing else can.
//
// A Matcher is honoured on the expected side only. Put it where want's
// type holds one (an `any` field such as ProviderDetails, a value of an
// expected JSON map, an element of a []any), or give it a path with At
// for a field of another type (a string, a time):
//
//	assert.Response(t, want, got, assert.At("ProviderResponseID", assert.Matches(`^chatcmpl-`)))
//
// The value under test is always data: a Matcher found there matches
// nothing, and the failure says that matchers belong in want.
type Matcher interface {
	// match reports whether got satisfies the matcher and, when not, why.
	match(c *config, got reflect.Value) (ok bool, why string)
	// expect describes what the matcher wants, for a failure message,
	// given the value it was checked against.
	expect(got reflect.Value) string
}

// matcher is the one implementation of Matcher.
type matcher struct {
	id    uint64                                            // unique in the process, for JSON placeholders
	call  string                                            // the Go call that made it: assert.Matches("^call_")
	want  func(got reflect.Value) string                    // what it expects, for messages
	check func(c *config, got reflect.Value) (bool, string) // the rule
}

func (m *matcher) match(c *config, got reflect.Value) (bool, string) { return m.check(c, deref(got)) }
func (m *matcher) expect(got reflect.Value) string                   { return m.want(deref(got)) }

// String returns the call that made the matcher, so that go-cmp's diff
// and fmt print it as the test wrote it.
func (m *matcher) String() string { return m.call }

// MarshalJSON lets a Matcher sit inside an expected value that is
// marshalled to JSON (a struct given to RequestJSON): it writes a
// placeholder that wantJSON turns back into the matcher. The placeholder
// holds a random number drawn when the process starts, so no data can
// spell it.
func (m *matcher) MarshalJSON() ([]byte, error) {
	return json.Marshal(placeholderPrefix + strconv.FormatUint(m.id, 10))
}

var (
	matcherIDs        atomic.Uint64
	placeholderPrefix = func() string {
		b := make([]byte, 16)
		rand.Read(b)
		return "\x00assert.Matcher." + hex.EncodeToString(b) + "."
	}()
)

func newMatcher(call string, want func(reflect.Value) string, check func(*config, reflect.Value) (bool, string)) Matcher {
	return &matcher{id: matcherIDs.Add(1), call: call, want: want, check: check}
}

func fixed(s string) func(reflect.Value) string { return func(reflect.Value) string { return s } }

// AnyString matches any string, the empty one included, and nothing else:
// not a number, a boolean, null, a list or an object.
func AnyString() Matcher {
	return newMatcher("assert.AnyString()", fixed("any string"), func(_ *config, got reflect.Value) (bool, string) {
		_, ok := stringOf(got)
		return ok, ""
	})
}

// NonEmpty matches a present, non-empty value: a string other than "", a
// list or object with an element, a non-nil pointer, any number or
// boolean. It does not match nil, null, or a missing key.
func NonEmpty() Matcher {
	want := func(got reflect.Value) string {
		if !got.IsValid() {
			return "any non-empty value"
		}
		switch got.Kind() {
		case reflect.String:
			return "any non-empty string"
		case reflect.Slice, reflect.Array:
			return "any non-empty list"
		case reflect.Map:
			return "any non-empty object"
		}
		return "any non-empty value"
	}
	return newMatcher("assert.NonEmpty()", want, func(_ *config, got reflect.Value) (bool, string) {
		return nonEmpty(got), ""
	})
}

// Matches matches a string that the regular expression re matches
// anywhere (anchor it with ^ and $ to match the whole string). An invalid
// re matches nothing, and the failure says why.
func Matches(re string) Matcher {
	call := fmt.Sprintf("assert.Matches(%q)", re)
	rx, err := regexp.Compile(re)
	if err != nil {
		bad := fmt.Sprintf("%s, which can never match: invalid regexp: %v", call, err)
		return newMatcher(call, fixed(bad), func(*config, reflect.Value) (bool, string) { return false, "" })
	}
	return newMatcher(call, fixed("a string matching "+strconv.Quote(re)), func(_ *config, got reflect.Value) (bool, string) {
		s, ok := stringOf(got)
		if !ok {
			return false, "not a string"
		}
		return rx.MatchString(s), ""
	})
}

// JSONEqual matches a value semantically equal to want's JSON: a string
// holding JSON (tool-call arguments), raw JSON bytes, or a decoded JSON
// value. want is JSON text (a string, []byte or json.RawMessage) or a
// value marshalled to JSON (a map, which may hold matchers itself). Key
// order, spacing and the spelling of numbers do not matter. An invalid
// want matches nothing, and the failure says why.
func JSONEqual(want any) Matcher {
	w, err := wantJSON(want)
	text := "?"
	if b, err := jsonvalue.Marshal(describeTree(w)); err == nil {
		text = string(b)
	}
	call := "assert.JSONEqual(" + truncate(text, 200) + ")"
	if err != nil {
		bad := fmt.Sprintf("assert.JSONEqual(%s), which can never match: %v", truncate(fmt.Sprint(want), 200), err)
		return newMatcher(call, fixed(bad), func(*config, reflect.Value) (bool, string) { return false, "" })
	}
	return newMatcher(call, fixed("JSON equal to "+truncate(text, 200)), func(c *config, got reflect.Value) (bool, string) {
		g, ok := jsonValueOf(got)
		if !ok {
			return false, "not JSON"
		}
		res, err := c.nested().compare(w, g, c.nested().jsonOptions())
		if err != nil {
			return false, err.Error()
		}
		if len(res.diffs) == 0 {
			return true, ""
		}
		var parts []string
		for i, d := range res.diffs {
			if i == 3 {
				parts = append(parts, fmt.Sprintf("and %d more", len(res.diffs)-3))
				break
			}
			parts = append(parts, d.String())
		}
		return false, strings.Join(parts, "; ")
	})
}

// Recent matches a time within d of now (before or after), where now is
// the comparison's clock (time.Now unless WithClock is given): a
// time.Time, an RFC 3339 string, or a number of Unix seconds (as JSON
// has them).
//
//	assert.Response(t, want, got, assert.At("ProviderTimestamp", assert.Recent(time.Minute)))
func Recent(d time.Duration) Matcher {
	if d < 0 {
		d = -d
	}
	want := fixed(fmt.Sprintf("a time within %v of now", d))
	return newMatcher(fmt.Sprintf("assert.Recent(%v)", d), want, func(c *config, got reflect.Value) (bool, string) {
		t, ok := timeOf(got)
		if !ok {
			return false, "not a time"
		}
		diff := c.now().Sub(t)
		if diff <= d && diff >= -d {
			return true, ""
		}
		if diff > 0 {
			return false, fmt.Sprintf("%v before now", diff.Round(time.Millisecond))
		}
		return false, fmt.Sprintf("%v after now", (-diff).Round(time.Millisecond))
	})
}

// timeOf reads a time from a time.Time, an RFC 3339 string or a number of
// Unix seconds.
func timeOf(v reflect.Value) (time.Time, bool) {
	if !v.IsValid() {
		return time.Time{}, false
	}
	if v.Type() == timeType {
		return v.Interface().(time.Time), true
	}
	if v.Type() == numberType {
		f, ok := jsonvalue.ExactFloat(v.String())
		if !ok {
			f, _ = strconv.ParseFloat(v.String(), 64)
		}
		return unixSeconds(f)
	}
	if s, ok := stringOf(v); ok {
		t, err := time.Parse(time.RFC3339Nano, s)
		return t, err == nil
	}
	if v.Kind() == reflect.Float64 {
		return unixSeconds(v.Float())
	}
	return time.Time{}, false
}

func unixSeconds(f float64) (time.Time, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e15 {
		return time.Time{}, false
	}
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64((f-sec)*1e9)), true
}

// matcherOf returns the Matcher that v holds, if any.
func matcherOf(v reflect.Value) (Matcher, bool) {
	v = deref(v)
	if !v.IsValid() || v.Type() != matcherType || v.IsNil() {
		return nil, false
	}
	return v.Interface().(*matcher), true
}

var matcherType = reflect.TypeOf((*matcher)(nil))

// stringOf returns a string-kinded value's text; json.Number is not a string.
func stringOf(v reflect.Value) (string, bool) {
	if !v.IsValid() || v.Kind() != reflect.String || v.Type() == numberType {
		return "", false
	}
	return v.String(), true
}

func deref(v reflect.Value) reflect.Value {
	for v.IsValid() && v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	return v
}

func nonEmpty(v reflect.Value) bool {
	v = deref(v)
	if !v.IsValid() {
		return false
	}
	switch v.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return v.Len() > 0
	case reflect.Pointer:
		return !v.IsNil()
	case reflect.Struct:
		return !v.IsZero()
	}
	return true
}

// jsonValueOf turns got into a decoded JSON value: strings and bytes are
// parsed, other values are marshalled and parsed back.
func jsonValueOf(v reflect.Value) (any, bool) {
	v = deref(v)
	if !v.IsValid() {
		return nil, true
	}
	var data []byte
	if s, ok := stringOf(v); ok {
		data = []byte(s)
	} else if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
		data = v.Bytes()
	} else {
		if !v.CanInterface() {
			return nil, false
		}
		if _, isMatcher := v.Interface().(Matcher); isMatcher {
			return nil, false // a matcher in got is not data to compare
		}
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, false
		}
		data = b
	}
	out, err := decodeJSON(data)
	if err != nil {
		return nil, false
	}
	return out, true
}
