// Package fakes is a scripted fake Groq server and in-process fake models,
// for testing code that talks to Groq where a recording cannot help: a 429
// storm, a 498 from the flex tier, a stream that stalls, a frame that is
// not JSON, a connection cut after the third token.
//
// In a test, start a server, script its answers, and point the client at
// its URL:
//
//	g := fakes.NewGroq(t)                          // closed when the test ends
//	g.Error(fakes.RateLimitError(2 * time.Second)) // a 429 with retry-after: 2
//	g.Stream(fakes.TextStream("Paris.")...)         // then a stream
//	model, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()))
//	// ... call model; then check g.Requests(): two, the first retried
//	// after the 2s the 429 asked for.
//
// A model left at Groq's base URL reaches the fake through Transport,
// which sends every request to the server whatever its scheme and host
// (keeping path and query). That is also how a replay session records from
// the fake while the cassette's URLs stay https://api.groq.com/...:
//
//	model, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithTransport(g.Transport()))
//	s := replay.New(t, replay.WithRealTransport(g.Transport())) // record from the fake
//
// Scripted answers are used in order, each once unless Times or Repeat
// says otherwise; When restricts one to the requests a Matcher accepts
// (ModelIs, Streaming, PromptContains, HasTools, AfterToolResults, or any
// func(*Request) bool), and a request takes the first pending answer that
// matches. A chat request that no answer matches fails the test with
// t.Errorf, showing the request and the pending answers, and gets a 500. An
// answer not used as often as scripted fails the test at cleanup, listed
// with the file and line that scripted it; Optional exempts it.
//
// # Answers
//
//	g.Reply(completion)              // a *groq.ChatCompletion; ReplyText(text) builds one
//	g.Stream(chunks...)              // "data:" events, then "data: [DONE]"
//	g.StreamFrames(frames...)        // events exactly as given (ChunkFrame, ErrorFrame, RawFrame...)
//	g.Error(status, body, header)    // Groq's error body; the ready-made errors fit directly
//	g.Stall()                        // no answer at all until the client gives up
//	g.Handle(handlerFunc)            // anything else
//
// Each returns an *Answer whose methods adjust it and chain: Delay(first,
// between) pauses before the first frame and between frames; CutAfter(k)
// closes the connection after k frames (the client sees an unexpected EOF
// mid-body); StallAfter(k) sends k frames then waits until the client goes
// away; SlowBody(n, every) writes n bytes at a time; ErrorFrameAfter(k, e)
// ends a 200 stream with Groq's "event: error" frame; MalformedFrameAfter(k,
// text) inserts a frame that is not JSON; WithoutDone drops [DONE]; Header
// adds a response header. A chunk carrying x_groq.error is built by
// XGroqErrorChunk.
//
// The ready-made errors return (status, body, header) and copy Groq's
// bodies: ToolUseFailedError (400, with failed_generation),
// InvalidAPIKeyError (401), ModelNotFoundError (404), RequestTooLargeError
// (413), RateLimitError (429, with retry-after and x-ratelimit-* headers),
// FlexCapacityError (498), InternalServerError (500) and
// ServiceUnavailableError (503). StreamError adds status_code for use inside
// a stream.
//
// # Clock
//
// Delays run on the server's Clock. The default is the real clock; a test
// passes WithClock(NewInstantClock(t0)), whose Sleep returns at once and
// records the duration, or NewManualClock(t0), whose sleepers wait for
// Advance, so that no test sleeps:
//
//	clock := fakes.NewManualClock(t0)
//	g := fakes.NewGroq(t, fakes.WithClock(clock))
//	g.Stream(chunks...).Delay(time.Second, 0)
//	// ... once clock.WaitForSleepers(ctx, 1) returns, clock.Advance(time.Second)
//
// The same clocks satisfy groq.Clock, so a model's retry waits can be
// checked the same way (clock.Slept()).
//
// # Builders
//
// TextCompletion, ToolCallCompletion and Completion build non-streamed
// completions; TextStream, ToolCallStream, ReasoningStream and NewChunks
// build streams. They copy the shapes of real Groq traffic: ids like
// chatcmpl-<uuid> and req_01<24 characters>, system_fingerprint fp_<10 hex>,
// usage with queue, prompt, completion and total times, a first chunk with
// delta {role: "assistant", content: ""} and x_groq {id, seed}, and a last
// chunk with the finish reason, x_groq {id, usage} and the same top-level
// usage. Ids are derived from the content, so a test gets the same values
// on every run. Options set the model, usage, finish reason and ids;
// StreamUsage picks where a stream carries its usage (the three shapes
// Groq has used).
//
// # Captured requests
//
// Requests returns the chat requests received, in order (retries show as
// separate requests): method, path, query, headers, the raw Body (also
// through RequestBody, which the assert package accepts) and Chat, the body
// decoded into a groq.ChatCompletionRequest with unknown fields in
// Chat.Extra.
//
// # Default answers
//
// With WithDefaultAnswers (and always for NewServer, which cmd/record uses
// when no API key is set), unscripted chat requests get a deterministic,
// plausible answer instead of failing: a few known questions are answered
// properly ("What is the capital of France?"), others get a generic answer
// that quotes the question; a follow-up is read with the earlier user turns
// ("And of Germany?" after that question is answered "The capital of
// Germany is Berlin."). When tools are offered and the last message is the
// user's, the relevant tools (those whose name, description or parameter
// names share a word with the question) are called, with arguments
// generated from their JSON schemas and filled from the conversation: a
// city-, place- or name-like property gets the place asked about (a run of
// capitalised words, "New York"; or the city of an earlier answer for
// "there"), a time-zone property its IANA zone ("Asia/Tokyo"; "UTC" for a
// city the fake does not know), a query-like property the question, and
// otherwise the "e.g. X" example of the property's description. When no
// tool is relevant ("hi"), the answer is text, unless tool_choice is
// "required" or names a tool. After tool results, the answer reports them;
// JSON output follows its schema; gpt-oss and qwen3 models reason as they
// do at Groq; stream=true streams word by word; max tokens and stop
// sequences are honoured; an unknown model gets a 404 model_not_found.
// Every response carries x-ratelimit-* headers and an x-request-id.
// WithPacing makes the default answers take Groq's time (on the server's
// clock), so a recorded stream has realistic timing.
// WithAPIKey makes the server answer Groq's 401 invalid_api_key to a
// missing or wrong key.
//
// # Arguments from a schema
//
// ArgsFromSchema(schema, seed) returns arguments that satisfy a tool's JSON
// schema, the same for the same seed: const, enum, default, $ref/$defs,
// anyOf/oneOf/allOf, required properties, numeric bounds, string lengths
// and formats, array bounds.
//
// # In-process models
//
// For code that takes an llm.Model rather than an HTTP client:
// FunctionModel answers with the test's function (and streams its
// deltas), and TestModel behaves like pydantic-ai's TestModel, calling
// every offered tool on the first request and then summarising the
// results. Both estimate usage as pydantic-ai does (EstimateUsage) when
// none is given.
package fakes
