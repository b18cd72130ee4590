package fakes

import "net/http"

// Transport returns an http.RoundTripper that sends every request to this
// server, whatever its URL's scheme and host: the path and query are kept,
// so a model left at its default base URL (https://api.groq.com) talks to
// the fake without WithBaseURL. The response's Request is the caller's
// request, with its URL unchanged. Once the server is closed, requests
// fail with a connection error.
//
// A replay session records from the fake through it, with no API key,
// while the recorded URLs stay https://api.groq.com/... and every answer
// is marked canned:
//
//	g := fakes.NewGroq(t, fakes.WithDefaultAnswers())
//	s := replay.New(t, replay.WithFakeTransport(g.Transport()))
//	model, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(s.Client()))
//
// In replay mode the session never reaches the fake, so mark any answer
// you script for the recording Optional (g.Reply(fakes.TextCompletion("Paris.")).Optional()):
// an answer never used otherwise fails the test.
//
// A model can also use it directly:
//
//	model, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithTransport(g.Transport()))
func (g *Groq) Transport() http.RoundTripper {
	// The listener's address, not g.URL, which a caller may have changed.
	return &redirectTransport{scheme: "http", host: g.srv.Listener.Addr().String(), base: g.srv.Client().Transport}
}

// redirectTransport sends requests to one scheme and host.
type redirectTransport struct {
	scheme, host string            // of the fake server
	base         http.RoundTripper // the server's own client transport
}

// RoundTrip sends a copy of req, addressed to the fake, and returns its
// response as the response to req.
func (t *redirectTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	u := *req.URL
	u.Scheme, u.Host = t.scheme, t.host
	out.URL = &u
	out.Host = ""
	resp, err := t.base.RoundTrip(out)
	if resp != nil {
		resp.Request = req
	}
	return resp, err
}
