package jsonpath

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, msg string
	}{
		{"empty", "", "empty path"},
		{"leading dot", ".a", "starts with a dot"},
		{"trailing dot", "a.", "empty key"},
		{"double dot", "a..b", "empty key"},
		{"dot before bracket", "a.[0]", "empty key"},
		{"unclosed", "a[0", "unclosed ["},
		{"unclosed star", "a[*", "unclosed ["},
		{"empty index", "a[]", "an index must be"},
		{"negative index", "a[-1]", "an index must be"},
		{"word index", "a[x]", "an index must be"},
		{"huge index", "a[99999999999999999999999]", "index out of range"},
		{"text after bracket", "a[0]b", "want '.' or '['"},
		{"stray close", "a]", `']' in a bare key`},
		{"quote in key", `a"b`, `'"' in a bare key`},
		{"unterminated quote", `a["b]`, "unterminated quoted key"},
		{"bad escape", `a["\q"]`, "bad quoted key"},
		{"quote not closed by bracket", `a["b"x]`, "unclosed ["},
		{"glob in key", "a*b", "stand alone"},
		{"triple star", "***", "stand alone"},
		{"lone close", "]", `']' in a bare key`},
		{"too many steps", strings.Repeat("a.", 255) + "a", "more than 255 steps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, want a *SyntaxError", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), strconv.Quote(tt.in)) {
				t.Errorf("Parse(%q): %q, want it to name the path and say %q", tt.in, err, tt.msg)
			}
		})
	}
}

func TestParseAndMatch(t *testing.T) {
	k, i := Key, Index
	tests := []struct {
		pattern string
		canon   string
		match   [][]Step
		miss    [][]Step
	}{
		{"seed", "seed", [][]Step{{k("seed")}}, [][]Step{{}, {k("seed"), k("x")}, {k("a"), k("seed")}}},
		{"messages[1].content", "messages[1].content", [][]Step{{k("messages"), i(1), k("content")}}, [][]Step{{k("messages"), i(2), k("content")}, {k("messages"), k("1"), k("content")}}},
		{"[0].ToolCallID", "[0].ToolCallID", [][]Step{{i(0), k("ToolCallID")}}, nil},
		{"messages[*].tool_calls[*].id", "messages[*].tool_calls[*].id", [][]Step{{k("messages"), i(3), k("tool_calls"), i(0), k("id")}}, [][]Step{{k("messages"), k("x"), k("tool_calls"), i(0), k("id")}}},
		{"*.id", "*.id", [][]Step{{k("a"), k("id")}}, [][]Step{{i(0), k("id")}}},
		{"**.x_groq", "**.x_groq", [][]Step{{k("x_groq")}, {k("a"), i(2), k("b"), k("x_groq")}}, [][]Step{{k("x_groq"), k("id")}}},
		{"a.**", "a.**", [][]Step{{k("a")}, {k("a"), i(1), k("b")}}, [][]Step{{k("b")}}},
		{"**.**.x", "**.x", [][]Step{{k("x")}, {k("q"), k("x")}}, nil},
		{`p["x-groq.id"]`, `p["x-groq.id"]`, [][]Step{{k("p"), k("x-groq.id")}}, [][]Step{{k("p"), k("x-groq"), k("id")}}},
		{`["*"]`, `["*"]`, [][]Step{{k("*")}}, [][]Step{{k("a")}}},
		{`[""]`, `[""]`, [][]Step{{k("")}}, nil},
		{`["a]b"][2]`, `["a]b"][2]`, [][]Step{{k("a]b"), i(2)}}, nil},
		{"日本.a b", `["日本"]["a b"]`, [][]Step{{k("日本"), k("a b")}}, nil},
		{"a-b_c.0", "a-b_c.0", [][]Step{{k("a-b_c"), k("0")}}, [][]Step{{k("a-b_c"), i(0)}}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			p, err := Parse(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if p.String() != tt.canon {
				t.Errorf("String() = %q, want %q", p.String(), tt.canon)
			}
			if p.Source() != tt.pattern {
				t.Errorf("Source() = %q", p.Source())
			}
			for _, path := range tt.match {
				if !p.Match(path) {
					t.Errorf("%q does not match %q", tt.pattern, Format(path))
				}
			}
			for _, path := range tt.miss {
				if p.Match(path) {
					t.Errorf("%q matches %q", tt.pattern, Format(path))
				}
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		path []Step
		want string
	}{
		{nil, ""},
		{[]Step{Key("messages"), Index(1), Key("content")}, "messages[1].content"},
		{[]Step{Index(0), Key("ToolCallID")}, "[0].ToolCallID"},
		{[]Step{Key("x.y"), Key("*"), Key(""), Key(`q"`)}, `["x.y"]["*"][""]["q\""]`},
	}
	for _, tt := range tests {
		if got := Format(tt.path); got != tt.want {
			t.Errorf("Format(%v) = %q, want %q", tt.path, got, tt.want)
		}
		if len(tt.path) > 0 && !MustParse(tt.want).Match(tt.path) {
			t.Errorf("%q does not match the path it prints", tt.want)
		}
	}
}

// TestMatchIsLinear: a pattern of many ** against a deep path answers at
// once (a backtracking matcher would take exponential time).
func TestMatchIsLinear(t *testing.T) {
	pat := strings.Repeat("**.a.", 127) + "b" // 255 steps, the most allowed
	p := MustParse(pat)
	path := make([]Step, 5000)
	for n := range path {
		path[n] = Key("a")
	}
	if p.Match(path) {
		t.Fatal("matched a path without b")
	}
	if !p.Match(append(path, Key("b"))) {
		t.Fatal("did not match")
	}
}

func decode(t testing.TB, s string) any {
	t.Helper()
	var v any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRemove(t *testing.T) {
	tests := []struct {
		pattern, in, want string
	}{
		{"seed", `{"seed":1,"a":{"seed":2}}`, `{"a":{"seed":2}}`},
		{"messages[*].tool_call_id", `{"messages":[{"tool_call_id":"x","c":1},{"c":2}]}`, `{"messages":[{"c":1},{"c":2}]}`},
		{"tools[0].function.strict", `{"tools":[{"function":{"strict":true,"n":1}},{"function":{"strict":true}}]}`, `{"tools":[{"function":{"n":1}},{"function":{"strict":true}}]}`},
		{"a[1]", `{"a":[1,2,3]}`, `{"a":[1,null,3]}`},
		{"a[*]", `{"a":[1,2,3]}`, `{"a":[]}`},
		{"a[9]", `{"a":[1]}`, `{"a":[1]}`},
		{"a[0]", `{"a":{"0":1}}`, `{"a":{"0":1}}`},
		{"a.b", `{"a":[{"b":1}]}`, `{"a":[{"b":1}]}`},
		{"**.id", `{"id":1,"m":[{"id":2,"x":{"id":3}}]}`, `{"m":[{"x":{}}]}`},
		{"*.id", `{"id":1,"m":{"id":2},"n":[{"id":3}]}`, `{"id":1,"m":{},"n":[{"id":3}]}`},
		{"[1]", `[1,2]`, `[1,null]`},
		{`["a.b"]`, `{"a.b":1,"a":{"b":2}}`, `{"a":{"b":2}}`},
		{"**", `{"a":1}`, `null`},
		{"a.**", `{"a":{"b":1},"c":2}`, `{"c":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			got := MustParse(tt.pattern).Remove(decode(t, tt.in))
			b, _ := json.Marshal(got)
			if string(b) != tt.want {
				t.Errorf("Remove(%s) = %s, want %s", tt.in, b, tt.want)
			}
		})
	}
}

// legacyParse and legacyRemove are cassettes/match.go's parseJSONPath and
// jsonPath.remove as they were before this package (commit 2ce82cb), kept
// to prove that Remove does what they did for every path they accepted.
type legacySeg struct {
	key   string
	index int
}

func legacyParse(p string) ([]legacySeg, bool) {
	var out []legacySeg
	for _, part := range strings.Split(p, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key != "" {
			out = append(out, legacySeg{key: key, index: -1})
		} else if rest == "" {
			return nil, false
		}
		if rest == "" {
			continue
		}
		for _, ix := range strings.Split("["+rest, "[")[1:] {
			ix, ok := strings.CutSuffix(ix, "]")
			if !ok {
				return nil, false
			}
			if ix == "*" {
				out = append(out, legacySeg{index: -2})
				continue
			}
			n, err := strconv.Atoi(ix)
			if err != nil || n < 0 {
				return nil, false
			}
			out = append(out, legacySeg{index: n})
		}
	}
	return out, len(out) > 0
}

func legacyRemove(p []legacySeg, v any) any {
	if len(p) == 0 {
		return v
	}
	s, rest := p[0], p[1:]
	switch t := v.(type) {
	case map[string]any:
		if s.index != -1 {
			return v
		}
		if len(rest) == 0 {
			delete(t, s.key)
		} else if c, ok := t[s.key]; ok {
			t[s.key] = legacyRemove(rest, c)
		}
	case []any:
		switch {
		case s.index == -2:
			if len(rest) == 0 {
				return []any{}
			}
			for n := range t {
				t[n] = legacyRemove(rest, t[n])
			}
		case s.index >= 0 && s.index < len(t):
			if len(rest) == 0 {
				t[s.index] = nil
			} else {
				t[s.index] = legacyRemove(rest, t[s.index])
			}
		}
	}
	return v
}

// checkLegacy fails when a path that both parsers accept removes
// different things from doc; it reports whether the legacy parser
// accepted a path that Parse rejects. Paths with a bare * or ** are left
// out: the legacy parser read them as literal keys, Parse as wildcards.
func checkLegacy(t *testing.T, path, doc string) (legacyOnly bool) {
	old, okOld := legacyParse(path)
	p, err := Parse(path)
	if !okOld {
		return false
	}
	for _, s := range old {
		if s.index == -1 && strings.Trim(s.key, "*") == "" {
			return false
		}
	}
	if err != nil {
		return true
	}
	var a, b any
	if json.Unmarshal([]byte(doc), &a) != nil {
		return false
	}
	json.Unmarshal([]byte(doc), &b)
	wa, _ := json.Marshal(legacyRemove(old, a))
	wb, _ := json.Marshal(p.Remove(b))
	if string(wa) != string(wb) {
		t.Errorf("path %q on %s: legacy removes to %s, Remove to %s", path, doc, wa, wb)
	}
	return false
}

const legacyDoc = `{"seed":1,"a":{"b":[1,{"c":2,"d":[3,4]}],"*":5},"messages":[{"tool_call_id":"x","content":"hi"},{"content":"yo"}],"tools":[{"function":{"strict":true}}],"x y":6}`

func TestRemoveAsLegacy(t *testing.T) {
	paths := []string{"seed", "a", "a.b", "a.b[1]", "a.b[*]", "a.b[1].d[0]", "a.b[*].c", "a.b[9]", "messages[*].tool_call_id",
		"messages[0]", "tools[0].function.strict", "x y", "[0]", "a.b[1].d[*]", "nope.x", "a[0]"}
	for _, p := range paths {
		if checkLegacy(t, p, legacyDoc) {
			t.Errorf("legacy accepted %q, Parse rejects it", p)
		}
	}
	// What the legacy parser accepted and Parse refuses, on purpose: an
	// empty key before a bracket, a signed index, a bare key holding a
	// bracket, quote or star. (A bare * or ** was a literal key there;
	// here it is a wildcard.)
	for _, p := range []string{"a.[0]", "a.b.[1]", "a[+1]", "a]", `a"b`, "a*b"} {
		if !checkLegacy(t, p, legacyDoc) {
			t.Errorf("%q: want legacy-only", p)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"seed", "messages[*].tool_calls[*].id", "[0].ToolCallID", "**.x_groq", `a["b.c"][2]`,
		"a..b", "a[", `["\u00e9"]`, "*.*", "a.**.b", "a]", "a[0]b", `a["x"`, "a.[0]", "", "[*][*]",
		strings.Repeat("a.", 600) + "a", strings.Repeat("é", 700) + "..x", "x[" + strings.Repeat("9", 1200) + "]"} {
		f.Add(s, legacyDoc)
	}
	f.Fuzz(func(t *testing.T, s, doc string) {
		p, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			// The message quotes at most maxQuoted bytes of the path, in
			// valid UTF-8 when the path is.
			if msg := err.Error(); len(msg) > 4*maxQuoted+len(se.Msg)+200 || utf8.ValidString(s) && !utf8.ValidString(msg) {
				t.Fatalf("Parse of a %d-byte path: a %d-byte message: %.300q", len(s), len(msg), msg)
			}
			return
		}
		// The canonical form parses back to the same pattern.
		q, err := Parse(p.String())
		if err != nil {
			t.Fatalf("Parse(%q) of String() of %q: %v", p.String(), s, err)
		}
		if !reflect.DeepEqual(p.steps, q.steps) {
			t.Fatalf("%q -> %q: steps %v, then %v", s, p.String(), p.steps, q.steps)
		}
		// A pattern without wildcards matches the path it prints.
		var path []Step
		literal := true
		for _, ps := range p.steps {
			switch ps.kind {
			case kindKey:
				path = append(path, Key(ps.key))
			case kindIndex:
				path = append(path, Index(ps.index))
			default:
				literal = false
			}
		}
		if literal {
			if !p.Match(path) {
				t.Fatalf("%q does not match its own path %q", s, Format(path))
			}
			if f := Format(path); f != p.String() {
				t.Fatalf("Format %q, String %q", f, p.String())
			}
		}
		checkLegacy(t, s, doc)
	})
}

func TestMatchBelow(t *testing.T) {
	p := MustParse("Usage.InputTokens")
	if !p.MatchBelow([]Step{Key("Usage")}) || !p.MatchBelow(nil) || !p.MatchBelow([]Step{Key("Usage"), Key("InputTokens")}) {
		t.Error("MatchBelow false on a prefix")
	}
	if p.MatchBelow([]Step{Key("Parts")}) || p.MatchBelow([]Step{Key("Usage"), Key("InputTokens"), Key("x")}) {
		t.Error("MatchBelow true off the pattern")
	}
	if !MustParse("**.id").MatchBelow([]Step{Key("a"), Index(3)}) {
		t.Error("** matches below anything")
	}
}
