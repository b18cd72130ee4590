package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/cassettes"
)

const (
	chatURL    = "https://api.groq.com/openai/v1/chat/completions"
	parisReq   = `{"model":"llama-3.3-70b-versatile","messages":[{"role":"user","content":"What is the capital of France?"}]}`
	parisResp  = `{"choices":[{"index":0,"message":{"role":"assistant","content":"Paris."},"finish_reason":"stop"}]}`
	streamReq  = `{"model":"llama-3.3-70b-versatile","messages":[{"role":"user","content":"Count to two."}],"stream":true}`
	streamResp = ": llmvcr-t=0.000000\ndata: {\"choices\":[{\"delta\":{\"content\":\"one\"}}]}\n\n" +
		": llmvcr-t=0.100000\ndata: {\"choices\":[{\"delta\":{\"content\":\" two\"}}]}\n\n" +
		": llmvcr-t=0.200000\ndata: [DONE]\n\n"
)

// serveCassette writes a cassette with a JSON answer and a stream.
func serveCassette(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "chat.yaml")
	c := cassettes.New(path)
	c.Interactions = []*cassettes.Interaction{
		recorded("POST", chatURL, parisReq, "application/json", parisResp),
		recorded("POST", chatURL, streamReq, "text/event-stream", streamResp),
	}
	require.NoError(t, c.Save())
	return path
}

func post(t *testing.T, url, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+fakeKey(t, "any-key-"))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestServeAnswersJSONAndStreams(t *testing.T) {
	s := start(t, "serve", serveCassette(t))
	// Another key order and spacing: matched by JSON value.
	resp, body := post(t, s.url+"/openai/v1/chat/completions",
		`{ "messages": [ {"content": "What is the capital of France?", "role": "user"} ], "model": "llama-3.3-70b-versatile" }`)
	require.Equal(t, 200, resp.StatusCode, body)
	require.JSONEq(t, parisResp, body)

	resp, body = post(t, s.url+"/openai/v1/chat/completions", streamReq)
	require.Equal(t, 200, resp.StatusCode, body)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	require.Equal(t, "data: {\"choices\":[{\"delta\":{\"content\":\"one\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\" two\"}}]}\n\ndata: [DONE]\n\n", body,
		"the stream's bytes as the server sent them, without timing lines")
	require.Equal(t, 0, s.stop(), s.stderr.String())
	require.Contains(t, s.stderr.String(), "0 of 2 recordings never replayed")
}

func TestServeMissCarriesTheDiff(t *testing.T) {
	s := start(t, "serve", serveCassette(t))
	drifted := strings.Replace(parisReq, "France", "Spain", 1)
	for range 2 {
		resp, body := post(t, s.url+"/openai/v1/chat/completions", drifted)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		require.Equal(t, "false", resp.Header.Get("X-Should-Retry"))
		require.Equal(t, "true", resp.Header.Get("X-Llmvcr-Replay-Miss"))
		var e struct {
			Error struct{ Type, Message string }
		}
		require.NoError(t, json.Unmarshal([]byte(body), &e), body)
		require.Equal(t, "llmvcr_replay_miss", e.Error.Type)
		require.Contains(t, e.Error.Message, "messages[0].content")
		require.Contains(t, e.Error.Message, "Spain")
		require.Contains(t, e.Error.Message, "closest recorded request: interaction 0")
		require.NotContains(t, e.Error.Message, "\u00a0")
	}
	require.Equal(t, 0, s.stop())
	log := s.stderr.String()
	require.Equal(t, 1, strings.Count(log, "messages[0].content"), "one report per distinct miss:\n%s", log)
	require.Contains(t, log, "MISS again: POST /openai/v1/chat/completions")
}

func TestServeListsUnusedAndStrict(t *testing.T) {
	path := serveCassette(t)
	for _, strict := range []bool{false, true} {
		args := []string{"serve", path}
		if strict {
			args = []string{"serve", "-strict", path}
		}
		s := start(t, args...)
		resp, _ := post(t, s.url+"/openai/v1/chat/completions", parisReq)
		require.Equal(t, 200, resp.StatusCode)
		code := s.stop()
		log := s.stderr.String()
		require.Contains(t, log, "never replayed: "+path+" interaction 1: POST "+chatURL)
		require.Contains(t, log, "1 of 2 recordings never replayed")
		if strict {
			require.Equal(t, 1, code, log)
			require.Contains(t, log, "-strict:")
		} else {
			require.Equal(t, 0, code, log)
		}
	}
}

func TestServeRepeats(t *testing.T) {
	path := serveCassette(t)
	s := start(t, "serve", path)
	resp, _ := post(t, s.url+"/openai/v1/chat/completions", parisReq)
	require.Equal(t, 200, resp.StatusCode)
	resp, _ = post(t, s.url+"/openai/v1/chat/completions", parisReq)
	require.Equal(t, 404, resp.StatusCode, "each recording answers once by default")
	s.stop()

	s = start(t, "serve", "-repeat", path)
	for range 3 {
		resp, body := post(t, s.url+"/openai/v1/chat/completions", parisReq)
		require.Equal(t, 200, resp.StatusCode, body)
	}
	s.stop()
}

func TestServeFaults(t *testing.T) {
	s := start(t, "serve", "-repeat", "-fault", "1:cut-after=1", "-fault", "2:respond=429", "-fault", "3:corrupt-event=0", "-fault", "4:stall-after=1", serveCassette(t))
	// Request 1: the stream breaks after its first event.
	req, _ := http.NewRequest("POST", s.url+"/openai/v1/chat/completions", strings.NewReader(streamReq))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.True(t, errors.Is(err, io.ErrUnexpectedEOF), "want a broken stream, got %v", err)
	require.Equal(t, "data: {\"choices\":[{\"delta\":{\"content\":\"one\"}}]}\n\n", string(got))
	// Request 2: 429.
	resp, body := post(t, s.url+"/openai/v1/chat/completions", parisReq)
	require.Equal(t, 429, resp.StatusCode, body)
	// Request 3: the first event's data is garbled.
	resp, body = post(t, s.url+"/openai/v1/chat/completions", parisReq)
	require.Equal(t, 200, resp.StatusCode)
	require.NotEqual(t, parisResp, body)
	require.Error(t, json.Unmarshal([]byte(body), new(any)))
	// Request 4: the first event arrives (each event is flushed as it is
	// played), then nothing until the client gives up.
	ctx, cancel := context.WithCancel(context.Background())
	req, _ = http.NewRequestWithContext(ctx, "POST", s.url+"/openai/v1/chat/completions", strings.NewReader(streamReq))
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	first, err := bufio.NewReader(resp.Body).ReadString('\n')
	require.NoError(t, err)
	require.Contains(t, first, `"one"`)
	cancel()
	resp.Body.Close()
	require.Equal(t, 0, s.stop(), s.stderr.String())
	require.NotContains(t, s.stderr.String(), "fault never applied")
}

func TestServeUsageErrors(t *testing.T) {
	path := serveCassette(t)
	for _, tc := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"serve"}, "at least one cassette", 2},
		{[]string{"serve", "-timing", "-1", path}, "want a factor from 0 to 1000", 2},
		{[]string{"serve", "-fault", "0:reset", path}, "N the request's number from 1", 2},
		{[]string{"serve", "-fault", "1:explode", path}, `unknown fault "explode"`, 2},
		{[]string{"serve", "-fault", "1:cut-after", path}, "needs a value", 2},
		{[]string{"serve", "-fault", "1:reset=2", path}, "takes no value", 2},
		{[]string{"serve", "-fault", "1:respond=42", path}, "from 400 to 599", 2},
		{[]string{"serve", "-fault", "1:cut-after=1", "-fault", "1:stall-after=2", path}, "two faults that cannot both apply", 2},
		{[]string{"serve", "-fault", "1:cut-after=1", "-fault", "1:corrupt-event=1", path}, "could never apply", 2},
		{[]string{"serve", "-fault", "1:corrupt-event=0", "-fault", "1:corrupt-event=1", path}, "-fault 1:corrupt-event=0 and -fault 1:corrupt-event=1 both garble an event", 2},
		{[]string{"serve", "-fault", "1:reset", "-fault", "1:cut-after=1", path}, "-fault 1:reset replaces the whole answer and cannot be combined with another fault on the same request (-fault 1:cut-after=1)", 2},
		{[]string{"serve", "-fault", "1:respond=-1", path}, "-fault 1:respond=-1: the status must be an error, from 400 to 599", 2},
		{[]string{"serve", "-ignore", "messages[", path}, "messages[", 2},
		{[]string{"serve", filepath.Join(t.TempDir(), "missing.yaml")}, "cannot serve", 1},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, stderr.String())
		require.Contains(t, stderr.String(), tc.want, "%v", tc.args)
		require.Empty(t, stdout.String())
	}
}

// TestProxyThenServe records a stream through the proxy and answers the
// same request from the cassette.
func TestProxyThenServe(t *testing.T) {
	release := make(chan struct{})
	close(release)
	srv := newSSEServer(t, release)
	out := filepath.Join(t.TempDir(), "roundtrip.yaml")
	p := start(t, "proxy", "-upstream", srv+"/openai", "-o", out)
	resp, live := post(t, p.url+"/v1/chat/completions", `{"stream":true}`)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, 0, p.stop(), p.stderr.String())

	s := start(t, "serve", out)
	resp, replayed := post(t, s.url+"/openai/v1/chat/completions", `{"stream": true}`)
	require.Equal(t, 200, resp.StatusCode, replayed)
	require.Equal(t, live, replayed)
	rd := bufio.NewReader(strings.NewReader(replayed))
	first, _ := rd.ReadString('\n')
	require.Contains(t, first, "Par")
	require.Equal(t, 0, s.stop())
}

// TestServeTiming paces a stream at its recorded offsets with -timing 1:
// the last event cannot arrive before its offset (a lower bound only, so
// a loaded machine cannot make it fail).
func TestServeTiming(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paced.yaml")
	c := cassettes.New(path)
	c.Interactions = []*cassettes.Interaction{recorded("POST", chatURL, streamReq, "text/event-stream",
		": llmvcr-t=0.000000\ndata: {\"choices\":[{\"delta\":{\"content\":\"one\"}}]}\n\n: llmvcr-t=0.600000\ndata: [DONE]\n\n")}
	require.NoError(t, c.Save())
	s := start(t, "serve", "-timing", "1", path)
	begin := time.Now()
	resp, body := post(t, s.url+"/openai/v1/chat/completions", streamReq)
	elapsed := time.Since(begin)
	require.Equal(t, 200, resp.StatusCode, body)
	require.GreaterOrEqual(t, elapsed, 600*time.Millisecond, "the last event waits for its recorded offset")
	require.Equal(t, 0, s.stop())
}
