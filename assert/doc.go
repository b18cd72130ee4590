// Package assert checks what code that talks to LLMs produced: mapped
// responses, conversations, stream events, usage, and the JSON bodies of
// the requests it sent. A failure lists each differing path and shows a
// go-cmp diff (-want +got):
//
//	assert.Response(t, want, got)                                    // llm.Response; local Timestamp ignored
//	assert.RequestJSON(t, `{"model": "llama-3.3-70b-versatile", ...}`, req) // semantic JSON, with paths
//	assert.Golden(t, got)                                            // testdata/golden/<test>.json; -update rewrites
//
// Every function takes a testing.TB, reports through t.Errorf (t.Fatalf
// only for a mistake in the test itself, such as invalid expected JSON) and
// returns true when the values are equal, so a test can branch on it.
//
// # Fuzzy values
//
// Where an exact value is unknown, put a fuzzy value in want:
//
//	want := &llm.Response{
//		Parts:              []llm.ResponsePart{llm.ToolCall("get_weather", `{"city":"Paris"}`, assert.Matches(`^call_`))},
//		ProviderResponseID: assert.NonEmpty(),
//		ProviderTimestamp:  assert.Recent(time.Minute),
//	}
//
// AnyString, NonEmpty, Matches and JSONEqual return marker strings such as
// "<assert.Matches ^call_>", which fit in any string field, `any` field,
// JSON map, JSON text or golden file; Recent returns a sentinel time.Time.
// The comparison recognises them by their text (or the time's zone), so
// there is nothing to register.
//
// # Options
//
// Options compose and every function takes them: IgnoreFields,
// IgnorePaths ("messages[*].tool_calls[*].id"), EquateApproxTimings,
// ExactArgs (tool-call arguments are compared as JSON by default),
// Coalesce (compare stream events with deltas merged), CompareTimestamps,
// WithClock, and any go-cmp option such as cmpopts.EquateApprox.
//
// # Golden files
//
// Golden stores testdata/golden/<test name>.json (subtests are folders)
// as indented JSON with sorted keys. Run
//
//	go test ./yourpkg -update
//
// to write or rewrite them. The -update flag is defined only in test
// binaries (inside testing.Testing()) and only if no other package of the
// binary has defined it first, in which case that flag is shared. A test
// package that defines its own "update" flag at package level will panic
// with "flag redefined: update" once it imports assert: use [Updating]
// instead. Because go test ./... -update fails in packages that define no
// such flag, LLMVCR_UPDATE=1 go test ./... does the same from the
// environment.
package assert
