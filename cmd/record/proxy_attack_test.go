package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
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
	require.Contains(t, p.stderr.String(), "every answer recorded is an HTTP error (the first: 401 Unauthorized)")
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
