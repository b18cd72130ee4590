package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// TestProxyKeepsGoodCassetteWhenAStreamBrokeOff: a client that leaves in
// the middle of a stream (or an upstream that breaks off) leaves a
// recording cut short; such a session is incomplete and does not replace
// the good cassette without -force.
func TestProxyKeepsGoodCassetteWhenAStreamBrokeOff(t *testing.T) {
	never := make(chan struct{})
	defer close(never)
	srv := newSSEServer(t, never)
	out := filepath.Join(t.TempDir(), "c.yaml")
	good := goodCassette(t, out)
	p := start(t, "proxy", "-upstream", srv, "-o", out)
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "POST", p.url+"/v1/chat/completions", strings.NewReader(`{"stream":true}`))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, err = bufio.NewReader(resp.Body).ReadString('\n')
	require.NoError(t, err)
	cancel() // the client leaves after the first event
	resp.Body.Close()
	require.True(t, p.stderr.waitFor("a stream that broke", p.exited), p.stderr.String())
	require.Equal(t, 1, p.stop(), p.stderr.String())
	require.Contains(t, p.stderr.String(), "1 answer broke off before its end")
	now, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, good, string(now), "the good cassette is left as it was")
}

// TestProxyKeepsGoodCassetteOverErrorsOnly: a session whose every answer
// is an HTTP error (a wrong key) does not replace a cassette of
// successful answers without -force.
func TestProxyKeepsGoodCassetteOverErrorsOnly(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":{"message":"Invalid API Key"}}`)
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "c.yaml")
	good := goodCassette(t, out)
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	resp, _ := post(t, p.url+"/v1/chat/completions", parisReq)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Equal(t, 1, p.stop(), p.stderr.String())
	require.Contains(t, p.stderr.String(), "because it holds successful answers and every new answer is an HTTP error (the first: 401 Unauthorized)")
	now, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, good, string(now))

	// -force records the errors (a test of the error path wants them).
	p = start(t, "proxy", "-upstream", srv.URL, "-o", out, "-force")
	resp, _ = post(t, p.url+"/v1/chat/completions", parisReq)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Equal(t, 0, p.stop(), p.stderr.String())
	now, err = os.ReadFile(out)
	require.NoError(t, err)
	require.Contains(t, string(now), "Invalid API Key")
}

// TestProxyTwoProxiesOneFile: two proxies writing the same cassette; the
// one that stops second does not silently replace what the first saved.
func TestProxyTwoProxiesOneFile(t *testing.T) {
	srv := httptest.NewServer(&echoUpstream{})
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "c.yaml")
	a := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	b := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	resp, _ := post(t, a.url+"/a", `{"a":1}`)
	require.Equal(t, 200, resp.StatusCode)
	resp, _ = post(t, b.url+"/b", `{"b":1}`)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, 0, a.stop(), a.stderr.String())
	first, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, 1, b.stop(), b.stderr.String())
	require.Contains(t, b.stderr.String(), "changed while the proxy ran")
	now, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, string(first), string(now), "the first proxy's cassette stands")
}

// TestProxyScrubsBodyCredentialsEchoed: a credential the request carries
// in its body (a JSON member named api_key, a form's client_secret) or in
// a header value whose first word is no authorization scheme is a secret
// too: redacted where it stands, and scrubbed from an answer that echoes
// it, whole or in pieces across stream events.
func TestProxyScrubsBodyCredentialsEchoed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		echo := string(b) + " " + r.Header.Get("X-Api-Key")
		if strings.Contains(r.URL.Path, "stream") {
			w.Header().Set("Content-Type", "text/event-stream")
			for _, p := range secretstest.Pieces(echo, 5) {
				j, _ := json.Marshal(map[string]string{"t": p})
				fmt.Fprintf(w, "data: %s\n\n", j)
			}
			io.WriteString(w, "data: [DONE]\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"echo": echo})
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "c.yaml")
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	jsonKey, nested, formKey, spaced := fakeKey(t, "j"), fakeKey(t, "n"), fakeKey(t, "f"), fakeKey(t, "w")
	send := func(path, ct, body string, h map[string]string) {
		req, err := http.NewRequest("POST", p.url+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", ct)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, err = io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
	}
	send("/v1/json", "application/json", `{"model":"m","api_key":"`+jsonKey+`","tools":[{"headers":{"X-Goog-Api-Key":"`+nested+`"}}]}`, nil)
	send("/v1/stream", "application/json", `{"stream":true,"apiKey":"`+jsonKey+`"}`, nil)
	send("/v1/form", "application/x-www-form-urlencoded", "client_secret="+formKey+"&a=b", nil)
	send("/v1/header", "application/json", `{}`, map[string]string{"X-Api-Key": spaced + " part2"})
	require.Equal(t, 0, p.stop(), p.stderr.String())
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	for name, k := range map[string]string{"json": jsonKey, "headers object": nested, "form": formKey, "spaced header": spaced} {
		require.NotContains(t, string(data), k, "the %s credential reached the cassette", name)
		require.NotContains(t, p.stderr.String(), k, "the %s credential reached the log", name)
	}
	c, err := cassettes.Load(out)
	require.NoError(t, err)
	require.Len(t, c.Interactions, 4)
	require.Contains(t, c.Interactions[0].Response.Body, `\"model\":\"m\"`, "the rest of the echo stays")
}

// TestProxyRefusesWhatItCannotRecord: a CONNECT (a client given the
// proxy as HTTPS_PROXY), an absolute-URL request (HTTP_PROXY) and a
// protocol upgrade (a WebSocket) get a clear 501 at once instead of a
// tunnel past the recording, a recording of the wrong request, or a hang;
// the session counts as incomplete.
func TestProxyRefusesWhatItCannotRecord(t *testing.T) {
	up := &echoUpstream{}
	srv := httptest.NewServer(up)
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "c.yaml")
	good := goodCassette(t, out)
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	key := fakeKey(t, "")
	for _, raw := range []string{
		"CONNECT api.groq.com:443 HTTP/1.1\r\nHost: api.groq.com:443\r\n\r\n",
		"POST http://api.groq.com/openai/v1/chat/completions HTTP/1.1\r\nHost: api.groq.com\r\nContent-Length: 2\r\n\r\n{}",
		"GET /v1/realtime HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nAuthorization: Bearer " + key + "\r\n\r\n",
	} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
		require.NoError(t, err)
		// Only so that a regression fails rather than hangs; a passing
		// run answers at once.
		require.NoError(t, conn.SetDeadline(time.Now().Add(time.Minute)))
		_, err = io.WriteString(conn, raw)
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err, "an answer, not a hang: %q", raw)
		body, err := io.ReadAll(resp.Body)
		conn.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusNotImplemented, resp.StatusCode, "%q: %s", raw, body)
		require.Equal(t, "false", resp.Header.Get("X-Should-Retry"))
		require.Contains(t, string(body), "record proxy: refusing")
		require.NotContains(t, string(body), key)
	}
	up.mu.Lock()
	require.Empty(t, up.got, "nothing reached the upstream")
	up.mu.Unlock()
	require.Equal(t, 1, p.stop(), p.stderr.String())
	require.Contains(t, p.stderr.String(), "3 requests refused")
	require.NotContains(t, p.stderr.String(), key)
	now, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, good, string(now))
}

// TestProxyStopWithOutputReplacedByAPipe: -o replaced by a named pipe
// while the proxy ran is a change that keeps the recording from being
// saved, found without opening the pipe (whose open would block the stop
// until a writer came).
func TestProxyStopWithOutputReplacedByAPipe(t *testing.T) {
	srv := httptest.NewServer(&echoUpstream{})
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "c.yaml")
	goodCassette(t, out)
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	resp, _ := post(t, p.url+"/v1/chat/completions", parisReq)
	require.Equal(t, 200, resp.StatusCode)
	require.NoError(t, os.Remove(out))
	mkfifo(t, out)
	p.cancel()
	select {
	case <-p.exited:
	case <-time.After(time.Minute): // only so that a regression fails rather than hangs
		if w, err := os.OpenFile(out, os.O_WRONLY, 0); err == nil {
			w.Close() // the blocked open ends
		}
		<-p.exited
		t.Fatal("the stop hung on the named pipe")
	}
	require.Equal(t, 1, p.code, p.stderr.String())
	require.Contains(t, p.stderr.String(), "changed while the proxy ran")
}

// TestProxyBoundsTheUpstreamsAnswer: the recorder keeps an answer in
// memory, so one past the bound is not kept: a JSON answer gets the
// client a 502 that says so, a stream breaks there (and the session is
// incomplete); an answer of exactly the bound is whole.
func TestProxyBoundsTheUpstreamsAnswer(t *testing.T) {
	setVar(t, &maxProxyAnswer, 1<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/json":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"pad":%q}`, strings.Repeat("x", 2<<20))
		case "/exact":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"pad":%q}`, strings.Repeat("x", 1<<20-len(`{"pad":""}`)))
		case "/stream":
			w.Header().Set("Content-Type", "text/event-stream")
			for range 1 << 10 {
				fmt.Fprintf(w, "data: {\"pad\":%q}\n\n", strings.Repeat("x", 2<<10))
			}
		}
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "c.yaml")
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)

	resp, body := post(t, p.url+"/exact", `{}`)
	require.Equal(t, 200, resp.StatusCode)
	require.Len(t, body, 1<<20, "an answer of exactly the bound is whole")

	resp, body = post(t, p.url+"/json", `{}`)
	require.Equal(t, http.StatusBadGateway, resp.StatusCode)
	require.Contains(t, body, "the answer is larger than 1 MiB, more than record proxy keeps")

	resp, err := http.Post(p.url+"/stream", "application/json", strings.NewReader(`{"stream":true}`))
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Error(t, err, "the stream breaks at the bound")
	require.LessOrEqual(t, len(got), 1<<20)
	require.True(t, p.stderr.waitFor("a stream that broke", p.exited), p.stderr.String())

	require.Equal(t, 1, p.stop(), p.stderr.String())
	require.Contains(t, p.stderr.String(), "1 request got no answer from the upstream")
	require.Contains(t, p.stderr.String(), "1 answer broke off before its end")
}

// TestProxyBoundsTheSession: the recordings are kept in memory until the
// stop, so once the session holds the bound, requests are refused with a
// 507 that says why, nothing more reaches the upstream, and the session
// is incomplete (not saved without -force).
func TestProxyBoundsTheSession(t *testing.T) {
	setVar(t, &maxProxySession, 1<<10)
	up := &echoUpstream{}
	srv := httptest.NewServer(up)
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "c.yaml")
	good := goodCassette(t, out)
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	big := `{"pad":"` + strings.Repeat("x", 1<<10) + `"}`
	resp, body := post(t, p.url+"/v1/a", big)
	require.Equal(t, 200, resp.StatusCode, body)
	resp, body = post(t, p.url+"/v1/b", parisReq)
	require.Equal(t, http.StatusInsufficientStorage, resp.StatusCode, body)
	require.Contains(t, body, "the session keeps 0 MiB of recordings in memory already, the most it may")
	up.mu.Lock()
	require.Len(t, up.got, 1, "the refused request did not reach the upstream")
	up.mu.Unlock()
	require.Equal(t, 1, p.stop(), p.stderr.String())
	require.Contains(t, p.stderr.String(), "1 request refused")
	now, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, good, string(now))
}

// TestProxyBoundsTheCredentials: every credential seen is searched for in
// every log line and in the whole cassette, so a client sending a new
// key with each request made the session's cost grow with their square
// (2000 requests took 30s, their save 43s). Past the bound, a request
// bringing new credentials in its headers is refused (not forwarded, its
// key in no log line), and one whose body brought them makes the session
// incomplete.
func TestProxyBoundsTheCredentials(t *testing.T) {
	setVar(t, &maxCredentials, 3)
	up := &echoUpstream{}
	srv := httptest.NewServer(up)
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "c.yaml")
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	send := func(key, body string) (int, string) {
		req, err := http.NewRequest("POST", p.url+"/v1/x", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	keys := []string{fakeKey(t, "a"), fakeKey(t, "b"), fakeKey(t, "c"), fakeKey(t, "d")}
	for _, k := range keys[:3] {
		code, body := send(k, `{}`)
		require.Equal(t, 200, code, body)
	}
	code, body := send(keys[0], `{}`)
	require.Equal(t, 200, code, "a key seen already adds nothing: %s", body)
	code, body = send(keys[3], `{}`)
	require.Equal(t, http.StatusBadRequest, code, body)
	require.Contains(t, body, "the session has seen 3 distinct credentials, the most it scrubs")
	up.mu.Lock()
	require.Len(t, up.got, 4, "the refused request was not forwarded")
	up.mu.Unlock()
	require.Equal(t, 1, p.stop(), p.stderr.String())
	require.NotContains(t, p.stderr.String(), keys[3])
	for _, k := range keys[:3] {
		require.NotContains(t, p.stderr.String(), k)
	}

	// Credentials in a body are seen once it was forwarded: past the
	// bound, the session is incomplete.
	p = start(t, "proxy", "-upstream", srv.URL, "-o", out)
	code, body = send(keys[0], fmt.Sprintf(`{"a":{"api_key":%q},"b":{"api_key":%q},"c":{"api_key":%q}}`, keys[1], keys[2], keys[3]))
	require.Equal(t, 200, code, body)
	require.Equal(t, 1, p.stop(), p.stderr.String())
	require.Contains(t, p.stderr.String(), "request bodies carried more than 3 distinct credentials")
	for _, k := range keys {
		require.NotContains(t, p.stderr.String(), k)
	}
}

// TestProxyKeepsRealCassetteOverCannedAnswers: a session whose every
// answer is canned (the upstream is record serve or a fake, which mark
// their answers) does not replace a cassette of real answers without
// -force, by the rule replay and record share (internal/keep).
func TestProxyKeepsRealCassetteOverCannedAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Llmvcr-Source", "record serve, replaying a recording from a fake")
		io.WriteString(w, `{"choices":[{"message":{"role":"assistant","content":"Paris."}}]}`)
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "c.yaml")
	good := goodCassette(t, out)
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	resp, _ := post(t, p.url+"/v1/chat/completions", parisReq)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, 1, p.stop(), p.stderr.String())
	require.Contains(t, p.stderr.String(), "because its answers come from a real API and every new answer is canned")
	now, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, good, string(now))
}

// TestProxyScrubsURLCredentialsEchoed: a credential the URL carries by
// name where Query() does not see it (a ";key=" path parameter, a
// percent-encoded "key%3D") is noted too, so an answer that echoes its
// value without its name is scrubbed, as is the log.
func TestProxyScrubsURLCredentialsEchoed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Only the value, without its name: nothing names it a key.
		u, _ := url.PathUnescape(r.URL.RequestURI())
		_, v, _ := strings.Cut(u, "key=")
		v, _, _ = strings.Cut(v, ":")
		w.Header().Set("Content-Type", "text/event-stream")
		j, _ := json.Marshal(map[string]string{"t": "you said " + v})
		fmt.Fprintf(w, "data: %s\n\ndata: [DONE]\n\n", j)
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "c.yaml")
	p := start(t, "proxy", "-upstream", srv.URL, "-o", out)
	pathKey, encKey := "plainPassphrase"+fakeKey(t, "")[:6]+"Path", "plainPassphrase"+fakeKey(t, "")[:6]+"Enc"
	for _, path := range []string{"/v1/models/m;key=" + pathKey + ":streamGenerateContent", "/v1/x?key%3D" + encKey} {
		resp, err := http.Post(p.url+path, "application/json", strings.NewReader(`{"stream":true}`))
		require.NoError(t, err)
		_, err = io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
	}
	require.Equal(t, 0, p.stop(), p.stderr.String())
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	for name, k := range map[string]string{"path parameter": pathKey, "encoded parameter": encKey} {
		require.NotContains(t, string(data), k, "the %s credential reached the cassette", name)
		require.NotContains(t, p.stderr.String(), k, "the %s credential reached the log", name)
	}
}
