// Package fakes is a scripted fake Groq server, for testing code that talks
// to Groq where a recording cannot help: a 429 storm, a 498 from the flex
// tier, a stream that stalls, a frame that is not JSON, a connection cut
// after the third token.
//
//	g := fakes.NewGroq(t)                          // closed when the test ends
//	g.Error(fakes.RateLimitError(2 * time.Second)) // a 429 with retry-after: 2
//	g.Stream(fakes.TextStream("Paris.")...)         // then a stream
//	model, _ := groq.NewModel(name, groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()))
//	// ... call model, then check g.Requests(): two, the first retried
//
// Script answers with Reply, Stream, StreamFrames, Error, Stall
// and Handle. They are used in order, each once unless Times or Repeat says
// otherwise; When restricts one to the requests a func(*Request) bool
// accepts (PromptContains is one). Each returns an *Answer whose methods
// add faults: Delay, CutAfter, StallAfter, SlowBody, ErrorFrameAfter,
// MalformedFrameAfter, WithoutDone, Header. A chat request no answer
// matches fails the test and gets a 500; an answer used less often than
// scripted fails it at cleanup, unless Optional.
//
// The builders (TextCompletion, TextStream, ToolCallCompletion, NewChunks...)
// and the ready-made errors (RateLimitError, ToolUseFailedError,
// FlexCapacityError...) copy real Groq traffic, with ids derived from the
// content so that every run gets the same values. They return Groq's wire
// values (internal types: a test passes them to Reply, Stream or Error, and
// may change their fields first, without naming a type).
//
// Delays run on WithClock's clock; pass a *fakeclock.Clock so that nothing
// sleeps. Transport reaches the fake from a client left at Groq's URL.
// WithDefaultAnswers (always on for NewServer, which cmd/record uses)
// answers unscripted requests plausibly: known questions, follow-ups, tool
// calls with arguments that fit the tool's schema, JSON output, reasoning
// models, streams. The examples show each in use.
//
// To record a replay cassette with no API key, record from the fake
// (replay never imports this package; the answers are marked canned):
//
//	s := replay.New(t, replay.WithFakeTransport(fakes.NewGroq(t, fakes.WithDefaultAnswers()).Transport()))
//
// An answer scripted for such a recording needs Optional, since replay
// never reaches the fake.
package fakes
