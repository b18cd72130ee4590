package assert_test

import (
	"bytes"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/llm"
)

// inTempDir runs the test in a fresh directory, so golden files written by
// it do not land in the package.
func inTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

func setUpdate(t *testing.T, on bool) {
	t.Helper()
	if on {
		t.Setenv("LLMVCR_UPDATE", "1")
	} else {
		t.Setenv("LLMVCR_UPDATE", "")
	}
	t.Setenv("CI", "") // these tests are about the workstation; see TestGoldenUpdateRefusedUnderCI
}

// TestGoldenPath: the file of a test is testdata/golden/<name>.json by
// the rule of replay.DefaultPath, so distinct names keep distinct files.
func TestGoldenPath(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "TestX", "testdata/golden/TestX.json"},
		{"subtests are folders", "TestX/case_one/deeper", "testdata/golden/TestX/case_one/deeper.json"},
		{"spaces as go test writes them", "TestX/tool_call", "testdata/golden/TestX/tool_call.json"},
		{"unsafe characters", `TestX/a:b*c?"d<e>|f\g#01`, "testdata/golden/TestX/a_b_c__d_e__f_g_01-7a640e98.json"},
		{"dot segments cannot escape", "TestX/../..", "testdata/golden/TestX/_../_...json"},
		{"japanese", "TestX/日本", "testdata/golden/TestX/__-9f26ee51.json"},
		{"chinese", "TestX/中文", "testdata/golden/TestX/__-c488f045.json"},
	}
	inTempDir(t)
	setUpdate(t, true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := record(tt.in, func(tb testing.TB) bool { return assert.Golden(tb, tt.in) })
			expectPass(t, r, ok)
			data, err := os.ReadFile(filepath.FromSlash(tt.want))
			if err != nil {
				t.Fatalf("Golden in %q: %v (logs %q)", tt.in, err, r.logs)
			}
			if string(data) != strconv.Quote(tt.in)+"\n" {
				t.Errorf("%s holds %s, want the value of %q: two names share a file", tt.want, data, tt.in)
			}
		})
	}
}

func TestGoldenLifecycle(t *testing.T) {
	inTempDir(t)
	resp := weatherResponse()
	name := "TestWeather/groq response"
	path := filepath.Join("testdata", "golden", "TestWeather", "groq_response.json")

	// Missing file: a failure saying how to create it.
	setUpdate(t, false)
	r, ok := record(name, func(tb testing.TB) bool { return assert.Golden(tb, resp) })
	expectFail(t, r, ok, false, "assert.Golden: "+path+" does not exist; run go test -run '^TestWeather$' -update to create it")

	// -update writes it, with stable formatting.
	setUpdate(t, true)
	r, ok = record(name, func(tb testing.TB) bool { return assert.Golden(tb, resp) })
	expectPass(t, r, ok)
	if len(r.logs) != 1 || !strings.Contains(r.logs[0], "LLMVCR_UPDATE=1: wrote "+path) {
		t.Errorf("logs = %q, want one saying the file was written and why", r.logs)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{
  "finish_reason": "tool_call",
  "kind": "response",
  "model_name": "llama-3.3-70b-versatile",
  "parts": [
    {
      "content": "The user wants the weather.",
      "part_kind": "thinking"
    },
    {
      "args": {
        "city": "Paris",
        "unit": "celsius"
      },
      "part_kind": "tool-call",
      "tool_call_id": "call_abc123",
      "tool_name": "get_weather"
    }
  ],
  "provider_details": {
    "x_groq_id": "req_01"
  },
  "provider_name": "groq",
  "provider_response_id": "chatcmpl-8a1b2c",
  "provider_timestamp": "2025-11-25T08:00:00Z",
  "provider_url": "https://api.groq.com",
  "raw_finish_reason": "tool_calls",
  "usage": {
    "input_tokens": 120,
    "output_tokens": 24,
    "requests": 1,
    "timings": {
      "queue": "12ms",
      "total": "200ms"
    }
  }
}
`
	if string(data) != want {
		t.Errorf("golden file:\n%s\nwant:\n%s", data, want)
	}

	// Equal value (another local timestamp, args spelled differently): pass.
	setUpdate(t, false)
	same := weatherResponse()
	same.Timestamp = time.Now()
	same.Parts[1].(*llm.ToolCallPart).Args = `{"unit":"celsius","city":"Paris"}`
	r, ok = record(name, func(tb testing.TB) bool { return assert.Golden(tb, same) })
	expectPass(t, r, ok)

	// A change fails with the path and a diff.
	changed := weatherResponse()
	changed.Usage.OutputTokens = 30
	changed.Parts[1].(*llm.ToolCallPart).Args = `{"city":"Lyon","unit":"celsius"}`
	r, ok = record(name, func(tb testing.TB) bool { return assert.Golden(tb, changed) })
	expectFail(t, r, ok, false,
		"assert.Golden: got differs from "+path+"; run with -update to accept it (-want +got):",
		`parts[1].args.city: want "Paris", got "Lyon"`,
		`usage.output_tokens: want 24, got 30`,
		`- 				"city": string("Paris"),`,
		`+ 		"output_tokens": float64(30),`,
	)
	// Ignoring paths of the file makes it pass.
	r, ok = record(name, func(tb testing.TB) bool {
		return assert.Golden(tb, changed, assert.IgnorePaths("parts[*].args", "usage.output_tokens"))
	})
	expectPass(t, r, ok)

	// A matcher on a path of the file: a file that matches is left alone
	// under -update.
	setUpdate(t, true)
	other := weatherResponse()
	other.ProviderResponseID = "chatcmpl-zzz"
	idShape := assert.At("provider_response_id", assert.Matches(`^chatcmpl-`))
	r, ok = record(name, func(tb testing.TB) bool { return assert.Golden(tb, other, idShape) })
	expectPass(t, r, ok)
	if data, _ := os.ReadFile(path); string(data) != want {
		t.Errorf("matching golden file was rewritten:\n%s", data)
	}
	if len(r.logs) != 0 {
		t.Errorf("logs %q for a file left alone", r.logs)
	}
	setUpdate(t, false)
	other.ProviderResponseID = "resp_1"
	r, ok = record(name, func(tb testing.TB) bool { return assert.Golden(tb, other, idShape) })
	expectFail(t, r, ok, false, `provider_response_id: want a string matching "^chatcmpl-", got "resp_1"`)

	// A mismatch under -update rewrites it, and says so.
	setUpdate(t, true)
	r, ok = record(name, func(tb testing.TB) bool { return assert.Golden(tb, changed) })
	expectPass(t, r, ok)
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), `"output_tokens": 30`) {
		t.Errorf("golden file not rewritten:\n%s", data)
	}
	if len(r.logs) != 1 || !strings.Contains(r.logs[0], "rewrote "+path) {
		t.Errorf("logs = %q, want one saying the file was rewritten", r.logs)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("golden folder holds %d entries, want 1 (no temp files left)", len(entries))
	}
}

func TestGoldenValues(t *testing.T) {
	inTempDir(t)
	setUpdate(t, true)
	req, _ := http.NewRequest("POST", "http://x/", bytes.NewReader([]byte(`{"model":"m","messages":[{"role":"user","content":"<b>hi</b>"}]}`)))
	tests := []struct {
		name string
		got  any
		opts []assert.Option
		want string
	}{
		{
			name: "request body",
			got:  req,
			want: "{\n  \"messages\": [\n    {\n      \"content\": \"<b>hi</b>\",\n      \"role\": \"user\"\n    }\n  ],\n  \"model\": \"m\"\n}\n",
		},
		{
			name: "conversation",
			got: []llm.Message{
				llm.NewRequest(llm.System("Be brief."), llm.UserParts(llm.Text("Look:"), &llm.ImageURL{URL: "https://x/cat.png"})),
				&llm.Response{Parts: []llm.ResponsePart{llm.Reply("A cat.")}, Timestamp: time.Now()},
			},
			want: `[
  {
    "kind": "request",
    "parts": [
      {
        "content": "Be brief.",
        "part_kind": "system-prompt"
      },
      {
        "content": [
          "Look:",
          {
            "kind": "image-url",
            "url": "https://x/cat.png"
          }
        ],
        "list": true,
        "part_kind": "user-prompt"
      }
    ]
  },
  {
    "kind": "response",
    "parts": [
      {
        "content": "A cat.",
        "part_kind": "text"
      }
    ]
  }
]
`,
		},
		{
			name: "coalesced events",
			got:  streamEvents(true)[:4],
			opts: []assert.Option{assert.Coalesce(), assert.ExactArgs()},
			want: `[
  {
    "event_kind": "part_start",
    "part": {
      "content": "It is 21C.",
      "part_kind": "text"
    }
  },
  {
    "event_kind": "part_end",
    "next_part_kind": "tool-call",
    "part": {
      "content": "It is 21C.",
      "part_kind": "text"
    }
  }
]
`,
		},
		{
			name: "ignored fields and exact args",
			got:  &llm.Response{Parts: []llm.ResponsePart{llm.ToolCall("f", `{"b": 1, "a": 2}`, "call_1")}, ModelName: "m"},
			opts: []assert.Option{assert.IgnoreFields("ToolCallID", "Response.ModelName"), assert.ExactArgs()},
			want: "{\n  \"kind\": \"response\",\n  \"parts\": [\n    {\n      \"args\": \"{\\\"b\\\": 1, \\\"a\\\": 2}\",\n      \"part_kind\": \"tool-call\",\n      \"tool_name\": \"f\"\n    }\n  ]\n}\n",
		},
		{
			name: "plain value",
			got:  map[string]any{"z": 1, "a": []int{1, 2}, "t": 1500 * time.Microsecond},
			want: "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"t\": \"1.5ms\",\n  \"z\": 1\n}\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := record(t.Name(), func(tb testing.TB) bool { return assert.Golden(tb, tt.got, tt.opts...) })
			expectPass(t, r, ok)
			data, err := os.ReadFile(filepath.Join("testdata", "golden", "TestGoldenValues", strings.ReplaceAll(tt.name, " ", "_")+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != tt.want {
				t.Errorf("golden file:\n%s\nwant:\n%s", data, tt.want)
			}
		})
	}
}

func TestGoldenBadFile(t *testing.T) {
	inTempDir(t)
	setUpdate(t, false)
	path := filepath.Join("testdata", "golden", "TestBad.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, ok := record("TestBad", func(tb testing.TB) bool { return assert.Golden(tb, 1) })
	expectFail(t, r, ok, false, "assert.Golden: "+path+" is not valid JSON", "-update to rewrite it")

	setUpdate(t, true)
	r, ok = record("TestBad", func(tb testing.TB) bool { return assert.Golden(tb, 1) })
	expectPass(t, r, ok)
}

// TestGoldenUpdateRefusedUnderCI: under CI, -update and LLMVCR_UPDATE
// stop the test before any file is touched, by the CI rule of recording.
func TestGoldenUpdateRefusedUnderCI(t *testing.T) {
	f := flag.Lookup("update")
	if f == nil {
		t.Fatal("no -update flag")
	}
	setFlag := func(t *testing.T, v string) {
		old := f.Value.String()
		t.Cleanup(func() { f.Value.Set(old) })
		if err := f.Value.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, ci, env, flag string
		refused             bool
		how                 string
	}{
		{name: "env under CI=true", ci: "true", env: "1", refused: true, how: "LLMVCR_UPDATE=1"},
		{name: "flag under CI=1", ci: "1", flag: "true", refused: true, how: "-update"},
		{name: "flag under CI=yes", ci: "yes", flag: "true", refused: true, how: "-update"},
		{name: "env under CI=TRUE", ci: " TRUE ", env: "true", refused: true, how: "LLMVCR_UPDATE=true"},
		{name: "CI=0 allows", ci: "0", env: "1"},
		{name: "CI=false allows", ci: "False", flag: "true"},
		{name: "CI empty allows", ci: "", env: "1"},
		{name: "CI without update compares", ci: "true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inTempDir(t)
			setUpdate(t, false)
			setFlag(t, "false")
			t.Setenv("CI", tt.ci)
			t.Setenv("LLMVCR_UPDATE", tt.env)
			if tt.flag != "" {
				setFlag(t, tt.flag)
			}
			path := filepath.Join("testdata", "golden", "TestCI.json")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte("1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			r, ok := record("TestCI", func(tb testing.TB) bool { return assert.Golden(tb, 2) })
			data, _ := os.ReadFile(path)
			switch {
			case tt.refused:
				expectFail(t, r, ok, true, "assert.Golden: refusing to rewrite "+path+": "+tt.how+" is set and so is CI", "on a workstation")
				if string(data) != "1\n" {
					t.Errorf("file changed to %q under CI", data)
				}
			case tt.env != "" || tt.flag != "":
				expectPass(t, r, ok)
				if string(data) != "2\n" {
					t.Errorf("file %q, want it rewritten", data)
				}
			default:
				expectFail(t, r, ok, false, "got differs from "+path)
			}
		})
	}
}

func TestGoldenIgnoreFieldsInFile(t *testing.T) {
	inTempDir(t)
	setUpdate(t, true)
	resp := &llm.Response{Parts: []llm.ResponsePart{llm.ToolCall("f", `{}`, "call_1")}}
	r, ok := record("TestIgnore", func(tb testing.TB) bool { return assert.Golden(tb, resp) })
	expectPass(t, r, ok)

	// The file holds tool_call_id; ignoring the field ignores the key.
	setUpdate(t, false)
	other := &llm.Response{Parts: []llm.ResponsePart{llm.ToolCall("f", `{}`, "call_2")}}
	r, ok = record("TestIgnore", func(tb testing.TB) bool { return assert.Golden(tb, other) })
	expectFail(t, r, ok, false, `parts[0].tool_call_id: want "call_1", got "call_2"`)
	r, ok = record("TestIgnore", func(tb testing.TB) bool { return assert.Golden(tb, other, assert.IgnoreFields("ToolCallID")) })
	expectPass(t, r, ok)
}

func TestGoldenWriteFailure(t *testing.T) {
	inTempDir(t)
	setUpdate(t, true)
	// testdata/golden is a file, so the golden folder cannot be made.
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "golden"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r, ok := record("TestW", func(tb testing.TB) bool { return assert.Golden(tb, 1) })
	expectFail(t, r, ok, true, "assert.Golden: ", "testdata/golden")
}
