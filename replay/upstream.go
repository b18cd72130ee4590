package replay

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// WithUpstream records from another server than the one the code uses in
// production, and keeps the production URL in the cassette. production
// is the base URL the code calls in production
// ("https://api.groq.com/openai/v1"); upstream is the server that answers
// while recording or passing through: a local fake, a proxy or a gateway,
// usually on a port that changes on every run
// ("http://127.0.0.1:41234", or "http://127.0.0.1:41234/groq" for a
// gateway that serves the API under its own prefix).
//
//	srv := httptest.NewServer(handler) // or a proxy, a gateway
//	s := replay.New(t, replay.WithUpstream("https://api.groq.com/openai/v1", srv.URL))
//	// the client keeps https://api.groq.com/openai/v1 as its base URL
//
// A request under either base URL is handled the same way: the cassette
// stores it, and replay matches it, under production
// (https://api.groq.com/openai/v1/chat/completions); while recording or
// passing through it is sent to upstream
// (http://127.0.0.1:41234/chat/completions). The path below the base
// URL and the query are kept as the client sent them, so the client may
// be pointed at either: at production (nothing in the code changes), or
// at upstream (code that reads its base URL from a setting). The port of
// upstream may change from run to run, and replay needs no server at all.
// Matching never ignores the host: a request to another API never
// replays an answer recorded from this one.
//
// The stored URL spells production's host as clients usually do (lower
// case, without the scheme's default port), however WithUpstream was
// given it. A redirect the upstream makes to a place under itself
// (Location, and Content-Location) is moved under production, as an
// absolute URL, before the client or the cassette sees it: the client
// follows it under production and the cassette holds no upstream
// address, so replay follows the same redirect on any port. Bodies are
// kept byte for byte as the upstream sent them: an answer that echoes
// the upstream's address keeps it (replay matches requests, not answers,
// so it does no harm beyond showing the address).
//
// A request under neither base URL fails the test with an error that
// names it (a path that does not line up with a base URL's path says
// so, and so does a path with a "." or ".." segment below the base URL,
// which the upstream would resolve out of its place); a test that talks
// to several APIs gives WithUpstream once for each. A base URL must be absolute http or https, with no user
// information, query or fragment, and no base URL may lie under another
// given to the session: New fails the test otherwise. The same pair
// given twice is one mapping; one production base URL given with two
// upstreams fails the test.
//
// The request goes to upstream through WithRealTransport's or
// WithFakeTransport's transport when one is given (a fake's answers are
// then marked canned), else through http.DefaultTransport. An upstream on
// a loopback host (localhost, 127.0.0.1, ::1) is a local server: recording
// from it needs no API key, and it is allowed when CI is set. Any other
// upstream is the network, with the same rules as recording from the
// real API. Replay never uses upstream.
func WithUpstream(production, upstream string) Option {
	return func(c *config) { c.upstreams = append(c.upstreams, [2]string{production, upstream}) }
}

// baseURL is a base URL given to WithUpstream, normalised for comparison.
type baseURL struct {
	scheme string   // "http" or "https"
	host   string   // lower case, without the scheme's default port
	path   string   // escaped, without a final '/' ("" for the root)
	segs   []string // path split on '/', each segment escaped canonically
	u      *url.URL // as given, for the URLs built from it
}

// String returns the base URL as given (it holds no user information or
// query).
func (b baseURL) String() string { return b.u.String() }

// under reports whether the URL u is under the base URL: same scheme and
// host, and a path that is the base path or continues it after a '/'.
func (b baseURL) under(scheme, host, path string) bool {
	_, ok := b.below(scheme, host, path)
	return ok
}

// below returns, for an escaped path under the base URL (see under), the
// rest of the path after the base path, as the client escaped it ("" or
// starting with '/'). Segments are compared unescaped, so %2f and %2F,
// or %76 and v, are the same segment (as servers take them); an escaped
// '/' (%2F) stays inside its segment.
func (b baseURL) below(scheme, host, path string) (string, bool) {
	if scheme != b.scheme || host != b.host {
		return "", false
	}
	segs := strings.Split(path, "/")
	if len(segs) < len(b.segs) {
		return "", false
	}
	for k, seg := range b.segs {
		if canonSegment(segs[k]) != seg {
			return "", false
		}
	}
	if len(segs) == len(b.segs) {
		return "", true
	}
	return "/" + strings.Join(segs[len(b.segs):], "/"), true
}

// dotSegment reports whether the escaped path has a "." or ".." segment,
// written plainly or escaped (%2e).
func dotSegment(path string) bool {
	for _, seg := range strings.Split(path, "/") {
		if u, err := url.PathUnescape(seg); err == nil && (u == "." || u == "..") {
			return true
		}
	}
	return false
}

// canonSegment returns an escaped path segment in one spelling of its
// bytes (url.PathEscape's), or as it is when it does not unescape.
func canonSegment(seg string) string {
	u, err := url.PathUnescape(seg)
	if err != nil {
		return seg
	}
	return url.PathEscape(u)
}

// same reports whether b and c are the same base URL, however spelled.
func (b baseURL) same(c baseURL) bool {
	return b.scheme == c.scheme && b.host == c.host && slices.Equal(b.segs, c.segs)
}

// upstream maps one production base URL to the server that answers for
// it.
type upstream struct {
	production, upstream baseURL
}

// upstreams are the session's WithUpstream mappings.
type upstreams []upstream

// upstreamError is a base URL WithUpstream cannot use.
type upstreamError struct {
	Role   string // "production" or "upstream"
	URL    string // as given, or what can be shown of it safely
	Reason string
}

func (e *upstreamError) Error() string {
	return fmt.Sprintf("replay: WithUpstream: %s base URL %s %s", e.Role, e.URL, e.Reason)
}

// parseUpstreams checks and normalises the WithUpstream pairs.
func parseUpstreams(pairs [][2]string) (upstreams, error) {
	var out upstreams
	var all []baseURL
	for _, p := range pairs {
		prod, err := parseBaseURL("production", p[0])
		if err != nil {
			return nil, err
		}
		up, err := parseBaseURL("upstream", p[1])
		if err != nil {
			return nil, err
		}
		dup := false
		for _, q := range out {
			if q.production.same(prod) {
				if !q.upstream.same(up) {
					return nil, fmt.Errorf("replay: WithUpstream: production base URL %s is given twice, with upstreams %s and %s; give each production base URL once", q.production, q.upstream, up)
				}
				dup = true
			}
		}
		if dup {
			continue // the same pair again (a helper's and the test's): one mapping
		}
		out = append(out, upstream{production: prod, upstream: up})
		for _, b := range all {
			for _, c := range []baseURL{prod, up} {
				if b.under(c.scheme, c.host, c.path) || c.under(b.scheme, b.host, b.path) {
					return nil, fmt.Errorf("replay: WithUpstream: base URLs %s and %s overlap (one is under the other), so a request under both could not be told apart; give each API and each upstream a base URL of its own (a gateway can take a path prefix: http://127.0.0.1:PORT/groq)", b, c)
				}
			}
		}
		if prod.under(up.scheme, up.host, up.path) || up.under(prod.scheme, prod.host, prod.path) {
			return nil, fmt.Errorf("replay: WithUpstream: production %s and upstream %s overlap (one is under the other); the upstream is the server that answers instead of production, on another host or under another path", prod, up)
		}
		all = append(all, prod, up)
	}
	return out, nil
}

// parseBaseURL checks one base URL given to WithUpstream. Its error never
// shows user information or a query, which may hold a credential.
func parseBaseURL(role, s string) (baseURL, error) {
	bad := func(shown, reason string) (baseURL, error) {
		return baseURL{}, &upstreamError{Role: role, URL: shown, Reason: reason}
	}
	if strings.TrimSpace(s) == "" {
		return bad(`""`, "is empty: give an absolute URL such as https://api.groq.com/openai/v1 or http://127.0.0.1:PORT")
	}
	hasScheme := strings.Contains(s, "://")
	u, err := url.Parse(s)
	if err != nil || !hasScheme {
		reason := "has no scheme: write it as http://HOST[:PORT][/PATH] or https://HOST[/PATH]"
		if hasScheme {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // without the URL, which may hold a credential
			}
			reason = "does not parse: " + err.Error()
		}
		return bad(quoteSafe(withoutCredentials(s)), reason)
	}
	if u.User != nil {
		u.User = nil
		return bad(quoteSafe(u.String()), "holds user information (a credential): give credentials to the client, or to WithRealTransport's transport, not to the URL")
	}
	if u.RawQuery != "" || u.ForceQuery {
		u.RawQuery, u.ForceQuery = "", false
		return bad(quoteSafe(u.String()), "has a query: a base URL has none (the query of each request is kept as the client sent it)")
	}
	if u.Fragment != "" {
		u.Fragment, u.RawFragment = "", ""
		return bad(quoteSafe(u.String()), "has a fragment (#...): a base URL has none")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return bad(quoteSafe(s), fmt.Sprintf("has scheme %q: only http and https are supported", u.Scheme))
	}
	if u.Host == "" || u.Hostname() == "" {
		return bad(quoteSafe(s), "has no host")
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	for _, seg := range strings.Split(path, "/") {
		if seg == "." || seg == ".." {
			return bad(quoteSafe(s), `has a "." or ".." path segment: give the path as clients send it`)
		}
	}
	u.Scheme = scheme
	segs := strings.Split(path, "/")
	for k := range segs {
		segs[k] = canonSegment(segs[k])
	}
	return baseURL{scheme: scheme, host: normHost(scheme, u.Host), path: path, segs: segs, u: u}, nil
}

// withoutCredentials cuts, from a string that is not a usable URL, what
// may be a credential: the query and fragment, and any user information
// (up to the last '@').
func withoutCredentials(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, "@"); i >= 0 {
		s = "***@" + s[i+1:]
	}
	return s
}

// quoteSafe quotes a URL for an error, with control characters escaped.
func quoteSafe(s string) string { return fmt.Sprintf("%q", s) }

// normHost returns host in lower case, without the scheme's default
// port, for comparison.
func normHost(scheme, host string) string {
	host = strings.ToLower(host)
	if h, port, err := net.SplitHostPort(host); err == nil {
		if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
			if strings.Contains(h, ":") {
				return "[" + h + "]"
			}
			return h
		}
	}
	return host
}

// route returns, for a request URL under one of the base URLs, the URL
// the cassette stores (under production) and the URL the request is
// sent to (under upstream). Otherwise its error explains which base URLs
// the session knows.
func (m upstreams) route(u *url.URL) (stored, sent *url.URL, err error) {
	scheme := strings.ToLower(u.Scheme)
	host := normHost(scheme, u.Host)
	path := u.EscapedPath()
	for _, p := range m {
		rest, ok := p.production.below(scheme, host, path)
		if !ok {
			if rest, ok = p.upstream.below(scheme, host, path); !ok {
				continue
			}
		}
		if dotSegment(rest) {
			return nil, nil, errors.New(`its path has a "." or ".." segment below the base URL, which the upstream would resolve out of its place (a gateway's /groq/../admin is its /admin): send the path without them`)
		}
		return rebase(u, p.production, rest), rebase(u, p.upstream, rest), nil
	}
	var bases, samePlace, otherScheme []string
	for _, p := range m {
		for _, b := range []baseURL{p.production, p.upstream} {
			bases = append(bases, b.String())
			switch {
			case b.host == host && b.scheme == scheme:
				samePlace = append(samePlace, b.String())
			case b.host == host:
				otherScheme = append(otherScheme, b.String())
			}
		}
	}
	switch {
	case len(samePlace) > 0:
		return nil, nil, fmt.Errorf("its path does not line up with the base URL(s) given to replay.WithUpstream on that host (%s): point the client at the base URL, or give WithUpstream the base URL the client uses", strings.Join(samePlace, ", "))
	case len(otherScheme) > 0:
		return nil, nil, fmt.Errorf("its scheme %s is not that of the base URL(s) given to replay.WithUpstream on that host (%s)", scheme, strings.Join(otherScheme, ", "))
	}
	return nil, nil, fmt.Errorf("it is under none of the base URLs given to replay.WithUpstream (%s): give WithUpstream once for each API the test calls", strings.Join(bases, ", "))
}

// rebase returns u moved under base, with rest (escaped, starting with '/'
// or empty) below the base path; the query is kept.
func rebase(u *url.URL, base baseURL, rest string) *url.URL {
	out := *u
	// The host as clients usually spell it (lower case, no default
	// port), so the stored URL does not depend on how WithUpstream was
	// given one.
	out.Scheme, out.Host, out.Opaque, out.User = base.scheme, base.host, "", nil
	esc := base.path + rest
	if p, err := url.PathUnescape(esc); err == nil {
		out.Path, out.RawPath = p, esc
	} else {
		out.Path, out.RawPath = base.u.Path+rest, ""
	}
	return &out
}

// loopback reports whether every upstream is on a loopback host.
func (m upstreams) loopback() bool {
	for _, p := range m {
		if !isLoopback(p.upstream.u.Hostname()) {
			return false
		}
	}
	return len(m) > 0
}

// isLoopback reports whether host (no port) is localhost or a loopback IP.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// withURL returns a shallow copy of r addressed to u, with the Host of u,
// so that what is recorded and matched is u.
func withURL(r *http.Request, u *url.URL) *http.Request {
	out := *r
	out.URL = u
	out.Host = u.Host
	return &out
}

// forwarder sends each request, addressed under a production base URL, to
// its upstream through next, and returns the answer as the answer to the
// request.
type forwarder struct {
	m    upstreams
	next http.RoundTripper
}

// RoundTrip sends r to its upstream.
func (f forwarder) RoundTrip(r *http.Request) (*http.Response, error) {
	_, sent, err := f.m.route(r.URL)
	if err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("replay: forward %s: %w", r.Method, err)
	}
	out := withURL(r, sent)
	out.Host = "" // the upstream's own host, as a reverse proxy sends it
	resp, err := f.next.RoundTrip(out)
	if resp != nil {
		resp.Request = r
		resp.Header = f.m.unroute(resp.Header, sent)
	}
	return resp, err
}

// locationHeaders are the response headers that hold a URL a client
// follows or resolves against.
var locationHeaders = []string{"Location", "Content-Location"}

// unroute returns the response headers h of a request sent to sent with
// each URL under an upstream (a redirect the upstream made to itself)
// moved to the same place under its production base URL, as an absolute
// URL: the client follows it under production, which is routed to the
// upstream again, and the cassette stores no upstream address. Other
// values are left as the server sent them. h itself is not changed (a
// fake transport may hand out one header map for every answer): a copy
// is returned when something moved.
func (m upstreams) unroute(h http.Header, sent *url.URL) http.Header {
	out, cloned := h, false
	for _, name := range locationHeaders {
		vals := h.Values(name)
		var moved []string
		for k, v := range vals {
			u, err := sent.Parse(v)
			if err != nil {
				continue
			}
			if p, ok := m.toProduction(u); ok {
				if moved == nil {
					moved = slices.Clone(vals)
				}
				moved[k] = p.String()
			}
		}
		if moved != nil {
			if !cloned {
				out, cloned = h.Clone(), true
			}
			out[http.CanonicalHeaderKey(name)] = moved
		}
	}
	return out
}

// toProduction returns u, when it is under an upstream base URL, moved
// under that upstream's production base URL.
func (m upstreams) toProduction(u *url.URL) (*url.URL, bool) {
	scheme := strings.ToLower(u.Scheme)
	host := normHost(scheme, u.Host)
	path := u.EscapedPath()
	for _, p := range m {
		if rest, ok := p.upstream.below(scheme, host, path); ok {
			return rebase(u, p.production, rest), true
		}
	}
	return nil, false
}

// routeError reports, once per method and URL, a request under none of
// WithUpstream's base URLs, and returns the error for the client (one no
// client retries).
func (s *Session) routeError(r *http.Request, err error) error {
	u := s.scrub.ScrubURL(r.URL.String())
	e := &routeErr{msg: fmt.Sprintf("replay: %s: %s %s was not sent: %v", s.path, r.Method, u, err)}
	if _, seen := s.routeErrs.LoadOrStore(r.Method+" "+u, true); !seen {
		s.fail(e)
	}
	return e
}

// routeErr is the error for a request under none of WithUpstream's base
// URLs.
type routeErr struct{ msg string }

func (e *routeErr) Error() string { return e.msg }

// Retryable reports false: the same request would fail the same way.
func (e *routeErr) Retryable() bool { return false }
