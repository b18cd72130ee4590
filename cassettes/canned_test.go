package cassettes

import (
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/httpbody"
)

// TestLintCanned: a cassette whose answers were recorded from a fake
// (X-Llmvcr-Source) gets exactly one notice of kind "canned" saying the
// answers are canned, naming the source and how many interactions; a
// cassette without the mark gets none; a canned cassette with a leaked key
// still has its secret problem, and the notice stays a notice.
func TestLintCanned(t *testing.T) {
	canned := func(body string) *Interaction {
		i := jsonInteraction(chatURL, body, `{"choices":[]}`)
		i.Response.Headers.Set(httpbody.SourceHeader, "the embedded fake Groq server")
		return i
	}
	problems := func(fs []Finding) (out []Finding) {
		for _, f := range fs {
			if f.Severity != Notice {
				out = append(out, f)
			}
		}
		return out
	}

	c := New("c.yaml")
	c.Interactions = []*Interaction{canned(`{"a":1}`), jsonInteraction(chatURL, `{"a":2}`, `{}`), canned(`{"a":3}`)}
	fs := Lint(c)
	if len(fs) != 1 {
		t.Fatalf("Lint = %v, want one notice", fs)
	}
	f := fs[0]
	if f.Severity != Notice || f.Kind != "canned" || f.Interaction != -1 {
		t.Errorf("finding = %+v, want a file-wide notice of kind canned", f)
	}
	for _, want := range []string{"answers are canned", "2 of 3 interactions", `"the embedded fake Groq server"`} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message %q lacks %q", f.Message, want)
		}
	}
	if got := f.String(); !strings.HasPrefix(got, "notice: canned: answers are canned") {
		t.Errorf("String() = %q", got)
	}

	real := New("r.yaml")
	real.Interactions = []*Interaction{jsonInteraction(chatURL, `{"a":1}`, `{}`)}
	if fs := Lint(real); len(fs) != 0 {
		t.Errorf("a recording without the mark: %v, want no finding", fs)
	}

	leaked := canned(`{"a":4}`)
	leaked.Response.Body = `{"k":"` + fakeKey + `"}`
	c.Interactions = append(c.Interactions, leaked)
	fs = Lint(c)
	if p := problems(fs); len(p) != 1 || p[0].Kind != "secret" || p[0].Severity != Problem {
		t.Errorf("canned cassette with a leaked key: problems %v, want the secret", p)
	}
	if n := len(fs) - len(problems(fs)); n != 1 {
		t.Errorf("%d notices, want 1: %v", n, fs)
	}

	// A hand-edited source can put neither a secret nor a line break in
	// the notice.
	odd := canned(`{"a":5}`)
	odd.Response.Headers.Set(httpbody.SourceHeader, "fake\nkey "+fakeKey)
	c.Interactions = []*Interaction{odd}
	for _, f := range Lint(c) {
		if strings.Contains(f.String(), fakeKey) || strings.Contains(f.String(), "\n") {
			t.Errorf("finding %q shows the source as written", f)
		}
	}
}
