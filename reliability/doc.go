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
//	FIGURE faults tried=63 hangs=0 panics=0 leaks=0 wrong_error=0
//	FIGURE crash kills=50 damaged=0 intact_previous=48 ... control_damaged=10
//
// Figures: faults and replay_faults (tried, hangs, panics, leaks,
// wrong_error), concurrency and concurrency_replay (requests, completed,
// mismatches), secrets (places_seeded, redactions, places_searched,
// leaks), crash (kills, damaged), fidelity (cassettes, interactions,
// mismatches), fidelity_expectations (ported_tests, facts, hold,
// known_failing, other_failing), replay_saves, late_requests,
// fault_validation and stream_ends (replay's save rules, requests after
// a test ended, fault validation, provider stream ends).
//
// What the tests do:
//
//   - Faults: groq.Model against the fake Groq server of package fakes
//     (refused and reset connections, streams cut after each chunk, stalls,
//     frames that are not JSON, a missing [DONE], 429/5xx sequences with
//     and without retry-after on an instant clock, a 498 that must reach
//     the caller unretried, as groq-python does, 50 MB bodies, wrong
//     content types, HTML error pages). Each call runs under a context
//     deadline and a watchdog, with panics recovered and counted, and every
//     goroutine the call started must have ended after each fault (found
//     by identity with internal/leakcheck, not by counting).
//     The typed error the caller gets is logged for every fault. The same
//     faults are then injected into a replayed cassette (recorded from the
//     fake during the test) with package replay's CutAfter, StallAfter,
//     CorruptEvent and Respond.
//   - Concurrency: goroutines sharing one groq.Model, mixing plain and
//     streamed requests against the fake's default answers (run with
//     -race); each answer must quote its own prompt. Then the same through
//     one replay session: every recorded interaction used exactly once.
//   - Secrets: a recognisable fake key in the Authorization and X-Api-Key
//     headers, the query string, request bodies and (echoed by the fake)
//     response bodies of plain, streamed and error exchanges, recorded
//     through a replay session; the cassette, the sessions' logs and the
//     replayed error messages are searched for it, also JSON- and
//     URL-encoded.
//   - Crash safety: a helper process (this test binary, re-executed) saves
//     a large cassette over and over; the test kills it with SIGKILL at
//     random moments and checks the file is absent, the previous version or
//     a complete new one, never truncated.
//   - Cassette fidelity: pydantic-ai's real Groq recordings (testdata/vcrpy)
//     imported, saved and loaded again keep byte-identical stream bodies
//     (timing lines stripped) and JSON-equal other bodies.
//   - Expectations: pydantic-ai's own assertions about those recordings
//     (the snapshot(...) values of its tests), ported by hand test by test.
//     Each ported test replays its recording through package replay and
//     groq.Model with the same conversation: the requests must match the
//     recording on their own, and each asserted value is a fact. Facts
//     known to fail are listed in knownFailing with their reason, and the
//     list must be exact. usage.cost is compared exactly with groq.Cost of
//     the response's model and usage (pydantic-ai compares Decimals). Today
//     453 facts, 450 hold; the 3 known to fail are two requests recorded by
//     an older pydantic-ai and a Python warning.
//   - FuzzModelAnswer: groq.Model given any status, content type and body,
//     plain or streamed, answers or fails with a typed error, never a
//     panic or a hang.
//
// TestHarnessSeesFailures shows the leak, hang, panic and error-type
// checks can fail, and the crash test's control (a process writing the
// file in place) shows the damage check can.
package reliability
