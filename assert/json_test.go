package assert_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/assert"
)

// retryBody is a real Groq request body (see testdata/SOURCE.md).
func retryBody(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/groq_tool_retry_request.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// capture implements assert.BodyProvider, as a fake's captured request does.
type capture struct{ body []byte }

func (c capture) RequestBody() []byte { return c.body }

// bodyMethod has a Body() []byte accessor.
type bodyMethod struct{ b []byte }

func (m *bodyMethod) Body() []byte { return m.b }

// cassetteRequest looks like go-vcr's cassette.Request.
type cassetteRequest struct {
	Method string
	Body   string
}

// rawRequest has a RawBody field.
type rawRequest struct{ RawBody []byte }

func TestRequestJSONGotKinds(t *testing.T) {
	body := retryBody(t)
	tests := []struct {
		name string
		got  func() any
	}{
		{"bytes", func() any { return body }},
		{"string", func() any { return string(body) }},
		{"raw message", func() any { return json.RawMessage(body) }},
		{"http request", func() any {
			r, _ := http.NewRequest("POST", "http://x/openai/v1/chat/completions", bytes.NewReader(body))
			return r
		}},
		{"body provider", func() any { return capture{body} }},
		{"body method", func() any { return &bodyMethod{body} }},
		{"cassette request", func() any { return cassetteRequest{Method: "POST", Body: string(body)} }},
		{"raw body field", func() any { return &rawRequest{RawBody: body} }},
	}
	// The same body, reindented and with keys in another order.
	var tree map[string]any
	if err := json.Unmarshal(body, &tree); err != nil {
		t.Fatal(err)
	}
	want, _ := json.MarshalIndent(tree, "", "    ")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := record(t.Name(), func(tb testing.TB) bool { return assert.RequestJSON(tb, string(want), tt.got()) })
			expectPass(t, r, ok)
		})
	}
}

func TestRequestJSONRestoresBody(t *testing.T) {
	body := retryBody(t)
	req, _ := http.NewRequest("POST", "http://x/", bytes.NewReader(body))
	r, ok := record("restore", func(tb testing.TB) bool { return assert.RequestJSON(tb, body, req) })
	expectPass(t, r, ok)
	again, err := io.ReadAll(req.Body)
	if err != nil || !bytes.Equal(again, body) {
		t.Errorf("body after RequestJSON = %q, %v; want it unread", again, err)
	}
}

func TestRequestJSONWantKinds(t *testing.T) {
	got := `{"model":"llama-3.3-70b-versatile","n":1,"seed":12345678901234567890,"temperature":0.0}`
	type wire struct {
		Model       string  `json:"model"`
		N           int     `json:"n"`
		Seed        uint64  `json:"seed"`
		Temperature float64 `json:"temperature"`
	}
	tests := []struct {
		name string
		want any
	}{
		{"string", `{"temperature": 0, "seed": 12345678901234567890, "n": 1.0, "model": "llama-3.3-70b-versatile"}`},
		{"bytes", []byte(got)},
		{"raw message", json.RawMessage(got)},
		{"map", map[string]any{"model": assert.AnyString(), "n": 1, "seed": uint64(12345678901234567890), "temperature": 0}},
		{"struct", wire{"llama-3.3-70b-versatile", 1, 12345678901234567890, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := record(t.Name(), func(tb testing.TB) bool { return assert.RequestJSON(tb, tt.want, got) })
			expectPass(t, r, ok)
		})
	}
}

func TestRequestJSONDifferences(t *testing.T) {
	body := string(retryBody(t))
	edit := func(old, new string) string {
		if !strings.Contains(body, old) {
			t.Fatalf("body lacks %q", old)
		}
		return strings.Replace(body, old, new, 1)
	}
	tests := []struct {
		name  string
		got   string
		opts  []assert.Option
		fails []string
	}{
		{
			name:  "string value",
			got:   edit(`"content":"Something with name: test"`, `"content":"Something with name: tset"`),
			fails: []string{`messages[5].content: want "Something with name: test", got "Something with name: tset"`},
		},
		{
			name:  "number",
			got:   edit(`"n":1`, `"n":2`),
			fails: []string{`n: want 1, got 2`, `"n":           float64(1),`, `"n":           float64(2),`},
		},
		{
			name:  "missing key",
			got:   edit(`"tool_choice":"auto",`, ``),
			fails: []string{`tool_choice: missing, want "auto"`},
		},
		{
			name:  "extra key",
			got:   edit(`"n":1,`, `"n":1,"seed":42,`),
			fails: []string{`seed: unexpected, got 42`},
		},
		{
			name:  "type",
			got:   edit(`"stream":false`, `"stream":"false"`),
			fails: []string{`stream: want false, got "false"`},
		},
		{
			name:  "null",
			got:   edit(`"description":""`, `"description":null`),
			fails: []string{`tools[0].function.description: want "", got nil`},
		},
		{
			name: "array element",
			got:  edit(`"required":["name"]`, `"required":["name","age"]`),
			fails: []string{
				`tools[0].function.parameters.required[1]: unexpected, got "age"`,
			},
		},
		{
			name: "ignored paths",
			got: edit(`"id":"fc_311ba17b-89f9-48d3-8fd9-7e74a1264855"`, `"id":"fc_other"`)[0:0] +
				strings.ReplaceAll(strings.ReplaceAll(body, "fc_311ba17b-89f9-48d3-8fd9-7e74a1264855", "fc_other"), `"n":1,`, `"n":1,"seed":7,`),
			opts: []assert.Option{assert.IgnorePaths("messages[*].tool_calls[*].id", "messages[*].tool_call_id", "seed")},
		},
		{
			name: "ignored paths with wildcards",
			got:  strings.ReplaceAll(body, "fc_311ba17b-89f9-48d3-8fd9-7e74a1264855", "fc_other"),
			opts: []assert.Option{assert.IgnorePaths("**.id", "messages[5].*")},
		},
		{
			name:  "ignored path does not hide others",
			got:   strings.ReplaceAll(edit(`"n":1`, `"n":3`), "fc_311ba17b-89f9-48d3-8fd9-7e74a1264855", "fc_other"),
			opts:  []assert.Option{assert.IgnorePaths("messages[*].tool_calls[*].id", "messages[*].tool_call_id")},
			fails: []string{`n: want 1, got 3`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := record(t.Name(), func(tb testing.TB) bool { return assert.RequestJSON(tb, body, tt.got, tt.opts...) })
			if tt.fails == nil {
				expectPass(t, r, ok)
				return
			}
			expectFail(t, r, ok, false, append([]string{"assert.RequestJSON: request body differs (-want +got):", "map[string]any{"}, tt.fails...)...)
		})
	}
}

func TestRequestJSONMatchers(t *testing.T) {
	body := retryBody(t)
	want := map[string]any{
		"model":       assert.Matches(`^openai/`),
		"n":           assert.NonEmpty(),
		"stream":      false,
		"tool_choice": assert.AnyString(),
		"tools":       assert.NonEmpty(),
		"messages": []any{
			map[string]any{"role": "system", "content": assert.Matches("^Be concise")},
			map[string]any{"role": "user", "content": assert.AnyString()},
			map[string]any{"role": "assistant", "tool_calls": []any{map[string]any{
				"id": assert.Matches(`^pyd_ai_[0-9a-f]{32}$`), "type": "function",
				"function": map[string]any{"name": "get_something_by_name", "arguments": assert.JSONEqual(`{"foo": "bar"}`)},
			}}},
			map[string]any{"role": "tool", "tool_call_id": assert.NonEmpty(), "content": assert.Matches(`(?s)^2 validation errors`)},
			map[string]any{"role": "assistant", "content": assert.NonEmpty(), "tool_calls": []any{map[string]any{
				"id": assert.AnyString(), "type": "function",
				"function": map[string]any{"name": "get_something_by_name", "arguments": assert.JSONEqual(`{"name":"test"}`)},
			}}},
			map[string]any{"role": "tool", "tool_call_id": assert.AnyString(), "content": "Something with name: test"},
		},
	}
	r, ok := record("fuzzy", func(tb testing.TB) bool { return assert.RequestJSON(tb, want, body) })
	expectPass(t, r, ok)

	// The same matchers fail on values they do not describe.
	bad := map[string]any{
		"model":       assert.Matches(`^llama`),
		"n":           assert.AnyString(),
		"stream":      assert.NonEmpty(),
		"tool_choice": assert.JSONEqual(`"none"`),
		"messages":    assert.NonEmpty(),
		"tools":       assert.Matches(`(`),
		"missing":     assert.NonEmpty(),
	}
	r, ok = record("fuzzy", func(tb testing.TB) bool { return assert.RequestJSON(tb, bad, body) })
	expectFail(t, r, ok, false,
		`model: want a string matching "^llama", got "openai/gpt-oss-120b"`,
		`n: want any string, got 1`,
		`tool_choice: want JSON equal to "none", got "auto" (not JSON)`,
		"tools: want assert.Matches(\"(\"), which can never match: invalid regexp: error parsing regexp: missing closing ): `(`, got [",
		`missing: missing, want any non-empty value`,
	)
	if strings.Contains(r.output(), "stream:") || strings.Contains(r.output(), "messages:") {
		t.Errorf("NonEmpty should match false and a list:\n%s", r.output())
	}

	// A JSON text holds no matcher: At gives them paths.
	text := `{"id": "", "created": 0, "when": ""}`
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	opts := []assert.Option{
		assert.WithClock(func() time.Time { return now }),
		assert.At("id", assert.Matches(`^chatcmpl-`)),
		assert.At("created", assert.Recent(time.Minute)),
		assert.At("when", assert.Recent(time.Minute)),
	}
	got := fmt.Sprintf(`{"id": "chatcmpl-1", "created": %d, "when": %q}`, now.Unix()-30, now.Add(20*time.Second).Format(time.RFC3339))
	r, ok = record("fuzzy", func(tb testing.TB) bool { return assert.RequestJSON(tb, text, got, opts...) })
	expectPass(t, r, ok)
	got = fmt.Sprintf(`{"id": "chatcmpl-1", "created": %d, "when": "yesterday"}`, now.Unix()-90)
	r, ok = record("fuzzy", func(tb testing.TB) bool { return assert.RequestJSON(tb, text, got, opts...) })
	expectFail(t, r, ok, false, `created: want a time within 1m0s of now, got `+fmt.Sprint(now.Unix()-90)+` (1m30s before now)`,
		`when: want a time within 1m0s of now, got "yesterday" (not a time)`)

	// Recent inside an expected map.
	wantMap := map[string]any{"created": assert.Recent(time.Minute)}
	clock := opts[0]
	r, ok = record("fuzzy", func(tb testing.TB) bool {
		return assert.RequestJSON(tb, wantMap, fmt.Sprintf(`{"created": %d}`, now.Unix()), clock)
	})
	expectPass(t, r, ok)
	r, ok = record("fuzzy", func(tb testing.TB) bool {
		return assert.RequestJSON(tb, wantMap, fmt.Sprintf(`{"created": %d}`, now.Unix()-3600), clock)
	})
	expectFail(t, r, ok, false, `created: want a time within 1m0s of now, got `)

	// Matchers inside a struct marshalled to JSON come back as matchers.
	type message struct {
		Role    string `json:"role"`
		Content any    `json:"content"`
	}
	type request struct {
		Model    string    `json:"model"`
		Seed     any       `json:"seed,omitempty"`
		Messages []message `json:"messages"`
	}
	wantStruct := request{Model: "m", Seed: assert.NonEmpty(), Messages: []message{{Role: "user", Content: assert.Matches("^Hi")}}}
	r, ok = record("fuzzy", func(tb testing.TB) bool {
		return assert.RequestJSON(tb, wantStruct, `{"model":"m","seed":7,"messages":[{"role":"user","content":"Hi there"}]}`)
	})
	expectPass(t, r, ok)
	r, ok = record("fuzzy", func(tb testing.TB) bool {
		return assert.RequestJSON(tb, wantStruct, `{"model":"m","seed":7,"messages":[{"role":"user","content":"Bye"}]}`)
	})
	expectFail(t, r, ok, false, `messages[0].content: want a string matching "^Hi", got "Bye"`)
}

func TestRequestJSONBadInput(t *testing.T) {
	tests := []struct {
		name  string
		want  any
		got   any
		fatal bool
		fails []string
	}{
		{name: "want not JSON", want: `{"a":`, got: `{}`, fatal: true, fails: []string{"assert.RequestJSON: want: invalid JSON: unexpected EOF"}},
		{name: "want trailing data", want: `{} {}`, got: `{}`, fatal: true, fails: []string{"assert.RequestJSON: want: invalid JSON"}},
		{name: "want not marshallable", want: map[string]any{"f": func() {}}, got: `{}`, fatal: true, fails: []string{"assert.RequestJSON: want: marshal map[string]interface {}: json: unsupported type: func()"}},
		{name: "got not JSON", want: `{}`, got: `model=x`, fails: []string{"assert.RequestJSON: got a body that is not JSON (invalid character 'm' looking for beginning of value):\nmodel=x"}},
		{name: "got empty", want: `{"a":1}`, got: []byte(nil), fails: []string{"assert.RequestJSON: got an empty body, want:\n{\n  \"a\": 1\n}"}},
		{name: "got nil", want: `{}`, got: nil, fails: []string{"assert.RequestJSON: got: nil"}},
		{name: "got nil request", want: `{}`, got: (*http.Request)(nil), fails: []string{"assert.RequestJSON: got: nil *http.Request"}},
		{name: "got unsupported", want: `{}`, got: 42, fails: []string{"assert.RequestJSON: got: cannot get a body from int"}},
		{name: "got a matcher", want: `{}`, got: assert.AnyString(), fails: []string{"assert.RequestJSON: got: got is assert.AnyString(): a matcher belongs in want"}},
		{name: "got request without body", want: `{}`, got: func() any { r, _ := http.NewRequest("GET", "http://x/", nil); return r }(), fails: []string{"got an empty body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := record(t.Name(), func(tb testing.TB) bool { return assert.RequestJSON(tb, tt.want, tt.got) })
			expectFail(t, r, ok, tt.fatal, tt.fails...)
		})
	}
}

func FuzzRequestJSON(f *testing.F) {
	body, err := os.ReadFile("testdata/groq_tool_retry_request.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(body), string(body))
	f.Add(`{"a":[1,2,{"b":null}]}`, `{"a":[1,2.0,{"b":false}]}`)
	f.Add(`"<assert.Matches (>"`, `"x"`)
	f.Add(`{"x":"<assert.JSONEqual {\"a\":1}>"}`, `{"x":{"a":1}}`)
	f.Add(`1e400`, `1`)
	f.Add(`{"city":"Paris"}`, `{"city":"<assert.AnyString>"}`)
	f.Add(`{"n":[]}`, `{"n":{}}`)
	f.Add(`{"n":1.0}`, `{"n":10e-1}`)
	f.Fuzz(func(t *testing.T, want, got string) {
		if !json.Valid([]byte(want)) {
			return
		}
		// Must not panic or hang; a result either way is fine.
		r, ok := record("fuzz", func(tb testing.TB) bool { return assert.RequestJSON(tb, want, got) })
		if ok && r.Failed() {
			t.Fatalf("returned true but reported: %s", r.output())
		}
		if !ok && !r.Failed() {
			t.Fatalf("returned false without reporting")
		}
		if want == got {
			if !ok {
				t.Fatalf("identical JSON differs: %s", r.output())
			}
		}
		// Text is data on both sides: the result is plain JSON equality,
		// judged here by math/big for numbers (skipped where an exponent
		// would cost big.Rat too much).
		if eq, known := oracleEqual(want, got); known && eq != ok {
			t.Fatalf("RequestJSON(%s, %s) = %v, JSON equality says %v: %s", want, got, ok, eq, r.output())
		}
	})
}

// oracleEqual decides JSON equality independently of package assert.
func oracleEqual(a, b string) (eq, known bool) {
	decode := func(s string) (any, bool) {
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		var v any
		if d.Decode(&v) != nil {
			return nil, false
		}
		if _, err := d.Token(); err != io.EOF {
			return nil, false
		}
		return v, true
	}
	va, okA := decode(a)
	vb, okB := decode(b)
	if !okA || !okB {
		return false, false
	}
	known = true
	var equal func(x, y any) bool
	equal = func(x, y any) bool {
		switch x := x.(type) {
		case json.Number:
			y, ok := y.(json.Number)
			if !ok {
				return false
			}
			for _, n := range []json.Number{x, y} {
				if i := strings.IndexAny(string(n), "eE"); i >= 0 {
					if e, err := strconv.Atoi(strings.TrimPrefix(string(n)[i+1:], "+")); err != nil || e > 400 || e < -400 {
						known = false
						return string(x) == string(y)
					}
				}
			}
			rx, _ := new(big.Rat).SetString(string(x))
			ry, _ := new(big.Rat).SetString(string(y))
			return rx != nil && ry != nil && rx.Cmp(ry) == 0
		case map[string]any:
			y, ok := y.(map[string]any)
			if !ok || len(x) != len(y) {
				return false
			}
			for k, e := range x {
				f, ok := y[k]
				if !ok || !equal(e, f) {
					return false
				}
			}
			return true
		case []any:
			y, ok := y.([]any)
			if !ok || len(x) != len(y) {
				return false
			}
			for i := range x {
				if !equal(x[i], y[i]) {
					return false
				}
			}
			return true
		}
		return x == y
	}
	eq = equal(va, vb)
	return eq, known
}

func TestRequestJSONHugeExponent(t *testing.T) {
	// Exact comparison must not try to build 10^999999999.
	r, ok := record("huge", func(tb testing.TB) bool { return assert.RequestJSON(tb, `{"a":1e999999999}`, `{"a":1e999999999}`) })
	expectPass(t, r, ok)
	r, ok = record("huge", func(tb testing.TB) bool { return assert.RequestJSON(tb, `{"a":1e999999999}`, `{"a":2e999999999}`) })
	expectFail(t, r, ok, false, "a: want 1e999999999, got 2e999999999")
	r, ok = record("huge", func(tb testing.TB) bool { return assert.RequestJSON(tb, `{"a":1e2}`, `{"a":100.0}`) })
	expectPass(t, r, ok)
}

func TestRequestJSONServerSideRequest(t *testing.T) {
	// A request as a server or RoundTripper sees it: no GetBody, a stream.
	body := retryBody(t)
	req, _ := http.NewRequest("POST", "http://x/", nil)
	req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body[:10]), bytes.NewReader(body[10:])))
	r, ok := record("server", func(tb testing.TB) bool { return assert.RequestJSON(tb, body, req) })
	expectPass(t, r, ok)
	again, _ := io.ReadAll(req.Body)
	if !bytes.Equal(again, body) {
		t.Errorf("body not restored: %q", again)
	}
	// A failing body read is reported, not a panic.
	req.Body = io.NopCloser(failingReader{})
	r, ok = record("server", func(tb testing.TB) bool { return assert.RequestJSON(tb, body, req) })
	expectFail(t, r, ok, false, "assert.RequestJSON: got: read request body: disk on fire")
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errDisk }

var errDisk = diskErr{}

type diskErr struct{}

func (diskErr) Error() string { return "disk on fire" }

func TestRequestJSONQuotedKeys(t *testing.T) {
	want := `{"a":{"b.c":[1],"x-groq":{"id":"1"}}}`
	got := `{"a":{"b.c":[2],"x-groq":{"id":"2"}}}`
	r, ok := record("quoted", func(tb testing.TB) bool { return assert.RequestJSON(tb, want, got) })
	expectFail(t, r, ok, false, `a["b.c"][0]: want 1, got 2`, `a.x-groq.id: want "1", got "2"`)
	r, ok = record("quoted", func(tb testing.TB) bool {
		return assert.RequestJSON(tb, want, got, assert.IgnorePaths(`a["b.c"][0]`, "a.x-groq.id"))
	})
	expectPass(t, r, ok)
}
