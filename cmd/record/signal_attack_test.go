//go:build unix

package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestProxySecondSIGINTStopsNow: a stop waits up to -grace for answers
// still streaming; a second Ctrl-C (SIGINT) ends that wait at once, and
// the cut session is not saved over the good cassette.
func TestProxySecondSIGINTStopsNow(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	never := make(chan struct{})
	defer close(never)
	srv := newSSEServer(t, never)
	out := filepath.Join(t.TempDir(), "c.yaml")
	good := goodCassette(t, out)
	cmd := exec.Command(binary, "proxy", "-upstream", srv, "-o", out, "-grace", "1h")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr := newNotifyBuffer()
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	base, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	resp, err := http.Post(strings.TrimSpace(base)+"/v1/chat/completions", "application/json", strings.NewReader(`{"stream":true}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	_, err = bufio.NewReader(resp.Body).ReadString('\n')
	require.NoError(t, err)

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	require.True(t, stderr.waitFor("stopping: waiting up to 1h0m0s", exited), stderr.String())
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	select {
	case <-exited:
	case <-time.After(2 * time.Minute): // only so that a regression fails rather than waits an hour
		t.Fatalf("a second SIGINT did not stop the proxy:\n%s", stderr)
	}
	var ee *exec.ExitError
	require.ErrorAs(t, waitErr, &ee, stderr.String())
	require.Equal(t, 1, ee.ExitCode())
	require.Contains(t, stderr.String(), "stopping now: a second signal")
	require.Contains(t, stderr.String(), "cut by the stop")
	now, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, good, string(now))
}
