package cassettes

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/saved.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("version: 2\ninteractions: []\n"))
	f.Add([]byte("---\nversion: 2\ninteractions:\n- request: {method: GET, url: 'http://x/'}\n  response: {code: 200, body: hi}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		// Every tool must take any loadable cassette without panicking.
		Lint(c)
		NewIndex(c)
		if d := Drift(c, c); len(d.Changes) != 0 {
			t.Fatalf("a cassette drifts from itself: %v", d.Changes)
		}
		out, err := Marshal(c)
		if err != nil {
			t.Fatalf("parsed cassette does not marshal: %v", err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("marshalled cassette does not parse: %v\n%s", err, out)
		}
		if len(back.Interactions) != len(c.Interactions) {
			t.Fatalf("round trip: %d interactions, want %d", len(back.Interactions), len(c.Interactions))
		}
		for n := range c.Interactions {
			if back.Interactions[n].Request.Body != c.Interactions[n].Request.Body || back.Interactions[n].Response.Body != c.Interactions[n].Response.Body {
				t.Fatalf("round trip changed interaction %d's bodies", n)
			}
		}
	})
}

func FuzzImportVCRPy(f *testing.F) {
	for _, p := range []string{
		"testdata/vcrpy/test_groq/test_groq_model_instructions.yaml",
		"testdata/vcrpy/test_groq/test_tool_regular_error.yaml",
		"testdata/vcrpy/test_groq/test_groq_native_output.yaml",
	} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("interactions:\n- request: {method: GET, uri: 'http://x/', body: null, headers: {}}\n  response: {status: {code: 200, message: OK}, headers: {}, body: {string: hi}}\nversion: 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ImportVCRPy(data)
		if err != nil {
			return
		}
		out, err := Marshal(c)
		if err != nil {
			t.Fatalf("imported cassette does not marshal: %v", err)
		}
		if _, err := Parse(out); err != nil {
			t.Fatalf("imported cassette does not parse back: %v", err)
		}
	})
}

func FuzzMatchJSON(f *testing.F) {
	f.Add(`{"a":1,"b":[1,2]}`, `{"b":[1,2],"a":1}`)
	f.Add(`{"messages":[{"role":"user","content":"hi"}],"seed":3}`, `{"messages":[{"role":"user","content":"hi"}],"seed":4}`)
	f.Add(`[1,2,3]`, `[1, 2, 3]`)
	f.Add(`not json`, `not json`)
	f.Add(`{"a":1.0}`, `{"a":1}`)
	f.Fuzz(func(t *testing.T, recorded, got string) {
		c := New("fuzz.yaml")
		c.Interactions = []*Interaction{jsonInteraction(chatURL, recorded, `{}`)}
		Readable(c.Interactions[0])
		x := NewIndex(c, IgnoreJSONPaths("seed"), MatchScrubber(NewScrubber(WithoutDefaultSecrets())))
		r, err := http.NewRequest("POST", chatURL, strings.NewReader(got))
		if err != nil {
			t.Skip()
		}
		_, err = x.Match(r, []byte(got))
		a, ea := decodeNumbers(recorded)
		b, eb := decodeNumbers(got)
		if recorded == got && err != nil {
			t.Fatalf("identical body missed: %v", err)
		}
		if ea == nil && eb == nil && err == nil {
			// A match must be JSON-equal apart from the ignored path.
			strip := func(v any) any {
				if m, ok := v.(map[string]any); ok {
					delete(m, "seed")
				}
				return v
			}
			// Numbers compare by value: 1 and 1.0 match.
			ja, _ := json.Marshal(normNumbers(strip(a)))
			jb, _ := json.Marshal(normNumbers(strip(b)))
			if !bytes.Equal(ja, jb) {
				t.Fatalf("matched different JSON: %s vs %s", ja, jb)
			}
		}
		if err != nil && err.Error() == "" {
			t.Fatal("empty miss message")
		}
	})
}

// decodeNumbers decodes one JSON value keeping numbers as their text.
func decodeNumbers(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errTrailing
	}
	return v, nil
}

var errTrailing = errors.New("trailing data")

func FuzzSplitSSE(f *testing.F) {
	f.Add("data: a\n\ndata: b\n\n")
	f.Add(": llmvcr-t=0.5\ndata: a\r\n\r\n")
	f.Add("data: a\r\rdata: partial")
	f.Fuzz(func(t *testing.T, body string) {
		evs, err := SplitSSE(body)
		if err != nil {
			return
		}
		if !strings.Contains(body, TimingPrefix) && string(JoinSSE(evs)) != body {
			t.Fatalf("split/join lost bytes: %q -> %q", body, JoinSSE(evs))
		}
		again, err := SplitSSE(MarkSSE(evs))
		if err != nil {
			t.Fatalf("marked stream does not split: %v", err)
		}
		if !bytes.Equal(JoinSSE(again), JoinSSE(evs)) {
			t.Fatalf("mark/split changed bytes: %q", JoinSSE(evs))
		}
	})
}
