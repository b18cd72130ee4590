package groqwire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Extra holds the JSON fields of an object that its Go type does not know,
// raw, by name.
type Extra map[string]json.RawMessage

var knownKeysCache sync.Map // reflect.Type -> map[string]bool

// knownKeys returns the JSON names of t's fields.
func knownKeys(t reflect.Type) map[string]bool {
	if v, ok := knownKeysCache.Load(t); ok {
		return v.(map[string]bool)
	}
	keys := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		keys[name] = true
	}
	knownKeysCache.Store(t, keys)
	return keys
}

// unmarshalKeeping decodes b into v (a pointer to a struct) and stores the
// fields v's type does not know in *extra.
func unmarshalKeeping(b []byte, v any, extra *Extra) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	*extra = nil
	known := knownKeys(reflect.TypeOf(v).Elem())
	eachMember(b, func(key []byte, raw []byte) {
		if known[string(key)] {
			return
		}
		k := string(key)
		if bytes.IndexByte(key, '\\') >= 0 || !utf8.Valid(key) {
			// An escaped name, or one with invalid UTF-8: decode it as
			// encoding/json would (escapes read, bad bytes as U+FFFD).
			if json.Unmarshal(append(append([]byte{'"'}, key...), '"'), &k) != nil || known[k] {
				return
			}
		}
		if *extra == nil {
			*extra = Extra{}
		}
		(*extra)[k] = append(json.RawMessage(nil), raw...)
	})
	return nil
}

// eachMember calls f with each member of the JSON object b, its name as
// written (between the quotes, escapes undecoded) and its raw value, in
// one shallow pass: nested values are skipped, not decoded. b must be
// valid JSON (json.Unmarshal accepted it); for a value that is not an
// object (null) f is never called. A later member of the same name
// replaces an earlier one in the caller's map, as encoding/json does.
func eachMember(b []byte, f func(key, raw []byte)) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '"' {
			return // '}' or not valid JSON
		}
		end := skipString(b, i)
		key := b[i+1 : end-1]
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return
		}
		i = skipSpace(b, i+1)
		start := i
		i = skipValue(b, i)
		f(key, b[start:i])
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != ',' {
			return
		}
		i++
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the string that starts at b[i]
// (a quote).
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the index just past the value that starts at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
		i++
	}
	return i
}

// UnmarshalKeeping decodes b into v, a pointer to a struct, and stores the
// fields v's type does not know in *extra, for types declared outside this
// package (groq.ModelInfo).
func UnmarshalKeeping(b []byte, v any, extra *Extra) error { return unmarshalKeeping(b, v, extra) }

// MarshalWith marshals v, a struct, with the fields of extra v does not
// write, for types declared outside this package.
func MarshalWith(v any, extra Extra) ([]byte, error) { return marshalWith(v, extra) }

// marshalWith marshals v (a struct) and appends the fields of extra that v
// does not already write, in sorted order.
func marshalWith(v any, extra Extra) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	known := knownKeys(reflect.TypeOf(v))
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if !known[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1]) // without the closing brace
	for _, k := range keys {
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		buf.Write(name)
		buf.WriteByte(':')
		buf.Write(extra[k])
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
