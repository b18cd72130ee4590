package replay

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/recorder"
)

// groqBase is the production base URL the upstream tests store.
const groqBase = "https://api.groq.com/openai/v1"

// gateway is a local server that serves an OpenAI-shaped API under
// prefix (as a gateway does, at http://127.0.0.1:PORT/groq) and notes
// what reached it.
type gateway struct {
	*httptest.Server
	prefix string

	mu    sync.Mutex
	seen  []string // "METHOD PATH?QUERY host=HOST" of each request
	paths []string
}

func newGateway(t *testing.T, prefix string) *gateway {
	t.Helper()
	g := &gateway{prefix: prefix}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		g.mu.Lock()
		g.seen = append(g.seen, r.Method+" "+r.URL.RequestURI()+" host="+r.Host)
		g.mu.Unlock()
		if r.URL.Path != prefix+"/chat/completions" {
			http.Error(w, `{"error":{"message":"unknown path `+r.URL.Path+`"}}`, http.StatusNotFound)
			return
		}
		if r.URL.Query().Get("stream") == "1" {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "data: {\"n\":1}\n\ndata: [DONE]\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"choices":[{"message":{"content":"Paris"}}]}`)
	}))
	t.Cleanup(g.Close)
	return g
}

// requests returns what reached the gateway.
func (g *gateway) requests() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.seen...)
}

// bodyOf reads and closes resp's body.
func bodyOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestUpstreamRecordsTheProductionURL: recording from a local server on a
// random port, under a gateway's path prefix or none, stores Groq's URL
// (the query kept), whether the client calls Groq's URL or the local
// server's; the local server's address appears nowhere in the cassette.
// Replay then answers with no server, from either URL, even when the
// upstream's port has changed.
func TestUpstreamRecordsTheProductionURL(t *testing.T) {
	clearKeys(t)
	t.Setenv("CI", "")
	for _, prefix := range []string{"", "/groq"} {
		for _, calls := range []string{"production", "upstream"} {
			t.Run("prefix="+prefix+"/client_calls_"+calls, func(t *testing.T) {
				g := newGateway(t, prefix)
				up := g.URL + prefix
				base := groqBase
				if calls == "upstream" {
					base = up
				}
				path := filepath.Join(t.TempDir(), "c.yaml")
				ft := newFakeT(t, "TestChat")
				s := start(ft, WithPath(path), WithMode(ModeRecord), WithUpstream(groqBase, up))
				if s == nil {
					t.Fatalf("a loopback upstream with no key was refused: %s", ft.allErrors())
				}
				for _, q := range []string{"?stream=0&alt=json", "?stream=1"} {
					resp, err := post(t, s.Client(), base+"/chat/completions"+q, `{"model":"m"}`)
					if err != nil {
						t.Fatal(err)
					}
					if resp.StatusCode != 200 {
						t.Fatalf("status %d: %s", resp.StatusCode, bodyOf(t, resp))
					}
					bodyOf(t, resp)
				}
				ft.end()
				if e := ft.allErrors(); e != "" {
					t.Fatal(e)
				}
				if logs := strings.Join(ft.logs, "\n"); !strings.Contains(logs, up+" answers for "+groqBase+", which the cassette stores") {
					t.Errorf("the session did not say where it records from: %q", logs)
				}
				host := strings.TrimPrefix(g.URL, "http://")
				want := []string{
					"POST " + prefix + "/chat/completions?stream=0&alt=json host=" + host,
					"POST " + prefix + "/chat/completions?stream=1 host=" + host,
				}
				if got := g.requests(); strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Fatalf("the gateway got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				c, err := cassettes.Load(path)
				if err != nil {
					t.Fatal(err)
				}
				for k, q := range []string{"?stream=0&alt=json", "?stream=1"} {
					req := c.Interactions[k].Request
					if req.URL != groqBase+"/chat/completions"+q || req.Host != "api.groq.com" {
						t.Errorf("interaction %d stored %s (host %s), want %s (host api.groq.com)", k, req.URL, req.Host, groqBase+"/chat/completions"+q)
					}
				}
				raw, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(raw), host) || strings.Contains(string(raw), "127.0.0.1") {
					t.Errorf("the upstream's address %s is in the cassette:\n%s", host, raw)
				}
				g.Close()

				// Replay: no server; the upstream of a later run has
				// another port.
				moved := "http://127.0.0.1:9" + prefix
				for _, replayBase := range []string{groqBase, moved} {
					ft := newFakeT(t, "TestChat")
					s := start(ft, WithPath(path), WithMode(ModeReplay), WithRealTransport(offline{t}), WithUpstream(groqBase, moved))
					for _, q := range []string{"?stream=0&alt=json", "?stream=1"} {
						resp, err := post(t, s.Client(), replayBase+"/chat/completions"+q, `{"model":"m"}`)
						if err != nil {
							t.Fatal(err)
						}
						if body := bodyOf(t, resp); resp.StatusCode != 200 || !strings.Contains(body, "Paris") && !strings.Contains(body, "[DONE]") {
							t.Errorf("replay from %s: %d %s", replayBase, resp.StatusCode, body)
						}
					}
					ft.end()
					if e := ft.allErrors(); e != "" {
						t.Fatalf("replay from %s: %s", replayBase, e)
					}
				}
			})
		}
	}
}

// TestUpstreamBadBaseURLs: a base URL WithUpstream cannot use stops the
// session at its start with an error that says what is wrong, and never
// shows a credential the URL held.
func TestUpstreamBadBaseURLs(t *testing.T) {
	secret := "s3cr3t-" + strings.Repeat("x", 8)
	tests := []struct {
		name       string
		production string
		upstream   string
		want       string
	}{
		{"empty", "", "http://127.0.0.1:1", "production base URL \"\" is empty"},
		{"no scheme", "api.groq.com/openai/v1", "http://127.0.0.1:1", `production base URL "api.groq.com/openai/v1" has no scheme: write it as http://HOST[:PORT][/PATH]`},
		{"host and port, no scheme", groqBase, "127.0.0.1:8080", `upstream base URL "127.0.0.1:8080" has no scheme`},
		{"localhost and port, no scheme", groqBase, "localhost:8080", `upstream base URL "localhost:8080" has no scheme`},
		{"no scheme, credentials", groqBase, "user:" + secret + "@127.0.0.1:8080", `upstream base URL "***@127.0.0.1:8080" has no scheme`},
		{"no scheme, key in the query", "api.groq.com/openai/v1?key=" + secret, "http://127.0.0.1:1", `production base URL "api.groq.com/openai/v1" has no scheme`},
		{"bad port, credentials", groqBase, "http://u:" + secret + "@127.0.0.1:port/x?k=" + secret, "does not parse"},
		{"other scheme", groqBase, "ftp://127.0.0.1/x", `has scheme "ftp": only http and https are supported`},
		{"no host", "https:///openai/v1", "http://127.0.0.1:1", "has no host"},
		{"bad port", groqBase, "http://127.0.0.1:port", "does not parse"},
		{"user and password", groqBase, "http://user:" + secret + "@127.0.0.1:1", `upstream base URL "http://127.0.0.1:1" holds user information (a credential)`},
		{"token as user", "https://" + secret + "@api.groq.com/openai/v1", "http://127.0.0.1:1", "holds user information"},
		{"query", groqBase, "http://127.0.0.1:1/groq?key=" + secret, `upstream base URL "http://127.0.0.1:1/groq" has a query`},
		{"empty query", groqBase + "?", "http://127.0.0.1:1", "has a query"},
		{"fragment", groqBase + "#v1", "http://127.0.0.1:1", "has a fragment"},
		{"dot segment", "https://api.groq.com/openai/../v1", "http://127.0.0.1:1", `"." or ".." path segment`},
		{"the same", groqBase, groqBase + "/", "overlap"},
		{"upstream under production", groqBase, groqBase + "/local", "overlap"},
		{"production under upstream", groqBase, "https://API.groq.com:443/openai", "overlap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := newFakeT(t, "TestX")
			if s := start(ft, WithMode(ModeReplay), WithPath(filepath.Join(t.TempDir(), "none.yaml")), WithUpstream(tt.production, tt.upstream)); s != nil {
				t.Fatalf("the session started")
			}
			got := ft.allErrors()
			if !strings.Contains(got, "replay: WithUpstream: ") || !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want it to contain %q", got, tt.want)
			}
			if strings.Contains(got, secret) {
				t.Errorf("the error shows the credential: %q", got)
			}
		})
	}
	t.Run("two APIs served by one upstream", func(t *testing.T) {
		ft := newFakeT(t, "TestX")
		s := start(ft, WithMode(ModeReplay), WithPath(filepath.Join(t.TempDir(), "none.yaml")),
			WithUpstream(groqBase, "http://127.0.0.1:1"), WithUpstream("https://api.openai.com/v1", "http://127.0.0.1:1/"))
		if s != nil || !strings.Contains(ft.allErrors(), "overlap") || !strings.Contains(ft.allErrors(), "path prefix: http://127.0.0.1:PORT/groq") {
			t.Errorf("errors: %q", ft.allErrors())
		}
	})
}

// TestUpstreamRequestUnderNoBaseURL: with WithUpstream, a request under
// none of its base URLs is not sent anywhere: the test fails once per
// request (however often the client retries) with an error that names it
// and says whether its path does not line up or its host is unknown.
func TestUpstreamRequestUnderNoBaseURL(t *testing.T) {
	clearKeys(t)
	t.Setenv("CI", "")
	g := newGateway(t, "/groq")
	tests := []struct {
		name, url, want string
	}{
		{"upstream host, path off the prefix", g.URL + "/openai/v1/chat/completions", "its path does not line up with the base URL(s) given to replay.WithUpstream on that host (" + g.URL + "/groq)"},
		{"production host, path off the base", "https://api.groq.com/v1/chat/completions", "its path does not line up with the base URL(s) given to replay.WithUpstream on that host (" + groqBase + ")"},
		{"prefix of a segment only", "https://api.groq.com/openai/v10/chat/completions", "does not line up"},
		{"production host, other scheme", "http://api.groq.com/openai/v1/chat/completions", "its scheme http is not that of the base URL(s) given to replay.WithUpstream on that host (" + groqBase + ")"},
		{"another API", "https://api.openai.com/v1/chat/completions?key=" + fakeKey, "under none of the base URLs given to replay.WithUpstream (" + groqBase + ", " + g.URL + "/groq)"},
	}
	for _, tt := range tests {
		for _, mode := range []Mode{ModeRecord, ModeReplay} {
			t.Run(mode.String()+"/"+tt.name, func(t *testing.T) {
				p := filepath.Join(t.TempDir(), "c.yaml")
				if mode == ModeReplay { // a cassette with nothing that matches
					c := cassettes.New(p)
					c.Interactions = []*cassettes.Interaction{{Request: cassettes.Request{Method: "GET", URL: groqBase + "/models"}, Response: cassettes.Response{Code: 200}}}
					if err := c.Save(); err != nil {
						t.Fatal(err)
					}
				}
				ft := newFakeT(t, "TestX")
				s := start(ft, WithMode(mode), WithPath(p), AllowUnused(), WithUpstream(groqBase, g.URL+"/groq"))
				if s == nil {
					t.Fatal(ft.allErrors())
				}
				before := len(g.requests())
				var errs []string
				for range 3 { // a client retrying
					_, err := post(t, s.Client(), tt.url, `{}`)
					if err == nil {
						t.Fatal("the request got an answer")
					}
					// The client's own wrapping (Post "URL": ...) shows
					// the URL as given; the session's part starts at
					// "replay:".
					_, own, _ := strings.Cut(err.Error(), "replay: ")
					errs = append(errs, own)
				}
				if len(g.requests()) != before {
					t.Errorf("the request reached the gateway")
				}
				if !strings.Contains(errs[0], tt.want) || !strings.Contains(errs[0], "was not sent") {
					t.Errorf("error %q, want it to contain %q", errs[0], tt.want)
				}
				ft.end()
				reports := strings.Count(ft.allErrors(), "was not sent")
				if reports != 1 {
					t.Errorf("%d reports, want 1: %s", reports, ft.allErrors())
				}
				if strings.Contains(ft.allErrors()+strings.Join(errs, ""), fakeKey) {
					t.Errorf("a key in the URL reached a message")
				}
			})
		}
	}
}

// TestUpstreamWithFakeTransport: WithUpstream and WithFakeTransport
// compose: the request addressed to the upstream goes through the fake's
// transport, the answers are marked canned, and the cassette stores the
// production URL.
func TestUpstreamWithFakeTransport(t *testing.T) {
	clearKeys(t)
	t.Setenv("CI", "true") // a transport given: allowed under CI
	g := newGateway(t, "/groq")
	path := filepath.Join(t.TempDir(), "c.yaml")
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithFakeTransport(g.Client().Transport), WithUpstream(groqBase, g.URL+"/groq"))
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
	if got := g.requests(); len(got) != 1 || !strings.HasPrefix(got[0], "POST /groq/chat/completions ") {
		t.Errorf("the gateway got %q", got)
	}
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	i := c.Interactions[0]
	if i.Request.URL != groqBase+"/chat/completions" || i.Response.Headers.Get(recorder.SourceHeader) == "" {
		t.Errorf("stored %s, source %q", i.Request.URL, i.Response.Headers.Get(recorder.SourceHeader))
	}
}

// TestUpstreamUnderCI: under CI, recording from a loopback upstream needs
// neither a key nor a transport, and a request can only reach loopback;
// an upstream elsewhere is the network, refused as recording from the
// real API is, and without CI it needs a key as the real API does.
func TestUpstreamUnderCI(t *testing.T) {
	clearKeys(t)
	g := newGateway(t, "")
	for _, tt := range []struct {
		name, ci, upstream, want string
	}{
		{"loopback under CI", "true", g.URL, ""},
		{"localhost under CI", "true", strings.Replace(g.URL, "127.0.0.1", "localhost", 1), ""},
		{"remote under CI", "true", "https://gateway.example.com/groq", "refusing to record (mode record) because CI is set"},
		{"remote with no key", "", "https://gateway.example.com/groq", "recording needs an API key"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			ft := newFakeT(t, "TestX")
			s := start(ft, WithPath(filepath.Join(t.TempDir(), "c.yaml")), WithMode(ModeRecord), WithUpstream(groqBase, tt.upstream))
			if tt.want != "" {
				if s != nil || !strings.Contains(ft.allErrors(), tt.want) {
					t.Fatalf("errors: %q, want %q", ft.allErrors(), tt.want)
				}
				return
			}
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
		})
	}
}

// TestUpstreamRoute checks the mapping on its own: paths below the base,
// escaped paths, default ports, case, the base itself.
func TestUpstreamRoute(t *testing.T) {
	m, err := parseUpstreams([][2]string{{"https://API.groq.com:443/openai/v1/", "http://127.0.0.1:8080/groq"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		in, stored, sent string
	}{
		{"https://api.groq.com/openai/v1/chat/completions", "https://api.groq.com/openai/v1/chat/completions", "http://127.0.0.1:8080/groq/chat/completions"},
		{"HTTPS://api.GROQ.com:443/openai/v1/models/a%2Fb?x=1&y=%20", "https://api.groq.com/openai/v1/models/a%2Fb?x=1&y=%20", "http://127.0.0.1:8080/groq/models/a%2Fb?x=1&y=%20"},
		{"http://127.0.0.1:8080/groq", "https://api.groq.com/openai/v1", "http://127.0.0.1:8080/groq"},
		{"http://127.0.0.1:8080/groq/", "https://api.groq.com/openai/v1/", "http://127.0.0.1:8080/groq/"},
	} {
		u, err := url.Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		stored, sent, err := m.route(u)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if stored.String() != tt.stored || sent.String() != tt.sent {
			t.Errorf("%s: stored %s sent %s, want %s and %s", tt.in, stored, sent, tt.stored, tt.sent)
		}
	}
}

// FuzzUpstreamRoute: for any base URLs and request URL, parsing and
// routing never panic; a routed URL lands under both bases with its query
// kept, and routing either result again gives the same pair.
func FuzzUpstreamRoute(f *testing.F) {
	f.Add(groqBase, "http://127.0.0.1:8080/groq", "https://api.groq.com/openai/v1/chat/completions?a=1")
	f.Add("https://h/", "http://[::1]:80/p%2Fq", "http://[::1]/p%2Fq/x")
	f.Add("https://h/a b", "http://l/c", "https://h/a%20b/%zz")
	f.Add("http://h:80", "https://l:443/x/", "http://H/")
	f.Fuzz(func(t *testing.T, prod, up, req string) {
		m, err := parseUpstreams([][2]string{{prod, up}})
		if err != nil {
			return
		}
		u, err := url.Parse(req)
		if err != nil {
			return
		}
		stored, sent, err := m.route(u)
		if err != nil {
			return
		}
		for _, got := range []*url.URL{stored, sent} {
			if got.RawQuery != u.RawQuery {
				t.Fatalf("%s: query %q became %q", req, u.RawQuery, got.RawQuery)
			}
			s2, t2, err := m.route(got)
			if err != nil || s2.String() != stored.String() || t2.String() != sent.String() {
				t.Fatalf("%s: routing %s again gave %v %v %v, want %s %s", req, got, s2, t2, err, stored, sent)
			}
		}
	})
}

// TestUpstreamInPassthroughAndNewEpisodes: the other modes that reach the
// server send to the upstream too; new-episodes replays what the
// cassette has (stored under production) and records the rest from the
// upstream, stored under production.
func TestUpstreamInPassthroughAndNewEpisodes(t *testing.T) {
	clearKeys(t)
	t.Setenv("CI", "")
	g := newGateway(t, "/groq")
	up := g.URL + "/groq"

	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(filepath.Join(t.TempDir(), "none.yaml")), WithMode(ModePassthrough), WithUpstream(groqBase, up))
	resp, err := post(t, s.Client(), groqBase+"/chat/completions", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	if body := bodyOf(t, resp); !strings.Contains(body, "Paris") {
		t.Fatalf("passthrough answer: %s", body)
	}
	ft.end()
	if e := ft.allErrors(); e != "" || len(g.requests()) != 1 {
		t.Fatalf("errors %q, gateway requests %q", e, g.requests())
	}

	path := filepath.Join(t.TempDir(), "c.yaml")
	c := cassettes.New(path)
	c.Interactions = []*cassettes.Interaction{{
		Request:  cassettes.Request{Method: "POST", URL: groqBase + "/chat/completions?old=1", Body: `{}`},
		Response: cassettes.Response{Code: 200, Status: "200 OK", Body: `{"old":true}`},
	}}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	ft = newFakeT(t, "TestX")
	s = start(ft, WithPath(path), WithMode(ModeNewEpisodes), WithUpstream(groqBase, up))
	for _, u := range []string{up + "/chat/completions?old=1", groqBase + "/chat/completions?new=1"} {
		resp, err := post(t, s.Client(), u, `{}`)
		if err != nil {
			t.Fatal(err)
		}
		bodyOf(t, resp)
	}
	ft.end()
	if e := ft.allErrors(); e != "" {
		t.Fatal(e)
	}
	if got := g.requests(); len(got) != 2 || !strings.HasPrefix(got[1], "POST /groq/chat/completions?new=1 ") {
		t.Errorf("the gateway got %q, want only the new request", got)
	}
	c, err = cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Interactions) != 2 || c.Interactions[1].Request.URL != groqBase+"/chat/completions?new=1" {
		t.Errorf("saved %d interactions, the last for %s", len(c.Interactions), c.Interactions[len(c.Interactions)-1].Request.URL)
	}
}
