package secrets

import "strings"

// needles answers whether any of a set of strings occurs in a text, in
// one pass over it instead of one search per string: a bit for each byte
// pair that starts one of the strings, and a comparison only where the
// text holds such a pair. Every scrubbed text (each recorded body when
// replay indexes a cassette, each replayed request's URL) goes through it
// before anything else, and most hold none of the strings.
type needles struct {
	pairs [1 << 16 / 64]uint64 // bit p: a string starts with the bytes p>>8, p&0xff
	first [256][]string        // the strings by their first byte
	short bool                 // a string has fewer than 2 bytes: every text is a candidate
}

func newNeedles(ss []string) *needles {
	n := &needles{}
	for _, s := range ss {
		if len(s) < 2 {
			n.short = true
			continue
		}
		p := uint16(s[0])<<8 | uint16(s[1])
		n.pairs[p>>6] |= 1 << (p & 63)
		n.first[s[0]] = append(n.first[s[0]], s)
	}
	return n
}

// in reports whether one of the strings occurs in v.
func (n *needles) in(v string) bool {
	if n.short {
		return true
	}
	for i := 0; i+1 < len(v); i++ {
		p := uint16(v[i])<<8 | uint16(v[i+1])
		if n.pairs[p>>6]&(1<<(p&63)) == 0 {
			continue
		}
		for _, s := range n.first[v[i]] {
			if strings.HasPrefix(v[i:], s) {
				return true
			}
		}
	}
	return false
}

// shapeNeedles are the shapes' hints: text holding none has no shape.
var shapeNeedles = newNeedles(ShapeHints())

// MayHold reports whether v holds a configured value in one of its forms
// or a shape's hint. When it does not, ScrubText returns v unchanged
// unless v holds an escape ('\\' or '%') that may hide a secret.
func (e *Engine) MayHold(v string) bool {
	return e.needles.in(v)
}
