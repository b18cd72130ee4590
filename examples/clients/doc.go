// Package clients shows llmvcr under the Go LLM clients people already
// use: sashabaranov/go-openai and openai/openai-go pointed at Groq's
// OpenAI-compatible URL, and anthropics/anthropic-sdk-go. Each gets the
// replay session's *http.Client and nothing else changes:
//
//	s := replay.New(t) // testdata/cassettes/<TestName>.yaml
//	cfg := openai.DefaultConfig(os.Getenv("GROQ_API_KEY"))
//	cfg.BaseURL, cfg.HTTPClient = "https://api.groq.com/openai/v1", s.Client()
//	resp, err := openai.NewClientWithConfig(cfg).CreateChatCompletion(ctx, req)
//
// The tests are the examples: a plain chat, a stream replayed at its
// recorded pace, a tool-calling loop and a drifted prompt, per client. The
// cassettes under testdata/cassettes were recorded once from fakes
// (llmvcr's fake Groq server, and a small Anthropic-shaped server in
// anthropic_fake_test.go, reached with replay.WithUpstream while the
// client keeps https://api.anthropic.com); CI replays them with no key and
// no network. upstream_test.go records go-openai and openai-go from a
// local gateway on a random port and replays with none.
//
// This is a module of its own, so that llmvcr's module does not depend on
// any of these clients.
package clients
