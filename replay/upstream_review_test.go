package replay

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
)

// TestUpstreamRedirectIsStoredUnderProduction: an upstream that redirects
// (absolute or path-absolute Location, to a place under itself) is
// followed under the production URL: the Location the client sees and the
// cassette stores points under production, so the cassette holds no
// upstream address, and replay, with no server and the upstream on another
// port, follows the same redirect. Before, the Location kept the
// upstream's host:port: the cassette recorded it and replay's client then
// followed it to an address under no base URL.
func TestUpstreamRedirectIsStoredUnderProduction(t *testing.T) {
	clearKeys(t)
	t.Setenv("CI", "")
	for _, form := range []string{"absolute", "path-absolute"} {
		t.Run(form, func(t *testing.T) {
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/groq/old-models":
					loc := "/groq/models?page=2"
					if form == "absolute" {
						loc = srv.URL + loc
					}
					w.Header().Set("Location", loc)
					w.Header().Set("Content-Location", srv.URL+"/groq/old-models")
					w.WriteHeader(http.StatusFound)
				case "/groq/models":
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, `{"data":[{"id":"m"}]}`)
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			path := filepath.Join(t.TempDir(), "c.yaml")
			get := func(s *Session) (string, string) {
				t.Helper()
				resp, err := s.Client().Get(groqBase + "/old-models")
				if err != nil {
					t.Fatal(err)
				}
				return resp.Request.URL.String(), bodyOf(t, resp)
			}
			ft := newFakeT(t, "TestX")
			s := start(ft, WithPath(path), WithMode(ModeRecord), WithUpstream(groqBase, srv.URL+"/groq"))
			if s == nil {
				t.Fatal(ft.allErrors())
			}
			final, body := get(s)
			if final != groqBase+"/models?page=2" || !strings.Contains(body, `"m"`) {
				t.Fatalf("recording: the client ended at %s with %s", final, body)
			}
			ft.end()
			if e := ft.allErrors(); e != "" {
				t.Fatal(e)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			host := strings.TrimPrefix(srv.URL, "http://")
			if strings.Contains(string(raw), host) || strings.Contains(string(raw), "/groq/") {
				t.Errorf("the cassette holds the upstream's address:\n%s", raw)
			}
			c, err := cassettes.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Interactions[0].Response.Headers.Get("Location"); got != groqBase+"/models?page=2" && got != "/openai/v1/models?page=2" {
				t.Errorf("stored Location %q, want it under production", got)
			}
			srv.Close()

			ft = newFakeT(t, "TestX")
			s = start(ft, WithPath(path), WithMode(ModeReplay), WithUpstream(groqBase, "http://127.0.0.1:9/groq"))
			if final, body := get(s); final != groqBase+"/models?page=2" || !strings.Contains(body, `"m"`) {
				t.Errorf("replay: the client ended at %s with %s", final, body)
			}
			ft.end()
			if e := ft.allErrors(); e != "" {
				t.Fatal(e)
			}
		})
	}
}

// TestUpstreamStoresACanonicalProductionURL: a production base URL given
// with an upper-case host, the scheme's default port or a final '/' is
// stored as the client would send it with the usual spelling
// (https://api.groq.com/openai/v1/...), so the cassette replays under
// any spelling of WithUpstream, and with none at all. Before, the host
// was stored as given (API.Groq.com:443) and replay without that exact
// spelling missed.
func TestUpstreamStoresACanonicalProductionURL(t *testing.T) {
	clearKeys(t)
	t.Setenv("CI", "")
	g := newGateway(t, "")
	path := filepath.Join(t.TempDir(), "c.yaml")
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithUpstream("HTTPS://API.Groq.com:443/openai/v1/", g.URL))
	if s == nil {
		t.Fatal(ft.allErrors())
	}
	resp, err := post(t, s.Client(), groqBase+"/chat/completions", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	bodyOf(t, resp)
	ft.end()
	if e := ft.allErrors(); e != "" {
		t.Fatal(e)
	}
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if req := c.Interactions[0].Request; req.URL != groqBase+"/chat/completions" || req.Host != "api.groq.com" {
		t.Errorf("stored %s (host %s), want %s (host api.groq.com)", req.URL, req.Host, groqBase+"/chat/completions")
	}
	for _, opts := range [][]Option{nil, {WithUpstream(groqBase, "http://127.0.0.1:9")}} {
		ft := newFakeT(t, "TestX")
		s := start(ft, append(opts, WithPath(path), WithMode(ModeReplay))...)
		resp, err := post(t, s.Client(), groqBase+"/chat/completions", `{}`)
		if err != nil {
			t.Fatal(err)
		}
		bodyOf(t, resp)
		ft.end()
		if e := ft.allErrors(); e != "" {
			t.Errorf("replay with %d WithUpstream: %s", len(opts), e)
		}
	}
}

// TestUpstreamGivenTwice: the same pair given twice (say by a helper and
// by the test) is one mapping; the same production base URL given with
// two different upstreams fails the session with an error that says so.
func TestUpstreamGivenTwice(t *testing.T) {
	ft := newFakeT(t, "TestX")
	p := filepath.Join(t.TempDir(), "none.yaml")
	s := start(ft, WithMode(ModePassthrough), WithPath(p),
		WithUpstream(groqBase, "http://127.0.0.1:1/groq"), WithUpstream(groqBase+"/", "http://127.0.0.1:1/groq/"))
	if s == nil {
		t.Fatalf("the same pair given twice was refused: %s", ft.allErrors())
	}
	ft.end()

	ft = newFakeT(t, "TestX")
	s = start(ft, WithMode(ModePassthrough), WithPath(p),
		WithUpstream(groqBase, "http://127.0.0.1:1/groq"), WithUpstream(groqBase, "http://127.0.0.1:2/groq"))
	if s != nil {
		t.Fatal("two upstreams for one production base URL were accepted")
	}
	if e := ft.allErrors(); !strings.Contains(e, "production base URL "+groqBase+" is given twice") {
		t.Errorf("error %q", e)
	}
}

// TestUpstreamPercentEscapesAreOneSpelling: a base URL's path matches a
// request's whatever the spelling of its escapes (%2f or %2F, %76 or v),
// as servers take them, with the rest of the path kept as the client
// sent it; an escaped '/' still differs from a '/'. Before, a request
// spelled otherwise than WithUpstream's base was refused as under no
// base URL.
func TestUpstreamPercentEscapesAreOneSpelling(t *testing.T) {
	m, err := parseUpstreams([][2]string{{"https://h.example/a%2Fb/v1", "http://127.0.0.1:8080/g"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ in, stored, sent string }{
		{"https://h.example/a%2fb/v1/x%7e", "https://h.example/a%2Fb/v1/x%7e", "http://127.0.0.1:8080/g/x%7e"},
		{"https://h.example/a%2Fb/%761/x?k=1", "https://h.example/a%2Fb/v1/x?k=1", "http://127.0.0.1:8080/g/x?k=1"},
		{"http://127.0.0.1:8080/%67/x", "https://h.example/a%2Fb/v1/x", "http://127.0.0.1:8080/g/x"},
		{"https://h.example/a/b/v1/x", "", ""},
		{"https://h.example/a%2Fb/v10/x", "", ""},
	} {
		u, err := url.Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		stored, sent, err := m.route(u)
		if tt.stored == "" {
			if err == nil {
				t.Errorf("%s was routed to %s and %s", tt.in, stored, sent)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if stored.String() != tt.stored || sent.String() != tt.sent {
			t.Errorf("%s: stored %s sent %s, want %s and %s", tt.in, stored, sent, tt.stored, tt.sent)
		}
	}
	if _, err := parseUpstreams([][2]string{{"https://h.example/a%2Fb", "http://127.0.0.1:1"}, {"https://h.example/a%2fb", "http://127.0.0.1:2"}}); err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("one production base spelled two ways: %v", err)
	}
}

// sharedHeaderTransport answers every request with one header map, as a
// fake transport may: a redirect to itself under the upstream.
type sharedHeaderTransport struct{ h http.Header }

func (s sharedHeaderTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusFound, Status: "302 Found", Header: s.h, Body: http.NoBody, Request: r}, nil
}

// TestUpstreamRedirectLeavesTheTransportsHeaders: moving a redirect under
// production does not write into the header map the upstream's transport
// returned, which a fake may share between answers.
func TestUpstreamRedirectLeavesTheTransportsHeaders(t *testing.T) {
	up := "http://127.0.0.1:9/groq"
	h := http.Header{"Location": {up + "/models"}}
	m, err := parseUpstreams([][2]string{{groqBase, up}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := forwarder{m: m, next: sharedHeaderTransport{h}}.RoundTrip(httptest.NewRequest("GET", groqBase+"/old", nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("Location"); got != groqBase+"/models" {
		t.Errorf("Location %q, want %q", got, groqBase+"/models")
	}
	if got := h.Get("Location"); got != up+"/models" {
		t.Errorf("the transport's header map was changed to %q", got)
	}
}

// TestUpstreamDotSegmentsAreRefused: a request path with a "." or ".."
// segment below a base URL (written plainly or escaped, %2e%2e) is not
// sent: the upstream would resolve it out of its prefix (a gateway's
// /groq/../admin is its /admin), to a place the stored production URL
// does not name. Before, it was sent with the dots kept.
func TestUpstreamDotSegmentsAreRefused(t *testing.T) {
	m, err := parseUpstreams([][2]string{{groqBase, "http://127.0.0.1:8080/groq"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{
		groqBase + "/../admin",
		groqBase + "/x/%2e%2E/admin",
		groqBase + "/./chat/completions",
		"http://127.0.0.1:8080/groq/%2E%2e/admin?x=1",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if stored, sent, err := m.route(u); err == nil || !strings.Contains(err.Error(), `"." or ".." segment`) {
			t.Errorf("%s: routed to %v and %v (%v)", in, stored, sent, err)
		}
	}
	u, _ := url.Parse(groqBase + "/files/a..b/.x")
	if _, _, err := m.route(u); err != nil {
		t.Errorf("dots inside a segment: %v", err)
	}
}
