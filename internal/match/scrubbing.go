package match

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/llmvcr/llmvcr/internal/secrets"
)

// Scrubbing is the scrubbing a cassette was saved with, as matching
// applies it to incoming requests and miss reports. cassettes' Scrubber
// holds one built from the same rules, so that replay matches with the
// rules it saves with. It is safe for concurrent use.
type Scrubbing struct {
	eng *secrets.Engine

	// cleanURLs holds (as keys) up to maxCleanURLs URLs that ScrubURL
	// leaves as they are: a replayed request is usually sent to one of a
	// few URLs, which need not be searched for secrets again. It holds no
	// URL that carries one.
	cleanURLs sync.Map
	nclean    atomic.Int32
}

// maxCleanURLs bounds Scrubbing.cleanURLs: a client that sends every
// request to a new URL fills it once and is searched as before.
const maxCleanURLs = 256

// NewScrubbing returns the scrubbing of eng: its secret values, headers,
// parameters and shapes, and its request body rule.
func NewScrubbing(eng *secrets.Engine) *Scrubbing {
	return &Scrubbing{eng: eng}
}

// DefaultScrubbing is the scrubbing cassettes' Save applies with no
// option: the values of the variables of secrets.DefaultEnv that are set,
// and the default secret headers, parameters and shapes.
func DefaultScrubbing() *Scrubbing {
	return NewScrubbing(secrets.New(secrets.Config{Values: secrets.EnvValues(secrets.DefaultEnv()...)}))
}

// ScrubHeaders scrubs every header value in place (see
// secrets.Engine.ScrubHeader).
func (s *Scrubbing) ScrubHeaders(h http.Header) {
	for k, vs := range h {
		for n, v := range vs {
			vs[n] = s.eng.ScrubHeader(k, v)
		}
	}
}

// requestBody returns a request body as cassettes' Save writes it (see
// secrets.Engine.ScrubRequestBody: secrets, secret-shaped text and the
// values of credential members such as "authorization" or a "headers"
// object's Cookie). The Index matches, diffs and reports an incoming
// request's body in this form only, so a request whose body carries a
// credential matches its recording and no report shows the credential.
func (s *Scrubbing) requestBody(h http.Header, body string) string {
	return s.eng.ScrubRequestBody(h, body)
}

func (s *Scrubbing) scrubString(v string) string { return s.eng.ScrubText(v) }

// scrubURL returns the URL as Save writes it (secrets.Engine.ScrubURL).
// A URL found clean before is returned at once.
func (s *Scrubbing) scrubURL(raw string) string {
	if _, ok := s.cleanURLs.Load(raw); ok {
		return raw
	}
	out := s.eng.ScrubURL(raw)
	if out == raw && s.nclean.Load() < maxCleanURLs {
		if _, loaded := s.cleanURLs.LoadOrStore(raw, struct{}{}); !loaded {
			s.nclean.Add(1)
		}
	}
	return out
}

// containsText reports whether c holds a secret that ScrubText would
// remove. Without an escape ('\\' or '%'), text that holds no configured
// value's form and no shape's hint (secrets.Engine.MayHold) holds nothing
// ScrubText changes, so it is not searched further; with one, every view
// is.
func (s *Scrubbing) containsText(c string) bool {
	if strings.IndexByte(c, '\\') >= 0 || strings.IndexByte(c, '%') >= 0 {
		return s.contains(c) // an escape may hide a secret
	}
	return s.eng.MayHold(c)
}

// contains reports whether v holds a secret in any of its views.
func (s *Scrubbing) contains(v string) bool {
	_, ok := s.eng.Find(v)
	return ok
}
