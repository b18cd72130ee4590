package replay_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/replay"
)

func ExampleDefaultPath() {
	fmt.Println(replay.DefaultPath("TestChat"))
	fmt.Println(replay.DefaultPath("TestChat/tool call #2"))
	// Output:
	// testdata/cassettes/TestChat.yaml
	// testdata/cassettes/TestChat/tool_call__2-cd2a21fe.yaml
}

// A test that records from a local server on a random port (a fake, a
// proxy, a gateway) while the cassette stores, and replay matches, the
// URL the code calls in production. The client needs no change; replay,
// in CI, needs no server.
func ExampleWithUpstream() {
	testChat := func(t *testing.T) {
		local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// r.URL.Path is /chat/completions: the path below the base URL.
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"choices":[{"message":{"role":"assistant","content":"Paris."}}]}`)
		}))
		t.Cleanup(local.Close)
		s := replay.New(t, replay.WithUpstream("https://api.groq.com/openai/v1", local.URL))

		// The client keeps Groq's base URL, as in production (go-openai:
		// cfg.BaseURL; openai-go: option.WithBaseURL). It may also be
		// pointed at local.URL: both are stored as Groq's URL.
		resp, err := s.Client().Post("https://api.groq.com/openai/v1/chat/completions", "application/json",
			strings.NewReader(`{"model":"llama-3.3-70b-versatile","messages":[{"role":"user","content":"Capital of France?"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close() // every body is closed, or the test fails
		// ... check the answer ...
	}
	// go test -run '^TestChat$' -record   records from the local server, no key needed
	// go test                             replays https://api.groq.com/openai/v1/... from the cassette
	_ = testChat
}
