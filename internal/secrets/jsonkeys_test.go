package secrets_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
)

func TestScrubCredentialValues(t *testing.T) {
	e := secrets.New(secrets.Config{})
	key := "wolfram-" + strings.Repeat("Zq9", 6) // not a real key, built here
	tests := []struct{ name, in, want string }{
		{"groq wolfram settings",
			`{"model":"compound-beta","compound_custom":{"tools":{"wolfram_settings":{"authorization":"` + key + `"}}}}`,
			`{"model":"compound-beta","compound_custom":{"tools":{"wolfram_settings":{"authorization":"REDACTED"}}}}`},
		{"every spelling, spacing kept",
			"{\n  \"api_key\" : \"" + key + "\",\"apiKey\":\"" + key + "\", \"X-Api-Key\":\"" + key + "\",\"PASSWORD\":\"" + key + "\",\"client_secret\":\"" + key + "\"}",
			"{\n  \"api_key\" : \"REDACTED\",\"apiKey\":\"REDACTED\", \"X-Api-Key\":\"REDACTED\",\"PASSWORD\":\"REDACTED\",\"client_secret\":\"REDACTED\"}"},
		{"in arrays", `[{"a":[1,{"authorization":"` + key + `"}]},{"authorization":"` + key + `"}]`,
			`[{"a":[1,{"authorization":"REDACTED"}]},{"authorization":"REDACTED"}]`},
		{"escaped value", `{"password":"a\"b\u00e9` + key + `"}`, `{"password":"REDACTED"}`},
		{"logprobs token is content", `{"logprobs":{"content":[{"token":"Hello","logprob":-0.1}]}}`, ""},
		{"key and token are content", `{"key":"value","token":"Hi","tokens":["a"]}`, ""},
		{"schema objects are not values", `{"tools":[{"function":{"parameters":{"properties":{"password":{"type":"string"},"api_key":{"type":"string"}},"required":["password"]}}}]}`, ""},
		{"non-string values kept", `{"authorization":null,"password":12,"api_key":true}`, ""},
		{"empty and redacted kept", `{"authorization":"","password":"REDACTED"}`, ""},
		{"a key as a value", `{"name":"authorization","value":"x"}`, ""},
		{"not JSON", `authorization=` + key, ""},
		{"broken JSON", `{"authorization":"` + key, ""},
		{"two values", `{"a":1} {"authorization":"` + key + `"}`, `{"a":1} {"authorization":"REDACTED"}`},
	}
	for _, tt := range tests {
		want := tt.want
		if want == "" {
			want = tt.in
		}
		if got := e.ScrubCredentialValues(tt.in); got != want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, want)
		}
		if left := e.CredentialKeysLeft(want); len(left) > 0 && want != tt.in {
			t.Errorf("%s: keys left after scrubbing: %v", tt.name, left)
		}
	}
	if got := e.CredentialKeysLeft(`{"x":{"Authorization":"` + key + `"}}`); len(got) != 1 || got[0] != "Authorization" {
		t.Errorf("CredentialKeysLeft = %v", got)
	}
}

func FuzzScrubCredentialValues(f *testing.F) {
	for _, s := range []string{`{"authorization":"x"}`, `[{"api_key":"y","a":[{"password":"z"}]}]`, `{"token":"t"}`, `{"a":`, `"x"`, `[]`, `{"password":{"p":"q"}}`} {
		f.Add(s)
	}
	f.Add(`{"headers":{"Cookie":"c","Content-Type":"x","X-Firecrawl-Token":"t"}}`)
	f.Add(`[{"HEADERS":{"Private-Token":"p","headers":{"Cookie":"c"}}}]`)
	e := secrets.New(secrets.Config{})
	f.Fuzz(func(t *testing.T, in string) {
		out := e.ScrubCredentialValues(in)
		if json.Valid([]byte(in)) && !json.Valid([]byte(out)) {
			t.Fatalf("valid %q became invalid %q", in, out)
		}
		if out != in && len(e.CredentialKeysLeft(out)) > 0 {
			t.Fatalf("left keys in %q", out)
		}
	})
}

// TestHeadersObjectMembers: the string members of a JSON object named
// "headers" (at any depth, in any case) whose names are secret as HTTP
// headers are credentials, though their names are not credential keys;
// other headers (Content-Type, X-Request-Id) are kept, and so are the same
// names outside a headers object. Header names configured on the engine
// count too.
func TestHeadersObjectMembers(t *testing.T) {
	e := secrets.New(secrets.Config{Headers: []string{"X-Team-Credential"}})
	key := "hdr" + strings.Repeat("Wq4", 6) + "Zt" // no known shape, built here
	secret := []string{"X-Goog-Api-Key", "Private-Token", "X-Firecrawl-Token", "Cookie", "X-Access-Token",
		"Proxy-Authorization", "x-goog-api-key", "COOKIE", "Set-Cookie", "X-Amz-Security-Token", "X-Csrf-Token",
		"Openai-Organization", "X-Service-Secret", "X-Admin-Password", "X-Team-Credential"}
	kept := []string{"Content-Type", "X-Request-Id", "Accept", "User-Agent", "X-Ratelimit-Remaining-Tokens"}
	wrap := []struct{ name, pre, post string }{
		{"top level", `{"headers":{`, `}}`},
		{"groq mcp tool", `{"model":"m","tools":[{"type":"mcp","server_url":"https://mcp.example","headers":{`, `}}]}`},
		{"deep, upper case", `{"a":{"b":[{"c":{"HEADERS":{`, `}}}]}}`},
	}
	for _, w := range wrap {
		for _, n := range secret {
			in := w.pre + `"` + n + `":"` + key + `","Content-Type":"application/json"` + w.post
			want := w.pre + `"` + n + `":"REDACTED","Content-Type":"application/json"` + w.post
			if got := e.ScrubCredentialValues(in); got != want {
				t.Errorf("%s, %s:\n got %s\nwant %s", w.name, n, got, want)
			}
			if left := e.CredentialKeysLeft(in); len(left) != 1 || left[0] != n {
				t.Errorf("%s, %s: CredentialKeysLeft = %v, want [%s]", w.name, n, left, n)
			}
			if !e.CredentialMember("headers", n) {
				t.Errorf("CredentialMember(headers, %s) = false", n)
			}
		}
		for _, n := range kept {
			in := w.pre + `"` + n + `":"` + key + `"` + w.post
			if got := e.ScrubCredentialValues(in); got != in {
				t.Errorf("%s: the non-secret header %s was changed: %s", w.name, n, got)
			}
		}
	}
	// The header rule holds in headers (an object, or a list of them,
	// named headers or header, or ending so) only: elsewhere these names
	// are ordinary keys.
	for _, in := range []string{
		`{"header":{"Cookie":"` + key + `"}}`,
		`{"headers":[{"Cookie":"` + key + `"}]}`,
		`{"headers":{"Cookie":["` + key + `"]}}`,
		`{"extra_headers":{"Cookie":"` + key + `"}}`,
	} {
		if got := e.ScrubCredentialValues(in); strings.Contains(got, key) {
			t.Errorf("in headers, %s became %s", in, got)
		}
	}
	for _, in := range []string{
		`{"Cookie":"` + key + `","Private-Token":"` + key + `"}`,
		`{"headers":{"X-Meta":{"Cookie":"` + key + `"}}}`,
		`{"headerless":{"Cookie":"` + key + `"}}`,
	} {
		if got := e.ScrubCredentialValues(in); got != in {
			t.Errorf("outside a headers object, %s became %s", in, got)
		}
	}
	// An escaped key name is judged by its text.
	in := `{"head\u0065rs":{"Private-Tok\u0065n":"` + key + `"}}`
	if got := e.ScrubCredentialValues(in); strings.Contains(got, key) {
		t.Errorf("escaped names: the value survived: %s", got)
	}
}

// TestCredentialKeySpellings: a credential key is found in any case,
// with '-' and '_' anywhere, and under Unicode case folding; longer names
// and near misses are not.
func TestCredentialKeySpellings(t *testing.T) {
	for _, k := range []string{"authorization", "AUTHORIZATION", "Author_ization", "api-key", "API__KEY", "apiKey", "x_api_key",
		"X-Auth-Token", "client_secret", "Secret-Access-Key", "api\u212Aey", "PASSWORD", "passwd", "refresh_token"} {
		if !secrets.CredentialKey(k) {
			t.Errorf("CredentialKey(%q) = false", k)
		}
	}
	for _, k := range []string{"token", "key", "authorizations", "api_keys", "max_tokens", "keyword", "", strings.Repeat("a", 41), "authorization" + strings.Repeat("_", 30)} {
		if secrets.CredentialKey(k) {
			t.Errorf("CredentialKey(%q) = true", k)
		}
	}
}

// TestEnvValues: each named variable's current value, in order, with the
// variable as its source; an unset one gives an empty value.
func TestEnvValues(t *testing.T) {
	t.Setenv("LLMVCR_TEST_ENV_A", "value-a")
	t.Setenv("LLMVCR_TEST_ENV_B", "")
	got := secrets.EnvValues("LLMVCR_TEST_ENV_A", "LLMVCR_TEST_ENV_UNSET_C", "LLMVCR_TEST_ENV_B")
	want := []secrets.Value{{"value-a", "$LLMVCR_TEST_ENV_A"}, {"", "$LLMVCR_TEST_ENV_UNSET_C"}, {"", "$LLMVCR_TEST_ENV_B"}}
	if len(got) != len(want) {
		t.Fatalf("EnvValues = %v", got)
	}
	for n := range want {
		if got[n] != want[n] {
			t.Errorf("EnvValues[%d] = %+v, want %+v", n, got[n], want[n])
		}
	}
}
