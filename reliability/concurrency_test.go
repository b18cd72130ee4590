package reliability

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
	"github.com/llmvcr/llmvcr/replay"
)

// TestConcurrencyFake shares one groq.Model between many goroutines making
// plain and streamed requests against the fake's default answers, which
// quote the question: every answer must quote its own prompt and no other.
// The script runs it with -race.
func TestConcurrencyFake(t *testing.T) {
	workers := pick(8, 64)
	perWorker := pick(8, 16)
	g := fakes.NewGroq(t, fakes.WithDefaultAnswers())
	m, err := groq.NewModel(fakes.DefaultModel,
		groq.WithBaseURL(g.URL),
		groq.WithHTTPClient(g.Client()),
		groq.WithAPIKey(testKey),
		groq.WithMaxRetries(0),
	)
	if err != nil {
		t.Fatal(err)
	}
	var completed, streamed, mismatches, failed atomic.Int64
	var mu sync.Mutex
	var problems []string
	report := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	o := guard(watchdog, func() error {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perWorker {
					// A token no other prompt contains, not even as a prefix.
					token := fmt.Sprintf("tok-w%03d-r%03d-end", w, i)
					prompt := "Please repeat the code " + token
					msgs := []llm.Message{llm.NewRequest(llm.User(prompt))}
					ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
					text, err := ask(ctx, m, msgs, (w+i)%2 == 1)
					cancel()
					if err != nil {
						failed.Add(1)
						report("worker %d request %d: %v", w, i, err)
						continue
					}
					completed.Add(1)
					if (w+i)%2 == 1 {
						streamed.Add(1)
					}
					if !strings.Contains(text, token) || strings.Count(text, "tok-w") != 1 {
						mismatches.Add(1)
						report("asked %q, got %q", prompt, text)
					}
				}
			}()
		}
		wg.Wait()
		return nil
	})
	if o.hung {
		t.Fatalf("requests still running after %s:\n%s", watchdog, stacks())
	}
	if o.panicked != nil {
		t.Fatalf("panic: %v", o.panicked)
	}
	// Every prompt reached the server exactly once.
	seen := map[string]int{}
	for _, r := range g.Requests() {
		seen[r.LastUserText()]++
	}
	unmatched := 0
	for w := range workers {
		for i := range perWorker {
			prompt := fmt.Sprintf("Please repeat the code tok-w%03d-r%03d-end", w, i)
			if seen[prompt] != 1 {
				unmatched++
				report("prompt %q reached the server %d times", prompt, seen[prompt])
			}
		}
	}
	for _, p := range problems {
		t.Error(p)
	}
	total := workers * perWorker
	if int(completed.Load()) != total {
		t.Errorf("%d of %d requests completed", completed.Load(), total)
	}
	figure(t, "concurrency", "goroutines", workers, "requests", total, "completed", completed.Load(),
		"streamed", streamed.Load(), "failed", failed.Load(), "mismatches", mismatches.Load(), "not_seen_once", unmatched)
}

// ask makes one plain or streamed request and returns the answer's text.
func ask(ctx context.Context, m llm.Model, msgs []llm.Message, streamed bool) (string, error) {
	if !streamed {
		r, err := m.Request(ctx, msgs, nil, nil)
		if err != nil {
			return "", err
		}
		return r.Text(), nil
	}
	sr, err := m.RequestStream(ctx, msgs, nil, nil)
	if err != nil {
		return "", err
	}
	defer sr.Close()
	for _, err := range sr.Events() {
		if err != nil {
			return "", err
		}
	}
	return sr.Response().Text(), nil
}

// TestConcurrencyReplay shares one groq.Model and one replay session
// between goroutines: a cassette of distinct plain and streamed exchanges
// is recorded from the fake, then replayed with every request made once,
// concurrently. Each answer must quote its own prompt, and the session
// must see every interaction used exactly once (it fails the test at
// cleanup for an unused one, and a second use of one is a miss).
func TestConcurrencyReplay(t *testing.T) {
	n := pick(48, 256)
	workers := pick(8, 32)
	path := filepath.Join(t.TempDir(), "concurrency.yaml")
	calls := make([]exchange, n)
	for i := range calls {
		calls[i] = exchange{prompt: fmt.Sprintf("Please repeat the code tok-i%04d-end", i), streamed: i%2 == 1}
	}
	baseURL := recordFromFake(t, path, calls)

	var completed, mismatches, failed atomic.Int64
	session := &captureTB{}
	t.Run("replay", func(t *testing.T) {
		session.TB = t
		s := replay.New(session, replay.WithPath(path))
		m, _ := replayModel(t, baseURL, s, 0)
		work := make(chan int)
		o := guard(watchdog, func() error {
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range work {
						c := calls[i]
						ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
						text, err := ask(ctx, m, []llm.Message{llm.NewRequest(llm.User(c.prompt))}, c.streamed)
						cancel()
						if err != nil {
							failed.Add(1)
							t.Errorf("%q: %v", c.prompt, err)
							continue
						}
						completed.Add(1)
						token := strings.TrimPrefix(c.prompt, "Please repeat the code ")
						if !strings.Contains(text, token) || strings.Count(text, "tok-i") != 1 {
							mismatches.Add(1)
							t.Errorf("asked %q, got %q", c.prompt, text)
						}
					}
				}()
			}
			// Hand the requests out in an order unlike the recording's.
			for i := range n {
				work <- (i*7919 + 13) % n
			}
			close(work)
			wg.Wait()
			return nil
		})
		if o.hung {
			t.Fatalf("requests still running after %s:\n%s", watchdog, stacks())
		}
		if o.panicked != nil {
			t.Fatalf("panic: %v", o.panicked)
		}
	})
	// The session reports unused or repeated interactions through its
	// test, which the capture counted (after the subtest's cleanup ran).
	sessionErrors := session.Errors()
	if int(completed.Load()) != n {
		t.Errorf("%d of %d requests completed", completed.Load(), n)
	}
	figure(t, "concurrency_replay", "goroutines", workers, "requests", n, "completed", completed.Load(),
		"failed", failed.Load(), "mismatches", mismatches.Load(), "session_errors", sessionErrors)
}
