// Package cassettes reads, writes, scrubs and checks llmvcr
// cassettes: go-vcr v3 cassette files (format version 2 YAML, loadable by
// gopkg.in/dnaeon/go-vcr.v3/cassette.Load) made for LLM traffic.
//
// Most users never call it: package replay records and replays through it.
// Use it directly to inspect, lint, import or compare cassettes:
//
//	c, err := cassettes.Load("testdata/cassettes/TestChat.yaml")
//	for _, f := range cassettes.Lint(c) { fmt.Println(f) }
//	fmt.Print(cassettes.Drift(old, c))
//
// # go-vcr: the file format, not the recorder
//
// llmvcr uses go-vcr v3 (gopkg.in/dnaeon/go-vcr.v3) as its file format
// only: Interaction, Request and Response are go-vcr's cassette types
// and Version is its format 2, so every cassette Save writes is loadable
// by go-vcr's cassette.Load (a test checks it). Recording and replaying do
// not go through go-vcr's recorder: replay's session is its own
// http.RoundTripper, because llmvcr needs what that recorder does not
// offer: scrubbing and a secret scan before anything is written, JSON-aware
// matching with a report of the closest recording, event-stream timing,
// and atomic saves that never replace a good cassette by a worse one.
// Keeping go-vcr to the format gives one simple truth: go-vcr users can
// read our files, and our behaviour is ours alone.
//
// # What a saved cassette looks like
//
// Save makes bodies readable and safe before writing:
//
//   - JSON bodies are indented (two spaces) so a re-recorded cassette diffs
//     line by line; Content-Length headers and fields are fixed to match.
//   - gzip and deflate bodies, of responses and of requests, are decoded and
//     Content-Encoding is removed. A body that does not decode (br, which
//     the standard library cannot decode, or a corrupt stream) is kept as
//     recorded, but it cannot be scanned for secrets, so Save refuses it
//     with an *UnscannableError naming the interaction (a body cut short
//     is scanned as far as it decodes).
//   - Event streams (text/event-stream) keep the server's exact bytes, with
//     one timing line before each event, ": llmvcr-t=<seconds>\n" (the
//     seconds since the response headers). These are SSE comments, so even a client that saw them
//     would ignore them, but replay strips them: clients get the original
//     bytes.
//   - A stream that broke while it was recorded keeps the bytes that
//     arrived and an X-Llmvcr-Stream-Error response header.
//   - Secrets are scrubbed (see Scrubber): Authorization of any scheme,
//     API-key headers, cookies, API-key and token query parameters, user
//     information in URLs, tokens in a Location, and the literal value of
//     every configured secret (the value of each DefaultSecretEnv variable
//     that is set: GROQ_API_KEY, OPENAI_API_KEY, ANTHROPIC_API_KEY, ...;
//     WithSecrets, WithSecretEnv add more) wherever it appears, however it
//     is written: percent-encoded in either case, base64, inside a JSON
//     string with \u or \/ escapes (the string is decoded, scrubbed and
//     re-encoded), inside a JSON string inside a JSON string, in a gzip
//     request body. Anything shaped like a provider's key (Groq gsk_,
//     OpenAI sk-, Anthropic sk-ant-, Google AIza, xAI xai-, Hugging Face
//     hf_, GitHub ghp_, AWS AKIA, JSON Web Tokens, ...) is scrubbed too,
//     configured or not. A secret that a stream carries in pieces, a few
//     bytes per event, is found in each field's text joined across events
//     (content, reasoning, tool-call arguments, per choice) and cut out of
//     the events. Then every body, URL and header is searched once more in
//     all those forms; if a secret is still there, Save fails with a
//     *SecretLeakError that names the interaction (and the events) but
//     does not contain it. A configured value shorter than 16 bytes is
//     used on whole header and parameter values only (see WithLogf).
//   - The file is written atomically: a temporary file in the same
//     directory, synced, then renamed over the old one. A failed or
//     interrupted save leaves the previous cassette as it was.
//
// # Matching
//
// Replay answers requests from a cassette with the matcher in
// internal/match, configured by this package's MatchOption values (which
// replay.MatchHeaders, replay.IgnoreJSONPaths and replay.Repeatable pass
// on). It compares the method, the URL, and the body as JSON: key order, whitespace and the spelling of
// numbers (1, 1.0, 1e0) do not matter, and
// IgnoreJSONPaths leaves volatile fields out ("seed",
// "messages[*].tool_call_id"). Headers are ignored unless MatchHeaders names
// them. Each recorded body's compact and canonical forms are computed once,
// when the cassette is loaded: a request whose bytes equal a recording costs a
// map lookup, and only a request whose bytes differ is parsed. Requests
// that are the same after canonicalisation (whatever their bytes) get
// their responses in recorded order; different requests can
// come in any order, from any goroutine. A request that matches nothing
// gets a report naming the cassette, the request, the closest
// recording, and the differences by JSON path (ignored paths left out;
// values scrubbed before they are shortened):
//
//	cassettes: no recorded interaction in testdata/cassettes/TestChat.yaml matches POST https://api.groq.com/openai/v1/chat/completions: the request body differs from every recording
//	closest recorded request: interaction 0, POST https://api.groq.com/openai/v1/chat/completions
//	request body differences (recorded -> got):
//	  messages[1].content: recorded "hello", got "bye"
//
// A miss, or an ambiguity (requests that differed only in scrubbed text),
// gets the same answer however often the request is sent, so their
// errors tell a retrying client to stop (internal/retry.Retryable).
//
// # Other tools
//
// ImportVCRPy converts vcrpy and pytest-recording cassettes (including
// pydantic-ai's parsed_body style); a file without a top-level
// interactions list, or one of ours, is refused with an *ImportError. Drift compares an old recording with a
// new one field by field, keeping volatile fields (ids, timestamps,
// timings) apart. Lint finds leftover secrets, bodies that do not parse as
// their Content-Type says, unsupported versions, and duplicate or
// unreachable interactions, and the credential keys of JSON request
// bodies ("authorization", "api_key", ..., and secret header names in a
// "headers" object) whose values are not redacted;
// those are problems. A cassette recorded from a fake gets a notice that
// its answers are canned.
package cassettes
