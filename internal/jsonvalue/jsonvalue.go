// Package jsonvalue decodes JSON into plain Go values and compares JSON
// numbers by value. It is the one place where llmvcr decides that two
// JSON texts hold the same value: assert's comparisons and cassettes'
// request matching both use it.
//
// Numbers are compared exactly, on their text: 1, 1.0, 10e-1 and 1e0 are
// equal; 12345678901234567890 and 12345678901234567891 are not, though
// they are the same float64. Work is linear in the length of the literal,
// so a hostile exponent (1e999999999) costs nothing.
package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
)

// ErrTrailingData is returned by Decode for input with more after its
// first JSON value.
var ErrTrailingData = errors.New("invalid character after top-level value")

// Decode decodes exactly one JSON value, surrounding spaces allowed, into
// map[string]any, []any, string, bool, nil and json.Number. An object
// that gives a key twice is refused with a *DuplicateKeyError: decoding
// would keep the last value silently.
func Decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, ErrTrailingData
	}
	// A key given twice leaves fewer members in the decoded maps than
	// the text has: only then is the text searched for the key.
	if members(data) != decodedMembers(v) {
		if err := checkDuplicateKeys(data); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// CanonicalNumber returns one text for every spelling of the same JSON
// number ("1", "1.0", "10e-1" -> "1e0"; "100", "1e2" -> "1e2"; "-0" ->
// "0"): the significant digits without leading or trailing zeros, a '.'
// after the first, and a decimal exponent. It is exact (the digits are
// kept as text). A literal that is not a JSON number, or whose exponent
// exceeds ±2^50, is returned unchanged.
func CanonicalNumber(lit string) string {
	if !valid(lit) {
		return lit
	}
	s := lit
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	var exp int64
	if hasExp {
		e, err := strconv.ParseInt(strings.TrimPrefix(expText, "+"), 10, 64)
		if err != nil || e > 1<<50 || e < -(1<<50) {
			return lit
		}
		exp = e
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	exp -= int64(len(frac))
	if digits == "" {
		return "0"
	}
	for strings.HasSuffix(digits, "0") {
		digits = digits[:len(digits)-1]
		exp++
	}
	var b strings.Builder
	b.Grow(len(digits) + 24)
	if neg {
		b.WriteByte('-')
	}
	b.WriteByte(digits[0])
	if len(digits) > 1 {
		b.WriteByte('.')
		b.WriteString(digits[1:])
	}
	b.WriteByte('e')
	b.WriteString(strconv.FormatInt(exp+int64(len(digits)-1), 10))
	return b.String()
}

// NumbersEqual reports whether two JSON number literals have the same
// value. Literals that are not JSON numbers are equal only when their
// texts are.
func NumbersEqual(a, b string) bool {
	return a == b || CanonicalNumber(a) == CanonicalNumber(b)
}

// ExactFloat returns the float64 whose shortest decimal form has exactly
// the literal's value (1, 0.7, 1e3), and false for a literal that no
// float64 holds exactly (12345678901234567890, 0.1234567890123456789, an
// overflow) or that is not a JSON number.
func ExactFloat(lit string) (float64, bool) {
	if !valid(lit) {
		return 0, false
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return 0, false
	}
	return f, CanonicalNumber(strconv.FormatFloat(f, 'g', -1, 64)) == CanonicalNumber(lit)
}

// valid reports whether s follows the JSON number grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func valid(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// Marshal encodes v as compact JSON without escaping <, > and & (as most
// clients send JSON and as a person reads it), with no trailing newline.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
