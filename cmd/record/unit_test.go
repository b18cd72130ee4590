package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/replay"
)

func TestParseScenarios(t *testing.T) {
	s, err := parseScenarios([]byte(scenariosYAML))
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 2 || s[0].Name != "TestWeather" || len(s[0].Turns) != 2 || s[0].Turns[1].Prompt != "And in Berlin?" {
		t.Fatalf("parsed %+v", s)
	}
	got := effectiveSettings(s[0].Settings, s[0].Turns[1].Settings)
	if *got.Temperature != 0.5 || *got.MaxTokens != 200 {
		t.Errorf("turn settings merged to temperature %v, max tokens %v", *got.Temperature, *got.MaxTokens)
	}
	if string(s[0].Tools[0].Result) != `{"city":"Paris","sky":"clear","temperature_c":18}` {
		t.Errorf("result %s", s[0].Tools[0].Result)
	}
}

func FuzzParseScenarios(f *testing.F) {
	f.Add([]byte(scenariosYAML))
	f.Add([]byte(`[{"name": "one", "turns": ["Hi", {"prompt": "Ho", "settings": {"temperature": 0}}]}]`))
	f.Add([]byte("scenarios: [{name: a, turns: [hi], tools: [{name: f, parameters: {type: object}}]}]"))
	f.Add([]byte("a: &a [*a, *a]"))
	f.Add([]byte("scenarios: [{name: TestX/stream mode, turns: [hi]}, {name: ../x, turns: [ho]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := parseScenarios(data)
		if err != nil {
			return
		}
		for _, s := range list {
			if p := scenarioPath(s.Name); checkScenarioName(s.Name) != nil || !filepath.IsLocal(p) || strings.ContainsAny(p, `\:`) {
				t.Errorf("accepted scenario name %q, saved as %q", s.Name, p)
			}
			if len(s.Turns) == 0 {
				t.Errorf("accepted scenario %s without turns", s.Name)
			}
		}
	})
}

func FuzzParseTools(f *testing.F) {
	f.Add([]byte(toolsJSON))
	f.Add([]byte(`{"tools": [{"name": "f", "result": "plain text"}]}`))
	f.Add([]byte(`[{"name": "f", "parameters": null}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tools, err := parseTools(data)
		if err != nil {
			return
		}
		for _, tl := range tools {
			if !toolName.MatchString(tl.Name) || tl.Function != nil {
				t.Errorf("accepted tool %+v", tl)
			}
		}
		_ = definitions(tools)
	})
}

// FuzzInspect checks that no cassette, however odd, makes inspect panic.
func FuzzInspect(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "weather_stream.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("version: 2\ninteractions:\n  - request: {url: 'https://api.groq.com/openai/v1/chat/completions', method: POST, body: '{\"messages\":[]}'}\n    response: {code: 500, body: '{\"error\":\"down\"}'}\n"))
	f.Add([]byte("version: 2\ninteractions:\n  - request: {url: x/chat/completions, method: POST, body: '{\"stream\":true}'}\n    response: {code: 200, headers: {Content-Type: [text/event-stream]}, body: \"data: {\\\"choices\\\":[{\\\"delta\\\":{\\\"tool_calls\\\":[{\\\"index\\\":3}]}}]}\\n\\n\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := cassettes.Parse(data)
		if err != nil {
			return
		}
		var b strings.Builder
		inspect(&b, c)
	})
}

// The checked-in recording reads as a conversation.
// A scenario's name maps to the cassette replay.New loads for the test of
// that name, subtests in folders.
func TestScenarioPath(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"TestChat", "TestChat.yaml"},
		{"TestChat/stream", "TestChat/stream.yaml"},
		{"TestChat/stream mode", "TestChat/stream_mode.yaml"},
		{"TestChat/über", "TestChat/_ber-*.yaml"},
		{"TestChat/日本", "TestChat/__-*.yaml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := scenarioPath(c.name)
			if ok, _ := filepath.Match(filepath.FromSlash(c.want), got); !ok {
				t.Errorf("scenarioPath(%q) = %q, want %q", c.name, got, c.want)
			}
			if want := replay.DefaultPath(c.name); filepath.Join("testdata", "cassettes", got) != want {
				t.Errorf("scenarioPath(%q) = %q, not where replay.DefaultPath looks (%q)", c.name, got, want)
			}
		})
	}
	if scenarioPath("TestX/日本") == scenarioPath("TestX/中文") {
		t.Error("two names share a cassette")
	}
}

// The flags, a scenario's settings and a turn's are layered field by
// field, later levels winning, zero values included; Groq's own fields too.
func TestEffectiveSettings(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	n := func(v int) *int { return &v }
	flags := &settingsSpec{Temperature: f(0.2), MaxTokens: n(100), ReasoningFormat: "raw", ServiceTier: "flex", Stop: []string{"a"}}
	scen := &settingsSpec{Temperature: f(0.4), ReasoningEffort: "low", TopP: f(0.9)}
	turn := &settingsSpec{Temperature: f(0), Stop: []string{"x", "y"}, ReasoningFormat: "parsed"}
	got := effectiveSettings(flags, scen, nil, turn)
	switch {
	case got.Temperature == nil || *got.Temperature != 0:
		t.Errorf("temperature %v, want the turn's 0", got.Temperature)
	case got.MaxTokens == nil || *got.MaxTokens != 100:
		t.Errorf("max tokens %v, want the flag's 100", got.MaxTokens)
	case got.TopP == nil || *got.TopP != 0.9:
		t.Errorf("top_p %v, want the scenario's 0.9", got.TopP)
	case strings.Join(got.StopSequences, ",") != "x,y":
		t.Errorf("stop %q, want the turn's", got.StopSequences)
	case got.ReasoningFormat != "parsed" || got.ReasoningEffort != "low" || got.ServiceTier != "flex":
		t.Errorf("Groq fields %q %q %q, want parsed low flex", got.ReasoningFormat, got.ReasoningEffort, got.ServiceTier)
	}
	got.StopSequences[0] = "changed"
	if turn.Stop[0] != "x" {
		t.Error("the result shares its stop list with a level")
	}
	if e := effectiveSettings(); e == nil || e.Temperature != nil || e.ReasoningFormat != "" {
		t.Errorf("no levels: %+v", e)
	}
}
