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

// TestLintReportsFakeRecordingsCanned: a cassette a session recorded
// through WithFakeTransport is reported by cassettes.Lint with one notice
// that its answers are canned, naming the fake and the count, and no
// problem; the same exchange recorded through WithRealTransport gets no
// notice; a canned cassette with a key pasted into it still has the
// secret problem.
func TestLintReportsFakeRecordingsCanned(t *testing.T) {
	record := func(t *testing.T, opt func(http.RoundTripper) Option) *cassettes.Cassette {
		t.Helper()
		g := fakes.NewGroq(t)
		g.Reply(fakes.TextCompletion("Paris."))
		g.Reply(fakes.TextCompletion("Rome."))
		path := filepath.Join(t.TempDir(), "c.yaml")
		ft := newFakeT(t, "TestChat")
		s := start(ft, WithPath(path), WithMode(ModeRecord), opt(g.Transport()))
		m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(s.Client()))
		for _, q := range []string{"Capital of France?", "Capital of Italy?"} {
			if _, err := m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User(q))}, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		ft.end()
		c, err := cassettes.Load(path)
		if err != nil {
			t.Fatal(err, ft.allErrors())
		}
		return c
	}

	c := record(t, WithFakeTransport)
	fs := cassettes.Lint(c)
	if len(fs) != 1 || fs[0].Severity != cassettes.Notice || fs[0].Kind != "canned" {
		t.Fatalf("Lint of a fake recording = %v, want one canned notice", fs)
	}
	for _, want := range []string{"answers are canned", "2 of 2 interactions", "replay.WithFakeTransport"} {
		if !strings.Contains(fs[0].Message, want) {
			t.Errorf("notice %q lacks %q", fs[0].Message, want)
		}
	}

	if fs := cassettes.Lint(record(t, WithRealTransport)); len(fs) != 0 {
		t.Errorf("Lint of a real recording = %v, want nothing", fs)
	}

	// A key pasted into the canned file (as a hand edit might) is still a
	// problem.
	key := "gsk_" + strings.Repeat("Q7x", 12) + "Zz90"
	data, err := os.ReadFile(c.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.Path, []byte(strings.Replace(string(data), "Paris.", "Paris. "+key, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	fs, err = cassettes.LintFile(c.Path)
	if err != nil {
		t.Fatal(err)
	}
	problems, notices := 0, 0
	for _, f := range fs {
		if f.Severity == cassettes.Notice {
			notices++
		} else if f.Kind == "secret" {
			problems++
		}
	}
	if problems == 0 || notices != 1 {
		t.Errorf("canned cassette with a key: %v, want a secret problem and one notice", fs)
	}
}
