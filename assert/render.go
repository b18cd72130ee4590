package assert

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/llmvcr/llmvcr/internal/jsonvalue"
	"github.com/llmvcr/llmvcr/llm"
)

var (
	llmPkg       = reflect.TypeOf(llm.Usage{}).PkgPath()
	timeType     = reflect.TypeOf(time.Time{})
	durationType = reflect.TypeOf(time.Duration(0))
	rawType      = reflect.TypeOf(json.RawMessage(nil))
	numberType   = reflect.TypeOf(json.Number(""))
	marshalerT   = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
)

// decodeJSON decodes one JSON value. A number becomes a float64 when the
// float64's shortest decimal form has the number's exact value (1, 0.7,
// 1e3), so it reads as float64(0.7) in a diff and go-cmp options such as
// cmpopts.EquateApprox apply; it stays a json.Number otherwise
// (12345678901234567890, a fraction with more digits than a float64
// holds), so that no precision is lost. Equal numbers get the same type.
func decodeJSON(data []byte) (any, error) {
	v, err := jsonvalue.Decode(data)
	if err != nil {
		return nil, err
	}
	return exactFloats(v), nil
}

func exactFloats(v any) any {
	switch x := v.(type) {
	case json.Number:
		if f, ok := jsonvalue.ExactFloat(string(x)); ok {
			return f
		}
	case map[string]any:
		for k, e := range x {
			x[k] = exactFloats(e)
		}
	case []any:
		for i, e := range x {
			x[i] = exactFloats(e)
		}
	}
	return v
}

// marshalStable renders v as indented JSON with sorted keys, no HTML
// escaping and a trailing newline: the golden file format.
func marshalStable(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// render turns a value into a JSON-ready tree: llm values become maps with
// snake_case keys, their kind ("part_kind": "tool-call", "kind":
// "response", ...), zero fields left out and the local Timestamp dropped;
// tool-call arguments are decoded unless ExactArgs is set; durations are
// written as "1.5ms"; other values are rendered as encoding/json renders
// them.
func render(v any, c *config) any {
	return c.renderValue(reflect.ValueOf(v))
}

func (c *config) renderValue(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	if m, ok := matcherOf(v); ok {
		return fmt.Sprint(m) // as the test wrote it, in a message
	}
	t := v.Type()
	switch {
	case t == timeType:
		return v.Interface().(time.Time).Format(time.RFC3339Nano)
	case t == durationType:
		return time.Duration(v.Int()).String()
	case t == numberType:
		return json.Number(v.String())
	case t == rawType:
		return rawJSON(v.Bytes())
	case t.PkgPath() != llmPkg && t.Implements(marshalerT) && v.CanInterface() &&
		!(v.Kind() == reflect.Pointer && v.IsNil()):
		if b, err := json.Marshal(v.Interface()); err == nil {
			return rawJSON(b)
		}
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return c.renderValue(v.Elem())
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		if v.Elem().Kind() == reflect.Struct && t.Elem().PkgPath() == llmPkg {
			return c.renderLLMStruct(v.Elem(), v)
		}
		return c.renderValue(v.Elem())
	case reflect.Struct:
		if t.PkgPath() == llmPkg {
			return c.renderLLMStruct(v, v)
		}
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes())
		}
		fallthrough
	case reflect.Array:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = c.renderValue(v.Index(i))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			out[fmt.Sprint(it.Key().Interface())] = c.renderValue(it.Value())
		}
		return out
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return json.Number(fmt.Sprint(v.Interface()))
	}
	// Other types: as encoding/json renders them.
	if !v.CanInterface() {
		return v.Type().String()
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return fmt.Sprint(v.Interface())
	}
	return rawJSON(b)
}

// rawJSON decodes JSON bytes; bytes that are not JSON become a string.
func rawJSON(b []byte) any {
	out, err := decodeJSON(b)
	if err != nil {
		if utf8.Valid(b) {
			return string(b)
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	return out
}

// kindKey is the key under which the golden output writes the kind of v
// (see llm.Kind), in pydantic-ai's spelling; "" when v has no kind.
func kindKey(v any) string {
	switch v.(type) {
	case llm.Message:
		return "kind"
	case llm.RequestPart, llm.ResponsePart:
		return "part_kind"
	case llm.Event:
		return "event_kind"
	case llm.PartDelta:
		return "part_delta_kind"
	case llm.UserContent, llm.NativeTool:
		return "kind"
	}
	return ""
}

// renderLLMStruct renders a struct of package llm; holder is the value
// (pointer or struct) whose methods give its kind.
func (c *config) renderLLMStruct(v, holder reflect.Value) any {
	t := v.Type()
	out := map[string]any{}
	if holder.CanInterface() {
		if h := holder.Interface(); kindKey(h) != "" {
			out[kindKey(h)] = llm.Kind(h)
		}
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		if fv.IsZero() {
			continue
		}
		if f.Name == "Timestamp" && (t == reflect.TypeOf(llm.Response{}) || t == reflect.TypeOf(llm.Request{})) && !c.keepTimestamp {
			continue
		}
		if c.fieldIgnored(t, f.Name) {
			continue
		}
		if f.Name == "Args" && f.Type.Kind() == reflect.String && !c.exactArgs {
			s := fv.String()
			if json.Valid([]byte(s)) {
				out["args"] = rawJSON([]byte(s))
				continue
			}
		}
		out[snakeCase(f.Name)] = c.renderValue(fv)
	}
	return out
}

func (c *config) fieldIgnored(t reflect.Type, name string) bool {
	for _, f := range c.ignoreFields {
		if f.matches(t, name) {
			return true
		}
	}
	return false
}

// snakeCase turns ToolCallID into tool_call_id.
func snakeCase(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			prevLower := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
			nextLower := i > 0 && i+1 < len(rs) && unicode.IsUpper(rs[i-1]) && unicode.IsLower(rs[i+1])
			if prevLower || nextLower {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
