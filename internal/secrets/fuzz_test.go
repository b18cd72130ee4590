package secrets_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// FuzzStreamSplitKey streams text holding a key (of the shape chosen by
// which, and configured too) in pieces of a fuzzed size, and checks that
// ScrubStream removes it from every joined field, leaves nothing it could
// not remove, and keeps every event valid JSON; and that the engine's
// other entry points take the same text without panicking.
func FuzzStreamSplitKey(f *testing.F) {
	f.Add("Sure: ", " is it.", uint8(0), uint8(5))
	f.Add("", "", uint8(3), uint8(1))
	f.Add("risk-", "learn", uint8(2), uint8(3))
	f.Add("x\"\\u0041\n", "%2F日本", uint8(11), uint8(7))
	f.Add("Bearer ", "==", uint8(12), uint8(16))
	keys := secretstest.Keys()
	f.Fuzz(func(t *testing.T, prefix, suffix string, which, size uint8) {
		key := keys[int(which)%len(keys)].Value
		n := int(size)%16 + 1
		e := secrets.New(secrets.Config{Values: []secrets.Value{{Text: key}}})
		text := prefix + key + suffix
		var evs []string
		for _, p := range secretstest.Pieces(text, n) {
			evs = append(evs, chunk(0, map[string]any{"content": p}))
		}
		body := sseBody(evs...)
		out, left := e.ScrubStream(body)
		if len(left) != 0 {
			t.Fatalf("left %v", left)
		}
		j := joined(t, out)
		if strings.Contains(j["0 content"], key) {
			t.Fatalf("the key is still in the joined text %q", j["0 content"])
		}
		// The other entry points, on the same text: no panic, and what
		// ScrubText returns holds no configured value as written.
		if strings.Contains(e.ScrubText(text), key) {
			t.Fatalf("ScrubText left the key in %q", text)
		}
		e.ScrubURL("https://h/p?q=" + text + "#" + text)
		e.URLProblems(text)
		e.ScanStream(text)
		for _, m := range secrets.FindShapes(text) {
			if m.Start < 0 || m.End > len(text) || m.Start >= m.End {
				t.Fatalf("bad match %+v", m)
			}
		}
	})
}

// FuzzScrubURL scrubs fuzzed URLs (with a key appended to a fuzzed name,
// or anywhere the fuzzer puts it): it must not panic, what it returns
// has no URL problem left (URLProblems, which lint applies) and no
// secret Find sees, and scrubbing again changes nothing.
func FuzzScrubURL(f *testing.F) {
	for _, s := range []string{
		"https://h/v1/models/x;key=%s:generate",
		"https://h/p?key%%3D%s",
		"https://h/p?%%6Bey=%s&alt=sse",
		"https://h/p?alt=sse%%2526key%%253D%s",
		"https://u:%s@h/p?x=1;token=%s#access_token=%s&t=b",
		"https://app/#/cb?token=%s",
		"https://h/%%zz/p?key=%s%%zz",
		"<https://h/p?page=2&token=%s>; rel=\"next\"",
		"/v1/x%%3Bkey=%s/y?credentials[api_key]=%s&auth.token=%s",
		"https://h/p?next=https%%3A%%2F%%2Fu%%3A%s%%40x%%2F",
		"https://h/p?q=a?apiKey=%s&Authorization=Bearer+%s",
		"//u:%s@h/p\x7f?key=%s",
	} {
		f.Add(s)
	}
	e := secrets.New(secrets.Config{Values: []secrets.Value{{Text: "weakpw12"}}})
	key := "FAKE" + strings.Repeat("q7Zk", 6)
	f.Fuzz(func(t *testing.T, tmpl string) {
		if len(tmpl) > 4096 {
			return
		}
		in := strings.ReplaceAll(tmpl, "%s", key)
		out := e.ScrubURL(in)
		if p := e.URLProblems(out); len(p) != 0 {
			t.Fatalf("ScrubURL(%q) = %q, which still has %q", in, out, p)
		}
		if again := e.ScrubURL(out); again != out {
			t.Fatalf("ScrubURL(%q) = %q, and again %q", in, out, again)
		}
		for _, p := range e.URLProblems(in) {
			if strings.Contains(p, key) {
				t.Fatalf("URLProblems shows the key: %q", p)
			}
		}
	})
}

// FuzzScrubRequestBody scrubs fuzzed request bodies of every kind
// (JSON, form, multipart, event stream, none declared): no panic, valid
// JSON stays valid (unless declared a form), no credential is left by name, and scrubbing again
// changes nothing, as matching scrubs a recording's body (already
// scrubbed) and an incoming one alike.
func FuzzScrubRequestBody(f *testing.F) {
	seeds := []struct {
		kind uint8
		body string
	}{
		{0, `{"headers":[{"name":"Authorization","value":"Bearer abc"}],"arguments":"{\"password\":\"p\"}"}`},
		{0, `{"body":"{\"headers\":[[\"x-api-key\",\"k\"]]}","detail":"GET https://h/p?key=abc&alt=sse failed"}`},
		{0, `{"error":{"message":"Invalid API key provided: abcd1234efgh"}}`},
		{1, "a=1%26password%3Dx&client_secret=y&token%3Dz"},
		{2, "username=ann&password=hunter2hunter2"},
		{3, "--b0\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\nk\r\n--b0\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n{\"password\":\"p\"}\r\n--b0--\r\n"},
		{3, "--b0\nContent-Disposition: form-data; name=api_key\n\nk\n--b0--"},
		{4, "data: {\"access_token\":\"t\"}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"token: abc\"}}]}\r\n\r\ndata: [DONE]\n\n"},
		{5, "see https://u:p@h/x;key=k and http://h/?token=t"},
	}
	for _, s := range seeds {
		f.Add(s.kind, s.body)
	}
	types := []string{"application/json", "application/x-www-form-urlencoded", "", "multipart/form-data; boundary=b0", "text/event-stream", "text/plain"}
	e := secrets.New(secrets.Config{Values: []secrets.Value{{Text: "weakpw12"}}})
	f.Fuzz(func(t *testing.T, kind uint8, body string) {
		if len(body) > 1<<14 {
			return
		}
		h := http.Header{}
		if ct := types[int(kind)%len(types)]; ct != "" {
			h.Set("Content-Type", ct)
		}
		out := e.ScrubRequestBody(h, body)
		// (A body declared a form is read as the server reads it, as a
		// form, though it may be JSON as well: it need not stay JSON.)
		if json.Valid([]byte(body)) && !json.Valid([]byte(out)) && h.Get("Content-Type") != "application/x-www-form-urlencoded" {
			t.Fatalf("valid JSON %q became %q", body, out)
		}
		if left := e.CredentialKeysLeft(out); len(left) > 0 {
			t.Fatalf("%q -> %q leaves %q", body, out, left)
		}
		if left := e.FormParamsLeft(h, out); len(left) > 0 {
			t.Fatalf("%q -> %q leaves form fields %q", body, out, left)
		}
		if again := e.ScrubRequestBody(h, out); again != out {
			t.Fatalf("%q -> %q, and again -> %q", body, out, again)
		}
		var got []string
		e.EachCredential(h, body, func(name, _ string) { got = append(got, name) })
	})
}
