package secrets

import (
	"net/url"
	"sort"
	"strings"
)

// ScrubURL removes secrets from a URL: the values of secret query (and
// fragment, as in "#access_token=...") parameters, user information
// (user:password@), a parameter value that is a weak configured secret,
// and then every secret ScrubText finds.
func (e *Engine) ScrubURL(raw string) string {
	if !e.urlMayNeedParse(raw) {
		return e.ScrubText(raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return e.ScrubText(raw)
	}
	if u.RawQuery != "" {
		if q, changed := e.scrubQuery(u.RawQuery); changed {
			u.RawQuery = q
			raw = u.String()
		}
	}
	if strings.Contains(u.Fragment, "=") {
		if q, changed := e.scrubQuery(u.EscapedFragment()); changed {
			u.Fragment, u.RawFragment = "", ""
			if f, err := url.PathUnescape(q); err == nil {
				u.Fragment = f
			}
			u.RawFragment = q
			raw = u.String()
		}
	}
	if _, found := e.Find(u.Path); found {
		u.Path, u.RawPath = e.ScrubText(u.Path), ""
		raw = u.String()
	}
	if u.User != nil && u.User.String() != Redacted {
		u.User = url.User(Redacted)
		raw = u.String()
	}
	return e.ScrubText(raw)
}

// scrubQuery redacts the secret parameters of a query string and scrubs
// the others; it reports whether anything changed.
func (e *Engine) scrubQuery(raw string) (string, bool) {
	q, err := url.ParseQuery(raw)
	if err != nil && len(q) == 0 {
		return raw, false
	}
	changed := false
	for k, vs := range q {
		for n, v := range vs {
			switch {
			case e.SecretParam(k) || e.weakMatch(v):
				if v != Redacted {
					vs[n] = Redacted
					changed = true
				}
			default:
				if _, found := e.Find(v); found {
					vs[n] = e.ScrubText(v)
					changed = true
				}
			}
		}
	}
	if !changed {
		return raw, false
	}
	return q.Encode(), true
}

// urlMayNeedParse is a cheap pre-check: does the URL carry user info, a
// fragment, an escape, or a query parameter that may be a secret?
func (e *Engine) urlMayNeedParse(raw string) bool {
	q := strings.IndexByte(raw, '?')
	if at := strings.IndexByte(raw, '@'); at >= 0 && (q < 0 || at < q) {
		return true
	}
	if strings.ContainsAny(raw, "%\\#") {
		return true // an escape may hide a secret: decode and look
	}
	if q < 0 {
		return false
	}
	if len(e.weak) > 0 {
		return true
	}
	rest := raw[q+1:]
	for rest != "" {
		var kv string
		kv, rest, _ = strings.Cut(rest, "&")
		k, _, _ := strings.Cut(kv, "=")
		if strings.ContainsAny(k, "%+;") || e.SecretParam(k) {
			return true
		}
	}
	return false
}

// URLProblems lists, by name, the secrets a URL still carries: secret
// query or fragment parameters whose value is not Redacted, user
// information other than Redacted, and parameter values that are weak
// configured secrets. The messages name the parameters, never values.
func (e *Engine) URLProblems(raw string) []string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil
	}
	var out []string
	if u.User != nil && u.User.String() != Redacted {
		out = append(out, "the user information (user:password@) of the URL")
	}
	for _, part := range []struct{ where, raw string }{{"query", u.RawQuery}, {"fragment", u.EscapedFragment()}} {
		if part.raw == "" || (part.where == "fragment" && !strings.Contains(part.raw, "=")) {
			continue
		}
		q, _ := url.ParseQuery(part.raw)
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, v := range q[k] {
				if v == "" || v == Redacted {
					continue
				}
				if e.SecretParam(k) {
					out = append(out, "the "+part.where+" parameter "+quoteName(k)+" (not redacted)")
					break
				}
				if e.weakMatch(v) {
					out = append(out, "the "+part.where+" parameter "+quoteName(k)+" (a configured secret)")
					break
				}
			}
		}
	}
	return out
}

// quoteName shows a parameter or header name, cut and quoted when it is
// long or odd (a name is not a secret, but keep messages one line).
func quoteName(k string) string {
	if len(k) > 40 {
		k = k[:40] + "..."
	}
	if isToken(strings.ReplaceAll(k, "_", "-")) {
		return k
	}
	return "\"" + strings.Map(func(r rune) rune {
		if r < ' ' || r == '"' {
			return '?'
		}
		return r
	}, k) + "\""
}

// ScrubParamValue scrubs one parameter value (a form field): a weak
// configured secret as a whole value is redacted, and what ScrubText
// finds.
func (e *Engine) ScrubParamValue(v string) string {
	if e.weakMatch(v) {
		return Redacted
	}
	return e.ScrubText(v)
}
