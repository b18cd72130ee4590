package groq

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/llm"
)

// echoServer answers each request with the text of its last user message,
// streamed word by word when asked, so that a mixed-up response shows.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req groqwire.ChatCompletionRequest
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &req); err != nil || len(req.Messages) == 0 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		text := req.Messages[len(req.Messages)-1].Content.Text
		if !req.Stream {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"c","model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":%q}}]}`, text)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for _, r := range text {
			fmt.Fprintf(w, "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%q}}]}\n\n", string(r))
		}
		io.WriteString(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(s.Close)
	return s
}

// TestConcurrentRequests shares one Model between goroutines making plain
// and streamed requests; run it with -race.
func TestConcurrentRequests(t *testing.T) {
	s := echoServer(t)
	m, _ := testModel(t, s.URL)
	const workers, perWorker = 16, 8
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				prompt := fmt.Sprintf("worker %d request %d", w, i)
				msgs := []llm.Message{llm.NewRequest(llm.User(prompt))}
				var got string
				if i%2 == 0 {
					r, err := m.Request(context.Background(), msgs, nil, nil)
					if err != nil {
						errs <- err
						continue
					}
					got = r.Text()
				} else {
					sr, err := m.RequestStream(context.Background(), msgs, nil, nil)
					if err != nil {
						errs <- err
						continue
					}
					for _, err := range sr.Events() {
						if err != nil {
							errs <- err
						}
					}
					got = sr.Response().Text()
					sr.Close()
				}
				if got != prompt {
					errs <- fmt.Errorf("asked %q, got %q", prompt, got)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
