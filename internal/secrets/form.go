package secrets

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/llmvcr/llmvcr/internal/httpbody"
)

// formType is the media type of a form body (k=v&k2=v2), which names
// its credentials as a URL's query does (password=, client_secret=).
const formType = "application/x-www-form-urlencoded"

// formParams calls f for each key=value pair of a form body whose value
// is a credential: the parameter is secret (SecretParam) or the value is
// a weak configured secret as a whole; start and end delimit the value's
// bytes, and the value is not empty or already Redacted. Names and
// values are compared percent-decoded ('+' as a space); a pair that does
// not decode is compared as written.
func (e *Engine) formParams(body string, f func(start, end int, key string)) {
	for start := 0; start <= len(body); {
		end := strings.IndexByte(body[start:], '&')
		if end < 0 {
			end = len(body)
		} else {
			end += start
		}
		pair := body[start:end]
		if k, v, ok := strings.Cut(pair, "="); ok {
			key, err := url.QueryUnescape(k)
			if err != nil {
				key = k
			}
			val, err := url.QueryUnescape(v)
			if err != nil {
				val = v
			}
			if val != "" && val != Redacted && (e.SecretParam(key) || e.weakMatch(val)) {
				f(start+len(k)+1, end, key)
			}
		}
		start = end + 1
	}
}

// scrubForm returns a form body with the values of its credentials
// (formParams) replaced by Redacted, every other byte kept.
func (e *Engine) scrubForm(body string) string {
	var b strings.Builder
	last := 0
	e.formParams(body, func(start, end int, _ string) {
		b.WriteString(body[last:start])
		b.WriteString(Redacted)
		last = end
	})
	if last == 0 {
		return body
	}
	b.WriteString(body[last:])
	return b.String()
}

// FormParamsLeft returns the names of the parameters of a request body
// that the headers declare a form (application/x-www-form-urlencoded)
// whose values are credentials not redacted, for lint.
func (e *Engine) FormParamsLeft(h http.Header, body string) []string {
	if httpbody.MediaType(h) != formType {
		return nil
	}
	var out []string
	e.formParams(body, func(_, _ int, key string) { out = append(out, key) })
	return out
}
