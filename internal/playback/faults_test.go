package playback

import (
	"fmt"
	"strings"
	"testing"
)

// fname names the k-th fault as the messages here do.
func fname(k int) string { return fmt.Sprintf("f%d", k) }

// TestPlanFaults: the rules replay's OnRequest and record serve's -fault
// share. Every fault that could not apply as written is named, with the
// fault that hides it; the faults that combine make one plan.
func TestPlanFaults(t *testing.T) {
	cut := func(k int) Fault { return Fault{Kind: FaultCut, K: k} }
	stall := func(k int) Fault { return Fault{Kind: FaultStall, K: k} }
	corrupt := func(k int) Fault { return Fault{Kind: FaultCorrupt, K: k} }
	respond := func(s int) Fault { return Fault{Kind: FaultRespond, Status: s} }
	tests := []struct {
		name  string
		fs    []Fault
		min   int
		want  []string // the problems, each as a substring, in order
		plan  Plan     // when there is no problem
		whole bool
	}{
		{"cut", []Fault{cut(2)}, 100, nil, Plan{Stream: Faults{Cut: 2, Stall: -1, Corrupt: -1}}, false},
		{"stall and corrupt", []Fault{corrupt(0), stall(3)}, 100, nil, Plan{Stream: Faults{Cut: -1, Stall: 3, Corrupt: 0}}, false},
		{"respond", []Fault{respond(429)}, 400, nil, Plan{Whole: respond(429), Stream: NoFaults}, true},
		{"reset", []Fault{{Kind: FaultReset}}, 400, nil, Plan{Whole: Fault{Kind: FaultReset}, Stream: NoFaults}, true},
		{"negative count", []Fault{cut(-1), corrupt(-2)}, 100, []string{"f0: an event count is 0 or more", "f1: an event count is 0 or more"}, Plan{}, false},
		{"status below 100", []Fault{respond(99)}, 100, []string{"f0: the status must be from 100 to 599"}, Plan{}, false},
		{"status over 599", []Fault{respond(600)}, 100, []string{"f0: the status must be from 100 to 599"}, Plan{}, false},
		{"status not an error", []Fault{respond(302)}, 400, []string{"f0: the status must be an error, from 400 to 599"}, Plan{}, false},
		{"two ends", []Fault{cut(1), stall(2)}, 100, []string{"f0 and f1 both end the stream: two faults that cannot both apply"}, Plan{}, false},
		{"two cuts", []Fault{cut(1), cut(1)}, 100, []string{"f0 and f1 both end the stream"}, Plan{}, false},
		{"two garbled events", []Fault{corrupt(0), corrupt(1)}, 100, []string{"f0 and f1 both garble an event"}, Plan{}, false},
		{"garbled at the end", []Fault{stall(1), corrupt(1)}, 100, []string{"f1 is at or after the end that f0 makes, so it could never apply"}, Plan{}, false},
		{"whole and stream", []Fault{cut(1), {Kind: FaultRefuse}}, 100, []string{"f1 replaces the whole answer and cannot be combined with another fault on the same request (f0)"}, Plan{}, false},
		{"two wholes", []Fault{respond(429), respond(500)}, 100, []string{"f0 replaces the whole answer and cannot be combined with another fault on the same request (f1)"}, Plan{}, false},
		{"no kind", []Fault{{}, {Kind: 99}}, 100, []string{"f0 is not a fault", "f1 is not a fault"}, Plan{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, problems := PlanFaults(tt.fs, FaultRules{Name: fname, MinStatus: tt.min})
			if len(problems) != len(tt.want) {
				t.Fatalf("problems %q, want %d like %q", problems, len(tt.want), tt.want)
			}
			for k, w := range tt.want {
				if !strings.Contains(problems[k], w) {
					t.Errorf("problem %d is %q, want %q in it", k, problems[k], w)
				}
			}
			if len(tt.want) == 0 {
				if p != tt.plan {
					t.Errorf("plan %+v, want %+v", p, tt.plan)
				}
				if got := p.Whole.Kind != 0; got != tt.whole {
					t.Errorf("whole %v, want %v", got, tt.whole)
				}
			}
		})
	}
}

// TestFaultFits: a cut or a stall may strike after the last event, a
// garbled event must be one of the answer's; a fault that replaces the
// answer fits any.
func TestFaultFits(t *testing.T) {
	for _, tt := range []struct {
		f      Fault
		events int
		want   bool
	}{
		{Fault{Kind: FaultCut, K: 3}, 3, true},
		{Fault{Kind: FaultCut, K: 4}, 3, false},
		{Fault{Kind: FaultStall, K: 3}, 3, true},
		{Fault{Kind: FaultStall, K: 4}, 3, false},
		{Fault{Kind: FaultCorrupt, K: 2}, 3, true},
		{Fault{Kind: FaultCorrupt, K: 3}, 3, false},
		{Fault{Kind: FaultCorrupt, K: 0}, 1, true},
		{Fault{Kind: FaultRespond, Status: 500}, 0, true},
		{Fault{Kind: FaultStallHeaders}, 0, true},
	} {
		if got := tt.f.Fits(tt.events); got != tt.want {
			t.Errorf("%+v.Fits(%d) = %v, want %v", tt.f, tt.events, got, tt.want)
		}
	}
}

// FuzzPlanFaults: any list of faults is either refused with problems or
// planned so that every fault of the list applies as declared: a fault
// that replaces the answer alone, at most one stream end, a garbled event
// before it, no negative count and no status out of range.
func FuzzPlanFaults(f *testing.F) {
	f.Add([]byte{1, 3}, 100)
	f.Add([]byte{3, 0, 2, 5}, 400)
	f.Add([]byte{4, 0xff, 6, 0}, 100)
	f.Add([]byte{0, 0, 9, 9, 7, 1}, 400)
	f.Fuzz(func(t *testing.T, raw []byte, minStatus int) {
		var fs []Fault
		for k := 0; k+1 < len(raw) && len(fs) < 8; k += 2 {
			f := Fault{Kind: FaultKind(raw[k] % 9), K: int(int8(raw[k+1]))}
			if f.Kind == FaultRespond {
				f.Status = int(raw[k+1]) * 3
			}
			fs = append(fs, f)
		}
		p, problems := PlanFaults(fs, FaultRules{Name: fname, MinStatus: minStatus})
		if len(problems) > 0 {
			return
		}
		wholes, ends, corrupts := 0, 0, 0
		for _, f := range fs {
			switch {
			case f.Kind.Whole():
				wholes++
				if f.Kind == FaultRespond && (f.Status < minStatus || f.Status > 599) {
					t.Fatalf("status %d accepted with MinStatus %d", f.Status, minStatus)
				}
			case f.Kind == FaultCut || f.Kind == FaultStall:
				ends++
			case f.Kind == FaultCorrupt:
				corrupts++
			default:
				t.Fatalf("%+v accepted", f)
			}
			if f.K < 0 && f.Kind.stream() {
				t.Fatalf("negative count accepted: %+v", f)
			}
		}
		if wholes > 1 || (wholes == 1 && len(fs) > 1) || ends > 1 || corrupts > 1 {
			t.Fatalf("%+v accepted", fs)
		}
		if (wholes == 1) != (p.Whole.Kind != 0) {
			t.Fatalf("plan %+v for %+v", p, fs)
		}
		end := max(p.Stream.Cut, p.Stream.Stall)
		if p.Stream.Corrupt >= 0 && end >= 0 && p.Stream.Corrupt >= end {
			t.Fatalf("garbled event %d at or after the end %d accepted", p.Stream.Corrupt, end)
		}
	})
}
