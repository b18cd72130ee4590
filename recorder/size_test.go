package recorder

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/inputfile"
)

// bodyOf answers every request with body and content type ct.
type bodyOf struct{ ct, body string }

func (b bodyOf) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {b.ct}},
		Body: io.NopCloser(strings.NewReader(b.body)), Request: r}, nil
}

func get(t *testing.T, rec *Recorder) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest("GET", "https://api.example.test/v1/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	return rec.RoundTrip(req)
}

// TestRecorderRefusesABodyOverTheLimit: a JSON answer larger than a
// cassette holds is an error for the client, wrapping inputfile.ErrTooLarge,
// and nothing is recorded; one at the limit is recorded whole.
func TestRecorderRefusesABodyOverTheLimit(t *testing.T) {
	rec := &Recorder{Real: bodyOf{"application/json", `{"a":"` + strings.Repeat("x", 100) + `"}`}, maxBody: 50}
	if resp, err := get(t, rec); !errors.Is(err, inputfile.ErrTooLarge) || resp != nil || !strings.Contains(err.Error(), "over 50 bytes") {
		t.Fatalf("RoundTrip = %v, %v; want an ErrTooLarge and no response", resp, err)
	}
	if n := len(rec.Interactions()); n != 0 {
		t.Fatalf("%d interactions recorded", n)
	}
	body := `{"a":"` + strings.Repeat("x", 42) + `"}` // 50 bytes
	rec = &Recorder{Real: bodyOf{"application/json", body}, maxBody: len(body)}
	resp, err := get(t, rec)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != body || len(rec.Interactions()) != 1 || rec.Interactions()[0].Response.Body != body {
		t.Fatalf("at the limit: read %q, recorded %d", got, len(rec.Interactions()))
	}
}

// TestRecorderGivesUpAStreamOverTheLimit: a stream that grows past the
// limit still reaches the client whole, but is recorded without its body
// and marked broken, and the recorder keeps no copy of it.
func TestRecorderGivesUpAStreamOverTheLimit(t *testing.T) {
	var stream strings.Builder
	for k := range 20 {
		stream.WriteString("data: {\"n\":" + strings.Repeat("1", k+1) + "}\n\n")
	}
	stream.WriteString("data: [DONE]\n\n")
	rec := &Recorder{Real: bodyOf{"text/event-stream", stream.String()}, maxBody: 100}
	resp, err := get(t, rec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	if err != nil || string(got) != stream.String() {
		t.Fatalf("the client read %d of %d bytes: %v", len(got), stream.Len(), err)
	}
	if rb := resp.Body.(*recordingBody); rb.buf.Len() != 0 || rb.marks != nil {
		t.Fatalf("the recorder still holds %d bytes", rb.buf.Len())
	}
	resp.Body.Close()
	is := rec.Interactions()
	if len(is) != 1 {
		t.Fatalf("%d interactions", len(is))
	}
	if is[0].Response.Body != "" || !strings.Contains(is[0].Response.Headers.Get(httpbody.StreamErrorHeader), "over 100 bytes, more than a cassette holds") {
		t.Fatalf("recorded body %q, stream error %q", is[0].Response.Body, is[0].Response.Headers.Get(httpbody.StreamErrorHeader))
	}
}

// headersOf answers with a JSON body and the given headers.
type headersOf http.Header

func (h headersOf) RoundTrip(r *http.Request) (*http.Response, error) {
	hh := http.Header(h).Clone()
	hh.Set("Content-Type", "application/json")
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: hh, Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
}

// TestRecorderDropsAnUpstreamsLlmvcrHeaders: an upstream's X-Llmvcr-
// headers (which in a cassette describe the recording: a forged
// Stream-Error replays a whole answer as broken) are not recorded, except
// the Source mark of an upstream that answers canned.
func TestRecorderDropsAnUpstreamsLlmvcrHeaders(t *testing.T) {
	rec := &Recorder{Real: headersOf{
		"X-Llmvcr-Stream-Error": {"forged"},
		"x-llmvcr-replay-miss":  {"true"},
		"X-Llmvcr-Source":       {"record serve"},
		"X-Request-Id":          {"req_1"},
	}}
	resp, err := get(t, rec)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := rec.Interactions()[0].Response.Headers
	if h.Get(httpbody.StreamErrorHeader) != "" || len(h["x-llmvcr-replay-miss"]) != 0 || h.Get(SourceHeader) != "record serve" || h.Get("X-Request-Id") != "req_1" {
		t.Fatalf("recorded headers %v", h)
	}
}
