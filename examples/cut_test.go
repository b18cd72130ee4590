package examples

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

// TestStreamCutMidway cuts the connection after the third chunk: the
// caller gets the events that arrived, then a *llm.ModelAPIError wrapping
// io.ErrUnexpectedEOF, and Response still holds the partial text. Nothing
// is retried once a chunk has been delivered.
func TestStreamCutMidway(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Stream(fakes.TextStream("Paris is the capital of France.")...).CutAfter(3)
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()))
	if err != nil {
		t.Fatal(err)
	}
	stream, err := model.RequestStream(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()

	var events int
	var streamErr error
	for _, err := range stream.Events() {
		if err != nil {
			streamErr = err
			break
		}
		events++
	}
	var apiErr *llm.ModelAPIError
	if !errors.As(streamErr, &apiErr) || !errors.Is(streamErr, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want a ModelAPIError wrapping io.ErrUnexpectedEOF", streamErr)
	}
	// Three frames arrived: the role chunk, "Paris" and " is".
	if got := stream.Response().Text(); events == 0 || got != "Paris is" {
		t.Errorf("got %d events and text %q before the cut, want the text \"Paris is\"", events, got)
	}
	if n := len(g.Requests()); n != 1 {
		t.Errorf("Groq saw %d requests: a stream was retried after its first chunk", n)
	}
}
