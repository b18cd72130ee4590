package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"unicode"
)

const usageText = `record: record LLM sessions into cassettes, and read, check, import and compare them.

Usage:
  record [flags] "prompt"                  record one conversation into a cassette
  record [flags] -scenarios FILE -dir DIR  record every scenario of FILE into DIR/<name>.yaml
  record inspect FILE                      show the conversation in a cassette
  record lint PATH...                      check cassettes (files or directories of .yaml)
  record import-vcrpy [-force] IN OUT      convert a vcrpy / pytest-recording cassette
  record diff OLD NEW                      what changed between two recordings
  record proxy -upstream URL -o FILE       record any client's requests through a local proxy
  record serve CASSETTE...                 answer any client's requests from cassettes

A first word that looks like a mistyped command (or a prompt of one word)
is refused; put a one-word prompt after --: record -- Hello

With GROQ_API_KEY set, record talks to Groq (GROQ_BASE_URL, if set, replaces
https://api.groq.com). Without it, it says so and records against an embedded
fake Groq server, so it works with no key and no network. With CI set
(to anything but 0 or false), recording against Groq is refused unless -force is given; recording against
the embedded fake is always allowed. The API key never reaches the cassette:
the Authorization header and the key's value are scrubbed, and saving fails
if the key is still found.

Examples:
  record -o demo.yaml "What is the capital of France?"
  record -stream -system "Be concise." -temperature 0 -o paris.yaml "What is the capital of France?"
  record -tools tools.json -o weather.yaml "What is the weather in Paris?"
  record -scenarios scenarios.yaml -dir testdata/cassettes
  record inspect demo.yaml
  record lint testdata/cassettes
  record import-vcrpy test_groq.yaml testdata/cassettes/TestGroq.yaml
  record diff old.yaml demo.yaml

A tools file is JSON (or YAML): a list of {"name", "description",
"parameters" (a JSON schema), "result" (the canned answer to every call;
a generic JSON result when absent)}. The model's tool calls are answered
with these results until it answers with text (at most -max-steps requests
per prompt).

A scenarios file is YAML (or JSON):
  scenarios:
    - name: TestWeather          # saved as DIR/TestWeather.yaml
      model: llama-3.3-70b-versatile
      system: Be concise.
      stream: true
      settings: {temperature: 0, max_tokens: 200}
      tools:
        - name: get_weather
          description: Current weather in a city.
          parameters: {type: object, properties: {city: {type: string}}, required: [city]}
          result: {city: Paris, temperature_c: 18, sky: clear}
      turns:
        - What is the weather in Paris?
        - prompt: And should I take an umbrella?
          settings: {temperature: 0.5}

The settings flags give defaults; a scenario's settings override them,
and a turn's override the scenario's. A subtest's cassette is named after
'/': "TestChat/stream mode" is saved as DIR/TestChat/stream_mode.yaml, where
replay.New(t) looks for it. A scenario that fails is not saved, and the
others are still recorded.

A cassette is written only over nothing, an empty file or a cassette (a
re-recording, which then says what changed). Any other file (go.mod, say)
is refused unless -force; so is replacing a recording from Groq with the
embedded fake's answers. A symbolic link is followed: its target is
replaced and the link kept. Directories, pipes, devices and links to
nothing are always refused. A failed recording leaves the file as it was.

From another module (Go 1.24+), at the version in your go.mod:
  go get -tool github.com/llmvcr/llmvcr/cmd/record
  go tool record -o testdata/cassettes/TestChat.yaml "What is the capital of France?"
or go run github.com/llmvcr/llmvcr/cmd/record@latest [flags] "prompt".

A cassette replays only the requests it recorded: give the flags your test
sends. A test calling groq.NewModel("llama-3.3-70b-versatile", ...) with
llm.System("Be concise."), llm.User("What is the capital of France?") and
llm.Settings{Temperature: llm.Ptr(0.0), MaxTokens: llm.Ptr(200)} is recorded by
  record -model llama-3.3-70b-versatile -system "Be concise." -temperature 0 -max-tokens 200 \
    -o testdata/cassettes/TestChat.yaml "What is the capital of France?"
(-stream for RequestStream, -tools FILE for its tools, -scenarios for
several turns or per-turn settings.)

Exit status: 0 success, 1 failure (for diff: the recordings differ beyond
volatile fields; for lint: a finding), 2 usage error.

Flags for recording:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError is a mistake in how the command was called: exit status 2.
// Unless bare, the line ends pointing to record -h.
type usageError struct {
	msg  string
	bare bool // the message says what to do already
}

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// failure is a failure whose details were already printed (lint findings,
// a drift report): exit status 1 with msg as the last line.
type failure struct{ msg string }

func (e *failure) Error() string { return e.msg }

// run runs the command line args and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdout, stderr)
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		if ue.bare {
			fmt.Fprintf(stderr, "record: %s\n", oneLine(err.Error(), 600))
		} else {
			fmt.Fprintf(stderr, "record: %s (run 'record -h' for usage)\n", oneLine(err.Error(), 600))
		}
		return 2
	default:
		fmt.Fprintf(stderr, "record: %s\n", oneLine(err.Error(), 1000))
		return 1
	}
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "inspect":
			return cmdInspect(args[1:], stdout)
		case "lint":
			return cmdLint(args[1:], stdout, stderr)
		case "import-vcrpy":
			return cmdImport(args[1:], stdout, stderr)
		case "diff":
			return cmdDiff(args[1:], stdout)
		case "proxy":
			return cmdProxy(ctx, args[1:], stdout, stderr)
		case "serve":
			return cmdServe(ctx, args[1:], stdout, stderr)
		case "help":
			fs := recordFlags(&recordConfig{})
			printUsage(stdout, fs)
			return nil
		}
		if err := checkCommand(args); err != nil {
			return err
		}
	}
	return cmdRecord(ctx, args, stdout, stderr)
}

// commands are the subcommands a mistyped first word is checked against.
var commands = []string{"inspect", "lint", "import-vcrpy", "diff", "proxy", "serve"}

// checkCommand refuses a first argument that looks like a subcommand rather
// than a prompt: a single word within two edits of a subcommand's name or
// the start of one, or a single word that is the whole prompt. A prompt after "--" is never
// checked, so a one-word prompt can still be recorded.
func checkCommand(args []string) error {
	word := args[0]
	if word == "" || strings.HasPrefix(word, "-") || strings.ContainsFunc(word, unicode.IsSpace) {
		return nil
	}
	lower := strings.ToLower(word)
	best, dist := "", 3
	for _, c := range commands {
		if d := editDistance(lower, c); d < dist {
			best, dist = c, d
		}
	}
	for _, c := range commands {
		if best == "" && len(lower) >= 4 && strings.HasPrefix(c, lower) {
			best = c // the start of a command's name: "import" for import-vcrpy
		}
	}
	if best != "" {
		return &usageError{msg: fmt.Sprintf("unknown command %q; did you mean %s? (to record a one-word prompt, put it after --)", word, best), bare: true}
	}
	pos, err := parseInterspersed(recordFlags(&recordConfig{}), args)
	if err == nil && len(pos) == 1 {
		return &usageError{msg: fmt.Sprintf("unknown command %q (to record a one-word prompt, put it after --; run 'record -h' for usage)", word), bare: true}
	}
	return nil
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usageText)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// parseInterspersed parses flags wherever they stand among the positional
// arguments ("record 'prompt' -stream" works), and returns the positional
// ones. Everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// flagError turns the flag package's error into a usage error.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usagef("%s", strings.TrimSpace(err.Error()))
}
