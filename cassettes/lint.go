package cassettes

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"strings"
)

// Finding is one problem Lint found.
type Finding struct {
	Interaction int    // position in the cassette; -1 for the file as a whole
	Kind        string // "load", "version", "secret", "body", "duplicate", "unreachable"
	Message     string // what is wrong; never contains a secret
}

// String renders the finding on one line.
func (f Finding) String() string {
	if f.Interaction < 0 {
		return f.Kind + ": " + f.Message
	}
	return fmt.Sprintf("interaction %d: %s: %s", f.Interaction, f.Kind, f.Message)
}

// secretPatterns are shapes of credentials that must never be in a cassette.
var secretPatterns = []struct {
	name string
	re   *regexp.Regexp
}{
	{"a Groq API key (gsk_...)", regexp.MustCompile(`gsk_[A-Za-z0-9]{16,}`)},
	{"an OpenAI-style key (sk-...)", regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{16,}`)},
	{"a Google API key (AIza...)", regexp.MustCompile(`AIza[0-9A-Za-z_-]{30,}`)},
	{"a bearer token", regexp.MustCompile(`(?i)\bbearer\s+([A-Za-z0-9._~+/=-]{8,})`)},
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

// Lint checks a loaded cassette for leftover secrets (configured secret
// values, and key shapes: gsk_..., sk-..., AIza..., bearer tokens that are
// not Redacted), bodies that do not parse as their Content-Type says (JSON,
// event streams whose data is neither JSON nor [DONE]), duplicate
// interactions (same request and same response), and unreachable ones (a
// request no client could send: no method, or a URL that does not parse).
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
	idx := NewIndex(&Cassette{}, MatchScrubber(s))
	seen := map[string]int{}
	for n, i := range c.Interactions {
		if i == nil {
			add(n, "unreachable", "empty interaction")
			continue
		}
		for _, part := range []struct{ where, text string }{
			{"request url", i.Request.URL},
			{"request headers", headerText(i.Request.Headers)},
			{"request body", decodedBody(i.Request.Headers, i.Request.Body)},
			{"response headers", headerText(i.Response.Headers)},
			{"response body", decodedBody(i.Response.Headers, i.Response.Body)},
		} {
			// Every view: as written, percent-decoded, and inside escaped
			// JSON strings ("gsk_\u0046...").
			vs := views(part.text)
			literal := false
			for _, v := range vs {
				for _, sec := range s.secrets {
					literal = literal || strings.Contains(v, sec)
				}
			}
			if literal {
				add(n, "secret", part.where+" contains a configured secret value")
			}
		patterns:
			for _, p := range secretPatterns {
				for _, v := range vs {
					for _, m := range p.re.FindAllStringSubmatch(v, -1) {
						if len(m) > 1 && (m[1] == Redacted || strings.HasPrefix(m[1], Redacted)) {
							continue
						}
						if !literal {
							add(n, "secret", fmt.Sprintf("%s contains what looks like %s", part.where, p.name))
						}
						continue patterns
					}
				}
			}
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
		key := i.Request.Method + " " + i.Request.URL + "\n" + idx.canonical([]byte(i.Request.Body)) + "\n" + i.Response.Status + "\n" + i.Response.Body
		if prev, ok := seen[key]; ok {
			add(n, "duplicate", fmt.Sprintf("same request and response as interaction %d", prev))
		} else {
			seen[key] = n
		}
	}
	return out
}

// decodedBody is the body decoded from its Content-Encoding as far as it
// decodes, followed by the bytes as written, so a scan sees both.
func decodedBody(h map[string][]string, body string) string {
	enc := contentEncoding(httpHeader(h))
	if enc == "" {
		return body
	}
	dec, _ := decode(enc, []byte(body))
	return string(dec) + "\n" + body
}

func headerText(h map[string][]string) string {
	var b strings.Builder
	for k, vs := range h {
		for _, v := range vs {
			b.WriteString(k + ": " + v + "\n")
		}
	}
	return b.String()
}

func bodyProblem(h map[string][]string, body string) string {
	hh := httpHeader(h)
	if enc := hh.Get("Content-Encoding"); enc != "" && enc != "identity" {
		if _, err := decode(strings.ToLower(enc), []byte(body)); err != nil && err != errUnsupportedEncoding {
			return fmt.Sprintf("does not decode as Content-Encoding %s", enc)
		}
		return ""
	}
	switch {
	case IsJSON(hh):
		if strings.TrimSpace(body) != "" && !json.Valid([]byte(body)) {
			return "is not valid JSON although Content-Type says JSON"
		}
	case IsSSE(hh):
		evs, err := SplitSSE(body)
		if err != nil {
			return "is not a valid event stream: " + err.Error()
		}
		for k, e := range evs {
			v, ok := sseValues(string(e.Raw))
			if !ok {
				return fmt.Sprintf("event %d does not decode", k)
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
