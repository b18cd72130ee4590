package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// setVar sets a package variable for the test.
func setVar[T any](t *testing.T, v *T, x T) {
	old := *v
	*v = x
	t.Cleanup(func() { *v = old })
}

// rawExchange sends raw on a new connection to url's host and reads one
// response; the connection is returned open.
func rawExchange(t *testing.T, url, raw string) (*http.Response, string, net.Conn) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	// Only so that a regression fails rather than hangs; a passing run
	// answers as soon as the server's own bound is reached.
	require.NoError(t, conn.SetDeadline(time.Now().Add(time.Minute)))
	_, err = io.WriteString(conn, raw)
	require.NoError(t, err)
	rd := bufio.NewReader(conn)
	resp, err := http.ReadResponse(rd, nil)
	require.NoError(t, err, "an answer, not a hang: %q", raw)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b), conn
}

// bothServers starts serve (with the usual cassette) and a proxy (in front
// of an upstream that records what reaches it) and returns their URLs.
func bothServers(t *testing.T) (serve, proxy *running, up *echoUpstream) {
	up = &echoUpstream{}
	srv := httptest.NewServer(up)
	t.Cleanup(srv.Close)
	serve = start(t, "serve", serveCassette(t))
	proxy = start(t, "proxy", "-upstream", srv.URL, "-o", filepath.Join(t.TempDir(), "c.yaml"))
	return serve, proxy, up
}

// TestDeclaredHugeBodyIsRefusedUnread: a Content-Length over the 64 MiB
// bound gets a 413 at once, before a byte of the body is read or
// allocated (the body was read into a buffer of the declared size, up to
// 1 GiB, and waited for).
func TestDeclaredHugeBodyIsRefusedUnread(t *testing.T) {
	serve, proxy, up := bothServers(t)
	for _, r := range []*running{serve, proxy} {
		resp, body, _ := rawExchange(t, r.url, "POST /openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1073741823\r\n\r\n{")
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, body)
		require.Equal(t, "false", resp.Header.Get("X-Should-Retry"))
		require.Contains(t, body, "the request body is larger than 64 MiB")
	}
	up.mu.Lock()
	require.Empty(t, up.got, "nothing reached the upstream")
	up.mu.Unlock()
	require.Equal(t, 0, serve.stop(), serve.stderr.String())
	require.Equal(t, 1, proxy.stop(), proxy.stderr.String())
	require.Contains(t, proxy.stderr.String(), "1 request refused")
}

// TestSlowBodyTimesOut: a client that sends its headers and then its
// body slower than the bound (here part of it, then nothing) gets a 408
// instead of holding a handler and its buffer for ever.
func TestSlowBodyTimesOut(t *testing.T) {
	setVar(t, &bodyTimeout, 100*time.Millisecond)
	serve, proxy, up := bothServers(t)
	for _, r := range []*running{serve, proxy} {
		resp, body, _ := rawExchange(t, r.url, "POST /openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":")
		require.Equal(t, http.StatusRequestTimeout, resp.StatusCode, "%s: %s\n%s", r.url, body, r.stderr.String())
		require.Contains(t, body, "the request body was not sent within 100ms")
	}
	up.mu.Lock()
	require.Empty(t, up.got, "nothing reached the upstream")
	up.mu.Unlock()
	require.Equal(t, 0, serve.stop(), serve.stderr.String())
	require.Equal(t, 1, proxy.stop(), proxy.stderr.String())
	require.Contains(t, proxy.stderr.String(), "1 request refused")
}

// TestBodiesInFlightAreBounded: past the bytes of request bodies a
// server may hold at once, a request gets a 503 with Retry-After, whether
// its length is declared (refused before it is read) or not (chunked:
// refused as it grows).
func TestBodiesInFlightAreBounded(t *testing.T) {
	setVar(t, &bodiesInFlight, 1<<10)
	serve, proxy, up := bothServers(t)
	big := `{"pad":"` + strings.Repeat("x", 2<<10) + `"}`
	chunked := fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(big), big)
	for _, r := range []*running{serve, proxy} {
		for _, raw := range []string{
			fmt.Sprintf("POST /openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(big), big),
			"POST /openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked,
		} {
			resp, body, _ := rawExchange(t, r.url, raw)
			require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, body)
			require.Equal(t, "1", resp.Header.Get("Retry-After"))
			require.Contains(t, body, "more than 0 MiB of request bodies are being read at once; retry later")
		}
		resp, body := post(t, r.url+"/openai/v1/chat/completions", parisReq)
		require.Equal(t, 200, resp.StatusCode, "a body within the bound is taken: %s", body)
	}
	up.mu.Lock()
	require.Len(t, up.got, 1, "only the small request reached the upstream")
	up.mu.Unlock()
}

// TestBodyGateAccounting: the bytes of bodies being read are counted
// across requests, declared lengths reserved first and chunked bodies as
// they are read, and given back on release (once).
func TestBodyGateAccounting(t *testing.T) {
	setVar(t, &bodiesInFlight, 1000)
	g := &bodyGate{max: 800}
	req := func(n int, declared bool) *http.Request {
		r := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", n)))
		if !declared {
			r.ContentLength = -1
		}
		return r
	}
	_, _, err := g.open(httptest.NewRecorder(), req(900, true))
	require.Equal(t, http.StatusRequestEntityTooLarge, err.status, "over max")
	a, releaseA, err := g.open(httptest.NewRecorder(), req(600, true))
	require.Nil(t, err)
	_, _, err = g.open(httptest.NewRecorder(), req(600, true))
	require.Equal(t, http.StatusServiceUnavailable, err.status, "600 reserved, 600 more do not fit in 1000")
	c, releaseC, err := g.open(httptest.NewRecorder(), req(700, false))
	require.Nil(t, err, "chunked: nothing to reserve yet")
	_, rerr := io.ReadAll(c)
	var be *bodyError
	require.ErrorAs(t, rerr, &be)
	require.Equal(t, http.StatusServiceUnavailable, be.status, "600 + 700 read")
	releaseC()
	b, aerr := io.ReadAll(a)
	require.NoError(t, aerr)
	require.Len(t, b, 600)
	releaseA()
	releaseA()
	require.Equal(t, int64(0), g.used, "all given back, once")
	_, releaseB, err := g.open(httptest.NewRecorder(), req(800, true))
	require.Nil(t, err)
	releaseB()
}

// TestIdleConnectionsAreClosed: a kept-alive connection with no request
// on it is closed after the idle bound, so idle clients do not pile up.
func TestIdleConnectionsAreClosed(t *testing.T) {
	setVar(t, &idleTimeout, 100*time.Millisecond)
	serve, proxy, _ := bothServers(t)
	for _, r := range []*running{serve, proxy} {
		resp, body, conn := rawExchange(t, r.url, fmt.Sprintf("POST /openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(parisReq), parisReq))
		require.Equal(t, 200, resp.StatusCode, body)
		require.False(t, resp.Close, "kept alive")
		n, err := conn.Read(make([]byte, 1))
		require.Equal(t, 0, n)
		require.ErrorIs(t, err, io.EOF, "the server closed the idle connection")
	}
}

// deadlineWriter is a ResponseWriter that notes the read deadlines set on
// its connection.
type deadlineWriter struct {
	*httptest.ResponseRecorder
	deadlines []time.Time
}

func (w *deadlineWriter) SetReadDeadline(t time.Time) error {
	w.deadlines = append(w.deadlines, t)
	return nil
}

// TestBodyDeadlineEndsWithTheBody: the read deadline armed for a body is
// cleared when the body ends, so the answer (a stream that lasts longer
// than the bound) is not cut by it; a body refused moves it to now, so
// nothing waits on that client again.
func TestBodyDeadlineEndsWithTheBody(t *testing.T) {
	setVar(t, &bodiesInFlight, 1000)
	g := &bodyGate{max: 800}
	w := &deadlineWriter{ResponseRecorder: httptest.NewRecorder()}
	body, release, berr := g.open(w, httptest.NewRequest("POST", "/", strings.NewReader("{}")))
	require.Nil(t, berr)
	require.Len(t, w.deadlines, 1)
	require.False(t, w.deadlines[0].IsZero(), "armed while the body is read")
	_, err := io.ReadAll(body)
	require.NoError(t, err)
	release()
	require.Len(t, w.deadlines, 2)
	require.True(t, w.deadlines[1].IsZero(), "cleared at the body's end")

	w = &deadlineWriter{ResponseRecorder: httptest.NewRecorder()}
	r := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", 900)))
	r.ContentLength = -1
	body, release, berr = g.open(w, r)
	require.Nil(t, berr)
	_, err = io.ReadAll(body)
	require.Error(t, err)
	release()
	require.Len(t, w.deadlines, 2)
	require.False(t, w.deadlines[1].IsZero(), "a refused body's connection is not waited on")
}
