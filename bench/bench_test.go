package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"testing"

	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/streamgen"
	"github.com/llmvcr/llmvcr/llm"
	openaigo "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/ssestream"
	goopenai "github.com/sashabaranov/go-openai"
)

const streamChunks = 5000

var streams = []struct {
	name string
	body []byte
}{
	{"text", streamgen.TextStream(streamChunks)},
	{"toolcall", streamgen.ToolCallStream(streamChunks)},
}

// decoders are the contenders. Each decodes body, an SSE stream of Groq
// chunks ending with data: [DONE], and returns the number of chunks.
var decoders = []struct {
	name   string
	decode func(body []byte) (int, error)
}{
	{"encoding-json", decodeEncodingJSON},
	{"llmvcr", decodeLLMVCR},
	{"openai-go", decodeOpenAIGo},
	{"go-openai", decodeGoOpenAI},
}

// decodeLLMVCR is llmvcr's whole streaming path: groq.Model.RequestStream
// over an in-memory transport, internal/sse for the events, groq's chunk
// decoder, and the mapping of every chunk to part events. It does more than
// the others, which stop at decoded structs.
func decodeLLMVCR(body []byte) (chunks int, err error) {
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithTransport(bodyTransport{body: body}), groq.WithMaxRetries(0))
	if err != nil {
		return 0, err
	}
	stream, err := model.RequestStream(context.Background(), benchMessages, nil, nil)
	if err != nil {
		return 0, err
	}
	defer stream.Close()
	for _, err := range stream.Events() {
		if err != nil {
			return 0, err
		}
	}
	return stream.(*groq.StreamedResponse).Chunks(), nil
}

var benchMessages = []llm.Message{llm.NewRequest(llm.User("What is the capital of France?"))}

// decodeEncodingJSON is the baseline: encoding/json into the same structs.
// It splits the in-memory body on blank lines and json.Unmarshals each
// data payload into groqwire.ChatCompletionChunk, handling only the "data: "
// lines these streams have, nothing else of SSE. It is not a floor: a
// decoder that avoids encoding/json (as groq's chunk decoder does for the
// common chunk shapes) can be faster.
func decodeEncodingJSON(body []byte) (chunks int, err error) {
	prefix := []byte("data: ")
	for len(body) > 0 {
		block := body
		if i := bytes.Index(body, []byte("\n\n")); i >= 0 {
			block, body = body[:i], body[i+2:]
		} else {
			body = nil
		}
		payload, ok := bytes.CutPrefix(block, prefix)
		if !ok {
			continue
		}
		if string(payload) == "[DONE]" {
			return chunks, nil
		}
		var c groqwire.ChatCompletionChunk
		if err := json.Unmarshal(payload, &c); err != nil {
			return chunks, fmt.Errorf("chunk %d: %w", chunks, err)
		}
		chunks++
	}
	return chunks, errors.New("stream ended without [DONE]")
}

// decodeOpenAIGo uses openai-go v3's ssestream with its ChatCompletionChunk,
// as its Client.Chat.Completions.NewStreaming does on a response.
func decodeOpenAIGo(body []byte) (chunks int, err error) {
	res := &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"text/event-stream"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
	}
	stream := ssestream.NewStream[openaigo.ChatCompletionChunk](ssestream.NewDecoder(res), nil)
	defer stream.Close()
	for stream.Next() {
		c := stream.Current()
		_ = c
		chunks++
	}
	return chunks, stream.Err()
}

// bodyTransport serves body as the response to every request.
type bodyTransport struct{ body []byte }

func (t bodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"text/event-stream"}},
		Body:       io.NopCloser(bytes.NewReader(t.body)),
		Request:    req,
	}, nil
}

// decodeGoOpenAI uses sashabaranov/go-openai's CreateChatCompletionStream
// against an in-memory transport that serves body. The request it sends
// (one per stream) is part of the cost, a small one next to 5,000 chunks.
func decodeGoOpenAI(body []byte) (chunks int, err error) {
	cfg := goopenai.DefaultConfig("not-a-key")
	cfg.BaseURL = "http://groq.invalid/openai/v1"
	cfg.HTTPClient = &http.Client{Transport: bodyTransport{body: body}}
	client := goopenai.NewClientWithConfig(cfg)
	stream, err := client.CreateChatCompletionStream(context.Background(), goopenai.ChatCompletionRequest{
		Model:    "llama-3.3-70b-versatile",
		Messages: []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: "hi"}},
		Stream:   true,
	})
	if err != nil {
		return 0, err
	}
	defer stream.Close()
	for {
		_, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return chunks, nil
		}
		if err != nil {
			return chunks, err
		}
		chunks++
	}
}

func TestDecodersAgree(t *testing.T) {
	for _, s := range streams {
		for _, d := range decoders {
			n, err := d.decode(s.body)
			if err != nil {
				t.Errorf("%s/%s: %v", s.name, d.name, err)
			}
			if n != streamChunks {
				t.Errorf("%s/%s: %d chunks, want %d", s.name, d.name, n, streamChunks)
			}
		}
	}
}

func TestStreamsAreDeterministic(t *testing.T) {
	if !bytes.Equal(streamgen.TextStream(50), streamgen.TextStream(50)) || !bytes.Equal(streamgen.ToolCallStream(50), streamgen.ToolCallStream(50)) {
		t.Error("the same n gave different bytes")
	}
}

// TestStreamsAreValidChunks checks that every generated payload decodes
// into groqwire.ChatCompletionChunk with the fields the real recordings have.
func TestStreamsAreValidChunks(t *testing.T) {
	for _, s := range streams {
		blocks := bytes.Split(bytes.TrimSuffix(s.body, []byte("\n\n")), []byte("\n\n"))
		if len(blocks) != streamChunks+1 || string(blocks[streamChunks]) != "data: [DONE]" {
			t.Fatalf("%s: %d blocks, want %d chunks and data: [DONE]", s.name, len(blocks), streamChunks)
		}
		var toolCalls int
		for i, blk := range blocks[:streamChunks] {
			var c groqwire.ChatCompletionChunk
			if err := json.Unmarshal(bytes.TrimPrefix(blk, []byte("data: ")), &c); err != nil {
				t.Fatalf("%s chunk %d: %v", s.name, i, err)
			}
			if c.Object != "chat.completion.chunk" || c.Model == "" || c.SystemFingerprint == "" || len(c.Choices) != 1 {
				t.Fatalf("%s chunk %d lacks the common fields: %s", s.name, i, blk)
			}
			first, last := i == 0, i == streamChunks-1
			if (c.XGroq != nil) != (first || last) {
				t.Errorf("%s chunk %d: x_groq present = %v", s.name, i, c.XGroq != nil)
			}
			if last && (c.XGroq.Usage == nil || c.Usage == nil || c.Choices[0].FinishReason == nil) {
				t.Errorf("%s: last chunk lacks usage or finish_reason", s.name)
			}
			for _, tc := range c.Choices[0].Delta.ToolCalls {
				if tc.ID != "" {
					toolCalls++
				}
			}
		}
		if s.name == "toolcall" && toolCalls != 4 {
			t.Errorf("toolcall: %d tool calls opened, want 4", toolCalls)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, s := range streams {
		for _, d := range decoders {
			b.Run(s.name+"/"+d.name, func(b *testing.B) {
				benchDecode(b, s.body, d.decode)
			})
		}
	}
}

// benchDecode decodes body b.N times and reports MB/s (SetBytes),
// ns/event and allocs/event, an event being one chunk.
func benchDecode(b *testing.B, body []byte, decode func([]byte) (int, error)) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	events := 0
	for b.Loop() {
		n, err := decode(body)
		if err != nil {
			b.Fatal(err)
		}
		events += n
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	if events == 0 {
		return
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(events), "allocs/event")
}
