package jsonvalue

import (
	"fmt"
	"strings"
	"testing"
)

// chatBody is a Groq-shaped request of n messages, as the matching index
// decodes for every recorded and every incoming body.
func chatBody(n int) []byte {
	var msgs []string
	for k := range n {
		msgs = append(msgs, fmt.Sprintf(`{"role":"user","content":"message number %d, with some words in it to read"}`, k))
	}
	return []byte(`{"model":"llama-3.3-70b-versatile","temperature":0.2,"messages":[` + strings.Join(msgs, ",") + `],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}`)
}

// BenchmarkDecode measures Decode, duplicate-key check included, on a
// 40-message chat request.
func BenchmarkDecode(b *testing.B) {
	body := chatBody(40)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}
