package cassettes

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/match"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// goodFile is a whole cassette as an older llmvcr (or go-vcr) writes it:
// no head or end line. The cases below each break one thing in it.
const goodFile = `version: 2
interactions:
  - request:
      body: '{"a":1}'
      headers:
        Content-Length: ["7"]
        Content-Type: [application/json]
      url: https://api.groq.com/openai/v1/chat/completions
      method: POST
    response:
      content_length: 7
      body: '{"b":2}'
      headers:
        Content-Length: ["7"]
        Content-Type: [application/json]
      status: 200 OK
      code: 200
  - request:
      body: '{"a":2}'
      url: https://api.groq.com/openai/v1/chat/completions
      method: POST
    response:
      body: |
        : llmvcr-t=0.000000
        data: {"x":1}

        : llmvcr-t=0.250000
        data: [DONE]

      headers:
        Content-Type: [text/event-stream]
      status: 200 OK
      code: 200
`

// TestLoadValidatesStructure: every way a cassette can be incomplete or
// inconsistent gives a *FormatError (inside a *LoadError) that names the
// interaction and the field, from Load (which replay, lint and inspect
// use) and from LintFile.
func TestLoadValidatesStructure(t *testing.T) {
	if _, err := Parse([]byte(goodFile)); err != nil {
		t.Fatalf("the good file does not load: %v", err)
	}
	tests := []struct {
		name, old, new string
		n              int
		field          string
	}{
		{"no method", "      method: POST\n    response:\n      content_length", "    response:\n      content_length", 0, "request.method"},
		{"no url", "      url: https://api.groq.com/openai/v1/chat/completions\n      method: POST\n    response:\n      body: |", "      method: POST\n    response:\n      body: |", 1, "request.url"},
		{"no code", "      status: 200 OK\n      code: 200\n  - request", "      status: 200 OK\n  - request", 0, "response.code"},
		{"no response", "    response:\n      body: |\n        : llmvcr-t=0.000000\n        data: {\"x\":1}\n\n        : llmvcr-t=0.250000\n        data: [DONE]\n\n      headers:\n        Content-Type: [text/event-stream]\n      status: 200 OK\n      code: 200\n", "", 1, "response.code"},
		{"code out of range", "code: 200\n  - request", "code: 20\n  - request", 0, "response.code"},
		{"status and code disagree", "      status: 200 OK\n      code: 200\n  - request", "      status: 500 Internal Server Error\n      code: 200\n  - request", 0, "response.status"},
		{"NaN timing", "llmvcr-t=0.250000", "llmvcr-t=NaN", 1, "response.body"},
		{"infinite timing", "llmvcr-t=0.250000", "llmvcr-t=+Inf", 1, "response.body"},
		{"negative timing", "llmvcr-t=0.250000", "llmvcr-t=-1", 1, "response.body"},
		{"timing out of order", "llmvcr-t=0.000000", "llmvcr-t=0.500000", 1, "response.body"},
		{"timing not a number", "llmvcr-t=0.250000", "llmvcr-t=soon", 1, "response.body"},
		{"unknown body form", "      body: '{\"a\":2}'\n", "      body: '{\"a\":2}'\n      body_sent_as: zstd-magic\n", 1, "request.body"},
		{"compact-json body that is not JSON", "      body: '{\"a\":2}'\n", "      body: '{\"a\":'\n      body_sent_as: compact-json\n", 1, "request.body"},
		{"empty interaction", "  - request:\n      body: '{\"a\":2}'", "  - null\n  - request:\n      body: '{\"a\":2}'", 1, ""},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(goodFile, tt.old) {
				t.Fatalf("case does not apply: %q not in the file", tt.old)
			}
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".yaml")
			os.WriteFile(path, []byte(strings.Replace(goodFile, tt.old, tt.new, 1)), 0o644)
			_, err := Load(path)
			var fe *FormatError
			var le *LoadError
			if !errors.As(err, &fe) || !errors.As(err, &le) {
				t.Fatalf("Load = %v (%T), want a *FormatError inside a *LoadError", err, err)
			}
			if fe.Interaction != tt.n || fe.Field != tt.field {
				t.Errorf("error names interaction %d field %q, want %d %q: %v", fe.Interaction, fe.Field, tt.n, tt.field, err)
			}
			want := fmt.Sprintf("cassettes: load %s: interaction %d: ", path, tt.n)
			if tt.field != "" {
				want += tt.field + ": "
			}
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message %q, want it to start %q", err, want)
			}
			fs, err := LintFile(path)
			if err != nil || len(fs) != 1 || fs[0].Kind != "load" || !strings.Contains(fs[0].Message, fe.Error()) {
				t.Errorf("LintFile = %v, %v; want one load finding with %q", fs, err, fe.Error())
			}
		})
	}
}

// TestSplitSSERefusesBadTiming: replay splits streams with SplitSSE, so a
// NaN or out-of-order offset is refused there too, not waited on.
func TestSplitSSERefusesBadTiming(t *testing.T) {
	for _, body := range []string{
		": llmvcr-t=NaN\ndata: a\n\n",
		": llmvcr-t=nan\ndata: a\n\n",
		": llmvcr-t=Inf\ndata: a\n\n",
		": llmvcr-t=-0.5\ndata: a\n\n",
		": llmvcr-t=1e10\ndata: a\n\n",
		": llmvcr-t=0.2\ndata: a\n\n: llmvcr-t=0.1\ndata: b\n\n",
	} {
		var se *httpbody.SSEError
		if _, err := httpbody.SplitSSE(body); !errors.As(err, &se) {
			t.Errorf("httpbody.SplitSSE(%q) = %v, want *httpbody.SSEError", body, err)
		}
	}
	if _, err := httpbody.SplitSSE(": llmvcr-t=0.1\ndata: a\n\n: llmvcr-t=0.1\ndata: b\n\n: llmvcr-t=-0\ndata: c\n\n"[:44]); err != nil {
		t.Errorf("equal offsets refused: %v", err)
	}
}

// richCassette is a cassette with JSON sent compact, a stream with CRLF
// frames and emoji, plain text with emoji and tabs, and a body starting
// with a line break: every kind of body Marshal writes its own way.
func richCassette(path string) *Cassette {
	c := New(path)
	a := jsonInteraction(chatURL, `{"model":"m","messages":[{"role":"user","content":"Weather? 🌡️"}]}`, `{"id":"1","choices":[{"message":{"content":"Hot 🔥 today 🌞"}}]}`)
	b := jsonInteraction(chatURL, `{"stream":true}`, "")
	b.Response.Headers = http.Header{"Content-Type": {"text/event-stream"}}
	b.Response.ContentLength = -1
	b.Response.Body = httpbody.MarkSSE([]httpbody.Event{
		{Offset: 0, Raw: []byte("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"It is 🌡 30°C\"}]}}]}\r\n\r\n")},
		{Offset: 120 * time.Millisecond, Raw: []byte("data: {\"candidates\":[{\"finishReason\":\"STOP\"}]}\r\n\r\n")},
	})
	p := jsonInteraction(chatURL, `{"q":3}`, "")
	p.Response.Headers = http.Header{"Content-Type": {"text/plain"}}
	p.Response.Body = "line one 😀\n\tindented with a tab\n  two spaces\n\n"
	p.Response.ContentLength = int64(len(p.Response.Body))
	lead := jsonInteraction(chatURL, `{"q":4}`, "")
	lead.Response.Headers = http.Header{"Content-Type": {"text/plain"}}
	lead.Response.Body = "\n  starts with a break 🎈"
	lead.Response.ContentLength = int64(len(lead.Response.Body))
	c.Interactions = []*Interaction{a, b, p, lead}
	return c
}

// TestReadableBodiesKeepExactBytes: bodies with emoji or CRLF line ends
// are written as indented literal blocks holding the characters
// themselves (no \U escapes, no line longer than the body's own), JSON is
// indented; Load gives back every body byte for byte, and go-vcr v3.2.0
// loads the file.
func TestReadableBodiesKeepExactBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rich.yaml")
	c := richCassette(path)
	var want []string
	for _, i := range c.Interactions {
		want = append(want, i.Request.Body, i.Response.Body)
	}
	if err := c.Save(WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	text := string(data)
	for _, bad := range []string{`\U0001`, `\r\n`, `\t`, `\ud83c`} {
		if strings.Contains(text, bad) {
			t.Errorf("the file escapes characters (%s):\n%s", bad, text)
		}
	}
	for _, good := range []string{"🌡", "🔥", "😀", "🎈", "\"content\": \"Hot 🔥 today 🌞\"", "body_sent_as: crlf", "body_sent_as: compact-json"} {
		if !strings.Contains(text, good) {
			t.Errorf("the file lacks %q:\n%s", good, text)
		}
	}
	for _, l := range strings.Split(text, "\n") {
		if len(l) > 120 {
			t.Errorf("line of %d bytes: %q", len(l), l)
		}
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for n, i := range back.Interactions {
		if i.Request.Body != want[2*n] || i.Response.Body != want[2*n+1] {
			t.Errorf("interaction %d: loaded %q / %q, want %q / %q", n, i.Request.Body, i.Response.Body, want[2*n], want[2*n+1])
		}
	}
	vc, err := vcr.Load(strings.TrimSuffix(path, ".yaml"))
	if err != nil {
		t.Fatalf("go-vcr cannot load the file: %v", err)
	}
	if len(vc.Interactions) != 4 || vc.Interactions[2].Response.Body != want[5] {
		t.Errorf("go-vcr read %d interactions; the text body as %q", len(vc.Interactions), vc.Interactions[2].Response.Body)
	}
}

// TestJSONBodyFormsKeptExact: JSON sent compact (with or without a final
// line break) is indented in the file and loads compact; JSON sent in
// another layout is kept as sent; an older file's indented JSON stays
// indented. Content-Length keeps counting the bytes sent.
func TestJSONBodyFormsKeptExact(t *testing.T) {
	for _, sent := range []string{
		`{"id":"x","n":[1,2.50,{"k":null}],"s":"a\"b\\u00e9"}`,
		"{\"id\":\"x\"}\n",
		"{\n    \"id\": \"x\"\n}",
		`{"id": "x", "n": [1, 2]}`,
		"{\n  \"id\": \"x\"\n}\n",
		` {"leading":"space"}`,
		`[]`,
	} {
		path := filepath.Join(t.TempDir(), "j.yaml")
		c := New(path)
		c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"q":1}`, sent)}
		if err := c.Save(WithoutDefaultSecrets()); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path)
		if err != nil {
			t.Fatalf("%q: %v", sent, err)
		}
		rs := back.Interactions[0].Response
		if rs.Body != sent || rs.Headers.Get("Content-Length") != fmt.Sprint(len(sent)) {
			t.Errorf("sent %q, loaded %q (Content-Length %s)", sent, rs.Body, rs.Headers.Get("Content-Length"))
		}
	}
	// The file shows compact JSON indented.
	path := filepath.Join(t.TempDir(), "j.yaml")
	c := New(path)
	c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"q":1}`, `{"id":"x","choices":[]}`)}
	c.Save(WithoutDefaultSecrets())
	if data, _ := os.ReadFile(path); !bytes.Contains(data, []byte("        {\n          \"id\": \"x\",\n          \"choices\": []\n        }\n      body_sent_as: compact-json\n")) {
		t.Errorf("compact JSON not indented in the file:\n%s", data)
	}
}

// TestTruncatedFilesRefused: a saved cassette cut at any byte (but the
// final line break) does not load. A file written without the head line
// (by go-vcr or an older llmvcr) cut inside its last interaction does not
// load either.
func TestTruncatedFilesRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rich.yaml")
	if err := richCassette(path).Save(WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	loaded := 0
	for cut := 0; cut < len(data)-1; cut++ {
		if _, err := Parse(data[:cut]); err == nil {
			loaded++
			if loaded < 4 {
				t.Errorf("cut at byte %d of %d loaded:\n...%s", cut, len(data), data[max(0, cut-80):cut])
			}
		}
	}
	if loaded > 0 {
		t.Errorf("%d of %d cuts loaded", loaded, len(data)-1)
	}
	if _, err := Parse(data[:len(data)-1]); err != nil {
		t.Errorf("the file without its final line break: %v", err)
	}
	// An older file: only cuts at interaction boundaries can load.
	old := []byte(goodFile)
	second := bytes.Index(old, []byte("  - request:\n      body: '{\"a\":2}'"))
	for cut := second + 1; cut < len(old)-1; cut++ {
		if c, err := Parse(old[:cut]); err == nil && len(c.Interactions) == 2 {
			t.Errorf("an older file cut at byte %d of %d loaded with both interactions:\n...%s", cut, len(old), old[max(0, cut-60):cut])
			break
		}
	}
}

// TestCommittedCassettesStillLoad: every cassette in the repository loads
// (the go-vcr format ones with Load, the vcrpy ones with ImportVCRPyFile),
// as does a file go-vcr v3.2.0 writes itself.
func TestCommittedCassettesStillLoad(t *testing.T) {
	var v2, v1 int
	err := filepath.WalkDir("..", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "fuzz") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, ".yaml") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(data, []byte("interactions:")) {
			return err
		}
		if bytes.Contains(data, []byte("\nversion: 2")) || bytes.HasPrefix(data, []byte("version: 2")) {
			v2++
			if _, err := Load(p); err != nil {
				t.Errorf("%s: %v", p, err)
			}
		} else {
			v1++
			if _, err := ImportVCRPyFile(p); err != nil {
				t.Errorf("%s: %v", p, err)
			}
		}
		return nil
	})
	if err != nil || v2 < 5 || v1 < 100 {
		t.Fatalf("walked %d go-vcr and %d vcrpy cassettes: %v", v2, v1, err)
	}
	// go-vcr's own writer.
	base := filepath.Join(t.TempDir(), "govcr")
	vc := vcr.New(base)
	vc.AddInteraction(&vcr.Interaction{
		Request:  vcr.Request{Method: "POST", URL: chatURL, Body: `{"a":1}`, ContentLength: 7, Headers: http.Header{"Content-Type": {"application/json"}}},
		Response: vcr.Response{Code: 200, Status: "200 OK", Body: "{\"b\":\"🌡\"}\n", ContentLength: 13, Headers: http.Header{"Content-Type": {"application/json"}, "Content-Length": {"13"}}},
	})
	vc.AddInteraction(&vcr.Interaction{
		Request:  vcr.Request{Method: "HEAD", URL: chatURL},
		Response: vcr.Response{Code: 200, Status: "200 OK", Headers: http.Header{"Content-Length": {"1234"}}},
	})
	if err := vc.Save(); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(base + ".yaml"); err != nil || len(c.Interactions) != 2 {
		t.Errorf("a file go-vcr wrote: %v", err)
	}
}

// aliasBomb returns a cassette of which one body of size bytes is aliased
// n times.
func aliasBomb(size, n int) []byte {
	var b bytes.Buffer
	b.WriteString("version: 2\ninteractions:\n")
	b.WriteString("  - request: {method: POST, url: 'http://x/', body: &big '")
	b.WriteString(strings.Repeat("a", size))
	b.WriteString("'}\n    response: {code: 200, body: hi}\n")
	for range n {
		b.WriteString("  - request: {method: POST, url: 'http://x/', body: *big}\n    response: {code: 200, body: *big}\n")
	}
	return b.Bytes()
}

// TestAliasBombRefusedInBoundedMemory: a file that aliases a 1 MB body
// 2,000 times (4 GB of text once expanded) is refused with an
// *AliasError, and refusing it allocates no more than loading the same
// body once without aliases (measured by the bytes the runtime allocated,
// which does not depend on the machine's speed or load).
func TestAliasBombRefusedInBoundedMemory(t *testing.T) {
	bomb := aliasBomb(1<<20, 2000)
	alloc := func(data []byte) (uint64, error) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Parse(data)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc, err
	}
	// The baseline: the same 1 MB body once, no aliases.
	plain, err := alloc(aliasBomb(1<<20, 0))
	if err != nil {
		t.Fatal(err)
	}
	spent, err := alloc(bomb)
	var ae *AliasError
	if !errors.As(err, &ae) {
		t.Fatalf("Parse(alias bomb) = %v, want *AliasError", err)
	}
	if !strings.Contains(err.Error(), "aliases would expand") {
		t.Errorf("unclear message: %v", err)
	}
	if spent > 2*plain+1<<20 {
		t.Errorf("refusing a %d-byte alias bomb allocated %d bytes; loading the same body once, %d", len(bomb), spent, plain)
	}
	// A few aliases (shared headers, a repeated small body) are fine.
	ok := aliasBomb(100, 20)
	if _, err := Parse(ok); err != nil {
		t.Errorf("a file with a few small aliases: %v", err)
	}
	// An alias inside what it names is refused, not followed forever.
	if _, err := Parse([]byte("version: 2\ninteractions: &x [*x]\n")); err == nil {
		t.Error("a self-referential alias loaded")
	}
}

// TestRequestsDifferingInInvalidUTF8KeptApart: decoding JSON turns any
// invalid UTF-8 byte or lone surrogate escape into U+FFFD, so such bodies
// looked the same to the matcher; each must get its own recording,
// whatever the order, saved or not.
func TestRequestsDifferingInInvalidUTF8KeptApart(t *testing.T) {
	for _, pair := range [][2]string{
		{"{\"q\":\"caf\xe9\"}", "{\"q\":\"caf\xe8\"}"},
		{`{"q":"\ud800"}`, `{"q":"\udbff"}`},
		{"{\"q\":\"\xff\"}", `{"q":"\ufffd"}`},
		{"{\"q\":\"\xff\"}", "{\"q\":\"\uFFFD\"}"},
	} {
		c := New(filepath.Join(t.TempDir(), "c.yaml"))
		c.Interactions = []*Interaction{jsonInteraction(chatURL, pair[0], `{"a":0}`), jsonInteraction(chatURL, pair[1], `{"a":1}`)}
		if err := c.Save(WithoutDefaultSecrets()); err != nil {
			t.Fatal(err)
		}
		back, err := Load(c.Path)
		if err != nil {
			t.Fatal(err)
		}
		for _, cas := range []*Cassette{c, back} {
			x := newIndex(cas)
			for _, k := range []int{1, 0} {
				r, b := matchReq(t, "POST", chatURL, pair[k])
				i, err := x.Match(r, b)
				if err != nil || i.Response.Body != fmt.Sprintf(`{"a":%d}`, k) {
					got := ""
					if i != nil {
						got = i.Response.Body
					}
					t.Errorf("request %q got %q (%v), want its own recording", pair[k], got, err)
				}
			}
		}
	}
}

// TestRequestsDifferingOnlyInSecretsRefused: requests that differ only in
// secret-shaped data (a configured secret of a non-Groq shape, or a
// Groq-shaped key) are saved the same; replay refuses to choose between
// their recordings, in either order, rather than answer one with the
// other's. Requests that were the same when sent still replay in order.
func TestRequestsDifferingOnlyInSecretsRefused(t *testing.T) {
	cfgA := "sk-proj-" + strings.Repeat("Qx7", 12)
	cfgB := "xai-" + strings.Repeat("Zw9", 14)
	groqA := "gsk_" + strings.Repeat("Lm3n", 10)
	groqB := "gsk_" + strings.Repeat("Pq4r", 10)
	for _, keys := range [][2]string{{cfgA, cfgB}, {groqA, groqB}, {groqA, "REDACTED"}} {
		body := func(k string) string { return `{"messages":[{"role":"user","content":"my key is ` + k + `"}]}` }
		opts := []Option{WithSecrets(cfgA, cfgB)}
		c := New(filepath.Join(t.TempDir(), "c.yaml"))
		c.Interactions = []*Interaction{
			jsonInteraction(chatURL, body(keys[0]), `{"a":0}`),
			jsonInteraction(chatURL, body(keys[1]), `{"a":1}`),
			jsonInteraction(chatURL, `{"same":true}`, `{"n":0}`),
			jsonInteraction(chatURL, `{"same":true}`, `{"n":1}`),
		}
		if err := c.Save(opts...); err != nil {
			t.Fatal(err)
		}
		back, err := Load(c.Path)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []int{1, 0} {
			x := newIndex(back, MatchScrubber(NewScrubber(opts...)))
			r, b := matchReq(t, "POST", chatURL, body(keys[k]))
			i, err := x.Match(r, b)
			var ae *match.AmbiguousError
			if !errors.As(err, &ae) || fmt.Sprint(ae.Interactions) != "[0 1]" {
				got := ""
				if i != nil {
					got = i.Response.Body
				}
				t.Errorf("keys %.8s/%.8s: request %d got %q (%v), want an *match.AmbiguousError", keys[0], keys[1], k, got, err)
				continue
			}
			if strings.Contains(err.Error(), keys[k]) || !strings.Contains(err.Error(), "cannot be told apart") {
				t.Errorf("message: %v", err)
			}
			for n := range 2 {
				r, b := matchReq(t, "POST", chatURL, `{"same":true}`)
				if i, err := x.Match(r, b); err != nil || i.Response.Body != fmt.Sprintf(`{"n":%d}`, n) {
					t.Errorf("identical requests: %v", err)
				}
			}
		}
	}
}

// TestImportVCRPyRefusesAliasBomb: the vcrpy importer bounds alias
// expansion the same way Load does.
func TestImportVCRPyRefusesAliasBomb(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("version: 1\ninteractions:\n- request: {method: POST, uri: 'http://x/', body: &big '")
	b.WriteString(strings.Repeat("a", 1<<18))
	b.WriteString("', headers: {}}\n  response: {status: {code: 200, message: OK}, headers: {}, body: {string: hi}}\n")
	for range 200 {
		b.WriteString("- request: {method: POST, uri: 'http://x/', body: *big, headers: {}}\n  response: {status: {code: 200, message: OK}, headers: {}, body: {string: *big}}\n")
	}
	_, err := ImportVCRPy(b.Bytes())
	var ae *AliasError
	if !errors.As(err, &ae) {
		t.Fatalf("ImportVCRPy(alias bomb) = %v, want *AliasError", err)
	}
}

// TestCRLFCheckoutStillExact: a cassette checked out with CRLF line ends
// (git's autocrlf) loads with the same bodies: YAML reads either line
// end, and the end line is found.
func TestCRLFCheckoutStillExact(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rich.yaml")
	c := richCassette(path)
	if err := c.Save(WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	back, err := Parse(bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	for n, i := range back.Interactions {
		if i.Request.Body != c.Interactions[n].Request.Body || i.Response.Body != c.Interactions[n].Response.Body {
			t.Errorf("interaction %d: bodies changed: %q", n, i.Response.Body)
		}
	}
}
