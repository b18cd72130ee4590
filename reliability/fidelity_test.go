package reliability

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
	"github.com/llmvcr/llmvcr/replay"
)

// vcrExchange is one exchange of a vcrpy cassette as pydantic-ai wrote it,
// read independently of package cassettes.
type vcrExchange struct {
	method, uri string
	reqBody     []byte // JSON from parsed_body, or the raw body
	reqJSON     bool
	status      int
	sse         bool
	respBody    []byte // JSON from parsed_body, or the raw body string
	respJSON    bool
}

// readVCR reads a vcrpy cassette with yaml.v3 alone.
func readVCR(path string) ([]vcrExchange, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	type body struct {
		Parsed any `yaml:"parsed_body"`
		Body   any `yaml:"body"`
	}
	var doc struct {
		Interactions []struct {
			Request struct {
				body    `yaml:",inline"`
				Method  string `yaml:"method"`
				URI     string `yaml:"uri"`
				Headers map[string][]string
			} `yaml:"request"`
			Response struct {
				body    `yaml:",inline"`
				Headers map[string][]string `yaml:"headers"`
				Status  struct {
					Code int `yaml:"code"`
				} `yaml:"status"`
			} `yaml:"response"`
		} `yaml:"interactions"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	bytesOf := func(b body) ([]byte, bool, error) {
		if b.Parsed != nil {
			j, err := json.Marshal(b.Parsed)
			return j, true, err
		}
		switch v := b.Body.(type) {
		case nil:
			return nil, false, nil
		case string:
			return []byte(v), json.Valid([]byte(v)), nil
		case map[string]any:
			s, _ := v["string"].(string)
			return []byte(s), json.Valid([]byte(s)), nil
		}
		return nil, false, fmt.Errorf("body of type %T", b.Body)
	}
	var out []vcrExchange
	for i, it := range doc.Interactions {
		x := vcrExchange{method: it.Request.Method, uri: it.Request.URI, status: it.Response.Status.Code}
		for _, ct := range it.Response.Headers["content-type"] {
			x.sse = x.sse || strings.HasPrefix(ct, "text/event-stream")
		}
		if x.reqBody, x.reqJSON, err = bytesOf(it.Request.body); err != nil {
			return nil, fmt.Errorf("interaction %d request: %w", i, err)
		}
		if x.respBody, x.respJSON, err = bytesOf(it.Response.body); err != nil {
			return nil, fmt.Errorf("interaction %d response: %w", i, err)
		}
		out = append(out, x)
	}
	return out, nil
}

// jsonEqual reports whether a and b hold the same JSON value.
func jsonEqual(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// vcrFiles lists the recordings under testdata/vcrpy.
func vcrFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join("testdata", "vcrpy"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) == 0 {
		t.Fatal("no recordings under testdata/vcrpy")
	}
	return files
}

// TestFidelity imports every real recording, saves it, loads it again and
// compares every body with what pydantic-ai recorded: streams byte for
// byte (timing lines stripped), JSON bodies as JSON.
func TestFidelity(t *testing.T) {
	files := vcrFiles(t)
	dir := t.TempDir()
	var interactions, streams, jsonBodies, mismatches int
	for i, file := range files {
		name := strings.TrimPrefix(filepath.ToSlash(file), "testdata/vcrpy/")
		want, err := readVCR(file)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mismatch := func(format string, args ...any) {
			mismatches++
			t.Errorf("%s: "+format, append([]any{name}, args...)...)
		}
		c, err := cassettes.ImportVCRPyFile(file)
		if err != nil {
			mismatch("import: %v", err)
			continue
		}
		c.Path = filepath.Join(dir, fmt.Sprintf("c%02d.yaml", i))
		if err := c.Save(); err != nil {
			mismatch("save: %v", err)
			continue
		}
		got, err := cassettes.Load(c.Path)
		if err != nil {
			mismatch("load: %v", err)
			continue
		}
		if len(got.Interactions) != len(want) {
			mismatch("%d interactions after the round trip, %d recorded", len(got.Interactions), len(want))
			continue
		}
		for j, w := range want {
			interactions++
			g := got.Interactions[j]
			if g.Request.Method != w.method || g.Request.URL != w.uri {
				mismatch("interaction %d: request %s %s, recorded %s %s", j, g.Request.Method, g.Request.URL, w.method, w.uri)
			}
			if w.reqJSON && !jsonEqual([]byte(g.Request.Body), w.reqBody) {
				mismatch("interaction %d: request body not JSON-equal to the recording", j)
			}
			if g.Response.Code != w.status {
				mismatch("interaction %d: status %d, recorded %d", j, g.Response.Code, w.status)
			}
			switch {
			case w.sse:
				streams++
				if !cassettes.IsSSE(g.Response.Headers) {
					mismatch("interaction %d: stream saved as %q", j, g.Response.Headers.Get("Content-Type"))
				}
				body, err := cassettes.StripTiming(g.Response.Body)
				if err != nil {
					mismatch("interaction %d: %v", j, err)
				} else if body != string(w.respBody) {
					mismatch("interaction %d: stream body differs from the recording (%d bytes, recorded %d)", j, len(body), len(w.respBody))
				}
			case w.respJSON:
				jsonBodies++
				if !jsonEqual([]byte(g.Response.Body), w.respBody) {
					mismatch("interaction %d: response body not JSON-equal to the recording", j)
				}
			default:
				if g.Response.Body != string(w.respBody) {
					mismatch("interaction %d: response body differs from the recording", j)
				}
			}
		}
	}
	figure(t, "fidelity", "cassettes", len(files), "interactions", interactions, "streams", streams,
		"json_bodies", jsonBodies, "mismatches", mismatches)
}

// recordedRequests is a RoundTripper that sends, in place of each request
// the model makes, the next request of a recording (its method, URL and
// body), so that groq.Model replays a cassette whose requests it would not
// build itself. The model still decodes every answer.
type recordedRequests struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []cassettes.Request
}

func (rr *recordedRequests) RoundTrip(r *http.Request) (*http.Response, error) {
	rr.mu.Lock()
	if len(rr.reqs) == 0 {
		rr.mu.Unlock()
		return nil, fmt.Errorf("no recorded request left")
	}
	rec := rr.reqs[0]
	rr.reqs = rr.reqs[1:]
	rr.mu.Unlock()
	req, err := http.NewRequestWithContext(r.Context(), rec.Method, rec.URL, strings.NewReader(rec.Body))
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	return rr.next.RoundTrip(req)
}

// TestFidelityReplay replays every real recording, after the import, save
// and load round trip, through groq.Model: each 200 answer must decode as
// directly decoding the recorded body does, each error status come back as
// that status (or, for tool_use_failed, as a response), and nothing may
// fail untyped.
func TestFidelityReplay(t *testing.T) {
	files := vcrFiles(t)
	dir := t.TempDir()
	var replayed, streams, httpErrors, mismatches int
	for i, file := range files {
		name := strings.TrimPrefix(filepath.ToSlash(file), "testdata/vcrpy/")
		c, err := cassettes.ImportVCRPyFile(file)
		if err != nil {
			t.Fatalf("%s: import: %v", name, err)
		}
		c.Path = filepath.Join(dir, fmt.Sprintf("r%02d.yaml", i))
		if err := c.Save(); err != nil {
			t.Fatalf("%s: save: %v", name, err)
		}
		saved, err := cassettes.Load(c.Path)
		if err != nil {
			t.Fatalf("%s: load: %v", name, err)
		}
		t.Run(name, func(t *testing.T) {
			s := replay.New(t, replay.WithPath(saved.Path))
			rr := &recordedRequests{next: s.Transport()}
			for _, it := range saved.Interactions {
				rr.reqs = append(rr.reqs, it.Request)
			}
			m, err := groq.NewModel(fakes.DefaultModel, groq.WithHTTPClient(&http.Client{Transport: rr}), groq.WithMaxRetries(0))
			if err != nil {
				t.Fatal(err)
			}
			for j, it := range saved.Interactions {
				replayed++
				mismatch := func(format string, args ...any) {
					mismatches++
					t.Errorf("interaction %d: "+format, append([]any{j}, args...)...)
				}
				var req struct {
					Stream bool `json:"stream"`
				}
				json.Unmarshal([]byte(it.Request.Body), &req)
				if req.Stream {
					streams++
				}
				var r result
				o := callModel(m, fault{kind: map[bool]callKind{false: plain, true: stream}[req.Stream]}, &r)
				switch {
				case o.hung:
					mismatch("hung:\n%s", stacks())
					continue
				case o.panicked != nil:
					mismatch("panicked: %v", o.panicked)
					continue
				}
				kind := kindOf(r.err)
				code := it.Response.Code
				switch {
				case strings.HasPrefix(kind, "untyped"):
					mismatch("%s: %v", kind, r.err)
				case code >= 400:
					httpErrors++
					var he *llm.ModelHTTPError
					if errors.As(r.err, &he) {
						if he.StatusCode != code {
							mismatch("status %d, recorded %d", he.StatusCode, code)
						}
					} else if r.err != nil || r.resp == nil || r.resp.FinishReason != "error" {
						mismatch("recorded status %d came back as %s (%v)", code, kind, r.err)
					}
				case req.Stream:
					// A stream may carry Groq's error events; they must come
					// back typed, and only then.
					hasError := strings.Contains(it.Response.Body, "event: error") || strings.Contains(it.Response.Body, `"error"`)
					if r.err != nil && !hasError {
						mismatch("stream failed: %v", r.err)
					}
				default:
					if r.err != nil {
						mismatch("failed: %v", r.err)
						break
					}
					var cc groq.ChatCompletion
					if err := json.Unmarshal([]byte(it.Response.Body), &cc); err != nil {
						mismatch("recorded body does not decode: %v", err)
						break
					}
					want, err := groq.ProcessResponse(&cc, m.BaseURL())
					if err != nil {
						mismatch("recorded body does not map: %v", err)
						break
					}
					if r.resp.Text() != want.Text() || r.resp.FinishReason != want.FinishReason || !reflect.DeepEqual(r.resp.Parts, want.Parts) || !reflect.DeepEqual(r.resp.Usage, want.Usage) {
						mismatch("replayed response differs from the recorded body mapped directly")
					}
				}
			}
		})
	}
	figure(t, "fidelity_replay", "cassettes", len(files), "interactions", replayed, "streams", streams,
		"http_errors", httpErrors, "mismatches", mismatches)
}
