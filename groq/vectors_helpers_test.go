package groq

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

// vcrInteraction is one exchange of a pydantic-ai (vcrpy) cassette.
type vcrInteraction struct {
	Method      string
	URI         string
	RequestBody []byte // JSON, from parsed_body
	Status      int
	ContentType string
	Body        []byte // JSON re-encoded from parsed_body, or the raw body string (SSE)
}

// loadVector reads a cassette under testdata/vectors.
func loadVector(t testing.TB, name string) []vcrInteraction {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "vectors", name))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Interactions []struct {
			Request struct {
				Method     string `yaml:"method"`
				URI        string `yaml:"uri"`
				ParsedBody any    `yaml:"parsed_body"`
				Body       any    `yaml:"body"`
			} `yaml:"request"`
			Response struct {
				Headers    map[string][]string `yaml:"headers"`
				ParsedBody any                 `yaml:"parsed_body"`
				Body       struct {
					String string `yaml:"string"`
				} `yaml:"body"`
				Status struct {
					Code int `yaml:"code"`
				} `yaml:"status"`
			} `yaml:"response"`
		} `yaml:"interactions"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out []vcrInteraction
	for _, it := range doc.Interactions {
		v := vcrInteraction{Method: it.Request.Method, URI: it.Request.URI, Status: it.Response.Status.Code}
		if ct := it.Response.Headers["content-type"]; len(ct) > 0 {
			v.ContentType = ct[0]
		}
		if it.Request.ParsedBody != nil {
			v.RequestBody = mustJSON(t, it.Request.ParsedBody)
		}
		if it.Response.ParsedBody != nil {
			v.Body = mustJSON(t, it.Response.ParsedBody)
		} else {
			v.Body = []byte(it.Response.Body.String)
		}
		out = append(out, v)
	}
	return out
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// vectorServer answers requests with a cassette's recorded responses, in
// order, and keeps what it was sent.
type vectorServer struct {
	*httptest.Server
	interactions []vcrInteraction

	mu       sync.Mutex
	bodies   [][]byte
	headers  []http.Header
	overflow int
}

func newVectorServer(t testing.TB, interactions []vcrInteraction) *vectorServer {
	t.Helper()
	vs := &vectorServer{interactions: interactions}
	vs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		vs.mu.Lock()
		i := len(vs.bodies)
		vs.bodies = append(vs.bodies, body)
		vs.headers = append(vs.headers, r.Header.Clone())
		vs.mu.Unlock()
		if i >= len(vs.interactions) {
			vs.mu.Lock()
			vs.overflow++
			vs.mu.Unlock()
			http.Error(w, "no more recorded interactions", http.StatusTeapot)
			return
		}
		it := vs.interactions[i]
		w.Header().Set("Content-Type", it.ContentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(it.Body)))
		w.WriteHeader(it.Status)
		_, _ = w.Write(it.Body)
	}))
	t.Cleanup(vs.Close)
	return vs
}

// model returns a Groq model that talks to this server, without retries.
func (vs *vectorServer) model(t testing.TB, name string, opts ...Option) *Model {
	t.Helper()
	opts = append([]Option{WithBaseURL(vs.URL), WithAPIKey("gsk_test_key"), WithMaxRetries(0)}, opts...)
	m, err := NewModel(name, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// replaceID puts id where the recorded request bodies hold recorded, a
// random id pydantic-ai generated, so they can be compared with ours.
func (vs *vectorServer) replaceID(recorded, id string) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	for i := range vs.interactions {
		vs.interactions[i].RequestBody = bytes.ReplaceAll(vs.interactions[i].RequestBody, []byte(recorded), []byte(id))
	}
}

// sent returns the request bodies received so far.
func (vs *vectorServer) sent() [][]byte {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	return append([][]byte(nil), vs.bodies...)
}

// decodeJSON decodes b for a semantic comparison.
func decodeJSON(t testing.TB, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("invalid JSON %q: %v", b, err)
	}
	return v
}
