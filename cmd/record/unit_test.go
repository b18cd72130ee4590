package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

func TestTimeEvents(t *testing.T) {
	body := "data: a\n\ndata: b\n\ndata: [DONE]\n\n"
	for _, c := range []struct {
		name  string
		marks []mark
		want  []time.Duration
	}{
		{"one read per event", []mark{{9, 10 * time.Millisecond}, {18, 20 * time.Millisecond}, {32, 30 * time.Millisecond}}, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 30 * time.Millisecond}},
		{"one read for all", []mark{{32, 5 * time.Millisecond}}, []time.Duration{5 * time.Millisecond, 5 * time.Millisecond, 5 * time.Millisecond}},
		{"an event split across reads takes its last byte's time", []mark{{4, 1 * time.Millisecond}, {12, 2 * time.Millisecond}, {32, 3 * time.Millisecond}}, []time.Duration{2 * time.Millisecond, 3 * time.Millisecond, 3 * time.Millisecond}},
		{"no marks", nil, []time.Duration{0, 0, 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := timeEvents([]byte(body), c.marks)
			evs, err := cassettes.SplitSSE(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(cassettes.JoinSSE(evs)) != body {
				t.Errorf("the server's bytes changed:\n%q", cassettes.JoinSSE(evs))
			}
			if len(evs) != len(c.want) {
				t.Fatalf("%d events, want %d", len(evs), len(c.want))
			}
			for n, ev := range evs {
				if !ev.HasOffset || ev.Offset != c.want[n] {
					t.Errorf("event %d at %v (timed %v), want %v", n, ev.Offset, ev.HasOffset, c.want[n])
				}
			}
		})
	}
}

func TestEndsWithDone(t *testing.T) {
	for _, c := range []struct {
		name string
		body string
		want bool
	}{
		{"done", "data: {}\n\ndata: [DONE]\n\n", true},
		{"done with timing", ": llmvcr-t=0.1\ndata: [DONE]\n\n", true},
		{"done cut before its blank line", "data: {}\n\ndata: [DONE]\n", false},
		{"no done", "data: {}\n\n", false},
		{"done not last", "data: [DONE]\n\ndata: {}\n\n", false},
		{"empty", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := endsWithDone([]byte(c.body)); got != c.want {
				t.Errorf("endsWithDone(%q) = %v, want %v", c.body, got, c.want)
			}
		})
	}
}

// A stream that breaks while it is recorded reaches the client as it
// broke, and is recorded with the bytes that arrived and the error.
func TestRecorderKeepsABrokenStream(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Stream(fakes.TextStream("The capital of France is Paris.")...).CutAfter(3)
	tick := time.Unix(0, 0)
	rec := &recorder{base: g.Client().Transport, now: func() time.Time { tick = tick.Add(time.Millisecond); return tick }}
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithTransport(rec), groq.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	sr, err := model.RequestStream(context.Background(), []llm.Message{llm.NewRequest(llm.User("What is the capital of France?"))}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var streamErr error
	for _, err := range sr.Events() {
		if err != nil {
			streamErr = err
		}
	}
	sr.Close()
	if streamErr == nil {
		t.Fatal("the client did not see the stream break")
	}
	is := rec.Interactions()
	if len(is) != 1 {
		t.Fatalf("%d interactions", len(is))
	}
	if is[0].Response.Headers.Get(cassettes.StreamErrorHeader) == "" {
		t.Error("the break was not recorded")
	}
	evs, err := cassettes.SplitSSE(is[0].Response.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 {
		t.Errorf("%d events recorded, want the 3 that arrived", len(evs))
	}
	for n, ev := range evs {
		if !ev.HasOffset || ev.Offset <= 0 {
			t.Errorf("event %d: offset %v on a clock that always moves", n, ev.Offset)
		}
	}
}

// Only the requests that got a response are recorded.
func TestRecorderSkipsTransportErrors(t *testing.T) {
	rec := &recorder{base: failing{}, now: time.Now}
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithTransport(rec), groq.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("hi"))}, nil, nil)
	if err == nil {
		t.Fatal("no error")
	}
	if n := len(rec.Interactions()); n != 0 {
		t.Errorf("%d interactions recorded for a request that got no response", n)
	}
}

type failing struct{}

func (failing) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("connection refused")
}

func TestParseScenarios(t *testing.T) {
	s, err := parseScenarios([]byte(scenariosYAML))
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 2 || s[0].Name != "TestWeather" || len(s[0].Turns) != 2 || s[0].Turns[1].Prompt != "And in Berlin?" {
		t.Fatalf("parsed %+v", s)
	}
	got := s[0].Settings.merge(s[0].Turns[1].Settings)
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
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := parseScenarios(data)
		if err != nil {
			return
		}
		for _, s := range list {
			if !scenarioName.MatchString(s.Name) || strings.Trim(s.Name, ".") == "" || strings.ContainsAny(s.Name, `/\`) {
				t.Errorf("accepted scenario name %q", s.Name)
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
func TestInspectGolden(t *testing.T) {
	c, err := cassettes.Load(filepath.Join("testdata", "weather_stream.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	inspect(&b, c)
	for _, want := range []string{
		"testdata/weather_stream.yaml: 2 interactions, recorded from the embedded fake Groq server (cmd/record)\n",
		"  tools offered: get_weather(city), get_time(timezone)\n",
		"  system: Be concise.\n  user: What is the weather in Paris?\n",
		"  (3 earlier messages as above)\n  tool result [",
		"  stream: 4 events, ends with [DONE]; first after ",
	} {
		if !strings.Contains(b.String(), filepath.FromSlash(want)) {
			t.Errorf("inspect lacks %q:\n%s", want, b.String())
		}
	}
}
