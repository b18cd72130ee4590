package secrets_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// TestScrubURLByName: a key that no shape knows and nobody configured is
// removed from a URL by the name of the parameter that carries it,
// wherever and however the URL carries it: a path parameter (";key="),
// percent-encoded names and separators (encoded twice too), user
// information, repeated parameters, names in any case and style,
// '+' and %2B in the value, a fragment (OAuth's implicit flow), a URL
// that does not parse. URLProblems reports each before and none after,
// and scrubbing is idempotent.
func TestScrubURLByName(t *testing.T) {
	e := secrets.New(secrets.Config{})
	k := secretstest.Random(7, 32)                      // no shape: only the name finds it
	b64 := "Zm9v" + secretstest.Random(8, 20) + "+/x==" // '+' and '/' of base64
	base := "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash"
	tests := []struct {
		name, url, secret string
		keep              []string // text that must survive
	}{
		{"path parameter", base + ";key=" + k + ":generateContent", k, []string{"/models/gemini-2.0-flash;key=REDACTED"}},
		{"path parameter then query", base + ";key=" + k + "?alt=sse", k, []string{"alt=sse"}},
		{"path parameter mid path", "https://h/v1;api_key=" + k + "/models", k, []string{"/models"}},
		{"path parameter encoded ;", base + "%3Bkey=" + k + ":generate", k, nil},
		{"encoded =", base + ":generateContent?key%3D" + k, k, nil},
		{"encoded = lower case", base + ":generateContent?alt=sse&key%3d" + k, k, []string{"alt=sse"}},
		{"encoded & and =", base + "?alt=sse%26key%3D" + k, k, nil},
		{"encoded twice", base + "?alt=sse%2526key%253D" + k, k, nil},
		{"encoded name", base + "?%6Bey=" + k + "&alt=sse", k, []string{"alt=sse"}},
		{"encoded name upper", base + "?%4B%45%59=" + k, k, nil},
		{"nested URL value", "https://h/cb?next=" + url.QueryEscape("https://x/y?token="+k), k, nil},
		{"nested URL user info", "https://h/cb?next=" + url.QueryEscape("https://u:"+k+"@x/"), k, nil},
		{"question mark in value", "https://h/p?q=a?token=" + k, k, nil},
		{"semicolon separator", "https://h/p?alt=sse;key=" + k, k, []string{"alt=sse"}},
		{"semicolon only", "https://h/p?x=1;key=" + k, k, nil},
		{"user info", "https://user:" + k + "@h/p", k, []string{"@h/p"}},
		{"user only", "https://" + k + "@h/p", k, nil},
		{"user info and query", "https://u:" + k + "@h/p?alt=sse", k, []string{"alt=sse"}},
		{"repeated", base + "?key=" + k + "&key=" + k + "x&alt=sse", k, []string{"alt=sse"}},
		{"KEY", base + "?KEY=" + k, k, nil},
		{"Api_Key", base + "?Api_Key=" + k, k, nil},
		{"apiKey", base + "?apiKey=" + k, k, nil},
		{"access_token", base + "?access_token=" + k, k, nil},
		{"token", base + "?token=" + k, k, nil},
		{"x-api-key", base + "?x-api-key=" + k, k, nil},
		{"X-Goog-Api-Key", base + "?X-Goog-Api-Key=" + k, k, nil},
		{"clientSecret", base + "?clientSecret=" + k, k, nil},
		{"sessionToken", base + "?sessionToken=" + k, k, nil},
		{"Authorization", base + "?Authorization=Bearer%20" + k, k, nil},
		{"bracketed", base + "?credentials[api_key]=" + k, k, nil},
		{"bracketed encoded", base + "?credentials%5Bapi_key%5D=" + k, k, nil},
		{"dotted", base + "?auth.token=" + k, k, nil},
		{"space around name", base + "?%20key%20=" + k, k, nil},
		{"plus in value", base + "?key=" + b64, b64[4:12], nil},
		{"%2B in value", base + "?key=" + url.QueryEscape(b64), b64[4:12], nil},
		{"fragment", "https://app.example/cb#access_token=" + k + "&token_type=bearer&expires_in=3600", k, []string{"token_type=bearer"}},
		{"fragment route", "https://app.example/#/cb?token=" + k, k, nil},
		{"fragment encoded", "https://app.example/cb#access%5Ftoken=" + k, k, nil},
		{"bad escape elsewhere", "https://h/%zz/p?key=" + k + "&alt=sse", k, []string{"alt=sse"}},
		{"bad escape in the value", "https://h/p?alt=sse&key=" + k + "%zz", k, []string{"alt=sse"}},
		{"control character", "https://h/p\x7f?key=" + k, k, nil},
		{"request URI", "/v1/models/x:generate?key=" + k, k, nil},
		{"request URI path parameter", "/v1/models/x;key=" + k + ":generate", k, nil},
		{"HTML-escaped query", "https://h/p?alt=sse&amp;key=" + k, k, nil},
		{"Link header", `<https://h/p?page=2&token=` + k + `>; rel="next", <https://h/p;key=` + k + `>; rel="last"`, k, []string{`rel="next"`, `rel="last"`}},
		{"Refresh header", "0; url=https://h/p?token=" + k, k, []string{"0; url=https://h/p?token="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.ScrubURL(tt.url)
			if strings.Contains(got, tt.secret) || strings.Contains(got, url.QueryEscape(tt.secret)) {
				t.Fatalf("ScrubURL(%q) = %q: the key is still there", tt.url, got)
			}
			if _, found := e.Find(got); found {
				t.Errorf("ScrubURL(%q) = %q: Find still finds a secret", tt.url, got)
			}
			for _, s := range tt.keep {
				if !strings.Contains(got, s) {
					t.Errorf("ScrubURL(%q) = %q: lost %q", tt.url, got, s)
				}
			}
			if again := e.ScrubURL(got); again != got {
				t.Errorf("ScrubURL is not idempotent: %q, then %q", got, again)
			}
			if p := e.URLProblems(got); len(p) != 0 {
				t.Errorf("URLProblems of the scrubbed %q: %q", got, p)
			}
			p := e.URLProblems(tt.url)
			if len(p) == 0 {
				t.Errorf("URLProblems(%q) found nothing", tt.url)
			}
			for _, m := range p {
				if strings.Contains(m, tt.secret) {
					t.Errorf("URLProblems shows the key: %q", m)
				}
			}
		})
	}
}

// TestScrubURLKeepsOrdinaryURLs: URLs without a credential come back as
// they are, byte for byte, and a redacted query keeps the form every
// version of llmvcr wrote (sorted, as url.Values.Encode writes it), so
// that existing recordings keep matching.
func TestScrubURLKeepsOrdinaryURLs(t *testing.T) {
	e := secrets.New(secrets.Config{})
	for _, u := range []string{
		"https://api.groq.com/openai/v1/chat/completions",
		"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
		"https://h/v1/models/a%2Fb:generate?alt=sse&max_tokens=5&keyword=x&monkey=y",
		"https://h/p;v=1/q?a=b=c&data=YWJj%3D%3D",
		"https://h/p?redirect=" + url.QueryEscape("https://x/y?page=2&state=abc"),
		"https://h/search?q=what%3F+a%3Db",
		"https://app.example/#/route?tab=2",
		"mailto:someone@example.com",
	} {
		if got := e.ScrubURL(u); got != u {
			t.Errorf("ScrubURL(%q) = %q, want it unchanged", u, got)
		}
		if p := e.URLProblems(u); len(p) != 0 {
			t.Errorf("URLProblems(%q) = %q, want none", u, p)
		}
	}
	k := secretstest.Random(9, 32)
	if got, want := e.ScrubURL("https://h/p?key="+k+"&alt=sse&b=x+y"), "https://h/p?alt=sse&b=x+y&key="+secrets.Redacted; got != want {
		t.Errorf("ScrubURL = %q, want %q", got, want)
	}
}

// TestEachURLCredential: the credentials a URL carries by name, with
// their decoded values, as a recording proxy notes them to scrub echoes:
// wherever ScrubURL finds them.
func TestEachURLCredential(t *testing.T) {
	e := secrets.New(secrets.Config{})
	k := secretstest.Random(71, 30)
	for _, tt := range []struct{ url, name, value string }{
		{"https://h/v1/x;key=" + k + "/y", "key", k},
		{"https://h/p?alt=sse&api_key=" + url.QueryEscape(k+"+/="), "api_key", k + "+/="},
		{"https://h/p?key%3D" + k, "key", k},
		{"https://h/p?alt=sse%2526token%253D" + k, "token", k},
		{"https://app/cb#access_token=" + k + "&x=1", "access_token", k},
		{"https://ann:" + k + "@h/p", "userinfo", k},
		{"https://h/p?next=" + url.QueryEscape("https://u:"+k+"@x/"), "userinfo", "u:" + k},
	} {
		var got []string
		e.EachURLCredential(tt.url, func(name, value string) { got = append(got, name+"="+value) })
		found := false
		for _, g := range got {
			found = found || g == tt.name+"="+tt.value
		}
		if !found {
			t.Errorf("EachURLCredential(%q) = %q, want %s=...", tt.url, got, tt.name)
		}
	}
	var none []string
	e.EachURLCredential("https://h/v1/x:generate?alt=sse&model=m#top", func(n, v string) { none = append(none, n) })
	if len(none) != 0 {
		t.Errorf("EachURLCredential of a clean URL: %q", none)
	}
}
