// Package assert checks what code that talks to an LLM produced: mapped
// responses, conversations, stream events, usage, and the JSON bodies of
// the requests it sent. A failure lists every differing path, hints at
// the option that fits when one does, then shows a go-cmp diff
// (-want +got). In a test:
//
//	assert.Response(t, want, resp)                                   // an *llm.Response; the local Timestamp is ignored
//	assert.RequestJSON(t, wantBody, req, assert.IgnoreExtraKeys())   // the body sent, as JSON; want lists the keys it cares about
//	assert.Golden(t, resp)                                           // against testdata/golden/<test>.json; -update rewrites it
//
// Every function takes a testing.TB, calls t.Helper, reports through
// t.Errorf (t.Fatalf only for a mistake in the test itself: a bad option,
// an expected JSON that does not parse, a golden file that cannot be
// written), and returns true when the values are equal. Response, Usage,
// Parts, Messages and Events compare llm values; RequestJSON compares a
// body given as bytes, a string, an *http.Request, a [BodyProvider] or a
// captured request with a Body field; Golden compares anything.
//
// # Matchers
//
// Where a test cannot know a value (an id, a time, generated text), a
// [Matcher] checks it by a rule: [AnyString], [NonEmpty], [Matches],
// [JSONEqual], [Recent]. A matcher is honoured in want only; the value
// under test is always data. Put it where want's type holds one (an
// `any` field, a value of an expected JSON map), or name the path with
// [At]:
//
//	want := map[string]any{"model": "llama-3.3-70b-versatile", "seed": assert.NonEmpty()}
//	assert.RequestJSON(t, want, req, assert.IgnoreExtraKeys())
//	assert.Response(t, wantResp, resp, assert.At("Parts[*].ToolCallID", assert.Matches(`^call_`)))
//
// A failed matcher says what it wanted: "ProviderResponseID: want any
// non-empty string, got """.
//
// # Options
//
// Options compose, every function takes them, and a []Option counts as
// one: [At], [IgnoreFields], [IgnorePaths] ("messages[*].tool_calls[*].id"),
// [IgnoreExtraKeys] (want lists only the keys it cares about),
// [EquateApproxTimings], [ExactArgs] (tool-call arguments are compared as
// JSON by default), [Coalesce] (stream events compared with each part's
// deltas merged), [CompareTimestamps], [WithClock], and any go-cmp option,
// such as cmpopts.EquateApprox(0, 1e-9). A path is written as failure
// messages print it; a malformed one stops the test.
//
// # Golden files and the -update flag
//
// [Golden] stores testdata/golden/<test name>.json, each subtest a folder,
// named by the rule of replay.DefaultPath (so TestX/日本 and TestX/中文
// keep distinct files), as indented JSON with sorted keys and a trailing
// newline, so that a rewritten file diffs cleanly in review. Run
//
//	go test ./yourpkg -run TestX -update      (or LLMVCR_UPDATE=1 go test ./...)
//
// to create or rewrite the files of the tests that ran; each file written
// is logged. Under CI (CI set to anything but "", "0" or "false") the
// update is refused and the test stops, as recording is. The -update flag
// is defined only inside testing.Testing(), so a program that imports
// assert gains no flag; if a package initialised before assert already
// defined "update", assert shares it.
package assert
