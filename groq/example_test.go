package groq_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

// A stand-in for Groq that answers every chat request the same way.
func fakeGroq() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Ratelimit-Remaining-Requests", "14399")
		io.WriteString(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1744043573,"model":"llama-3.3-70b-versatile",
			"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"The capital of France is Paris."}}],
			"usage":{"prompt_tokens":48,"completion_tokens":8,"total_tokens":56,"total_time":0.031}}`)
	}))
}

func ExampleModel_Request() {
	srv := fakeGroq()
	defer srv.Close()

	// With a real key, groq.NewModel("llama-3.3-70b-versatile") is enough.
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(srv.URL), groq.WithAPIKey("gsk_example"))
	if err != nil {
		panic(err)
	}
	resp, err := model.Request(context.Background(), []llm.Message{
		llm.NewRequest(llm.System("Be concise."), llm.User("What is the capital of France?")),
	}, &llm.Settings{Temperature: llm.Ptr(0.0)}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Text())
	fmt.Println(resp.Usage.InputTokens, resp.Usage.OutputTokens, resp.Usage.Timings.Total)
	fmt.Println(model.RateLimits().RemainingRequests)
	// Output:
	// The capital of France is Paris.
	// 48 8 31ms
	// 14399
}

func ExampleBuildRequest() {
	body, err := groq.BuildRequest("openai/gpt-oss-120b", []llm.Message{
		&llm.Request{Parts: []llm.RequestPart{llm.User("What is 2+2?")}, Instructions: "Reply with just the number."},
	}, &llm.Settings{Thinking: llm.ThinkingHigh, Seed: llm.Ptr(int64(0))}, nil)
	if err != nil {
		panic(err)
	}
	var out bytes.Buffer
	json.Indent(&out, body, "", "  ")
	fmt.Println(out.String())
	// Output:
	// {
	//   "model": "openai/gpt-oss-120b",
	//   "messages": [
	//     {
	//       "role": "system",
	//       "content": "Reply with just the number."
	//     },
	//     {
	//       "role": "user",
	//       "content": "What is 2+2?"
	//     }
	//   ],
	//   "n": 1,
	//   "stream": false,
	//   "seed": 0,
	//   "reasoning_format": "parsed",
	//   "reasoning_effort": "high"
	// }
}

func ExampleModel_RequestStream() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, word := range []string{"Paris", " is", " the", " capital."} {
			fmt.Fprintf(w, "data: {\"id\":\"c1\",\"model\":\"llama-3.3-70b-versatile\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%q}}]}\n\n", word)
		}
		io.WriteString(w, "data: [DONE]\n\n")
	}))
	defer srv.Close()
	model, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(srv.URL), groq.WithAPIKey("gsk_example"))
	stream, err := model.RequestStream(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	if err != nil {
		panic(err)
	}
	defer stream.Close()
	for ev, err := range stream.Events() {
		if err != nil {
			panic(err)
		}
		fmt.Println(llm.Kind(ev))
	}
	fmt.Println(stream.Response().Text())
	// Output:
	// part_start
	// part_delta
	// part_delta
	// part_delta
	// part_end
	// Paris is the capital.
}

// What Groq sends beyond llm's fields, citations here, is in
// ProviderDetails as values that marshal to Groq's JSON: decode them into a
// struct of your own.
func ExampleModel_Request_citations() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"chatcmpl-2","object":"chat.completion","created":1744043573,"model":"llama-3.3-70b-versatile",
			"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Paris is the capital.",
				"annotations":[{"type":"document_citation","document_citation":{"document_id":"atlas","start_index":0,"end_index":5}}]}}]}`)
	}))
	defer srv.Close()
	model, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(srv.URL), groq.WithAPIKey("gsk_example"))
	settings := &groq.Settings{Documents: []groq.Document{{ID: "atlas", Source: groq.DocumentSource{Type: "text", Text: "Paris is the capital of France."}}}}
	resp, err := model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, settings, nil)
	if err != nil {
		panic(err)
	}
	c := resp.ProviderDetails["annotations"].([]groq.Annotation)[0]
	fmt.Println(c.Type, c.DocumentCitation.DocumentID, resp.Text()[c.DocumentCitation.StartIndex:c.DocumentCitation.EndIndex])
	// Output:
	// document_citation atlas Paris
}
