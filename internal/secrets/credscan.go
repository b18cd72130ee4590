package secrets

import (
	"encoding/json"
	"io"
	"sort"
	"strings"

	"github.com/llmvcr/llmvcr/internal/jsonvalue"
)

// maxNestedJSON bounds how deep credentialValues looks into JSON text
// held in a JSON string (tool-call arguments, a body relayed as a
// string, and that body's own strings): each level scans text shorter
// than the one holding it, so a body costs at most this many times its
// length.
const maxNestedJSON = 4

// A credEdit replaces body[start:end] with text: here a JSON string
// literal, quotes included, by `"REDACTED"` or by the literal re-encoded
// with the credentials of the JSON it holds redacted; in ScrubStream, a
// piece of an event by what is left of it.
type credEdit struct {
	start, end int
	text       string
}

// A credential is one credential found by name: the member's (or the
// header's, or the parameter's) name and its decoded value.
type credential struct {
	name, value string
}

// credScan is what credentialValues finds in a body.
type credScan struct {
	edits []credEdit   // in order, not overlapping
	found []credential // every credential, nested ones too
}

// wrapperKeys are the members of an object that is a credential
// member's value whose string is the credential itself:
// {"api_key": {"value": "..."}}, {"authorization": {"token": "..."}}.
var wrapperKeys = map[string]bool{"value": true, "token": true, "key": true, "secret": true, "credential": true}

// pairNames are the member names that name the value of a name/value
// pair object: {"name": "Authorization", "value": "..."} (HAR),
// {"key": "x-api-key", "value": "..."} (Postman).
var pairNames = map[string]bool{"name": true, "key": true, "header": true, "field": true}

// headersName reports whether a JSON key names HTTP headers: "headers"
// or "header" in any case, alone or at the end of a longer name
// (extra_headers, httpHeaders, default-headers).
func headersName(k string) bool {
	if len(k) < 6 || len(k) > 40 {
		return false
	}
	l := strings.ToLower(k)
	return strings.HasSuffix(l, "headers") || strings.HasSuffix(l, "header")
}

// pairContainer says what the name/value pairs of an array named k are:
// headers, cookies (every value a credential), an auth scheme's settings,
// URL or form parameters; "" for none.
func pairContainer(k string) string {
	if headersName(k) {
		return "headers"
	}
	if len(k) < 4 || len(k) > 20 {
		return ""
	}
	var buf [20]byte
	n := 0
	for i := 0; i < len(k); i++ {
		switch c := k[i]; {
		case c == '_' || c == '-':
		case c >= 'A' && c <= 'Z':
			buf[n] = c + 'a' - 'A'
			n++
		default:
			buf[n] = c
			n++
		}
	}
	switch string(buf[:n]) {
	case "cookies":
		return "cookies"
	case "bearer", "apikey", "basic", "digest", "oauth1", "oauth2", "hawk", "awsv4", "ntlm", "jwt", "akamai", "edgegrid", "asap":
		return "auth" // Postman's auth: {"bearer": [{"key": "token", "value": ...}]}
	case "query", "querystring", "queryparams", "params", "urlencoded", "formdata", "form":
		return "params"
	}
	return ""
}

// pairSecret reports whether the value of a pair named name, in an array
// whose pairs are of kind (pairContainer), is a credential.
func (e *Engine) pairSecret(kind, name string) bool {
	switch kind {
	case "headers":
		return e.SecretHeader(name) // CredentialKey included
	case "cookies":
		return true
	case "auth":
		return authPairNames[strings.ToLower(name)] || e.SecretParam(name) // CredentialKey included
	case "params":
		return e.SecretParam(name)
	}
	return false
}

// authPairNames name the credential among an auth scheme's pairs
// (Postman: bearer's "token", apikey's "value", basic's "password").
var authPairNames = map[string]bool{"token": true, "value": true, "password": true, "secret": true}

// headerLines reports whether text is header lines ("Authorization:
// Bearer ...", one per line) of which one is a secret header.
func (e *Engine) headerLines(text string) bool {
	for text != "" {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		if name, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(v) != "" && !strings.ContainsAny(strings.TrimSpace(name), " \t\"{") && e.SecretHeader(strings.TrimSpace(name)) {
			return true
		}
	}
	return false
}

// credentialValues finds the credentials a JSON body (one value, or
// several in a row) carries by name, and the edits that redact them: the
// string values of credential members (CredentialMember, at any depth),
// the values of name/value pairs that name a secret header, cookie or
// parameter in an array so named (HAR's and Postman's
// "headers": [{"name": ..., "value": ...}], [["Authorization", "..."]]),
// the values of a secret header given as a list (http.Header's
// {"Authorization": ["..."]}), header lines ("Authorization: ...") in a
// headers array or member, and all of these in JSON held in a JSON string
// (tool-call arguments, a relayed body), up to maxNestedJSON levels. Empty
// and Redacted values are not credentials. A body that is not JSON gives
// none.
func (e *Engine) credentialValues(body string) credScan {
	var r credScan
	t := strings.TrimSpace(body)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return r
	}
	if !jsonvalue.Valid([]byte(body)) && !validSequence(body) {
		return r
	}
	e.scanCreds(body, "", 0, &r)
	if len(r.edits) > 1 {
		r.edits = outermost(r.edits)
	}
	return r
}

// validSequence reports whether body is several JSON values in a row.
func validSequence(body string) bool {
	dec := json.NewDecoder(strings.NewReader(body))
	n := 0
	for ; ; n++ {
		var v json.RawMessage
		err := dec.Decode(&v)
		if err == io.EOF {
			return n > 0
		}
		if err != nil {
			return false
		}
	}
}

// redactedLiteral is Redacted as a JSON string.
const redactedLiteral = `"` + Redacted + `"`

// outermost sorts edits and drops those inside another (a pair's value
// found secret after the JSON it holds was scanned).
func outermost(edits []credEdit) []credEdit {
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].start != edits[j].start {
			return edits[i].start < edits[j].start
		}
		if edits[i].end != edits[j].end {
			return edits[i].end > edits[j].end
		}
		// The same literal: redacting it whole wins over rewriting it.
		return edits[i].text == redactedLiteral && edits[j].text != redactedLiteral
	})
	out := edits[:1]
	for _, ed := range edits[1:] {
		if ed.start < out[len(out)-1].end {
			continue
		}
		out = append(out, ed)
	}
	return out
}

// credFrame is one open object or array while scanning.
type credFrame struct {
	object  bool
	name    string // the key this container is the value of ("" in an array)
	pairs   string // an element of an array of pairs: its kind (pairContainer)
	list    string // an array: the kind of its pairs, or "header" for a secret header's values
	wantKey bool   // objects: the next string is a key
	key     string // objects: the current key
	// A pair object: its name (the first that is secret, or else the
	// last), and its values' literals and texts (a member may repeat).
	pairName string
	values   []pairValue
	elems    int  // arrays: the elements seen
	wrapped  bool // objects: the value of a credential member
}

// pairValue is a value of a pair object: its literal's span in the body,
// and its text.
type pairValue struct {
	start, end int
	text       string
}

// scanCreds scans one valid JSON text (or several in a row) for
// credentials; root is the key of the string that held it (for nested
// JSON), depth the nesting level. It scans the bytes itself, decoding
// only the strings with escapes, as every request body of a cassette
// goes through it when replay indexes the cassette.
func (e *Engine) scanCreds(body, root string, depth int, r *credScan) {
	var buf [32]credFrame // most bodies nest less deep: no allocation
	stack := buf[:0]
	emit := func(start, end int, name, value string) {
		r.edits = append(r.edits, credEdit{start, end, redactedLiteral})
		r.found = append(r.found, credential{name, value})
	}
	valueDone := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].wantKey = true
			} else {
				stack[n-1].elems++
			}
		}
	}
	for i := 0; i < len(body); {
		switch c := body[i]; c {
		case '{', '[':
			f := credFrame{object: c == '{', wantKey: c == '{'}
			if n := len(stack); n == 0 {
				f.name = root
			} else if p := &stack[n-1]; p.object {
				f.name = p.key
			} else {
				f.pairs = p.list
			}
			if f.object {
				// {"api_key": {"value": "..."}}: a credential wrapped.
				f.wrapped = len(stack) > 0 && stack[len(stack)-1].object && e.CredentialMember(stack[len(stack)-1].name, f.name)
			} else {
				f.list = listKind(e, stack, f.name)
			}
			stack = append(stack, f)
			i++
		case '}', ']':
			if n := len(stack); n > 0 {
				f := stack[n-1]
				if f.object && f.pairs != "" && f.pairName != "" && e.pairSecret(f.pairs, f.pairName) {
					for _, v := range f.values {
						emit(v.start, v.end, f.pairName, v.text)
					}
				}
				stack = stack[:n-1]
			}
			valueDone()
			i++
		case '"':
			j, esc := stringEnd(body, i+1)
			if j >= len(body) {
				return // not reached: the body is valid
			}
			text := body[i+1 : j]
			if esc {
				var ok bool
				if text, ok = unquote(body[i : j+1]); !ok {
					return
				}
			}
			n := len(stack) - 1
			switch {
			case n >= 0 && stack[n].object && stack[n].wantKey:
				stack[n].key, stack[n].wantKey = text, false
				i = j + 1
				continue
			case text == "" || text == Redacted:
			case n >= 0 && stack[n].object:
				f := &stack[n]
				switch {
				case e.CredentialMember(f.name, f.key), f.pairs == "headers" && e.SecretHeader(f.key):
					emit(i, j+1, f.key, text)
				case headersName(f.key) && e.headerLines(text):
					emit(i, j+1, f.key, text)
				case f.wrapped && wrapperKeys[strings.ToLower(f.key)]:
					emit(i, j+1, f.name, text)
				default:
					if f.pairs != "" && pairNames[strings.ToLower(f.key)] && (f.pairName == "" || !e.pairSecret(f.pairs, f.pairName)) {
						f.pairName = text
					}
					if f.pairs != "" && strings.EqualFold(f.key, "value") {
						f.values = append(f.values, pairValue{i, j + 1, text})
					}
					e.stringCreds(body, i, j+1, text, f.key, depth, r)
				}
			case n >= 0:
				f := &stack[n]
				switch {
				case f.list == "header" || f.list == "auth":
					emit(i, j+1, stack[n-1].key, text)
				case f.pairs != "" && f.elems == 1 && f.pairName != "" && e.pairSecret(f.pairs, f.pairName):
					emit(i, j+1, f.pairName, text) // ["Authorization", "Bearer ..."]
				case f.list == "headers" && e.headerLines(text):
					emit(i, j+1, f.name, text)
				default:
					if f.pairs != "" && f.elems == 0 {
						f.pairName = text
					}
					e.stringCreds(body, i, j+1, text, f.name, depth, r)
				}
			default:
				e.stringCreds(body, i, j+1, text, root, depth, r)
			}
			valueDone()
			i = j + 1
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
		default: // a number, true, false or null
			for i < len(body) && !strings.ContainsRune(",]} \t\r\n", rune(body[i])) {
				i++
			}
			valueDone()
		}
	}
}

// listKind says what the elements of an array that is the value of
// member name of the object atop stack are: an auth scheme's pairs
// (Postman's "bearer"), a credential's values ("header":
// {"Authorization": ["Bearer ..."]}), or what pairContainer says.
func listKind(e *Engine, stack []credFrame, name string) string {
	kind := pairContainer(name)
	if kind != "auth" && len(stack) > 0 && stack[len(stack)-1].object && e.CredentialMember(stack[len(stack)-1].name, name) {
		return "header"
	}
	return kind
}

// stringCreds looks into a string value that no name makes a credential
// (the literal body[start:end], text decoded): JSON it holds
// (nestedCreds), or else URLs written in it, whose secret parameters are
// redacted as ScrubURL does (an error message quoting the URL it
// fetched, a "next" link), the literal re-encoded.
func (e *Engine) stringCreds(body string, start, end int, text, key string, depth int, r *credScan) {
	if e.nestedCreds(body, start, end, text, key, depth, r) {
		return
	}
	if strings.Contains(text, "://") {
		if out := e.scrubTextURLs(text); out != text {
			r.edits = append(r.edits, credEdit{start, end, encodeJSONString(out)})
		}
	}
}

// nestedCreds scans a string value (the literal body[start:end], text
// decoded) that holds JSON, under the key that holds it, and records an
// edit re-encoding it with its credentials redacted; it reports whether
// it did.
func (e *Engine) nestedCreds(body string, start, end int, text, key string, depth int, r *credScan) bool {
	if depth >= maxNestedJSON || len(text) < 2 {
		return false
	}
	t := strings.TrimSpace(text)
	if t == "" || (t[0] != '{' && t[0] != '[') || !jsonvalue.Valid([]byte(text)) {
		return false
	}
	var inner credScan
	e.scanCreds(text, key, depth+1, &inner)
	if len(inner.edits) == 0 {
		return false
	}
	if len(inner.edits) > 1 {
		inner.edits = outermost(inner.edits)
	}
	r.edits = append(r.edits, credEdit{start, end, encodeJSONString(applyEdits(text, inner.edits))})
	r.found = append(r.found, inner.found...)
	return true
}

// applyEdits returns s with the edits (in order, not overlapping) made.
func applyEdits(s string, edits []credEdit) string {
	if len(edits) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, ed := range edits {
		b.WriteString(s[last:ed.start])
		b.WriteString(ed.text)
		last = ed.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// stringEnd returns the index of the quote that ends the JSON string
// whose text starts at from, and whether the string has escapes; len(s)
// when it does not end. It jumps from quote to quote (IndexByte), as the
// strings of a body are most of its bytes (after the first 32 bytes,
// which it reads one by one: most strings are short).
func stringEnd(s string, from int) (int, bool) {
	esc := false
	// Most strings (keys) are short: byte by byte first.
	for j := from; j < len(s) && j < from+32; j++ {
		switch s[j] {
		case '"':
			return j, esc
		case '\\':
			esc = true
			j++
		}
	}
	for j := from; ; {
		q := strings.IndexByte(s[j:], '"')
		if q < 0 {
			return len(s), esc
		}
		q += j
		if strings.IndexByte(s[j:q], '\\') < 0 {
			return q, esc
		}
		esc = true
		// Escaped when an odd number of backslashes precede it.
		n := 0
		for k := q - 1; k >= from && s[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return q, esc
		}
		j = q + 1
	}
}
