// Package keep holds the one rule every writer of a cassette applies
// before it replaces a file: a good cassette is never replaced by a worse
// one. cmd/record, record proxy and replay's recording sessions all ask
// Old before they write over a cassette that loads.
//
// A new recording is worse than the cassette on disk when
//   - it holds no interaction (nil ones do not count);
//   - the cassette holds answers from a real API and every new answer is
//     canned (recorded from a fake: see httpbody.SourceHeader);
//   - the cassette holds a successful answer and every new answer is an
//     HTTP error (a wrong or expired key, an upstream that was down).
//
// Each caller words its own way out (-force, deleting the file). What makes
// an answer canned (Canned, Real) and how canned answers are named in a
// message (CannedSources, for replay's log and record lint) live here too.
package keep

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/textcut"
	"gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// Old returns why old, the interactions of the cassette on disk, must be
// kept rather than replaced by recorded, in a phrase that completes "not
// saved: ...", or "" when recorded may replace them. An empty old (no
// cassette on disk, one that does not load, or one with nothing in it) has
// nothing to lose and is never kept by this rule.
//
// It takes go-vcr's interactions (cassettes.Interaction is that type), so
// that cassettes, below replay and cmd/record, can use this package too.
func Old(old, recorded []*cassette.Interaction) string {
	if len(old) == 0 {
		return ""
	}
	if !hasAny(recorded) {
		return "nothing was recorded"
	}
	if src := allCanned(recorded); src != "" && Real(old) {
		return fmt.Sprintf("its answers come from a real API and every new answer is canned (recorded from %s)", textcut.Clip(src, 120))
	}
	if first := allErrors(recorded); first != nil && hasSuccess(old) {
		return fmt.Sprintf("it holds successful answers and every new answer is an HTTP error (the first: %d %s)", first.Response.Code, textcut.Clip(statusText(first), 120))
	}
	return ""
}

// hasAny reports whether is holds an interaction that is not nil.
func hasAny(is []*cassette.Interaction) bool {
	for _, i := range is {
		if i != nil {
			return true
		}
	}
	return false
}

// Canned reports whether an interaction's answer was recorded from a fake.
func Canned(i *cassette.Interaction) bool {
	return i != nil && i.Response.Headers.Get(httpbody.SourceHeader) != ""
}

// CannedSources counts the canned answers in is and names their sources,
// each once: scrubbed with scrub, cut to 80 bytes and quoted (a source
// header may have been edited by hand, so neither a secret nor a line
// break reaches a message), sorted and joined with " and ". n is 0 when
// no answer is canned.
func CannedSources(is []*cassette.Interaction, scrub func(string) string) (n int, sources string) {
	var names []string
	for _, i := range is {
		if !Canned(i) {
			continue
		}
		n++
		if src := i.Response.Headers.Get(httpbody.SourceHeader); !slices.Contains(names, src) {
			names = append(names, src)
		}
	}
	for k, src := range names {
		names[k] = strconv.Quote(textcut.Clip(scrub(src), 80))
	}
	sort.Strings(names)
	return n, strings.Join(names, " and ")
}

// allCanned returns the source of the first answer when every answer in is
// is canned, else "".
func allCanned(is []*cassette.Interaction) string {
	src := ""
	for _, i := range is {
		if i == nil {
			continue
		}
		if !Canned(i) {
			return ""
		}
		if src == "" {
			src = i.Response.Headers.Get(httpbody.SourceHeader)
		}
	}
	return src
}

// Real reports whether some interaction's answer is not canned: it came
// from a real API, an import of a recording, or a hand-written file.
func Real(is []*cassette.Interaction) bool {
	for _, i := range is {
		if i != nil && !Canned(i) {
			return true
		}
	}
	return false
}

// allErrors returns the first interaction when every answer in is is an
// HTTP error (a status of 400 or more), else nil.
func allErrors(is []*cassette.Interaction) *cassette.Interaction {
	var first *cassette.Interaction
	for _, i := range is {
		if i == nil {
			continue
		}
		if i.Response.Code < 400 {
			return nil
		}
		if first == nil {
			first = i
		}
	}
	return first
}

// hasSuccess reports whether some answer has a status below 400.
func hasSuccess(is []*cassette.Interaction) bool {
	for _, i := range is {
		if i != nil && i.Response.Code < 400 {
			return true
		}
	}
	return false
}

// statusText is the recorded status text without its code.
func statusText(i *cassette.Interaction) string {
	s := i.Response.Status
	if prefix := fmt.Sprintf("%d ", i.Response.Code); len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):]
	}
	if s == "" {
		return "(no status text)"
	}
	return s
}
