package cassettes

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/jsonvalue"
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
	// The structure checks: each seed below breaks or exercises one.
	f.Add([]byte(goodFile))
	if data, err := Marshal(richCassette("fuzz.yaml")); err == nil {
		f.Add(data)
		f.Add(data[:len(data)/2])                                         // cut short
		f.Add(bytes.Replace(data, []byte("\n# end of cassette"), nil, 1)) // end line removed
	}
	f.Add([]byte(strings.Replace(goodFile, "llmvcr-t=0.250000", "llmvcr-t=NaN", 1)))
	f.Add([]byte(strings.Replace(goodFile, "llmvcr-t=0.000000", "llmvcr-t=0.5", 1)))
	f.Add([]byte(strings.Replace(goodFile, "      code: 200\n  - request", "  - request", 1)))
	f.Add([]byte(strings.Replace(goodFile, "      method: POST\n    response:\n      content_length", "    response:\n      content_length", 1)))
	f.Add([]byte(strings.Replace(goodFile, "      body: '{\"a\":2}'\n", "      body: '{\"a\": 2}'\n      body_sent_as: compact-json\n", 1)))
	f.Add([]byte(strings.Replace(goodFile, "      body: '{\"a\":2}'\n", "      body: \"a\\nb\\n\"\n      body_sent_as: crlf\n", 1)))
	f.Add([]byte(strings.Replace(goodFile, "      body: '{\"a\":2}'\n", "      body: x\n      body_sent_as: rot13\n", 1)))
	f.Add(aliasBomb(64, 40))
	f.Add([]byte("version: 2\ninteractions: &x [*x]\n"))
	f.Add([]byte("version: 2\ninteractions:\n- &i {request: {method: GET, url: 'http://x/'}, response: {code: 200, body: hi}}\n- *i\n"))
	for _, h := range hostileYAML {
		f.Add([]byte(h.file))
	}
	f.Add([]byte("\ufeff" + okYAML))
	f.Add([]byte(strings.ReplaceAll(okYAML, "\n", "\r\n")))
	f.Add([]byte("version: 2\ninteractions:\n- request: {method: POST, url: \x27http://x/\x27, headers: {Content-Type: [application/json]}, body: \x27" + deepJSON(200) + "\x27}\n  response: {code: 200, body: hi}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			var le *LoadError
			var ve *VersionError
			if !errors.As(err, &le) && !errors.As(err, &ve) {
				t.Fatalf("Parse error %T is neither *LoadError nor *VersionError: %v", err, err)
			}
			return
		}
		// What loads is whole: every interaction answers a request, and
		// every stream splits for replay.
		for n, i := range c.Interactions {
			if i.Request.Method == "" || i.Request.URL == "" || i.Response.Code < 100 {
				t.Fatalf("interaction %d loaded without a method, URL or status code", n)
			}
			if httpbody.IsSSE(i.Response.Headers) {
				if _, err := httpbody.SplitSSE(i.Response.Body); err != nil {
					t.Fatalf("interaction %d's stream loaded but does not split: %v", n, err)
				}
			}
		}
		// Every tool must take any loadable cassette without panicking.
		Lint(c)
		newIndex(c)
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
	f.Add([]byte(okVCRPy))
	f.Add([]byte(okVCRPy + "---\n" + okVCRPy))
	f.Add([]byte(strings.Replace(okVCRPy, "b: x}", "a: x}", 1)))
	f.Add([]byte(strings.Replace(okVCRPy, "body: {string: hi}", "body: !!python/object/apply:os.system [ls]", 1)))
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
		readable(c.Interactions[0])
		x := newIndex(c, IgnoreJSONPaths("seed"), MatchScrubber(NewScrubber(WithoutDefaultSecrets())))
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
		evs, err := httpbody.SplitSSE(body)
		if err != nil {
			return
		}
		if !strings.Contains(body, httpbody.TimingPrefix) && string(httpbody.JoinSSE(evs)) != body {
			t.Fatalf("split/join lost bytes: %q -> %q", body, httpbody.JoinSSE(evs))
		}
		again, err := httpbody.SplitSSE(httpbody.MarkSSE(evs))
		if err != nil {
			t.Fatalf("marked stream does not split: %v", err)
		}
		if !bytes.Equal(httpbody.JoinSSE(again), httpbody.JoinSSE(evs)) {
			t.Fatalf("mark/split changed bytes: %q", httpbody.JoinSSE(evs))
		}
	})
}

// FuzzBodyRoundTrip: whatever a body holds (emoji, CRLF, tabs, JSON in any
// layout, invalid UTF-8), Save's file gives back its exact bytes, and a
// readable form never escapes characters outside the BMP.
func FuzzBodyRoundTrip(f *testing.F) {
	f.Add("data: hi 🌡\r\n\r\n", false, true)
	f.Add(`{"a":"🔥","b":[1,2]}`, true, false)
	f.Add("{\"a\":1}\n", true, false)
	f.Add("\n  lead\ttab 😀\n\n", false, false)
	f.Add("mixed\r\nends\n", false, false)
	f.Add("caf\xe9 \U0001F600", false, false)
	f.Add(": llmvcr-t=0.000000\ndata: x\r\n\r\n", false, true)
	f.Fuzz(func(t *testing.T, body string, isJSON, sse bool) {
		i := jsonInteraction(chatURL, `{"q":1}`, body)
		i.Response.Headers.Del("Content-Length")
		switch {
		case sse:
			i.Response.Headers.Set("Content-Type", "text/event-stream")
			if _, err := httpbody.SplitSSE(body); err != nil {
				return // Load refuses it, as it should
			}
		case !isJSON:
			i.Response.Headers.Set("Content-Type", "text/plain")
		}
		c := &Cassette{Version: Version, Interactions: []*Interaction{i}}
		data, err := Marshal(c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := Parse(data)
		if err != nil {
			t.Fatalf("parse of marshalled: %v\n%s", err, data)
		}
		if got := back.Interactions[0].Response.Body; got != body {
			t.Fatalf("body %q came back as %q\n%s", body, got, data)
		}
		if p := present(body, isJSON); p.block && bytes.Contains(data, []byte(`\U000`)) {
			t.Fatalf("a block body was escaped:\n%s", data)
		}
	})
}

// normNumbers replaces every number of a decoded JSON value with its
// canonical text, as matching compares them.
func normNumbers(v any) any {
	return jsonvalue.MapNumbers(v, func(n json.Number) any { return json.Number(jsonvalue.CanonicalNumber(string(n))) })
}
