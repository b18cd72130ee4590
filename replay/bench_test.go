package replay

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"gopkg.in/dnaeon/go-vcr.v3/recorder"
)

// BenchmarkSessionReplay is one replayed request through Session.Transport
// (body read, JSON-aware lookup, response built and read) from a
// 1,000-interaction cassette of 2 KB requests and 1 KB responses, at the
// first and the last interaction. Compare with cassettes' BenchmarkReplay,
// which holds the floor and go-vcr on the same data.
func BenchmarkSessionReplay(b *testing.B) {
	benchSession(b, func(k int) string { return fmt.Sprintf("https://api.groq.com/openai/v1/chat/completions?n=%d", k) })
}

// BenchmarkSessionReplaySharedURL is BenchmarkSessionReplay with every
// interaction at the same URL, as Groq traffic is (go-vcr's method+URL
// matcher then stops at the first interaction, whatever is asked).
func BenchmarkSessionReplaySharedURL(b *testing.B) {
	benchSession(b, func(int) string { return "https://api.groq.com/openai/v1/chat/completions" })
}

func benchSession(b *testing.B, url func(int) string) {
	const n = 1000
	body := func(k int) string {
		var sb strings.Builder
		sb.WriteString(`{"model":"llama-3.3-70b-versatile","messages":[`)
		for m := 0; sb.Len() < 1900; m++ {
			if m > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"role":"user","content":"interaction %d message %d: the quick brown fox jumps over the lazy dog"}`, k, m)
		}
		sb.WriteString(`]}`)
		return sb.String()
	}
	resp := fmt.Sprintf(`{"id":"chatcmpl-1","choices":[{"message":{"content":%q}}]}`, strings.Repeat("lorem ipsum ", 80))
	c := cassettes.New(filepath.Join(b.TempDir(), "bench.yaml"))
	for k := 0; k < n; k++ {
		c.Interactions = append(c.Interactions, &cassettes.Interaction{
			Request:  cassettes.Request{Method: "POST", URL: url(k), Body: body(k), Headers: http.Header{"Content-Type": {"application/json"}}},
			Response: cassettes.Response{Code: 200, Status: "200 OK", Body: resp, Headers: http.Header{"Content-Type": {"application/json"}}},
		})
	}
	if err := c.Save(cassettes.WithoutDefaultSecrets()); err != nil {
		b.Fatal(err)
	}
	s := New(b, WithPath(c.Path), WithMode(ModeReplay), AllowRepeats(), AllowUnused())
	rec, err := recorder.NewWithOptions(&recorder.Options{
		CassetteName: strings.TrimSuffix(c.Path, ".yaml"), Mode: recorder.ModeReplayOnly, SkipRequestLatency: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	rec.SetReplayableInteractions(true)
	b.Cleanup(func() { rec.Stop() })
	runtime.GC() // settle the setup's garbage so the first sub-benchmark does not pay for it
	for _, at := range []int{0, n - 1} {
		for _, tr := range []struct {
			name string
			rt   http.RoundTripper
		}{{"govcr-method-url", rec}, {"llmvcr-session", s.Transport()}} {
			bench(b, fmt.Sprintf("%s/at=%d", tr.name, at+1), tr.rt, url(at), []byte(body(at)))
		}
	}
}

func bench(b *testing.B, name string, rt http.RoundTripper, u string, bd []byte) {
	{
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				req, _ := http.NewRequest("POST", u, bytes.NewReader(bd))
				resp, err := rt.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
