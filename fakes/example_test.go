package fakes_test

import (
	"context"
	"encoding/json"
	"errors"
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
	g.Reply(fakes.TextCompletion("Paris."))

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
	g.Reply(fakes.TextCompletion("Paris."))

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
	resp, err := g.Client().Post(g.URL+"/openai/v1/chat/completions", "application/json", strings.NewReader(body))
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
	_, failed, _ := fakes.ToolUseFailedError(`{"name": "get_weather", "arguments": {}}`)
	g.Stream(fakes.TextStream("Let me check.")...).ErrorFrameAfter(2, fakes.StreamError(400, failed.Error))

	body := `{"model":"llama-3.3-70b-versatile","messages":[{"role":"user","content":"hi"}],"stream":true}`
	resp, err := g.Client().Post(g.URL+"/openai/v1/chat/completions", "application/json", strings.NewReader(body))
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
	g.Reply(fakes.TextCompletion("Paris."))

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

// askModel sends one user message through the Groq model and returns the answer
// or the error.
func askModel(g *fakes.Groq, prompt string, opts ...groq.Option) string {
	model, _ := groq.NewModel(fakes.DefaultModel, append([]groq.Option{groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client())}, opts...)...)
	resp, err := model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User(prompt))}, nil, nil)
	if err != nil {
		return "error: " + err.Error()
	}
	return resp.Text()
}

// Answers are taken in order, each by the first request it matches; When
// holds one back for the requests its Matcher accepts, and Times and Repeat
// let one serve several.
func ExampleAnswer_When() {
	g := fakes.NewServer()
	defer g.Close()
	g.Reply(fakes.TextCompletion("Berlin.")).When(fakes.PromptContains("Germany"))
	g.Reply(fakes.TextCompletion("Paris."))
	g.Reply(fakes.TextCompletion("I don't know.")).Repeat()

	fmt.Println(askModel(g, "Capital of France?"))
	fmt.Println(askModel(g, "Capital of Germany?"))
	fmt.Println(askModel(g, "Capital of Spain?"))
	fmt.Println(askModel(g, "Capital of Peru?"))
	// Output:
	// Paris.
	// Berlin.
	// I don't know.
	// I don't know.
}

// When takes any func(*Request) bool: here, only streamed requests.
func ExampleAnswer_When_streamed() {
	g := fakes.NewServer()
	defer g.Close()
	streamed := func(r *fakes.Request) bool { return r.Chat != nil && r.Chat.Stream }
	g.Stream(fakes.TextStream("Streamed.")...).When(streamed)
	g.Reply(fakes.TextCompletion("Whole."))

	fmt.Println(askModel(g, "hi"))
	// Output: Whole.
}

// A delay runs on the server's clock: with a fakeclock.Clock the test
// decides when it is over, and nothing sleeps.
func ExampleWithClock() {
	clock := fakeclock.New(time.Date(2026, 2, 18, 0, 0, 0, 0, time.UTC))
	g := fakes.NewServer(fakes.WithClock(clock))
	defer g.Close()
	g.Reply(fakes.TextCompletion("Paris.")).Delay(3*time.Second, 0)

	answer := make(chan string)
	go func() { answer <- askModel(g, "Capital of France?") }()
	if err := clock.WaitForSleepers(context.Background(), 1); err != nil {
		panic(err)
	}
	fmt.Println("the server waits", clock.Slept())
	clock.Advance(3 * time.Second)
	fmt.Println(<-answer)
	// Output:
	// the server waits [3s]
	// Paris.
}

// The ready-made errors copy Groq's bodies and headers; here the model
// sees Groq's 404 for a model that does not exist.
func ExampleModelNotFoundError() {
	g := fakes.NewServer()
	defer g.Close()
	g.Error(fakes.ModelNotFoundError("llama-9"))

	var httpErr *llm.ModelHTTPError
	model, _ := groq.NewModel("llama-9", groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()))
	_, err := model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("hi"))}, nil, nil)
	if errors.As(err, &httpErr) {
		fmt.Println(httpErr.StatusCode, strings.Contains(string(httpErr.Body), "model_not_found"))
	}
	// Output: 404 true
}

// StreamFrames writes events exactly as given: here a keep-alive comment
// before the chunks, and no [DONE] at the end.
func ExampleGroq_StreamFrames() {
	g := fakes.NewServer()
	defer g.Close()
	frames := []fakes.Frame{fakes.RawFrame([]byte(": keep-alive\n\n"))}
	for _, c := range fakes.TextStream("Paris.") {
		frames = append(frames, fakes.ChunkFrame(c))
	}
	g.StreamFrames(frames...)

	body := `{"model":"llama-3.3-70b-versatile","messages":[{"role":"user","content":"Capital of France?"}],"stream":true}`
	resp, err := g.Client().Post(g.URL+"/openai/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	events := strings.Split(strings.TrimSpace(string(got)), "\n\n")
	fmt.Println(len(events), events[0], strings.Contains(string(got), "[DONE]"))
	// Output: 4 : keep-alive false
}

// NewChunks builds any stream in Groq's shape: reasoning, text, and tool
// calls whole or with their arguments in pieces.
func ExampleNewChunks() {
	chunks := fakes.NewChunks(fakes.Model("openai/gpt-oss-120b")).
		Reasoning("The user wants", " the weather.").
		ToolCall(fakes.Call{Name: "get_weather"}, `{"city":`, `"Paris"}`).
		Chunks()
	for _, c := range chunks[1 : len(chunks)-1] {
		d := c.Choices[0].Delta
		switch {
		case d.Reasoning != nil:
			fmt.Printf("reasoning %q (%s)\n", *d.Reasoning, d.Channel)
		case d.ToolCalls[0].Function.Name != "":
			fmt.Printf("call %s %s %q\n", d.ToolCalls[0].Function.Name, d.ToolCalls[0].ID[:3], d.ToolCalls[0].Function.Arguments)
		default:
			fmt.Printf("arguments %q\n", d.ToolCalls[0].Function.Arguments)
		}
	}
	fmt.Println("finish", *chunks[len(chunks)-1].Choices[0].FinishReason)
	// Output:
	// reasoning "The user wants" (analysis)
	// reasoning " the weather." (analysis)
	// call get_weather fc_ "{\"city\":"
	// arguments "\"Paris\"}"
	// finish tool_calls
}

// Requests holds every chat request, its body decoded into Chat (fields
// the wire type does not know land in Chat.Extra).
func ExampleGroq_Requests() {
	g := fakes.NewServer()
	defer g.Close()
	g.Reply(fakes.TextCompletion("Paris."))

	body := `{"model":"llama-3.3-70b-versatile","messages":[{"role":"user","content":"Capital of France?"}],"my_field":"kept"}`
	resp, err := g.Client().Post(g.URL+"/openai/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	r := g.Requests()[0]
	fmt.Println(r.Method, r.Path, r.Chat.Model, r.LastUserText(), r.Chat.Extra["my_field"])
	// Output: POST /openai/v1/chat/completions llama-3.3-70b-versatile Capital of France? kept
}

// The default answers read a follow-up with the turns before it.
func ExampleWithDefaultAnswers_followUp() {
	g := fakes.NewServer()
	defer g.Close()
	model, _ := groq.NewModel(fakes.DefaultModel, groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()))
	msgs := []llm.Message{llm.NewRequest(llm.User("What is the capital of France?"))}
	first, _ := model.Request(context.Background(), msgs, nil, nil)
	msgs = append(msgs, first, llm.NewRequest(llm.User("And of Germany?")))
	second, _ := model.Request(context.Background(), msgs, nil, nil)
	fmt.Println(first.Text())
	fmt.Println(second.Text())
	// Output:
	// The capital of France is Paris.
	// The capital of Germany is Berlin.
}
