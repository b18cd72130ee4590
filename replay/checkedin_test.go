package replay

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

// toFake forwards to the fake's Transport, which the test starts only when
// it records: the fake answers requests meant for api.groq.com, so a
// recording made against it holds Groq's real URLs.
type toFake struct{ rt http.RoundTripper }

func (f *toFake) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.rt == nil {
		return nil, http.ErrServerClosed
	}
	return f.rt.RoundTrip(r)
}

// TestCheckedInCassette is the workflow a user has: the cassette at the
// default path (testdata/cassettes/TestCheckedInCassette.yaml) is checked
// in and replayed with no network. It was recorded with
//
//	go test ./replay -run '^TestCheckedInCassette$' -record
//
// against a local fake standing in for api.groq.com (a real recording
// would use GROQ_API_KEY and no fake).
func TestCheckedInCassette(t *testing.T) {
	tr := &toFake{}
	s := New(t, WithRealTransport(tr))
	if s.Mode() == ModeRecord {
		g := fakes.NewGroq(t, fakes.WithAPIKey(fakeKey))
		g.Reply(fakes.TextCompletion("The capital of France is Paris."))
		g.Stream(fakes.TextStream("Paris is the capital and largest city of France.")...)
		tr.rt = g.Transport()
	}
	t.Setenv("GROQ_BASE_URL", "")
	m, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithAPIKey(fakeKey), groq.WithHTTPClient(s.Client()))
	if err != nil {
		t.Fatal(err)
	}
	r := request(t, m, []llm.Message{llm.NewRequest(llm.User("What is the capital of France?"))}, nil, nil)
	if r.Text() != "The capital of France is Paris." || r.FinishReason != llm.FinishStop {
		t.Errorf("text %q finish %q", r.Text(), r.FinishReason)
	}
	sr, n := streamAll(t, m, []llm.Message{llm.NewRequest(llm.User("Tell me about Paris."))}, nil)
	if sr.Text() != "Paris is the capital and largest city of France." || n < 3 {
		t.Errorf("stream text %q in %d events", sr.Text(), n)
	}
	if s.Mode() != ModeReplay {
		return
	}
	data, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "gsk_") {
		t.Error("the checked-in cassette holds something shaped like a key")
	}
	c, err := cassettes.Load(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fs := cassettes.Lint(c); len(fs) > 0 {
		t.Errorf("lint: %v", fs)
	}
}
