package assert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Fuzzy values are placeholders that stand in an expected value where the
// exact value is unknown or does not matter: an id, a timestamp, a
// generated string.
//
// A string placeholder is a marker string of the form "<assert.Name arg>",
// for instance "<assert.Matches ^call_>". Because it is a plain string it
// fits in any string field of an llm struct, in an `any` field, inside an
// expected JSON map or struct, in a JSON text (fmt.Sprintf("%q", ...)) and
// in a golden file edited by hand. The comparison recognises markers by
// their text, so no registration is needed. A time placeholder (Recent) is
// a time.Time in a zone named after it.

const (
	markerPrefix = "<assert."
	markerSuffix = ">"
	recentZone   = "assert.Recent"
)

// AnyString matches any string, including the empty one. In JSON it does
// not match numbers, booleans, null, arrays or objects.
func AnyString() string { return "<assert.AnyString>" }

// NonEmpty matches any present, non-empty value: a string other than "",
// a non-empty slice, map or JSON array or object, any number or boolean.
// It does not match nil, null, or a missing key.
func NonEmpty() string { return "<assert.NonEmpty>" }

// Matches matches a string that the regular expression re matches (anywhere;
// anchor it with ^ and $ to match the whole string). An invalid re matches
// nothing, and the failure message says why.
func Matches(re string) string { return "<assert.Matches " + re + ">" }

// JSONEqual matches a value that is semantically equal to the JSON text s:
// a string holding JSON (such as tool-call arguments), raw JSON bytes, or a
// decoded JSON value (maps, slices). Key order and spacing do not matter,
// and s may itself contain fuzzy markers. An invalid s matches nothing.
func JSONEqual(s string) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err == nil {
		s = buf.String()
	}
	return "<assert.JSONEqual " + s + ">"
}

var recent struct {
	sync.Mutex
	ids   map[time.Duration]int // duration -> sentinel nanosecond
	alias map[string]string     // sentinel's JSON text -> marker
}

// Recent matches a time within d of now (before or after), where now is
// the comparison's clock (time.Now unless WithClock is given). It returns a
// sentinel time.Time, so it fits in a time field of an llm struct:
//
//	want := &llm.Response{Timestamp: assert.Recent(time.Minute), ...}
//
// Inside an expected JSON map or struct it matches an RFC 3339 string or
// a number of Unix seconds; in a JSON text or a golden file write the
// marker "<assert.Recent 1m0s>".
func Recent(d time.Duration) time.Time {
	if d < 0 {
		d = -d
	}
	recent.Lock()
	defer recent.Unlock()
	if recent.ids == nil {
		recent.ids = map[time.Duration]int{}
		recent.alias = map[string]string{}
	}
	id, ok := recent.ids[d]
	if !ok {
		id = len(recent.ids) + 1
		recent.ids[d] = id
	}
	t := time.Date(1, time.January, 1, 0, 0, 0, id, time.FixedZone(recentZone+"("+d.String()+")", 0))
	if !ok {
		b, _ := t.MarshalJSON()
		s, _ := strconv.Unquote(string(b))
		recent.alias[s] = recentMarker(d)
	}
	return t
}

func recentMarker(d time.Duration) string { return "<assert.Recent " + d.String() + ">" }

// recentOf reports whether t is a Recent sentinel and returns its duration.
func recentOf(t time.Time) (time.Duration, bool) {
	name := t.Location().String()
	if t.Year() != 1 || !strings.HasPrefix(name, recentZone+"(") || !strings.HasSuffix(name, ")") {
		return 0, false
	}
	d, err := time.ParseDuration(name[len(recentZone)+1 : len(name)-1])
	return d, err == nil
}

// canonicalMarker returns the marker for s: s itself when it is a marker,
// the Recent marker when s is the JSON text of a Recent sentinel.
func canonicalMarker(s string) (string, bool) {
	if isMarker(s) {
		return s, true
	}
	if !strings.HasPrefix(s, "0001-01-01T") {
		return "", false
	}
	recent.Lock()
	defer recent.Unlock()
	m, ok := recent.alias[s]
	return m, ok
}

func isMarker(s string) bool {
	return strings.HasPrefix(s, markerPrefix) && strings.HasSuffix(s, markerSuffix) && len(s) > len(markerPrefix)
}

// splitMarker returns a marker's name and argument.
func splitMarker(s string) (name, arg string) {
	body := s[len(markerPrefix) : len(s)-len(markerSuffix)]
	name, arg, _ = strings.Cut(body, " ")
	return name, arg
}

var regexps sync.Map // string -> *regexp.Regexp or error

func compileCached(re string) (*regexp.Regexp, error) {
	if v, ok := regexps.Load(re); ok {
		if err, isErr := v.(error); isErr {
			return nil, err
		}
		return v.(*regexp.Regexp), nil
	}
	r, err := regexp.Compile(re)
	if err != nil {
		regexps.Store(re, err)
		return nil, err
	}
	regexps.Store(re, r)
	return r, nil
}

// markerProblem explains why a marker can never match, or returns "".
func markerProblem(marker string) string {
	name, arg := splitMarker(marker)
	switch name {
	case "AnyString", "NonEmpty":
	case "Matches":
		if _, err := compileCached(arg); err != nil {
			return "invalid regexp: " + err.Error()
		}
	case "JSONEqual":
		if !json.Valid([]byte(arg)) {
			return "invalid JSON"
		}
	case "Recent":
		if _, err := time.ParseDuration(arg); err != nil {
			return "invalid duration: " + err.Error()
		}
	default:
		return "unknown fuzzy value " + strconv.Quote(name)
	}
	return ""
}

// matchMarker reports whether got matches the marker.
func (c *config) matchMarker(marker string, got reflect.Value) bool {
	got = deref(got)
	name, arg := splitMarker(marker)
	str, isStr := stringOf(got)
	switch name {
	case "AnyString":
		return isStr
	case "NonEmpty":
		return nonEmpty(got)
	case "Matches":
		re, err := compileCached(arg)
		return err == nil && isStr && re.MatchString(str)
	case "JSONEqual":
		var want any
		if err := decodeJSON([]byte(arg), &want); err != nil {
			return false
		}
		g, ok := jsonValueOf(got)
		if !ok {
			return false
		}
		eq, err := safeEqual(normalizeMarkers(want), g, c.jsonOptions()...)
		return err == nil && eq
	case "Recent":
		d, err := time.ParseDuration(arg)
		if err != nil {
			return false
		}
		var t time.Time
		switch {
		case got.IsValid() && got.Type() == reflect.TypeOf(time.Time{}):
			t = got.Interface().(time.Time)
		case isStr:
			if t, err = time.Parse(time.RFC3339Nano, str); err != nil {
				return false
			}
		case got.IsValid() && got.Type() == reflect.TypeOf(json.Number("")):
			f, err := strconv.ParseFloat(got.String(), 64)
			if err != nil {
				return false
			}
			t = unixSeconds(f)
		case got.IsValid() && got.Kind() == reflect.Float64:
			t = unixSeconds(got.Float())
		default:
			return false
		}
		return c.within(t, d)
	}
	return false
}

func (c *config) within(t time.Time, d time.Duration) bool {
	diff := c.now().Sub(t)
	return diff <= d && diff >= -d
}

// stringOf returns a string-kinded value's text; json.Number is not a string.
func stringOf(v reflect.Value) (string, bool) {
	if !v.IsValid() || v.Kind() != reflect.String || v.Type() == reflect.TypeOf(json.Number("")) {
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
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, false
		}
		data = b
	}
	var out any
	if err := decodeJSON(data, &out); err != nil {
		return nil, false
	}
	return out, true
}

// fuzzyOption is the go-cmp option that makes markers and Recent sentinels
// match: it applies wherever one side is a marker string (of any string
// type, or in an interface) or a Recent time.
func (c *config) fuzzyOption() cmp.Option {
	return cmp.FilterValues(func(x, y any) bool {
		return c.fuzzyOf(x) != "" || c.fuzzyOf(y) != ""
	}, cmp.Comparer(func(x, y any) bool {
		mx, my := c.fuzzyOf(x), c.fuzzyOf(y)
		switch {
		case mx != "" && my != "":
			return mx == my
		case mx != "":
			return c.matchMarker(mx, reflect.ValueOf(y))
		default:
			return c.matchMarker(my, reflect.ValueOf(x))
		}
	}))
}

// fuzzyOf returns the marker that v stands for, or "".
func (c *config) fuzzyOf(v any) string {
	rv := deref(reflect.ValueOf(v))
	if !rv.IsValid() {
		return ""
	}
	if s, ok := stringOf(rv); ok && isMarker(s) {
		return s
	}
	if rv.Type() == reflect.TypeOf(time.Time{}) {
		if d, ok := recentOf(rv.Interface().(time.Time)); ok {
			return recentMarker(d)
		}
	}
	return ""
}

// describeMarker renders a marker for a failure message, with the reason
// it can never match if there is one.
func describeMarker(m string) string {
	if p := markerProblem(m); p != "" {
		return fmt.Sprintf("%s (%s)", m, p)
	}
	return m
}

func unixSeconds(f float64) time.Time {
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64((f-sec)*1e9))
}
