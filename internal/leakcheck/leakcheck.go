// Package leakcheck finds goroutines a test left running. It tells them
// apart by identity, not by count: a goroutine is a leak when it was
// started after a snapshot and still runs, however many other goroutines
// (from earlier tests, still ending) come and go meanwhile.
package leakcheck

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Goroutine is one goroutine as runtime.Stack describes it.
type Goroutine struct {
	ID    uint64
	Stack string // the whole block, header line included
}

// Snapshot is the set of goroutines alive at one moment.
type Snapshot map[uint64]bool

// Take records the goroutines alive now.
func Take() Snapshot {
	s := Snapshot{}
	for _, g := range All() {
		s[g.ID] = true
	}
	return s
}

// Since returns the goroutines alive now that were not in s.
func (s Snapshot) Since() []Goroutine {
	var out []Goroutine
	for _, g := range All() {
		if !s[g.ID] {
			out = append(out, g)
		}
	}
	return out
}

// Leaked waits, for at most limit, until every goroutine started after s
// has ended, and returns those still running then (none when all ended).
// Goroutines that end asynchronously (connection readers after a close,
// timers firing) get the time they need; limit only bounds the wait for a
// real leak, so it should be generous.
func (s Snapshot) Leaked(limit time.Duration) []Goroutine {
	deadline := time.Now().Add(limit)
	for {
		left := s.Since()
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		runtime.GC()
		runtime.Gosched()
		time.Sleep(2 * time.Millisecond) // a bounded poll of the runtime, not a synchronisation
	}
}

// Matching returns the goroutines of gs whose stack contains substr, a
// function name as runtime.Stack prints it. A goroutine that has not run
// yet shows only a wrapper and its "created by" line, so a test looking
// for the goroutine it started should name the function that started it.
func Matching(gs []Goroutine, substr string) []Goroutine {
	var out []Goroutine
	for _, g := range gs {
		if strings.Contains(g.Stack, substr) {
			out = append(out, g)
		}
	}
	return out
}

// Format joins the stacks of gs for a failure message.
func Format(gs []Goroutine) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = g.Stack
	}
	return strings.Join(parts, "\n\n")
}

// All returns every user goroutine alive now, with its stack.
func All() []Goroutine {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []Goroutine
	for _, block := range bytes.Split(buf, []byte("\n\n")) {
		block = bytes.TrimSpace(block)
		if id, ok := parseID(block); ok {
			out = append(out, Goroutine{ID: id, Stack: string(block)})
		}
	}
	return out
}

// parseID reads the ID from a block's header, "goroutine 12 [running]:".
func parseID(block []byte) (uint64, bool) {
	rest, ok := bytes.CutPrefix(block, []byte("goroutine "))
	if !ok {
		return 0, false
	}
	end := bytes.IndexByte(rest, ' ')
	if end < 0 {
		return 0, false
	}
	id, err := strconv.ParseUint(string(rest[:end]), 10, 64)
	return id, err == nil
}
