package groqwire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
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
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil // not an object (null): nothing extra
	}
	known := knownKeys(reflect.TypeOf(v).Elem())
	for k, raw := range all {
		if known[k] {
			continue
		}
		if *extra == nil {
			*extra = Extra{}
		}
		(*extra)[k] = raw
	}
	return nil
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
