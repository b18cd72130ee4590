package match

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// scrubCorpus is text holding secrets of every shape and a configured
// value, written as they are, JSON-escaped, percent-encoded (both cases),
// with '+' for spaces, and inside a string inside a string; and text that
// only looks near one (a hint without a key).
func scrubCorpus(configured string) []string {
	vals := []string{configured, configured + " with space", "-----BEGIN RSA PRIVATE KEY-----\nFAKEFAKE\n-----END RSA PRIVATE KEY-----"}
	for _, k := range secretstest.Keys() {
		vals = append(vals, k.Value)
	}
	var out []string
	for _, v := range vals {
		esc := strings.ReplaceAll(fmt.Sprintf("%q", v), v[:1], fmt.Sprintf(`\u%04x`, v[0]))
		inner := fmt.Sprintf("%q", fmt.Sprintf(`{"k":%q}`, v))
		out = append(out,
			fmt.Sprintf(`{"content":%q}`, "key "+v+" end"),
			fmt.Sprintf(`{"content":%s}`, esc),
			fmt.Sprintf(`{"content":%s}`, inner),
			fmt.Sprintf(`{"u":%q}`, "https://x.test/?q="+url.QueryEscape(v)),
			fmt.Sprintf(`{"u":%q}`, "https://x.test/?q="+strings.ToLower(url.QueryEscape(v))),
			fmt.Sprintf(`{"u":%q}`, "https://x.test/?q="+strings.ReplaceAll(v, " ", "+")),
			"plain "+strings.ReplaceAll(v, " ", "+"),
		)
	}
	out = append(out, `{"content":"risk-based task-list with gsk_ and sk- and Bearer tokens"}`,
		`{"content":"no secret here, 100% sure"}`, `{"content":"a \\ backslash"}`, `not json at all`)
	return out
}

// TestCanonicalScrubsAsScrubText: the canonical form of a body is its
// canonical JSON scrubbed as ScrubText scrubs it, however a secret is
// written, so skipping the search for text that holds no prefilter string
// changes nothing.
func TestCanonicalScrubsAsScrubText(t *testing.T) {
	configured := secretstest.Random(77, 40)
	s := NewScrubbing(secrets.New(secrets.Config{Values: []secrets.Value{{Text: configured}, {Text: configured + " with space"}}}))
	for _, body := range scrubCorpus(configured) {
		c := canonicalBody([]byte(body), nil)
		if got, want := s.Canonical([]byte(body)), s.scrubString(c); got != want {
			t.Errorf("Canonical(%q) = %q, ScrubText of its canonical form = %q", body, got, want)
		}
	}
}

// TestScrubURLCache: scrubbing a URL gives what secrets.Engine.ScrubURL
// gives, the first time and every time after; only URLs that hold no
// secret are remembered, and no more than maxCleanURLs of them.
func TestScrubURLCache(t *testing.T) {
	configured := secretstest.Random(78, 40)
	eng := secrets.New(secrets.Config{Values: []secrets.Value{{Text: configured}}})
	s := NewScrubbing(eng)
	urls := []string{"https://api.groq.com/openai/v1/chat/completions", "https://x.test/v1?n=1"}
	for _, v := range append(scrubCorpus(configured), configured) {
		urls = append(urls, "https://x.test/v1?q="+url.QueryEscape(v), "https://x.test/v1/"+url.PathEscape(v), "https://x.test/v1?key=plain", "https://user:pw@x.test/", "https://x.test/#access_token=abc")
	}
	for round := 0; round < 3; round++ {
		for _, u := range urls {
			if got, want := s.scrubURL(u), eng.ScrubURL(u); got != want {
				t.Fatalf("round %d: scrubURL(%q) = %q, ScrubURL gives %q", round, u, got, want)
			}
		}
	}
	n := 0
	s.cleanURLs.Range(func(k, _ any) bool {
		n++
		if u := k.(string); eng.ScrubURL(u) != u {
			t.Errorf("remembered as clean: %q, which ScrubURL changes", u)
		}
		return true
	})
	if n == 0 {
		t.Error("no clean URL remembered")
	}
	for i := 0; i < 2*maxCleanURLs; i++ {
		s.scrubURL(fmt.Sprintf("https://x.test/v1?n=%d", i))
	}
	if got := s.nclean.Load(); got > maxCleanURLs {
		t.Errorf("%d clean URLs remembered, the bound is %d", got, maxCleanURLs)
	}
}
