package main

import (
	"context"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
	"github.com/llmvcr/llmvcr/recorder"
	"github.com/llmvcr/llmvcr/replay"
)

// The README's main command, as a new user runs it: no key, no network.
func TestRecordReadmeCommandWithoutKey(t *testing.T) {
	dir := t.TempDir()
	r := cli(t, dir, nil, "-o", "demo.yaml", "What is the capital of France?").mustSucceed(t)
	if !strings.Contains(r.stdout, "The capital of France is Paris.") {
		t.Errorf("stdout does not show the answer:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "GROQ_API_KEY is not set") {
		t.Errorf("stderr does not say the key is missing:\n%s", r.stderr)
	}
	if want := "record: saved demo.yaml: 1 interaction, 48 tokens in, 8 out, "; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr has no summary %q:\n%s", want, r.stderr)
	}
	c := load(t, filepath.Join(dir, "demo.yaml"))
	if len(c.Interactions) != 1 {
		t.Fatalf("%d interactions, want 1", len(c.Interactions))
	}
	i := c.Interactions[0]
	if i.Request.URL != "https://api.groq.com/openai/v1/chat/completions" {
		t.Errorf("recorded URL %q, want Groq's, so that a test with the default base URL replays it", i.Request.URL)
	}
	if i.Response.Headers.Get(recorder.SourceHeader) == "" {
		t.Errorf("a recording from the fake does not say so (%s)", recorder.SourceHeader)
	}
}

// With no key, the embedded fake answers and the cassette keeps Groq's
// URL even when GROQ_BASE_URL points elsewhere (a gateway the user records
// through when a key is set): the fake's Transport is the only redirect.
func TestFakeRecordingKeepsGroqsURL(t *testing.T) {
	dir := t.TempDir()
	cli(t, dir, []string{"GROQ_BASE_URL=http://127.0.0.1:1/gateway"}, "-pace=false", "-o", "g.yaml", "What is the capital of France?").mustSucceed(t)
	i := load(t, filepath.Join(dir, "g.yaml")).Interactions[0]
	if i.Request.URL != "https://api.groq.com/openai/v1/chat/completions" || i.Request.Host != "api.groq.com" {
		t.Errorf("recorded URL %q host %q, want Groq's", i.Request.URL, i.Request.Host)
	}
}

// A cassette the CLI wrote replays in a test through replay and groq.Model,
// with no server at all.
func TestRecordedCassetteReplays(t *testing.T) {
	dir := t.TempDir()
	for _, stream := range []bool{false, true} {
		name := "plain.yaml"
		if stream {
			name = "stream.yaml"
		}
		cli(t, dir, nil, "-pace=false", "-stream="+strconv.FormatBool(stream), "-o", name, "-system", "Be concise.", "What is the capital of France?").mustSucceed(t)
		t.Run(name, func(t *testing.T) {
			s := replay.New(t, replay.WithPath(filepath.Join(dir, name)), replay.WithMode(replay.ModeReplay))
			model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(s.Client()))
			if err != nil {
				t.Fatal(err)
			}
			msgs := []llm.Message{llm.NewRequest(llm.System("Be concise."), llm.User("What is the capital of France?"))}
			var resp *llm.Response
			if stream {
				sr, err := model.RequestStream(context.Background(), msgs, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, err := range sr.Events() {
					if err != nil {
						t.Fatal(err)
					}
				}
				resp = sr.Response()
				sr.Close()
			} else if resp, err = model.Request(context.Background(), msgs, nil, nil); err != nil {
				t.Fatal(err)
			}
			if got := resp.Text(); got != "The capital of France is Paris." {
				t.Errorf("replayed text %q", got)
			}
		})
	}
}

func TestRecordStream(t *testing.T) {
	dir := t.TempDir()
	r := cli(t, dir, nil, "-stream", "-o", "s.yaml", "What is the capital of France?").mustSucceed(t)
	if !strings.Contains(r.stdout, "The capital of France is Paris.\n") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	c := load(t, filepath.Join(dir, "s.yaml"))
	i := c.Interactions[0]
	if !httpbody.IsSSE(i.Response.Headers) {
		t.Fatalf("response is not an event stream: %v", i.Response.Headers)
	}
	if e := i.Response.Headers.Get(httpbody.StreamErrorHeader); e != "" {
		t.Errorf("a complete stream was recorded as broken: %s", e)
	}
	evs, err := httpbody.SplitSSE(i.Response.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) < 3 {
		t.Fatalf("%d events", len(evs))
	}
	for n, ev := range evs {
		if !ev.HasOffset {
			t.Errorf("event %d has no timing line", n)
		}
		if n > 0 && ev.Offset < evs[n-1].Offset {
			t.Errorf("event %d at %v, before event %d at %v", n, ev.Offset, n-1, evs[n-1].Offset)
		}
	}
	// With pacing, the fake sends its first chunk after Groq's queue and
	// prompt time, so the first event cannot arrive with the headers.
	if evs[0].Offset <= 0 {
		t.Errorf("first event at %v, want the fake's time to first token", evs[0].Offset)
	}
	if last := strings.TrimSpace(string(evs[len(evs)-1].Raw)); last != "data: [DONE]" {
		t.Errorf("last event %q", last)
	}
}

const toolsJSON = `[
  {"name": "get_weather", "description": "Current weather in a city.",
   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
   "result": {"city": "Paris", "temperature_c": 18, "sky": "clear"}},
  {"type": "function", "function": {"name": "get_time", "description": "Local time.",
   "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}}}}
]`

func TestRecordTools(t *testing.T) {
	for _, stream := range []string{"-stream=false", "-stream"} {
		t.Run(stream, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "tools.json", toolsJSON)
			r := cli(t, dir, nil, "-pace=false", stream, "-tools", "tools.json", "-o", "w.yaml", "What is the weather in Paris?").mustSucceed(t)
			if !strings.Contains(r.stderr, `the model called get_weather({"city":"Paris"})`) {
				t.Errorf("stderr does not show the tool call:\n%s", r.stderr)
			}
			if !strings.Contains(r.stdout, `"temperature_c":18`) {
				t.Errorf("the final answer does not report the canned result:\n%s", r.stdout)
			}
			c := load(t, filepath.Join(dir, "w.yaml"))
			if len(c.Interactions) != 2 {
				t.Fatalf("%d interactions, want 2 (the call, then the answer)", len(c.Interactions))
			}
			second := c.Interactions[1].Request.Body
			if !strings.Contains(second, `"role":"tool"`) || !strings.Contains(second, `temperature_c`) {
				t.Errorf("the second request does not carry the canned result:\n%s", second)
			}
			if !strings.Contains(second, `"get_time"`) {
				t.Errorf("the tool given in OpenAI's shape was not offered:\n%s", second)
			}
		})
	}
}

// A tool without "result" gets a generic one; a model that keeps calling
// tools is stopped by -max-steps, and nothing is saved.
func TestRecordToolsGenericResultAndMaxSteps(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "tools.json", `[{"name": "search", "parameters": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}}]`)
	cli(t, dir, nil, "-pace=false", "-tools", "tools.json", "-o", "g.yaml", "Search for the best Go test libraries").mustSucceed(t)
	c := load(t, filepath.Join(dir, "g.yaml"))
	if len(c.Interactions) != 2 || !strings.Contains(c.Interactions[1].Request.Body, "canned result from cmd/record") {
		t.Errorf("want the generic result sent back in a second request; got %d interactions", len(c.Interactions))
	}

	r := cli(t, dir, nil, "-pace=false", "-tools", "tools.json", "-max-steps", "1", "-o", "m.yaml", "Search for the best Go test libraries")
	if r.code != 1 || !strings.Contains(lastLine(r.stderr), "still called tools after 1 request (raise -max-steps)") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "m.yaml")); err == nil {
		t.Error("a failed recording was saved")
	}
}

func TestRecordSettingsReachTheRequest(t *testing.T) {
	dir := t.TempDir()
	cli(t, dir, nil, "-pace=false", "-o", "s.yaml", "-temperature", "0", "-max-tokens", "50", "-seed", "42", "-top-p", "0.9",
		"-stop", "END", "-stop", "STOP,HALT", "-model", "qwen/qwen3-32b", "-reasoning-format", "parsed", "-reasoning-effort", "none",
		"What is the capital of France?").mustSucceed(t)
	c := load(t, filepath.Join(dir, "s.yaml"))
	body := httpbody.CompactJSON(c.Interactions[0].Request.Body)
	for _, want := range []string{`"temperature":0`, `"max_tokens":50`, `"seed":42`, `"top_p":0.9`, `"stop":["END","STOP","HALT"]`,
		`"model":"qwen/qwen3-32b"`, `"reasoning_format":"parsed"`, `"reasoning_effort":"none"`} {
		if !strings.Contains(body, want) {
			t.Errorf("request body lacks %s:\n%s", want, body)
		}
	}
}

// Flags may follow the prompt, and the prompt's words may come unquoted.
func TestRecordFlagsAfterPrompt(t *testing.T) {
	dir := t.TempDir()
	cli(t, dir, nil, "What", "is", "the", "capital", "of", "France?", "-o", "late.yaml", "-pace=false").mustSucceed(t)
	c := load(t, filepath.Join(dir, "late.yaml"))
	if !strings.Contains(c.Interactions[0].Request.Body, `"What is the capital of France?"`) {
		t.Errorf("prompt not joined:\n%s", c.Interactions[0].Request.Body)
	}
}

// With a key, the CLI talks to GROQ_BASE_URL with it, and the key reaches
// neither the cassette nor the terminal.
func TestRecordWithKeyScrubsIt(t *testing.T) {
	const key = "gsk_fakeTestKey0123456789abcdefABCDEF"
	g := fakes.NewServer(fakes.WithAPIKey(key))
	defer g.Close()
	dir := t.TempDir()
	env := []string{"GROQ_API_KEY=" + key, "GROQ_BASE_URL=" + g.URL}
	for _, args := range [][]string{
		{"-o", "plain.yaml", "What is the capital of France?"},
		{"-stream", "-o", "stream.yaml", "What is the capital of France?"},
	} {
		r := cli(t, dir, env, args...).mustSucceed(t)
		if strings.Contains(r.stdout+r.stderr, key) {
			t.Errorf("the key was printed:\n%s%s", r.stdout, r.stderr)
		}
		if strings.Contains(r.stderr, "embedded fake") || !strings.Contains(r.stderr, "from Groq at "+g.URL) {
			t.Errorf("want a recording from GROQ_BASE_URL; stderr:\n%s", r.stderr)
		}
		path := filepath.Join(dir, args[len(args)-2])
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), key) || strings.Contains(string(raw), "fakeTestKey") {
			t.Errorf("%s holds the key", path)
		}
		c := load(t, path)
		if got := c.Interactions[0].Request.Headers.Get("Authorization"); got != "Bearer "+cassettes.Redacted {
			t.Errorf("Authorization recorded as %q, want %q", got, "Bearer "+cassettes.Redacted)
		}
	}
	// The server saw the key, so the absence above is scrubbing, not a
	// request sent without it.
	reqs := g.Requests()
	if len(reqs) != 2 || reqs[0].Header.Get("Authorization") != "Bearer "+key {
		t.Errorf("the fake did not receive the key on %d requests", len(reqs))
	}

	// A wrong key is Groq's 401: one line, nothing saved, the key not shown.
	r := cli(t, dir, []string{"GROQ_API_KEY=gsk_wrongKey00000000000000000000", "GROQ_BASE_URL=" + g.URL}, "-o", "bad.yaml", "Hi")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "record: Groq answered 401: Invalid API Key; nothing saved\n") || strings.Contains(r.stderr, "wrongKey") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.yaml")); err == nil {
		t.Error("a failed recording was saved")
	}
}

// Under CI, recording against Groq needs -force; the embedded fake is
// always allowed.
func TestRecordUnderCI(t *testing.T) {
	const key = "gsk_fakeCIKey0123456789abcdefABCDEF0"
	g := fakes.NewServer(fakes.WithAPIKey(key))
	defer g.Close()
	dir := t.TempDir()
	env := []string{"CI=true", "GROQ_API_KEY=" + key, "GROQ_BASE_URL=" + g.URL}

	r := cli(t, dir, env, "-o", "ci.yaml", "Hi")
	if r.code != 1 || !strings.Contains(r.stderr, "refusing to record against Groq because CI is set") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if len(g.Requests()) != 0 {
		t.Error("a request reached Groq although recording was refused")
	}
	cli(t, dir, env, "-force", "-o", "ci.yaml", "Hi").mustSucceed(t)
	load(t, filepath.Join(dir, "ci.yaml"))

	r = cli(t, dir, []string{"CI=true"}, "-pace=false", "-o", "fake.yaml", "Hi").mustSucceed(t)
	load(t, filepath.Join(dir, "fake.yaml"))
	r = cli(t, dir, env, "-fake", "-pace=false", "-o", "forced-fake.yaml", "Hi").mustSucceed(t)
	if !strings.Contains(r.stderr, "embedded fake") {
		t.Errorf("-fake did not use the embedded fake:\n%s", r.stderr)
	}
	load(t, filepath.Join(dir, "forced-fake.yaml"))
}

const scenariosYAML = `scenarios:
  - name: TestWeather
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
      - prompt: And in Berlin?
        settings: {temperature: 0.5}
        stream: false
  - name: TestCapital
    model: llama-3.1-8b-instant
    turns: ["What is the capital of France?"]
`

func TestRecordScenarios(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "scenarios.yaml", scenariosYAML)
	r := cli(t, dir, nil, "-pace=false", "-scenarios", "scenarios.yaml", "-dir", "testdata/cassettes").mustSucceed(t)
	for _, want := range []string{
		"record: [1/2] TestWeather: 2 turns, 4 interactions,",
		"-> testdata/cassettes/TestWeather.yaml",
		"record: [2/2] TestCapital: 1 turn, 1 interaction,",
		"record: recorded 2 scenarios into testdata/cassettes",
	} {
		if !strings.Contains(r.stderr, filepath.FromSlash(want)) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	w := load(t, filepath.Join(dir, "testdata", "cassettes", "TestWeather.yaml"))
	if len(w.Interactions) != 4 {
		t.Fatalf("TestWeather: %d interactions, want 4", len(w.Interactions))
	}
	first := httpbody.CompactJSON(w.Interactions[0].Request.Body)
	last := httpbody.CompactJSON(w.Interactions[3].Request.Body)
	for _, c := range []struct{ name, body, want string }{
		{"turn 1 system prompt", first, `{"role":"system","content":"Be concise."}`},
		{"turn 1 settings", first, `"temperature":0,`},
		{"turn 1 stream", first, `"stream":true`},
		{"turn 2 settings", last, `"temperature":0.5`},
		{"turn 2 keeps the scenario's max_tokens", last, `"max_tokens":200`},
		{"turn 2 stream", last, `"stream":false`},
		{"turn 2 prompt", last, `"And in Berlin?"`},
		{"canned result", last, `temperature_c`},
	} {
		if !strings.Contains(c.body, c.want) {
			t.Errorf("%s: body lacks %s:\n%s", c.name, c.want, c.body)
		}
	}
	cp := load(t, filepath.Join(dir, "testdata", "cassettes", "TestCapital.yaml"))
	if !strings.Contains(cp.Interactions[0].Request.Body, `"llama-3.1-8b-instant"`) {
		t.Errorf("the scenario's model was not used:\n%s", cp.Interactions[0].Request.Body)
	}
}

// JSON scenario files work too, and a list alone is accepted.
func TestRecordScenariosJSON(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "s.json", `[{"name": "one", "turns": ["Hi"]}]`)
	cli(t, dir, nil, "-pace=false", "-scenarios", "s.json", "-dir", "out").mustSucceed(t)
	load(t, filepath.Join(dir, "out", "one.yaml"))
}

// Re-recording over a cassette says in one line what changed.
func TestRecordReplacedSaysWhatChanged(t *testing.T) {
	dir := t.TempDir()
	q := "What is the capital of France?"
	r := cli(t, dir, nil, "-pace=false", "-o", "c.yaml", q).mustSucceed(t)
	if strings.Contains(r.stderr, "replaced") {
		t.Errorf("a first recording claims to replace something:\n%s", r.stderr)
	}
	r = cli(t, dir, nil, "-pace=false", "-o", "c.yaml", q).mustSucceed(t)
	if !strings.Contains(r.stderr, "record: replaced c.yaml: no changes apart from volatile fields\n") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	r = cli(t, dir, nil, "-pace=false", "-o", "c.yaml", "-seed", "3", "-temperature", "0", q).mustSucceed(t)
	if !strings.Contains(r.stderr, "record: replaced c.yaml: 1 change beyond volatile fields: interaction 0 request temperature: (absent) -> 0\n") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// Values Groq would refuse, or an -o that cannot be written, are usage
// errors found before anything is sent: exit 2, one line, no file.
func TestRecordValidatesBeforeSending(t *testing.T) {
	g := fakes.NewServer(fakes.WithAPIKey("gsk_fakeValidateKey0123456789abcdefAB"))
	defer g.Close()
	env := []string{"GROQ_API_KEY=gsk_fakeValidateKey0123456789abcdefAB", "GROQ_BASE_URL=" + g.URL}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "hot.yaml", "scenarios: [{name: a, turns: [{prompt: hi, settings: {temperature: 3}}]}]\n")
	q := "What is the capital of France?"
	for _, c := range []struct {
		name string
		args []string
		want string
		code int
	}{
		{"-o a directory", []string{"-o", "out", q}, "-o out is a directory: give a cassette file, such as -o " + filepath.Join("out", "session.yaml"), 2},
		{"-o empty", []string{"-o", "", q}, "-o is empty: give the cassette file to write", 2},
		{"-model empty", []string{"-model", "", q}, "-model is empty: give a Groq model name", 2},
		{"-max-tokens negative", []string{"-max-tokens", "-1", q}, "-max-tokens -1 is out of range: it must be at least 1", 2},
		{"-temperature above 2", []string{"-temperature", "5", q}, "-temperature 5 is out of range: Groq takes 0 to 2", 2},
		{"-temperature NaN", []string{"-temperature", "NaN", q}, "-temperature NaN is out of range", 2},
		{"-top-p above 1", []string{"-top-p", "2", q}, "-top-p 2 is out of range: Groq takes 0 to 1", 2},
		{"-stop only a comma", []string{"-stop", ",", q}, `invalid value "," for flag -stop: no stop sequence in it`, 2},
		{"five stop sequences", []string{"-stop", "a,b,c,d,e", q}, "-stop: 5 sequences, Groq takes at most 4", 2},
		{"-dir a file", []string{"-scenarios", "hot.yaml", "-dir", "hot.yaml"}, "-dir hot.yaml is a file: give the directory to write the cassettes to", 2},
		{"-dir empty", []string{"-scenarios", "hot.yaml", "-dir", ""}, "-dir is empty", 2},
		{"a turn's temperature", []string{"-scenarios", "hot.yaml", "-dir", "s"}, "scenarios file hot.yaml: scenario a, turn 1: temperature 3 is out of range: Groq takes 0 to 2", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := cli(t, dir, env, c.args...)
			if r.code != c.code || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and one line with %q", r.code, r.stderr, c.code, c.want)
			}
		})
	}
	if n := len(g.Requests()); n != 0 {
		t.Errorf("%d requests were sent; want none", n)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("%d entries in the directory, want only out/ and hot.yaml", len(entries))
	}
}

// A Groq that cannot be reached, or that answers with an error, is one
// plain line: where, and what went wrong, without the key or Go's
// wrapping of the error.
func TestRecordNetworkErrors(t *testing.T) {
	const key = "gsk_fakeNetworkKey0123456789abcdefABC"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now: the connection is refused
	dir := t.TempDir()
	r := cli(t, dir, []string{"GROQ_API_KEY=" + key, "GROQ_BASE_URL=" + closed}, "-o", "x.yaml", "Hi there")
	want := "record: cannot reach " + closed + ": connect: connection refused; nothing saved\n"
	if r.code != 1 || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr, want)
	}
	for _, bad := range []string{key, "model_name", "Post ", "dial tcp"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr shows %q: %q", bad, r.stderr)
		}
	}

	// Groq's error message is taken from its JSON body.
	g := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"error":{"message":"Access denied for `+key+`.","type":"permission_error"}}`)
	}))
	defer g.Close()
	r = cli(t, dir, []string{"GROQ_API_KEY=" + key, "GROQ_BASE_URL=" + g.URL}, "-o", "x.yaml", "Hi there")
	want = "record: Groq answered 403: Access denied for REDACTED.; nothing saved\n"
	if r.code != 1 || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.yaml")); err == nil {
		t.Error("a failed recording was saved")
	}
}

// CI=false, CI=0 (and their spellings) mean "not in CI"; any other value
// means CI, as CI services set it.
func TestRecordCIValues(t *testing.T) {
	const key = "gsk_fakeCIValuesKey0123456789abcdefAB"
	g := fakes.NewServer(fakes.WithAPIKey(key))
	defer g.Close()
	dir := t.TempDir()
	for _, c := range []struct {
		name, ci string
		refused  bool
	}{
		{"false", "false", false},
		{"FALSE", "FALSE", false},
		{"zero", "0", false},
		{"empty", "", false},
		{"true", "true", true},
		{"one", "1", true},
		{"a service name", "woodpecker", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := cli(t, dir, []string{"CI=" + c.ci, "GROQ_API_KEY=" + key, "GROQ_BASE_URL=" + g.URL}, "-o", "ci.yaml", "Hi there")
			refused := strings.Contains(r.stderr, "refusing to record against Groq because CI is set")
			if refused != c.refused || (r.code == 0) == c.refused {
				t.Errorf("CI=%q: exit %d, refused %v, want refused %v; stderr:\n%s", c.ci, r.code, refused, c.refused, r.stderr)
			}
		})
	}
}

// One failing scenario does not stop the others: each failure is a line,
// the rest are saved, and the last line counts what was recorded. A name
// with '/' is a subtest's cassette.
func TestRecordScenariosContinueAfterAFailure(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "s.yaml", `scenarios:
  - name: TestA
    turns: ["What is the capital of France?"]
  - name: TestBad
    model: no-such-model
    turns: [Hi there]
  - name: TestC/stream mode
    stream: true
    turns: ["What is the capital of France?"]
`)
	r := cli(t, dir, nil, "-pace=false", "-scenarios", "s.yaml", "-dir", "out")
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	for _, want := range []string{
		"record: [1/3] TestA: 1 turn, 1 interaction,",
		"record: [2/3] TestBad: turn 1: the embedded fake Groq server answered 404: The model `no-such-model` does not exist",
		"; not saved\n",
		"record: [3/3] TestC/stream mode: 1 turn, 1 interaction,",
		"-> " + filepath.Join("out", "TestC", "stream_mode.yaml"),
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if got, want := lastLine(r.stderr), "record: recorded 2 of 3 scenarios into out"; got != want {
		t.Errorf("last line %q, want %q", got, want)
	}
	if strings.Contains(r.stderr, "nothing saved") {
		t.Errorf("stderr says nothing was saved, but two scenarios were:\n%s", r.stderr)
	}
	load(t, filepath.Join(dir, "out", "TestA.yaml"))
	// The path replay.New(t) loads in TestC's subtest "stream mode".
	load(t, filepath.Join(dir, "out", strings.TrimPrefix(replay.DefaultPath("TestC/stream_mode"), filepath.Join("testdata", "cassettes"))))
	if _, err := os.Stat(filepath.Join(dir, "out", "TestBad.yaml")); err == nil {
		t.Error("the failed scenario was saved")
	}
}

// A mistake in a scenarios file names the file, the scenario and the line.
func TestRecordScenarioFileErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "typo.yaml", `scenarios:
  - name: TestA
    turns: [Hi]
  - name: TestB
    settings:
      temprature: 0
    turns: [Hi]
`)
	writeFile(t, dir, "typo.json", "[\n {\"name\": \"TestJ\",\n  \"turns\": [\"Hi\"],\n  \"tools\": [{\"name\": \"f\", \"paramaters\": {}}]}\n]\n")
	writeFile(t, dir, "type.yaml", "scenarios:\n  - name: TestT\n    settings: {max_tokens: lots}\n    turns: [Hi]\n")
	for _, c := range []struct{ file, want string }{
		{"typo.yaml", `record: scenarios file typo.yaml: scenario TestB (line 6): unknown field "temprature"`},
		{"typo.json", `record: scenarios file typo.json: scenario TestJ (line 4): unknown field "paramaters"`},
		{"type.yaml", `record: scenarios file type.yaml: scenario TestT (line 3): settings.max_tokens: want a number, not string`},
	} {
		t.Run(c.file, func(t *testing.T) {
			r := cli(t, dir, nil, "-pace=false", "-scenarios", c.file, "-dir", "out")
			if r.code != 1 || r.stderr != c.want+"\n" {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr, c.want)
			}
		})
	}
}

// The -h text's mirroring example, run as printed, records a cassette that
// the test it describes (model, system prompt, prompt, temperature 0,
// max tokens 200) replays; and doc.go and the README show the same
// command for their example test.
func TestHelpMirrorExample(t *testing.T) {
	dir := t.TempDir()
	usage := cli(t, dir, nil, "-h").mustSucceed(t).stdout
	i := strings.Index(usage, "\n  record -model ")
	if i < 0 {
		t.Fatalf("the usage shows no mirroring example:\n%s", usage)
	}
	line := usage[i+3:]
	line = line[:strings.Index(line, "\n(")]
	line = strings.ReplaceAll(line, "\\\n    ", "")
	words, _, err := shellWords(line)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	cli(t, dir, nil, append([]string{"-pace=false"}, words[1:]...)...).mustSucceed(t)

	s := replay.New(t, replay.WithPath(filepath.Join(dir, "testdata", "cassettes", "TestChat.yaml")), replay.WithMode(replay.ModeReplay))
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(s.Client()))
	if err != nil {
		t.Fatal(err)
	}
	msgs := []llm.Message{llm.NewRequest(llm.System("Be concise."), llm.User("What is the capital of France?"))}
	settings := &groq.Settings{Settings: llm.Settings{Temperature: llm.Ptr(0.0), MaxTokens: llm.Ptr(200)}}
	if _, err := model.Request(context.Background(), msgs, settings, nil); err != nil {
		t.Fatal(err)
	}

	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	const mirror = `go tool record -model llama-3.3-70b-versatile -system "Be concise." -temperature 0 -max-tokens 200 -seed 7`
	for name, text := range map[string]string{"README.md": string(readme), "doc.go": string(doc)} {
		if !strings.Contains(text, mirror) || !strings.Contains(text, `llm.Settings{Temperature: llm.Ptr(0.0), MaxTokens: llm.Ptr(200), Seed: llm.Ptr(int64(7))}`) {
			t.Errorf("%s does not show the mirroring example %q with its settings", name, mirror)
		}
	}
}
