package replay_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
	"github.com/llmvcr/llmvcr/replay"
)

// logTB keeps what a session logs and reports, without failing the test
// for a report (a replay miss is what the test provokes).
type logTB struct {
	testing.TB
	mu  sync.Mutex
	log strings.Builder
}

func (l *logTB) note(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.log.WriteString(s + "\n")
}

func (l *logTB) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.log.String()
}

func (l *logTB) Log(args ...any)                 { l.note(fmt.Sprint(args...)) }
func (l *logTB) Logf(format string, args ...any) { l.note(fmt.Sprintf(format, args...)) }
func (l *logTB) Error(args ...any)               { l.note(fmt.Sprint(args...)) }
func (l *logTB) Errorf(format string, args ...any) {
	l.note(fmt.Sprintf(format, args...))
}

// TestReplayBodyCredentials records, through replay.New, requests whose
// JSON bodies carry a credential under its name (Groq's Wolfram
// authorization, an MCP tool's headers), with keys of several shapes;
// then replays them: the same request is answered from the cassette, and
// a different one misses with a report that names the difference and
// holds no part of the key.
func TestReplayBodyCredentials(t *testing.T) {
	bodies := map[string]string{
		"wolfram": `{"model":"groq/compound","messages":[{"role":"user","content":"%s"}],"compound_custom":{"tools":{"wolfram_settings":{"authorization":"%s"}}}}`,
		"mcp":     `{"model":"m","messages":[{"role":"user","content":"%s"}],"tools":[{"type":"mcp","server_url":"https://mcp.example","headers":{"Authorization":"Bearer %s","X-Goog-Api-Key":"%[2]s","Cookie":"sid=%[2]s","Content-Type":"application/json"}}]}`,
	}
	keys := map[string]string{"random-40": secretstest.Random(41, 40), "random-12": secretstest.Random(13, 12)}
	for _, k := range secretstest.Keys() {
		if k.Name == "groq" || k.Name == "anthropic" || k.Name == "google" {
			keys[k.Name] = k.Value
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"choices":[{"message":{"role":"assistant","content":"4"}}]}`)
	}))
	defer srv.Close()
	url := srv.URL + "/openai/v1/chat/completions"
	send := func(t *testing.T, s *replay.Session, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for name, tmpl := range bodies {
		for kind, key := range keys {
			t.Run(name+"/"+kind, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "c.yaml")
				rec := &logTB{}
				t.Run("record", func(t *testing.T) {
					rec.TB = t
					s := replay.New(rec, replay.WithMode(replay.ModeRecord), replay.WithPath(path), replay.WithRealTransport(srv.Client().Transport))
					if code, _ := send(t, s, fmt.Sprintf(tmpl, "2+2", key)); code != 200 {
						t.Fatalf("record: status %d", code)
					}
				})
				raw, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("nothing was saved: %v", err)
				}
				if strings.Contains(string(raw), key) || strings.Contains(rec.String(), key) {
					t.Fatalf("the key reached the cassette or the log")
				}
				rep := &logTB{}
				t.Run("replay", func(t *testing.T) {
					rep.TB = t
					s := replay.New(rep, replay.WithPath(path))
					if code, body := send(t, s, fmt.Sprintf(tmpl, "2+2", key)); code != 200 || !strings.Contains(body, `"content":"4"`) {
						t.Errorf("the recorded request did not replay: %d %s\n%s", code, body, rep.String())
					}
					if code, _ := send(t, s, fmt.Sprintf(tmpl, "3+3", key)); code == 200 {
						t.Errorf("a different request was answered")
					}
				})
				log := rep.String()
				if !strings.Contains(log, `messages[0].content: recorded "2+2", got "3+3"`) {
					t.Errorf("the miss report does not name the difference:\n%s", log)
				}
				if h := len(key) / 2; strings.Contains(log, key[:h]) || strings.Contains(log, key[h:]) {
					t.Errorf("the replay's log holds the key:\n%s", log)
				}
			})
		}
	}
}

// TestUnusedReportScrubsBodyCredentials: a hand-written cassette may
// still hold a credential-named value Save would have scrubbed; when that
// interaction is never replayed, the report that lists it shows its body
// under the same rule, never the value.
func TestUnusedReportScrubsBodyCredentials(t *testing.T) {
	key := secretstest.Random(7, 40)
	c := cassettes.New(filepath.Join(t.TempDir(), "c.yaml"))
	c.Interactions = append(c.Interactions, &cassettes.Interaction{
		Request: cassettes.Request{Method: http.MethodPost, URL: "https://api.groq.com/openai/v1/chat/completions",
			Headers: http.Header{"Content-Type": {"application/json"}},
			Body:    `{"model":"groq/compound","compound_custom":{"tools":{"wolfram_settings":{"authorization":"` + key + `"}}}}`},
		Response: cassettes.Response{Code: 200, Headers: http.Header{"Content-Type": {"application/json"}}, Body: `{}`},
	})
	raw, err := cassettes.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.Path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	rep := &logTB{}
	t.Run("replay", func(t *testing.T) {
		rep.TB = t
		replay.New(rep, replay.WithPath(c.Path))
	})
	log := rep.String()
	if !strings.Contains(log, "never replayed") {
		t.Fatalf("no report of the unused interaction:\n%s", log)
	}
	// The report cuts a body at 100 characters: no piece of the key, at
	// either end, may show.
	if strings.Contains(log, key[:8]) || strings.Contains(log, key[len(key)-8:]) {
		t.Errorf("the report holds part of the key:\n%s", log)
	}
}
