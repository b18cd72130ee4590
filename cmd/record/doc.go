// Record records conversations with Groq into llmvcr cassettes, and reads,
// checks, imports and compares cassettes.
//
// From the repository root, with no key and no network:
//
//	go run ./cmd/record -o demo.yaml "What is the capital of France?"
//	go run ./cmd/record inspect demo.yaml
//
// From another module, at the version of llmvcr in its go.mod (Go 1.24's
// tool directive):
//
//	go get -tool github.com/llmvcr/llmvcr/cmd/record
//	go tool record -o testdata/cassettes/TestChat.yaml "What is the capital of France?"
//
// or, without changing go.mod, go run
// github.com/llmvcr/llmvcr/cmd/record@latest in place of go tool record, or
// go install github.com/llmvcr/llmvcr/cmd/record@latest for a record command
// on PATH.
//
// With GROQ_API_KEY set, record talks to Groq (GROQ_BASE_URL, if set, replaces
// https://api.groq.com); without it, it says so on stderr and records against
// the embedded fake Groq server (fakes.NewServer with fakes.WithPacing), whose
// answers take Groq's time, so a recorded stream has realistic timing.
// -fake uses the fake even when a key is set. A recording made against the
// fake names https://api.groq.com in its URLs, so a test whose model uses the
// default base URL replays it, and carries an X-Llmvcr-Source response header
// (removed by replay) saying where it came from.
//
// The answer is printed on stdout as it arrives; notes (the model's tool
// calls) and a summary (interactions, tokens in and out, time, file) go to
// stderr; re-recording over a cassette adds one line saying what changed
// beyond volatile fields (see record diff). A failed recording saves nothing
// and leaves any earlier cassette as it was, and says why in one line:
//
//	record: cannot reach https://api.groq.com: lookup api.groq.com: no such host; nothing saved
//	record: Groq answered 401: Invalid API Key; nothing saved
//
// Usage:
//
//	record [flags] "prompt"                  record one conversation into -o FILE (default session.yaml)
//	record [flags] -scenarios FILE -dir DIR  record every scenario of FILE into DIR/<name>.yaml
//	record inspect FILE                      show the conversation in a cassette
//	record lint PATH...                      check cassettes (files or directories of .yaml)
//	record import-vcrpy [-force] IN OUT      convert a vcrpy / pytest-recording cassette
//	record diff OLD NEW                      what changed between two recordings
//	record proxy -upstream URL -o FILE       record any client's requests through a local proxy
//	record serve CASSETTE...                 answer any client's requests from cassettes
//
// A first word within two edits of a command's name ("record inpsect
// demo.yaml") or the start of one ("record import IN OUT"), or a prompt of
// one word standing first ("record frobnicate"),
// is refused as a usage error rather than recorded; put a one-word prompt
// after "--": record -- Hello.
//
// Recording flags: -o FILE, -model NAME (default llama-3.3-70b-versatile),
// -system TEXT, -stream, -tools FILE, -temperature, -max-tokens, -seed,
// -top-p, -stop (repeatable, or a comma list), -reasoning-format,
// -reasoning-effort, -timeout (the whole recording, default 2m), -max-steps
// (requests per prompt while the model calls tools, default 8), -force,
// -fake, -pace (false: the embedded fake answers at once). -force also
// writes over a file that is not a cassette (see Outputs). They are checked
// before anything is sent, as usage errors (exit status 2): -o must name a
// file, -model must not be empty, -temperature is 0 to 2, -top-p 0 to 1,
// -max-tokens at least 1, and -stop at most 4 non-empty sequences.
//
// # Mirroring a test
//
// A cassette replays only the requests it recorded, so the flags must build
// the request the test sends (a miss fails the test with the JSON path that
// differs). For a test that sends
//
//	model, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(replay.New(t).Client()))
//	msgs := []llm.Message{llm.NewRequest(llm.System("Be concise."), llm.User("What is the capital of France?"))}
//	settings := &groq.Settings{Settings: llm.Settings{Temperature: llm.Ptr(0.0), MaxTokens: llm.Ptr(200), Seed: llm.Ptr(int64(7))}}
//	resp, err := model.Request(ctx, msgs, settings, nil)
//
// record TestChat's cassette with
//
//	go tool record -model llama-3.3-70b-versatile -system "Be concise." -temperature 0 -max-tokens 200 -seed 7 \
//		-o testdata/cassettes/TestChat.yaml "What is the capital of France?"
//
// groq.NewModel's name is -model; llm.System is -system; the first
// llm.User is the prompt; RequestStream is -stream; Temperature, MaxTokens,
// Seed, TopP and StopSequences are -temperature, -max-tokens, -seed, -top-p
// and -stop; groq.Settings' ReasoningFormat and ReasoningEffort are
// -reasoning-format and -reasoning-effort; the FunctionTools of
// llm.RequestParams are a -tools file with the same name, description and
// parameters. Several turns, per-turn settings, ParallelToolCalls and
// ServiceTier take a -scenarios file. A request with anything else
// (ToolChoice, ExtraBody, structured output) is recorded by the test
// itself: go test . -run '^TestChat$' -record.
//
// # Outputs
//
// -o FILE, a scenario's file under -dir and import-vcrpy's OUT are written
// atomically, and only over nothing, an empty file or a cassette; replacing
// a cassette prints what changed beyond volatile fields. Any other file
// (go.mod, a YAML file that is not a cassette, a cassette cut short) is
// refused unless -force, and so is replacing a recording from a real
// server with the embedded fake's answers. A symbolic link is followed: its
// target, resolved through every link, is checked the same way and
// replaced, the link kept, and a line says so. A directory, a named pipe,
// a device, a socket and a link to nothing are refused even with -force.
// With -scenarios every output is checked before anything is sent, and one
// refusal stops the run. A failed recording, and an import of a file
// without interactions, leave the output as it was.
//
// # Tools
//
// A tools file is JSON (or YAML): a list of tools, each
//
//	{"name": "get_weather", "description": "Current weather in a city.",
//	 "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
//	 "result": {"city": "Paris", "temperature_c": 18, "sky": "clear"}}
//
// OpenAI's {"type": "function", "function": {...}} shape is accepted too.
// When the model calls a tool, record answers with its "result" (a JSON string
// is sent as plain text, anything else as JSON), or with a generic JSON result
// when it has none, and asks again, until the model answers with text; a call
// to a tool that was not offered gets a retry prompt. After -max-steps
// requests for one prompt it gives up.
//
// # Scenarios
//
// A scenarios file (YAML or JSON) holds several conversations, each saved to
// its own cassette, with a progress line per scenario:
//
//	scenarios:
//	  - name: TestWeather            # saved as DIR/TestWeather.yaml
//	    model: llama-3.3-70b-versatile
//	    system: Be concise.
//	    stream: true
//	    settings: {temperature: 0, max_tokens: 200}
//	    tools:
//	      - name: get_weather
//	        parameters: {type: object, properties: {city: {type: string}}, required: [city]}
//	        result: {city: Paris, temperature_c: 18}
//	    turns:
//	      - What is the weather in Paris?
//	      - prompt: And in Berlin?
//	        settings: {temperature: 0.5}
//	        stream: false
//
// Settings are temperature, max_tokens, seed, top_p, stop,
// parallel_tool_calls, reasoning_format, reasoning_effort and service_tier.
// The flags give defaults, a scenario's settings override them, and a turn's
// override the scenario's. Unknown keys are errors, reported with the
// scenario and the line. Named after a test, a scenario recorded with -dir
// testdata/cassettes is the cassette that replay.New(t) loads for that test;
// a subtest's name follows '/', mapped as replay.DefaultPath maps it
// ("TestChat/stream mode" is saved as DIR/TestChat/stream_mode.yaml).
//
// A scenario that fails gets a line saying why and is not saved; the others
// are still recorded, and the last line counts them ("record: recorded 2 of
// 3 scenarios into DIR", exit status 1).
//
// # CI
//
// When the CI environment variable is set (to anything but "", "0" or
// "false", in any case), recording against Groq is refused
// (exit status 1) unless -force is given: cassettes are recorded on a
// workstation and committed. Recording against the embedded fake is allowed,
// as it sends nothing anywhere.
//
// # Secrets
//
// Cassettes are saved by cassettes.Cassette.Save: the Authorization header
// and other credential headers are replaced by REDACTED, the value of
// GROQ_API_KEY is scrubbed wherever it appears, and the save fails, writing
// nothing, if the key is still found.
//
// # Proxy and server: clients beyond Go
//
// For a client that cannot take an *http.Client (a Python or JS SDK, a
// service in a container, curl), record proxy records and record serve
// replays. Both listen on -addr (default 127.0.0.1:0, a free port), print
// the base URL to use on the first line of stdout, log to stderr, and on
// SIGINT or SIGTERM stop taking requests, let the answers in flight finish
// for up to -grace (default 10s), cancel the rest, and exit.
//
//	record proxy -upstream https://api.groq.com/openai -o chat.yaml [-addr HOST:PORT] [-force] [-grace D]
//
// forwards every request to the upstream, path prefix included (the client
// uses the printed URL + /v1), with the hop-by-hop headers dropped, and
// streams each answer back as it arrives (an event stream event by event)
// while package recorder records it with its timing. An upstream that does
// not answer gives the client a 502 with a JSON error, and the proxy goes
// on. Every credential a client sends (the headers and URL parameters
// that internal/secrets names: Authorization, X-Api-Key, X-Goog-Api-Key,
// Api-Key, Cookie, key=, ...) is forwarded as it is, and its value is
// collected at runtime and scrubbed, with the usual rules, from the
// cassette (answers that echo it included) and from every log line. On
// stop the cassette is saved by cassettes' Save (atomic, scanned for
// secrets) under the rules of Outputs, checked when the proxy starts and
// again when it saves. It is not saved, and the file is left as it was,
// when nothing was recorded, or (unless -force) when a request got no
// answer, was cancelled before its answer, or was cut by the stop, or
// when its answers are worse than the file's (all canned over real ones,
// all HTTP errors over successes): exit status 1, saying why. An
// upstream's X-Llmvcr- headers are dropped, except X-Llmvcr-Source, the
// mark of an upstream that answers canned (record serve, a fake): the
// cassette is then marked canned. Request bodies are bounded (64 MiB,
// within a minute), as are answers kept (64 MiB) and the session (1 GiB).
//
//	record serve [-addr HOST:PORT] [-timing F] [-strict] [-repeat] [-ignore PATH] [-match-header NAME] [-fault N:KIND] CASSETTE...
//
// answers from the cassettes, tried in order, with replay's matching
// (replay's index: method, path and query under each origin the
// cassette recorded, headers named by -match-header, the JSON body by
// value less the -ignore paths; identical requests get their recordings in
// recorded order, and with -repeat the last keeps answering). Answers are
// played by internal/playback, as replay plays them: -timing F waits the
// recorded time to headers and each event's offset times F (0, the
// default, answers at once). -fault N:KIND strikes the N-th request (from
// 1): cut-after=K, stall-after=K, corrupt-event=K, respond=STATUS, reset,
// stall-headers. A miss gets 404 with X-Should-Retry: false and
// X-Llmvcr-Replay-Miss: true and a JSON error whose message is the report
// (closest recording, differences by JSON path, diff), logged once per
// distinct request. At exit serve lists the recordings never replayed;
// with -strict, a miss, an unused recording or a fault never applied
// makes the exit status 1. Every answer carries X-Llmvcr-Source (it
// replays a recording, canned or real), so a recording made through it is
// marked canned.
//
// # Exit status
//
// 0 on success; 1 on failure (for lint, a finding: a notice such as
// "answers are canned" is not one; for diff, a change
// beyond volatile fields such as ids and timings); 2 for a usage error.
// Errors are one line on stderr, starting "record: ".
package main
