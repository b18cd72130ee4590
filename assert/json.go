package assert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/textcut"
)

// BodyProvider is a captured request that can give its body: a fake
// server's recorded request, a cassette interaction. RequestJSON accepts
// any value that implements it.
type BodyProvider interface {
	// RequestBody returns the request's body as sent.
	RequestBody() []byte
}

// RequestJSON checks that the JSON body of a request equals want,
// semantically: key order, spacing and the spelling of numbers (1, 1.0)
// do not matter. It reports each differing path (messages[1].content)
// and a diff with t.Errorf, and returns whether they are equal.
//
// want is the expected JSON as a string, []byte or json.RawMessage, or a
// value marshalled to JSON (a map[string]any, a struct). A Matcher may
// stand in for any value of a map, slice or `any` field of want:
// map[string]any{"id": assert.AnyString()}. In a JSON text, use At:
// assert.At("id", assert.AnyString()). The body under test is data: no
// text in it is ever read as a matcher.
//
// got is the body as []byte, string or json.RawMessage; an *http.Request
// (its body is read and put back, so the request can still be sent); a
// BodyProvider; a value with a Body() []byte method; or a struct (or
// pointer to one) with a RawBody or Body field of type []byte or string,
// such as go-vcr's cassette.Request.
//
// IgnorePaths leaves out volatile paths, and IgnoreExtraKeys the keys
// want does not list:
//
//	assert.RequestJSON(t, want, req, assert.IgnorePaths("messages[*].tool_calls[*].id"))
func RequestJSON(t testing.TB, want, got any, opts ...Option) bool {
	t.Helper()
	const what = "assert.RequestJSON"
	c, ok := setup(t, what, opts)
	if !ok {
		return false
	}
	w, err := wantJSON(want)
	if err != nil {
		t.Fatalf("%s: want: %v", what, err)
		return false
	}
	body, err := bodyOf(got)
	if err != nil {
		t.Errorf("%s: got: %v", what, err)
		return false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		t.Errorf("%s: got an empty body, want:\n%s", what, indent(describeTree(w)))
		return false
	}
	g, err := decodeJSON(body)
	if err != nil {
		t.Errorf("%s: got a body that is not JSON (%v):\n%s", what, err, truncate(string(body), 2000))
		return false
	}
	return check(t, c, what, "request body differs", w, g, c.jsonOptions())
}

// wantJSON decodes an expected JSON value. Matchers inside a value
// marshalled to JSON come back as themselves: each marshals to a
// placeholder that no data can spell (see matcher.MarshalJSON), which is
// replaced by the matcher found in want under that placeholder.
func wantJSON(want any) (any, error) {
	var data []byte
	found := map[string]Matcher{}
	switch w := want.(type) {
	case string:
		data = []byte(w)
	case []byte:
		data = w
	case json.RawMessage:
		data = w
	case Matcher:
		return w, nil
	default:
		collectMatchers(reflect.ValueOf(want), found, map[uintptr]bool{}, 0)
		b, err := json.Marshal(want)
		if err != nil {
			return nil, fmt.Errorf("marshal %T: %w", want, err)
		}
		data = b
	}
	v, err := decodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if len(found) == 0 {
		return v, nil
	}
	return restoreMatchers(v, found)
}

// collectMatchers finds the matchers in v, by placeholder text.
func collectMatchers(v reflect.Value, found map[string]Matcher, seen map[uintptr]bool, depth int) {
	if !v.IsValid() || depth > 10000 {
		return
	}
	if m, ok := matcherOf(v); ok {
		found[placeholderPrefix+strconv.FormatUint(m.(*matcher).id, 10)] = m
		return
	}
	switch v.Kind() {
	case reflect.Interface:
		collectMatchers(v.Elem(), found, seen, depth+1)
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		collectMatchers(v.Elem(), found, seen, depth+1)
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			collectMatchers(it.Value(), found, seen, depth+1)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := 0; i < v.Len(); i++ {
			collectMatchers(v.Index(i), found, seen, depth+1)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				collectMatchers(v.Field(i), found, seen, depth+1)
			}
		}
	}
}

// restoreMatchers puts the matchers back where their placeholders are.
func restoreMatchers(v any, found map[string]Matcher) (any, error) {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, placeholderPrefix) {
			m, ok := found[x]
			if !ok {
				return nil, fmt.Errorf("a matcher inside a value with its own MarshalJSON cannot be found; put it in a map or an `any` field")
			}
			return m, nil
		}
	case map[string]any:
		for k, e := range x {
			r, err := restoreMatchers(e, found)
			if err != nil {
				return nil, err
			}
			x[k] = r
		}
	case []any:
		for i, e := range x {
			r, err := restoreMatchers(e, found)
			if err != nil {
				return nil, err
			}
			x[i] = r
		}
	}
	return v, nil
}

// describeTree returns a copy of a decoded JSON value with each matcher
// replaced by the call that made it, for messages.
func describeTree(v any) any {
	switch x := v.(type) {
	case Matcher:
		return fmt.Sprint(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = describeTree(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = describeTree(e)
		}
		return out
	}
	return v
}

// bodyGetter is the Body() []byte accessor of some captured requests.
type bodyGetter interface{ Body() []byte }

// bodyOf extracts a request body from the kinds of value RequestJSON takes.
func bodyOf(got any) ([]byte, error) {
	switch g := got.(type) {
	case nil:
		return nil, fmt.Errorf("nil")
	case []byte:
		return g, nil
	case json.RawMessage:
		return g, nil
	case string:
		return []byte(g), nil
	case *http.Request:
		return readRequestBody(g)
	case Matcher:
		return nil, fmt.Errorf("got is %s: a matcher belongs in want, the value under test is the body sent", g)
	case BodyProvider:
		return g.RequestBody(), nil
	case bodyGetter:
		return g.Body(), nil
	}
	v := reflect.ValueOf(got)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, fmt.Errorf("nil %T", got)
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct {
		for _, name := range []string{"RawBody", "Body"} {
			f := v.FieldByName(name)
			if !f.IsValid() || !f.CanInterface() {
				continue
			}
			switch b := f.Interface().(type) {
			case []byte:
				return b, nil
			case json.RawMessage:
				return b, nil
			case string:
				return []byte(b), nil
			}
		}
	}
	return nil, fmt.Errorf("cannot get a body from %T: want []byte, string, json.RawMessage, *http.Request, "+
		"a BodyProvider, a Body() []byte method, or a RawBody or Body field", got)
}

// readRequestBody returns r's body without consuming it: through GetBody
// when the request has one (as http.NewRequest sets for in-memory bodies),
// otherwise by reading Body and putting an unread copy back.
func readRequestBody(r *http.Request) ([]byte, error) {
	if r == nil {
		return nil, fmt.Errorf("nil *http.Request")
	}
	if r.GetBody != nil {
		rc, err := r.GetBody()
		if err != nil {
			return nil, fmt.Errorf("get request body: %w", err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			return nil, fmt.Errorf("read request body: %w", err)
		}
		return b, nil
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	return b, nil
}

func indent(v any) string {
	b, err := marshalStable(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(string(b), "\n")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n = textcut.Start(s, n, 0)
	return s[:n] + "..."
}

// isBodyCarrier reports whether got is a captured request rather than a
// value to render: an *http.Request, a BodyProvider or a Body() accessor.
func isBodyCarrier(got any) bool {
	switch got.(type) {
	case *http.Request, BodyProvider, bodyGetter, json.RawMessage:
		return true
	}
	return false
}
