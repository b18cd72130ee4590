package jsonvalue

import (
	"encoding/json"
	"fmt"

	"github.com/llmvcr/llmvcr/internal/textcut"
)

// DuplicateKeyError reports a JSON object that gives one key twice.
// Decoded, the last value would win without a word, so two texts that
// differ (`{"a":1,"a":2}` and `{"a":2}`) would read as the same value;
// Decode refuses such a text instead.
type DuplicateKeyError struct {
	Key    string // the key, unescaped
	Offset int    // byte offset of its second occurrence
}

// Error names the key and where it is given again.
func (e *DuplicateKeyError) Error() string {
	k := e.Key
	if len(k) > 80 {
		n := 80
		n = textcut.Start(k, n, 0)
		k = k[:n] + "..."
	}
	return fmt.Sprintf("JSON object key %q given twice (again at byte %d)", k, e.Offset)
}

// checkDuplicateKeys returns a *DuplicateKeyError for the first key that
// an object of the valid JSON text src gives twice. Keys are compared as
// encoding/json decodes them ("a" and "\u0061" are one key; so are two
// invalid UTF-8 sequences that both decode to U+FFFD). It is one pass;
// its memory is a set of the keys of each open object.
func checkDuplicateKeys(src []byte) error {
	type frame struct {
		object bool
		keys   map[string]struct{}
	}
	var stack []frame
	expectKey := false
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '{':
			stack = append(stack, frame{object: true})
			expectKey = true
		case '[':
			stack = append(stack, frame{})
			expectKey = false
		case '}', ']':
			stack = stack[:len(stack)-1]
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1].object
		case '"':
			end, ok := stringEnd(src, i)
			if !ok {
				return nil // not valid JSON: the decoder reports it
			}
			if expectKey {
				raw := src[i:end]
				key := string(raw[1 : len(raw)-1])
				if !plainKey(key) {
					if err := json.Unmarshal(raw, &key); err != nil {
						return nil
					}
				}
				top := &stack[len(stack)-1]
				if top.keys == nil {
					top.keys = map[string]struct{}{}
				}
				if _, dup := top.keys[key]; dup {
					return &DuplicateKeyError{Key: key, Offset: i}
				}
				top.keys[key] = struct{}{}
				expectKey = false
			}
			i = end - 1
		}
	}
	return nil
}

// members counts the object members of the valid JSON text src: its
// colons outside strings.
func members(src []byte) int {
	n := 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case ':':
			n++
		case '"':
			end, ok := stringEnd(src, i)
			if !ok {
				return -1 // not valid JSON: never equal to a count
			}
			i = end - 1
		}
	}
	return n
}

// decodedMembers counts the members of the maps in a decoded value.
func decodedMembers(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		n += len(v)
		for _, x := range v {
			n += decodedMembers(x)
		}
	case []any:
		for _, x := range v {
			n += decodedMembers(x)
		}
	}
	return n
}

// plainKey reports a key whose bytes are what it decodes to: printable
// ASCII without escapes.
func plainKey(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] >= 0x80 {
			return false
		}
	}
	return true
}
