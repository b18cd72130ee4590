package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/cassettes"
)

// notifyBuffer is a log that tests can wait on: waitFor blocks until the
// text holds a substring (no sleeps, no polling of the clock).
type notifyBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newNotifyBuffer() *notifyBuffer { return &notifyBuffer{changed: make(chan struct{})} }

func (b *notifyBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	close(b.changed)
	b.changed = make(chan struct{})
	return n, err
}

func (b *notifyBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until the text contains s, or done is closed (the
// command exited): it reports whether s came.
func (b *notifyBuffer) waitFor(s string, done <-chan struct{}) bool {
	for {
		b.mu.Lock()
		has := strings.Contains(b.buf.String(), s)
		ch := b.changed
		b.mu.Unlock()
		if has {
			return true
		}
		select {
		case <-ch:
		case <-done:
			return strings.Contains(b.String(), s)
		}
	}
}

// running is a record proxy or record serve run in-process by run(),
// stopped by cancelling its context as a signal would.
type running struct {
	url    string
	stdout *notifyBuffer
	stderr *notifyBuffer
	cancel context.CancelFunc
	exited chan struct{}
	code   int
}

// start runs the command and waits for the base URL on its first line of
// stdout; a command that exits first fails the test.
func start(t *testing.T, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: newNotifyBuffer(), stderr: newNotifyBuffer(), cancel: cancel, exited: make(chan struct{})}
	go func() {
		r.code = run(ctx, args, r.stdout, r.stderr)
		close(r.exited)
	}()
	t.Cleanup(func() { cancel(); <-r.exited })
	if !r.stdout.waitFor("\n", r.exited) {
		t.Fatalf("record %s exited with status %d before printing its URL:\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	first, _, _ := strings.Cut(r.stdout.String(), "\n")
	require.Regexp(t, `^http://127\.0\.0\.1:[0-9]+$`, first, "the first line of stdout is the base URL")
	r.url = first
	return r
}

// stop cancels the command (a signal, in-process) and waits for its exit
// status.
func (r *running) stop() int {
	r.cancel()
	<-r.exited
	return r.code
}

// fakeKey builds a key-like value at runtime, in no provider's shape, so
// only the proxy's runtime collection can know it is a secret.
func fakeKey(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// echoUpstream answers under /openai like an API that echoes the
// credentials it got (an error page quoting the key, say), and notes what
// reached it.
type echoUpstream struct {
	mu   sync.Mutex
	got  []*http.Request
	body []string
}

func (u *echoUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	u.mu.Lock()
	u.got = append(u.got, r.Clone(context.Background()))
	u.body = append(u.body, string(b))
	u.mu.Unlock()
	echo := map[string]string{
		"path":          r.URL.Path,
		"authorization": r.Header.Get("Authorization"),
		"x_api_key":     r.Header.Get("X-Api-Key"),
		"goog":          r.Header.Get("X-Goog-Api-Key"),
		"api_key":       r.Header.Get("Api-Key"),
		"query":         r.URL.RawQuery,
		"hop":           r.Header.Get("X-Hop"),
		"cookie":        r.Header.Get("Cookie"),
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Echo", r.Header.Get("X-Api-Key"))
	json.NewEncoder(w).Encode(map[string]any{"echo": echo, "note": "you sent " + r.Header.Get("Authorization")})
}

func TestProxyRecordsAndScrubsCredentials(t *testing.T) {
	up := &echoUpstream{}
	srv := httptest.NewServer(up)
	defer srv.Close()
	dir := t.TempDir()
	out := filepath.Join(dir, "sub", "proxied.yaml")
	p := start(t, "proxy", "-upstream", srv.URL+"/openai", "-o", out)

	bearer := fakeKey(t, "")
	xkey := fakeKey(t, "anth-")
	goog := fakeKey(t, "G")
	azure := fakeKey(t, "az")
	param := fakeKey(t, "q")
	user, pass := "svc", fakeKey(t, "pw")
	session := fakeKey(t, "s")
	send := func(path string, h map[string]string, body string) (int, string) {
		req, err := http.NewRequest("POST", p.url+path, strings.NewReader(body))
		require.NoError(t, err)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	code, body := send("/v1/chat/completions", map[string]string{"Authorization": "Bearer " + bearer, "Content-Type": "application/json",
		"Connection": "X-Hop", "X-Hop": "hop-by-hop"}, `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	require.Equal(t, 200, code)
	require.Contains(t, body, bearer, "the client gets the upstream's answer as it was")
	code, _ = send("/v1/messages", map[string]string{"X-Api-Key": xkey, "Cookie": "sid=" + session}, `{"q":1}`)
	require.Equal(t, 200, code)
	code, _ = send("/v1beta/models/gemini:streamGenerateContent?alt=sse&key="+param, map[string]string{"X-Goog-Api-Key": goog}, `{"q":2}`)
	require.Equal(t, 200, code)
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	code, _ = send("/deployments/x", map[string]string{"Api-Key": azure, "Authorization": "Basic " + basic}, `{"q":3}`)
	require.Equal(t, 200, code)

	// What reached the upstream: the real credentials, under its path
	// prefix, without the hop-by-hop header.
	up.mu.Lock()
	require.Len(t, up.got, 4)
	require.Equal(t, "/openai/v1/chat/completions", up.got[0].URL.Path)
	require.Equal(t, "Bearer "+bearer, up.got[0].Header.Get("Authorization"))
	require.Empty(t, up.got[0].Header.Get("X-Hop"), "a header named by Connection is hop-by-hop")
	require.Equal(t, "/openai/v1beta/models/gemini:streamGenerateContent", up.got[2].URL.Path)
	require.Equal(t, param, up.got[2].URL.Query().Get("key"))
	up.mu.Unlock()

	require.Equal(t, 0, p.stop(), p.stderr.String())
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	text := string(data)
	for name, v := range map[string]string{"bearer": bearer, "x-api-key": xkey, "goog": goog, "api-key": azure, "key=": param, "basic": basic, "password": pass, "cookie": session} {
		require.False(t, strings.Contains(text, v), "the %s credential reached the cassette", name)
		require.False(t, strings.Contains(p.stderr.String(), v), "the %s credential reached the log", name)
	}
	c, err := cassettes.Load(out)
	require.NoError(t, err)
	require.Len(t, c.Interactions, 4)
	require.Equal(t, "Bearer REDACTED", c.Interactions[0].Request.Headers.Get("Authorization"))
	require.Contains(t, c.Interactions[0].Response.Body, "you sent Bearer REDACTED", "an answer echoing the key has it scrubbed")
	require.Equal(t, srv.URL+"/openai/v1/chat/completions", c.Interactions[0].Request.URL, "the cassette stores the upstream's URL")
	require.Contains(t, p.stderr.String(), "saved "+out)
}

// sseUpstream streams three events; the second waits until the test
// says the client has the first, so a proxy that buffered would never
// deliver it.
func sseUpstream(release <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"Par\"}}]}\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"is\"}}]}\n\n")
		fmt.Fprint(w, "data: [DONE]\n\n")
	}
}

func TestProxyStreamsLive(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(sseUpstream(release))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "stream.yaml")
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	resp, err := http.Post(p.url+"/v1/chat/completions", "application/json", strings.NewReader(`{"stream":true}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	rd := bufio.NewReader(resp.Body)
	line, err := rd.ReadString('\n')
	require.NoError(t, err)
	require.Contains(t, line, "Par", "the first event arrives before the upstream sends the second")
	close(release)
	rest, err := io.ReadAll(rd)
	require.NoError(t, err)
	require.Contains(t, string(rest), "data: [DONE]")
	require.Equal(t, 0, p.stop(), p.stderr.String())
	c, err := cassettes.Load(out)
	require.NoError(t, err)
	require.Len(t, c.Interactions, 1)
	require.Equal(t, 3, strings.Count(c.Interactions[0].Response.Body, ": llmvcr-t="), "each event is recorded with its offset")
}

func TestProxyUpstreamFailureIs502(t *testing.T) {
	var mu sync.Mutex
	broken := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b := broken
		mu.Unlock()
		if b {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close() // no answer at all
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	out := filepath.Join(dir, "c.yaml")
	good := goodCassette(t, out)
	key := fakeKey(t, "")
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	get := func() (int, http.Header, string) {
		req, _ := http.NewRequest("GET", p.url+"/v1/models?key="+key, nil)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	code, h, body := get()
	require.Equal(t, http.StatusBadGateway, code)
	require.Equal(t, "application/json", h.Get("Content-Type"))
	require.Contains(t, body, "did not answer GET /v1/models")
	require.NotContains(t, body, key)
	mu.Lock()
	broken = false
	mu.Unlock()
	code, _, _ = get()
	require.Equal(t, 200, code, "the proxy keeps serving after an upstream failure")
	require.Equal(t, 1, p.stop())
	require.Contains(t, p.stderr.String(), "not saved: 1 request got no answer from the upstream")
	require.NotContains(t, p.stderr.String(), key)
	now, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, good, string(now), "an incomplete session leaves the cassette as it was")

	// -force saves what was recorded.
	mu.Lock()
	broken = true
	mu.Unlock()
	p = start(t, "proxy", "-upstream", srv.URL, "-o", out, "-force")
	code, _, _ = get()
	require.Equal(t, http.StatusBadGateway, code)
	mu.Lock()
	broken = false
	mu.Unlock()
	code, _, _ = get()
	require.Equal(t, 200, code)
	require.Equal(t, 0, p.stop(), p.stderr.String())
	c, err := cassettes.Load(out)
	require.NoError(t, err)
	require.Len(t, c.Interactions, 1)
	require.NotContains(t, c.Interactions[0].Request.URL, key)
}

// goodCassette writes a cassette with one recording at path and returns
// its text.
func goodCassette(t *testing.T, path string) string {
	t.Helper()
	c := cassettes.New(path)
	c.Interactions = []*cassettes.Interaction{recorded("POST", "https://api.groq.com/openai/v1/chat/completions",
		`{"model":"m","messages":[{"role":"user","content":"What is the capital of France?"}]}`,
		"application/json", `{"choices":[{"message":{"role":"assistant","content":"Paris."}}]}`)}
	require.NoError(t, c.Save())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// recorded is a recorded exchange with a 200 answer.
func recorded(method, url, reqBody, contentType, respBody string) *cassettes.Interaction {
	i := &cassettes.Interaction{}
	i.Request.Method = method
	i.Request.URL = url
	i.Request.Body = reqBody
	i.Request.Headers = http.Header{"Content-Type": {"application/json"}}
	i.Response.Code = 200
	i.Response.Status = "200 OK"
	i.Response.Headers = http.Header{"Content-Type": {contentType}}
	i.Response.Body = respBody
	return i
}

func TestProxyNeverReplacesAGoodCassetteWithNothing(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	dir := t.TempDir()
	out := filepath.Join(dir, "c.yaml")
	good := goodCassette(t, out)
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	require.Equal(t, 1, p.stop())
	require.Contains(t, p.stderr.String(), "nothing was recorded; "+out+" left as it was")
	now, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, good, string(now))

	// A file that is not a cassette is refused before the proxy starts,
	// as record -o refuses it.
	gomod := filepath.Join(dir, "go.mod")
	require.NoError(t, os.WriteFile(gomod, []byte("module x\n"), 0o644))
	var stdout, stderr bytes.Buffer
	stopped, cancel := context.WithCancel(context.Background())
	cancel() // a proxy that started anyway stops at once
	code := run(stopped, []string{"proxy", "-upstream", srv.URL, "-o", gomod}, &stdout, &stderr)
	require.Equal(t, 1, code)
	require.Contains(t, stderr.String(), "refusing to overwrite "+gomod)
	require.Empty(t, stdout.String(), "no URL is printed: nothing listens")
}

func TestProxyStopIsGracefulAndBounded(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(sseUpstream(release))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "graceful.yaml")
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	resp, err := http.Post(p.url+"/v1/chat/completions", "application/json", strings.NewReader(`{"stream":true}`))
	require.NoError(t, err)
	rd := bufio.NewReader(resp.Body)
	_, err = rd.ReadString('\n')
	require.NoError(t, err)
	p.cancel() // the signal, while the stream is in flight
	require.True(t, p.stderr.waitFor("stopping: waiting up to", p.exited))
	close(release)
	rest, err := io.ReadAll(rd)
	resp.Body.Close()
	require.NoError(t, err, "the stream in flight finishes")
	require.Contains(t, string(rest), "[DONE]")
	require.Equal(t, 0, p.stop(), p.stderr.String())
	c, err := cassettes.Load(out)
	require.NoError(t, err)
	require.Contains(t, c.Interactions[0].Response.Body, "[DONE]")

	// A stream that never ends is cut after -grace, and the incomplete
	// session is not saved over the good one.
	before, err := os.ReadFile(out)
	require.NoError(t, err)
	never := make(chan struct{})
	defer close(never)
	srv2 := httptest.NewServer(sseUpstream(never))
	defer srv2.Close()
	p = start(t, "proxy", "-upstream", srv2.URL, "-o", out, "-grace", "0s")
	resp, err = http.Post(p.url+"/v1/chat/completions", "application/json", strings.NewReader(`{"stream":true}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	_, err = bufio.NewReader(resp.Body).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, 1, p.stop())
	require.Contains(t, p.stderr.String(), "1 answer cut by the stop")
	after, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, string(before), string(after))
}

func TestProxyUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"proxy", "-o", "x.yaml"}, "needs -upstream URL"},
		{[]string{"proxy", "-upstream", "ftp://h", "-o", "x.yaml"}, "want an http or https URL"},
		{[]string{"proxy", "-upstream", "http://h/p?key=abcdefabcdefabcdef", "-o", "x.yaml"}, "without a query"},
		{[]string{"proxy", "-upstream", "http://h"}, "needs -o FILE"},
		{[]string{"proxy", "-upstream", "http://h", "-o", "x.yaml", "-addr", "nonsense"}, "want HOST:PORT"},
		{[]string{"proxy", "-upstream", "http://h", "-o", "x.yaml", "extra"}, "takes no arguments"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		require.Equal(t, 2, code, "%v: %s", tc.args, stderr.String())
		require.Contains(t, stderr.String(), tc.want)
		require.NotContains(t, stderr.String(), "abcdefabcdefabcdef")
	}
}

// TestProxySIGINT runs the built command and stops it with a real SIGINT.
func TestProxySIGINT(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on Windows")
	}
	if testing.Short() {
		t.Skip("starts a process")
	}
	srv := httptest.NewServer(&echoUpstream{})
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "sigint.yaml")
	cmd := exec.Command(binary, "proxy", "-upstream", srv.URL, "-o", out)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill()
	base, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	base = strings.TrimSpace(base)
	_, _, err = net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	require.NoError(t, err, "first line %q", base)
	resp, err := http.Post(base+"/v1/chat/completions", "application/json", strings.NewReader(`{"x":1}`))
	require.NoError(t, err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	require.NoError(t, cmd.Wait(), stderr.String())
	c, err := cassettes.Load(out)
	require.NoError(t, err)
	require.Len(t, c.Interactions, 1)
}

// newSSEServer starts sseUpstream and returns its URL.
func newSSEServer(t *testing.T, release <-chan struct{}) string {
	srv := httptest.NewServer(sseUpstream(release))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestProxyUnderCI(t *testing.T) {
	t.Setenv("CI", "true")
	out := filepath.Join(t.TempDir(), "ci.yaml")
	var stdout, stderr bytes.Buffer
	stopped, cancel := context.WithCancel(context.Background())
	cancel() // a proxy that started anyway stops at once
	code := run(stopped, []string{"proxy", "-upstream", "https://api.groq.com/openai", "-o", out}, &stdout, &stderr)
	require.Equal(t, 1, code)
	require.Contains(t, stderr.String(), "because CI is set")
	require.Empty(t, stdout.String())
	// A loopback upstream (a local fake) is allowed.
	srv := httptest.NewServer(&echoUpstream{})
	defer srv.Close()
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	require.Equal(t, 1, p.stop(), "nothing recorded")
}
