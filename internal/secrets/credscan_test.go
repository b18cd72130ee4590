package secrets

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzCredentialScan holds the byte scanner of credential values to
// encoding/json's tokens: on valid JSON both find the same values, with
// the same keys.
func FuzzCredentialScan(f *testing.F) {
	for _, s := range []string{
		`{"authorization":"x","a":[1,{"password":"y"}],"headers":{"Cookie":"c","Content-Type":"t"}}`,
		`[{"headers":{"Private-Token":"p\u0041","X":{"Cookie":"n"}}},{"head\u0065rs":{"X-Goog-Api-Key":"g"}}]`,
		`{"api_key":"","password":"REDACTED","secret_key":"REDACT\u0045D","x":{"authorization":null}}`,
		`{"headers":["a",{"Cookie":"c"}],"k":true,"n":-1.5e3,"s":"a\"b\\"}`,
		`{"a":{"b":{"c":{"headers":{"x-access-token":"t","proxy-authorization":"Bearer z"}}}}}`,
		` [ {"Authorization" : "Bearer q" } , { } , [ ] ] `,
	} {
		f.Add(s)
	}
	e := New(Config{Headers: []string{"X-Extra"}})
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) {
			e.ScrubCredentialValues(in) // must not panic
			return
		}
		s1, k1 := e.scanCredentialValues(in)
		s2, k2 := e.decodeCredentialValues(in)
		if !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(k1, k2) {
			t.Fatalf("%q: scan found %v %q, tokens %v %q", in, s1, k1, s2, k2)
		}
	})
}
