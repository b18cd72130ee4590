package secrets

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/llmvcr/llmvcr/internal/httpbody"
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
// (one of a list, or ending as credentials' names do: groq_api_key,
// webhook_secret, session_token) whose string value is always redacted
// in request bodies (Groq's
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
			return credentialName(strings.NewReplacer("-", "", "_", "", ".", "", " ", "").Replace(strings.ToLower(name)))
		case c == '-' || c == '_' || c == '.' || c == ' ':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return credentialName(string(buf[:n]))
}

// credentialSuffixes end credential keys too (normalised as
// credentialKeys are): groq_api_key, webhook_secret, db_password,
// session_token, aws_secret_access_key. A bare "token" or "key" is not
// among them (see credentialKeys).
var credentialSuffixes = []string{
	"apikey", "secret", "password", "passwd", "secretkey", "privatekey",
	"accesstoken", "refreshtoken", "authtoken", "apitoken", "sessiontoken",
	"bearertoken", "idtoken", "oauthtoken", "securitytoken", "secretaccesskey", "accesskeysecret",
}

// credentialName reports whether a normalised key (lower case, no '-',
// '_', '.' or space) names a credential.
func credentialName(k string) bool {
	if len(k) < 6 { // the shortest name: "apikey", "secret", "passwd"
		return false
	}
	if credentialKeys[k] {
		return true
	}
	last := k[len(k)-1]
	for _, s := range credentialSuffixes {
		if s[len(s)-1] == last && strings.HasSuffix(k, s) {
			return true
		}
	}
	return false
}

// CredentialMember reports whether the string value of member key of a
// JSON object named object (the key the object is the value of; "" for
// a top-level object or one in an array) is a credential: key is a
// credential key (CredentialKey), or the object names headers ("headers"
// or "header" in any case, or a name ending so: extra_headers,
// httpHeaders) and key is a secret header name (SecretHeader:
// X-Goog-Api-Key, Private-Token, Cookie, ...). Content-Type or
// X-Request-Id in a headers object is not a credential. (The scan of a
// body also reads headers given as lists; see ScrubCredentialValues.)
func (e *Engine) CredentialMember(object, key string) bool {
	if CredentialKey(key) {
		return true
	}
	return headersName(object) && e.SecretHeader(key)
}

// unquote decodes a JSON string literal (kept apart, so that only
// literals with escapes are copied).
func unquote(lit string) (string, bool) {
	var s string
	err := json.Unmarshal([]byte(lit), &s)
	return s, err == nil
}

// ScrubCredentialValues replaces, in a JSON body, the string value of
// every credential with Redacted, keeping every other byte as it is: the
// credential members (CredentialMember), headers, cookies and parameters
// given as name/value lists ("headers": [{"name": "Authorization",
// "value": ...}], [{"key": "x-api-key", "value": ...}],
// [["Authorization", ...]], {"Authorization": [...]}, header lines), and
// these in JSON held in a JSON string (a relayed body, tool-call
// arguments), which is re-encoded with them redacted, a few levels deep.
// A body that is not JSON is returned as it is.
func (e *Engine) ScrubCredentialValues(body string) string {
	return applyEdits(body, e.credentialValues(body).edits)
}

// CredentialKeysLeft returns the keys of the credential members
// (CredentialMember) of a JSON body whose string values are not
// redacted, for lint.
func (e *Engine) CredentialKeysLeft(body string) []string {
	var keys []string
	for _, c := range e.credentialValues(body).found {
		keys = append(keys, c.name)
	}
	return keys
}

// ScrubBody returns a body with its secrets removed: scrubbed as text
// (ScrubText), each URL written in it scrubbed as one (ScrubURL: an
// error message quoting "https://...?key=..."); when it is an event stream (IsStream), with the secrets
// its events carry in pieces scrubbed too (ScrubStream; what that cannot
// rewrite is left for a scan to refuse) and the credentials its JSON
// events carry by name; when it is JSON, with its credentials by name
// (ScrubCredentialValues: an OAuth token answer's access_token, a relayed
// request's headers).
func (e *Engine) ScrubBody(h http.Header, body string) string {
	body = e.scrubTextURLs(e.ScrubText(body))
	if IsStream(h, body) {
		body, _ = e.ScrubStream(body)
		// A body sent as a stream that is JSON after all is scanned as JSON.
		return e.ScrubCredentialValues(e.scrubStreamCredentials(body))
	}
	return e.ScrubCredentialValues(body)
}

// scrubStreamCredentials applies ScrubCredentialValues to the JSON of
// each "data:" line of an event stream, every other byte kept.
func (e *Engine) scrubStreamCredentials(body string) string {
	var b strings.Builder
	last := 0
	for pos := 0; pos < len(body); {
		end := strings.IndexByte(body[pos:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += pos
		}
		line := strings.TrimSuffix(body[pos:end], "\r")
		if rest, ok := strings.CutPrefix(line, "data:"); ok {
			start := pos + len("data:")
			if out := e.ScrubCredentialValues(rest); out != rest {
				b.WriteString(body[last:start])
				b.WriteString(out)
				last = start + len(rest)
			}
		}
		pos = end + 1
	}
	if last == 0 {
		return body
	}
	b.WriteString(body[last:])
	return b.String()
}

// ScrubRequestBody returns a request body as a cassette saves it: its
// secrets removed (ScrubBody, which redacts a JSON body's credentials by
// name), then the values of its credentials by name in the other forms a
// request sends them: in a form body (application/x-www-form-urlencoded,
// or a body without a Content-Type that reads as one), the secret
// parameters' (password=, client_secret=, as in a URL); in a multipart
// body, the secret fields'. It is the one rule for request bodies: saving
// applies it to the recorded request, and matching to the incoming one,
// so that a request whose body carries a credential matches its
// recording, and no report shows the credential.
func (e *Engine) ScrubRequestBody(h http.Header, body string) string {
	body = e.ScrubBody(h, body)
	switch {
	case isForm(h, body):
		return e.scrubForm(body)
	case strings.HasPrefix(httpbody.MediaType(h), "multipart/"):
		return e.scrubMultipart(h, body)
	}
	return body
}

// EachCredential calls f with the name and the value of each credential
// a request body carries by name, the ones ScrubRequestBody redacts where
// they stand: in a form body, the secret parameters' values (decoded); in
// a multipart body, the secret fields' contents (and the credentials of
// JSON fields); in a JSON body, the credentials' string values (decoded,
// nested JSON and header lists included). A proxy
// that forwards the body notes them, so that answers echoing them are
// scrubbed too.
func (e *Engine) EachCredential(h http.Header, body string, f func(name, value string)) {
	if isForm(h, body) {
		e.formParams(body, func(start, end int, key string) {
			v, err := url.QueryUnescape(body[start:end])
			if err != nil {
				v = body[start:end]
			}
			f(key, v)
		})
		return
	}
	if strings.HasPrefix(httpbody.MediaType(h), "multipart/") {
		eachPart(h, body, func(cs, ce int, name string) {
			if content := body[cs:ce]; e.secretField(name, content) {
				f(name, content)
			} else {
				for _, c := range e.credentialValues(content).found {
					f(c.name, c.value)
				}
			}
		})
		return
	}
	for _, c := range e.credentialValues(body).found {
		f(c.name, c.value)
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
