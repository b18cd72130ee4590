package cassettes

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"

	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/match"
	"github.com/llmvcr/llmvcr/internal/secrets"
)

// Redacted replaces every scrubbed value in a saved cassette.
const Redacted = secrets.Redacted

// DefaultSecretEnv returns the environment variables whose values are
// treated as secrets unless WithoutDefaultSecrets is given: the API keys
// of the major LLM providers (GROQ_API_KEY, OPENAI_API_KEY,
// ANTHROPIC_API_KEY, GEMINI_API_KEY, GOOGLE_API_KEY, MISTRAL_API_KEY,
// XAI_API_KEY, HF_TOKEN, ...) and common cloud tokens. Every one that is
// set is a secret. It returns a new slice each time: the defaults cannot
// be changed, only added to (WithSecretEnv).
func DefaultSecretEnv() []string { return secrets.DefaultEnv() }

// defaultSecretHeaders returns the header names whose values are always
// scrubbed (compared case-insensitively); names ending in -Api-Key,
// -Token, -Secret or -Password are scrubbed too. It returns a new slice
// each time; withSecretHeaders adds names.
func defaultSecretHeaders() []string { return secrets.DefaultHeaders() }

// defaultSecretParams returns the URL query parameter names whose values
// are always scrubbed (compared case-insensitively); names ending in
// _token, _secret, api_key or password are scrubbed too. It returns a new
// slice each time; withSecretParams adds names.
func defaultSecretParams() []string { return secrets.DefaultParams() }

// minSecretLen is the shortest configured secret that is searched for in
// bodies. A shorter one (GROQ_API_KEY=test) would rewrite ordinary text,
// so it is redacted only where it is a whole header value or URL
// parameter value, and a warning says so once (see WithLogf).
const minSecretLen = secrets.MinKeyLen

// Option configures scrubbing and saving (Save, NewScrubber).
type Option func(*config)

type config struct {
	secrets    []string
	envs       []string
	noDefaults bool
	headers    []string
	params     []string
	funcs      []func(*Interaction) error
	logf       func(format string, args ...any)
}

// WithSecrets adds literal secret values to scrub from headers, URLs and
// bodies, and to scan for before saving. Empty values are ignored; values
// shorter than minSecretLen are used on headers and URL parameters only.
func WithSecrets(values ...string) Option {
	return func(c *config) { c.secrets = append(c.secrets, values...) }
}

// WithSecretEnv adds environment variables whose current values are
// secrets, in addition to DefaultSecretEnv.
func WithSecretEnv(names ...string) Option {
	return func(c *config) { c.envs = append(c.envs, names...) }
}

// WithoutDefaultSecrets stops DefaultSecretEnv from being read. Header,
// parameter, shape and custom scrubbers still run.
func WithoutDefaultSecrets() Option {
	return func(c *config) { c.noDefaults = true }
}

// withSecretHeaders adds header names whose values are scrubbed.
func withSecretHeaders(names ...string) Option {
	return func(c *config) { c.headers = append(c.headers, names...) }
}

// withSecretParams adds URL query parameter names whose values are scrubbed.
func withSecretParams(names ...string) Option {
	return func(c *config) { c.params = append(c.params, names...) }
}

// WithScrubFunc adds a custom scrubber run on every interaction before
// saving, after the built-in ones and before the secret scan. It does not
// replace the built-in scrubbers.
func WithScrubFunc(f func(*Interaction) error) Option {
	return func(c *config) { c.funcs = append(c.funcs, f) }
}

// WithLogf sets where warnings go (a configured secret too short to be
// searched for in bodies), for instance a test's t.Logf. Each is given
// once per Scrubber. Without it they go to the standard logger, once per
// process.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(c *config) { c.logf = logf }
}

// Scrubber removes secrets from interactions and scans for leftovers.
// It is safe for concurrent use once built.
type Scrubber struct {
	eng   *secrets.Engine
	rules *match.Scrubbing // the same rules, as matching applies them
	forms [][]byte         // the configured values' forms as bytes
	funcs []func(*Interaction) error
}

// NewScrubber builds a Scrubber from the options: the default secret
// environment variables, headers and parameters, plus what the options add.
func NewScrubber(opts ...Option) *Scrubber {
	var c config
	for _, o := range opts {
		o(&c)
	}
	return newScrubber(&c)
}

// logged holds the warnings already given to the standard logger.
var logged sync.Map

func newScrubber(c *config) *Scrubber {
	envs := c.envs
	if !c.noDefaults {
		envs = append(DefaultSecretEnv(), envs...)
	}
	// Variables first: a warning names the variable a value came from.
	vals := secrets.EnvValues(envs...)
	for n, v := range c.secrets {
		vals = append(vals, secrets.Value{Text: v, Source: fmt.Sprintf("WithSecrets value %d", n+1)})
	}
	eng := secrets.New(secrets.Config{Values: vals, Headers: c.headers, Params: c.params})
	s := &Scrubber{eng: eng, rules: match.NewScrubbing(eng), funcs: c.funcs}
	for _, f := range eng.Forms() {
		s.forms = append(s.forms, []byte(f))
	}
	for _, w := range eng.Warnings() {
		msg := "cassettes: " + w
		if c.logf != nil {
			c.logf("%s", msg)
		} else if _, seen := logged.LoadOrStore(msg, true); !seen {
			log.Print(msg)
		}
	}
	return s
}

// ScrubString replaces every configured secret value in s (see
// minSecretLen), and anything shaped like a provider's key or token (Groq
// gsk_, OpenAI sk-, Anthropic sk-ant-, Google AIza, xAI xai-, Hugging Face
// hf_, GitHub ghp_, AWS AKIA, JSON Web Tokens, ...), with Redacted.
// Secrets are found however they are escaped: percent-encodings in
// either case, base64, and JSON string literals with \u or \/ escapes (a
// literal whose decoded text holds a secret is re-encoded with it
// scrubbed).
func (s *Scrubber) ScrubString(v string) string { return s.eng.ScrubText(v) }

// ScrubURL scrubs secret query and fragment parameters, user information
// (user:password@) and literal secrets from a URL.
func (s *Scrubber) ScrubURL(raw string) string { return s.eng.ScrubURL(raw) }

// Scrub removes secrets from one interaction in place: secret headers
// (request and response), secret query parameters, string values under
// credential keys of JSON request bodies ("authorization", "api_key",
// "apiKey", "x-api-key", "password", ...; not a bare "token", which
// logprobs use for text) and of the secret header names of a "headers"
// object (Cookie, Private-Token, X-Goog-Api-Key), URLs in Location
// headers, every secret value in URLs, headers, forms and bodies, and
// secrets that an event stream carries in pieces (see the package doc);
// then it runs the custom scrubbers. Content-Length is fixed when a body
// changes length.
func (s *Scrubber) Scrub(i *Interaction) error {
	rq := &i.Request
	s.rules.ScrubHeaders(rq.Headers)
	s.rules.ScrubHeaders(rq.Trailer)
	rq.URL = s.ScrubURL(rq.URL)
	rq.RequestURI = s.ScrubURL(rq.RequestURI)
	rq.Host = s.ScrubString(rq.Host)
	for k, vs := range rq.Form {
		secret := s.eng.SecretParam(k)
		for n, v := range vs {
			if secret {
				vs[n] = Redacted
			} else {
				vs[n] = s.eng.ScrubParamValue(v)
			}
		}
	}
	// A JSON request body can carry a credential under its name (Groq's
	// compound_custom.tools.wolfram_settings.authorization): the request
	// body rule, which replay applies to incoming requests too.
	if b := s.eng.ScrubRequestBody(rq.Headers, rq.Body); b != rq.Body {
		rq.Body = b
		fixRequestLength(rq)
	}
	rs := &i.Response
	s.rules.ScrubHeaders(rs.Headers)
	s.rules.ScrubHeaders(rs.Trailer)
	if b := s.eng.ScrubBody(rs.Headers, rs.Body); b != rs.Body {
		rs.Body = b
		fixResponseLength(rs)
	}
	for _, f := range s.funcs {
		if err := f(i); err != nil {
			return err
		}
	}
	return nil
}

// isStream reports whether a body is (or looks like) an event stream.
func isStream(h http.Header, body string) bool { return secrets.IsStream(h, body) }

// SecretLeakError reports that a secret was still present after
// scrubbing. It never contains the secret itself.
type SecretLeakError struct {
	Path  string // the cassette file
	Where string // where it was found, e.g. "interaction 2 response body"
	What  string // what was found, e.g. "what looks like a Groq API key (gsk_...)"; "" for a configured secret value
}

// Error says where the secret was found, never what it is.
func (e *SecretLeakError) Error() string {
	what := e.What
	if what == "" {
		what = "a configured secret value"
	}
	save := "cassettes: save " + e.Path + ": "
	if e.Path == "" {
		save = "cassettes: "
	}
	return fmt.Sprintf("%s%s is still present in %s after scrubbing; refusing to write it", save, what, e.Where)
}

// leak builds a *SecretLeakError for interaction n.
func leak(n int, part, kind string) *SecretLeakError {
	e := &SecretLeakError{Where: fmt.Sprintf("interaction %d %s", n, part)}
	switch {
	case kind == secrets.Configured:
	case strings.HasPrefix(kind, "a ") || strings.HasPrefix(kind, "an "):
		e.What = "what looks like " + kind
	default:
		e.What = kind
	}
	return e
}

// Check scans the interaction for any secret (configured value, shape,
// or one that a stream carries in pieces) and returns a
// *SecretLeakError (without the secret) naming where it is.
func (s *Scrubber) Check(n int, i *Interaction) error {
	for _, v := range []string{i.Request.URL, i.Request.RequestURI, i.Request.Host} {
		if kind, ok := s.eng.Find(v); ok {
			return leak(n, "request url", kind)
		}
	}
	for _, v := range []string{i.Request.URL, i.Request.RequestURI} {
		if p := s.eng.URLProblems(v); len(p) > 0 {
			return leak(n, "request url", p[0])
		}
	}
	if kind, ok := s.headerFind(i.Request.Headers, i.Request.Trailer); ok {
		return leak(n, "request headers", kind)
	}
	for _, vs := range i.Request.Form {
		for _, v := range vs {
			if kind, ok := s.eng.Find(v); ok {
				return leak(n, "request form", kind)
			}
		}
	}
	if kind, ok := s.eng.Find(i.Request.Body); ok {
		return leak(n, "request body", kind)
	}
	if kind, ok := s.headerFind(i.Response.Headers, i.Response.Trailer); ok {
		return leak(n, "response headers", kind)
	}
	if kind, ok := s.eng.Find(i.Response.Body); ok {
		return leak(n, "response body", kind)
	}
	for _, p := range []struct {
		part string
		h    http.Header
		body string
	}{{"request body", i.Request.Headers, i.Request.Body}, {"response body", i.Response.Headers, i.Response.Body}} {
		if !isStream(p.h, p.body) {
			continue
		}
		if ls := s.eng.ScanStream(p.body); len(ls) > 0 {
			return &SecretLeakError{What: ls[0].String(), Where: fmt.Sprintf("interaction %d %s (its pieces cannot be rewritten cleanly)", n, p.part)}
		}
	}
	return nil
}

// checkBytes scans serialised bytes (e.g. a marshalled cassette) for any
// configured secret value or credential shape.
func (s *Scrubber) checkBytes(b []byte) bool {
	for _, sec := range s.forms {
		if bytes.Contains(b, sec) {
			return true
		}
	}
	return s.contains(string(b))
}

// UnscannableError reports a body that Save cannot scan for secrets (its
// Content-Encoding does not decode), so it is not written.
type UnscannableError struct {
	Path     string // the cassette file
	Where    string // e.g. "interaction 2 request body"
	Encoding string // the body's Content-Encoding
}

// Error names the body and its encoding.
func (e *UnscannableError) Error() string {
	return fmt.Sprintf("cassettes: save %s: %s is %s-encoded and does not httpbody.Decode, so it cannot be scanned for secrets; refusing to write it (record without Accept-Encoding, or httpbody.Decode it with WithScrubFunc)", e.Path, e.Where, e.Encoding)
}

// checkEncoded scans the bodies that still carry a Content-Encoding
// (SaveRawWith, or a body that did not decode) in their decoded form.
// A body cut short is scanned as far as it decodes; one that does not
// decode at all is an *UnscannableError.
func (s *Scrubber) checkEncoded(n int, i *Interaction) error {
	for _, p := range []struct {
		where string
		h     http.Header
		body  string
	}{{"request body", i.Request.Headers, i.Request.Body}, {"response body", i.Response.Headers, i.Response.Body}} {
		enc := httpbody.ContentEncoding(p.h)
		if enc == "" || p.body == "" {
			continue
		}
		where := fmt.Sprintf("interaction %d %s", n, p.where)
		dec, err := httpbody.Decode(enc, []byte(p.body))
		if err != nil && !(errors.Is(err, io.ErrUnexpectedEOF) && len(dec) > 0) {
			return &UnscannableError{Where: where, Encoding: enc}
		}
		if kind, ok := s.eng.Find(string(dec)); ok {
			return leak(n, p.where+" ("+enc+"-encoded)", kind)
		}
		if isStream(p.h, string(dec)) {
			if ls := s.eng.ScanStream(string(dec)); len(ls) > 0 {
				return &SecretLeakError{What: ls[0].String(), Where: where + " (" + enc + "-encoded)"}
			}
		}
	}
	return nil
}

// contains reports whether v holds a secret in any of its views (as
// written, percent-decoded, or inside an escaped JSON string).
func (s *Scrubber) contains(v string) bool {
	_, ok := s.eng.Find(v)
	return ok
}

// headerFind looks for a secret in header names and values (values of
// secret headers included: they must be redacted by now).
func (s *Scrubber) headerFind(hs ...http.Header) (string, bool) {
	for _, h := range hs {
		for k, vs := range h {
			if kind, ok := s.eng.Find(k); ok {
				return kind, true
			}
			for _, v := range vs {
				if s.eng.SecretHeader(k) && !secrets.IsRedactedHeaderValue(v) {
					return "the value of the header " + http.CanonicalHeaderKey(k), true
				}
				if kind, ok := s.eng.FindHeader(k, v); ok {
					return kind, true
				}
			}
		}
	}
	return "", false
}
