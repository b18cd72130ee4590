package playback

import "fmt"

// This file holds the rules for the faults a test declares on a request,
// shared by replay's OnRequest and record serve's -fault flags: what a
// fault may be, which faults combine on one request, and whether a fault
// could strike the answer it met. Each caller names faults in its own
// words (CutAfter(3), cut-after=3); the rules are these alone.

// FaultKind is what a declared fault does.
type FaultKind int

// The kinds of fault. Cut, Stall and Corrupt act on the recorded stream;
// the others replace the whole answer.
const (
	FaultCut          FaultKind = iota + 1 // break the connection after K events
	FaultStall                             // send nothing after K events until the request ends
	FaultCorrupt                           // garble the data of event K (from 0)
	FaultRespond                           // answer Status instead of the recording
	FaultRefuse                            // refuse the connection
	FaultReset                             // reset the connection before any answer
	FaultStallHeaders                      // send nothing at all until the request ends
)

// Whole reports whether a fault of kind k replaces the whole answer: it
// strikes before any recording is used.
func (k FaultKind) Whole() bool {
	switch k {
	case FaultRespond, FaultRefuse, FaultReset, FaultStallHeaders:
		return true
	}
	return false
}

// stream reports whether a fault of kind k acts on the recorded stream.
func (k FaultKind) stream() bool { return k == FaultCut || k == FaultStall || k == FaultCorrupt }

// Fault is one fault declared on a request.
type Fault struct {
	Kind   FaultKind
	K      int // the event count of FaultCut and FaultStall, the event of FaultCorrupt
	Status int // the status of FaultRespond
}

// Fits reports whether f could strike an answer of events events (a body
// that is not a stream is one event): a cut or a stall after the last
// event still strikes, a garbled event must exist. A fault that replaces
// the answer always fits.
func (f Fault) Fits(events int) bool {
	switch f.Kind {
	case FaultCut, FaultStall:
		return f.K <= events
	case FaultCorrupt:
		return f.K < events
	}
	return true
}

// FaultRules are what differs between the callers that declare faults.
type FaultRules struct {
	// Name writes the k-th fault given to PlanFaults as its caller
	// declared it, for the messages: "CutAfter(3)", "cut-after=3".
	Name func(k int) string
	// MinStatus is the lowest status a FaultRespond may give, up to 599:
	// 100 where the fault carries the caller's own answer, 400 where it
	// carries an error body.
	MinStatus int
}

// Plan is what the faults of one request do, once checked.
type Plan struct {
	// Whole is the fault that replaces the answer; its Kind is 0 when
	// there is none.
	Whole Fault
	// Stream are the faults on the recorded answer.
	Stream Faults
}

// PlanFaults checks the faults declared on one request, so that none is
// silently ignored, and combines them. The rules: an event count is 0 or
// more; a status is from r.MinStatus to 599; a fault that replaces the
// answer is alone on its request; at most one fault ends the stream (a
// cut or a stall) and at most one garbles an event, which comes before
// that end. problems says, in r's words, each rule broken; the plan is
// meaningful only when there are none.
func PlanFaults(fs []Fault, r FaultRules) (p Plan, problems []string) {
	p.Stream = NoFaults
	name := func(k int) string {
		if r.Name == nil {
			return fmt.Sprintf("%+v", fs[k])
		}
		return r.Name(k)
	}
	say := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	whole, end, corrupt := -1, -1, -1 // the faults of each sort, by index
	for k, f := range fs {
		switch {
		case f.Kind.stream():
			if f.K < 0 {
				say("%s: an event count is 0 or more", name(k))
			}
		case f.Kind == FaultRespond:
			if f.Status < r.MinStatus || f.Status > 599 {
				if r.MinStatus >= 400 {
					say("%s: the status must be an error, from %d to 599", name(k), r.MinStatus)
				} else {
					say("%s: the status must be from %d to 599", name(k), r.MinStatus)
				}
			}
		case !f.Kind.Whole():
			say("%s is not a fault", name(k))
			continue
		}
		switch {
		case f.Kind.Whole():
			if whole < 0 {
				whole = k
			}
		case f.Kind == FaultCorrupt:
			if corrupt >= 0 {
				say("%s and %s both garble an event, and a request takes one: two faults that cannot both apply", name(corrupt), name(k))
				continue
			}
			corrupt = k
		default:
			if end >= 0 {
				say("%s and %s both end the stream: two faults that cannot both apply", name(end), name(k))
				continue
			}
			end = k
		}
	}
	if whole >= 0 {
		for k, f := range fs {
			if k != whole && (f.Kind.Whole() || f.Kind.stream()) {
				say("%s replaces the whole answer and cannot be combined with another fault on the same request (%s): two faults that cannot both apply", name(whole), name(k))
				break
			}
		}
		p.Whole = fs[whole]
	}
	if end >= 0 {
		if fs[end].Kind == FaultCut {
			p.Stream.Cut = fs[end].K
		} else {
			p.Stream.Stall = fs[end].K
		}
	}
	if corrupt >= 0 {
		p.Stream.Corrupt = fs[corrupt].K
		if end >= 0 && fs[end].K >= 0 && fs[corrupt].K >= fs[end].K {
			say("%s is at or after the end that %s makes, so it could never apply", name(corrupt), name(end))
		}
	}
	return p, problems
}

// Faults are the stream faults of one answer: each is -1 when absent.
type Faults struct {
	Cut     int // the number of events before the connection breaks
	Stall   int // the number of events before the stream stalls until the request ends
	Corrupt int // the event whose data is garbled
}

// NoFaults is an answer without faults.
var NoFaults = Faults{Cut: -1, Stall: -1, Corrupt: -1}

// None reports whether no fault is set.
func (f Faults) None() bool { return f.Cut < 0 && f.Stall < 0 && f.Corrupt < 0 }
