package match

import (
	"bytes"
	"net/http"

	"github.com/llmvcr/llmvcr/internal/secrets"
)

// Scrubbing is the scrubbing a cassette was saved with, as matching
// applies it to incoming requests and miss reports. cassettes' Scrubber
// holds one built from the same rules, so that replay matches with the
// rules it saves with. It is safe for concurrent use.
type Scrubbing struct {
	eng       *secrets.Engine
	prefilter [][]byte // what a secret may start with: the configured values' forms and the shapes' hints
}

// NewScrubbing returns the scrubbing of eng: its secret values, headers,
// parameters and shapes, and its request body rule.
func NewScrubbing(eng *secrets.Engine) *Scrubbing {
	s := &Scrubbing{eng: eng}
	for _, f := range eng.Forms() {
		s.prefilter = append(s.prefilter, []byte(f))
	}
	for _, h := range secrets.ShapeHints() {
		s.prefilter = append(s.prefilter, []byte(h))
	}
	return s
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

func (s *Scrubbing) scrubURL(raw string) string { return s.eng.ScrubURL(raw) }

// containsBytes reports whether b holds a secret, looking first for what
// a secret may start with.
func (s *Scrubbing) containsBytes(b []byte) bool {
	if bytes.IndexByte(b, '\\') >= 0 || bytes.IndexByte(b, '%') >= 0 {
		return s.contains(string(b)) // an escape may hide a secret
	}
	for _, sec := range s.prefilter {
		if bytes.Contains(b, sec) {
			return true
		}
	}
	return s.contains(string(b))
}

// contains reports whether v holds a secret in any of its views.
func (s *Scrubbing) contains(v string) bool {
	_, ok := s.eng.Find(v)
	return ok
}
