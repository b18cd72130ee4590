package cassettes

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
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

// TestImportRejectsNonVCRPy: a file without a top-level interactions list
// is not a vcrpy cassette; one of ours says it is already ours.
func TestImportRejectsNonVCRPy(t *testing.T) {
	ours, err := Marshal(&Cassette{Version: Version, Interactions: []*Interaction{jsonInteraction(chatURL, `{}`, `{}`)}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"hello world", "hello: world\n", "not a vcrpy cassette: no top-level interactions list"},
		{"interactions not a list", "interactions: {}\n", "not a vcrpy cassette"},
		{"a list", "- a\n- b\n", "not a vcrpy cassette"},
		{"empty", "", "not a vcrpy cassette"},
		{"ours", string(ours), "already an llmvcr/go-vcr cassette"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ImportVCRPy([]byte(tt.yaml))
			var ie *ImportError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want an *ImportError with %q", err, tt.wantErr)
			}
		})
	}
	if c, err := ImportVCRPy([]byte("interactions: []\n")); err != nil || len(c.Interactions) != 0 {
		t.Errorf("an empty vcrpy cassette: %v", err)
	}
}

// FuzzScrubEscapedSecret builds a JSON body holding the secret with the
// characters chosen by mask written as \u escapes (and '/' as \/ when
// slash is set), around fuzzed text, and checks that scrubbing leaves no
// trace of it in any view (as written, percent-decoded, JSON-decoded).
func FuzzScrubEscapedSecret(f *testing.F) {
	f.Add("hello", uint64(1), false)
	f.Add(`a "quoted" \ text`, uint64(0xffff), true)
	f.Add("", uint64(0), true)
	f.Add("%2f%2F\\u0041", uint64(1<<40), false)
	const secret = "s3cr3t/Value+x=1/abcdef"
	s := NewScrubber(WithoutDefaultSecrets(), WithSecrets(secret))
	f.Fuzz(func(t *testing.T, text string, mask uint64, slash bool) {
		var lit strings.Builder
		for k, r := range secret {
			switch {
			case mask&(1<<(k%64)) != 0:
				fmt.Fprintf(&lit, `\u%04x`, r)
			case r == '/' && slash:
				lit.WriteString(`\/`)
			default:
				lit.WriteRune(r)
			}
		}
		around, _ := json.Marshal(text)
		body := `{"a":` + string(around) + `,"k":"pre ` + lit.String() + ` post","b":[` + string(around) + `]}`
		out := s.ScrubString(body)
		for _, v := range views(out) {
			if strings.Contains(v, secret) {
				t.Fatalf("secret left in %q (from %q)", out, body)
			}
		}
		if !json.Valid([]byte(out)) {
			t.Fatalf("scrubbing broke the JSON: %q", out)
		}
	})
}

// TestMatchDecodesGzipRequest: Save stores a gzip request body decoded,
// so a replayed gzip request is decoded before it is matched.
func TestMatchDecodesGzipRequest(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	body := `{"messages":[{"content":"hi"}],"api_key":"` + fakeKey + `"}`
	i := jsonInteraction(chatURL, gzipped(t, body), `{"ok":true}`)
	i.Request.Headers.Set("Content-Encoding", "gzip")
	c := New(filepath.Join(t.TempDir(), "c.yaml"))
	c.Interactions = []*Interaction{i}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	back, err := Load(c.Path)
	if err != nil {
		t.Fatal(err)
	}
	if rq := back.Interactions[0].Request; rq.Headers.Get("Content-Encoding") != "" || !strings.Contains(rq.Body, `"content":"hi"`) {
		t.Fatalf("request saved as %q (Content-Encoding %q), want decoded", rq.Body, rq.Headers.Get("Content-Encoding"))
	}
	r, b := matchReq(t, "POST", chatURL, gzipped(t, body))
	r.Header.Set("Content-Encoding", "gzip")
	if _, err := newIndex(back).Match(r, b); err != nil {
		t.Errorf("gzip request did not match its recording: %v", err)
	}
}
