package cassettes

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/match"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// fakeKey has the shape of a Groq key; it is not a real one.
const fakeKey = "gsk_FAKEfakeFAKEfake0123456789abcdefFAKE"

func jsonInteraction(url, reqBody, respBody string) *Interaction {
	return &Interaction{
		Request: Request{
			Method:        http.MethodPost,
			URL:           url,
			Body:          reqBody,
			ContentLength: int64(len(reqBody)),
			Headers:       http.Header{"Content-Type": {"application/json"}, "Content-Length": {fmt.Sprint(len(reqBody))}},
		},
		Response: Response{
			Code:          200,
			Status:        "200 OK",
			Body:          respBody,
			ContentLength: int64(len(respBody)),
			Headers:       http.Header{"Content-Type": {"application/json"}, "Content-Length": {fmt.Sprint(len(respBody))}},
		},
	}
}

const chatURL = "https://api.groq.com/openai/v1/chat/completions"

func TestSaveLoadRoundTripAndGoVCRLoads(t *testing.T) {
	dir := t.TempDir()
	c := New(filepath.Join(dir, "sub", "c.yaml"))
	c.Interactions = append(c.Interactions,
		jsonInteraction(chatURL, `{"model":"m","messages":[{"role":"user","content":"hi"}]}`, `{"id":"1","choices":[]}`))
	if err := c.Save(WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	got, err := Load(c.Path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Interactions) != 1 {
		t.Fatalf("loaded %d interactions, want 1", len(got.Interactions))
	}
	sent := c.Interactions[0].Request.Body
	if b := got.Interactions[0].Request.Body; b != `{"model":"m","messages":[{"role":"user","content":"hi"}]}` || b != sent {
		t.Errorf("request body loaded as %q, want the compact bytes that were sent", b)
	}
	if cl := got.Interactions[0].Request.Headers.Get("Content-Length"); cl != fmt.Sprint(len(sent)) {
		t.Errorf("Content-Length = %s, want %d", cl, len(sent))
	}
	// The file keeps it indented for people; go-vcr reads that text.
	want := "{\n  \"model\": \"m\",\n  \"messages\": [\n    {\n      \"role\": \"user\",\n      \"content\": \"hi\"\n    }\n  ]\n}"
	vc, err := vcr.Load(strings.TrimSuffix(c.Path, ".yaml"))
	if err != nil {
		t.Fatalf("go-vcr cannot load our cassette: %v", err)
	}
	if vc.Interactions[0].Response.Code != 200 || vc.Interactions[0].Request.Body != want {
		t.Errorf("go-vcr read back %+v", vc.Interactions[0].Request)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name  string
		path  string
		check func(error) bool
	}{
		{"missing", filepath.Join(dir, "nope.yaml"), func(err error) bool { return errors.Is(err, fs.ErrNotExist) }},
		{"corrupt", write("bad.yaml", "version: 2\ninteractions: [ {"), func(err error) bool { var le *LoadError; return errors.As(err, &le) }},
		{"version1", write("v1.yaml", "version: 1\ninteractions: []\n"), func(err error) bool {
			var ve *VersionError
			return errors.As(err, &ve) && ve.Version == 1 && strings.Contains(err.Error(), "v1.yaml")
		}},
		{"noversion", write("v0.yaml", "interactions: []\n"), func(err error) bool { var ve *VersionError; return errors.As(err, &ve) && ve.Version == 0 }},
		{"nilinteraction", write("nil.yaml", "version: 2\ninteractions: [null]\n"), func(err error) bool { var le *LoadError; return errors.As(err, &le) }},
		{"empty", write("empty.yaml", " \n"), func(err error) bool {
			var le *LoadError
			return errors.As(err, &le) && strings.Contains(err.Error(), "empty")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.path)
			if err == nil || !tt.check(err) {
				t.Fatalf("Load: got %v (%T)", err, err)
			}
			if !strings.HasPrefix(err.Error(), "cassettes: load ") {
				t.Errorf("message %q does not name the operation", err)
			}
		})
	}
}

func TestSaveIsAtomic(t *testing.T) {
	tests := []struct {
		name string
		hook func()
	}{
		{"sync fails", func() { syncFile = func(*os.File) error { return errors.New("disk full") } }},
		{"rename fails", func() { rename = func(string, string) error { return errors.New("crash before rename") } }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := New(filepath.Join(dir, "c.yaml"))
			c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"a":1}`, `{"b":2}`)}
			if err := c.Save(); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(c.Path)
			oldSync, oldRename := syncFile, rename
			t.Cleanup(func() { syncFile, rename = oldSync, oldRename })
			tt.hook()
			c.Interactions = append(c.Interactions, jsonInteraction(chatURL, `{"a":2}`, `{"b":3}`))
			err := c.Save()
			var se *SaveError
			if !errors.As(err, &se) {
				t.Fatalf("Save with injected failure: %v, want *SaveError", err)
			}
			after, _ := os.ReadFile(c.Path)
			if !bytes.Equal(before, after) {
				t.Fatal("a failed save changed the existing cassette")
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != 1 {
				t.Errorf("temporary files left behind: %v", ents)
			}
			if _, err := Load(c.Path); err != nil {
				t.Errorf("old cassette no longer loads: %v", err)
			}
		})
	}
}

func gz(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func TestReadable(t *testing.T) {
	body := `{"z":1,"a":[1,2]}`
	i := jsonInteraction(chatURL, `{"q":"x"}`, gz(t, body))
	i.Response.Headers.Set("Content-Encoding", "gzip")
	if err := readable(i); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"z\": 1,\n  \"a\": [\n    1,\n    2\n  ]\n}\n"
	if i.Response.Body != want {
		t.Errorf("body = %q, want %q", i.Response.Body, want)
	}
	if i.Response.Headers.Get("Content-Encoding") != "" {
		t.Error("Content-Encoding kept after decoding")
	}
	if i.Response.Headers.Get("Content-Length") != fmt.Sprint(len(want)) || i.Response.ContentLength != int64(len(want)) {
		t.Errorf("content length not fixed: %v %d", i.Response.Headers, i.Response.ContentLength)
	}
	again := *i
	if err := readable(&again); err != nil || again.Response.Body != want {
		t.Error("readable is not idempotent")
	}

	br := jsonInteraction(chatURL, `{}`, "\x8b\x02\x80")
	br.Response.Headers.Set("Content-Encoding", "br")
	if err := readable(br); err != nil || br.Response.Body != "\x8b\x02\x80" || br.Response.Headers.Get("Content-Encoding") != "br" {
		t.Errorf("br body changed: %v %q", err, br.Response.Body)
	}

	stream := "data: {\"a\":1}\r\n\r\ndata: [DONE]\n\n"
	s := jsonInteraction(chatURL, `{}`, stream)
	s.Response.Headers.Set("Content-Type", "text/event-stream")
	if err := readable(s); err != nil || s.Response.Body != stream {
		t.Errorf("event stream changed: %q", s.Response.Body)
	}

	bad := jsonInteraction(chatURL, `{}`, "not gzip")
	bad.Response.Headers.Set("Content-Encoding", "gzip")
	if err := readable(bad); err != nil || bad.Response.Body != "not gzip" || bad.Response.Headers.Get("Content-Encoding") != "gzip" {
		t.Errorf("corrupt gzip body not kept as it is: %v %q", err, bad.Response.Body)
	}
}

func TestScrubSecrets(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	extra := "extra-secret-value-42"
	i := jsonInteraction(chatURL+"?key="+fakeKey+"&model=x&api_key=abc",
		`{"note":"my key is `+fakeKey+`","other":"`+extra+`","html":"`+strings.ReplaceAll(extra, "-", `\u002d`)+`"}`,
		`{"echo":"`+fakeKey+`"}`)
	i.Request.Headers.Set("Authorization", "Bearer "+fakeKey)
	i.Request.Headers.Set("X-Api-Key", "k1234567")
	i.Request.Headers.Set("Cookie", "session=abc")
	i.Request.Headers.Set("X-Custom", "key="+fakeKey)
	i.Response.Headers.Set("Set-Cookie", "session=def")
	c := New(filepath.Join(t.TempDir(), "c.yaml"))
	c.Interactions = []*Interaction{i}
	if err := c.Save(WithSecrets(extra)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(c.Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fakeKey, extra, "k1234567", "session=abc", "session=def", "api_key=abc"} {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("cassette still contains %q", s)
		}
	}
	if got := i.Request.Headers.Get("Authorization"); got != "Bearer "+Redacted {
		t.Errorf("Authorization = %q", got)
	}
	if !strings.Contains(i.Request.URL, "model=x") {
		t.Errorf("non-secret query parameter lost: %s", i.Request.URL)
	}
	if lints := Lint(c, WithSecrets(extra)); len(lints) != 0 {
		t.Errorf("lint of a scrubbed cassette: %v", lints)
	}
}

func TestSaveFailsClosedOnLeftoverSecret(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	dir := t.TempDir()
	c := New(filepath.Join(dir, "c.yaml"))
	c.Interactions = []*Interaction{jsonInteraction(chatURL, `{}`, `{}`)}
	// A broken custom scrubber puts the key back (in a shape the literal
	// scrub cannot see: split across two header values is still found).
	reinsert := WithScrubFunc(func(i *Interaction) error {
		i.Response.Headers.Set("X-Leak", "v="+fakeKey)
		return nil
	})
	err := c.Save(reinsert)
	var le *SecretLeakError
	if !errors.As(err, &le) {
		t.Fatalf("Save = %v, want *SecretLeakError", err)
	}
	if strings.Contains(err.Error(), fakeKey) || strings.Contains(err.Error(), fakeKey[4:12]) {
		t.Fatal("the error message contains the secret")
	}
	if !strings.Contains(err.Error(), "response headers") {
		t.Errorf("error does not say where: %v", err)
	}
	if _, err := os.Stat(c.Path); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a cassette was written despite the leak")
	}
}

func TestSplitJoinSSE(t *testing.T) {
	tests := []struct {
		name string
		raw  []string // the events as the server sent them
	}{
		{"lf", []string{"data: {\"a\":1}\n\n", "data: [DONE]\n\n"}},
		{"crlf with comment and event type", []string{": ping\r\n\r\n", "event: error\r\ndata: {\"e\":1}\r\n\r\n"}},
		{"cr only", []string{"data: x\r\r", "data: y\r\r"}},
		{"cut mid-event", []string{"data: {\"a\":1}\n\n", "data: {\"a\""}},
		{"extra blank lines", []string{"data: a\n\n", "\n", "data: b\n\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var evs []httpbody.Event
			for k, r := range tt.raw {
				evs = append(evs, httpbody.Event{Offset: time.Duration(k) * 125 * time.Millisecond, Raw: []byte(r)})
			}
			stored := httpbody.MarkSSE(evs)
			got, err := httpbody.SplitSSE(stored)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.raw) {
				t.Fatalf("split into %d events, want %d: %q", len(got), len(tt.raw), stored)
			}
			for k := range got {
				if string(got[k].Raw) != tt.raw[k] || got[k].Offset != evs[k].Offset || !got[k].HasOffset {
					t.Errorf("event %d = %+v, want raw %q offset %v", k, got[k], tt.raw[k], evs[k].Offset)
				}
			}
			if j := string(httpbody.JoinSSE(got)); j != strings.Join(tt.raw, "") {
				t.Errorf("joined %q", j)
			}
			if s, _ := httpbody.StripTiming(stored); s != strings.Join(tt.raw, "") {
				t.Errorf("httpbody.StripTiming = %q", s)
			}
		})
	}
	if _, err := httpbody.SplitSSE(httpbody.TimingPrefix + "abc\ndata: x\n\n"); err == nil {
		t.Error("bad timing line accepted")
	}
}

func matchReq(t testing.TB, method, url, body string) (*http.Request, []byte) {
	r, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return r, []byte(body)
}

func TestMatchJSONAware(t *testing.T) {
	c := New("testdata/x.yaml")
	c.Interactions = []*Interaction{
		jsonInteraction(chatURL, `{"model":"m","messages":[{"role":"user","content":"a"}],"seed":1}`, `{"n":0}`),
		jsonInteraction(chatURL, `{"model":"m","messages":[{"role":"user","content":"a"}],"seed":1}`, `{"n":1}`),
		jsonInteraction(chatURL, `{"model":"m","messages":[{"role":"user","content":"b"}],"seed":1}`, `{"n":2}`),
	}
	for _, i := range c.Interactions {
		readable(i) // stored indented, as on disk
	}
	x := newIndex(c, IgnoreJSONPaths("seed"))
	tests := []struct {
		name, body, want string
	}{
		{"other request first", `{"model":"m","messages":[{"role":"user","content":"b"}],"seed":1}`, `"n": 2`},
		{"key order and spaces", ` { "seed" : 1, "messages":[{"content":"a","role":"user"}], "model":"m"}`, `"n": 0`},
		{"identical: next in order, ignored seed", `{"model":"m","messages":[{"role":"user","content":"a"}],"seed":99}`, `"n": 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, b := matchReq(t, "POST", chatURL, tt.body)
			i, err := x.Match(r, b)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(i.Response.Body, tt.want) {
				t.Errorf("got response %s, want %s", i.Response.Body, tt.want)
			}
		})
	}
	r, b := matchReq(t, "POST", chatURL, `{"model":"m","messages":[{"role":"user","content":"a"}],"seed":1}`)
	_, err := x.Match(r, b)
	var me *match.MissError
	if !errors.As(err, &me) || !strings.Contains(me.Reason, "already replayed") {
		t.Fatalf("third identical request: %v, want a miss saying it was already replayed", err)
	}
	if len(x.Unused()) != 0 {
		t.Errorf("unused = %v", x.Unused())
	}
}

func TestDrift(t *testing.T) {
	old := New("old.yaml")
	old.Interactions = []*Interaction{jsonInteraction(chatURL, `{"model":"m","messages":[{"content":"hi"}]}`,
		`{"id":"chatcmpl-1","created":1,"choices":[{"message":{"content":"Hello"}}],"usage":{"total_time":0.1,"completion_tokens":3}}`)}
	cur := New("new.yaml")
	cur.Interactions = []*Interaction{jsonInteraction(chatURL, `{"model":"m","messages":[{"content":"hi"}]}`,
		`{"id":"chatcmpl-2","created":2,"choices":[{"message":{"content":"Hi there"}}],"usage":{"total_time":0.3,"completion_tokens":4}}`)}
	cur.Interactions[0].Response.Headers.Set("Date", "today")
	r := Drift(old, cur)
	st := r.Stable()
	paths := map[string]bool{}
	for _, c := range st {
		paths[c.Path] = true
	}
	if !paths["choices[0].message.content"] || !paths["usage.completion_tokens"] || len(st) != 2 {
		t.Errorf("stable changes = %v", st)
	}
	if v := r.Volatile(); len(v) != 5 { // id, created, total_time, Date, Content-Length
		t.Errorf("volatile changes = %v", v)
	}
	if !strings.Contains(r.String(), `interaction 0 response choices[0].message.content: "Hello" -> "Hi there"`) {
		t.Errorf("report:\n%s", r)
	}
}

func TestDriftStreams(t *testing.T) {
	mk := func(content string, off time.Duration) *Cassette {
		c := New("x.yaml")
		i := jsonInteraction(chatURL, `{}`, httpbody.MarkSSE([]httpbody.Event{
			{Offset: 0, Raw: []byte(`data: {"id":"a` + content + `","choices":[{"delta":{"content":"` + content + `"}}]}` + "\n\n")},
			{Offset: off, Raw: []byte("data: [DONE]\n\n")},
		}))
		i.Response.Headers.Set("Content-Type", "text/event-stream")
		c.Interactions = []*Interaction{i}
		return c
	}
	r := Drift(mk("x", time.Second), mk("y", 2*time.Second))
	st := r.Stable()
	if len(st) != 1 || st[0].Path != "events[0].choices[0].delta.content" {
		t.Errorf("stable = %v", st)
	}
	if r := Drift(mk("x", time.Second), mk("x", 2*time.Second)); len(r.Changes) != 0 {
		t.Errorf("timing-only change reported: %v", r.Changes)
	}
}

func TestLint(t *testing.T) {
	c := New("c.yaml")
	good := jsonInteraction(chatURL, `{"a":1}`, `{"b":1}`)
	dup := jsonInteraction(chatURL, `{ "a": 1 }`, `{"b":1}`)
	leak := jsonInteraction(chatURL, `{"a":2}`, `{"b":1}`)
	leak.Request.Headers.Set("Authorization", "Bearer abcdefghijkl")
	leak.Response.Body = `{"k":"` + fakeKey + `"}`
	badJSON := jsonInteraction(chatURL, `{"a":3}`, `{"b":`)
	badSSE := jsonInteraction(chatURL, `{"a":4}`, "data: not json\n\n")
	badSSE.Response.Headers.Set("Content-Type", "text/event-stream")
	noURL := jsonInteraction("/relative", `{"a":5}`, `{}`)
	c.Interactions = []*Interaction{good, dup, leak, badJSON, badSSE, noURL}
	got := map[string][]int{}
	for _, f := range Lint(c) {
		got[f.Kind] = append(got[f.Kind], f.Interaction)
		if strings.Contains(f.Message, fakeKey) || strings.Contains(f.Message, "abcdefghijkl") {
			t.Errorf("finding prints the secret: %s", f)
		}
	}
	want := map[string][]int{"duplicate": {1}, "secret": {2, 2}, "body": {3, 4}, "unreachable": {5}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings = %v, want %v", got, want)
	}
	p := filepath.Join(t.TempDir(), "v1.yaml")
	os.WriteFile(p, []byte("version: 1\n"), 0o644)
	fs, err := LintFile(p)
	if err != nil || len(fs) != 1 || fs[0].Kind != "version" {
		t.Errorf("LintFile(v1) = %v, %v", fs, err)
	}
}

func TestReadBody(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		length int64 // as declared
	}{
		{"sized", `{"a":1}`, 7},
		{"unsized", `{"a":1}`, -1},
		{"declared too short", `{"a":12345}`, 3},
		{"empty", ``, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest("POST", chatURL, strings.NewReader(tt.body))
			r.ContentLength = tt.length
			got, err := httpbody.ReadBody(r)
			if err != nil || string(got) != tt.body {
				t.Errorf("httpbody.ReadBody = %q, %v", got, err)
			}
			r, _ = http.NewRequest("POST", chatURL, strings.NewReader(tt.body))
			r.ContentLength = tt.length
			got, err = httpbody.AppendBody([]byte("x"), r)
			if err != nil || string(got) != "x"+tt.body {
				t.Errorf("httpbody.AppendBody = %q, %v", got, err)
			}
		})
	}
}

func TestScrubGroqKeyShapeWithoutConfiguredSecret(t *testing.T) {
	t.Setenv("GROQ_API_KEY", "")
	other := "gsk_" + strings.Repeat("Ab1", 14) // a key given in code, not in the environment
	i := jsonInteraction(chatURL+"?k="+other, `{"note":"`+other+`"}`, `{}`)
	i.Request.Headers.Set("X-Forwarded-Key", other)
	c := New(filepath.Join(t.TempDir(), "c.yaml"))
	c.Interactions = []*Interaction{i}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(c.Path)
	if strings.Contains(string(data), other) || strings.Contains(string(data), "gsk_Ab1") {
		t.Errorf("a Groq-shaped key reached the cassette:\n%s", data)
	}
	// A request carrying that key still matches what was saved.
	x := newIndex(c)
	r, b := matchReq(t, "POST", chatURL+"?k="+other, `{"note":"`+other+`"}`)
	if _, err := x.Match(r, b); err != nil {
		t.Errorf("request with the key did not match its scrubbed recording: %v", err)
	}
}

func TestDriftPairsByRequest(t *testing.T) {
	a := jsonInteraction(chatURL, `{"q":"a"}`, `{"r":"A"}`)
	b := jsonInteraction(chatURL, `{"q":"b"}`, `{"r":"B"}`)
	inserted := jsonInteraction(chatURL, `{"q":"new"}`, `{"r":"N"}`)
	b2 := jsonInteraction(chatURL, `{"q":"b"}`, `{"r":"B2"}`)
	old, cur := New("o.yaml"), New("n.yaml")
	old.Interactions = []*Interaction{a, b}
	cur.Interactions = []*Interaction{a, inserted, b2}
	var got []string
	for _, c := range Drift(old, cur).Stable() {
		got = append(got, c.String())
	}
	want := []string{
		"interactions: 2 -> 3",
		"interaction 1 interaction: (absent) -> POST " + chatURL,
		`interaction 2 response r: "B" -> "B2"`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("drift = %q\nwant %q", got, want)
	}
}

// newIndex indexes a cassette for matching as replay does.
func newIndex(c *Cassette, opts ...MatchOption) *match.Index {
	return match.NewIndex(c.Path, c.Interactions, opts...)
}
