package replay

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
	"github.com/llmvcr/llmvcr/recorder"
)

func clearKeys(t *testing.T) {
	t.Helper()
	for _, k := range keyEnvs {
		t.Setenv(k, "")
	}
}

// TestRecordFromFakeWithoutAKey: with no key set, the line the
// WithFakeTransport doc gives records from fakes' default answers, with
// Groq's URLs, every answer marked canned; replay, with the same line,
// serves it without the mark, never reaches the fake, and logs once that
// it is canned.
func TestRecordFromFakeWithoutAKey(t *testing.T) {
	clearKeys(t)
	t.Setenv("CI", "")
	path := filepath.Join(t.TempDir(), "c.yaml")
	ask := func(s *Session) *llm.Response {
		m, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(s.Client()))
		if err != nil {
			t.Fatal(err)
		}
		r, err := m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("What is the capital of France?"))}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	ft := newFakeT(t, "TestChat")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithFakeTransport(fakes.NewGroq(t, fakes.WithDefaultAnswers()).Transport()))
	if s == nil {
		t.Fatalf("refused without a key: %s", ft.allErrors())
	}
	recorded := ask(s)
	ft.end()
	if e := ft.allErrors(); e != "" {
		t.Fatal(e)
	}
	if logs := strings.Join(ft.logs, "\n"); !strings.Contains(logs, "this recording comes from a fake server given to replay.WithFakeTransport") {
		t.Errorf("the recording session did not say it used the fake: %q", logs)
	}
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	i := c.Interactions[0]
	if !strings.HasPrefix(i.Request.URL, groq.DefaultBaseURL) || i.Response.Headers.Get(recorder.SourceHeader) == "" {
		t.Errorf("recorded %s, canned %q", i.Request.URL, i.Response.Headers.Get(recorder.SourceHeader))
	}

	ft = newFakeT(t, "TestChat")
	g := fakes.NewGroq(t, fakes.WithDefaultAnswers())
	s = start(ft, WithPath(path), WithFakeTransport(g.Transport()))
	var seen http.Header
	s.client.Transport = headerSpy{s.Transport(), &seen}
	replayed := ask(s)
	ft.end()
	if replayed.Text() != recorded.Text() || seen.Get(recorder.SourceHeader) != "" {
		t.Errorf("replayed %q (recorded %q), client saw the mark: %v", replayed.Text(), recorded.Text(), seen)
	}
	if n := strings.Count(strings.Join(ft.logs, "\n"), "recorded answers are canned"); n != 1 {
		t.Errorf("replay said %d times that the answers are canned: %q", n, ft.logs)
	}
	if n := len(g.Requests()); n != 0 {
		t.Errorf("replay sent %d requests to the fake", n)
	}

	// New-episodes mode replays what the cassette has, so it says so too.
	ft = newFakeT(t, "TestChat")
	s = start(ft, WithPath(path), WithMode(ModeNewEpisodes), WithFakeTransport(fakes.NewGroq(t, fakes.WithDefaultAnswers()).Transport()))
	ask(s)
	ft.end()
	if n := strings.Count(strings.Join(ft.logs, "\n"), "recorded answers are canned"); n != 1 {
		t.Errorf("new-episodes mode said %d times that the answers are canned: %q", n, ft.logs)
	}
}

type headerSpy struct {
	rt   http.RoundTripper
	seen *http.Header
}

func (h headerSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := h.rt.RoundTrip(r)
	if resp != nil {
		*h.seen = resp.Header
	}
	return resp, err
}

// TestRecordFromFakeWithAKey: with a key set (and CI set), a session
// given WithFakeTransport still records from the fake, marked canned: a
// key never turns a fake recording into a half-real one.
func TestRecordFromFakeWithAKey(t *testing.T) {
	clearKeys(t)
	t.Setenv("CI", "true")
	t.Setenv("OPENAI_API_KEY", "sk-"+strings.Repeat("k", 40))
	path := filepath.Join(t.TempDir(), "c.yaml")
	ft := newFakeT(t, "TestChat")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithFakeTransport(fakes.NewGroq(t, fakes.WithDefaultAnswers()).Transport()))
	if s == nil {
		t.Fatalf("refused: %s", ft.allErrors())
	}
	m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(s.Client()))
	if _, err := m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil); err != nil {
		t.Fatal(err)
	}
	ft.end()
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err, ft.allErrors())
	}
	if got := c.Interactions[0].Response.Headers.Get(recorder.SourceHeader); got == "" {
		t.Error("a recording from the fake is not marked canned")
	}
}

// TestWithFakeTransportMarksTheRecording: a scripted fake given with
// WithFakeTransport records canned answers; WithRealTransport does not
// mark them.
func TestWithFakeTransportMarksTheRecording(t *testing.T) {
	for _, tt := range []struct {
		name   string
		opt    func(http.RoundTripper) Option
		canned bool
	}{
		{"WithFakeTransport", WithFakeTransport, true},
		{"WithRealTransport", WithRealTransport, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := fakes.NewGroq(t)
			g.Reply(fakes.TextCompletion("Paris."))
			path := filepath.Join(t.TempDir(), "c.yaml")
			ft := newFakeT(t, "TestChat")
			s := start(ft, WithPath(path), WithMode(ModeRecord), tt.opt(g.Transport()))
			m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(s.Client()))
			if _, err := m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil); err != nil {
				t.Fatal(err)
			}
			ft.end()
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err, ft.allErrors())
			}
			if got := strings.Contains(string(data), recorder.SourceHeader); got != tt.canned {
				t.Errorf("marked canned: %v, want %v", got, tt.canned)
			}
		})
	}
}

// TestScriptedFakeRecordingReplays follows the fakes.Groq.Transport doc
// literally, recording then replaying with the same test code: the
// scripted answer, marked Optional, lets replay (which never reaches the
// fake) pass.
func TestScriptedFakeRecordingReplays(t *testing.T) {
	clearKeys(t)
	t.Setenv("CI", "")
	path := filepath.Join(t.TempDir(), "c.yaml")
	run := func(mode Mode) string {
		ft := newFakeT(t, "TestChat")
		g := fakes.NewGroq(ft, fakes.WithDefaultAnswers())
		g.Reply(fakes.TextCompletion("Paris.")).Optional()
		s := start(ft, WithPath(path), WithMode(mode), WithFakeTransport(g.Transport()))
		if s == nil {
			t.Fatalf("%v: refused: %s", mode, ft.allErrors())
		}
		m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(s.Client()))
		r, err := m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
		ft.end()
		if e := ft.allErrors(); e != "" {
			t.Fatalf("%v: %s", mode, e)
		}
		if err != nil {
			t.Fatalf("%v: %v", mode, err)
		}
		return r.Text()
	}
	if rec, rep := run(ModeRecord), run(ModeReplay); rec != "Paris." || rep != rec {
		t.Errorf("recorded %q, replayed %q", rec, rep)
	}
}
