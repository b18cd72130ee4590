package replay

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/llmvcr/llmvcr/internal/playback"
)

// String names the fault as it was declared, e.g. "CutAfter(3)".
func (f Fault) String() string {
	switch f.kind {
	case faultCut:
		return fmt.Sprintf("CutAfter(%d)", f.k)
	case faultStall:
		return fmt.Sprintf("StallAfter(%d)", f.k)
	case faultCorrupt:
		return fmt.Sprintf("CorruptEvent(%d)", f.k)
	case faultRespond:
		return fmt.Sprintf("Respond(%d, ...)", f.status)
	case faultRefuse:
		return "Refuse()"
	case faultReset:
		return "ResetBeforeHeaders()"
	case faultStallHeaders:
		return "StallBeforeHeaders()"
	}
	return "Fault{}"
}

// spec is the fault in playback's terms, where the rules for faults are.
func (f Fault) spec() playback.Fault { return playback.Fault{Kind: f.kind, K: f.k, Status: f.status} }

// whole reports whether the fault replaces the whole answer (it strikes
// before any recorded answer is used), so no other fault can apply with it.
func (f Fault) whole() bool { return f.kind.Whole() }

// validateFaults checks the faults declared with OnRequest, so none is
// silently ignored: requests count from 1, each request was given faults
// made by their constructors, and the faults of a request follow
// playback's rules (PlanFaults). It returns the stream faults each
// request's plan holds, which replay applies.
func validateFaults(faults map[int][]Fault) (map[int]playback.Faults, error) {
	ns := make([]int, 0, len(faults))
	for n := range faults {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	var problems []string
	streams := map[int]playback.Faults{}
	for _, n := range ns {
		fs := faults[n]
		where := fmt.Sprintf("OnRequest(%d, %s)", n, faultList(fs))
		if n < 1 {
			problems = append(problems, fmt.Sprintf("%s: requests are counted from 1", where))
			continue
		}
		if len(fs) == 0 {
			problems = append(problems, fmt.Sprintf("OnRequest(%d) was given no fault", n))
			continue
		}
		specs := make([]playback.Fault, 0, len(fs))
		names := make([]string, 0, len(fs))
		for _, f := range fs {
			if f.kind == 0 {
				problems = append(problems, fmt.Sprintf("%s: a zero Fault; make faults with CutAfter, StallAfter, CorruptEvent, Respond, Refuse, ResetBeforeHeaders or StallBeforeHeaders", where))
				continue
			}
			specs = append(specs, f.spec())
			names = append(names, f.String())
		}
		// A Respond carries the test's own answer: any real status will do.
		plan, ps := playback.PlanFaults(specs, playback.FaultRules{Name: func(k int) string { return names[k] }, MinStatus: 100})
		for _, p := range ps {
			problems = append(problems, where+": "+p)
		}
		streams[n] = plan.Stream
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("replay: invalid faults (nothing was replayed):\n  %s", strings.Join(problems, "\n  "))
	}
	return streams, nil
}

func faultList(fs []Fault) string {
	names := make([]string, len(fs))
	for k, f := range fs {
		names[k] = f.String()
	}
	return strings.Join(names, ", ")
}

// faultLog notes which requests' faults were applied, and the faults that
// could not apply to the answer they met, for the report at cleanup.
type faultLog struct {
	mu       sync.Mutex
	applied  map[int]bool
	problems []string
}

// apply notes that request n's faults were applied.
func (l *faultLog) apply(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.applied == nil {
		l.applied = map[int]bool{}
	}
	l.applied[n] = true
}

// cannot notes a fault of request n that the answer could not take.
func (l *faultLog) cannot(msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.problems = append(l.problems, msg)
}

// checkStream notes request n's faults as applied to a body of events
// events, or says which of them point past its end.
func (l *faultLog) checkStream(n int, faults []Fault, events int) {
	ok := true
	for _, f := range faults {
		if !f.spec().Fits(events) {
			ok = false
			l.cannot(fmt.Sprintf("OnRequest(%d, %s) never applied: the answer it met has only %d event(s)", n, f, events))
		}
	}
	if ok {
		l.apply(n)
	}
}

// unfired lists the declared faults that never applied, given how many
// requests came.
func (l *faultLog) unfired(faults map[int][]Fault, requests int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := append([]string(nil), l.problems...)
	ns := make([]int, 0, len(faults))
	for n := range faults {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	for _, n := range ns {
		if n > requests {
			out = append(out, fmt.Sprintf("OnRequest(%d, %s) never applied: the test made only %d request(s)", n, faultList(faults[n]), requests))
		} else if !l.applied[n] && !l.reported(n) {
			out = append(out, fmt.Sprintf("OnRequest(%d, %s) never applied: request %d got no recorded answer", n, faultList(faults[n]), n))
		}
	}
	return out
}

// reported reports whether a problem was already noted for request n.
func (l *faultLog) reported(n int) bool {
	prefix := fmt.Sprintf("OnRequest(%d, ", n)
	for _, p := range l.problems {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}
