package cassettes

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/keep"
	"io/fs"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/llmvcr/llmvcr/internal/secrets"
)

// Finding is one thing Lint found: a problem, or a notice.
type Finding struct {
	Interaction int      // position in the cassette; -1 for the file as a whole
	Kind        string   // problems: "load", "version", "secret", "body", "duplicate", "unreachable"; notices: "canned"
	Message     string   // what is wrong or worth knowing; never contains a secret
	Severity    Severity // Problem (the zero value) or Notice
}

// Severity says whether a Finding makes a cassette bad.
type Severity int

const (
	// Problem is a finding that makes a cassette bad: record lint fails
	// on it.
	Problem Severity = iota
	// Notice is a finding worth knowing that does not make a cassette
	// bad, such as answers recorded from a fake (kind "canned").
	Notice
)

// String renders the finding on one line; a notice starts with "notice: ".
func (f Finding) String() string {
	s := f.Kind + ": " + f.Message
	if f.Interaction >= 0 {
		s = fmt.Sprintf("interaction %d: %s", f.Interaction, s)
	}
	if f.Severity == Notice {
		s = "notice: " + s
	}
	return s
}

// LintFile loads and lints a cassette file. A file that cannot be loaded
// gives one finding of kind "load" or "version" rather than an error;
// the error is for a file that cannot be read at all.
func LintFile(path string, opts ...Option) ([]Finding, error) {
	c, err := Load(path)
	if err != nil {
		var ve *VersionError
		if errors.As(err, &ve) {
			return []Finding{{Interaction: -1, Kind: "version", Message: ve.Error()}}, nil
		}
		var le *LoadError
		if errors.As(err, &le) && !errors.Is(err, fs.ErrNotExist) {
			return []Finding{{Interaction: -1, Kind: "load", Message: le.Error()}}, nil
		}
		return nil, err
	}
	return Lint(c, opts...), nil
}

// Lint checks a loaded cassette for leftover secrets, with the engine Save
// uses: configured secret values (in every encoded form), credential
// shapes (Groq gsk_, OpenAI sk-, sk-proj-, sk-svcacct-, Anthropic sk-ant-,
// Google AIza, xAI xai-, Hugging Face hf_, GitHub ghp_ and github_pat_,
// AWS AKIA, JSON Web Tokens, bearer tokens), secrets a stream carries in
// pieces across its events, and by name: every header and parameter that
// Save redacts (Authorization of any scheme, Proxy-Authorization,
// X-Api-Key, Cookie, Set-Cookie, key= and token= parameters, user:pass@
// in a URL, a Location carrying a token, a credential key of a JSON
// request body such as "authorization" or "api_key") is a finding when
// its value is not redacted. It also finds bodies that do not parse as their
// Content-Type says (JSON, event streams whose data is neither JSON nor
// [DONE]), duplicate
// interactions (same request and same response), and unreachable ones (a
// request no client could send: no method, or a URL that does not parse).
//
// Those are problems. A cassette with answers recorded from a fake (their
// response carries the X-Llmvcr-Source header that names it) also gets one
// notice of kind "canned" saying its answers are canned, from which
// source and in how many interactions: such a cassette is not bad, but it
// must never pass for a recording of a real API.
func Lint(c *Cassette, opts ...Option) []Finding {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	s := newScrubber(&cfg)
	var out []Finding
	add := func(n int, kind, msg string) { out = append(out, Finding{Interaction: n, Kind: kind, Message: msg}) }
	if c.Version != Version {
		add(-1, "version", fmt.Sprintf("unsupported cassette version %d (want %d)", c.Version, Version))
	}
	seen := map[string]int{}
	for n, i := range c.Interactions {
		if i == nil {
			add(n, "unreachable", "empty interaction")
			continue
		}
		for _, msg := range s.secretFindings(i) {
			add(n, "secret", msg)
		}
		for _, p := range []struct {
			where string
			h     map[string][]string
			body  string
		}{{"request", i.Request.Headers, i.Request.Body}, {"response", i.Response.Headers, i.Response.Body}} {
			if msg := bodyProblem(p.h, p.body); msg != "" {
				add(n, "body", p.where+" body "+msg)
			}
		}
		if i.Request.Method == "" {
			add(n, "unreachable", "request has no method")
		}
		if u, err := url.Parse(i.Request.URL); err != nil || u.Host == "" {
			add(n, "unreachable", "request URL is not an absolute URL")
		}
		key := i.Request.Method + " " + i.Request.URL + "\n" + s.rules.Canonical([]byte(i.Request.Body)) + "\n" + i.Response.Status + "\n" + i.Response.Body
		if prev, ok := seen[key]; ok {
			add(n, "duplicate", fmt.Sprintf("same request and response as interaction %d", prev))
		} else {
			seen[key] = n
		}
	}
	if f, ok := cannedNotice(c, s); ok {
		out = append(out, f)
	}
	return out
}

// cannedNotice is the notice for a cassette whose answers (some or all)
// were recorded from a fake: ok is false when none was. The sources are
// named scrubbed with s and quoted, so a hand-edited header can put
// neither a secret nor a line break in the message.
func cannedNotice(c *Cassette, s *Scrubber) (f Finding, ok bool) {
	n, sources := keep.CannedSources(c.Interactions, s.ScrubString)
	if n == 0 {
		return Finding{}, false
	}
	return Finding{Interaction: -1, Kind: "canned", Severity: Notice, Message: fmt.Sprintf(
		"answers are canned: %d of %d interactions were recorded from %s, not from a real API",
		n, len(c.Interactions), sources)}, true
}

// decodedBody is the body decoded from its Content-Encoding as far as it
// decodes, followed by the bytes as written, so a scan sees both.
func decodedBody(h map[string][]string, body string) string {
	enc := httpbody.ContentEncoding(httpHeader(h))
	if enc == "" {
		return body
	}
	dec, _ := httpbody.Decode(enc, []byte(body))
	return string(dec) + "\n" + body
}

func bodyProblem(h map[string][]string, body string) string {
	hh := httpHeader(h)
	if enc := hh.Get("Content-Encoding"); enc != "" && enc != "identity" {
		if _, err := httpbody.Decode(strings.ToLower(enc), []byte(body)); err != nil && err != httpbody.ErrUnsupportedEncoding {
			return fmt.Sprintf("does not httpbody.Decode as Content-Encoding %s", enc)
		}
		return ""
	}
	switch {
	case httpbody.IsJSON(hh):
		if strings.TrimSpace(body) != "" && !json.Valid([]byte(body)) {
			return "is not valid JSON although Content-Type says JSON"
		}
	case httpbody.IsSSE(hh):
		evs, err := httpbody.SplitSSE(body)
		if err != nil {
			return "is not a valid event stream: " + err.Error()
		}
		for k, e := range evs {
			v, ok := sseValues(string(e.Raw))
			if !ok {
				return fmt.Sprintf("event %d does not httpbody.Decode", k)
			}
			for _, d := range v.([]any) {
				if s, isStr := d.(string); isStr && s != "[DONE]" {
					return fmt.Sprintf("event %d data is neither JSON nor [DONE]", k)
				}
			}
		}
	}
	return ""
}

// secretFindings lists the secrets left in an interaction, each message
// naming the place and what it looks like, never the value.
func (s *Scrubber) secretFindings(i *Interaction) []string {
	var out []string
	// By name.
	for _, h := range []struct {
		where string
		h     http.Header
	}{{"request header", i.Request.Headers}, {"request trailer", i.Request.Trailer}, {"response header", i.Response.Headers}, {"response trailer", i.Response.Trailer}} {
		for _, k := range sortedKeys(h.h) {
			for _, v := range h.h[k] {
				if s.eng.SecretHeader(k) && !secrets.IsRedactedHeaderValue(v) {
					out = append(out, fmt.Sprintf("%s %s is not redacted", h.where, http.CanonicalHeaderKey(k)))
					break
				}
				if p := s.eng.URLProblems(v); urlHeaders(k) && len(p) > 0 {
					out = append(out, fmt.Sprintf("%s %s carries %s", h.where, http.CanonicalHeaderKey(k), p[0]))
					break
				}
			}
		}
	}
	for _, k := range s.eng.CredentialKeysLeft(i.Request.Body) {
		out = append(out, fmt.Sprintf("request body key %q is not redacted", k))
	}
	for _, k := range s.eng.CredentialKeysLeft(i.Response.Body) {
		out = append(out, fmt.Sprintf("response body key %q is not redacted", k))
	}
	for _, k := range s.eng.FormParamsLeft(i.Request.Headers, i.Request.Body) {
		out = append(out, fmt.Sprintf("request body form field %q is not redacted", k))
	}
	for _, u := range []string{i.Request.URL, i.Request.RequestURI} {
		for _, p := range s.eng.URLProblems(u) {
			out = append(out, "request url carries "+p)
		}
	}
	for _, k := range sortedKeys(i.Request.Form) {
		for _, v := range i.Request.Form[k] {
			if s.eng.SecretParam(k) && v != "" && v != Redacted {
				out = append(out, fmt.Sprintf("request form field %s is not redacted", k))
				break
			}
		}
	}
	// By value: configured values and shapes, in every view (as written,
	// percent-decoded, inside escaped JSON strings, decoded from the
	// Content-Encoding). Secret headers were judged by name above.
	for _, part := range []struct{ where, text string }{
		{"request url", i.Request.URL + "\n" + i.Request.RequestURI + "\n" + i.Request.Host},
		{"request headers", s.headerText(i.Request.Headers, i.Request.Trailer)},
		{"request form", formText(i.Request.Form)},
		{"request body", decodedBody(i.Request.Headers, i.Request.Body)},
		{"response headers", s.headerText(i.Response.Headers, i.Response.Trailer)},
		{"response body", decodedBody(i.Response.Headers, i.Response.Body)},
	} {
		if part.text == "" {
			continue
		}
		if s.eng.FindConfigured(part.text) {
			out = append(out, part.where+" contains a configured secret value")
			continue
		}
		kinds := map[string]bool{}
		for _, v := range views(part.text) {
			for _, m := range secrets.FindShapes(v) {
				if !kinds[m.Kind] {
					kinds[m.Kind] = true
					out = append(out, fmt.Sprintf("%s contains what looks like %s", part.where, m.Kind))
				}
			}
		}
	}
	// Split across the events of a stream.
	for _, p := range []struct {
		where string
		h     http.Header
		body  string
	}{{"request body", i.Request.Headers, i.Request.Body}, {"response body", i.Response.Headers, i.Response.Body}} {
		body := p.body
		if httpbody.ContentEncoding(p.h) != "" {
			dec, _ := httpbody.Decode(httpbody.ContentEncoding(p.h), []byte(body))
			body = string(dec)
		}
		if !isStream(p.h, body) {
			continue
		}
		for _, l := range s.eng.ScanStream(body) {
			out = append(out, p.where+" holds "+l.String())
		}
	}
	return out
}

// urlHeaders reports whether a header's value is a URL (Location).
func urlHeaders(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Location", "Content-Location", "Refresh":
		return true
	}
	return false
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// headerText is the headers other than the secret ones (judged by name)
// as "Name: value" lines.
func (s *Scrubber) headerText(hs ...map[string][]string) string {
	var b strings.Builder
	for _, h := range hs {
		for _, k := range sortedKeys(h) {
			if s.eng.SecretHeader(k) {
				continue
			}
			for _, v := range h[k] {
				b.WriteString(k + ": " + v + "\n")
			}
		}
	}
	return b.String()
}

func formText(f map[string][]string) string {
	var b strings.Builder
	for _, k := range sortedKeys(f) {
		for _, v := range f[k] {
			b.WriteString(k + "=" + v + "\n")
		}
	}
	return b.String()
}
