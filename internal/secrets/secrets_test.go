package secrets_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// Every provider's key is found by its shape, in plain text, inside JSON
// and after "Bearer", and replaced whole.
func TestShapesFindEveryProvider(t *testing.T) {
	for _, k := range secretstest.Keys() {
		t.Run(k.Name, func(t *testing.T) {
			for _, text := range []string{
				k.Value,
				"my key is " + k.Value + ", keep it",
				`{"api_key":"` + k.Value + `"}`,
				"Authorization: Bearer " + k.Value,
				"(" + k.Value + ")",
			} {
				if _, ok := secrets.HasShape(text); !ok {
					t.Errorf("not found in %q", text)
				}
				out := secrets.ReplaceShapes(text)
				if strings.Contains(out, k.Value[len(k.Value)-12:]) {
					t.Errorf("ReplaceShapes(%q) = %q: the key's end is left", text, out)
				}
				if !strings.Contains(out, secrets.Redacted) {
					t.Errorf("ReplaceShapes(%q) = %q: no %s", text, out, secrets.Redacted)
				}
			}
		})
	}
}

// Hyphenated keys of mixed case and digits are keys.
func TestShapesHyphenatedKey(t *testing.T) {
	for _, k := range []string{"sk-FAKE-fake-1234-5678-abcd", "sk-or-v1-" + strings.Repeat("0a1b", 16)} {
		if _, ok := secrets.HasShape("key " + k + "."); !ok {
			t.Errorf("%s not found", k)
		}
	}
	if _, ok := secrets.HasShape("sk-learn-compatible-estimators-v2"); ok {
		t.Error("sk-learn-compatible-estimators-v2 found")
	}
}

// Ordinary words with a key-like prefix are not keys.
func TestShapesLeaveOrdinaryText(t *testing.T) {
	for _, text := range append(slices.Clone(secretstest.Ordinary),
		"sk-learn", "risk-based", "gsk_short", "AKIA1234", "bearer token", "Bearer "+secrets.Redacted,
		"eyJhbGciOiJIUzI1NiJ9", "hf_"+strings.Repeat("x", 10), "the sk-"+strings.Repeat("ab-", 20)) {
		if kind, ok := secrets.HasShape(text); ok {
			t.Errorf("%q: found %s", text, kind)
		}
		if out := secrets.ReplaceShapes(text); out != text {
			t.Errorf("ReplaceShapes(%q) = %q", text, out)
		}
	}
}

// A configured value is found and scrubbed in every form it takes:
// escaped in JSON, percent-encoded, and base64 at each alignment inside a
// longer base64 text (Basic credentials, a data URL).
func TestConfiguredValueForms(t *testing.T) {
	key := secretstest.Random(40, 40)
	e := secrets.New(secrets.Config{Values: []secrets.Value{{Text: key, Source: "$TEST_KEY"}}})
	j, _ := json.Marshal(key)
	var forms []string
	forms = append(forms, key, string(j), url.QueryEscape(key))
	for _, pre := range []string{"", "u:", "us:", "use:"} {
		forms = append(forms,
			base64.StdEncoding.EncodeToString([]byte(pre+key+"!")),
			base64.URLEncoding.EncodeToString([]byte(pre+key)),
			"Basic "+base64.StdEncoding.EncodeToString([]byte(pre+key)))
	}
	for _, f := range forms {
		text := `{"note":"before ` + f + ` after"}`
		if _, ok := e.Find(text); !ok {
			t.Errorf("Find misses %q", f)
		}
		out := e.ScrubText(text)
		if _, ok := e.Find(out); ok {
			t.Errorf("ScrubText left the key in %q", out)
		}
		if !strings.Contains(out, "before ") || !strings.Contains(out, " after") {
			t.Errorf("ScrubText took too much: %q", out)
		}
	}
	if w := e.Warnings(); len(w) != 0 {
		t.Errorf("warnings for a strong key: %q", w)
	}
}

// A configured value too short to be a key is used on whole header and
// parameter values only, never on text, and a warning says so once
// without the value.
func TestWeakConfiguredValue(t *testing.T) {
	e := secrets.New(secrets.Config{Values: []secrets.Value{{Text: "test", Source: "$GROQ_API_KEY"}, {Text: "test", Source: "$GROQ_API_KEY"}}})
	text := `{"messages":[{"content":"Write a test plan"}]}`
	if out := e.ScrubText(text); out != text {
		t.Errorf("ScrubText rewrote ordinary text: %q", out)
	}
	if _, ok := e.Find(text); ok {
		t.Error("Find reports ordinary text")
	}
	for _, tt := range []struct{ name, in, want string }{
		{"X-Custom", "test", secrets.Redacted},
		{"X-Custom", "Bearer test", "Bearer " + secrets.Redacted},
		{"User-Agent", "pytest/8.0 test-runner", "pytest/8.0 test-runner"},
		{"Content-Type", "text/event-stream", "text/event-stream"},
		{"Content-Type", "test", "test"},
		{"Location", "https://x/cb?code=test&state=testing", "https://x/cb?code=" + secrets.Redacted + "&state=testing"},
	} {
		if got := e.ScrubHeader(tt.name, tt.in); got != tt.want {
			t.Errorf("ScrubHeader(%s, %q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
	if got := e.ScrubURL("https://x/tests/test?q=test&model=test-model"); got != "https://x/tests/test?model=test-model&q="+secrets.Redacted {
		t.Errorf("ScrubURL = %q", got)
	}
	w := e.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "$GROQ_API_KEY") || !strings.Contains(w[0], "bodies are not searched") || strings.Contains(w[0], "test") {
		t.Errorf("warnings = %q, want one naming $GROQ_API_KEY, without the value", w)
	}
	if !secrets.Weak("aaaaaaaaaaaaaaaaaaaaaaaa") || secrets.Weak(secretstest.Random(1, 16)) {
		t.Error("Weak: a repetitive value is weak, a random 16 characters are not")
	}
}

// Headers and parameters are secret by name, whatever their value.
func TestNames(t *testing.T) {
	e := secrets.New(secrets.Config{Headers: []string{"X-Mine"}, Params: []string{"mine"}})
	for _, h := range []string{"Authorization", "proxy-authorization", "X-Api-Key", "Api-Key", "x-goog-api-key", "Cookie", "Set-Cookie", "OpenAI-Organization", "X-Amz-Security-Token", "Anthropic-Api-Key", "X-Mine"} {
		if !e.SecretHeader(h) {
			t.Errorf("header %s is not secret", h)
		}
	}
	for _, h := range []string{"X-Ratelimit-Remaining-Tokens", "Content-Type", "X-Request-Id", "Location"} {
		if e.SecretHeader(h) {
			t.Errorf("header %s is secret", h)
		}
	}
	for _, p := range []string{"key", "API_KEY", "token", "access_token", "oauth_token", "client_secret", "mine"} {
		if !e.SecretParam(p) {
			t.Errorf("param %s is not secret", p)
		}
	}
	for _, p := range []string{"model", "max_tokens", "q", "keyword"} {
		if e.SecretParam(p) {
			t.Errorf("param %s is secret", p)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"Bearer abc", "Bearer " + secrets.Redacted},
		{"Digest username=\"u\", response=\"abc\"", "Digest " + secrets.Redacted},
		{"AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=abc", "AWS4-HMAC-SHA256 " + secrets.Redacted},
		{"sk-abc def", secrets.Redacted},
		{"rawkey", secrets.Redacted},
	} {
		if got := secrets.RedactHeaderValue(tt.in); got != tt.want {
			t.Errorf("RedactHeaderValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !secrets.IsRedactedHeaderValue(secrets.RedactHeaderValue(tt.in)) || secrets.IsRedactedHeaderValue(tt.in) {
			t.Errorf("IsRedactedHeaderValue is wrong for %q", tt.in)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"https://user:pass@x/y", "https://" + secrets.Redacted + "@x/y"},
		{"https://x/cb#access_token=abc&token_type=bearer", "https://x/cb#access_token=" + secrets.Redacted + "&token_type=bearer"},
		{"/cb?token=abc&page=2", "/cb?page=2&token=" + secrets.Redacted},
		{"https://x/y?model=m", "https://x/y?model=m"},
	} {
		if got := e.ScrubURL(tt.in); got != tt.want {
			t.Errorf("ScrubURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if p := e.URLProblems(e.ScrubURL(tt.in)); len(p) != 0 {
			t.Errorf("URLProblems of the scrubbed %q: %q", tt.in, p)
		}
		if tt.in != tt.want && len(e.URLProblems(tt.in)) == 0 {
			t.Errorf("URLProblems(%q) found nothing", tt.in)
		}
	}
}

// The defaults cannot be changed through what the functions return.
func TestDefaultsAreFixed(t *testing.T) {
	env := secrets.DefaultEnv()
	for _, want := range []string{"GROQ_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "MISTRAL_API_KEY", "XAI_API_KEY", "HF_TOKEN"} {
		if !slices.Contains(env, want) {
			t.Errorf("DefaultEnv lacks %s", want)
		}
	}
	env[0], secrets.DefaultHeaders()[0], secrets.DefaultParams()[0] = "X", "X", "X"
	if secrets.DefaultEnv()[0] != "GROQ_API_KEY" || secrets.DefaultHeaders()[0] != "Authorization" || secrets.DefaultParams()[0] != "key" {
		t.Error("changing a returned slice changed the defaults")
	}
}

func ExampleFindShapes() {
	for _, m := range secrets.FindShapes("use sk-learn, not " + "gsk_" + strings.Repeat("Ab1", 12)) {
		fmt.Println(m.Kind)
	}
	// Output: a Groq API key (gsk_...)
}

// TestProviderKeysAreDefaultSecrets: every provider key variable that
// replay accepts for recording is a default secret, so one list decides.
func TestProviderKeysAreDefaultSecrets(t *testing.T) {
	def := map[string]bool{}
	for _, e := range secrets.DefaultEnv() {
		def[e] = true
	}
	keys := secrets.ProviderKeyEnvs()
	if len(keys) == 0 || keys[0] != "GROQ_API_KEY" {
		t.Fatalf("ProviderKeyEnvs() = %v, want GROQ_API_KEY first", keys)
	}
	for _, k := range keys {
		if !def[k] {
			t.Errorf("%s is a provider key but not a default secret", k)
		}
	}
	keys[0] = "CHANGED"
	if secrets.ProviderKeyEnvs()[0] != "GROQ_API_KEY" {
		t.Error("ProviderKeyEnvs shares its slice")
	}
}

func TestAuthScheme(t *testing.T) {
	for _, w := range []string{"Bearer", "bearer", "BASIC", "Api-Key", "DPoP"} {
		if !secrets.AuthScheme(w) {
			t.Errorf("AuthScheme(%q) = false", w)
		}
	}
	for _, w := range []string{"", "gsk_abc", "Bearerx", "sk-ant"} {
		if secrets.AuthScheme(w) {
			t.Errorf("AuthScheme(%q) = true", w)
		}
	}
}

func TestEachCredential(t *testing.T) {
	eng := secrets.New(secrets.Config{})
	got := map[string]string{}
	note := func(name, value string) { got[name] = value }
	eng.EachCredential(http.Header{"Content-Type": {"application/json"}},
		`{"api_key":"k\u0031-x","headers":{"X-Goog-Api-Key":"g2","Content-Type":"text/plain"},"model":"m"}`, note)
	eng.EachCredential(http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		`client_secret=a%2Bb+c&grant_type=password`, note)
	want := map[string]string{"api_key": "k1-x", "X-Goog-Api-Key": "g2", "client_secret": "a+b c"}
	if len(got) != len(want) {
		t.Fatalf("EachCredential found %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("EachCredential: %s = %q, want %q", k, got[k], v)
		}
	}
}
