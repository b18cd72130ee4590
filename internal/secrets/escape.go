package secrets

import (
	"encoding/json"
	"strings"

	"github.com/llmvcr/llmvcr/internal/jsonvalue"
)

// Secrets hide behind escapes: a JSON string may spell a character as
// \u0046 or '/' as \/, and a URL may percent-encode in either case. The
// helpers below give the scrubber and the scans the decoded text, so a
// secret is found however it was written.

// maxViewDepth bounds how many times a JSON string inside a JSON string
// is decoded.
const maxViewDepth = 8

// jsonLiterals calls f for every double-quoted string literal in v that
// contains a backslash escape and decodes as a JSON string; start and end
// delimit the literal with its quotes.
func jsonLiterals(v string, f func(start, end int, decoded string)) {
	for i := 0; i < len(v); i++ {
		if v[i] != '"' {
			continue
		}
		esc := false
		j := i + 1
		for ; j < len(v); j++ {
			c := v[j]
			if c == '\\' {
				esc = true
				j++
				continue
			}
			if c == '"' || c == '\n' {
				break
			}
		}
		if j >= len(v) {
			return
		}
		if v[j] == '\n' {
			i = j
			continue
		}
		if esc {
			var d string
			if json.Unmarshal([]byte(v[i:j+1]), &d) == nil {
				f(i, j+1, d)
			}
		}
		i = j
	}
}

// encodeJSONString writes s as a JSON string literal without HTML
// escaping, as most clients do.
func encodeJSONString(s string) string {
	b, err := jsonvalue.Marshal(s)
	if err != nil {
		return `"` + Redacted + `"`
	}
	return string(b)
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// upperPercent returns v with the hex digits of every %XX escape in upper
// case (the same URL, RFC 3986 section 6.2.2.1), so that encoded forms of
// the secrets, which are upper case, are found.
func upperPercent(v string) string {
	if !strings.Contains(v, "%") {
		return v
	}
	b := []byte(v)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' && isHex(b[i+1]) && isHex(b[i+2]) {
			b[i+1], b[i+2] = upperHex(b[i+1]), upperHex(b[i+2])
		}
	}
	return string(b)
}

func upperHex(c byte) byte {
	if c >= 'a' && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

// percentDecode decodes every valid %XX escape of v (and, when plus is
// true, '+' as a space), leaving anything else as it is.
func percentDecode(v string, plus bool) string {
	if !strings.Contains(v, "%") && !(plus && strings.Contains(v, "+")) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '%' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]):
			b.WriteByte(unhex(v[i+1])<<4 | unhex(v[i+2]))
			i += 2
		case c == '+' && plus:
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// Views returns v and the texts it decodes to: its escaped JSON string
// literals (recursively) and its percent-decoded forms. A scan that looks
// at every view finds a secret however it was escaped.
func Views(v string) []string {
	out := []string{v}
	var walk func(string, int)
	walk = func(t string, depth int) {
		if depth > maxViewDepth {
			return
		}
		for _, plus := range []bool{false, true} {
			// Encoded again and again ("%2526"): each decoding is a view.
			p := t
			for n := 0; n <= maxViewDepth; n++ {
				d := percentDecode(p, plus)
				if d == p {
					break
				}
				out = append(out, d)
				p = d
			}
		}
		if !strings.Contains(t, `\`) {
			return
		}
		jsonLiterals(t, func(_, _ int, d string) {
			out = append(out, d)
			walk(d, depth+1)
		})
	}
	walk(v, 0)
	return out
}
