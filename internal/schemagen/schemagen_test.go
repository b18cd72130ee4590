package schemagen_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/schemagen"
)

func TestArgsFromSchema(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		seed   int64
		want   string
	}{
		{"nil schema", ``, 0, `{}`},
		{"empty object", `{"type":"object","properties":{}}`, 0, `{}`},
		{"required only", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["a"]}`, 0, `{"a":"a"}`},
		{"seed varies strings", `{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`, 27, `{"a":"ab"}`},
		{"nested required", `{"type":"object","properties":{"loc":{"type":"object","properties":{"lat":{"type":"number"},"lng":{"type":"number"},"alt":{"type":"number"}},"required":["lat","lng"]}},"required":["loc"]}`, 3, `{"loc":{"lat":3,"lng":3}}`},
		{"enum by seed", `{"type":"object","properties":{"u":{"enum":["c","f","k"]}},"required":["u"]}`, 4, `{"u":"f"}`},
		{"const", `{"type":"object","properties":{"k":{"const":"fixed"}},"required":["k"]}`, 9, `{"k":"fixed"}`},
		{"default", `{"type":"object","properties":{"n":{"type":"integer","default":7}},"required":["n"]}`, 1, `{"n":7}`},
		{"ref into $defs", `{"type":"object","properties":{"p":{"$ref":"#/$defs/Point"}},"required":["p"],"$defs":{"Point":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]}}}`, 2, `{"p":{"x":2}}`},
		{"ref into definitions", `{"$ref":"#/definitions/A","definitions":{"A":{"type":"object","properties":{"b":{"type":"boolean"}},"required":["b"]}}}`, 1, `{"b":true}`},
		{"integer bounds", `{"type":"object","properties":{"i":{"type":"integer","minimum":10,"maximum":12}},"required":["i"]}`, 5, `{"i":12}`},
		{"exclusive bounds", `{"type":"object","properties":{"i":{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":3}},"required":["i"]}`, 1, `{"i":2}`},
		{"minimum only", `{"type":"object","properties":{"i":{"type":"integer","minimum":100}},"required":["i"]}`, 4, `{"i":104}`},
		{"maximum only", `{"type":"object","properties":{"i":{"type":"integer","maximum":-5}},"required":["i"]}`, 4, `{"i":-9}`},
		{"draft-4 boolean exclusive", `{"type":"object","properties":{"i":{"type":"integer","minimum":0,"exclusiveMinimum":true,"maximum":1}},"required":["i"]}`, 0, `{"i":1}`},
		{"number small range", `{"type":"object","properties":{"x":{"type":"number","minimum":0,"maximum":1}},"required":["x"]}`, 0, `{"x":0.5}`},
		{"number range", `{"type":"number","minimum":2.5,"maximum":10}`, 4, `7`},
		{"number exclusive minimum", `{"type":"number","exclusiveMinimum":5}`, 0, `6`},
		{"number exclusive maximum", `{"type":"number","exclusiveMaximum":5}`, 0, `4`},
		{"number exclusive both", `{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1}`, 0, `0.5`},
		{"number inferred from bounds", `{"minimum":3}`, 1, `4`},
		{"object inferred from properties", `{"properties":{"a":{"type":"null"}},"required":["a"]}`, 0, `{"a":null}`},
		{"array inferred from items", `{"items":{"type":"boolean"},"minItems":1}`, 1, `[true]`},
		{"required without a property schema", `{"type":"object","required":["x"],"additionalProperties":{"type":"integer"}}`, 2, `{"x":2}`},
		{"minProperties", `{"type":"object","minProperties":1}`, 0, `{"additionalProperty":"a"}`},
		{"examples", `{"type":"string","examples":["hello"]}`, 0, `"hello"`},
		{"multipleOf", `{"type":"object","properties":{"i":{"type":"integer","minimum":1,"multipleOf":5}},"required":["i"]}`, 0, `{"i":5}`},
		{"formats", `{"type":"object","properties":{"d":{"type":"string","format":"date"},"e":{"type":"string","format":"email"},"u":{"type":"string","format":"uri"},"t":{"type":"string","format":"date-time"}},"required":["d","e","u","t"]}`, 1,
			`{"d":"2024-01-02","e":"b@example.com","u":"https://example.com/b","t":"2024-01-02T00:00:00Z"}`},
		{"min and max length", `{"type":"object","properties":{"s":{"type":"string","minLength":3},"z":{"type":"string","maxLength":0}},"required":["s","z"]}`, 0, `{"s":"aaa","z":""}`},
		{"array min items", `{"type":"object","properties":{"xs":{"type":"array","items":{"type":"integer"},"minItems":2}},"required":["xs"]}`, 1, `{"xs":[1,1]}`},
		{"array unique items", `{"type":"object","properties":{"xs":{"type":"array","items":{"type":"integer"},"minItems":3,"uniqueItems":true}},"required":["xs"]}`, 0, `{"xs":[0,1,2]}`},
		{"array one item by default", `{"type":"array","items":{"type":"string"}}`, 0, `["a"]`},
		{"array maxItems 0", `{"type":"array","items":{"type":"string"},"maxItems":0}`, 0, `[]`},
		{"prefixItems", `{"type":"array","prefixItems":[{"type":"string"},{"type":"boolean"}]}`, 1, `["b",true]`},
		{"anyOf takes the first", `{"type":"object","properties":{"v":{"anyOf":[{"type":"integer"},{"type":"string"}]}},"required":["v"]}`, 3, `{"v":3}`},
		{"optional skips null branch", `{"type":"object","properties":{"v":{"anyOf":[{"type":"null"},{"type":"string"}]}},"required":["v"]}`, 0, `{"v":"a"}`},
		{"oneOf", `{"oneOf":[{"type":"boolean"},{"type":"string"}]}`, 0, `false`},
		{"allOf merges", `{"allOf":[{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]},{"properties":{"b":{"const":1}},"required":["b"]}]}`, 0, `{"a":0,"b":1}`},
		{"type list", `{"type":["null","integer"]}`, 6, `6`},
		{"recursive optional ref ends", `{"$ref":"#/$defs/Node","$defs":{"Node":{"type":"object","properties":{"v":{"type":"integer"},"next":{"$ref":"#/$defs/Node"}},"required":["v"]}}}`, 0, `{"v":0}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := schemagen.Generate(json.RawMessage(tt.schema), tt.seed)
			if err != nil {
				t.Fatalf("ArgsFromSchema: %v", err)
			}
			if diff := cmp.Diff(decodeJSON(t, tt.want), decodeJSON(t, string(got))); diff != "" {
				t.Errorf("ArgsFromSchema(%s, %d) = %s (-want +got):\n%s", tt.schema, tt.seed, got, diff)
			}
			again, _ := schemagen.Generate(json.RawMessage(tt.schema), tt.seed)
			if string(again) != string(got) {
				t.Errorf("not deterministic: %s then %s", got, again)
			}
		})
	}
}

func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return v
}

func TestArgsFromSchemaErrors(t *testing.T) {
	tests := []struct {
		name   string
		schema string
	}{
		{"not json", `{"type":`},
		{"missing ref", `{"$ref":"#/$defs/Nope"}`},
		{"remote ref", `{"$ref":"https://example.com/s.json"}`},
		{"recursive required ref", `{"$ref":"#/$defs/N","$defs":{"N":{"type":"object","properties":{"next":{"$ref":"#/$defs/N"}},"required":["next"]}}}`},
		{"empty integer range", `{"type":"integer","minimum":5,"maximum":4}`},
		{"false schema", `false`},
		{"schema not an object", `[1,2]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := schemagen.Generate(json.RawMessage(tt.schema), 0)
			var se *schemagen.Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *schemagen.Error", err)
			}
		})
	}
}

func FuzzArgsFromSchema(f *testing.F) {
	for _, s := range []string{
		`{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`,
		`{"$ref":"#/$defs/N","$defs":{"N":{"type":"object","properties":{"next":{"$ref":"#/$defs/N"}},"required":["next"]}}}`,
		`{"type":"integer","minimum":1e300,"maximum":-1e300}`,
		`{"allOf":[{"$ref":"#"}]}`,
		`{"type":"array","minItems":3,"items":{"anyOf":[{"type":"null"}]}}`,
	} {
		f.Add([]byte(s), int64(3))
	}
	f.Fuzz(func(t *testing.T, schema []byte, seed int64) {
		got, err := schemagen.Generate(schema, seed)
		if err != nil {
			var se *schemagen.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SchemaError", err)
			}
			return
		}
		if !json.Valid(got) {
			t.Fatalf("invalid JSON %q", got)
		}
	})
}

func TestArgsFromSchemaLimits(t *testing.T) {
	tests := []struct {
		name   string
		schema string
	}{
		{"huge minItems", `{"type":"array","minItems":1e12}`},
		{"huge minLength", `{"type":"string","minLength":1e12}`},
		{"huge minProperties", `{"type":"object","minProperties":1e12}`},
		{"exponential refs", `{"$ref":"#/$defs/A","$defs":{` +
			`"A":{"type":"object","required":["a","b"],"properties":{"a":{"$ref":"#/$defs/B"},"b":{"$ref":"#/$defs/B"}}},` +
			`"B":{"type":"object","required":["a","b"],"properties":{"a":{"$ref":"#/$defs/C"},"b":{"$ref":"#/$defs/C"}}},` +
			`"C":{"type":"array","minItems":9000,"items":{"type":"integer"}}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := schemagen.Generate(json.RawMessage(tt.schema), 0)
			var se *schemagen.Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *schemagen.Error", err)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := schemagen.Generate(json.RawMessage(`{"$ref":"#/$defs/X"}`), 0)
	if err == nil || err.Error() != `fakes: schema #: $ref "#/$defs/X" not found` {
		t.Errorf("err = %v", err)
	}
}

// Generate itself stays pydantic-ai's: no prompt, no e.g. examples.
func TestGenerateIgnoresDescriptions(t *testing.T) {
	got, err := schemagen.Generate(json.RawMessage(`{"type":"object","properties":{"city":{"type":"string","description":"e.g. Paris"}},"required":["city"]}`), 0)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"city":"a"}` {
		t.Errorf("Generate = %s, want {\"city\":\"a\"}", got)
	}
}
