package replay

import (
	"io"
	"net/http"
	"net/http/httptest"
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
