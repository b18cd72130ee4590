// Package assert checks what code that talks to an LLM produced: mapped
// responses, conversations, stream events, usage, and the JSON bodies of
// the requests it sent. A failure lists every differing path, then shows a
// go-cmp diff (-want +got). In a test:
//
//	assert.Response(t, want, resp)                                 // an *llm.Response; the local Timestamp is ignored
//	assert.RequestJSON(t, wantBody, req, assert.IgnorePaths("seed")) // the body sent, compared as JSON
//	assert.Golden(t, resp)                                         // against testdata/golden/<test>.json; -update rewrites it
//
// Every function takes a testing.TB, calls t.Helper, reports through
// t.Errorf (t.Fatalf only for a mistake in the test itself: a bad option,
// an expected JSON that does not parse, a golden file that cannot be
// written), and returns true when the values are equal, so a test can
// branch on the result. Response, Usage, Parts, Messages and Events
// compare llm values; RequestJSON compares a body given as bytes, a
// string, an *http.Request, a [BodyProvider] or a captured request with a
// Body field; Golden compares anything.
//
// # Fuzzy values
//
// Where a test cannot know a value, put a fuzzy value in want:
//
//	want := &llm.Response{
//		Parts:              []llm.ResponsePart{llm.ToolCall("get_weather", `{"city":"Paris"}`, assert.Matches(`^call_`))},
//		ProviderResponseID: assert.NonEmpty(),
//		ProviderTimestamp:  assert.Recent(time.Minute),
//	}
//
// [AnyString], [NonEmpty], [Matches] and [JSONEqual] return marker strings
// such as "<assert.Matches ^call_>". A marker is an ordinary string, so it
// fits in any string field of an llm struct, in an `any` field, in an
// expected JSON map or struct, in a JSON text (via fmt.Sprintf("%q", ...))
// and in a golden file edited by hand. The comparison recognises markers by
// their text, so there is nothing to register. [Recent]
// returns a time.Time in a zone named after it ("assert.Recent(1m0s)"),
// which the comparison recognises in time fields; in an expected JSON map
// it matches an RFC 3339 string or Unix seconds.
//
// # Options
//
// Options compose, every function takes them, and a []Option counts as
// one: [IgnoreFields], [IgnorePaths] ("messages[*].tool_calls[*].id"),
// [IgnoreExtraKeys] (want lists only the keys it cares about),
// [EquateApproxTimings], [ExactArgs] (tool-call arguments are compared as
// JSON by default), [Coalesce] (stream events compared with each part's
// deltas merged), [CompareTimestamps], [WithClock], and any go-cmp option,
// such as cmpopts.EquateApprox(0, 1e-9).
//
// # Golden files and the -update flag
//
// [Golden] stores testdata/golden/<test name>.json, each subtest a folder,
// as indented JSON with sorted keys and a trailing newline, so that a
// rewritten file diffs cleanly in review. Run
//
//	go test ./yourpkg -run TestX -update
//
// to create or rewrite the files of the tests that ran. The -update flag
// is defined in an init function, only inside testing.Testing(), so a
// program that imports assert gains no flag. Flag names are global to a
// binary: if a package initialised before assert (a golden-file library)
// has already defined "update", assert shares that flag instead of
// panicking; but a test package that defines its own "update" flag at
// package level is initialised after assert and will panic with "flag
// redefined: update". Such a package should drop its flag and call
// [Updating]. And since go test ./... -update stops every test binary that
// defines no -update flag ("flag provided but not defined"),
//
//	LLMVCR_UPDATE=1 go test ./...
//
// does the same from the environment ([UpdateEnv]).
package assert
