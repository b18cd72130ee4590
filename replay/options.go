package replay

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/clock"
	"github.com/llmvcr/llmvcr/internal/playback"
)

// Mode says whether a session replays, records, or neither.
type Mode int

const (
	// ModeReplay answers every request from the cassette and never touches
	// the network; a request with no recording fails the test.
	ModeReplay Mode = iota
	// ModeRecord sends every request to the real server and writes a new
	// cassette from scratch when the test ends.
	ModeRecord
	// ModeNewEpisodes replays what the cassette has and records what it
	// lacks, keeping every existing interaction.
	ModeNewEpisodes
	// ModePassthrough sends every request to the real server and records
	// nothing.
	ModePassthrough
)

var modeNames = []string{"replay", "record", "new-episodes", "passthrough"}

// String returns the mode's name as LLMVCR_MODE spells it.
func (m Mode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// parseMode parses a mode name: replay, record, new-episodes (or
// new_episodes) or passthrough.
func parseMode(s string) (Mode, error) {
	t := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "_", "-")
	for n, name := range modeNames {
		if t == name {
			return Mode(n), nil
		}
	}
	return 0, fmt.Errorf("replay: unknown mode %q (want replay, record, new-episodes or passthrough)", s)
}

// Clock tells the time (Now() time.Time) and waits (Sleep(ctx, d) error,
// returning ctx.Err() when ctx is done first). Replay waits through it
// between stream events (with TimingScaled), so tests of timing never
// sleep. A *fakeclock.Clock (package fakes/fakeclock) is one; it has the
// shape of groq.Clock.
type Clock = clock.Clock

// Option configures a Session.
type Option func(*config)

type config struct {
	path        string
	mode        *Mode
	real        http.RoundTripper
	match       []cassettes.MatchOption
	headers     []string // MatchHeaders' names, for miss reports
	scrub       []cassettes.Option
	secretEnvs  []string
	allowUnused bool
	scale       float64 // 0: instant; 1: as recorded
	clock       Clock
	faults      map[int][]Fault
	rawBodies   bool
	canned      string      // the fake the recording comes from; "" for a real API
	upstreams   [][2]string // WithUpstream: production and upstream base URLs
}

// WithPath sets the cassette file, instead of
// testdata/cassettes/<test name>.yaml.
func WithPath(path string) Option { return func(c *config) { c.path = path } }

// WithMode sets the mode, overriding the -record flag and LLMVCR_MODE;
// the CI guard still applies (see the table in the package doc).
func WithMode(m Mode) Option { return func(c *config) { c.mode = &m } }

// WithRealTransport sets the transport that reaches the real server when
// recording or passing through (http.DefaultTransport by default). It is
// never used in replay mode.
func WithRealTransport(rt http.RoundTripper) Option { return func(c *config) { c.real = rt } }

// MatchHeaders makes the named request headers part of matching (by
// default headers are ignored).
func MatchHeaders(names ...string) Option {
	return func(c *config) {
		c.match = append(c.match, cassettes.MatchHeaders(names...))
		c.headers = append(c.headers, names...)
	}
}

// IgnoreJSONPaths leaves volatile request body fields out of matching,
// e.g. "seed" or "messages[*].tool_call_id".
func IgnoreJSONPaths(paths ...string) Option {
	return func(c *config) { c.match = append(c.match, cassettes.IgnoreJSONPaths(paths...)) }
}

// AllowRepeats lets a recording answer more than once: once every
// recording of a request was used, the last keeps answering.
func AllowRepeats() Option {
	return func(c *config) { c.match = append(c.match, cassettes.Repeatable()) }
}

// WithSecrets adds literal secret values to scrub before saving (the
// values of the provider key variables, GROQ_API_KEY, OPENAI_API_KEY,
// ANTHROPIC_API_KEY, GEMINI_API_KEY, GOOGLE_API_KEY, MISTRAL_API_KEY,
// XAI_API_KEY and a few more, are always scrubbed when set).
func WithSecrets(values ...string) Option {
	return func(c *config) { c.scrub = append(c.scrub, cassettes.WithSecrets(values...)) }
}

// WithSecretEnv adds environment variables whose values are secrets.
// Recording over the network needs one of them, or one of the provider
// key variables (GROQ_API_KEY, OPENAI_API_KEY, ANTHROPIC_API_KEY, ...),
// set; messages about recording then name these variables.
func WithSecretEnv(names ...string) Option {
	return func(c *config) {
		c.scrub = append(c.scrub, cassettes.WithSecretEnv(names...))
		c.secretEnvs = append(c.secretEnvs, names...)
	}
}

// WithScrubFunc adds a custom scrubber run on each interaction before it
// is saved, after the built-in ones.
func WithScrubFunc(f func(*cassettes.Interaction) error) Option {
	return func(c *config) { c.scrub = append(c.scrub, cassettes.WithScrubFunc(f)) }
}

// WithRawBodies saves bodies as they were sent (no JSON indenting, no
// decoding of compressed bodies). Secrets are still scrubbed.
func WithRawBodies() Option { return func(c *config) { c.rawBodies = true } }

// AllowUnused stops the session from failing the test when recorded
// interactions were never replayed.
func AllowUnused() Option { return func(c *config) { c.allowUnused = true } }

// TimingScaled paces replayed streams: each recorded stream event is
// delivered at its recorded offset, and the response headers after the
// recorded time to headers, with every wait multiplied by f and made on
// the session's Clock. TimingScaled(1) replays as recorded, 0.5 twice as
// fast; f <= 0 delivers everything as fast as the client reads, which is
// the default (each event is still its own Read). A NaN or infinite f
// fails the test at New.
func TimingScaled(f float64) Option {
	return func(c *config) {
		if f < 0 {
			f = 0
		}
		c.scale = f
	}
}

// WithClock sets the clock replay waits on between stream events
// (TimingScaled); the wall clock by default. An instant fake clock
// (fakeclock.NewInstant) replays at the recorded pace in no time, and
// the test reads on it when each event arrived.
//
// While recording, an exchange is timed on this clock only if it moved
// during the exchange: a test that advances a manual fake clock
// (fakeclock.New) in step with its server, releasing one event per
// step, gets exact offsets, the same on every machine. (Each event is
// stamped when the client reads it, so a server that runs ahead of the
// reads on an instant clock gives offsets that vary.) A clock that stood
// still (nothing sleeps on it while
// recording, as on an instant fake clock meant for replay) would record
// every offset as 0, so such an exchange is timed on the wall clock, and
// the cassette keeps the pace the server really had. The same test can
// thus record and replay with one WithClock.
func WithClock(clk Clock) Option { return func(c *config) { c.clock = clk } }

// Fault is a deterministic failure injected into a replayed response.
type Fault struct {
	kind   faultKind
	k      int
	status int
	header http.Header
	body   string
}

// faultKind is playback's, where the rules for faults are.
type faultKind = playback.FaultKind

const (
	faultCut          = playback.FaultCut
	faultStall        = playback.FaultStall
	faultCorrupt      = playback.FaultCorrupt
	faultRespond      = playback.FaultRespond
	faultRefuse       = playback.FaultRefuse
	faultReset        = playback.FaultReset
	faultStallHeaders = playback.FaultStallHeaders
)

// CutAfter delivers the first k events of the replayed stream (k bytes'
// worth of events: a non-stream body counts as one event) and then breaks
// the connection: the next Read returns io.ErrUnexpectedEOF, as a real
// dropped connection does.
func CutAfter(k int) Fault { return Fault{kind: faultCut, k: k} }

// StallAfter delivers the first k events and then blocks the next Read
// until the request's context is done (its error is returned) or the body
// is closed, as a stalled server does.
func StallAfter(k int) Fault { return Fault{kind: faultStall, k: k} }

// CorruptEvent replaces the data of event k (0-based) with its first half,
// so it no longer parses, as a garbled frame would.
func CorruptEvent(k int) Fault { return Fault{kind: faultCorrupt, k: k} }

// Respond answers the request with the given status, headers and body
// instead of a recording, and leaves the recordings untouched, so a retry
// gets the recorded answer (e.g. a 429 with retry-after, then success).
func Respond(status int, header http.Header, body string) Fault {
	return Fault{kind: faultRespond, status: status, header: header, body: body}
}

// Refuse fails the request before any answer, as a refused connection
// does: the client gets a *net.OpError wrapping syscall.ECONNREFUSED. The
// recordings are left untouched, so a retry gets the recorded answer.
func Refuse() Fault { return Fault{kind: faultRefuse} }

// ResetBeforeHeaders fails the request as a connection reset before the
// response headers does: a *net.OpError wrapping syscall.ECONNRESET. The
// recordings are left untouched.
func ResetBeforeHeaders() Fault { return Fault{kind: faultReset} }

// StallBeforeHeaders sends no answer at all until the request's context is
// done, whose error is then returned, as a server that accepted the
// connection and hangs does. The recordings are left untouched.
func StallBeforeHeaders() Fault { return Fault{kind: faultStallHeaders} }

// OnRequest applies faults to the n-th request the session receives
// (counting from 1, in the order requests arrive). Several faults may be
// given; the faults before headers (Refuse, ResetBeforeHeaders,
// StallBeforeHeaders) win over Respond, which wins over the stream faults.
//
// Faults that could never apply as written (n < 1, no fault, a negative
// event count, a status outside 100-599, a fault that replaces the answer
// combined with another, two stream ends, two garbled events, an event
// garbled at or after the end) fail the test when the session starts. Faults apply to
// replayed answers only; in replay and new-episodes mode, one that never
// applied (request n never came, or event k is past the end of the answer
// it met) fails the test when it ends.
func OnRequest(n int, faults ...Fault) Option {
	return func(c *config) {
		if c.faults == nil {
			c.faults = map[int][]Fault{}
		}
		c.faults[n] = append(c.faults[n], faults...)
	}
}
