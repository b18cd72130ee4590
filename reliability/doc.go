// Package reliability holds no library code: its tests prove that llmvcr
// holds up under faults, bad input, concurrency and crashes, and print the
// figures the README's "Reliability" section quotes.
//
// Run everything, with every fuzz target fuzzed for a fixed time and the
// long versions of these tests, and get a table of figures:
//
//	bash scripts/reliability.sh            # 20s per fuzz target
//	FUZZTIME=1m bash scripts/reliability.sh
//	bash scripts/reliability.sh --fast     # seed corpora only, for CI
//
// A plain `go test ./reliability/` runs a quick version of every test;
// LLMVCR_RELIABILITY=full (which the script sets) runs the long one.
//
// Each test logs one line per figure, in a stable format the script reads,
// and fails when the figure misses its target:
//
//	FIGURE faults tried=61 hangs=0 panics=0 leaks=0 untyped=0
//	FIGURE concurrency requests=512 streamed=256 mismatches=0 unmatched=0
//	FIGURE crash kills=50 damaged=0 ...
//	FIGURE fidelity cassettes=59 interactions=... mismatches=0
//
// What the tests do:
//
//   - Faults: groq.Model against the fake Groq server of package fakes
//     (refused and reset connections, streams cut after each chunk, stalls,
//     frames that are not JSON, a missing [DONE], 429/498/5xx sequences with
//     and without retry-after on an instant clock, 50 MB bodies, wrong
//     content types, HTML error pages). Each call runs under a context
//     deadline and a watchdog, with panics recovered and counted, and the
//     goroutine count must come back to its baseline after each fault.
//     The typed error the caller gets is logged for every fault.
//   - Concurrency: goroutines sharing one groq.Model, mixing plain and
//     streamed requests against the fake's default answers (run with
//     -race); each answer must quote its own prompt.
//   - Crash safety: a helper process (this test binary, re-executed) saves
//     a large cassette over and over; the test kills it with SIGKILL at
//     random moments and checks the file is absent, the previous version or
//     a complete new one, never truncated.
//   - Cassette fidelity: pydantic-ai's real Groq recordings (testdata/vcrpy)
//     imported, saved and loaded again keep byte-identical stream bodies
//     (timing lines stripped) and JSON-equal other bodies.
package reliability
