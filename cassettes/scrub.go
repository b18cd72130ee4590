package cassettes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// Redacted replaces every scrubbed value in a saved cassette.
const Redacted = "REDACTED"

// DefaultSecretEnv names the environment variables whose values are
// treated as secrets unless WithoutDefaultSecrets is given.
var DefaultSecretEnv = []string{"GROQ_API_KEY"}

// DefaultSecretHeaders are the header names whose values are always
// scrubbed (compared case-insensitively).
var DefaultSecretHeaders = []string{
	"Authorization", "Proxy-Authorization", "X-Api-Key", "Api-Key",
	"X-Goog-Api-Key", "Openai-Api-Key", "X-Auth-Token", "Cookie", "Set-Cookie",
	"Openai-Organization", "Openai-Project",
}

// DefaultSecretParams are the URL query parameters whose values are always
// scrubbed (compared case-insensitively).
var DefaultSecretParams = []string{
	"key", "api_key", "apikey", "api-key", "access_token", "token", "auth", "secret", "password",
}

// Option configures scrubbing and saving (Save, NewScrubber).
type Option func(*config)

type config struct {
	secrets    []string
	envs       []string
	noDefaults bool
	headers    []string
	params     []string
	funcs      []func(*Interaction) error
	raw        bool
}

// WithSecrets adds literal secret values to scrub from headers, URLs and
// bodies, and to scan for before saving. Empty values are ignored.
func WithSecrets(values ...string) Option {
	return func(c *config) { c.secrets = append(c.secrets, values...) }
}

// WithSecretEnv adds environment variables whose current values are
// secrets, in addition to DefaultSecretEnv.
func WithSecretEnv(names ...string) Option {
	return func(c *config) { c.envs = append(c.envs, names...) }
}

// WithoutDefaultSecrets stops DefaultSecretEnv from being read. Header,
// parameter and custom scrubbers still run.
func WithoutDefaultSecrets() Option {
	return func(c *config) { c.noDefaults = true }
}

// WithSecretHeaders adds header names whose values are scrubbed.
func WithSecretHeaders(names ...string) Option {
	return func(c *config) { c.headers = append(c.headers, names...) }
}

// WithSecretParams adds URL query parameter names whose values are scrubbed.
func WithSecretParams(names ...string) Option {
	return func(c *config) { c.params = append(c.params, names...) }
}

// WithScrubFunc adds a custom scrubber run on every interaction before
// saving, after the built-in ones and before the secret scan. It does not
// replace the built-in scrubbers.
func WithScrubFunc(f func(*Interaction) error) Option {
	return func(c *config) { c.funcs = append(c.funcs, f) }
}

// WithRawBodies stops Save from rewriting bodies for readability
// (indenting JSON, decoding compressed bodies). Scrubbing still runs.
func WithRawBodies() Option {
	return func(c *config) { c.raw = true }
}

// Scrubber removes secrets from interactions and scans for leftovers.
// It is safe for concurrent use once built.
type Scrubber struct {
	secrets []string            // literal values, longest first, with their encoded forms
	bsecret [][]byte            // secrets as bytes
	headers map[string]struct{} // canonical header names
	params  map[string]struct{} // lower-case parameter names
	funcs   []func(*Interaction) error
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

func newScrubber(c *config) *Scrubber {
	s := &Scrubber{headers: map[string]struct{}{}, params: map[string]struct{}{}, funcs: c.funcs}
	envs := c.envs
	if !c.noDefaults {
		envs = append(append([]string{}, DefaultSecretEnv...), envs...)
	}
	vals := append([]string{}, c.secrets...)
	for _, e := range envs {
		vals = append(vals, os.Getenv(e))
	}
	seen := map[string]bool{}
	for _, v := range vals {
		// Very short values would scrub ordinary text; a real key is long.
		if len(v) < 4 {
			continue
		}
		for _, f := range encodings(v) {
			if !seen[f] {
				seen[f] = true
				s.secrets = append(s.secrets, f)
			}
		}
	}
	// Longest first, so an encoded form is replaced before its substrings.
	for i := 1; i < len(s.secrets); i++ {
		for j := i; j > 0 && len(s.secrets[j]) > len(s.secrets[j-1]); j-- {
			s.secrets[j], s.secrets[j-1] = s.secrets[j-1], s.secrets[j]
		}
	}
	for _, sec := range s.secrets {
		s.bsecret = append(s.bsecret, []byte(sec))
	}
	for _, h := range append(append([]string{}, DefaultSecretHeaders...), c.headers...) {
		s.headers[http.CanonicalHeaderKey(h)] = struct{}{}
	}
	for _, p := range append(append([]string{}, DefaultSecretParams...), c.params...) {
		s.params[strings.ToLower(p)] = struct{}{}
	}
	return s
}

// encodings returns v and the forms it takes inside JSON strings, URLs and
// HTML-escaped JSON.
func encodings(v string) []string {
	out := []string{v}
	if b, err := json.Marshal(v); err == nil {
		out = append(out, string(b[1:len(b)-1]))
	}
	var ascii strings.Builder
	for _, r := range v {
		fmt.Fprintf(&ascii, "\\u%04x", r)
	}
	out = append(out, ascii.String(), url.QueryEscape(v), url.PathEscape(v))
	return out
}

// groqKey is the shape of a Groq API key. Anything of this shape is
// scrubbed even when it is not a configured secret, so a key passed in
// code (not through $GROQ_API_KEY) still never reaches a cassette.
var groqKey = regexp.MustCompile(`gsk_[A-Za-z0-9]{32,}`)

// ScrubString replaces every configured secret value in s, and anything
// shaped like a Groq API key (gsk_ and 32 or more letters and digits),
// with Redacted.
// Secrets are found however they are escaped: percent-encodings in
// either case, and JSON string literals with \u or \/ escapes (a literal
// whose decoded text holds a secret is re-encoded with it scrubbed).
func (s *Scrubber) ScrubString(v string) string { return s.scrubString(v, 0) }

func (s *Scrubber) scrubString(v string, depth int) string {
	v = s.scrubLiteral(v)
	if strings.Contains(v, "%") {
		if u := upperPercent(v); u != v {
			if w := s.scrubLiteral(u); w != u {
				v = w
			}
		}
	}
	return s.scrubJSONLiterals(v, depth)
}

// scrubLiteral replaces the secrets' literal and encoded forms and Groq
// key shapes.
func (s *Scrubber) scrubLiteral(v string) string {
	for _, sec := range s.secrets {
		if strings.Contains(v, sec) {
			v = strings.ReplaceAll(v, sec, Redacted)
		}
	}
	if strings.Contains(v, "gsk_") {
		v = groqKey.ReplaceAllString(v, Redacted)
	}
	return v
}

func (s *Scrubber) scrubHeaders(h http.Header) {
	for k, vs := range h {
		if _, ok := s.headers[http.CanonicalHeaderKey(k)]; ok {
			for n, v := range vs {
				vs[n] = redactHeaderValue(v)
			}
			continue
		}
		for n, v := range vs {
			vs[n] = s.ScrubString(v)
		}
	}
}

// redactHeaderValue keeps an auth scheme ("Bearer") so the cassette still
// says what kind of credential was sent.
func redactHeaderValue(v string) string {
	if sch, _, ok := strings.Cut(v, " "); ok && (strings.EqualFold(sch, "bearer") || strings.EqualFold(sch, "basic") || strings.EqualFold(sch, "token")) {
		return sch + " " + Redacted
	}
	return Redacted
}

// ScrubURL scrubs secret query parameters and literal secrets from a URL.
func (s *Scrubber) ScrubURL(raw string) string {
	if !s.urlMayNeedParse(raw) {
		return s.ScrubString(raw)
	}
	u, err := url.Parse(raw)
	if err == nil && u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k, vs := range q {
			if _, ok := s.params[strings.ToLower(k)]; ok {
				for n := range vs {
					vs[n] = Redacted
				}
				changed = true
				continue
			}
			for n, v := range vs {
				if s.contains(v) {
					vs[n] = s.ScrubString(v)
					changed = true
				}
			}
		}
		if changed {
			u.RawQuery = q.Encode()
			raw = u.String()
		}
	}
	if err == nil && s.contains(u.Path) {
		u.Path, u.RawPath = s.ScrubString(u.Path), ""
		raw = u.String()
	}
	if err == nil && u.User != nil {
		u.User = url.User(Redacted)
		raw = u.String()
	}
	return s.ScrubString(raw)
}

// urlMayNeedParse is a cheap pre-check: does the URL carry user info or
// a query parameter whose name is a secret one?
func (s *Scrubber) urlMayNeedParse(raw string) bool {
	q := strings.IndexByte(raw, '?')
	if at := strings.IndexByte(raw, '@'); at >= 0 && (q < 0 || at < q) {
		return true
	}
	if strings.ContainsAny(raw, "%\\") {
		return true // an escape may hide a secret: decode and look
	}
	if q < 0 {
		return false
	}
	rest := raw[q+1:]
	if h := strings.IndexByte(rest, '#'); h >= 0 {
		rest = rest[:h]
	}
	for rest != "" {
		var kv string
		kv, rest, _ = strings.Cut(rest, "&")
		k, _, _ := strings.Cut(kv, "=")
		if strings.ContainsAny(k, "%+") {
			return true // encoded name: let url.ParseQuery decide
		}
		for name := range s.params {
			if strings.EqualFold(k, name) {
				return true
			}
		}
	}
	return false
}

// Scrub removes secrets from one interaction in place: secret headers
// (request and response), secret query parameters, and every literal
// secret value in URLs, headers, forms and bodies; then it runs the custom
// scrubbers. Content-Length is fixed when a body changes length.
func (s *Scrubber) Scrub(i *Interaction) error {
	rq := &i.Request
	s.scrubHeaders(rq.Headers)
	s.scrubHeaders(rq.Trailer)
	rq.URL = s.ScrubURL(rq.URL)
	rq.RequestURI = s.ScrubURL(rq.RequestURI)
	rq.Host = s.ScrubString(rq.Host)
	for k, vs := range rq.Form {
		_, secret := s.params[strings.ToLower(k)]
		for n, v := range vs {
			if secret {
				vs[n] = Redacted
			} else {
				vs[n] = s.ScrubString(v)
			}
		}
	}
	if b := s.ScrubString(rq.Body); b != rq.Body {
		rq.Body = b
		fixRequestLength(rq)
	}
	rs := &i.Response
	s.scrubHeaders(rs.Headers)
	s.scrubHeaders(rs.Trailer)
	if b := s.ScrubString(rs.Body); b != rs.Body {
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

// SecretLeakError reports that a configured secret value was still
// present after scrubbing. It never contains the secret itself.
type SecretLeakError struct {
	Path  string // the cassette file
	Where string // where the value was found, e.g. "interaction 2 response body"
}

// Error says where the secret was found, never what it is.
func (e *SecretLeakError) Error() string {
	return fmt.Sprintf("cassettes: save %s: a configured secret value is still present in %s after scrubbing; refusing to write it", e.Path, e.Where)
}

// Check scans the interaction for any configured secret value and
// returns a *SecretLeakError (without the secret) naming where it is.
func (s *Scrubber) Check(n int, i *Interaction) error {
	where := func(part string) error {
		return &SecretLeakError{Where: fmt.Sprintf("interaction %d %s", n, part)}
	}
	if s.contains(i.Request.URL) || s.contains(i.Request.RequestURI) || s.contains(i.Request.Host) {
		return where("request url")
	}
	if s.headerHas(i.Request.Headers) || s.headerHas(i.Request.Trailer) {
		return where("request headers")
	}
	for _, vs := range i.Request.Form {
		for _, v := range vs {
			if s.contains(v) {
				return where("request form")
			}
		}
	}
	if s.contains(i.Request.Body) {
		return where("request body")
	}
	if s.headerHas(i.Response.Headers) || s.headerHas(i.Response.Trailer) {
		return where("response headers")
	}
	if s.contains(i.Response.Body) {
		return where("response body")
	}
	return nil
}

// CheckBytes scans serialised bytes (e.g. a marshalled cassette) for any
// configured secret value.
func (s *Scrubber) CheckBytes(b []byte) bool {
	for _, sec := range s.bsecret {
		if bytes.Contains(b, sec) {
			return true
		}
	}
	return groqKey.Match(b) || s.contains(string(b))
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
	return fmt.Sprintf("cassettes: save %s: %s is %s-encoded and does not decode, so it cannot be scanned for secrets; refusing to write it (record without Accept-Encoding, or decode it with WithScrubFunc)", e.Path, e.Where, e.Encoding)
}

// checkEncoded scans the bodies that still carry a Content-Encoding
// (WithRawBodies, or a body that did not decode) in their decoded form.
// A body cut short is scanned as far as it decodes; one that does not
// decode at all is an *UnscannableError.
func (s *Scrubber) checkEncoded(n int, i *Interaction) error {
	for _, p := range []struct {
		where string
		h     http.Header
		body  string
	}{{"request body", i.Request.Headers, i.Request.Body}, {"response body", i.Response.Headers, i.Response.Body}} {
		enc := contentEncoding(p.h)
		if enc == "" || p.body == "" {
			continue
		}
		where := fmt.Sprintf("interaction %d %s", n, p.where)
		dec, err := decode(enc, []byte(p.body))
		if err != nil && !(errors.Is(err, io.ErrUnexpectedEOF) && len(dec) > 0) {
			return &UnscannableError{Where: where, Encoding: enc}
		}
		if s.contains(string(dec)) {
			return &SecretLeakError{Where: where + " (" + enc + "-encoded)"}
		}
	}
	return nil
}

// contains reports whether v holds a secret in any of its views (as
// written, percent-decoded, or inside an escaped JSON string).
func (s *Scrubber) contains(v string) bool {
	for _, w := range views(v) {
		if s.containsLiteral(w) {
			return true
		}
	}
	return false
}

// hasPlain is contains for decoded text.
func (s *Scrubber) hasPlain(v string, _ int) bool { return s.contains(v) }

func (s *Scrubber) containsLiteral(v string) bool {
	for _, sec := range s.secrets {
		if strings.Contains(v, sec) {
			return true
		}
	}
	return strings.Contains(v, "gsk_") && groqKey.MatchString(v)
}

func (s *Scrubber) headerHas(h http.Header) bool {
	for k, vs := range h {
		if s.contains(k) {
			return true
		}
		for _, v := range vs {
			if s.contains(v) {
				return true
			}
		}
	}
	return false
}
