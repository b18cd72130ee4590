// Package secrets is llmvcr's one secret engine: it finds and removes
// credentials in recorded HTTP traffic, for saving (cassettes.Save and its
// scan), checking (cassettes.Lint, record lint), importing (record
// import-vcrpy) and showing (record inspect) alike.
//
// It knows three kinds of secret:
//
//   - Configured values (an API key from the environment, or given by a
//     caller), found however they are written: as they are, JSON-escaped
//     (\u, \/), percent-encoded in either case, base64-encoded (standard
//     or URL alphabet, at any alignment inside a longer base64 text), and
//     inside a JSON string inside a JSON string. A value shorter than
//     MinKeyLen characters (or with fewer than MinKeyDistinct different
//     characters) is too weak to be searched for in text without
//     rewriting ordinary words ("GROQ_API_KEY=test" would turn "a test
//     plan" into "a REDACTED plan"): it is redacted only where it is a
//     whole header value or URL parameter value, and Warnings says so.
//   - Shapes: provider keys and tokens that are secrets whoever configured
//     them (see FindShapes).
//   - Names: headers and URL parameters whose value is a credential
//     whatever it looks like (Authorization of any scheme, X-Api-Key,
//     Cookie, key=, token=, user:pass@ in a URL, ...), wherever a URL
//     carries them (query, fragment, ";key=" path parameters) and however
//     it encodes them; and in request bodies the JSON members
//     (authorization, api_key, a "headers" object's Cookie), headers
//     given as name/value lists (HAR, Postman, [["Authorization", ...]]),
//     the same in JSON held in a JSON string (tool-call arguments), and
//     form fields (password=) so named. Saving and matching apply one
//     rule to request bodies: ScrubRequestBody.
//
// A stream (text/event-stream) can carry a secret in pieces, one token
// per event. ScanStream and ScrubStream join each stream field's text
// (content, reasoning, tool-call arguments, per choice and per tool call)
// across events and look at the joined text too.
package secrets

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
)

// Redacted replaces every scrubbed value.
const Redacted = "REDACTED"

// MinKeyLen is the shortest configured value that is searched for in
// bodies and other free text: no provider issues shorter keys, and a
// shorter value would match ordinary words.
const MinKeyLen = 16

// MinKeyDistinct is the fewest different characters a configured value
// needs to be searched for in free text ("aaaaaaaaaaaaaaaa" is not a key).
const MinKeyDistinct = 6

// minValueLen is the shortest configured value used at all: shorter ones
// are ignored (with a warning).
const minValueLen = 4

// Configured is what a finding says about a configured secret value.
const Configured = "a configured secret value"

// providerKeyEnvs are the environment variables of the common LLM
// providers' API keys: replay accepts any of them for recording. The
// first seven are the ones messages name.
var providerKeyEnvs = []string{
	"GROQ_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY",
	"GOOGLE_API_KEY", "MISTRAL_API_KEY", "XAI_API_KEY", "DEEPSEEK_API_KEY",
	"OPENROUTER_API_KEY", "TOGETHER_API_KEY", "FIREWORKS_API_KEY",
	"CEREBRAS_API_KEY", "COHERE_API_KEY", "AZURE_OPENAI_API_KEY",
	"CO_API_KEY", "PERPLEXITY_API_KEY", "VOYAGE_API_KEY",
}

// defaultEnv is providerKeyEnvs and a few other common tokens: every
// provider key is a default secret.
var defaultEnv = append(append([]string(nil), providerKeyEnvs...),
	"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "REPLICATE_API_TOKEN",
	"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GITHUB_TOKEN", "GH_TOKEN",
)

var defaultHeaders = []string{
	"Authorization", "Proxy-Authorization", "X-Api-Key", "Api-Key",
	"X-Goog-Api-Key", "Openai-Api-Key", "X-Auth-Token", "Cookie", "Set-Cookie",
	"Openai-Organization", "Openai-Project", "X-Amz-Security-Token",
	"X-Csrf-Token", "X-Xsrf-Token",
}

// Header names ending so are secret too (X-Goog-Api-Key, X-Foo-Token,
// Ocp-Apim-Subscription-Key, X-RapidAPI-Key, X-Auth-Key);
// "X-Ratelimit-Remaining-Tokens" is not.
var headerSuffixes = []string{"-api-key", "-apikey", "-token", "-secret", "-password", "-key", "-auth", "-credential", "-credentials"}

var defaultParams = []string{
	"key", "api_key", "apikey", "api-key", "access_token", "token", "auth",
	"secret", "password", "client_secret", "refresh_token", "id_token",
	"session_token", "x-amz-security-token", "x-amz-signature", "x-amz-credential",
	"signature", "sig",
	// Session identifiers and OAuth's one-time credentials (Azure
	// Functions' function key is "code" too).
	"jsessionid", "phpsessid", "sessionid", "session_id", "sid", "code", "code_verifier",
	"client_assertion", "assertion", "private_key",
}

// Parameter names ending so are secret too (oauth_token, my_api_key).
var paramSuffixes = []string{"_token", "-token", "_secret", "-secret", "api_key", "apikey", "api-key", "password"}

// urlHeaders carry a URL (or, Link, several), which is scrubbed as one
// (its token parameters).
var urlHeaders = map[string]bool{"Location": true, "Content-Location": true, "Refresh": true, "Link": true}

// protocolHeaders describe the message, not a credential: a weak
// configured value ("1234") that equals one (Content-Length: 1234) is a
// coincidence, and redacting it would break the recording.
var protocolHeaders = map[string]bool{
	"Content-Length": true, "Content-Type": true, "Content-Encoding": true,
	"Transfer-Encoding": true, "Date": true, "Connection": true, "Vary": true,
	"Cache-Control": true, "Accept": true, "Accept-Encoding": true,
}

// authSchemes are kept when an authorization value is redacted, so the
// cassette still says what kind of credential was sent.
var authSchemes = []string{"Bearer", "Basic", "Token", "Digest", "ApiKey", "Api-Key", "Key", "AWS4-HMAC-SHA256", "Negotiate", "NTLM", "DPoP", "OAuth", "GoogleLogin", "HOBA", "Mutual", "SCRAM-SHA-256"}

// DefaultEnv returns (a copy of) the environment variables whose values
// are secrets by default: the API keys of the major LLM providers and a
// few common cloud tokens.
func DefaultEnv() []string { return append([]string(nil), defaultEnv...) }

// ProviderKeyEnvs returns (a copy of) the environment variables of the
// LLM providers' API keys, GROQ_API_KEY first; DefaultEnv holds them all.
func ProviderKeyEnvs() []string { return append([]string(nil), providerKeyEnvs...) }

// DefaultHeaders returns (a copy of) the header names whose values are
// always redacted. Names ending in -Api-Key, -Key, -Token, -Secret,
// -Password, -Auth or -Credential(s), and credential keys
// (CredentialKey: Apikey, Access-Token), are redacted too.
func DefaultHeaders() []string { return append([]string(nil), defaultHeaders...) }

// DefaultParams returns (a copy of) the URL parameter names whose values
// are always redacted. Names ending in _token, _secret, api_key or
// password, credential keys (CredentialKey) and camel-case names ending
// in Token, Secret or Password are redacted too (see Engine.SecretParam).
func DefaultParams() []string { return append([]string(nil), defaultParams...) }

// Value is a configured secret and where it came from.
type Value struct {
	Text   string // the secret
	Source string // for warnings, never the value: "$GROQ_API_KEY", "a WithSecrets value"
}

// EnvValues returns the current values of the named environment
// variables, in order, each with its variable as Source ("$GROQ_API_KEY").
// A variable that is not set gives an empty Text, which New ignores.
func EnvValues(names ...string) []Value {
	vals := make([]Value, 0, len(names))
	for _, n := range names {
		vals = append(vals, Value{Text: os.Getenv(n), Source: "$" + n})
	}
	return vals
}

// Config lists what an Engine treats as secret beyond the defaults.
type Config struct {
	Values  []Value  // configured secret values
	Headers []string // header names added to DefaultHeaders
	Params  []string // URL parameter names added to DefaultParams
}

// Engine finds and removes secrets. It is safe for concurrent use.
type Engine struct {
	forms    []string        // strong values in every encoded form, longest first
	needles  *needles        // forms and the shapes' hints
	values   []string        // strong values as given
	weak     []string        // weak values: whole header and parameter values only
	headers  map[string]bool // canonical header names
	params   map[string]bool // lower-case parameter names
	warnings []string
}

// New builds an Engine from the default header and parameter names and
// what c adds.
func New(c Config) *Engine {
	e := &Engine{headers: map[string]bool{}, params: map[string]bool{}}
	for _, h := range append(DefaultHeaders(), c.Headers...) {
		e.headers[http.CanonicalHeaderKey(h)] = true
	}
	for _, p := range append(DefaultParams(), c.Params...) {
		e.params[strings.ToLower(p)] = true
	}
	seenForm, seenVal, warned := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, v := range c.Values {
		if v.Text == "" || seenVal[v.Text] {
			continue
		}
		seenVal[v.Text] = true
		src := v.Source
		if src == "" {
			src = "a configured secret"
		}
		switch {
		case len(v.Text) < minValueLen:
			if !warned[src] {
				warned[src] = true
				e.warnings = append(e.warnings, fmt.Sprintf("%s is %d characters long, too short to be a key: it is not used to find secrets (headers and parameters named as secrets are still redacted)", src, len(v.Text)))
			}
			continue
		case Weak(v.Text):
			e.weak = append(e.weak, v.Text)
			if !warned[src] {
				warned[src] = true
				e.warnings = append(e.warnings, fmt.Sprintf("%s is %d characters long (or too repetitive) to be a key (one has at least %d characters): it is redacted where it is a whole header or URL parameter value, but bodies are not searched for it", src, len(v.Text), MinKeyLen))
			}
			continue
		}
		e.values = append(e.values, v.Text)
		for _, f := range encodings(v.Text) {
			if len(f) >= minValueLen && !seenForm[f] {
				seenForm[f] = true
				e.forms = append(e.forms, f)
			}
		}
	}
	// Longest first, so an encoded form is replaced before its substrings.
	sort.SliceStable(e.forms, func(i, j int) bool { return len(e.forms[i]) > len(e.forms[j]) })
	e.needles = newNeedles(append(ShapeHints(), e.forms...))
	return e
}

// Weak reports whether a configured value is too short or too repetitive
// to be searched for in free text (see MinKeyLen, MinKeyDistinct).
func Weak(v string) bool {
	if len(v) < MinKeyLen {
		return true
	}
	seen := map[rune]bool{}
	for _, r := range v {
		seen[r] = true
	}
	return len(seen) < MinKeyDistinct
}

// Warnings says, once per source, which configured values are too weak
// to be searched for in bodies (never the values themselves).
func (e *Engine) Warnings() []string { return append([]string(nil), e.warnings...) }

// Forms returns every encoded form of the strong configured values,
// longest first. The caller must not modify it.
func (e *Engine) Forms() []string { return e.forms }

// encodings returns v and the forms it takes inside JSON strings, URLs,
// HTML-escaped JSON and base64 text.
func encodings(v string) []string {
	out := []string{v}
	if b, err := json.Marshal(v); err == nil {
		out = append(out, string(b[1:len(b)-1]))
	}
	out = append(out, strings.Trim(encodeJSONString(v), `"`))
	var ascii strings.Builder
	for _, r := range v {
		fmt.Fprintf(&ascii, "\\u%04x", r)
	}
	// Percent-encoded once, and twice (a URL carried in another's query).
	out = append(out, ascii.String(), url.QueryEscape(v), url.PathEscape(v),
		url.QueryEscape(url.QueryEscape(v)), url.PathEscape(url.PathEscape(v)))
	return append(out, base64Forms(v)...)
}

// base64Forms returns the base64 text that v becomes inside any longer
// base64 text ("Basic dXNlcjpr..."): for each of the three alignments of
// v against the 3-byte groups, the characters that depend on v alone, in
// the standard and the URL alphabet.
func base64Forms(v string) []string {
	var out []string
	for k := 0; k < 3; k++ {
		src := append(make([]byte, k), v...)
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			s := enc.EncodeToString(src)
			first := (8*k + 5) / 6         // the first character made of v's bits only
			last := (8 * (k + len(v))) / 6 // one past the last such character
			if last-first >= minValueLen && last <= len(s) {
				out = append(out, s[first:last])
			}
		}
	}
	return out
}

// SecretHeader reports whether the header's value is always redacted.
func (e *Engine) SecretHeader(name string) bool {
	c := http.CanonicalHeaderKey(name)
	if e.headers[c] {
		return true
	}
	l := strings.ToLower(c)
	for _, s := range headerSuffixes {
		if strings.HasSuffix(l, s) {
			return true
		}
	}
	return CredentialKey(name) // Apikey, Access-Token, Client-Secret
}

// SecretParam reports whether the URL (or form) parameter's value is
// always redacted: its name, in any case and without surrounding
// spaces, is one of DefaultParams (or Config.Params), ends as
// DefaultParams says (_token, _secret, api_key, password, ...), is a
// credential key (CredentialKey: apiKey, clientSecret, Authorization,
// ...), or ends in a camel-case Token, Secret or Password (pageToken,
// sessionToken). A structured name is judged by its last part as well:
// "credentials[api_key]", "auth.token", "key[]".
func (e *Engine) SecretParam(name string) bool {
	name = strings.TrimSpace(name)
	if secretParamWord(e.params, name) {
		return true
	}
	if t := strings.TrimRight(name, "[]"); t != name || strings.ContainsAny(t, "[.") {
		if i := strings.LastIndexAny(t, "[]."); i >= 0 {
			t = t[i+1:]
		}
		return t != "" && secretParamWord(e.params, strings.TrimSpace(t))
	}
	return false
}

// secretParamWord is SecretParam for one name, not split, with the
// lower-case parameter names params.
func secretParamWord(params map[string]bool, name string) bool {
	l := strings.ToLower(name)
	if params[l] {
		return true
	}
	for _, s := range paramSuffixes {
		if strings.HasSuffix(l, s) {
			return true
		}
	}
	if CredentialKey(name) {
		return true
	}
	for _, s := range camelSuffixes {
		if len(name) > len(s) && strings.HasSuffix(name, s) {
			if c := name[len(name)-len(s)-1]; c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
				return true
			}
		}
	}
	return false
}

// camelSuffixes end camel-case credential names (sessionToken,
// clientSecret, userPassword).
var camelSuffixes = []string{"Token", "Secret", "Password"}

// RedactHeaderValue is the redacted form of a secret header's value: an
// authorization scheme ("Bearer") is kept, the rest is Redacted.
func RedactHeaderValue(v string) string {
	if sch, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok && AuthScheme(sch) {
		return sch + " " + Redacted
	}
	return Redacted
}

// AuthScheme reports whether word is an HTTP authorization scheme
// ("Bearer", "Basic", ...), in any case: the part of a credential header
// that is kept when its value is redacted.
func AuthScheme(word string) bool {
	for _, a := range authSchemes {
		if strings.EqualFold(word, a) {
			return true
		}
	}
	return false
}

// IsRedactedHeaderValue reports whether a secret header's value is
// empty or in the redacted form (Redacted, or a scheme and Redacted).
func IsRedactedHeaderValue(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || v == Redacted {
		return true
	}
	sch, rest, ok := strings.Cut(v, " ")
	return ok && rest == Redacted && isToken(sch)
}

// isToken reports whether s is a short scheme-like word: letters, digits
// and '-'.
func isToken(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// weakMatch reports whether v is a weak configured value as a whole, or a
// scheme and one ("Bearer test").
func (e *Engine) weakMatch(v string) bool {
	if len(e.weak) == 0 {
		return false
	}
	v = strings.TrimSpace(v)
	_, rest, _ := strings.Cut(v, " ")
	for _, w := range e.weak {
		if v == w || rest == w {
			return true
		}
	}
	return false
}

// ScrubHeader returns the value of header name with its secrets
// removed: a secret header's value is redacted (see RedactHeaderValue), a
// URL header (Location) is scrubbed as a URL, a value that is a weak
// configured secret is redacted, and any other is scrubbed as text, with
// the URLs it holds scrubbed as URLs.
func (e *Engine) ScrubHeader(name, v string) string {
	if e.SecretHeader(name) {
		return RedactHeaderValue(v)
	}
	if !protocolHeaders[http.CanonicalHeaderKey(name)] && e.weakMatch(v) {
		return RedactHeaderValue(v)
	}
	if urlHeaders[http.CanonicalHeaderKey(name)] {
		return e.ScrubURL(v)
	}
	// A URL in any other header (X-Upstream-Url) is scrubbed as one.
	return e.scrubTextURLs(e.ScrubText(v))
}

// FindHeader reports what secret the value of header name holds, when it
// holds one (see Find): the names are not considered, only the value.
func (e *Engine) FindHeader(name, v string) (string, bool) {
	if !protocolHeaders[http.CanonicalHeaderKey(name)] && e.weakMatch(v) {
		return Configured, true
	}
	if urlHeaders[http.CanonicalHeaderKey(name)] {
		if p := e.URLProblems(v); len(p) > 0 {
			return p[0], true
		}
	}
	return e.Find(v)
}

// ScrubText replaces every strong configured value (in every form) and
// everything shaped like a credential (see FindShapes) in v with
// Redacted. Secrets are found however they are escaped: percent-encodings
// in either case, and JSON string literals with \u or \/ escapes (a
// literal whose decoded text holds a secret is re-encoded with it
// scrubbed).
func (e *Engine) ScrubText(v string) string { return e.scrubText(v, 0) }

func (e *Engine) scrubText(v string, depth int) string {
	v = e.scrubLiteral(v)
	if strings.Contains(v, "%") {
		if u := upperPercent(v); u != v {
			if w := e.scrubLiteral(u); w != u {
				v = w
			}
		}
	}
	return e.scrubJSONLiterals(v, depth)
}

// scrubLiteral replaces the values' literal and encoded forms and the
// credential shapes.
func (e *Engine) scrubLiteral(v string) string {
	if !e.needles.in(v) {
		return v // no form, and no shape's hint
	}
	for _, f := range e.forms {
		if strings.Contains(v, f) {
			v = strings.ReplaceAll(v, f, Redacted)
		}
	}
	return ReplaceShapes(v)
}

// scrubJSONLiterals replaces each escaped JSON string literal of v whose
// decoded text holds a secret with the scrubbed text, re-encoded.
func (e *Engine) scrubJSONLiterals(v string, depth int) string {
	if depth > maxViewDepth || !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	last := 0
	jsonLiterals(v, func(start, end int, d string) {
		if _, found := e.Find(d); !found {
			return
		}
		b.WriteString(v[last:start])
		b.WriteString(encodeJSONString(e.scrubText(d, depth+1)))
		last = end
	})
	if last == 0 {
		return v
	}
	b.WriteString(v[last:])
	return b.String()
}

// Find reports whether v holds a strong configured value or a credential
// shape in any of its views (as written, percent-decoded, or inside an
// escaped JSON string), and what it is: Configured, or the shape's kind.
func (e *Engine) Find(v string) (string, bool) {
	for _, w := range Views(v) {
		if what, ok := e.findLiteral(w); ok {
			return what, true
		}
	}
	return "", false
}

// FindConfigured is Find for the configured values only.
func (e *Engine) FindConfigured(v string) bool {
	for _, w := range Views(v) {
		for _, f := range e.forms {
			if strings.Contains(w, f) {
				return true
			}
		}
	}
	return false
}

func (e *Engine) findLiteral(v string) (string, bool) {
	for _, f := range e.forms {
		if strings.Contains(v, f) {
			return Configured, true
		}
	}
	return HasShape(v)
}
