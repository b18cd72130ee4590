package replay

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// answering is a RoundTripper that answers every request with one status
// and body, as a real server (not a fake: nothing marks it canned) would.
type answering struct {
	code int
	body string
}

func (a answering) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: a.code, Status: http.StatusText(a.code), Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(a.body)), Request: r}, nil
}

// recordOnce records one request into path through opts and returns the
// errors the test got.
func recordOnce(t *testing.T, path string, opts ...Option) string {
	t.Helper()
	ft := newFakeT(t, "TestKeep")
	s := start(ft, append([]Option{WithPath(path), WithMode(ModeRecord)}, opts...)...)
	if s == nil {
		t.Fatalf("New refused: %s", ft.allErrors())
	}
	resp, err := post(t, s.Client(), "https://api.groq.com/openai/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	ft.end()
	return ft.allErrors()
}

// TestRecordingKeepsABetterCassette: a re-recording whose answers are all
// canned does not replace a cassette of real answers, and one whose answers
// are all HTTP errors does not replace successful ones; the test fails
// saying so and the file is byte for byte as it was. A recording as good
// as the old one replaces it.
func TestRecordingKeepsABetterCassette(t *testing.T) {
	clearKeys(t)
	t.Setenv("CI", "")
	path := filepath.Join(t.TempDir(), "c.yaml")
	ok := answering{200, `{"id":"real","choices":[]}`}
	if e := recordOnce(t, path, WithRealTransport(ok)); e != "" {
		t.Fatal(e)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opt  Option
		want string
	}{
		{"canned over real", WithFakeTransport(answering{200, `{"id":"fake","choices":[]}`}), "every new answer is canned"},
		{"errors over successes", WithRealTransport(answering{401, `{"error":{"message":"Invalid API Key"}}`}), "every new answer is an HTTP error (the first: 401 Unauthorized)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := recordOnce(t, path, tc.opt)
			if !strings.Contains(e, "was not saved: ") || !strings.Contains(e, tc.want) || !strings.Contains(e, "delete it first") {
				t.Fatalf("errors %q, want the refusal saying %q", e, tc.want)
			}
			now, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(now, good) {
				t.Fatalf("the cassette changed:\n%s", now)
			}
		})
	}
	// As good: real answers again replace it.
	if e := recordOnce(t, path, WithRealTransport(answering{200, `{"id":"real2","choices":[]}`})); e != "" {
		t.Fatal(e)
	}
	if now, _ := os.ReadFile(path); !bytes.Contains(now, []byte("real2")) {
		t.Fatalf("a real re-recording was not saved:\n%s", now)
	}
}
