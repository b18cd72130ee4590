package reliability

import (
	"encoding/json"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/llmvcr/llmvcr/cassettes"
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
// compares every body with what pydantic-ai recorded, read independently
// of package cassettes (readVCR): streams byte for byte (timing lines
// stripped), JSON bodies as JSON. It measures the cassette format only;
// what groq.Model makes of the recordings is TestFidelityExpectations'
// job (expectations_test.go).
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
				if !httpbody.IsSSE(g.Response.Headers) {
					mismatch("interaction %d: stream saved as %q", j, g.Response.Headers.Get("Content-Type"))
				}
				body, err := httpbody.StripTiming(g.Response.Body)
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
