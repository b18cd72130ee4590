package secrets

import (
	"mime"
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
			switch {
			case val == "" || val == Redacted:
			case e.SecretParam(key) || e.weakMatch(val):
				f(start+len(k)+1, end, key)
			case strings.ContainsAny(pair, "%+"):
				// "a=1%26password%3D...": a parameter hidden by encoding.
				if name, ok := e.hiddenParam(percentDecode(pair, true)); ok {
					if e.hidesParam(key) {
						f(start, end, name) // the name itself holds it: the pair goes
					} else {
						f(start+len(k)+1, end, name)
					}
				}
			}
		} else if strings.Contains(pair, "%") {
			if name, ok := e.hiddenParam(percentDecode(pair, true)); ok {
				f(start, end, name) // "password%3D...": no '=' but an encoded one
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
// that is a form (isForm) whose values are credentials not redacted, for
// lint.
func (e *Engine) FormParamsLeft(h http.Header, body string) []string {
	if !isForm(h, body) {
		return nil
	}
	var out []string
	e.formParams(body, func(_, _ int, key string) { out = append(out, key) })
	return out
}

// isForm reports whether a request body is a form: the headers say
// application/x-www-form-urlencoded, or they give no Content-Type and the
// body reads as one (name=value pairs joined by '&', names of letters,
// digits and "_-.[]%", nothing a form never holds: no space, quote or
// brace).
func isForm(h http.Header, body string) bool {
	mt := httpbody.MediaType(h)
	if mt == formType {
		return true
	}
	if mt != "" || h.Get("Content-Type") != "" || !strings.Contains(body, "=") {
		return false
	}
	for rest := body; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		k, _, _ := strings.Cut(pair, "=")
		for i := 0; i < len(k); i++ {
			c := k[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.[]%+*", c) >= 0) {
				return false
			}
		}
	}
	for i := 0; i < len(body); i++ {
		if c := body[i]; c <= ' ' || c == '"' || c == '{' || c == '}' || c == '<' || c == '>' || c >= 0x7f {
			return false
		}
	}
	return true
}

// scrubMultipart returns a multipart body (multipart/form-data, as
// uploads send it) with the content of each field whose name is secret
// (SecretParam: api_key, password, ...) replaced by Redacted, and the
// credentials of each JSON field redacted by name (ScrubCredentialValues);
// every other byte is kept. A body without the boundary its headers give
// is returned as it is.
func (e *Engine) scrubMultipart(h http.Header, body string) string {
	var b strings.Builder
	last := 0
	eachPart(h, body, func(cs, ce int, name string) {
		content := body[cs:ce]
		repl := content
		if e.secretField(name, content) {
			repl = Redacted
		} else {
			repl = e.ScrubCredentialValues(content)
		}
		if repl != content {
			b.WriteString(body[last:cs])
			b.WriteString(repl)
			last = ce
		}
	})
	if last == 0 {
		return body
	}
	b.WriteString(body[last:])
	return b.String()
}

// secretField reports whether a multipart field's content is a
// credential: its name is secret, or it is a weak configured value.
func (e *Engine) secretField(name, content string) bool {
	return content != "" && content != Redacted && (e.SecretParam(name) || e.weakMatch(content))
}

// eachPart calls f with the content (body[cs:ce], without the line break
// before the next delimiter) and the field name of each part of a
// multipart body, in order.
func eachPart(h http.Header, body string, f func(cs, ce int, name string)) {
	_, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return
	}
	delim := "--" + params["boundary"]
	for pos := strings.Index(body, delim); pos >= 0; {
		start := pos + len(delim)
		next := strings.Index(body[start:], delim)
		if next < 0 {
			return
		}
		next += start
		part := body[start:next]
		hdrEnd, sep := strings.Index(part, "\r\n\r\n"), 4
		if hdrEnd < 0 {
			hdrEnd, sep = strings.Index(part, "\n\n"), 2
		}
		if hdrEnd >= 0 {
			cs, ce := start+hdrEnd+sep, next
			if strings.HasSuffix(body[cs:ce], "\r\n") {
				ce -= 2
			} else if strings.HasSuffix(body[cs:ce], "\n") {
				ce--
			}
			f(cs, ce, multipartName(part[:hdrEnd]))
		}
		pos = next
	}
}

// multipartName returns the field name a part's headers give
// (Content-Disposition: form-data; name="api_key"), or "".
func multipartName(headers string) string {
	for _, line := range strings.Split(headers, "\n") {
		name, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "Content-Disposition") {
			continue
		}
		if _, params, err := mime.ParseMediaType(strings.TrimSpace(v)); err == nil {
			return params["name"]
		}
	}
	return ""
}
