// Package schemagen generates JSON values that satisfy a JSON schema, the
// same for the same seed, as pydantic-ai's TestModel does. The fake models
// and the fake server's default answers call tools with its values.
package schemagen

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/llmvcr/llmvcr/internal/fakeid"
)

// Error is a JSON schema Generate cannot generate a value for.
type Error struct {
	Path    string // JSON pointer of the offending schema node, "#" for the root
	Message string // what is wrong
}

// Error returns "fakes: schema <path>: <message>" (fakes is the package
// users meet it through).
func (e *Error) Error() string { return "fakes: schema " + e.Path + ": " + e.Message }

// Limits that keep a hostile schema from hanging or exhausting memory.
const (
	maxSchemaDepth  = 32    // nesting and $ref chains, so recursive schemas end
	maxSchemaNodes  = 10000 // values generated for one schema
	maxSchemaLength = 10000 // minLength, minItems, minProperties honoured
)

// Generate returns a JSON value that satisfies schema, the same for
// the same seed. It follows pydantic-ai's TestModel: const, then enum
// (entry seed mod n), then default, then examples; $ref into $defs or
// definitions; anyOf and oneOf take their first branch and allOf merges its
// branches; objects get their required properties only; strings honour
// minLength, maxLength and the formats date, date-time, time, email, uri and
// uuid; numbers honour minimum, maximum and their exclusive forms and
// multipleOf; arrays honour prefixItems, minItems and maxItems. An empty or
// nil schema gives {}.
func Generate(schema json.RawMessage, seed int64) (json.RawMessage, error) {
	return GenerateWithHint(schema, seed, nil)
}

// Hint proposes a value for a string property by its name and description;
// ok false falls back to the generated string.
type Hint func(property, description string) (value string, ok bool)

// GenerateWithHint is Generate, with string properties that have no format
// or pattern filled by hint where it proposes a value.
func GenerateWithHint(schema json.RawMessage, seed int64, hint Hint) (json.RawMessage, error) {
	if len(strings.TrimSpace(string(schema))) == 0 || strings.TrimSpace(string(schema)) == "null" {
		return json.RawMessage("{}"), nil
	}
	var root any
	if err := json.Unmarshal(schema, &root); err != nil {
		return nil, &Error{Path: "#", Message: "not JSON: " + err.Error()}
	}
	g := &schemaGen{root: root, seed: seed, hint: hint}
	v, err := g.gen(root, "#", "", 0)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, &Error{Path: "#", Message: err.Error()}
	}
	return b, nil
}

type schemaGen struct {
	root  any
	seed  int64
	hint  Hint
	nodes int // values generated so far
}

func (g *schemaGen) gen(node any, path, name string, depth int) (any, error) {
	g.nodes++
	if g.nodes > maxSchemaNodes {
		return nil, &Error{Path: path, Message: fmt.Sprintf("needs more than %d values", maxSchemaNodes)}
	}
	if depth > maxSchemaDepth {
		return nil, &Error{Path: path, Message: fmt.Sprintf("nested deeper than %d (a recursive $ref?)", maxSchemaDepth)}
	}
	switch n := node.(type) {
	case bool:
		if !n {
			return nil, &Error{Path: path, Message: "schema false accepts no value"}
		}
		return g.char(), nil
	case map[string]any:
		return g.genObjectSchema(n, path, name, depth)
	case nil:
		return map[string]any{}, nil
	default:
		return nil, &Error{Path: path, Message: fmt.Sprintf("schema is a %T, not an object", node)}
	}
}

func (g *schemaGen) genObjectSchema(s map[string]any, path, name string, depth int) (any, error) {
	if c, ok := s["const"]; ok {
		return c, nil
	}
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		return e[int(uabs(g.seed)%uint64(len(e)))], nil
	}
	if d, ok := s["default"]; ok {
		return d, nil
	}
	if ex, ok := s["examples"].([]any); ok && len(ex) > 0 {
		return ex[0], nil
	}
	if ref, ok := s["$ref"].(string); ok {
		target, err := g.resolve(ref, path)
		if err != nil {
			return nil, err
		}
		return g.gen(target, ref, name, depth+1)
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		if branches, ok := s[k].([]any); ok && len(branches) > 0 {
			// The first branch that is not just null.
			for i, b := range branches {
				if bm, ok := b.(map[string]any); ok && bm["type"] == "null" && i < len(branches)-1 {
					continue
				}
				return g.gen(b, fmt.Sprintf("%s/%s/%d", path, k, i), name, depth+1)
			}
		}
	}
	if all, ok := s["allOf"].([]any); ok && len(all) > 0 {
		merged := map[string]any{}
		for k, v := range s {
			if k != "allOf" {
				merged[k] = v
			}
		}
		for i, b := range all {
			bm, ok := b.(map[string]any)
			if !ok {
				return nil, &Error{Path: fmt.Sprintf("%s/allOf/%d", path, i), Message: "not an object"}
			}
			if ref, ok := bm["$ref"].(string); ok {
				t, err := g.resolve(ref, path)
				if err != nil {
					return nil, err
				}
				if tm, ok := t.(map[string]any); ok {
					bm = tm
				}
			}
			mergeSchema(merged, bm)
		}
		return g.gen(merged, path, name, depth+1)
	}
	switch schemaType(s) {
	case "object":
		return g.genObject(s, path, depth)
	case "array":
		return g.genArray(s, path, name, depth)
	case "string":
		if n, _ := number(s["minLength"]); n > maxSchemaLength {
			return nil, &Error{Path: path, Message: fmt.Sprintf("minLength %v is too large", n)}
		}
		return g.genString(s, name), nil
	case "integer":
		return g.genInteger(s, path)
	case "number":
		return g.genNumber(s, path)
	case "boolean":
		return uabs(g.seed)%2 == 1, nil
	case "null":
		return nil, nil
	default:
		return g.char(), nil
	}
}

// mergeSchema adds src's keywords to dst: properties and required are
// combined, other keywords from src win.
func mergeSchema(dst, src map[string]any) {
	for k, v := range src {
		switch k {
		case "properties":
			props, _ := dst["properties"].(map[string]any)
			merged := map[string]any{}
			for pk, pv := range props {
				merged[pk] = pv
			}
			if sp, ok := v.(map[string]any); ok {
				for pk, pv := range sp {
					merged[pk] = pv
				}
			}
			dst["properties"] = merged
		case "required":
			req, _ := dst["required"].([]any)
			if sr, ok := v.([]any); ok {
				req = append(append([]any(nil), req...), sr...)
			}
			dst["required"] = req
		default:
			dst[k] = v
		}
	}
}

// schemaType returns the node's type: the first non-null of a list, or one
// inferred from its keywords.
func schemaType(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if str, ok := x.(string); ok && str != "null" {
				return str
			}
		}
		if len(t) > 0 {
			return "null"
		}
	}
	switch {
	case s["properties"] != nil || s["required"] != nil || s["additionalProperties"] != nil:
		return "object"
	case s["items"] != nil || s["prefixItems"] != nil:
		return "array"
	case s["minimum"] != nil || s["maximum"] != nil || s["exclusiveMinimum"] != nil || s["exclusiveMaximum"] != nil:
		return "number"
	}
	return "string"
}

func (g *schemaGen) resolve(ref, path string) (any, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, &Error{Path: path, Message: fmt.Sprintf("$ref %q is not local to the schema", ref)}
	}
	node := g.root
	if ref == "#" {
		return node, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n := node.(type) {
		case map[string]any:
			next, ok := n[tok]
			if !ok {
				return nil, &Error{Path: path, Message: fmt.Sprintf("$ref %q not found", ref)}
			}
			node = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return nil, &Error{Path: path, Message: fmt.Sprintf("$ref %q not found", ref)}
			}
			node = n[i]
		default:
			return nil, &Error{Path: path, Message: fmt.Sprintf("$ref %q not found", ref)}
		}
	}
	return node, nil
}

func (g *schemaGen) genObject(s map[string]any, path string, depth int) (any, error) {
	out := map[string]any{}
	props, _ := s["properties"].(map[string]any)
	required, _ := s["required"].([]any)
	names := make([]string, 0, len(required))
	for _, r := range required {
		if name, ok := r.(string); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		ps, ok := props[name]
		if !ok {
			// Required but undescribed: any value will do.
			ps = map[string]any{}
			if ap, ok := s["additionalProperties"].(map[string]any); ok {
				ps = ap
			}
		}
		v, err := g.gen(ps, path+"/properties/"+name, name, depth+1)
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	if minProps, ok := number(s["minProperties"]); ok {
		if minProps > maxSchemaLength {
			return nil, &Error{Path: path, Message: fmt.Sprintf("minProperties %v is too large", minProps)}
		}
		ap, _ := s["additionalProperties"].(map[string]any)
		for i := 0; len(out) < int(minProps); i++ {
			key := "additionalProperty" + strings.Repeat("_", i)
			if _, taken := out[key]; taken {
				continue
			}
			var v any = g.char()
			if ap != nil {
				var err error
				if v, err = g.gen(ap, path+"/additionalProperties", key, depth+1); err != nil {
					return nil, err
				}
			}
			out[key] = v
		}
	}
	return out, nil
}

func (g *schemaGen) genArray(s map[string]any, path, name string, depth int) (any, error) {
	out := []any{}
	unique, _ := s["uniqueItems"].(bool)
	saved := g.seed
	defer func() { g.seed = saved }()
	add := func(schema any, p string) error {
		v, err := g.gen(schema, p, name, depth+1)
		if err != nil {
			return err
		}
		out = append(out, v)
		if unique {
			g.seed++
		}
		return nil
	}
	prefix, _ := s["prefixItems"].([]any)
	for i, item := range prefix {
		if err := add(item, fmt.Sprintf("%s/prefixItems/%d", path, i)); err != nil {
			return nil, err
		}
	}
	items, hasItems := s["items"]
	if !hasItems || items == nil {
		items = map[string]any{}
	}
	minItems, _ := number(s["minItems"])
	if minItems > maxSchemaLength {
		return nil, &Error{Path: path, Message: fmt.Sprintf("minItems %v is too large", minItems)}
	}
	maxItems, hasMax := number(s["maxItems"])
	for len(out) < int(minItems) {
		if err := add(items, path+"/items"); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 && hasItems && (!hasMax || maxItems > 0) {
		if err := add(items, path+"/items"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (g *schemaGen) genString(s map[string]any, name string) string {
	minLen, hasMin := number(s["minLength"])
	maxLen, hasMax := number(s["maxLength"])
	if hasMax && maxLen == 0 {
		return ""
	}
	var v string
	days := time.Duration(uabs(g.seed)%3650) * 24 * time.Hour
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(days)
	format, _ := s["format"].(string)
	switch format {
	case "date":
		v = base.Format(time.DateOnly)
	case "date-time":
		v = base.Format(time.RFC3339)
	case "time":
		v = "12:00:00"
	case "email":
		v = g.char() + "@example.com"
	case "uri", "url", "uri-reference", "iri":
		v = "https://example.com/" + g.char()
	case "uuid":
		v = fakeid.New("uuid", strconv.FormatInt(g.seed, 10)).UUID("uuid")
	case "hostname":
		v = "example.com"
	case "ipv4":
		v = "192.0.2." + strconv.Itoa(int(uabs(g.seed)%254)+1)
	default:
		if g.hint != nil && s["pattern"] == nil {
			description, _ := s["description"].(string)
			if h, ok := g.hint(name, description); ok {
				v = h
			}
		}
		if v == "" {
			v = g.char()
		}
	}
	if hasMin && len(v) < int(minLen) {
		if format == "" {
			v = strings.Repeat(g.char(), int(minLen)/len(g.char())+1)
		} else {
			v += strings.Repeat("a", int(minLen)-len(v))
		}
		v = v[:int(minLen)]
	}
	if hasMax && len(v) > int(maxLen) {
		v = v[:int(maxLen)]
	}
	return v
}

// bounds returns the inclusive bounds of a numeric schema, with step the
// amount an exclusive bound moves by; both draft-4 (boolean exclusive*) and
// later (numeric exclusive*) forms are read.
func bounds(s map[string]any, step float64) (lo, hi float64, hasLo, hasHi bool) {
	lo, hasLo = number(s["minimum"])
	hi, hasHi = number(s["maximum"])
	if ex, ok := number(s["exclusiveMinimum"]); ok {
		lo, hasLo = ex+step, true
	} else if b, _ := s["exclusiveMinimum"].(bool); b && hasLo {
		lo += step
	}
	if ex, ok := number(s["exclusiveMaximum"]); ok {
		hi, hasHi = ex-step, true
	} else if b, _ := s["exclusiveMaximum"].(bool); b && hasHi {
		hi -= step
	}
	return lo, hi, hasLo, hasHi
}

func (g *schemaGen) genInteger(s map[string]any, path string) (any, error) {
	lo, hi, hasLo, hasHi := bounds(s, 1)
	lo, hi = math.Ceil(lo), math.Floor(hi)
	seed := float64(uabs(g.seed) % (1 << 52))
	var v float64
	switch {
	case hasLo && hasHi:
		if hi < lo {
			return nil, &Error{Path: path, Message: fmt.Sprintf("no integer between %v and %v", lo, hi)}
		}
		v = lo + math.Mod(seed, hi-lo+1)
	case hasLo:
		v = lo + seed
	case hasHi:
		v = hi - seed
	default:
		v = seed
	}
	if m, ok := number(s["multipleOf"]); ok && m > 0 {
		v = math.Ceil(v/m) * m
		if hasHi && v > hi {
			v -= m
		}
	}
	return int64(v), nil
}

func (g *schemaGen) genNumber(s map[string]any, path string) (any, error) {
	lo, hi, hasLo, hasHi := bounds(s, 0)
	exLo := s["exclusiveMinimum"] != nil && s["exclusiveMinimum"] != false
	exHi := s["exclusiveMaximum"] != nil && s["exclusiveMaximum"] != false
	seed := float64(uabs(g.seed) % (1 << 52))
	var v float64
	switch {
	case hasLo && hasHi:
		if hi < lo || (hi == lo && (exLo || exHi)) {
			return nil, &Error{Path: path, Message: fmt.Sprintf("no number between %v and %v", lo, hi)}
		}
		if hi-lo >= 2 {
			v = math.Ceil(lo) + math.Mod(seed, math.Floor(hi)-math.Ceil(lo))
			if exLo && v == lo {
				v++
			}
		} else {
			v = lo + (hi-lo)/2
		}
	case hasLo:
		v = lo + seed
		if exLo && v == lo {
			v++
		}
	case hasHi:
		v = hi - seed
		if exHi && v == hi {
			v--
		}
	default:
		v = seed
	}
	if m, ok := number(s["multipleOf"]); ok && m > 0 {
		v = math.Ceil(v/m) * m
	}
	return v, nil
}

// char returns a short string from the seed, counting like spreadsheet
// columns: a, b, ... z, aa, ab, ...
func (g *schemaGen) char() string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	n := uabs(g.seed)
	s := string(letters[n%26])
	for rem := n / 26; rem > 0; rem /= 26 {
		s = string(letters[(rem-1)%26]) + s
	}
	return s
}

func number(v any) (float64, bool) {
	f, ok := v.(float64)
	return f, ok
}

// Pick returns the index seed selects among n choices (seed mod n, by
// absolute value), as enum values are chosen. n must be positive.
func Pick(seed int64, n int) int { return int(uabs(seed) % uint64(n)) }

func uabs(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1
	}
	return uint64(n)
}
