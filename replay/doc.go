// Package replay records a test's HTTP traffic to a cassette once and
// replays it on every later run, with no network.
//
// A test copies three lines:
//
//	s := replay.New(t)
//	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(s.Client()))
//	resp, err := model.Request(ctx, msgs, nil, nil) // answered from testdata/cassettes/TestName.yaml
//
// Any HTTP client works: use s.Client(), or s.Transport() as a
// RoundTripper.
//
// # Modes
//
// By default a session replays: it never touches the network, and a
// request that matches no recording fails the test (t.Error, even if the
// caller ignores the answer) with one report per distinct request: its
// first line says what differs and where (messages[1].content: recorded
// "hello", got "bye"; or the method, host, path, query or a MatchHeaders
// header), then come the closest recording, every difference when there
// are several, the go-cmp diff of the two JSON bodies, the test line that
// sent the request and the command that re-records the test (with no key
// variable when the session records from WithFakeTransport or a loopback
// WithUpstream). A
// request is one miss by its JSON value, so retries and the same request
// from another client are not reported again. The
// client gets an answer no common SDK retries: a 404 with
// X-Should-Retry: false and X-Llmvcr-Replay-Miss: true, and a JSON error
// body whose message says it is a replay miss and points at the test log.
// A recording shown as the closest to a miss is not listed again as never
// replayed. When the cassette file is missing the test fails at once and
// says how to record it. To record (the package first, the
// flags after it: go test hands the word after a bare -record to it as
// its value):
//
//	GROQ_API_KEY=... go test ./path/to/pkg -run '^TestName$' -record        # re-record the tests run
//	GROQ_API_KEY=... go test ./path/to/pkg -record='TestChat|TestTools/stream' # only the tests whose names match
//	GROQ_API_KEY=... LLMVCR_MODE=record go test ./...                          # every test of every package
//	GROQ_API_KEY=... LLMVCR_MODE=new-episodes go test ./path/to/pkg            # keep recordings, add what is missing
//
// -record=REGEXP selects tests as -run does: the pattern is split on '/'
// and each part matches (unanchored) the test name's part at that level.
// A package pattern after a bare -record (go test -record ./...) never
// reaches go test, which reads packages only before its first unknown
// flag: only the current package would run, so the session fails and says
// to use LLMVCR_MODE=record (go test ./... -record works only when every
// package's tests import replay; the others reject the flag). The -record flag exists only in test
// binaries.
//
// The mode is the first of these that is given:
//
//	source                          mode
//	WithMode(m)                     m
//	-record, -record=REGEXP         record for the tests selected, replay for the others
//	LLMVCR_MODE                     replay, record, new-episodes (new_episodes) or passthrough
//	(none)                          replay
//
// Then, when CI is set (to anything but "", "0" or "false"), record,
// new-episodes and passthrough fail the test at once unless the session
// was given a transport (WithRealTransport, WithFakeTransport; given
// http.DefaultTransport, it may reach loopback hosts only) or an upstream
// on a loopback host (WithUpstream).
//
// Recording over the network needs an API key: with no transport and no
// loopback upstream given, a recording session fails at once unless one of the provider key
// variables (GROQ_API_KEY, OPENAI_API_KEY, ANTHROPIC_API_KEY,
// GEMINI_API_KEY, GOOGLE_API_KEY, MISTRAL_API_KEY, XAI_API_KEY, and
// DEEPSEEK_API_KEY, OPENROUTER_API_KEY, TOGETHER_API_KEY,
// FIREWORKS_API_KEY, CEREBRAS_API_KEY, COHERE_API_KEY,
// AZURE_OPENAI_API_KEY) or a variable named by WithSecretEnv is set; the
// value of each that is set is scrubbed from the cassette. Messages about
// recording name the WithSecretEnv variables when the session has some.
//
// A recording is saved when the test ends, and only if it passed and made
// at least one request: a test that failed (t.Error, t.Fatal, a panic),
// was skipped (t.Skip after New) or made no request leaves the previous
// cassette as it was and logs why. A request that arrives after its test
// ended (a goroutine left running) gets an error matching ErrTestEnded;
// it is neither answered nor recorded, and nothing is reported on the
// finished test. A recording where every request failed fails the test
// and is not saved either. Nor does a recording replace a better cassette:
// answers that are all canned (WithFakeTransport) do not replace real ones,
// and answers that are all HTTP errors (a wrong or expired key) do not
// replace successful ones; the test fails saying so, and deleting the file
// first lets the new recording in. Clients stop reading at their protocol's last event
// (data: [DONE]; Anthropic's message_stop; the Responses API's
// response.completed, response.failed or response.incomplete; Gemini's
// chunk with a finishReason) and close the body: the recorder then reads
// on to the end of the body (at most 64 KiB and one second) and records
// the stream whole. A stream the client closes before its end (no final
// event, and the body goes on) is closed and recorded as abandoned where
// the client stopped; only a body that really broke off replays as a
// break.
//
// Every response body the session hands out must be closed before the
// test ends, in every mode, streamed or not, even one read to its end (a
// client that does not close holds its connection in production). One
// that is not fails the test with a report that names each request (its
// number, method, URL, the start of its body, scrubbed, and, in replay,
// the interaction replayed), at the test's replay.New line, and the
// session closes it; a recording is then not saved. The answer to a miss
// is the exception: the miss has been reported already.
//
// Cassettes live at testdata/cassettes/<test name>.yaml (subtests in
// folders, names made file-safe and kept distinct; see DefaultPath) unless WithPath says
// otherwise. They are go-vcr v3 files written by package cassettes: JSON
// bodies indented, secrets scrubbed (Authorization, API-key headers and
// parameters, cookies, and the value of each provider key variable wherever it appears,
// however it is escaped; WithSecrets adds more), saved atomically when the
// test ends. A
// re-recording logs what changed against the previous file (see
// cassettes.Drift).
//
// # Matching
//
// Requests match on method, URL and body compared as JSON (key order and
// whitespace do not matter). IgnoreJSONPaths leaves volatile fields out,
// MatchHeaders adds headers. Identical requests get their recordings in
// recorded order; different requests match in any order, so parallel
// subtests and concurrent calls can share a session. Recordings that no
// request used fail the test at cleanup, listed, unless AllowUnused.
//
// # Recording from another host
//
// A local server, a proxy or a gateway on a random port stands in for the
// API while recording with WithUpstream; the cassette stores, and replay
// matches, the URL the code uses in production, so replay needs neither
// the server nor its port:
//
//	srv := httptest.NewServer(handler) // or a proxy, or a gateway at http://127.0.0.1:PORT/groq
//	s := replay.New(t, replay.WithUpstream("https://api.groq.com/openai/v1", srv.URL))
//
// The client may keep the production base URL or be pointed at srv.URL;
// the path below the base URL and the query are kept. Matching always
// compares the whole URL, host included.
//
// # Recording without a key
//
// WithFakeTransport records through a fake server instead of the real
// API, with no key: package fakes' server answers any chat request with
// default answers (plain and streamed), or as the test scripts it.
// Every recorded response is marked in the cassette
// (recorder.SourceHeader), and a session replaying it logs once that its
// answers are canned, so a fake recording never passes for a real one.
//
//	s := replay.New(t, replay.WithFakeTransport(fakes.NewGroq(t, fakes.WithDefaultAnswers()).Transport()))
//	// go test ./pkg -run '^TestChat$' -record    (no key: canned answers)
//
// # Streams
//
// While recording, an event stream reaches the client as it arrives, and
// the offset of each event is kept in the cassette. In replay each
// recorded event is its own Read, delivered at once (the default), at its
// recorded offset (TimingScaled(1)) or faster or slower (TimingScaled(f)),
// waiting on the session's Clock (WithClock), so timing tests need not
// sleep. Recording times events on the wall clock unless that Clock moves
// during the exchange (see WithClock). A stream that broke while recording replays the
// same bytes and then the same break (io.ErrUnexpectedEOF). Bodies honour
// the request's context.
//
// # Recording outside a test
//
// A Session records through package recorder's Recorder, which a program
// with no testing.TB (cmd/record) uses on its own: put it under an
// http.Client, talk to the API, then save its Interactions into a
// cassettes.Cassette, whose Save scrubs secrets. Package recorder does
// not link the test framework; this package does.
//
// # Faults
//
// Faults are declared per test on replayed requests, counted from 1 in
// the order they arrive, and are deterministic:
//
//	s := replay.New(t,
//		replay.OnRequest(1, replay.Respond(429, http.Header{"Retry-After": {"1"}}, `{"error":{"message":"slow down"}}`)),
//		replay.OnRequest(2, replay.CutAfter(3)), // the retry gets the recording, cut after 3 events
//	)
//
// Refuse and ResetBeforeHeaders fail the request before any answer as a
// refused or reset connection does (a *net.OpError), StallBeforeHeaders
// answers nothing until the request gives up; CutAfter breaks the
// connection after k events (io.ErrUnexpectedEOF),
// StallAfter blocks after k events until the request's context is done,
// CorruptEvent garbles event k's data, and Respond answers with a given
// status, headers and body without using a recording. A fault that could
// never apply as written (OnRequest(0), CutAfter(-1), ...) fails the test
// when the session starts; one that never applied (its request never
// came, its event is past the end of the stream) fails it when it ends.
package replay
