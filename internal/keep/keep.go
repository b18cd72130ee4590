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
// Each caller words its own way out (-force, deleting the file).
package keep

import (
	"fmt"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/textcut"
)

// Old returns why old must be kept rather than replaced by recorded, in a
// phrase that completes "not saved: ...", or "" when recorded may replace
// it. A nil old (no cassette on disk, or one that does not load) is never
// kept by this rule.
func Old(old *cassettes.Cassette, recorded []*cassettes.Interaction) string {
	if old == nil {
		return ""
	}
	if !hasAny(recorded) {
		return "nothing was recorded"
	}
	if src := allCanned(recorded); src != "" && Real(old.Interactions) {
		return fmt.Sprintf("its answers come from a real API and every new answer is canned (recorded from %s)", textcut.Clip(src, 120))
	}
	if first := allErrors(recorded); first != nil && hasSuccess(old.Interactions) {
		return fmt.Sprintf("it holds successful answers and every new answer is an HTTP error (the first: %d %s)", first.Response.Code, textcut.Clip(statusText(first), 120))
	}
	return ""
}

// hasAny reports whether is holds an interaction that is not nil.
func hasAny(is []*cassettes.Interaction) bool {
	for _, i := range is {
		if i != nil {
			return true
		}
	}
	return false
}

// Canned reports whether an interaction's answer was recorded from a fake.
func Canned(i *cassettes.Interaction) bool {
	return i != nil && i.Response.Headers.Get(httpbody.SourceHeader) != ""
}

// allCanned returns the source of the first answer when every answer in is
// is canned, else "".
func allCanned(is []*cassettes.Interaction) string {
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
func Real(is []*cassettes.Interaction) bool {
	for _, i := range is {
		if i != nil && !Canned(i) {
			return true
		}
	}
	return false
}

// allErrors returns the first interaction when every answer in is is an
// HTTP error (a status of 400 or more), else nil.
func allErrors(is []*cassettes.Interaction) *cassettes.Interaction {
	var first *cassettes.Interaction
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
func hasSuccess(is []*cassettes.Interaction) bool {
	for _, i := range is {
		if i != nil && i.Response.Code < 400 {
			return true
		}
	}
	return false
}

// statusText is the recorded status text without its code.
func statusText(i *cassettes.Interaction) string {
	s := i.Response.Status
	if prefix := fmt.Sprintf("%d ", i.Response.Code); len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):]
	}
	if s == "" {
		return "(no status text)"
	}
	return s
}
