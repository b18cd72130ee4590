package secrets_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
)

func TestScrubCredentialValues(t *testing.T) {
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
		if got := secrets.ScrubCredentialValues(tt.in); got != want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, want)
		}
		if left := secrets.CredentialKeysLeft(want); len(left) > 0 && want != tt.in {
			t.Errorf("%s: keys left after scrubbing: %v", tt.name, left)
		}
	}
	if got := secrets.CredentialKeysLeft(`{"x":{"Authorization":"` + key + `"}}`); len(got) != 1 || got[0] != "Authorization" {
		t.Errorf("CredentialKeysLeft = %v", got)
	}
}

func FuzzScrubCredentialValues(f *testing.F) {
	for _, s := range []string{`{"authorization":"x"}`, `[{"api_key":"y","a":[{"password":"z"}]}]`, `{"token":"t"}`, `{"a":`, `"x"`, `[]`, `{"password":{"p":"q"}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := secrets.ScrubCredentialValues(in)
		if json.Valid([]byte(in)) && !json.Valid([]byte(out)) {
			t.Fatalf("valid %q became invalid %q", in, out)
		}
		if out != in && len(secrets.CredentialKeysLeft(out)) > 0 {
			t.Fatalf("left keys in %q", out)
		}
	})
}
