package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/inputfile"
)

// TestServeTimingOutOfRange: -timing NaN, Inf or a factor so large that a
// wait overflows is a usage error, not a server that answers at once (a
// wrapped-around negative wait) or never.
func TestServeTimingOutOfRange(t *testing.T) {
	path := serveCassette(t)
	for _, v := range []string{"NaN", "nan", "+Inf", "Inf", "-Inf", "1e300", "1001"} {
		var stdout, stderr bytes.Buffer
		stopped, cancel := context.WithCancel(context.Background())
		cancel() // a server that started anyway stops at once
		code := run(stopped, []string{"serve", "-timing", v, path}, &stdout, &stderr)
		require.Equal(t, 2, code, "-timing %s: %s", v, stderr.String())
		require.Contains(t, stderr.String(), "want a factor from 0 to 1000", v)
		require.Empty(t, stdout.String(), "nothing listens")
	}
}

// TestServeStopBreaksStalls: a stall fault never ends by itself, so a stop
// breaks it at once instead of waiting out -grace (a minute here: a
// regression shows as a "cancelled ... after 1m0s" line and a slow test,
// never as a flaky one).
func TestServeStopBreaksStalls(t *testing.T) {
	s := start(t, "serve", "-grace", "1m", "-fault", "1:stall-headers", "-fault", "2:stall-after=1", serveCassette(t))
	headers := make(chan error, 1)
	go func() {
		resp, err := http.Post(s.url+"/openai/v1/chat/completions", "application/json", strings.NewReader(parisReq))
		if err == nil {
			resp.Body.Close()
		}
		headers <- err
	}()
	require.True(t, s.stderr.waitFor("fault 1:stall-headers", s.exited))
	resp, err := http.Post(s.url+"/openai/v1/chat/completions", "application/json", strings.NewReader(streamReq))
	require.NoError(t, err)
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	first, err := rd.ReadString('\n')
	require.NoError(t, err)
	require.Contains(t, first, `"one"`)

	require.Equal(t, 0, s.stop(), s.stderr.String())
	require.NotContains(t, s.stderr.String(), "cancelled", "the stalls ended with the stop, not after the grace")
	require.Error(t, <-headers, "the stalled request's connection breaks")
	_, err = io.ReadAll(rd)
	require.Error(t, err, "the stalled stream breaks rather than ending as if whole")
}

// TestServeRespondFaultIsAnError: -fault N:respond=STATUS takes an error
// status; a 1xx would reach the client as a 200 carrying the fault's error
// body, and a 2xx or 3xx is no fault.
func TestServeRespondFaultIsAnError(t *testing.T) {
	path := serveCassette(t)
	for _, st := range []string{"103", "100", "200", "204", "302", "399", "600"} {
		var stdout, stderr bytes.Buffer
		stopped, cancel := context.WithCancel(context.Background())
		cancel() // a server that started anyway stops at once
		code := run(stopped, []string{"serve", "-fault", "1:respond=" + st, path}, &stdout, &stderr)
		require.Equal(t, 2, code, "respond=%s: %s", st, stderr.String())
		require.Contains(t, stderr.String(), "the status must be an error, from 400 to 599")
		require.Empty(t, stdout.String(), "nothing listens")
	}
}

// zeros is an endless body that costs the client no memory.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestHugeRequestBodyIs413: a request body over the 64 MiB bound gets a
// 413 that says so, as JSON and not to be retried, from serve and from
// proxy; the proxy does not blame the upstream (which got nothing).
func TestHugeRequestBodyIs413(t *testing.T) {
	huge := func(url string) (*http.Response, string) {
		resp, err := http.Post(url, "application/json", io.LimitReader(zeros{}, 64<<20+1))
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(b)
	}
	s := start(t, "serve", serveCassette(t))
	resp, body := huge(s.url + "/openai/v1/chat/completions")
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, body)
	require.Equal(t, "false", resp.Header.Get("X-Should-Retry"))
	require.Contains(t, body, "larger than 64 MiB")
	require.Equal(t, 0, s.stop(), s.stderr.String())

	up := &echoUpstream{}
	srv := httptest.NewServer(up)
	defer srv.Close()
	p := start(t, "proxy", "-upstream", srv.URL, "-o", filepath.Join(t.TempDir(), "c.yaml"))
	resp, body = huge(p.url + "/v1/chat/completions")
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, body)
	require.Equal(t, "false", resp.Header.Get("X-Should-Retry"))
	require.Contains(t, body, "larger than 64 MiB")
	require.NotContains(t, body, "did not answer")
	require.Equal(t, 1, p.stop())
	require.Contains(t, p.stderr.String(), "1 request refused")
}

// TestServeFaultsFollowReplaysRules: -fault is checked with the rules
// replay's OnRequest follows (internal/playback's PlanFaults): every
// problem of every request is named at once, as a usage error; a fault
// past the end of the answer it met is named in the log and at the stop.
func TestServeFaultsFollowReplaysRules(t *testing.T) {
	path := serveCassette(t)
	var stdout, stderr bytes.Buffer
	stopped, cancel := context.WithCancel(context.Background())
	cancel() // a server that started anyway stops at once
	code := run(stopped, []string{"serve", "-fault", "1:cut-after=1", "-fault", "1:stall-after=1", "-fault", "2:respond=200", "-fault", "3:corrupt-event=2", "-fault", "3:corrupt-event=3", path}, &stdout, &stderr)
	require.Equal(t, 2, code, stderr.String())
	for _, want := range []string{
		"-fault 1:cut-after=1 and -fault 1:stall-after=1 both end the stream",
		"-fault 2:respond=200: the status must be an error, from 400 to 599",
		"-fault 3:corrupt-event=2 and -fault 3:corrupt-event=3 both garble an event",
	} {
		require.Contains(t, stderr.String(), want)
	}
	require.Empty(t, stdout.String(), "nothing listens")

	s := start(t, "serve", "-fault", "1:corrupt-event=1", path)
	resp, body := post(t, s.url+"/openai/v1/chat/completions", parisReq)
	require.Equal(t, 200, resp.StatusCode)
	require.JSONEq(t, parisResp, body, "a JSON answer is one event: event 1 is past its end")
	require.Equal(t, 0, s.stop(), s.stderr.String())
	require.Contains(t, s.stderr.String(), "request 1: -fault 1:corrupt-event=1 never applied: the answer has only 1 event")
	require.Contains(t, s.stderr.String(), "fault never applied: -fault 1:corrupt-event=1")
}

// TestServeRefusesWhatIsNoCassetteFile: a directory, a named pipe (whose
// read would block until a writer came), a device (whose read may never
// end, as /dev/zero's) and a file over the size bound are refused at
// once, with a message that says what the path is, before any read.
func TestServeRefusesWhatIsNoCassetteFile(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.yaml")
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(inputfile.MaxSize+1)) // sparse: costs no disk
	require.NoError(t, f.Close())
	// What the message must say (in serve's words, or in cassettes.Load's
	// when it refuses such paths itself).
	cases := map[string]string{dir: "a directory", huge: "256 MiB"}
	pipe := filepath.Join(dir, "pipe.yaml")
	t.Run("mkfifo", func(t *testing.T) { mkfifo(t, pipe); cases[pipe] = "a named pipe" }) // skipped where there are none
	if st, err := os.Stat(os.DevNull); err == nil && st.Mode()&os.ModeDevice != 0 {
		cases[os.DevNull] = "a device"
	}
	for path, want := range cases {
		t.Run(filepath.Base(path), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			done := make(chan int, 1)
			stopped, cancel := context.WithCancel(context.Background())
			cancel() // a server that started anyway stops at once
			go func() { done <- run(stopped, []string{"serve", path}, &stdout, &stderr) }()
			select {
			case code := <-done:
				require.Equal(t, 1, code, "%s: %s", path, stderr.String())
				require.Contains(t, stderr.String(), "cannot serve "+path+": ")
				require.Contains(t, stderr.String(), want)
				require.Empty(t, stdout.String(), "nothing listens")
			case <-time.After(time.Minute): // only so that a regression fails rather than hangs
				if w, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
					w.Close() // the blocked read ends
				}
				t.Fatalf("serve %s did not return", path)
			}
		})
	}
}

// TestServeRefusesAnInformationalAnswer: a recording whose status is 1xx
// (hand-edited: a client never sees one as an answer) gets a 500 that
// says so, not the 1xx followed by a 200 that net/http would invent.
func TestServeRefusesAnInformationalAnswer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "early.yaml")
	i := recorded("POST", chatURL, parisReq, "application/json", parisResp)
	i.Response.Code, i.Response.Status = 103, "103 Early Hints"
	c := cassettes.New(path)
	c.Interactions = []*cassettes.Interaction{i}
	require.NoError(t, c.Save())
	s := start(t, "serve", path)
	resp, body, _ := rawExchange(t, s.url, fmt.Sprintf("POST /openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(parisReq), parisReq))
	require.Equal(t, http.StatusInternalServerError, resp.StatusCode, body)
	require.Contains(t, body, "status 103 is informational, not a final answer")
	require.Equal(t, 0, s.stop(), s.stderr.String())
}

// FuzzServeFaults: any -fault values are either a usage error or faults
// whose every request has a plan in playback's rules (the plan of a
// request that replaces the answer has no stream fault, and the reverse).
func FuzzServeFaults(f *testing.F) {
	for _, seed := range []string{
		"1:cut-after=3", "2:respond=429\n2:reset", "1:corrupt-event=0\n1:stall-after=2", "0:reset", "1:respond=-1",
		"1:cut-after=99999999999999999999", "x:y", "1:stall-headers=", ":", "1:corrupt-event=1\n1:corrupt-event=2",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		specs := strings.Split(in, "\n")
		faults, err := parseFaults(specs)
		if err != nil {
			var ue *usageError
			require.ErrorAs(t, err, &ue)
			require.Nil(t, faults)
			return
		}
		for n, sf := range faults {
			require.GreaterOrEqual(t, n, 1)
			require.NotEmpty(t, sf.faults)
			require.Len(t, sf.names, len(sf.faults))
			if sf.whole() {
				require.Len(t, sf.faults, 1)
				require.True(t, sf.plan.Stream.None())
			}
		}
	})
}
