package jsonvalue

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestMapNumbers(t *testing.T) {
	v := map[string]any{"a": json.Number("1.0"), "b": []any{json.Number("2"), "x", map[string]any{"c": json.Number("3")}}}
	got := MapNumbers(v, func(n json.Number) any { return "n" + string(n) })
	want := map[string]any{"a": "n1.0", "b": []any{"n2", "x", map[string]any{"c": "n3"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := MapNumbers(json.Number("5"), func(n json.Number) any { return 5 }); got != 5 {
		t.Errorf("a bare number: %v", got)
	}
}
