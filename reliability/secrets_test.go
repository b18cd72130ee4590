package reliability

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
	"github.com/llmvcr/llmvcr/replay"
)

// secretKey is a recognisable fake Groq key. It is never a real one.
const secretKey = "gsk_LLMVCRFAKEdoNOTleak0123456789abcdefABCDEF01"

// secretForms are the ways the key can appear in a file or a message.
func secretForms() []string {
	j, _ := json.Marshal(secretKey)
	return []string{secretKey, strings.Trim(string(j), `"`), url.QueryEscape(secretKey), strings.TrimPrefix(secretKey, "gsk_")}
}

// leaks counts the forms of the key in s.
func leaks(s string) int {
	n := 0
	for _, f := range secretForms() {
		if strings.Contains(s, f) {
			n++
		}
	}
	return n
}

// secretCalls makes, through client and a model on it, exchanges that put
// the key in a header, the query string, the request body and (as the
// fake's echo) the response body, plain, streamed and as an error. It
// returns the error messages the calls produced and the places seeded.
func secretCalls(t *testing.T, baseURL string, client *http.Client) (errs []string, places int) {
	t.Helper()
	m, err := groq.NewModel(fakes.DefaultModel, groq.WithBaseURL(baseURL), groq.WithHTTPClient(client),
		groq.WithAPIKey(secretKey), groq.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	// The default answer quotes the question, so the key comes back.
	question := "Please repeat this token: " + secretKey
	msgs := []llm.Message{llm.NewRequest(llm.User(question))}
	for _, streamed := range []bool{false, true} {
		text, err := ask(ctx, m, msgs, streamed)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if !strings.Contains(text, "Please repeat this token") {
			t.Errorf("streamed=%v: the answer %q does not echo the question", streamed, text)
		}
		places += 3 // Authorization header, request body, response body
	}
	// An error whose body echoes the key, as some proxies do.
	_, err = m.Request(ctx, []llm.Message{llm.NewRequest(llm.User("trigger the error " + secretKey))}, nil, nil)
	if err == nil {
		t.Errorf("the scripted error came back as a success")
	} else {
		errs = append(errs, err.Error())
		places += 3 // Authorization header, request body, error body
	}
	// The key in the query string and in an API-key header.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/openai/v1/models?api_key="+url.QueryEscape(secretKey)+"&q="+url.QueryEscape(secretKey), nil)
	req.Header.Set("X-Api-Key", secretKey)
	resp, err := client.Do(req)
	if err != nil {
		errs = append(errs, err.Error())
	} else {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		places += 3 // two query parameters, one header
	}
	return errs, places
}

// TestSecrets records against the fake with a recognisable key in every
// place it can go, then searches the cassette, the session's log and every
// error message (recording and replaying) for it.
func TestSecrets(t *testing.T) {
	t.Setenv("GROQ_API_KEY", secretKey)
	path := filepath.Join(t.TempDir(), "secrets.yaml")
	var places, searched, found int
	search := func(where, s string) {
		searched++
		if n := leaks(s); n > 0 {
			found++
			t.Errorf("the key is in %s (%d forms)", where, n)
		}
	}

	var baseURL string
	rec := &captureTB{}
	t.Run("record", func(t *testing.T) {
		g := fakes.NewGroq(t, fakes.WithDefaultAnswers())
		g.Error(401, groq.ErrorResponse{Error: groq.ErrorObject{Message: "Invalid API Key " + secretKey, Type: "invalid_request_error", Code: "invalid_api_key"}}, nil).
			When(fakes.PromptContains("trigger the error"))
		baseURL = g.URL
		rec.TB = t
		s := replay.New(rec, replay.WithMode(replay.ModeRecord), replay.WithPath(path), replay.WithRealTransport(g.Client().Transport))
		var errs []string
		errs, places = secretCalls(t, baseURL, s.Client())
		if len(errs) != 1 {
			t.Errorf("recording: %d errors, want the one scripted: %q", len(errs), errs)
		}
		// Recording passes the server's answer through as it is: the
		// scripted error echoes the key, so that message is the server's
		// and is not searched here.
	})
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no cassette was recorded: %v", err)
	}
	search("the cassette", string(raw))
	// Every seeded place shows a redaction instead (the bearer header,
	// the bodies, the echo, the query and the API-key header).
	redactions := strings.Count(string(raw), "REDACTED")
	if redactions < places {
		t.Errorf("the cassette shows %d redactions for %d places the key was put", redactions, places)
	}
	search("the recording session's log", rec.String())

	rep := &captureTB{}
	t.Run("replay", func(t *testing.T) {
		rep.TB = t
		s := replay.New(rep, replay.WithPath(path))
		errs, _ := secretCalls(t, baseURL, s.Client())
		if len(errs) != 1 {
			t.Errorf("replay: %d errors, want the one recorded: %q", len(errs), errs)
		}
		for _, e := range errs {
			search("a replayed error message", e)
		}
	})
	search("the replaying session's log", rep.String())
	figure(t, "secrets", "places_seeded", places, "redactions", redactions, "places_searched", searched, "leaks", found)
}
