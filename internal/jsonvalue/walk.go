package jsonvalue

import "encoding/json"

// MapNumbers replaces every number of a value decoded with UseNumber by
// f's result for it, in place (objects and arrays are changed, not
// copied), and returns the value.
func MapNumbers(v any, f func(json.Number) any) any {
	switch t := v.(type) {
	case json.Number:
		return f(t)
	case map[string]any:
		for k, e := range t {
			t[k] = MapNumbers(e, f)
		}
	case []any:
		for n, e := range t {
			t[n] = MapNumbers(e, f)
		}
	}
	return v
}
