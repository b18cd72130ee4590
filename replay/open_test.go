package replay

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// answersJSONAndStream serves a JSON answer at /json and a whole event
// stream (ended by [DONE]) at /stream.
func answersJSONAndStream(t *testing.T) *fakeGroq {
	return newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
		if strings.HasSuffix(r.URL.Path, "/stream") {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	})
}

// recordJSONAndStream records, closing every body, a cassette whose
// interaction 0 is the JSON answer and interaction 1 the stream.
func recordJSONAndStream(t *testing.T, g *fakeGroq) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.yaml")
	ft := newFakeT(t, "TestFixture")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	for _, p := range []string{"/json", "/stream"} {
		resp, err := post(t, s.Client(), g.URL+p, `{"stream":true}`)
		if err != nil {
			t.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	ft.end()
	if e := ft.allErrors(); e != "" {
		t.Fatal(e)
	}
	return path
}

// TestUnclosedBodyIsReportedInEveryMode: a response body the client never
// closes fails the test the same way whatever the mode, whether it is a
// stream or not and however far the client read, and the report names
// the request (its number, method and URL, and the recording replayed).
// A body closed is never reported. Before, only a recorded stream the
// client had not read to its end was caught: one whose last read
// happened to bring the end along, a JSON body, and anything replayed
// went unnoticed.
func TestUnclosedBodyIsReportedInEveryMode(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	g := answersJSONAndStream(t)
	fixture := recordJSONAndStream(t, g)
	for _, mode := range []Mode{ModeRecord, ModeReplay, ModeNewEpisodes, ModePassthrough} {
		for _, p := range []struct {
			path, kind, replayed string
		}{
			{"/json", "body", ", replayed from interaction 0"},
			{"/stream", "stream", ", replayed from interaction 1"},
		} {
			for _, read := range []string{"nothing", "one read", "to the end", "and closed"} {
				t.Run(mode.String()+p.path+"/"+strings.ReplaceAll(read, " ", "_"), func(t *testing.T) {
					path := filepath.Join(t.TempDir(), "c.yaml")
					if mode == ModeReplay {
						path = fixture // new-episodes starts with no cassette: every answer is live
					}
					ft := newFakeT(t, "TestX")
					s := start(ft, WithPath(path), WithMode(mode), WithRealTransport(http.DefaultTransport), AllowUnused())
					resp, err := post(t, s.Client(), g.URL+p.path, `{"stream":true}`)
					if err != nil {
						t.Fatal(err)
					}
					switch read {
					case "one read":
						resp.Body.Read(make([]byte, 4))
					case "to the end":
						io.ReadAll(resp.Body)
					case "and closed":
						io.ReadAll(resp.Body)
						resp.Body.Close()
					}
					ft.end()
					errs := ft.allErrors()
					if read == "and closed" {
						if errs != "" {
							t.Fatalf("a closed body was reported: %s", errs)
						}
						return
					}
					want := "request 1: POST " + g.URL + p.path + " (" + p.kind
					if mode == ModeReplay {
						want += p.replayed
					}
					want += `) {"stream":true}` // the request's body, the same in every mode
					if !strings.Contains(errs, "1 response body was never closed") || !strings.Contains(errs, want) {
						t.Fatalf("want a report naming %q, got errors: %q", want, errs)
					}
					if mode == ModeRecord || mode == ModeNewEpisodes {
						if !strings.Contains(errs, "the cassette was not saved") {
							t.Errorf("the report does not say the cassette was not saved: %q", errs)
						}
						if _, err := os.Stat(path); err == nil {
							t.Errorf("a recording with a body never closed was saved")
						}
					}
				})
			}
		}
	}
}

// TestUnclosedBodiesAreListedInRequestOrder: each body never closed is
// named, by request number, in the order the requests came.
func TestUnclosedBodiesAreListedInRequestOrder(t *testing.T) {
	g := answersJSONAndStream(t)
	fixture := recordJSONAndStream(t, g)
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(fixture), WithMode(ModeReplay))
	var open []*http.Response
	for _, p := range []string{"/stream", "/json"} {
		resp, err := post(t, s.Client(), g.URL+p, `{"stream":true}`)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, resp)
	}
	ft.end()
	want := "2 response bodies were never closed; the client must close every response body (resp.Body.Close(), or the SDK's stream Close) before the test ends, even one it read to the end:" +
		"\n  request 1: POST " + g.URL + "/stream (stream, replayed from interaction 1) {\"stream\":true}" +
		"\n  request 2: POST " + g.URL + "/json (body, replayed from interaction 0) {\"stream\":true}"
	if errs := ft.allErrors(); !strings.HasSuffix(errs, want) {
		t.Fatalf("got:\n%s\nwant it to end with:\n%s", errs, want)
	}
	for _, resp := range open {
		if _, err := resp.Body.Read(make([]byte, 1)); err == nil {
			t.Errorf("the session left a body open after reporting it")
		}
	}
}

// TestMissAnswerIsNotReportedUnclosed: a miss is reported once, as a
// miss; the body of its answer is not followed.
func TestMissAnswerIsNotReportedUnclosed(t *testing.T) {
	g := answersJSONAndStream(t)
	fixture := recordJSONAndStream(t, g)
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(fixture), WithMode(ModeReplay), AllowUnused())
	if _, err := post(t, s.Client(), g.URL+"/other", `{}`); err != nil {
		t.Fatal(err)
	}
	ft.end()
	if errs := ft.allErrors(); strings.Contains(errs, "never closed") || !strings.Contains(errs, "matches no recording") {
		t.Fatalf("errors: %q", errs)
	}
}

// TestUnclosedStreamIsClosedAtCleanup: the session closes a body it
// reports, so a reader the test left blocked on it (here on a replayed
// stream stalled after one event) returns instead of outliving the test.
func TestUnclosedStreamIsClosedAtCleanup(t *testing.T) {
	g := answersJSONAndStream(t)
	fixture := recordJSONAndStream(t, g)
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(fixture), WithMode(ModeReplay), AllowUnused(), OnRequest(1, StallAfter(1)))
	resp, err := post(t, s.Client(), g.URL+"/stream", `{"stream":true}`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := resp.Body.Read(make([]byte, 64)); err != nil {
		t.Fatal(err) // the one event before the stall
	}
	readErr := make(chan error, 1)
	go func() { // stalls until the body is closed
		_, err := resp.Body.Read(make([]byte, 64))
		readErr <- err
	}()
	ft.end()
	select {
	case err := <-readErr:
		if err == nil {
			t.Fatal("the stalled read ended without an error")
		}
	case <-time.After(10 * time.Second): // a bound on a failure, not a synchronisation
		t.Fatal("the session did not close the body it reported: the stalled read still waits")
	}
	if errs := ft.allErrors(); !strings.Contains(errs, "request 1: POST "+g.URL+"/stream (stream, replayed from interaction 1)") {
		t.Fatalf("errors: %q", errs)
	}
}

// TestUnclosedReportShowsNoKey: a key in the request's URL is scrubbed
// from the report, whatever its shape.
func TestUnclosedReportShowsNoKey(t *testing.T) {
	g := answersJSONAndStream(t)
	for _, key := range []string{fakeKey, randomKey(), "AIza" + strings.Repeat("Q", 35)} {
		ft := newFakeT(t, "TestX")
		s := start(ft, WithPath(filepath.Join(t.TempDir(), "c.yaml")), WithMode(ModePassthrough), WithRealTransport(http.DefaultTransport))
		if _, err := post(t, s.Client(), g.URL+"/json?key="+key, `{}`); err != nil {
			t.Fatal(err)
		}
		ft.end()
		errs := ft.allErrors()
		if !strings.Contains(errs, "request 1: POST "+g.URL+"/json?key=") || strings.Contains(errs, key) {
			t.Errorf("report %q (key %q)", errs, key)
		}
	}
}

// TestUnclosedReportHidesCredentials: the request body a never-closed
// report shows is scrubbed as the cassette would hold it, a credential
// named in the body (no key shape, no variable) included, in every mode.
func TestUnclosedReportHidesCredentials(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	g := answersJSONAndStream(t)
	const secret = "plain-words-no-shape-4242"
	body := `{"model":"m","api_key":"` + secret + `","note":"` + fakeKey + `"}`
	fixture := filepath.Join(t.TempDir(), "c.yaml")
	ft := newFakeT(t, "TestFixture")
	s := start(ft, WithPath(fixture), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	resp, err := post(t, s.Client(), g.URL+"/stream", body)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	ft.end()
	if e := ft.allErrors(); e != "" {
		t.Fatal(e)
	}
	for _, mode := range []Mode{ModeRecord, ModeReplay, ModeNewEpisodes, ModePassthrough} {
		t.Run(mode.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			if mode == ModeReplay {
				path = fixture
			}
			ft := newFakeT(t, "TestX")
			s := start(ft, WithPath(path), WithMode(mode), WithRealTransport(http.DefaultTransport), AllowUnused())
			_, err := post(t, s.Client(), g.URL+"/stream", body)
			if err != nil {
				t.Fatal(err)
			}
			ft.end()
			errs := ft.allErrors()
			if !strings.Contains(errs, "never closed") || !strings.Contains(errs, `"api_key":"REDACTED"`) {
				t.Errorf("want the report with the body scrubbed: %s", errs)
			}
			if strings.Contains(errs, secret) || strings.Contains(errs, fakeKey) {
				t.Errorf("the report shows a credential: %s", errs)
			}
		})
	}
}
