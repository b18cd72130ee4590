package examples

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	require.NoError(t, err)
	stream, err := model.RequestStream(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	require.NoError(t, err)
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
	require.ErrorAs(t, streamErr, &apiErr)
	require.ErrorIs(t, streamErr, io.ErrUnexpectedEOF)
	// Three frames arrived: the role chunk, "Paris" and " is": a part
	// start and a delta.
	assert.Equal(t, 2, events)
	assert.Equal(t, "Paris is", stream.Response().Text())
	assert.Len(t, g.Requests(), 1, "a stream was retried after its first chunk")
}
