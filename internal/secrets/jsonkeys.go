package secrets

import (
	"encoding/json"
	"io"
	"strings"
)

// credentialKeys are the JSON object keys whose string values are
// credentials, compared case-insensitively with '-' and '_' removed:
// authorization, api_key, apiKey, x-api-key, password, ... They are clear
// credential names only: a bare "token" or "key" also names ordinary
// content (logprobs carry {"token": "Hello"}), so neither is here.
var credentialKeys = map[string]bool{
	"authorization": true, "proxyauthorization": true,
	"apikey": true, "xapikey": true, "password": true, "passwd": true,
	"clientsecret": true, "secretkey": true, "secretaccesskey": true,
	"accesstoken": true, "refreshtoken": true, "bearertoken": true,
	"authtoken": true, "xauthtoken": true,
}

// CredentialKey reports whether a JSON object key names a credential
// whose string value is always redacted in request bodies (Groq's
// compound_custom.tools.wolfram_settings.authorization, for one).
func CredentialKey(name string) bool {
	if len(name) > 40 {
		return false
	}
	n := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(name))
	return credentialKeys[n]
}

// credentialValues returns the byte ranges [start, end) of the string
// values under credential keys in a JSON body that are not empty and not
// already Redacted, and the keys. A body that is not one JSON value gives
// none.
func credentialValues(body string) (spans [][2]int, keys []string) {
	t := strings.TrimSpace(body)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(body))
	type frame struct {
		object    bool
		expectKey bool
		key       string
	}
	var stack []frame
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			return spans, keys
		}
		if err != nil {
			return nil, nil
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if top != nil && top.object {
					top.expectKey = true // the value now open is this key's
				}
				stack = append(stack, frame{object: v == '{', expectKey: v == '{'})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		case string:
			if top != nil && top.object && top.expectKey {
				top.key, top.expectKey = v, false
				continue
			}
			if top != nil && top.object && CredentialKey(top.key) && v != "" && v != Redacted {
				end := int(dec.InputOffset())
				start := int(before) + strings.IndexByte(body[before:end], '"')
				spans = append(spans, [2]int{start, end})
				keys = append(keys, top.key)
			}
		}
		if top != nil && top.object {
			top.expectKey = true
		}
	}
}

// ScrubCredentialValues replaces, in a JSON body, every non-empty string
// value under a credential key (CredentialKey) with Redacted, keeping
// every other byte as it is. A body that is not JSON is returned as it is.
func ScrubCredentialValues(body string) string {
	spans, _ := credentialValues(body)
	if len(spans) == 0 {
		return body
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(body[last:sp[0]])
		b.WriteString(`"` + Redacted + `"`)
		last = sp[1]
	}
	b.WriteString(body[last:])
	return b.String()
}

// CredentialKeysLeft returns the credential keys (CredentialKey) of a
// JSON body whose string values are not redacted, for lint.
func CredentialKeysLeft(body string) []string {
	_, keys := credentialValues(body)
	return keys
}
