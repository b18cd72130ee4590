// Package examples holds runnable examples of llmvcr, one test file per
// use, each meant to be read as documentation and copied:
//
//   - replay_test.go: record once and replay in CI, and a tool-calling
//     loop replayed from a cassette (testdata/cassettes, recorded from the
//     embedded fake; the test's comment gives the command that records it
//     against Groq);
//   - mapping_test.go: assert the JSON a conversation maps to (system
//     prompt, instructions, tool returns, a retry prompt);
//   - stream_test.go: a streamed answer asserted as events;
//   - retry_test.go: a client's retries against a scripted 429, then success;
//   - cut_test.go: a stream cut mid-way, and what the caller sees;
//
// They run with go test ./... like every other test.
package examples
