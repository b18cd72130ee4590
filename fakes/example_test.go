package fakes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/fakes/fakeclock"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

// A scripted reply, seen through the Groq model. In a test, use
// fakes.NewGroq(t) instead of NewServer: it closes the server and checks
// that every scripted answer was used.
func ExampleNewServer() {
	g := fakes.NewServer()
	defer g.Close()
	g.ReplyText("Paris.")

	model, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()))
	resp, err := model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Text())
	fmt.Println(g.Requests()[0].Chat.Messages[0].Content.Text)
	// Output:
	// Paris.
	// Capital of France?
}

// A 429 with retry-after, then an answer: the model waits on the injected
// clock, so nothing sleeps.
func ExampleRateLimitError() {
	clock := fakeclock.NewInstant(time.Date(2026, 2, 18, 0, 0, 0, 0, time.UTC))
	g := fakes.NewServer(fakes.WithClock(clock))
	defer g.Close()
	g.Error(fakes.RateLimitError(2 * time.Second))
	g.ReplyText("Paris.")

	model, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()), groq.WithClock(clock))
	resp, _ := model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	fmt.Println(resp.Text(), len(g.Requests()), clock.Slept())
	// Output: Paris. 2 [2s]
}

// The default answers call offered tools with arguments from their schema,
// then report the tool's result.
func ExampleWithDefaultAnswers() {
	g := fakes.NewServer() // NewServer answers by default; NewGroq needs WithDefaultAnswers
	defer g.Close()
	model, _ := groq.NewModel("openai/gpt-oss-120b", groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()))
	params := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{
		Name:        "get_weather",
		Description: "Get the weather in a city",
		Parameters:  json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`),
	}}}
	msgs := []llm.Message{llm.NewRequest(llm.User("What is the weather in Paris?"))}

	first, _ := model.Request(context.Background(), msgs, nil, params)
	call := first.ToolCalls()[0]
	fmt.Println(call.ToolName, call.Args)

	msgs = append(msgs, first, llm.NewRequest(llm.ToolReturn(call.ToolName, call.ToolCallID, "sunny, 21°C")))
	final, _ := model.Request(context.Background(), msgs, nil, params)
	fmt.Println(final.Text())
	// Output:
	// get_weather {"city":"Paris"}
	// Here is what I found: get_weather returned sunny, 21°C.
}

func ExampleTextStream() {
	for _, c := range fakes.TextStream("The capital of France is Paris.") {
		d := c.Choices[0].Delta
		switch {
		case d.Role != "":
			fmt.Printf("start %q %s\n", *d.Content, c.XGroq.ID[:6])
		case d.Content != nil:
			fmt.Printf("%q\n", *d.Content)
		default:
			fmt.Println("finish", *c.Choices[0].FinishReason, c.XGroq.Usage.CompletionTokens, "tokens")
		}
	}
	// Output:
	// start "" req_01
	// "The"
	// " capital"
	// " of"
	// " France"
	// " is"
	// " Paris."
	// finish stop 8 tokens
}

// What a client sees when the connection is cut after the third event.
func ExampleAnswer_CutAfter() {
	g := fakes.NewServer()
	defer g.Close()
	g.Stream(fakes.TextStream("The capital of France is Paris.")...).CutAfter(3)

	body := `{"model":"llama-3.3-70b-versatile","messages":[{"role":"user","content":"Capital of France?"}],"stream":true}`
	resp, err := g.Client().Post(g.URL+fakes.ChatCompletionsPath, "application/json", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, strings.Count(string(got), "data: "), err)
	// Output: 200 3 unexpected EOF
}

// An error event inside an HTTP 200 stream, as Groq sends when a tool call
// fails validation after the stream began.
func ExampleAnswer_ErrorFrameAfter() {
	g := fakes.NewServer()
	defer g.Close()
	g.Stream(fakes.TextStream("Let me check.")...).ErrorFrameAfter(2, fakes.StreamError(400, fakes.ToolUseFailed("")))

	body := `{"model":"llama-3.3-70b-versatile","messages":[{"role":"user","content":"hi"}],"stream":true}`
	resp, err := g.Client().Post(g.URL+fakes.ChatCompletionsPath, "application/json", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	events := strings.Split(strings.TrimSpace(string(got)), "\n\n")
	fmt.Println(resp.StatusCode, len(events))
	fmt.Println(events[2][:50])
	// Output:
	// 200 3
	// event: error
	// data: {"error":{"message":"Failed to
}

// A model at Groq's base URL talks to the fake through its Transport; the
// same transport lets a replay session record from the fake
// (replay.WithRealTransport(g.Transport())) with api.groq.com URLs.
func ExampleGroq_Transport() {
	g := fakes.NewServer()
	defer g.Close()
	g.ReplyText("Paris.")

	model, _ := groq.NewModel("llama-3.3-70b-versatile",
		groq.WithBaseURL(groq.DefaultBaseURL), // the default, named so that GROQ_BASE_URL cannot change it here
		groq.WithTransport(g.Transport()))
	resp, err := model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(model.BaseURL(), resp.Text(), g.Requests()[0].Path)
	// Output: https://api.groq.com Paris. /openai/v1/chat/completions
}
