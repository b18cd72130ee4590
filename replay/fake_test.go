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
)

func clearKeys(t *testing.T) {
	t.Helper()
	for _, k := range keyEnvs {
		t.Setenv(k, "")
	}
}

// TestRecordFromFakeWithoutAKey: with no key set, RecordFromFake records
// from the embedded fake, with Groq's URLs, every answer marked canned;
// replay serves it without the mark and logs once that it is canned.
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
	s := start(ft, WithPath(path), WithMode(ModeRecord), RecordFromFake())
	if s == nil {
		t.Fatalf("refused without a key: %s", ft.allErrors())
	}
	recorded := ask(s)
	ft.end()
	if e := ft.allErrors(); e != "" {
		t.Fatal(e)
	}
	if logs := strings.Join(ft.logs, "\n"); !strings.Contains(logs, "no API key is set, so this recording comes from the embedded fake Groq server") {
		t.Errorf("the recording session did not say it used the fake: %q", logs)
	}
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	i := c.Interactions[0]
	if !strings.HasPrefix(i.Request.URL, groq.DefaultBaseURL) || i.Response.Headers.Get(SourceHeader) == "" {
		t.Errorf("recorded %s, canned %q", i.Request.URL, i.Response.Headers.Get(SourceHeader))
	}

	ft = newFakeT(t, "TestChat")
	s = start(ft, WithPath(path), WithRealTransport(offline{t}))
	var seen http.Header
	s.client.Transport = headerSpy{s, &seen}
	replayed := ask(s)
	ft.end()
	if replayed.Text() != recorded.Text() || seen.Get(SourceHeader) != "" {
		t.Errorf("replayed %q (recorded %q), client saw the mark: %v", replayed.Text(), recorded.Text(), seen)
	}
	if n := strings.Count(strings.Join(ft.logs, "\n"), "recorded answers are canned"); n != 1 {
		t.Errorf("replay said %d times that the answers are canned: %q", n, ft.logs)
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

// TestRecordFromFakeWithAKeyGoesToTheAPI: with a key set, RecordFromFake
// does not stand in for the API (here: CI refuses the network, which it
// would not for the fake).
func TestRecordFromFakeWithAKeyGoesToTheAPI(t *testing.T) {
	clearKeys(t)
	t.Setenv("CI", "true")
	t.Setenv("OPENAI_API_KEY", "sk-"+strings.Repeat("k", 40))
	ft := newFakeT(t, "TestChat")
	if s := start(ft, WithPath(filepath.Join(t.TempDir(), "c.yaml")), WithMode(ModeRecord), RecordFromFake()); s != nil {
		ft.end()
		t.Fatal("a session with a key recorded from the fake")
	}
	if !strings.Contains(ft.allErrors(), "because CI is set") {
		t.Errorf("errors: %s", ft.allErrors())
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
			g.ReplyText("Paris.")
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
			if got := strings.Contains(string(data), SourceHeader); got != tt.canned {
				t.Errorf("marked canned: %v, want %v", got, tt.canned)
			}
		})
	}
}
