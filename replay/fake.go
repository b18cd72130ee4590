package replay

import (
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"net/http"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
)

// SourceHeader marks, in a cassette, a response recorded from a fake
// server rather than a real API: its value says which fake. It is the
// header cmd/record sets on recordings from the embedded fake. Replay
// removes it before a client sees the response (like every
// httpbody.HeaderPrefix header), and a session replaying such a
// cassette logs once that its answers are canned, so a fake recording
// never passes for a real one.
const SourceHeader = httpbody.SourceHeader

// RecordFromFake lets a test record with no API key: when the session
// records (the -record flag, LLMVCR_MODE=record or new-episodes) and no
// API key variable is set (see WithSecretEnv), requests go to the
// embedded fake Groq server of package fakes, which answers chat
// completions, plain and streamed, with its default answers. The cassette
// keeps the URLs the code used (https://api.groq.com/...) and marks every
// response as canned (SourceHeader). With a key set, recording reaches
// the real API as usual. Replay is unchanged.
//
//	s := replay.New(t, replay.RecordFromFake())
//	// go test ./pkg -run '^TestChat$' -record    (no key needed)
func RecordFromFake() Option { return func(c *config) { c.fromFake = true } }

// WithFakeTransport records through rt, a fake server standing in for
// the API (a scripted fakes.NewGroq's Transport, your own httptest
// server), as WithRealTransport does, and marks every recorded response as
// canned (SourceHeader), so the cassette says its answers are not a real
// API's.
func WithFakeTransport(rt http.RoundTripper) Option {
	return func(c *config) {
		c.real = rt
		c.canned = "a fake server given to replay.WithFakeTransport"
	}
}

// startFake points a recording session with no key at the embedded fake
// server, when RecordFromFake asked for it.
func (s *Session) startFake() {
	if !s.cfg.fromFake || s.cfg.real != nil || s.cfg.keySet() {
		return
	}
	if s.mode != ModeRecord && s.mode != ModeNewEpisodes && s.mode != ModePassthrough {
		return
	}
	srv := fakes.NewServer()
	s.t.Cleanup(srv.Close) // after the session's own cleanup, which saves
	s.cfg.real = srv.Transport()
	s.cfg.canned = "embedded fake Groq server (replay.RecordFromFake)"
	s.t.Logf("replay: %s: no API key is set, so this recording comes from the %s: its answers are canned, not a real API's", s.path, s.cfg.canned)
}

// markCanned marks recorded interactions as answered by a fake.
func (s *Session) markCanned(is []*cassettes.Interaction) {
	if s.cfg.canned == "" {
		return
	}
	for _, i := range is {
		if i.Response.Headers == nil {
			i.Response.Headers = http.Header{}
		}
		i.Response.Headers.Set(SourceHeader, s.cfg.canned)
	}
}

// noteCanned logs, once per session, that a loaded cassette holds answers
// recorded from a fake.
func (s *Session) noteCanned(c *cassettes.Cassette) {
	n, from := 0, ""
	for _, i := range c.Interactions {
		if v := i.Response.Headers.Get(SourceHeader); v != "" {
			n++
			from = v
		}
	}
	if n > 0 {
		s.t.Logf("replay: %s: %d of %d recorded answers are canned, recorded from %s, not from a real API", s.path, n, len(c.Interactions), from)
	}
}
