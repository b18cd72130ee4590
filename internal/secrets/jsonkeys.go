package secrets

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/jsonvalue"
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

// headersObject is the name of a JSON object whose members are HTTP
// headers (Groq's remote MCP tool: {"headers": {"X-Goog-Api-Key": ...}}),
// compared case-insensitively.
const headersObject = "headers"

// CredentialKey reports whether a JSON object key names a credential
// whose string value is always redacted in request bodies (Groq's
// compound_custom.tools.wolfram_settings.authorization, for one),
// wherever it is. Members of a "headers" object are judged as headers
// too (see Engine.CredentialMember).
func CredentialKey(name string) bool {
	if len(name) > 40 {
		return false
	}
	var buf [40]byte
	n := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 0x80: // not ASCII: fold as Unicode does (the Kelvin sign is a k)
			return credentialKeys[strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(name))]
		case c == '-' || c == '_':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return credentialKeys[string(buf[:n])]
}

// CredentialMember reports whether the string value of member key of a
// JSON object named object (the key the object is the value of; "" for
// a top-level object or one in an array) is a credential: key is a
// credential key (CredentialKey), or the object is named "headers" (in
// any case) and key is a secret header name (SecretHeader: X-Goog-Api-Key,
// Private-Token, Cookie, ...). Content-Type or X-Request-Id in a headers
// object is not a credential.
func (e *Engine) CredentialMember(object, key string) bool {
	if CredentialKey(key) {
		return true
	}
	return strings.EqualFold(object, headersObject) && e.SecretHeader(key)
}

// credentialValues returns the byte ranges [start, end) of the string
// values of credential members (CredentialMember) in a JSON body that are
// not empty and not already Redacted, and their keys. A body that is not
// JSON (one object or array, or several in a row) gives none.
func (e *Engine) credentialValues(body string) (spans [][2]int, keys []string) {
	t := strings.TrimSpace(body)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return nil, nil
	}
	if jsonvalue.Valid([]byte(body)) {
		return e.scanCredentialValues(body)
	}
	return e.decodeCredentialValues(body)
}

// scanCredentialValues is credentialValues for one valid JSON value: it
// scans the bytes itself, decoding only the strings with escapes, as
// every request body of a cassette goes through it when replay indexes
// the cassette.
func (e *Engine) scanCredentialValues(body string) (spans [][2]int, keys []string) {
	type frame struct {
		object  bool
		name    string // the key this object is the value of
		wantKey bool
		key     string
	}
	var buf [32]frame // most bodies nest less deep: no allocation
	stack := buf[:0]
	valueDone := func(stack []frame) {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	for i := 0; i < len(body); {
		switch c := body[i]; c {
		case '{', '[':
			name := ""
			if n := len(stack); n > 0 && stack[n-1].object {
				name = stack[n-1].key
			}
			stack = append(stack, frame{object: c == '{', name: name, wantKey: c == '{'})
			i++
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			valueDone(stack)
			i++
		case '"':
			j, esc := i+1, false
			for j < len(body) && body[j] != '"' {
				if body[j] == '\\' {
					esc = true
					j++
				}
				j++
			}
			if j >= len(body) {
				return nil, nil // not reached: the body is valid
			}
			text := body[i+1 : j]
			if esc {
				var ok bool
				if text, ok = unquote(body[i : j+1]); !ok {
					return nil, nil
				}
			}
			n := len(stack) - 1
			if n >= 0 && stack[n].object && stack[n].wantKey {
				stack[n].key, stack[n].wantKey = text, false
			} else {
				if n >= 0 && stack[n].object && text != "" && text != Redacted && e.CredentialMember(stack[n].name, stack[n].key) {
					spans = append(spans, [2]int{i, j + 1})
					keys = append(keys, stack[n].key)
				}
				valueDone(stack)
			}
			i = j + 1
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
		default: // a number, true, false or null
			for i < len(body) && !strings.ContainsRune(",]} \t\r\n", rune(body[i])) {
				i++
			}
			valueDone(stack)
		}
	}
	return spans, keys
}

// unquote decodes a JSON string literal (kept apart, so that only
// literals with escapes are copied).
func unquote(lit string) (string, bool) {
	var s string
	err := json.Unmarshal([]byte(lit), &s)
	return s, err == nil
}

// decodeCredentialValues is credentialValues by encoding/json's tokens,
// for a body of several JSON values in a row (or none).
func (e *Engine) decodeCredentialValues(body string) (spans [][2]int, keys []string) {
	dec := json.NewDecoder(strings.NewReader(body))
	type frame struct {
		object    bool
		name      string // the key this object is the value of
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
				name := ""
				if top != nil && top.object {
					name = top.key
					top.expectKey = true // the value now open is this key's
				}
				stack = append(stack, frame{object: v == '{', name: name, expectKey: v == '{'})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		case string:
			if top != nil && top.object && top.expectKey {
				top.key, top.expectKey = v, false
				continue
			}
			if top != nil && top.object && v != "" && v != Redacted && e.CredentialMember(top.name, top.key) {
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

// ScrubCredentialValues replaces, in a JSON body, the string value of
// every credential member (CredentialMember) that is not empty with
// Redacted, keeping every other byte as it is. A body that is not JSON is
// returned as it is.
func (e *Engine) ScrubCredentialValues(body string) string {
	spans, _ := e.credentialValues(body)
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

// CredentialKeysLeft returns the keys of the credential members
// (CredentialMember) of a JSON body whose string values are not
// redacted, for lint.
func (e *Engine) CredentialKeysLeft(body string) []string {
	_, keys := e.credentialValues(body)
	return keys
}

// ScrubBody returns a body with its secrets removed: scrubbed as text
// (ScrubText) and, when it is an event stream (IsStream), with the
// secrets its events carry in pieces scrubbed too (ScrubStream; what that
// cannot rewrite is left for a scan to refuse).
func (e *Engine) ScrubBody(h http.Header, body string) string {
	body = e.ScrubText(body)
	if IsStream(h, body) {
		body, _ = e.ScrubStream(body)
	}
	return body
}

// ScrubRequestBody returns a request body as a cassette saves it: its
// secrets removed (ScrubBody), then the values of its credentials by
// name: in a form body (application/x-www-form-urlencoded), the secret
// parameters' (password=, client_secret=, as in a URL); in a JSON body,
// the credential members' (ScrubCredentialValues). It is the one rule for
// request bodies: saving applies it to the recorded request, and matching
// to the incoming one, so that a request whose body carries a credential
// matches its recording, and no report shows the credential.
func (e *Engine) ScrubRequestBody(h http.Header, body string) string {
	body = e.ScrubBody(h, body)
	if httpbody.MediaType(h) == formType {
		return e.scrubForm(body)
	}
	return e.ScrubCredentialValues(body)
}

// EachCredential calls f with the name and the value of each credential
// a request body carries by name, the ones ScrubRequestBody redacts where
// they stand: in a form body, the secret parameters' values (decoded); in
// a JSON body, the credential members' string values (decoded). A proxy
// that forwards the body notes them, so that answers echoing them are
// scrubbed too.
func (e *Engine) EachCredential(h http.Header, body string, f func(name, value string)) {
	if httpbody.MediaType(h) == formType {
		e.formParams(body, func(start, end int, key string) {
			v, err := url.QueryUnescape(body[start:end])
			if err != nil {
				v = body[start:end]
			}
			f(key, v)
		})
		return
	}
	spans, keys := e.credentialValues(body)
	for n, sp := range spans {
		var v string
		if json.Unmarshal([]byte(body[sp[0]:sp[1]]), &v) == nil {
			f(keys[n], v)
		}
	}
}

// IsStream reports whether a body is (or looks like) an event stream: its
// Content-Type says text/event-stream, or, without a JSON Content-Type,
// it starts as one does.
func IsStream(h http.Header, body string) bool {
	if httpbody.IsSSE(h) {
		return true
	}
	if httpbody.IsJSON(h) {
		return false
	}
	for _, p := range []string{"data:", "event:", ":", "id:"} {
		if strings.HasPrefix(body, p) {
			return true
		}
	}
	return false
}
