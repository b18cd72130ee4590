package reliability

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fullEnv is the environment variable that selects the long versions of
// the tests; scripts/reliability.sh sets it to "full".
const fullEnv = "LLMVCR_RELIABILITY"

// full reports whether the long versions of the tests should run.
func full() bool { return os.Getenv(fullEnv) == "full" && !testing.Short() }

// pick returns long under LLMVCR_RELIABILITY=full and quick otherwise.
func pick(quick, long int) int {
	if full() {
		return long
	}
	return quick
}

// figure logs one line of figures in the stable format the script reads:
// "FIGURE name k1=v1 k2=v2". kv alternates keys and values.
func figure(t testing.TB, name string, kv ...any) {
	t.Helper()
	var b strings.Builder
	b.WriteString("FIGURE ")
	b.WriteString(name)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, " %v=%v", kv[i], kv[i+1])
	}
	t.Log(b.String())
}

// stacks returns the stacks of every goroutine, for a leak report.
func stacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// outcome is how a guarded call ended.
type outcome struct {
	err      error
	panicked any
	hung     bool
}

// guard runs f in its own goroutine with panics recovered, and gives up
// waiting after limit (a hang: f is then left running, and the caller
// reports it).
func guard(limit time.Duration, f func() error) outcome {
	done := make(chan outcome, 1)
	go func() {
		var o outcome
		defer func() {
			if p := recover(); p != nil {
				o.panicked = p
			}
			done <- o
		}()
		o.err = f()
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case o := <-done:
		return o
	case <-timer.C:
		return outcome{hung: true}
	}
}
