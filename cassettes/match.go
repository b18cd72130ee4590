package cassettes

import "github.com/llmvcr/llmvcr/internal/match"

// MatchOption configures how replay matches requests to a cassette's
// recordings (replay.MatchHeaders, replay.IgnoreJSONPaths and
// replay.Repeatable give them to a session).
type MatchOption = match.Option

// MatchHeaders makes the named request headers part of a match (by
// default all headers are ignored). Values are compared after scrubbing.
func MatchHeaders(names ...string) MatchOption { return match.Headers(names...) }

// IgnoreJSONPaths leaves the given paths of JSON request bodies out of a
// match. A path is written as assert's IgnorePaths and failure messages
// write it: "seed", "messages[*].tool_call_id", "tools[0].function.strict",
// "**.x_groq", `metadata["a.b"]`. A malformed path is an error: replay
// refuses it before any request.
func IgnoreJSONPaths(paths ...string) MatchOption { return match.IgnoreJSONPaths(paths...) }

// Repeatable lets recorded interactions answer more than once: once every
// recording of a request has been used, the last one keeps answering.
func Repeatable() MatchOption { return match.Repeatable() }

// MatchScrubber sets the Scrubber whose rules were used when the cassette
// was saved: incoming requests are scrubbed the same way before they are
// compared, and miss reports are scrubbed with it. By default a Scrubber
// with the default options is used.
func MatchScrubber(s *Scrubber) MatchOption { return match.Scrub(s.rules) }
