package groqwire

import (
	"encoding/json"
	"reflect"
	"testing"
)

// extraByMap is the reference: the unknown members as encoding/json
// finds them, by decoding the whole object into a map.
func extraByMap(b []byte, v any) Extra {
	var all map[string]json.RawMessage
	if json.Unmarshal(b, &all) != nil {
		return nil
	}
	known := knownKeys(reflect.TypeOf(v).Elem())
	var out Extra
	for k, raw := range all {
		if !known[k] {
			if out == nil {
				out = Extra{}
			}
			out[k] = raw
		}
	}
	return out
}

type probe struct {
	A string          `json:"a"`
	B json.RawMessage `json:"b"`
	C []int           `json:"c,omitempty"`
}

var extraSeeds = []string{
	`{}`, `null`, `{"a":"x"}`,
	`{"a":"x","z":1}`,
	` { "z" : [1, {"a": "}"}, "]"] , "a" : "q\"}" , "y":{"k":[{}]} } `,
	`{"\u0061":"escaped known","\u007a":"escaped unknown","z\"q":true}`,
	`{"z":1,"z":2}`,
	`{"b":{"nested":{"deep":[1,2,3]}},"n":-1.5e10,"t":true,"f":false,"u":null}`,
	"{\"s\":\"tab\\t and \\\\ backslash\\\\\",\t\"e\":\"\"}",
}

func checkExtra(t *testing.T, doc string) {
	t.Helper()
	var p probe
	var got Extra
	if err := unmarshalKeeping([]byte(doc), &p, &got); err != nil {
		return // not decodable into the struct: nothing to compare
	}
	want := extraByMap([]byte(doc), &p)
	if len(got) != len(want) {
		t.Fatalf("%s: extra %v, want %v", doc, got, want)
	}
	for k, w := range want {
		if string(got[k]) != string(w) {
			t.Fatalf("%s: extra[%q] = %s, want %s", doc, k, got[k], w)
		}
	}
}

// The one-pass member scan finds exactly the unknown members (names
// decoded, raw values byte for byte) that decoding into a map finds.
func TestUnmarshalKeepingMatchesMapDecode(t *testing.T) {
	for _, doc := range extraSeeds {
		checkExtra(t, doc)
	}
}

func FuzzUnmarshalKeeping(f *testing.F) {
	for _, doc := range extraSeeds {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) { checkExtra(t, doc) })
}
