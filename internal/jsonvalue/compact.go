package jsonvalue

// maxDepth is encoding/json's nesting limit: a text nested deeper is not
// valid JSON to it.
const maxDepth = 10000

// Valid reports whether src is one JSON value (surrounding spaces
// allowed), exactly as encoding/json.Valid does, in one pass that does
// not allocate for texts nested less than 64 deep.
func Valid(src []byte) bool {
	_, ok := compact(nil, src, false)
	return ok
}

// Compact appends to dst the JSON text src without the spaces outside
// its strings, and reports whether src is one JSON value. It gives what
// encoding/json.Compact gives, in one pass instead of a scanner call per
// byte (Load compacts every JSON body of a cassette); when src is not
// valid, dst is returned as it was.
func Compact(dst, src []byte) ([]byte, bool) {
	return compact(dst, src, true)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// compact checks src and, when write is true, appends it to dst without
// spaces.
func compact(dst, src []byte, write bool) ([]byte, bool) {
	orig := len(dst)
	fail := func() ([]byte, bool) { return dst[:orig], false }
	var buf [64]byte
	stack := buf[:0] // the open containers, '{' or '['
	i := 0
	skip := func() {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
	}
	// key reads an object key and its ':' (i is at the key's quote).
	key := func() bool {
		end, ok := stringEnd(src, i)
		if !ok {
			return false
		}
		if write {
			dst = append(dst, src[i:end]...)
		}
		i = end
		skip()
		if i >= len(src) || src[i] != ':' {
			return false
		}
		if write {
			dst = append(dst, ':')
		}
		i++
		return true
	}
	for {
		// A value.
		skip()
		if i >= len(src) {
			return fail()
		}
		start := i
		switch c := src[i]; {
		case c == '{' || c == '[':
			if len(stack) >= maxDepth {
				return fail()
			}
			stack = append(stack, c)
			if write {
				dst = append(dst, c)
			}
			i++
			skip()
			if i >= len(src) {
				return fail()
			}
			if c == '{' {
				if src[i] == '}' {
					stack = stack[:len(stack)-1]
					if write {
						dst = append(dst, '}')
					}
					i++
					start = i // written
					break
				}
				if src[i] != '"' || !key() {
					return fail()
				}
				continue
			}
			if src[i] == ']' {
				stack = stack[:len(stack)-1]
				if write {
					dst = append(dst, ']')
				}
				i++
				start = i // written
				break
			}
			continue
		case c == '"':
			end, ok := stringEnd(src, i)
			if !ok {
				return fail()
			}
			i = end
		case c == '-' || c >= '0' && c <= '9':
			end, ok := numberEnd(src, i)
			if !ok {
				return fail()
			}
			i = end
		case c == 't' || c == 'f' || c == 'n':
			lit := "null"
			if c == 't' {
				lit = "true"
			} else if c == 'f' {
				lit = "false"
			}
			if len(src)-i < len(lit) || string(src[i:i+len(lit)]) != lit {
				return fail()
			}
			i += len(lit)
		default:
			return fail()
		}
		if write && i > start {
			dst = append(dst, src[start:i]...)
		}
		// After a value: close containers, or go on to the next value.
	after:
		skip()
		if len(stack) == 0 {
			if i != len(src) {
				return fail()
			}
			return dst, true
		}
		if i >= len(src) {
			return fail()
		}
		top := stack[len(stack)-1]
		switch c := src[i]; {
		case c == ',':
			if write {
				dst = append(dst, ',')
			}
			i++
			if top == '{' {
				skip()
				if i >= len(src) || src[i] != '"' || !key() {
					return fail()
				}
			}
		case c == '}' && top == '{' || c == ']' && top == '[':
			if write {
				dst = append(dst, c)
			}
			i++
			stack = stack[:len(stack)-1]
			goto after
		default:
			return fail()
		}
	}
}

// stringEnd returns the index just past the string literal that starts
// at src[i] (a '"'), and whether it is one: no control character, and
// every escape one of \" \\ \/ \b \f \n \r \t \uXXXX. Other bytes,
// invalid UTF-8 included, are taken as they are, as encoding/json does.
func stringEnd(src []byte, i int) (int, bool) {
	for j := i + 1; j < len(src); j++ {
		switch c := src[j]; {
		case c == '"':
			return j + 1, true
		case c == '\\':
			j++
			if j >= len(src) {
				return 0, false
			}
			switch src[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(src)-j < 5 || !isHex(src[j+1]) || !isHex(src[j+2]) || !isHex(src[j+3]) || !isHex(src[j+4]) {
					return 0, false
				}
				j += 4
			default:
				return 0, false
			}
		case c < 0x20:
			return 0, false
		}
	}
	return 0, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// numberEnd returns the index just past the number that starts at src[i],
// and whether it is one: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
// What follows it is the caller's to check.
func numberEnd(src []byte, i int) (int, bool) {
	digits := func() bool {
		start := i
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
		return i > start
	}
	if src[i] == '-' {
		i++
	}
	switch {
	case i < len(src) && src[i] == '0':
		i++
	case !digits():
		return 0, false
	}
	if i < len(src) && src[i] == '.' {
		i++
		if !digits() {
			return 0, false
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		if !digits() {
			return 0, false
		}
	}
	return i, true
}
