package assert_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
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
		t.Setenv(assert.UpdateEnv, "1")
	} else {
		t.Setenv(assert.UpdateEnv, "")
	}
}

func TestGoldenPath(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "TestX", "testdata/golden/TestX.json"},
		{"subtests are folders", "TestX/case_one/deeper", "testdata/golden/TestX/case_one/deeper.json"},
		{"unsafe characters", `TestX/a:b*c?"d<e>|f\g#01`, "testdata/golden/TestX/a_b_c__d_e__f_g_01.json"},
		{"dot segments cannot escape", "TestX/../..", "testdata/golden/TestX/_../_...json"},
		{"empty segment", "TestX//y", "testdata/golden/TestX/_/y.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := filepath.ToSlash(assert.GoldenPath(tt.in)); got != tt.want {
				t.Errorf("GoldenPath(%q) = %q, want %q", tt.in, got, tt.want)
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
	if len(r.logs) != 1 || !strings.Contains(r.logs[0], "wrote "+path) {
		t.Errorf("logs = %q, want one saying the file was written", r.logs)
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

	// A hand-written marker survives -update when the file matches.
	edited := strings.Replace(want, `"chatcmpl-8a1b2c"`, `"<assert.Matches ^chatcmpl->"`, 1)
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	setUpdate(t, true)
	other := weatherResponse()
	other.ProviderResponseID = "chatcmpl-zzz"
	r, ok = record(name, func(tb testing.TB) bool { return assert.Golden(tb, other) })
	expectPass(t, r, ok)
	if data, _ := os.ReadFile(path); string(data) != edited {
		t.Errorf("matching golden file was rewritten:\n%s", data)
	}
	// A mismatch under -update rewrites it.
	r, ok = record(name, func(tb testing.TB) bool { return assert.Golden(tb, changed) })
	expectPass(t, r, ok)
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), `"output_tokens": 30`) {
		t.Errorf("golden file not rewritten:\n%s", data)
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
			data, err := os.ReadFile(assert.GoldenPath(t.Name()))
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
	path := assert.GoldenPath("TestBad")
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

func TestUpdating(t *testing.T) {
	setUpdate(t, false)
	if assert.Updating() {
		t.Errorf("Updating() = true with %s unset and no -update", assert.UpdateEnv)
	}
	setUpdate(t, true)
	if !assert.Updating() {
		t.Errorf("Updating() = false with %s=1", assert.UpdateEnv)
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
