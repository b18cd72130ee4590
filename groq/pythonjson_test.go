package groq

import (
	"encoding/json"
	"testing"
)

// The prompted-output instruction embeds the schema as Python's
// json.dumps(json.loads(schema)) writes it. Each want below is CPython
// 3's output for its input (python3 -c 'import json;
// print(json.dumps(json.loads(s)))'): integers exact, floats as their repr,
// ensure_ascii escaping everything outside ' '..'~' (DEL included).
func TestPythonJSONMatchesCPython(t *testing.T) {
	numbers := map[string]string{
		"1.50": "1.5", "1e5": "100000.0", "1E-7": "1e-07", "0.0001": "0.0001", "0.00001": "1e-05",
		"1e16": "1e+16", "1e15": "1000000000000000.0", "-0": "0", "-0.0": "-0.0",
		"123456789012345678901234567890": "123456789012345678901234567890", "1.5e300": "1.5e+300",
		"1e400": "Infinity", "-1e400": "-Infinity", "0.1": "0.1", "2.5E+3": "2500.0", "100": "100",
		"9999999999999999.0": "1e+16", "12345678901234567.0": "1.2345678901234568e+16",
	}
	for in, want := range numbers {
		if got := pythonJSON(json.RawMessage(in)); got != want {
			t.Errorf("pythonJSON(%s) = %s, CPython writes %s", in, got, want)
		}
	}
	if got, want := pythonJSON(json.RawMessage(`{"d":"a\u007fb~"}`)), `{"d": "a\u007fb~"}`; got != want {
		t.Errorf("DEL: %s, CPython writes %s", got, want)
	}
}
