package fakes_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// BenchmarkStream reads a 1,000-chunk scripted stream through a plain HTTP
// client: the fake's own cost per streamed response.
func BenchmarkStream(b *testing.B) {
	chunks := fakes.TextStream(strings.Repeat("word ", 1000))
	g := fakes.NewServer()
	defer g.Close()
	g.Stream(chunks...).Repeat()
	body := chatBodyB(b)
	var n int64
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, g.URL+"/openai/v1/chat/completions", strings.NewReader(body))
		resp, err := g.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		m, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		n = m
	}
	b.SetBytes(n)
}

// BenchmarkDefaultAnswer measures one unscripted streamed request answered
// by the default behaviour, HTTP included.
func BenchmarkDefaultAnswer(b *testing.B) {
	g := fakes.NewServer()
	defer g.Close()
	body := chatBodyB(b)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := g.Client().Post(g.URL+"/openai/v1/chat/completions", "application/json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func chatBodyB(b *testing.B) string {
	b.Helper()
	raw, err := json.Marshal(groqwire.ChatCompletionRequest{Model: "llama-3.3-70b-versatile", Stream: true,
		Messages: []groqwire.ChatMessage{{Role: "user", Content: &groqwire.MessageContent{Text: "What is the capital of France?"}}}})
	if err != nil {
		b.Fatal(err)
	}
	return string(raw)
}
