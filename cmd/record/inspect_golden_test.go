package main

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/ci"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestInspectGolden (refused when CI is set)")

// updateGolden reports whether golden files are to be rewritten: -update or
// LLMVCR_UPDATE set to anything but "", "0" or "false". Under CI a request
// to rewrite fails the test: golden files are written on a workstation and
// reviewed, never made to agree with the code by a CI run.
func updateGolden(t *testing.T) bool {
	t.Helper()
	asked := *update
	switch strings.ToLower(strings.TrimSpace(os.Getenv("LLMVCR_UPDATE"))) {
	case "", "0", "false":
	default:
		asked = true
	}
	if asked && ci.Set() {
		t.Fatal("-update (or LLMVCR_UPDATE) is refused because CI is set: rewrite golden files on a workstation and commit them")
	}
	return asked
}

// inspectGoldens are the cassettes whose inspect output is pinned, each
// next to its NAME.golden in testdata/inspect (see testdata/SOURCE.md).
var inspectGoldens = []struct{ name, cassette string }{
	{"plain", "testdata/inspect/plain.yaml"},         // real Groq, one plain answer
	{"stream", "testdata/inspect/stream.yaml"},       // a stream with its timing
	{"tools", "testdata/inspect/tools.yaml"},         // a tool call answered, then text
	{"tools_stream", "testdata/weather_stream.yaml"}, // the same, streamed
	{"errors", "testdata/inspect/errors.yaml"},       // HTTP errors, error events, broken streams
	{"providers", providersCassette},                 // Anthropic, Responses API and Gemini answers
}

// TestInspectGolden compares what inspect prints, byte for byte, with the
// committed testdata/inspect/NAME.golden. After a deliberate change:
//
//	go test ./cmd/record -run TestInspectGolden -update
//
// and review the diff of the golden files.
func TestInspectGolden(t *testing.T) {
	up := updateGolden(t)
	for _, g := range inspectGoldens {
		t.Run(g.name, func(t *testing.T) {
			c, err := cassettes.Load(filepath.FromSlash(g.cassette))
			if err != nil {
				t.Fatal(err)
			}
			c.Path = filepath.Base(c.Path) // the same output on every OS
			var b strings.Builder
			inspect(&b, c)
			golden := filepath.Join("testdata", "inspect", g.name+".golden")
			if up {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("rewrote %s", golden)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/record -run TestInspectGolden -update to write it)", err)
			}
			if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(b.String(), "\n")); diff != "" {
				t.Errorf("inspect %s differs from %s (-want +got):\n%s", g.cassette, golden, diff)
			}
		})
	}
}

// Under CI, -update and LLMVCR_UPDATE fail the test and rewrite nothing.
func TestInspectGoldenUpdateRefusedInCI(t *testing.T) {
	if os.Getenv("LLMVCR_GOLDEN_CHILD") != "" {
		return
	}
	before := map[string][]byte{}
	for _, g := range inspectGoldens {
		p := filepath.Join("testdata", "inspect", g.name+".golden")
		before[p], _ = os.ReadFile(p)
	}
	for _, c := range []struct {
		name string
		args []string
		env  []string
	}{
		{"flag", []string{"-update"}, nil},
		{"env", nil, []string{"LLMVCR_UPDATE=1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"-test.run=^TestInspectGolden$", "-test.count=1"}, c.args...)
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), "CI=true", "LLMVCR_GOLDEN_CHILD=1")
			cmd.Env = append(cmd.Env, c.env...)
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), "refused because CI is set") {
				t.Errorf("with CI set, %v %v: err %v, output:\n%s", c.args, c.env, err, out)
			}
		})
	}
	for p, b := range before {
		if after, _ := os.ReadFile(p); string(after) != string(b) {
			t.Errorf("%s was rewritten under CI", p)
		}
	}
}

// inspect reads a stream as groq.Model does (internal/sse): lines ended by
// CR alone, a field without the space after its colon and a data field
// split over two lines are SSE too; tool-call fragments are put together
// by index, the name first arriving in a later fragment.
func TestInspectStreamReadsSSEAsTheModelDoes(t *testing.T) {
	chunk := func(delta string) string {
		return `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":` + delta + `,"finish_reason":null}]}`
	}
	body := "data:" + chunk(`{"role":"assistant","content":"Bon"}`) + "\r\r" +
		"data: " + strings.Replace(chunk(`{"content":"jour"}`), `,"object"`, ",\ndata: \"object\"", 1) + "\n\n" +
		"data: " + chunk(`{"tool_calls":[{"index":1,"id":"call_1","function":{"arguments":"{\"a\":"}}]}`) + "\n\n" +
		"data: " + chunk(`{"tool_calls":[{"index":1,"function":{"name":"f","arguments":"1}"}}]}`) + "\n\n" +
		"data: [DONE]\r\r"
	var b strings.Builder
	inspectStream(&b, body)
	want := "  text: Bonjour\n  tool call: f({\"a\":1}) [call_1]\n  stream: 5 events, ends with [DONE], no timing recorded\n"
	if b.String() != want {
		t.Errorf("inspect shows\n%s\nwant\n%s", b.String(), want)
	}
}
