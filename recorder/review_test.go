package recorder

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
)

// flakyBody gives some bytes of a JSON answer, then breaks.
type flakyBody struct{ r io.Reader }

func (b *flakyBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}
func (b *flakyBody) Close() error { return nil }

// breaksOnce answers its first request with a JSON body that breaks
// half way, and later ones whole.
type breaksOnce struct{ n atomic.Int32 }

func (t *breaksOnce) RoundTrip(r *http.Request) (*http.Response, error) {
	h := http.Header{"Content-Type": {"application/json"}}
	if t.n.Add(1) == 1 {
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: h, Body: &flakyBody{strings.NewReader(`{"choices":[`)}, Request: r}, nil
	}
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: h, Body: io.NopCloser(strings.NewReader(`{"choices":[]}`)), Request: r}, nil
}

// TestBrokenJSONAnswerIsNotRecorded: a JSON answer whose body breaks
// while the recorder reads it reaches the client as an error with no
// response, so it is left out of the recording as any request that got
// no response is; a client that retries (as SDKs do on transport errors)
// records only the answer it used. Before, the broken answer was kept as
// an interaction with a response: replay then answered the first try
// with a 200 whose body broke, which the recording never gave the client.
func TestBrokenJSONAnswerIsNotRecorded(t *testing.T) {
	recorded := 0
	rec := &Recorder{Real: &breaksOnce{}, OnRecorded: func(*cassettes.Interaction) { recorded++ }}
	client := &http.Client{Transport: rec}
	for try := 1; try <= 2; try++ {
		resp, err := client.Post("https://api.groq.com/openai/v1/chat/completions", "application/json", strings.NewReader(`{}`))
		if try == 1 {
			if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("try 1: err %v, want the break", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	got := rec.Interactions()
	if len(got) != 1 || got[0].Response.Body != `{"choices":[]}` {
		var bodies []string
		for _, i := range got {
			bodies = append(bodies, i.Response.Body)
		}
		t.Fatalf("recorded %q, want only the whole answer", bodies)
	}
	if recorded != 1 {
		t.Errorf("OnRecorded was called %d times, want 1", recorded)
	}
}
