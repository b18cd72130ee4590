package reliability

import (
	"bytes"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/groq"
)

// bodyTransport answers every request with one status, content type and
// body, without a network.
type bodyTransport struct {
	status int
	ctype  string
	body   []byte
}

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: b.status,
		Status:     http.StatusText(b.status),
		Header:     http.Header{"Content-Type": {b.ctype}},
		Body:       io.NopCloser(bytes.NewReader(b.body)),
		Request:    r,
	}, nil
}

// FuzzModelAnswer sends groq.Model any answer, whole: any status, one of
// the content types Groq and proxies send, and any body, to a plain or a
// streamed request. The caller must get a response or a typed error, at
// once, never a panic.
func FuzzModelAnswer(f *testing.F) {
	// Seeds: the real answers of the fidelity recordings, and a few broken
	// ones.
	files, _ := filepath.Glob(filepath.Join("testdata", "vcrpy", "test_groq", "*.yaml"))
	for _, file := range files {
		xs, err := readVCR(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, x := range xs {
			ct := uint8(0)
			if x.sse {
				ct = 1
			}
			f.Add(uint16(x.status), ct, x.sse, x.respBody)
		}
	}
	f.Add(uint16(200), uint8(1), true, []byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"))
	f.Add(uint16(200), uint8(1), true, []byte("event: error\ndata: {\"error\":{\"message\":\"x\",\"status_code\":503}}\n\n"))
	f.Add(uint16(502), uint8(2), false, []byte(htmlPage))
	f.Add(uint16(200), uint8(0), false, []byte(`{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"1","function":{"name":"f","arguments":"{"}}]}}]}`))
	contentTypes := []string{"application/json", "text/event-stream", "text/html", "text/plain", ""}
	f.Fuzz(func(t *testing.T, status uint16, ct uint8, streamed bool, body []byte) {
		code := 100 + int(status)%500 // 100..599
		if code < 200 {
			code += 100 // net/http never hands a 1xx to a client
		}
		m, err := groq.NewModel("llama-3.3-70b-versatile",
			groq.WithTransport(bodyTransport{status: code, ctype: contentTypes[int(ct)%len(contentTypes)], body: body}),
			groq.WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		kind := plain
		if streamed {
			kind = stream
		}
		var r result
		o := callModel(m, fault{kind: kind, timeout: 5 * time.Second}, &r)
		switch {
		case o.hung:
			t.Fatalf("hung on status %d body %q", code, body)
		case o.panicked != nil:
			t.Fatalf("panic on status %d body %q: %v", code, body, o.panicked)
		}
		if k := kindOf(r.err); strings.HasPrefix(k, "untyped") {
			t.Fatalf("status %d body %q: %s: %v", code, body, k, r.err)
		}
		if r.err == nil && r.resp == nil {
			t.Fatalf("status %d: no error and no response", code)
		}
	})
}
