package secrets

import (
	"encoding/json"
	"testing"
)

// FuzzJSONLeaves holds the byte scanner of stream events to
// encoding/json: every leaf's bytes decode to its text, and every string
// a text field holds (by encoding/json's reading) is among the leaves.
// Any body, JSON or not, goes through ScanStream and ScrubStream without
// a panic.
func FuzzJSONLeaves(f *testing.F) {
	f.Add([]byte(`{"choices":[{"index":0,"delta":{"content":"a\"b\\u0041","tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}}]}`))
	f.Add([]byte(`{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"x"}}`))
	f.Add([]byte(`{"content":["a","b",{"text":"c"}],"output_index":-1.5e3,"delta":null}`))
	f.Add([]byte(`"plain"`))
	f.Add([]byte(`[1,"two",{"token":"3"}]`))
	f.Add([]byte("data: {\"content\":\"gsk_\"}\n\ndata: {\"content\":\"ABCDEFGHIJKLMNOPQRSTUVWX\"}\n\n"))
	e := New(Config{Values: []Value{{Text: "FAKEsecretValue0123456789"}}})
	f.Fuzz(func(t *testing.T, data []byte) {
		e.ScanStream(string(data))
		e.ScrubStream(string(data))
		e.ScanStream("data: " + string(data) + "\n\ndata: " + string(data) + "\n\n")
		if !json.Valid(data) {
			return
		}
		leaves := jsonLeaves(data)
		have := map[string]int{}
		for _, l := range leaves {
			var s string
			if l.start < 0 || l.end > len(data) || json.Unmarshal(data[l.start:l.end], &s) != nil || s != l.text {
				t.Fatalf("leaf %+v does not decode to its text from %q", l, data)
			}
			have[l.text]++
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		var walk func(v any, key string)
		walk = func(v any, key string) {
			switch t := v.(type) {
			case map[string]any:
				for k, e := range t {
					walk(e, k)
				}
			case []any:
				for _, e := range t {
					walk(e, key)
				}
			case string:
				if textFields[key] {
					if have[t] == 0 {
						panic("missing leaf " + t)
					}
				}
			}
		}
		if s, ok := v.(string); ok {
			if len(leaves) != 1 || leaves[0].text != s {
				t.Fatalf("root string: %v", leaves)
			}
			return
		}
		walk(v, "")
	})
}
