package secrets

import (
	"net/url"
	"strings"
)

// ScrubURL removes secrets from a URL: the values of secret parameters
// (SecretParam) in the query, in the fragment (as in "#access_token=..."
// of OAuth's implicit flow) and in path segments (";key=..."), user
// information (user:password@), a parameter value that is a weak
// configured secret, and then every secret ScrubText finds. A parameter
// is found however its name, its separators or its value are
// percent-encoded ("%6Bey=", "?key%3D...", "?q=x%26token%3D...", even
// encoded again), and one that hides a secret parameter this way is
// redacted whole. When any query (or fragment) parameter is redacted, the
// query is written in Go's form (url.Values.Encode: sorted by name), as
// every version of llmvcr has written it, so that recordings keep
// matching. A URL that does not parse is scrubbed by the same name rules
// on its text.
func (e *Engine) ScrubURL(raw string) string {
	if !e.urlMayNeedParse(raw) {
		return e.ScrubText(raw)
	}
	// Scrubbed again until nothing changes (a few rounds at most: each
	// only redacts), so that a URL saved scrubbed and scrubbed again when
	// loaded and saved stays the same, and keeps matching.
	// A URL of plain parts (one '?', no escape, ';', '#', '@' or odd
	// byte) is scrubbed to its final form in one round.
	plain := plainURL(raw)
	out := e.scrubURL(raw, plain)
	if plain {
		return out
	}
	for n := 0; n < 4 && out != raw; n++ {
		raw, out = out, e.scrubURL(out, false)
	}
	return out
}

// plainURL reports whether raw has one '?' at most and none of the bytes
// that make a URL's parts ambiguous: escapes, separators other than '&'
// and '=', user information, or bytes a URL cannot hold.
func plainURL(raw string) bool {
	q := 0
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == '?':
			q++
		case c == '/' || c == '&':
		case urlClass[c] != 0 || c == '+' || c < ' ' || c >= 0x7f:
			return false
		}
	}
	return q <= 1
}

// scrubURL is one round of ScrubURL; plain says raw is a plain URL
// (plainURL), whose parts url.URL.String writes back as they were.
func (e *Engine) scrubURL(raw string, plain bool) string {
	// Path parameters (";key=..."), which url.Parse leaves in the path.
	end := strings.IndexAny(raw, "?#")
	if end < 0 {
		end = len(raw)
	}
	if strings.ContainsAny(raw[:end], ";%") {
		raw = e.scrubParamText(raw[:end], false) + raw[end:]
	}
	u, err := url.Parse(raw)
	if err != nil {
		return e.ScrubText(e.scrubParamText(raw, false))
	}
	if u.RawQuery != "" {
		if q, changed := e.scrubQuery(u.RawQuery); changed {
			u.RawQuery = q
			raw = u.String()
		}
	}
	if strings.Contains(u.Fragment, "=") {
		if q, changed := e.scrubQuery(u.EscapedFragment()); changed {
			u.Fragment, u.RawFragment = "", ""
			if f, err := url.PathUnescape(q); err == nil {
				u.Fragment = f
			}
			u.RawFragment = q
			raw = u.String()
		}
	}
	if _, found := e.Find(u.Path); found {
		u.Path, u.RawPath = e.ScrubText(u.Path), ""
		raw = u.String()
	}
	if u.User != nil && u.User.String() != Redacted {
		u.User = url.User(Redacted)
		raw = u.String()
	}
	raw = e.ScrubText(raw)
	// url.URL.String writes the path from its decoded form: an escaped
	// separator ("%3B") can come back as one, making a parameter of what
	// was not. Scrub what that shows by the text's rules, which are the
	// ones URLProblems (and so lint) applies.
	if !plain && e.urlHasProblem(raw) {
		raw = e.ScrubText(e.scrubParamText(raw, false))
	}
	return raw
}

// urlHasProblem reports whether URLProblems would find anything in raw.
func (e *Engine) urlHasProblem(raw string) bool {
	if len(userinfoSpans(raw)) > 0 {
		return true
	}
	found := false
	eachParam(raw, false, func(it paramItem) {
		if !found {
			found, _ = e.secretItem(raw, it)
		}
	})
	return found
}

// scrubQuery redacts the secret parameters of a query string (or a
// fragment written as one) and scrubs the others; it reports whether
// anything changed. A ';' separates parameters as '&' does (Go's
// url.ParseQuery would drop the pair). A query that does not parse (a bad
// escape) or holds what a URL cannot (a space, a quote) is scrubbed as
// text (scrubParamText), every byte but the redacted ones kept.
func (e *Engine) scrubQuery(raw string) (string, bool) {
	parse := raw
	if strings.IndexByte(raw, ';') >= 0 {
		parse = strings.ReplaceAll(raw, ";", "&")
	}
	q, err := url.ParseQuery(parse)
	if err != nil || strings.ContainsAny(raw, paramEnds) {
		out := e.scrubParamText(raw, true)
		return out, out != raw
	}
	changed := false
	var renamed []string // names that hide a secret parameter themselves
	for k, vs := range q {
		secret := e.SecretParam(k)
		for n, v := range vs {
			switch {
			case v == Redacted:
			case secret || e.weakMatch(v):
				vs[n] = Redacted
				changed = true
			case (mayHide(k) || mayHide(v) || strings.IndexByte(v, '=') >= 0) && e.hidesParam(k+"="+v):
				if name, ok := e.hiddenParam(k); ok {
					renamed = append(renamed, k, name)
				}
				vs[n] = Redacted
				changed = true
			default:
				if _, found := e.Find(v); found {
					vs[n] = e.ScrubText(v)
					changed = true
				}
			}
		}
	}
	for n := 0; n < len(renamed); n += 2 {
		if _, ok := q[renamed[n]]; ok {
			delete(q, renamed[n])
			q.Add(renamed[n+1], Redacted)
		}
	}
	if !changed {
		return raw, false
	}
	return q.Encode(), true
}

// urlMayNeedParse is a cheap pre-check: does the URL carry user info, a
// fragment, an escape, a path parameter (";"), or a query parameter that
// may be a secret or hide one?
func (e *Engine) urlMayNeedParse(raw string) bool {
	q := -1
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case urlClass[c] == 0 || c == '/' || c == '&':
		case c == '?':
			if q < 0 {
				q = i
			}
		default:
			return true // an escape may hide a secret, ';' starts a parameter, '@' ends user information, and '#' a fragment
		}
	}
	if q < 0 {
		return false
	}
	if len(e.weak) > 0 {
		return true
	}
	rest := raw[q+1:]
	for rest != "" {
		var kv string
		kv, rest, _ = strings.Cut(rest, "&")
		k, v, _ := strings.Cut(kv, "=")
		if strings.ContainsAny(k, "+?") || strings.ContainsAny(v, "=?") || e.SecretParam(k) {
			return true
		}
	}
	return false
}

// A paramItem is one name=value parameter found in text (see
// eachParam); the offsets are into the text.
type paramItem struct {
	where            string // "path", "query" or "fragment"
	start, eq, end   int    // the item is text[start:end]; its '=' at eq, or -1
	name, value      string // decoded (percent escapes, '+' as a space)
	secret, weakOnly bool   // the name is secret; or only the value is (a weak configured value)
}

// paramSeps separate parameters: '&' and ';' (as some servers read
// them), and '?' and '#', which start a query and a fragment (or a URL's
// query inside another's value).
const paramSeps = "&;?#"

// paramEnds end a parameter too: characters a URL cannot hold unescaped,
// so that a URL quoted in a header or text ends where the text goes on.
const paramEnds = " \t\r\n\"'<>`"

// urlClass sorts the bytes that matter to eachParam and
// urlMayNeedParse: separators, ends, '/', and the bytes that may hide a
// parameter.
var urlClass = func() (t [256]byte) {
	for _, c := range []byte(paramSeps) {
		t[c] = classSep
	}
	for _, c := range []byte(paramEnds) {
		t[c] = classEnd
	}
	t['/'] = classSlash
	t['%'], t['\\'], t['@'] = classEscape, classEscape, classEscape
	return t
}()

const (
	classSep    = 1 + iota // paramSeps
	classEnd               // paramEnds
	classSlash             // '/'
	classEscape            // '%', '\\', '@'
)

// eachParam calls f for each name=value parameter of text read as a URL
// (or several, as in a Link header): the items after a '?', '#', '&' or
// ';'. Before the first '?' or '#' (in the path) only the items after a
// ';' are parameters, and a value ends at '/' too. When query is true,
// text is a query string: every item is a parameter.
func eachParam(text string, query bool, f func(paramItem)) {
	where := "path"
	if query {
		where = "query"
	}
	start := -1 // the current item's start; -1 when not in an item
	if query {
		start = 0
	}
	seg := 0 // the current path segment's start
	segment := func(end int) {
		// A path segment with an escape may hide a parameter ("x%3Bkey=..."):
		// it is an item too, whole.
		if where == "path" && end > seg && strings.IndexByte(text[seg:end], '%') >= 0 {
			f(paramItem{where: where, start: seg, eq: -1, end: end, name: percentDecode(text[seg:end], true)})
		}
	}
	finish := func(end int) {
		if start < 0 || end <= start {
			return
		}
		item := text[start:end]
		eq := strings.IndexByte(item, '=')
		it := paramItem{where: where, start: start, eq: -1, end: end}
		if eq >= 0 {
			it.eq = start + eq
			it.name, it.value = percentDecode(item[:eq], true), percentDecode(item[eq+1:], true)
		} else {
			it.name = percentDecode(item, true)
		}
		f(it)
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if urlClass[c] == 0 {
			continue
		}
		switch {
		case c == '/' && where == "path":
			finish(i)
			segment(i)
			start, seg = -1, i+1
		case urlClass[c] == classEnd:
			finish(i)
			segment(i)
			start, seg = -1, i+1
		case urlClass[c] == classSep:
			if c != '&' || where != "path" {
				finish(i)
				if c == '?' || c == '#' {
					segment(i)
				}
				start = i + 1
			}
			switch {
			case c == '?' && where == "path":
				where = "query"
			case c == '#':
				where = "fragment"
			}
		}
	}
	finish(len(text))
	segment(len(text))
}

// secretItem reports whether a parameter's value is a credential not yet
// redacted: its name is secret, its value is a weak configured secret,
// or its text hides a secret parameter (hidesParam). hidden says the
// last.
func (e *Engine) secretItem(text string, it paramItem) (secret, hidden bool) {
	if it.value == Redacted || it.eq < 0 && it.name == Redacted {
		return false, false
	}
	if it.eq >= 0 && it.value != "" && (e.SecretParam(it.name) || e.weakMatch(it.value)) {
		return true, false
	}
	if item := text[it.start:it.end]; mayHide(item) && e.hidesParam(percentDecode(item, true)) {
		return true, true
	}
	return false, false
}

// scrubParamText redacts, in text read as a URL (or a query string, when
// query is true), the values of its secret parameters, every other byte
// kept: a parameter whose name hides a secret parameter
// ("key%3D...") becomes "REDACTED" whole; user information in a URL
// ("https://user:pass@host") becomes "REDACTED".
func (e *Engine) scrubParamText(text string, query bool) string {
	var spans [][2]int
	eachParam(text, query, func(it paramItem) {
		secret, _ := e.secretItem(text, it)
		if !secret {
			return
		}
		if it.eq < 0 || e.hidesParam(it.name) {
			spans = append(spans, [2]int{it.start, it.end})
		} else {
			spans = append(spans, [2]int{it.eq + 1, it.end})
		}
	})
	if !query {
		spans = append(spans, userinfoSpans(text)...)
	}
	if len(spans) == 0 {
		return text
	}
	spans = mergeSpans(spans)
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(text[last:sp[0]])
		b.WriteString(Redacted)
		last = sp[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// userinfoSpans returns the user information (before the last '@' of the
// authority) of each URL in text ("scheme://user:pass@host", or
// "//user:pass@host" at its start or after a space, quote or '<') that is
// not empty or already Redacted.
func userinfoSpans(text string) [][2]int {
	var out [][2]int
	for from := 0; from < len(text); {
		i := strings.Index(text[from:], "//")
		if i < 0 {
			break
		}
		i += from
		from = i + 2
		if i > 0 && text[i-1] != ':' && urlClass[text[i-1]] != classEnd {
			continue // "//" after a scheme, or starting a URL ("//host", " <//host")
		}
		a := i + 2
		b := a
		for b < len(text) && strings.IndexByte("/?#\\"+paramEnds, text[b]) < 0 {
			b++
		}
		if at := strings.LastIndexByte(text[a:b], '@'); at > 0 && text[a:a+at] != Redacted {
			out = append(out, [2]int{a, a + at})
		}
	}
	return out
}

// mayHide reports whether a parameter (or its name or value) may hide
// another: it has an escape, a separator, user information, or a second
// '='. One without ("alt=sse") is what it looks like.
func mayHide(item string) bool {
	return strings.ContainsAny(item, "%?@#&;") || strings.Count(item, "=") > 1
}

// hidesParam reports whether text, or what it percent-decodes to (again
// and again, up to maxViewDepth times), holds a secret parameter with a
// value (name=value) or a URL with user information.
func (e *Engine) hidesParam(text string) bool {
	_, ok := e.hiddenParam(text)
	return ok
}

// hiddenParam is hidesParam, and the name of the parameter found (Redacted
// for user information).
func (e *Engine) hiddenParam(text string) (string, bool) {
	for d := 0; d <= maxViewDepth; d++ {
		if strings.ContainsAny(text, "=@") {
			if len(userinfoSpans(text)) > 0 {
				return Redacted, true
			}
			name, found := "", false
			eachParam(text, true, func(it paramItem) {
				if !found && it.eq >= 0 && it.value != "" && it.value != Redacted && (e.SecretParam(it.name) || e.weakMatch(it.value)) {
					name, found = it.name, true
				}
			})
			if found {
				return name, true
			}
		}
		next := percentDecode(text, true)
		if next == text {
			break
		}
		text = next
	}
	return "", false
}

// URLProblems lists, by name, the secrets a URL still carries: secret
// parameters (in the path, query or fragment) whose value is not
// Redacted, parameters that hide one in an encoding, user information
// other than Redacted, and parameter values that are weak configured
// secrets. The messages name the parameters, never values.
func (e *Engine) URLProblems(raw string) []string {
	raw = strings.TrimSpace(raw)
	var out []string
	if len(userinfoSpans(raw)) > 0 {
		out = append(out, "the user information (user:password@) of the URL")
	}
	seen := map[string]bool{}
	eachParam(raw, false, func(it paramItem) {
		secret, hidden := e.secretItem(raw, it)
		if !secret {
			return
		}
		name, why := it.name, "not redacted"
		switch {
		case hidden:
			// The item's name may hold the secret itself ("key=..."):
			// name the parameter hidden in it instead.
			name, _ = e.hiddenParam(percentDecode(raw[it.start:it.end], true))
			why = "hidden by percent-encoding"
		case !e.SecretParam(it.name):
			why = "a configured secret"
		}
		msg := "the " + it.where + " parameter " + quoteName(name) + " (" + why + ")"
		if !seen[msg] {
			seen[msg] = true
			out = append(out, msg)
		}
	})
	return out
}

// quoteName shows a parameter or header name, cut and quoted when it is
// long or odd. A name is not a secret, but a crafted one can hold one
// ("<key>_token"): a name longer than 24 bytes shows its first 8 only, so
// that no key (16 characters or more) is shown whole.
func quoteName(k string) string {
	if len(k) > 24 {
		k = k[:8] + "..."
	}
	if isToken(strings.ReplaceAll(k, "_", "-")) {
		return k
	}
	return "\"" + strings.Map(func(r rune) rune {
		if r < ' ' || r == '"' {
			return '?'
		}
		return r
	}, k) + "\""
}

// ScrubParamValue scrubs one parameter value (a form field): a weak
// configured secret as a whole value is redacted, and what ScrubText
// finds.
func (e *Engine) ScrubParamValue(v string) string {
	if e.weakMatch(v) {
		return Redacted
	}
	return e.ScrubText(v)
}

// scrubTextURLs scrubs each URL written out in text ("scheme://...", up
// to a space, a quote, '<', '>' or a backslash) as ScrubURL does, every
// other byte kept.
func (e *Engine) scrubTextURLs(text string) string {
	if !strings.Contains(text, "://") {
		return text
	}
	var b strings.Builder
	last := 0
	for from := 0; from < len(text); {
		i := strings.Index(text[from:], "://")
		if i < 0 {
			break
		}
		i += from
		start := i
		for start > last && isSchemeChar(text[start-1]) {
			start--
		}
		end := i + 3
		for end < len(text) && urlClass[text[end]] != classEnd && text[end] != '\\' {
			end++
		}
		from = end
		if start == i {
			continue // no scheme
		}
		if out := e.ScrubURL(text[start:end]); out != text[start:end] {
			b.WriteString(text[last:start])
			b.WriteString(out)
			last = end
		}
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// isSchemeChar reports whether c may be part of a URL scheme.
func isSchemeChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

// EachURLCredential calls f with the name and the decoded value of each
// credential a URL carries by name, the ones ScrubURL redacts: secret
// parameters of the query, the fragment and the path (";key="), a
// parameter hidden by percent-encoding ("?key%3D..."; its value as far as
// it decodes), and user information (name "userinfo": the user, and the
// password when there is one). A proxy that forwards the request notes
// them, so that answers echoing them are scrubbed too.
func (e *Engine) EachURLCredential(raw string, f func(name, value string)) {
	for _, sp := range userinfoSpans(raw) {
		ui := percentDecode(raw[sp[0]:sp[1]], false)
		user, pass, ok := strings.Cut(ui, ":")
		f("userinfo", user)
		if ok && pass != "" {
			f("userinfo", pass)
		}
	}
	eachParam(raw, false, func(it paramItem) {
		secret, hidden := e.secretItem(raw, it)
		switch {
		case !secret:
		case !hidden:
			f(it.name, it.value)
		default:
			// Decode until the hidden parameter shows, and give its value.
			text := percentDecode(raw[it.start:it.end], true)
			for d := 0; d <= maxViewDepth; d++ {
				done := false
				for _, sp := range userinfoSpans(text) {
					f("userinfo", text[sp[0]:sp[1]])
					done = true
				}
				eachParam(text, true, func(in paramItem) {
					if in.eq >= 0 && in.value != "" && in.value != Redacted && (e.SecretParam(in.name) || e.weakMatch(in.value)) {
						f(in.name, in.value)
						done = true
					}
				})
				next := percentDecode(text, true)
				if done || next == text {
					break
				}
				text = next
			}
		}
	})
}
