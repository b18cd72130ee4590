package secrets

import (
	"reflect"
	"regexp"
	"testing"
)

// namedKeysRE is the regular expression findNamedKeys does by hand.
var namedKeysRE = regexp.MustCompile(`(?i)\b(?:api[ _-]?key|access[ _-]?token|auth[ _-]?token|refresh[ _-]?token|secret[ _-]?key|client[ _-]?secret|bearer[ _-]?token|password|passwd|token|secret)\b(?:\s+provided)?\s*(?::|\bis\b)\s*["'\x60]?([A-Za-z0-9._~+/=-]{8,})`)

var namedKeysSeeds = []string{
	"Invalid API key provided: abcd1234efgh",
	"Incorrect api_key: 'k3yk3yk3y' and token is tok12345678, secret key:s3cr3ts3cr3t",
	"password is hunter22hunter, PASSWD:abc  ACCESS-TOKEN :   \"x1x2x3x4x5\"",
	"monkey: abc12345678, max_tokens: 12345678, the token is valid, tokens: a1b2c3d4e5",
	"client secret is `c1c2c3c4c5c6` bearer token: eyJabc.def1",
	"api keyis 12345678a Token\tprovided\t:\tqwertyu1 secretkey: x",
	"refresh_token:REDACTED1234 auth-token: ab",
	"api key provided is abcdefgh1",
	"token\v: abcdefgh1 token\f:abcdefgh2",
	"secret key: abcdefgh1 xaccess_token: abcdefgh2 client secretkey: abcdefgh3",
	"api_api key: abcdefgh12 refresh-token is abcdefgh1 bearer_token provided : 'abcdefgh1'",
	"Access Token:abcdefgh1 api  key: abcdefgh1 apikey:abcdefgh1 clientsecret is abcdefgh1",
	"my_token: abcdefgh1 token-: abcdefgh1 tokens: abcdefgh1 -password: a.b/c+d=e~f",
	"",
}

// TestFindNamedKeysAsRegexp holds the hand matcher to the regular
// expression it stands for.
func TestFindNamedKeysAsRegexp(t *testing.T) {
	for _, s := range namedKeysSeeds {
		checkNamedKeys(t, s)
	}
}

func FuzzFindNamedKeys(f *testing.F) {
	for _, s := range namedKeysSeeds {
		f.Add(s)
	}
	f.Fuzz(checkNamedKeys)
}

func checkNamedKeys(t *testing.T, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return // the regexp folds the Kelvin sign and the long s too
		}
	}
	got := findNamedKeys(s)
	want := namedKeysRE.FindAllStringSubmatchIndex(s, -1)
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: findNamedKeys %v, the regexp %v", s, got, want)
	}
}
