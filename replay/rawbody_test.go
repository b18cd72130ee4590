package replay

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/match"
)

// recordThenReplay records one session against handler (in a subtest, so
// the cassette is saved when it ends), then replays it; each session runs
// do with its client. It returns the saved file.
func recordThenReplay(t *testing.T, handler http.HandlerFunc, do func(t *testing.T, c *http.Client, url string)) string {
	t.Helper()
	srv := httptest.NewServer(handler)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "c.yaml")
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(srv.Client().Transport))
		do(t, s.Client(), srv.URL)
	})
	t.Run("replay", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeReplay))
		do(t, s.Client(), srv.URL)
	})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func get(t *testing.T, c *http.Client, url, body string) ([]byte, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b, resp.Header
}

// TestReplayedJSONIsByteIdentical: a JSON body a server sent compact
// comes back from replay byte for byte (an SDK's RawJSON sees what the
// server sent), while the cassette shows it indented.
func TestReplayedJSONIsByteIdentical(t *testing.T) {
	const sent = `{"id":"msg_01","type":"message","content":[{"type":"text","text":"Hi 👋"}],"usage":{"input_tokens":3,"output_tokens":2}}`
	file := recordThenReplay(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, sent)
	}, func(t *testing.T, c *http.Client, url string) {
		got, h := get(t, c, url, `{"model":"m"}`)
		if string(got) != sent {
			t.Errorf("body %q, want the bytes the server sent %q", got, sent)
		}
		if cl := h.Get("Content-Length"); cl != strconv.Itoa(len(sent)) {
			t.Errorf("Content-Length %s, want %d", cl, len(sent))
		}
	})
	if !strings.Contains(file, "          \"text\": \"Hi 👋\"\n") {
		t.Errorf("the cassette does not show the JSON indented:\n%s", file)
	}
}

// TestReplayedCRLFStreamIsByteIdentical: a stream with CRLF frames (as
// genai's) is kept as readable lines in the cassette and replayed with its
// "\r\n" line ends exactly.
func TestReplayedCRLFStreamIsByteIdentical(t *testing.T) {
	const sent = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"It is 🌡 hot\"}]}}]}\r\n\r\n" +
		"data: {\"candidates\":[{\"finishReason\":\"STOP\"}]}\r\n\r\n"
	file := recordThenReplay(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, ev := range strings.SplitAfter(sent, "\r\n\r\n") {
			io.WriteString(w, ev)
			w.(http.Flusher).Flush()
		}
	}, func(t *testing.T, c *http.Client, url string) {
		if got, _ := get(t, c, url, `{"stream":true}`); string(got) != sent {
			t.Errorf("stream %q, want %q", got, sent)
		}
	})
	if strings.Contains(file, `\r\n`) || strings.Contains(file, `\U0001`) || !strings.Contains(file, "It is 🌡 hot") {
		t.Errorf("the cassette escapes the stream:\n%s", file)
	}
}

// TestRequestsDifferingOnlyInSecretsNotConfused: two requests that differ
// only in secret-shaped user data are saved the same; replay refuses to
// choose between their recordings rather than answer one with the other's.
func TestRequestsDifferingOnlyInSecretsNotConfused(t *testing.T) {
	keyA := "gsk_" + strings.Repeat("A1b2", 10)
	keyB := "gsk_" + strings.Repeat("C3d4", 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(string(b), keyA) {
			io.WriteString(w, `{"answer":"A"}`)
		} else {
			io.WriteString(w, `{"answer":"B"}`)
		}
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "c.yaml")
	body := func(k string) string { return `{"messages":[{"role":"user","content":"check ` + k + `"}]}` }
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(srv.Client().Transport))
		get(t, s.Client(), srv.URL, body(keyA))
		get(t, s.Client(), srv.URL, body(keyB))
	})
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	// Replayed in the other order: B must never get A's answer.
	x := match.NewIndex(c.Path, c.Interactions)
	req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(body(keyB)))
	req.Header.Set("Content-Type", "application/json")
	i, err := x.Match(req, []byte(body(keyB)))
	var ae *match.AmbiguousError
	if !errors.As(err, &ae) || len(ae.Interactions) != 2 {
		got := ""
		if i != nil {
			got = i.Response.Body
		}
		t.Fatalf("Match = %q, %v; want an *AmbiguousError naming both recordings", got, err)
	}
	if strings.Contains(err.Error(), keyA) || strings.Contains(err.Error(), keyB) || !strings.Contains(err.Error(), "cannot be told apart") {
		t.Errorf("message: %v", err)
	}
}

// TestReplayRefusesBrokenCassettes: a cassette whose timing comment is NaN
// (which timingAsRecorded would wait on forever) or that was cut short
// fails replay.New with the error cassettes.Load gives, naming the
// interaction and the field, instead of replaying.
func TestReplayRefusesBrokenCassettes(t *testing.T) {
	dir := t.TempDir()
	nan := filepath.Join(dir, "nan.yaml")
	os.WriteFile(nan, []byte("version: 2\ninteractions:\n  - request: {method: POST, url: 'https://api.groq.com/openai/v1/chat/completions'}\n"+
		"    response:\n      code: 200\n      headers: {Content-Type: [text/event-stream]}\n"+
		"      body: \": llmvcr-t=NaN\\ndata: [DONE]\\n\\n\"\n"), 0o644)
	cut := filepath.Join(dir, "cut.yaml")
	c := cassettes.New(cut)
	i := &cassettes.Interaction{}
	i.Request.Method, i.Request.URL = "POST", "https://api.groq.com/openai/v1/chat/completions"
	i.Response.Code, i.Response.Status, i.Response.Body = 200, "200 OK", `{"choices":[]}`
	c.Interactions = []*cassettes.Interaction{i, i}
	if err := c.Save(cassettes.WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(cut)
	os.WriteFile(cut, data[:len(data)*3/4], 0o644)
	for _, path := range []string{nan, cut} {
		_, want := cassettes.Load(path)
		var fe *cassettes.FormatError
		if !errors.As(want, &fe) {
			t.Fatalf("Load(%s) = %v, want a *FormatError", path, want)
		}
		ft := newFakeT(t, "TestBroken")
		done := make(chan struct{})
		go func() {
			defer close(done)
			New(ft, WithPath(path), WithMode(ModeReplay), timingAsRecorded())
		}()
		<-done
		if len(ft.fatals) != 1 || ft.fatals[0] != want.Error() {
			t.Errorf("replay.New on %s: fatals %q, want %q", filepath.Base(path), ft.fatals, want)
		}
	}
}
