package replay_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
	"github.com/llmvcr/llmvcr/replay"
)

// TestReplayCredentialsByNameEverywhere records requests that carry a key
// (of no known shape, not configured) only where a name says it is one:
// headers given as name/value lists, JSON in tool-call arguments, a
// ";key=" path parameter and a percent-encoded query separator; the key
// reaches neither the cassette nor the log, and replaying the same
// request is answered while a different one misses without showing it.
func TestReplayCredentialsByNameEverywhere(t *testing.T) {
	key := secretstest.Random(61, 36)
	args, _ := json.Marshal(`{"user":"ann","password":"` + key + `"}`)
	tmpl := `{"model":"m","messages":[{"role":"user","content":"%s"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"login","arguments":` +
		strings.ReplaceAll(string(args), "%", "%%") + `}}]}],"tools":[{"type":"mcp","headers":[{"name":"Authorization","value":"Bearer ` + key + `"},["x-api-key","` + key + `"]]}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"choices":[{"message":{"role":"assistant","content":"4"}}]}`)
	}))
	defer srv.Close()
	for _, tc := range []struct{ name, path string }{
		{"path parameter", "/v1beta/models/x;key=" + key + ":generateContent"},
		{"encoded separator", "/v1beta/models/x:generateContent?alt=sse%26key%3D" + key},
	} {
		path := tc.path
		t.Run(tc.name, func(t *testing.T) {
			send := func(t *testing.T, s *replay.Session, content string) (int, string) {
				t.Helper()
				req, err := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(fmt.Sprintf(tmpl, content)))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				resp, err := s.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			file := filepath.Join(t.TempDir(), "c.yaml")
			rec := &logTB{}
			t.Run("record", func(t *testing.T) {
				rec.TB = t
				s := replay.New(rec, replay.WithMode(replay.ModeRecord), replay.WithPath(file), replay.WithRealTransport(srv.Client().Transport))
				if code, _ := send(t, s, "2+2"); code != 200 {
					t.Fatalf("record: status %d", code)
				}
			})
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("nothing was saved: %v", err)
			}
			if strings.Contains(string(raw), key) || strings.Contains(rec.String(), key) {
				t.Fatalf("the key reached the cassette or the log:\n%s", raw)
			}
			rep := &logTB{}
			t.Run("replay", func(t *testing.T) {
				rep.TB = t
				s := replay.New(rep, replay.WithPath(file))
				if code, body := send(t, s, "2+2"); code != 200 || !strings.Contains(body, `"content":"4"`) {
					t.Errorf("the recorded request did not replay: %d %s\n%s", code, body, rep.String())
				}
				if code, _ := send(t, s, "3+3"); code == 200 {
					t.Errorf("a different request was answered")
				}
			})
			if h := len(key) / 2; strings.Contains(rep.String(), key[:h]) || strings.Contains(rep.String(), key[h:]) {
				t.Errorf("the replay's log holds the key:\n%s", rep.String())
			}
		})
	}
}
