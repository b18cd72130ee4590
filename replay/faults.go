package replay

import (
	"fmt"
	"sort"
	"strings"
	"sync"
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

// whole reports whether the fault replaces the whole answer (it strikes
// before any recorded answer is used), so no other fault can apply with it.
func (f Fault) whole() bool {
	switch f.kind {
	case faultRespond, faultRefuse, faultReset, faultStallHeaders:
		return true
	}
	return false
}

// validateFaults checks the faults declared with OnRequest, so none is
// silently ignored: requests count from 1, event counts are not negative,
// a status is a real one, and no fault on a request hides another (a
// fault that replaces the answer, two stream ends, a garbled event past
// the end).
func validateFaults(faults map[int][]Fault) error {
	ns := make([]int, 0, len(faults))
	for n := range faults {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	var problems []string
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
		var end *Fault // the CutAfter or StallAfter of the request
		wholes := 0
		for k := range fs {
			f := fs[k]
			switch f.kind {
			case faultCut, faultStall, faultCorrupt:
				if f.k < 0 {
					problems = append(problems, fmt.Sprintf("%s: %s: an event count is 0 or more", where, f))
				}
				if f.kind != faultCorrupt {
					if end != nil {
						problems = append(problems, fmt.Sprintf("%s: %s and %s both end the stream; only one of them could apply", where, *end, f))
					}
					end = &fs[k]
				}
			case faultRespond:
				if f.status < 100 || f.status > 599 {
					problems = append(problems, fmt.Sprintf("%s: %s: the status must be from 100 to 599", where, f))
				}
			case 0:
				problems = append(problems, fmt.Sprintf("%s: a zero Fault; make faults with CutAfter, StallAfter, CorruptEvent, Respond, Refuse, ResetBeforeHeaders or StallBeforeHeaders", where))
			}
			if f.whole() {
				wholes++
			}
		}
		if wholes > 0 && len(fs) > 1 {
			problems = append(problems, fmt.Sprintf("%s: a fault that replaces the answer (Respond, Refuse, ResetBeforeHeaders, StallBeforeHeaders) cannot be combined with another on the same request; only one of them could apply", where))
		}
		if end != nil {
			for _, f := range fs {
				if f.kind == faultCorrupt && f.k >= end.k && end.k >= 0 {
					problems = append(problems, fmt.Sprintf("%s: %s is at or after the end that %s makes, so it could never apply", where, f, *end))
				}
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("replay: invalid faults (nothing was replayed):\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
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
		last := events // CutAfter and StallAfter may strike after the last event
		if f.kind == faultCorrupt {
			last = events - 1
		}
		if f.k > last {
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
