package secrets_test

import (
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// BenchmarkScanStream measures ScanStream on a recorded stream of about
// 900 events, 4 bytes of content each, that carries a configured key in
// pieces at its end (bytes per second are the stream's bytes).
func BenchmarkScanStream(b *testing.B) {
	key := secretstest.Keys()[0].Value
	e := secrets.New(secrets.Config{Values: []secrets.Value{{Text: key}}})
	var evs []string
	for _, p := range secretstest.Pieces(strings.Repeat("hello world ", 300)+key, 4) {
		evs = append(evs, chunk(0, map[string]any{"content": p}))
	}
	body := sseBody(evs...)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if len(e.ScanStream(body)) != 1 {
			b.Fatal("the key was not found")
		}
	}
}
