// Package jsonpath parses, matches and prints the paths that llmvcr's
// options take ("messages[*].tool_calls[*].id") and its failure messages
// print. It is the one grammar of assert's IgnorePaths and At, and of
// cassettes' IgnoreJSONPaths.
//
// A path is a list of steps. A key (an object key or a struct field) is
// written bare, separated from the step before it by a dot, or quoted in
// brackets when it holds anything but letters, digits, '_' and '-':
//
//	messages[1].content
//	provider_details["x-groq.id"]
//	[0].ToolCallID           (a path into a list starts with its index)
//
// In a pattern, [*] stands for any index, a bare * for any one key, and a
// bare ** for any number of steps, none included. A malformed path is an
// error (a *SyntaxError), never a pattern that silently matches nothing:
// an empty path or key, a leading, trailing or doubled dot, an unclosed
// bracket, an index that is not a decimal number, * or a quoted key, a
// bare key holding '*', ']' or '"', and text right after a ']'. Parsing,
// matching and removal run in time linear in the path's length times the
// pattern's, whatever their content.
package jsonpath

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/llmvcr/llmvcr/internal/textcut"
)

// Step is one step of a concrete path: a key or an index.
type Step struct {
	Key   string // the object key or struct field name, when Index < 0
	Index int    // the list index; -1 for a key
}

// Key returns the step of an object key or struct field.
func Key(k string) Step { return Step{Key: k, Index: -1} }

// Index returns the step of a list index.
func Index(i int) Step { return Step{Index: i} }

type kind uint8

const (
	kindKey      kind = iota // a literal key
	kindIndex                // a literal index
	kindAnyKey               // *
	kindAnyIndex             // [*]
	kindAnySteps             // **
)

type patStep struct {
	kind  kind
	key   string
	index int
}

// Pattern is a parsed path, possibly with wildcards.
type Pattern struct {
	src   string
	steps []patStep
}

// SyntaxError reports a malformed path.
type SyntaxError struct {
	Path   string // the path as given
	Offset int    // byte offset of the problem in Path
	Msg    string // what is wrong
}

func (e *SyntaxError) Error() string {
	p := e.Path
	if len(p) > maxQuoted {
		// A path this long is quoted around the fault, so that the
		// message stays short.
		start := max(e.Offset-maxQuoted/2, 0)
		start = textcut.Start(p, start, 0)
		end := min(start+maxQuoted, len(p))
		end = textcut.Start(p, end, start)
		return fmt.Sprintf("bad path (%d bytes) %s%q%s at byte %d: %s", len(p), dots(start > 0), p[start:end], dots(end < len(p)), e.Offset, e.Msg)
	}
	return fmt.Sprintf("bad path %q at byte %d: %s", e.Path, e.Offset, e.Msg)
}

// maxQuoted is the most of a path a *SyntaxError quotes.
const maxQuoted = 1000

func dots(b bool) string {
	if b {
		return "..."
	}
	return ""
}

// MaxSteps bounds the steps of a pattern, so that matching needs no
// memory beyond a fixed set of states.
const MaxSteps = 255

// Parse parses a path pattern. The error is a *SyntaxError.
func Parse(s string) (Pattern, error) {
	p := Pattern{src: s}
	bad := func(off int, msg string) (Pattern, error) {
		return Pattern{}, &SyntaxError{Path: s, Offset: off, Msg: msg}
	}
	if s == "" {
		return bad(0, "empty path")
	}
	i := 0
	for i < len(s) {
		switch c := s[i]; {
		case c == '[':
			start := i
			i++
			switch {
			case i < len(s) && s[i] == '"':
				end, ok := quotedEnd(s, i)
				if !ok {
					return bad(i, "unterminated quoted key")
				}
				k, err := strconv.Unquote(s[i:end])
				if err != nil {
					return bad(i, "bad quoted key: "+err.Error())
				}
				p.steps = append(p.steps, patStep{kind: kindKey, key: k})
				i = end
			case i < len(s) && s[i] == '*':
				p.steps = append(p.steps, patStep{kind: kindAnyIndex})
				i++
			default:
				j := i
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
				}
				if j == i {
					return bad(i, "an index must be a number, * or a quoted key")
				}
				n, err := strconv.Atoi(s[i:j])
				if err != nil {
					return bad(i, "index out of range")
				}
				p.steps = append(p.steps, patStep{kind: kindIndex, index: n})
				i = j
			}
			if i >= len(s) || s[i] != ']' {
				return bad(start, "unclosed [")
			}
			i++
			if i < len(s) && s[i] != '.' && s[i] != '[' {
				return bad(i, "want '.' or '[' after ']'")
			}
		case c == '.':
			if len(p.steps) == 0 {
				return bad(i, "starts with a dot")
			}
			i++
			if i == len(s) || s[i] == '.' || s[i] == '[' {
				return bad(i, "empty key")
			}
			fallthrough
		default:
			if c != '.' && len(p.steps) > 0 {
				return bad(i, "want '.' or '[' before a key")
			}
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				if s[j] == ']' || s[j] == '"' {
					return bad(j, fmt.Sprintf("%q in a bare key: quote the key as [\"...\"]", s[j]))
				}
				j++
			}
			k := s[i:j]
			switch {
			case k == "*":
				p.steps = append(p.steps, patStep{kind: kindAnyKey})
			case k == "**":
				if n := len(p.steps); n == 0 || p.steps[n-1].kind != kindAnySteps { // ** ** is **
					p.steps = append(p.steps, patStep{kind: kindAnySteps})
				}
			case strings.Contains(k, "*"):
				return bad(i, "* and ** stand alone; quote a key holding '*' as [\"...\"]")
			default:
				p.steps = append(p.steps, patStep{kind: kindKey, key: k})
			}
			i = j
		}
		if len(p.steps) > MaxSteps {
			return bad(i, fmt.Sprintf("more than %d steps", MaxSteps))
		}
	}
	return p, nil
}

// quotedEnd returns the index just past the string literal that starts
// at s[i] == '"'.
func quotedEnd(s string, i int) (int, bool) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// MustParse is Parse for paths written in code; it panics on a bad one.
func MustParse(s string) Pattern {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// Source returns the path as it was given to Parse.
func (p Pattern) Source() string { return p.src }

// String returns the pattern in canonical form: Parse(p.String()) is p.
func (p Pattern) String() string {
	var b strings.Builder
	for n, s := range p.steps {
		switch s.kind {
		case kindKey:
			appendKey(&b, s.key, n == 0)
		case kindIndex:
			fmt.Fprintf(&b, "[%d]", s.index)
		case kindAnyIndex:
			b.WriteString("[*]")
		case kindAnyKey, kindAnySteps:
			if n > 0 {
				b.WriteByte('.')
			}
			b.WriteString(map[kind]string{kindAnyKey: "*", kindAnySteps: "**"}[s.kind])
		}
	}
	return b.String()
}

// Format prints a concrete path as failure messages show it and Parse
// reads it: messages[1].content, ["odd key"].x.
func Format(path []Step) string {
	var b strings.Builder
	for n, s := range path {
		if s.Index >= 0 {
			fmt.Fprintf(&b, "[%d]", s.Index)
			continue
		}
		appendKey(&b, s.Key, n == 0)
	}
	return b.String()
}

func appendKey(b *strings.Builder, k string, first bool) {
	if !bare(k) {
		b.WriteByte('[')
		b.WriteString(strconv.Quote(k))
		b.WriteByte(']')
		return
	}
	if !first {
		b.WriteByte('.')
	}
	b.WriteString(k)
}

// bare reports whether a key can be written without quotes.
func bare(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Match reports whether the pattern matches the whole path.
func (p Pattern) Match(path []Step) bool {
	st := p.start()
	for _, s := range path {
		st = p.advance(st, s, nil)
		if st.empty() {
			return false
		}
	}
	return st.has(len(p.steps))
}

// MatchBelow reports whether the pattern matches path or a path below it:
// whether something at or under path may match.
func (p Pattern) MatchBelow(path []Step) bool {
	st := p.start()
	for _, s := range path {
		st = p.advance(st, s, nil)
		if st.empty() {
			return false
		}
	}
	return true
}

// states is a set of positions in a pattern (0..MaxSteps).
type states [(MaxSteps + 64) / 64]uint64

func (st *states) add(i int)     { st[i/64] |= 1 << (i % 64) }
func (st states) has(i int) bool { return st[i/64]&(1<<(i%64)) != 0 }
func (st states) empty() bool {
	for _, w := range st {
		if w != 0 {
			return false
		}
	}
	return true
}

// start returns the states before the first step, closed over ** (which
// may match no step).
func (p Pattern) start() states {
	var st states
	st.add(0)
	p.close(&st)
	return st
}

func (p Pattern) close(st *states) {
	for i, s := range p.steps {
		if s.kind == kindAnySteps && st.has(i) {
			st.add(i + 1)
		}
	}
}

// advance returns the states after step s. byIndex, when not nil, is set
// to whether the end was reached through a literal [n] (rather than a
// wildcard).
func (p Pattern) advance(st states, s Step, byIndex *bool) states {
	var next states
	for i, ps := range p.steps {
		if !st.has(i) {
			continue
		}
		ok := false
		switch ps.kind {
		case kindAnySteps:
			next.add(i)
			continue
		case kindKey:
			ok = s.Index < 0 && s.Key == ps.key
		case kindAnyKey:
			ok = s.Index < 0
		case kindIndex:
			ok = s.Index >= 0 && s.Index == ps.index
		case kindAnyIndex:
			ok = s.Index >= 0
		}
		if ok {
			next.add(i + 1)
			if byIndex != nil && i+1 == len(p.steps) && ps.kind == kindIndex {
				*byIndex = true
			}
		}
	}
	p.close(&next)
	return next
}

// Remove deletes from a decoded JSON value (map[string]any, []any and
// scalars, as encoding/json decodes into an any) every value the pattern
// matches, and returns the result; maps and slices are changed in place.
// A matched object key is deleted. A list element matched by a literal
// index ([2]) becomes null, so that the other elements keep their
// positions; list elements matched by a wildcard are dropped ([*] at the
// end empties the list). A pattern that matches the root (**) returns nil.
func (p Pattern) Remove(v any) any {
	st := p.start()
	if st.has(len(p.steps)) {
		return nil
	}
	return p.remove(v, st)
}

func (p Pattern) remove(v any, st states) any {
	end := len(p.steps)
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			next := p.advance(st, Key(k), nil)
			switch {
			case next.has(end):
				delete(t, k)
			case !next.empty():
				t[k] = p.remove(e, next)
			}
		}
	case []any:
		w := 0 // elements are moved down over dropped ones, in place
		for n, e := range t {
			byIndex := false
			next := p.advance(st, Index(n), &byIndex)
			switch {
			case next.has(end) && byIndex:
				e = nil
			case next.has(end):
				continue
			case !next.empty():
				e = p.remove(e, next)
			}
			t[w] = e
			w++
		}
		if w < len(t) {
			clear(t[w:])
			return t[:w]
		}
	}
	return v
}
