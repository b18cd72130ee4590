package cassettes

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// escKey is fakeKey with one character written as a JSON \u escape: the
// raw bytes do not contain the key, the decoded string does.
const escKey = `gsk_\u0046AKEfakeFAKEfake0123456789abcdefFAKE`

func gzipped(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestEscapedSecretsNeverSaved covers secrets written so that their bytes
// differ from the value: a \u escape inside a JSON string, \/ escapes, a
// JSON string inside a JSON string, and a gzip-encoded request body.
// None may reach the file.
func TestEscapedSecretsNeverSaved(t *testing.T) {
	const slashSecret = "tok/abcdef/ghijkl"
	tests := []struct {
		name   string
		env    string
		opts   []Option
		make   func(t *testing.T) *Interaction
		absent []string // must not be in the file, as written or decoded
	}{
		{"unicode escape in request and response", fakeKey, nil, func(t *testing.T) *Interaction {
			return jsonInteraction(chatURL, `{"api_key":"`+escKey+`"}`, `{"echo":"`+escKey+`"}`)
		}, []string{escKey, "gsk_FAKEfake"}},
		{"slash escapes of a WithSecrets value", "", []Option{WithSecrets(slashSecret)}, func(t *testing.T) *Interaction {
			return jsonInteraction(chatURL, `{"t":"tok\/abcdef\/ghijkl"}`, `{}`)
		}, []string{`tok\/abcdef`, "abcdef"}},
		{"json string inside a json string", fakeKey, nil, func(t *testing.T) *Interaction {
			return jsonInteraction(chatURL, `{"arguments":"{\"k\":\"gsk_\\u0046AKEfakeFAKEfake0123456789abcdefFAKE\"}"}`, `{}`)
		}, []string{"0123456789abcdef"}},
		{"gzip request body", fakeKey, nil, func(t *testing.T) *Interaction {
			i := jsonInteraction(chatURL, gzipped(t, `{"api_key":"`+fakeKey+`"}`), `{}`)
			i.Request.Headers.Set("Content-Encoding", "gzip")
			return i
		}, []string{"gsk_FAKEfake"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GROQ_API_KEY", tt.env)
			c := New(filepath.Join(t.TempDir(), "c.yaml"))
			c.Interactions = []*Interaction{tt.make(t)}
			if err := c.Save(tt.opts...); err != nil {
				t.Fatalf("save: %v", err)
			}
			data, err := os.ReadFile(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range views(string(data)) {
				for _, a := range tt.absent {
					if strings.Contains(v, a) {
						t.Errorf("%q reached the cassette:\n%s", a, data)
					}
				}
			}
			back, err := Load(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			if f := Lint(back, tt.opts...); len(f) != 0 {
				t.Errorf("lint of the saved file: %v", f)
			}
		})
	}
}

// TestLintFindsEscapedSecrets: Lint sees a key however it is escaped and
// inside a gzip-encoded request body.
func TestLintFindsEscapedSecrets(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	gz := jsonInteraction(chatURL, gzipped(t, `{"api_key":"`+fakeKey+`"}`), `{}`)
	gz.Request.Headers.Set("Content-Encoding", "gzip")
	tests := []struct {
		name string
		i    *Interaction
	}{
		{"unicode escape", jsonInteraction(chatURL, `{"k":"`+escKey+`"}`, `{}`)},
		{"gzip request body", gz},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New("c.yaml")
			c.Interactions = []*Interaction{tt.i}
			f := Lint(c)
			if len(f) == 0 || f[0].Kind != "secret" {
				t.Fatalf("lint found no secret: %v", f)
			}
			if strings.Contains(f[0].String(), "FAKEfake") {
				t.Errorf("finding shows the key: %s", f[0])
			}
		})
	}
}

// TestScrubURLLowercasePercent: a secret percent-encoded in lower case
// (%2f) in a query parameter that is not a secret one is scrubbed.
func TestScrubURLLowercasePercent(t *testing.T) {
	s := NewScrubber(WithoutDefaultSecrets(), WithSecrets("ab/cd+ef=gh"))
	for _, raw := range []string{
		"https://x/y?q=ab%2fcd%2bef%3dgh",
		"https://x/y?q=ab%2Fcd%2bef%3Dgh",
		"https://x/y?q=ab/cd%2bef=gh",
	} {
		got := s.ScrubURL(raw)
		if s.contains(got) || !strings.Contains(got, Redacted) {
			t.Errorf("ScrubURL(%q) = %q, secret still there", raw, got)
		}
	}
}

// TestSaveRefusesUnscannableBody: an encoded body that does not decode is
// not written, and the error names where it is.
func TestSaveRefusesUnscannableBody(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	i := jsonInteraction(chatURL, `{}`, "\x8b\x02\x80")
	i.Response.Headers.Set("Content-Encoding", "br")
	c := New(filepath.Join(t.TempDir(), "c.yaml"))
	c.Interactions = []*Interaction{i}
	err := c.Save()
	var ue *UnscannableError
	if !errors.As(err, &ue) || ue.Where != "interaction 0 response body" || ue.Encoding != "br" {
		t.Fatalf("err = %v, want *UnscannableError for interaction 0 response body", err)
	}
	if _, err := os.Stat(c.Path); err == nil {
		t.Errorf("the file was written")
	}
}

// TestMissMessageNeverTruncatesIntoAKey: values are scrubbed before the
// miss report shortens them, so no part of an escaped key is shown.
func TestMissMessageNeverTruncatesIntoAKey(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	c := New("c.yaml")
	c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"m":"x"}`, `{}`)}
	x := NewIndex(c)
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
