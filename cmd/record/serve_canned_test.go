package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/replay"
)

const fakeSource = "the embedded fake Groq server"

// mixedCassette writes a cassette whose JSON answer was recorded from a
// real API and whose stream from a fake (it carries X-Llmvcr-Source).
func mixedCassette(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mixed.yaml")
	c := cassettes.New(path)
	canned := recorded("POST", chatURL, streamReq, "text/event-stream", streamResp)
	canned.Response.Headers.Set(httpbody.SourceHeader, fakeSource)
	c.Interactions = []*cassettes.Interaction{recorded("POST", chatURL, parisReq, "application/json", parisResp), canned}
	require.NoError(t, c.Save())
	return path
}

// sources are the X-Llmvcr-Source values of a cassette's answers.
func sources(t *testing.T, path string) []string {
	t.Helper()
	c, err := cassettes.Load(path)
	require.NoError(t, err)
	var out []string
	for _, i := range c.Interactions {
		out = append(out, i.Response.Headers.Get(httpbody.SourceHeader))
	}
	return out
}

// lint runs record lint on path and returns its stderr.
func lint(t *testing.T, path string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"lint", path}, &stdout, &stderr)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	return stderr.String()
}

// TestServedAnswersStayCannedThroughTheProxy: every answer of record serve
// says it is not a real API's (X-Llmvcr-Source), so record proxy in front
// of it records a cassette marked canned, which record lint reports: a
// real API's recording replayed is a copy, a fake's stays the fake's, and
// serve's own answers (a miss) are serve's. A second round through serve
// and the proxy leaves the marks as they were.
func TestServedAnswersStayCannedThroughTheProxy(t *testing.T) {
	want := []string{
		"record serve, replaying a real API's recording",
		"record serve, replaying a recording from " + fakeSource,
		"record serve",
	}
	in := mixedCassette(t)
	for round := range 2 {
		s := start(t, "serve", "-repeat", in)
		resp, body := post(t, s.url+"/openai/v1/chat/completions", parisReq)
		require.Equal(t, 200, resp.StatusCode, body)
		require.Equal(t, want[0], resp.Header.Get(httpbody.SourceHeader), "serve's own answer says where it comes from")

		out := filepath.Join(t.TempDir(), fmt.Sprintf("round%d.yaml", round))
		p := start(t, "proxy", "-upstream", s.url+"/openai", "-o", out)
		for _, req := range []string{parisReq, streamReq, `{"drifted":true}`} {
			resp, body := post(t, p.url+"/v1/chat/completions", req)
			require.NotEqual(t, http.StatusBadGateway, resp.StatusCode, body)
		}
		require.Equal(t, 0, p.stop(), p.stderr.String())
		require.Contains(t, p.stderr.String(), "3 interactions, 3 of them canned")
		require.Equal(t, 0, s.stop(), s.stderr.String())
		require.Equal(t, want, sources(t, out), "round %d", round)

		msg := lint(t, out)
		require.Contains(t, msg, "answers are canned: 3 of 3 interactions were recorded from")
		for _, w := range want {
			require.Contains(t, msg, fmt.Sprintf("%q", w))
		}
		in = out
	}
}

// logT is a test whose log lines are kept.
type logT struct {
	*testing.T
	mu   sync.Mutex
	logs []string
}

func (l *logT) Logf(format string, args ...any) {
	l.mu.Lock()
	l.logs = append(l.logs, fmt.Sprintf(format, args...))
	l.mu.Unlock()
	l.T.Logf(format, args...)
}

// TestReplayRecordingFromServeIsCanned: a replay session recording
// against record serve (WithUpstream on loopback: no key) saves a
// cassette marked canned, and a session replaying it says so, once.
func TestReplayRecordingFromServeIsCanned(t *testing.T) {
	for _, v := range []string{"CI", "LLMVCR_MODE", "GROQ_API_KEY"} {
		t.Setenv(v, "")
	}
	s := start(t, "serve", mixedCassette(t))
	out := filepath.Join(t.TempDir(), "recorded.yaml")
	t.Run("record", func(t *testing.T) {
		rs := replay.New(t, replay.WithPath(out), replay.WithMode(replay.ModeRecord), replay.WithUpstream("https://api.groq.com", s.url))
		for _, req := range []string{parisReq, streamReq} {
			resp, err := rs.Client().Post(chatURL, "application/json", strings.NewReader(req))
			require.NoError(t, err)
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			require.Equal(t, 200, resp.StatusCode)
		}
	})
	require.Equal(t, 0, s.stop(), s.stderr.String())
	require.Equal(t, []string{"record serve, replaying a real API's recording", "record serve, replaying a recording from " + fakeSource}, sources(t, out))
	require.Contains(t, lint(t, out), "answers are canned: 2 of 2 interactions")

	t.Run("replay", func(t *testing.T) {
		lt := &logT{T: t}
		rs := replay.New(lt, replay.WithPath(out), replay.WithMode(replay.ModeReplay))
		resp, err := rs.Client().Post(chatURL, "application/json", strings.NewReader(parisReq))
		require.NoError(t, err)
		resp.Body.Close()
		require.Empty(t, resp.Header.Get(httpbody.SourceHeader), "replay keeps the mark from the client")
		resp, err = rs.Client().Post(chatURL, "application/json", strings.NewReader(streamReq))
		require.NoError(t, err)
		resp.Body.Close()
		lt.mu.Lock()
		defer lt.mu.Unlock()
		n := strings.Count(strings.Join(lt.logs, "\n"), "are canned")
		require.Equal(t, 1, n, "logged once: %q", lt.logs)
	})
}

// TestServedFromIsOneBoundedLine: the mark serve passes on from a
// recording is one line of bounded length whatever the cassette holds,
// and names serve once however many times the answer went through it.
func TestServedFromIsOneBoundedLine(t *testing.T) {
	long := strings.Repeat("fake ", 1000)
	for _, tt := range []struct{ in, want string }{
		{"", "record serve, replaying a real API's recording"},
		{fakeSource, "record serve, replaying a recording from " + fakeSource},
		{"record serve, replaying a recording from x", "record serve, replaying a recording from x"},
		{"record serve", "record serve"},
		{"record server 2", "record serve, replaying a recording from record server 2"},
		{"a\r\nX-Injected: 1\x00\u2028b", "record serve, replaying a recording from a X-Injected: 1 b"},
		{" \t\r\n", "record serve, replaying a canned recording"},
	} {
		require.Equal(t, tt.want, servedFrom(tt.in), "%q", tt.in)
	}
	got := servedFrom(long)
	require.LessOrEqual(t, len(got), maxSource+len("record serve, replaying a recording from ...")+1)
	require.True(t, strings.HasSuffix(got, "..."))
}

// TestProxyDropsUpstreamLlmvcrHeaders: llmvcr's own headers describe a
// recording; an upstream's would pass for the proxy's in the cassette (a
// forged X-Llmvcr-Stream-Error makes a whole answer replay as broken).
// They are dropped, except X-Llmvcr-Source, which marks the answer canned.
func TestProxyDropsUpstreamLlmvcrHeaders(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set(httpbody.StreamErrorHeader, "forged")
		w.Header().Set("X-Llmvcr-Future", "x")
		w.Header().Set(httpbody.SourceHeader, "a fake upstream")
		io.WriteString(w, parisResp)
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "c.yaml")
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	resp, body := post(t, p.url+"/v1/chat/completions", parisReq)
	require.Equal(t, 200, resp.StatusCode, body)
	require.Equal(t, 0, p.stop(), p.stderr.String())
	c, err := cassettes.Load(out)
	require.NoError(t, err)
	h := c.Interactions[0].Response.Headers
	require.Empty(t, h.Get(httpbody.StreamErrorHeader))
	require.Empty(t, h.Get("X-Llmvcr-Future"))
	require.Equal(t, "a fake upstream", h.Get(httpbody.SourceHeader))
}
