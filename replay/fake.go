package replay

import (
	"net/http"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/keep"
)

// WithFakeTransport records through rt, a fake server standing in for
// the API, as WithRealTransport does, and marks every recorded response
// as canned (recorder.SourceHeader), so the cassette says its answers are
// not a real API's. It needs no API key. With package fakes' server,
// which answers any chat request when given WithDefaultAnswers:
//
//	s := replay.New(t, replay.WithFakeTransport(fakes.NewGroq(t, fakes.WithDefaultAnswers()).Transport()))
//	// go test ./pkg -run '^TestChat$' -record    (no key: canned answers)
//
// The transport keeps the URLs the code uses (https://api.groq.com/...),
// so the cassette replays whether the code is pointed at the fake or not.
// In replay mode rt is never used.
func WithFakeTransport(rt http.RoundTripper) Option {
	return func(c *config) {
		c.real = rt
		c.canned = "a fake server given to replay.WithFakeTransport"
	}
}

// noteCanned logs, once per session, that a loaded cassette holds answers
// recorded from a fake: how many, and from which fakes. The sources come
// from the file, which may have been edited by hand, so each is scrubbed
// and quoted: neither a secret nor a line break reaches the log.
func (s *Session) noteCanned(c *cassettes.Cassette) {
	s.t.Helper() // the log line points at the test's replay.New
	n, sources := keep.CannedSources(c.Interactions, s.scrub.ScrubString)
	if n == 0 {
		return
	}
	s.t.Logf("replay: %s: %d of %d recorded answers are canned, recorded from %s, not from a real API", s.path, n, len(c.Interactions), sources)
}
