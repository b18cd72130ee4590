package cassettes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/match"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
	"gopkg.in/dnaeon/go-vcr.v3/recorder"
)

// benchN interactions of about 2 KB JSON requests and 1 KB JSON responses,
// each at its own URL so that go-vcr's method+URL matcher must scan to the
// k-th interaction to find it.
const benchN = 1000

func benchURL(k int) string { return fmt.Sprintf("%s?n=%d", chatURL, k) }

func benchBody(k int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"model":"llama-3.3-70b-versatile","temperature":0.2,"messages":[`)
	for m := 0; b.Len() < 1900; m++ {
		if m > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"role":"user","content":"interaction %d message %d: the quick brown fox jumps over the lazy dog"}`, k, m)
	}
	fmt.Fprintf(&b, `],"n":%d}`, k)
	return b.String()
}

func benchResp(k int) string {
	return fmt.Sprintf(`{"id":"chatcmpl-%d","object":"chat.completion","model":"llama-3.3-70b-versatile","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],"usage":{"prompt_tokens":500,"completion_tokens":200}}`,
		k, strings.Repeat("lorem ipsum ", 65))
}

// sharedURL gives every interaction the same URL, as Groq traffic has
// (every chat request goes to /chat/completions).
func sharedURL(int) string { return chatURL }

func benchCassette(b *testing.B) string { return benchCassetteAt(b, benchURL) }

func benchCassetteAt(b *testing.B, url func(int) string) string {
	b.Helper()
	c := New(filepath.Join(b.TempDir(), "bench.yaml"))
	for k := 0; k < benchN; k++ {
		c.Interactions = append(c.Interactions, jsonInteraction(url(k), benchBody(k), benchResp(k)))
	}
	if err := c.Save(WithoutDefaultSecrets()); err != nil {
		b.Fatal(err)
	}
	return c.Path
}

// indexTransport is the smallest replay RoundTripper over an match.Index: read
// the body into a reused buffer, look it up, build the response.
type indexTransport struct{ x *match.Index }

var benchBodies = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func (t indexTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	bp := benchBodies.Get().(*[]byte)
	defer benchBodies.Put(bp)
	body, err := httpbody.AppendBody((*bp)[:0], r)
	if err != nil {
		return nil, err
	}
	*bp = body
	i, err := t.x.Match(r, body)
	if err != nil {
		return nil, err
	}
	return &http.Response{StatusCode: i.Response.Code, Status: i.Response.Status, Header: i.Response.Headers,
		ContentLength: int64(len(i.Response.Body)), Body: io.NopCloser(strings.NewReader(i.Response.Body)), Request: r}, nil
}

// mapTransport is the floor: a canned map from URL to response.
type mapTransport map[string]string

func (t mapTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	body, ok := t[r.URL.String()]
	if !ok {
		return nil, fmt.Errorf("no response")
	}
	return &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: int64(len(body)), Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// BenchmarkReplay replays the 1st and the 1,000th interaction of a
// cassette whose interactions each have their own URL (?n=k), so go-vcr's
// method+URL matcher scans to the k-th one.
func BenchmarkReplay(b *testing.B) { benchReplay(b, benchURL, true) }

// BenchmarkReplaySharedURL is BenchmarkReplay with every interaction at
// the same URL, as real Groq traffic is. go-vcr's method+URL matcher then
// stops at the first interaction whatever is asked (it cannot tell the
// requests apart, so at=1000 it answers with interaction 1), and the
// floor is a single canned response.
func BenchmarkReplaySharedURL(b *testing.B) { benchReplay(b, sharedURL, false) }

func benchReplay(b *testing.B, benchURL func(int) string, reordered bool) {
	path := benchCassetteAt(b, benchURL)
	c, err := Load(path)
	if err != nil {
		b.Fatal(err)
	}
	floor := mapTransport{}
	for k := 0; k < benchN; k++ {
		if _, ok := floor[benchURL(k)]; !ok {
			floor[benchURL(k)] = benchResp(k)
		}
	}
	ours := indexTransport{newIndex(c, Repeatable(), MatchScrubber(NewScrubber(WithoutDefaultSecrets())))}
	rec, err := recorder.NewWithOptions(&recorder.Options{
		CassetteName: strings.TrimSuffix(path, ".yaml"), Mode: recorder.ModeReplayOnly, SkipRequestLatency: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	rec.SetReplayableInteractions(true)
	b.Cleanup(func() { rec.Stop() })

	runtime.GC() // settle the setup's garbage so the first sub-benchmark does not pay for it
	for _, at := range []int{0, benchN - 1} {
		url, body := benchURL(at), []byte(benchBody(at))
		for _, tr := range []struct {
			name string
			rt   http.RoundTripper
		}{{"floor", floor}, {"govcr-method-url", rec}, {"llmvcr-json", ours}} {
			b.Run(fmt.Sprintf("%s/at=%d", tr.name, at+1), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					resp, err := tr.rt.RoundTrip(req)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		}
	}
	if !reordered {
		return
	}
	// The same request re-encoded (keys reordered, indented): the slow
	// path, where the body is parsed and canonicalised.
	b.Run("llmvcr-json-reordered/at=1000", func(b *testing.B) {
		var v map[string]any
		jsonUnmarshal([]byte(benchBody(benchN-1)), &v)
		body := jsonIndent(v)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			req, _ := http.NewRequest("POST", benchURL(benchN-1), bytes.NewReader(body))
			resp, err := ours.RoundTrip(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	path := benchCassette(b)
	st, _ := os.Stat(path)
	b.Run("llmvcr-Load", func(b *testing.B) {
		b.SetBytes(st.Size())
		for i := 0; i < b.N; i++ {
			if _, err := Load(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("llmvcr-Load+NewIndex", func(b *testing.B) {
		b.SetBytes(st.Size())
		for i := 0; i < b.N; i++ {
			c, err := Load(path)
			if err != nil {
				b.Fatal(err)
			}
			newIndex(c)
		}
	})
	b.Run("govcr-cassette.Load", func(b *testing.B) {
		b.SetBytes(st.Size())
		for i := 0; i < b.N; i++ {
			if _, err := vcr.Load(strings.TrimSuffix(path, ".yaml")); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func jsonUnmarshal(b []byte, v any) { _ = json.Unmarshal(b, v) }

func jsonIndent(v any) []byte {
	b, _ := json.MarshalIndent(v, "", "    ")
	return b
}
