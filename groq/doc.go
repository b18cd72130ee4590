// Package groq is a Groq chat model for llmvcr: wire types for Groq's chat
// completions API, the mapping between llm messages and that wire format,
// and an HTTP client over a swappable http.RoundTripper.
package groq
