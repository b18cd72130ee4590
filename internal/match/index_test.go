package match

// These tests moved here from package cassettes with the matcher; what
// each asserts is unchanged.

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/secrets"
)

// fakeKey is shaped like a Groq key; escKey is the same key with a JSON
// escape in it.
const (
	fakeKey = "gsk_FAKEfakeFAKEfake0123456789abcdefFAKE"
	escKey  = `gsk_\u0046AKEfakeFAKEfake0123456789abcdefFAKE`
)

// testCassette is what an Index is built from: a path and interactions.
type testCassette struct {
	Path         string
	Interactions []*Interaction
}

func newCassette(path string) *testCassette { return &testCassette{Path: path} }

func newIndex(c *testCassette, opts ...Option) *Index {
	return NewIndex(c.Path, c.Interactions, opts...)
}

// jsonInteraction is a recorded JSON POST and its JSON answer.
func jsonInteraction(url, reqBody, respBody string) *Interaction {
	i := &Interaction{}
	i.Request.Method, i.Request.URL, i.Request.Body = http.MethodPost, url, reqBody
	i.Request.ContentLength = int64(len(reqBody))
	i.Request.Headers = http.Header{"Content-Type": {"application/json"}, "Content-Length": {fmt.Sprint(len(reqBody))}}
	i.Response.Code, i.Response.Status, i.Response.Body = 200, "200 OK", respBody
	i.Response.ContentLength = int64(len(respBody))
	i.Response.Headers = http.Header{"Content-Type": {"application/json"}, "Content-Length": {fmt.Sprint(len(respBody))}}
	return i
}

func matchReq(t testing.TB, method, url, body string) (*http.Request, []byte) {
	r, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return r, []byte(body)
}

// TestMalformedIgnorePathIsAnError: a malformed IgnoreJSONPaths path is
// an error naming the path, from CheckMatchOptions and from every Match of
// an index built with it, instead of being silently dropped (which would
// make the match stricter than the caller asked). Well-formed paths pass.
func TestMalformedIgnorePathIsAnError(t *testing.T) {
	for _, bad := range []string{"messages[*", "a..b", "tools[x]", "", "[", `m["a`} {
		opts := []Option{IgnoreJSONPaths("seed"), IgnoreJSONPaths(bad)}
		err := CheckOptions(opts...)
		if err == nil {
			t.Errorf("CheckOptions(IgnoreJSONPaths(%q)) = nil, want an error", bad)
			continue
		}
		if !strings.Contains(err.Error(), "IgnoreJSONPaths") || !strings.Contains(err.Error(), "bad path") {
			t.Errorf("error for %q does not say what is wrong: %v", bad, err)
		}
		c := newCassette("x.yaml")
		c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"a":1}`, `{"b":2}`)}
		x := newIndex(c, opts...)
		req, _ := http.NewRequest("POST", chatURL, nil)
		req.Header.Set("Content-Type", "application/json")
		if _, merr := x.Match(req, []byte(`{"a":1}`)); merr == nil || merr.Error() != err.Error() {
			t.Errorf("Match with %q: %v, want %v", bad, merr, err)
		}
	}
	for _, good := range []string{"seed", "messages[*].tool_call_id", "tools[0].function.strict", "**.x_groq", `metadata["a.b"]`} {
		if err := CheckOptions(IgnoreJSONPaths(good)); err != nil {
			t.Errorf("CheckOptions(IgnoreJSONPaths(%q)) = %v, want nil", good, err)
		}
	}
}

func TestMatchHeadersAndIgnoredArrayPaths(t *testing.T) {
	c := newCassette("c.yaml")
	a := jsonInteraction(chatURL, `{"messages":[{"tool_call_id":"x1","content":"r"}]}`, `{"n":"a"}`)
	a.Request.Headers.Set("X-Tenant", "a")
	b := jsonInteraction(chatURL, `{"messages":[{"tool_call_id":"x2","content":"r"}]}`, `{"n":"b"}`)
	b.Request.Headers.Set("X-Tenant", "b")
	c.Interactions = []*Interaction{a, b}
	a.Request.Headers.Set("Authorization", "Bearer "+secrets.Redacted) // as saved
	x := newIndex(c, Headers("x-tenant", "Authorization"), IgnoreJSONPaths("messages[*].tool_call_id"))
	r, body := matchReq(t, "POST", chatURL, `{"messages":[{"tool_call_id":"zzz","content":"r"}]}`)
	r.Header.Set("X-Tenant", "b")
	i, err := x.Match(r, body)
	if err != nil || i != b {
		t.Fatalf("Match = %v, %v; want the X-Tenant: b recording", i, err)
	}
	r, body = matchReq(t, "POST", chatURL, `{"messages":[{"tool_call_id":"x1","content":"r"}]}`)
	r.Header.Set("X-Tenant", "a")
	r.Header.Set("Authorization", "Bearer gsk_some_other_key_value")
	i, err = x.Match(r, body)
	if err != nil || i != a {
		t.Fatalf("Match = %v, %v; want the X-Tenant: a recording (Authorization matched as scrubbed)", i, err)
	}
}

func TestMissErrorReport(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	c := newCassette("testdata/cassettes/TestX.yaml")
	c.Interactions = []*Interaction{
		jsonInteraction(chatURL, `{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"hello"}]}`, `{}`),
		jsonInteraction("https://api.groq.com/openai/v1/models", ``, `{}`),
	}
	x := newIndex(c)
	r, b := matchReq(t, "POST", chatURL, `{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"bye `+fakeKey+`"}],"temperature":0}`)
	_, err := x.Match(r, b)
	var me *MissError
	if !errors.As(err, &me) {
		t.Fatalf("got %v, want *MissError", err)
	}
	msg := err.Error()
	for _, want := range []string{"testdata/cassettes/TestX.yaml", "POST " + chatURL, "interaction 0", `messages[1].content: recorded "hello", got "bye REDACTED"`, "temperature: recorded (absent), got 0", "diff (-recorded +got)"} {
		if !strings.Contains(msg, want) {
			t.Errorf("miss report lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, fakeKey) {
		t.Error("miss report contains the secret")
	}
	if me.ClosestN != 0 {
		t.Errorf("closest = %d, want 0", me.ClosestN)
	}
}

func TestMatchConcurrent(t *testing.T) {
	c := newCassette("c.yaml")
	const n = 50
	for k := 0; k < n; k++ {
		c.Interactions = append(c.Interactions, jsonInteraction(chatURL, fmt.Sprintf(`{"k":%d}`, k%10), fmt.Sprintf(`{"r":%d}`, k)))
	}
	x := newIndex(c)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for k := 0; k < n; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			r, b := matchReq(t, "POST", chatURL, fmt.Sprintf(`{ "k": %d }`, k%10))
			if _, err := x.Match(r, b); err != nil {
				errs <- err
			}
		}(k)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if u := x.Unused(); len(u) != 0 {
		t.Errorf("unused after concurrent replay: %v", u)
	}
}

// TestMissMessageNeverTruncatesIntoAKey: values are scrubbed before the
// miss report shortens them, so no part of an escaped key is shown.
func TestMissMessageNeverTruncatesIntoAKey(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	c := newCassette("c.yaml")
	c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"m":"x"}`, `{}`)}
	x := newIndex(c)
	pad := strings.Repeat("a", 100)
	r, b := matchReq(t, "POST", chatURL, `{"m":"`+pad+escKey+`"}`)
	_, err := x.Match(r, b)
	if err == nil {
		t.Fatal("matched")
	}
	if msg := err.Error(); strings.Contains(msg, "gsk_FAKE") || strings.Contains(msg, "FAKEfake") {
		t.Errorf("part of the key is in the miss message:\n%s", msg)
	}
}

// TestNumbersMatchByValue: 1 and 1.0, 100 and 1e2 are the same JSON
// number; a real difference is still a miss, reported once.
func TestNumbersMatchByValue(t *testing.T) {
	tests := []struct {
		name, recorded, got string
		match               bool
	}{
		{"1 and 1.0", `{"temperature":1.0}`, `{"temperature":1}`, true},
		{"100 and 1e2", `{"max_tokens":1e2}`, `{"max_tokens":100}`, true},
		{"0.5 and 5e-1", `{"top_p":0.5}`, `{"top_p":5E-1}`, true},
		{"0 and -0.0", `{"n":0}`, `{"n":-0.0}`, true},
		{"nested", `{"a":[1.50,{"b":2e0}]}`, `{"a":[1.5,{"b":2}]}`, true},
		{"different", `{"temperature":1.0}`, `{"temperature":1.01}`, false},
		{"huge exponent", `{"x":1e999999999}`, `{"x":10e999999998}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCassette("c.yaml")
			c.Interactions = []*Interaction{jsonInteraction(chatURL, tt.recorded, `{}`)}
			x := newIndex(c)
			r, b := matchReq(t, "POST", chatURL, tt.got)
			_, err := x.Match(r, b)
			if (err == nil) != tt.match {
				t.Fatalf("match = %v, want %v: %v", err == nil, tt.match, err)
			}
			var me *MissError
			if !tt.match && (!errors.As(err, &me) || len(me.Paths) != 1) {
				t.Errorf("want one difference, got %v", err)
			}
		})
	}
	// A miss for another field does not list numbers that are equal.
	c := newCassette("c.yaml")
	c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"temperature":1.0,"q":"a"}`, `{}`)}
	r, b := matchReq(t, "POST", chatURL, `{"temperature":1,"q":"b"}`)
	_, err := newIndex(c).Match(r, b)
	var me *MissError
	if !errors.As(err, &me) || len(me.Paths) != 1 || !strings.HasPrefix(me.Paths[0], "q:") {
		t.Errorf("differences = %v, want only q", err)
	}
}

// TestMissLeavesIgnoredPathsOut: an ignored path is neither reported nor
// used to choose the closest recording.
func TestMissLeavesIgnoredPathsOut(t *testing.T) {
	c := newCassette("c.yaml")
	c.Interactions = []*Interaction{
		jsonInteraction(chatURL, `{"seed":1,"messages":[{"content":"hello"}]}`, `{}`),
		jsonInteraction(chatURL, `{"seed":2,"messages":[{"content":"other"}],"extra":true}`, `{}`),
	}
	x := newIndex(c, IgnoreJSONPaths("seed"))
	r, b := matchReq(t, "POST", chatURL, `{"seed":2,"messages":[{"content":"bye"}]}`)
	_, err := x.Match(r, b)
	var me *MissError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "seed") {
		t.Errorf("ignored path reported:\n%v", err)
	}
	if me.ClosestN != 0 {
		t.Errorf("closest = interaction %d, want 0 (the ignored seed chose it)", me.ClosestN)
	}
}

// TestIdenticalRequestsInRecordedOrder: requests that are the same after
// canonicalisation are answered in recorded order whatever their bytes
// (IgnoreJSONPaths, key order, Repeatable).
func TestIdenticalRequestsInRecordedOrder(t *testing.T) {
	tests := []struct {
		name     string
		recorded []string
		sent     []string
		opts     []Option
		want     []string
	}{
		{"ignored path", []string{`{"q":"hi","ts":1}`, `{"q":"hi","ts":2}`}, []string{`{"q":"hi","ts":2}`, `{"q":"hi","ts":2}`},
			[]Option{IgnoreJSONPaths("ts")}, []string{"0", "1"}},
		{"bytes of the second first", []string{`{"a":1,"b":2}`, `{"b":2,"a":1}`}, []string{`{"b":2,"a":1}`, `{"a":1,"b":2}`},
			nil, []string{"0", "1"}},
		{"repeatable", []string{`{"q":"hi","ts":1}`, `{"q":"hi","ts":2}`}, []string{`{"q":"hi","ts":2}`, `{"q":"hi","ts":1}`, `{"q":"hi","ts":1}`},
			[]Option{IgnoreJSONPaths("ts"), Repeatable()}, []string{"0", "1", "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCassette("c.yaml")
			for n, body := range tt.recorded {
				c.Interactions = append(c.Interactions, jsonInteraction(chatURL, body, `{"n":`+strconv.Itoa(n)+`}`))
			}
			x := newIndex(c, tt.opts...)
			var got []string
			for _, body := range tt.sent {
				r, b := matchReq(t, "POST", chatURL, body)
				i, err := x.Match(r, b)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, strings.Trim(strings.TrimPrefix(httpbody.CompactJSON(i.Response.Body), `{"n":`), "}"))
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("answered with recordings %v, want %v", got, tt.want)
			}
		})
	}
}
