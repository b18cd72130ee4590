// Package examples holds runnable examples of llmvcr, one test file per
// use, each meant to be read as documentation and copied. They are written
// the way most Go tests are: testify's require and assert for plain checks
// (an error, a count, a string), llmvcr's assert for LLM-shaped values
// (responses, parts, stream events, request JSON), where its diffs by
// field and JSON path and its LLM-aware equality (arguments compared as
// JSON, local timestamps ignored) matter. A file that needs both assert
// packages imports one under another name.
//
//   - suite_test.go: the two side by side inside a testify suite, with a
//     fresh fake Groq server per test;
//   - replay_test.go: record once and replay in CI, and a tool-calling
//     loop replayed from a cassette (testdata/cassettes, recorded from the
//     embedded fake; the test's comment gives the command that records it
//     against Groq);
//   - mapping_test.go: assert the JSON a conversation maps to (system
//     prompt, instructions, tool returns, a retry prompt);
//   - stream_test.go: a streamed answer asserted as events, exactly and
//     with each part's deltas merged;
//   - retry_test.go: a client's retries against a scripted 429, then success;
//   - cut_test.go: a stream cut mid-way, and what the caller sees;
//
// They run with go test ./... like every other test.
package examples
