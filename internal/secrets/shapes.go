package secrets

import (
	"encoding/base64"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// A shape is the form of one kind of credential. It is found by its
// regular expression (group 1, when there is one, is the part to redact)
// and then confirmed by ok, which rules out ordinary words that happen to
// have the prefix ("sk-learn", "risk-based").
type shape struct {
	name string              // what it looks like, for messages: "a Groq API key (gsk_...)"
	hint string              // a substring every match contains (case-sensitive), to skip the regexp; "" for none; "|" separates alternatives
	re   *regexp.Regexp      // the shape; group 1 (if any) is the secret part
	ok   func(m string) bool // confirms a match of re
	// find, if set, is used instead of re: the [start, end, group start,
	// group end] of each match, as regexp's FindAllStringSubmatchIndex.
	find func(s string) [][]int
}

// alnumRun is the length of the longest run of ASCII letters and digits.
func alnumRun(s string) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			n++
			if n > best {
				best = n
			}
		} else {
			n = 0
		}
	}
	return best
}

// hasDigitAndLetter reports whether s has an ASCII digit and an ASCII letter.
func hasDigitAndLetter(s string) bool {
	d, l := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		d = d || c >= '0' && c <= '9'
		l = l || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	return d && l
}

// mixedCase reports whether s has an ASCII digit, an upper-case and a
// lower-case letter, as random text does and hyphenated words rarely do.
func mixedCase(s string) bool {
	d, u, l := false, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		d = d || c >= '0' && c <= '9'
		u = u || c >= 'A' && c <= 'Z'
		l = l || c >= 'a' && c <= 'z'
	}
	return d && u && l
}

func always(string) bool { return true }

// basicCredentials reports whether m is base64 of "user:password".
func basicCredentials(m string) bool {
	if strings.HasPrefix(m, Redacted) {
		return false
	}
	dec, err := base64.StdEncoding.DecodeString(m)
	if err != nil {
		dec, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(m, "="))
	}
	if err != nil || !utf8.Valid(dec) {
		return false
	}
	user, pass, ok := strings.Cut(string(dec), ":")
	return ok && pass != "" && !strings.ContainsAny(user, "\x00\n") && len(user) < 256
}

// notRedacted rules out a value already scrubbed.
func notRedacted(m string) bool { return m != "" && !strings.HasPrefix(m, Redacted) }

// shapes are the credential forms found whether or not they are
// configured. Provider prefixes are distinctive, so any realistic length
// counts; the generic "sk-" and bearer tokens must also look random.
var shapes = []shape{
	{name: "a Groq API key (gsk_...)", hint: "gsk_", re: regexp.MustCompile(`gsk_[A-Za-z0-9]{16,}`), ok: always},
	{name: "an Anthropic API key (sk-ant-...)", hint: "sk-ant-", re: regexp.MustCompile(`\bsk-ant-[A-Za-z0-9_-]{16,}`), ok: always},
	{name: "an OpenAI project key (sk-proj-...)", hint: "sk-proj-", re: regexp.MustCompile(`\bsk-proj-[A-Za-z0-9_-]{16,}`), ok: always},
	{name: "an OpenAI service account key (sk-svcacct-...)", hint: "sk-svcacct-", re: regexp.MustCompile(`\bsk-svcacct-[A-Za-z0-9_-]{16,}`), ok: always},
	{name: "an OpenAI admin key (sk-admin-...)", hint: "sk-admin-", re: regexp.MustCompile(`\bsk-admin-[A-Za-z0-9_-]{16,}`), ok: always},
	// OpenAI's older keys, and the many providers that copied the form
	// (DeepSeek, OpenRouter sk-or-v1-, ...): sk- and a long random run,
	// or digits and letters of both cases.
	{name: "an OpenAI-style key (sk-...)", hint: "sk-", re: regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}`), ok: func(m string) bool { return alnumRun(m[3:]) >= 16 || mixedCase(m[3:]) }},
	{name: "a Google API key (AIza...)", hint: "AIza", re: regexp.MustCompile(`AIza[0-9A-Za-z_-]{30,}`), ok: always},
	{name: "an xAI API key (xai-...)", hint: "xai-", re: regexp.MustCompile(`\bxai-[A-Za-z0-9]{20,}`), ok: always},
	{name: "a Hugging Face token (hf_...)", hint: "hf_", re: regexp.MustCompile(`\bhf_[A-Za-z0-9]{30,}`), ok: always},
	{name: "a GitHub token (ghp_...)", hint: "ghp_|gho_|ghu_|ghs_|ghr_", re: regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{30,}`), ok: always},
	{name: "a GitHub token (github_pat_...)", hint: "github_pat_", re: regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{30,}`), ok: always},
	{name: "an AWS access key ID (AKIA...)", hint: "AKIA|ASIA", re: regexp.MustCompile(`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`), ok: always},
	{name: "a Slack token (xox...)", hint: "xox", re: regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`), ok: hasDigitAndLetter},
	{name: "a Stripe key (sk_live_...)", hint: "_live_", re: regexp.MustCompile(`\b[rs]k_live_[A-Za-z0-9]{16,}`), ok: always},
	{name: "a Perplexity key (pplx-...)", hint: "pplx-", re: regexp.MustCompile(`\bpplx-[A-Za-z0-9]{32,}`), ok: always},
	{name: "a Replicate token (r8_...)", hint: "r8_", re: regexp.MustCompile(`\br8_[A-Za-z0-9]{30,}`), ok: always},
	{name: "a Cerebras key (csk-...)", hint: "csk-", re: regexp.MustCompile(`\bcsk-[A-Za-z0-9]{30,}`), ok: always},
	{name: "a JSON Web Token (eyJ...)", hint: "eyJ", re: regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`), ok: always},
	{name: "a private key (-----BEGIN ... PRIVATE KEY-----)", hint: "PRIVATE KEY-----", re: regexp.MustCompile(`-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----(?s:.*?)(?:-----END [A-Z ]{0,20}PRIVATE KEY-----|\z)`), ok: always},
	// A bearer token written out (in an error message, a log echoed in a
	// body): at least 12 characters mixing letters and digits, so that
	// "bearer instruments" is text, not a token.
	// A key named in text: "Invalid API key provided: ...", "token: ...",
	// "password is ...", with at least 8 characters mixing letters and
	// digits, so that "the token is valid" is text. The hint is the
	// name's end and the space or colon after it ("key:", "token "). ("name=value" is left
	// to the name rules of URLs and forms, which report it once.)
	{name: "a key named in text", hint: "key:|Key:|KEY:|key |Key |KEY |oken:|OKEN:|oken |OKEN |cret:|CRET:|cret |CRET |word:|WORD:|word |WORD |sswd:|SSWD:|sswd |SSWD ",
		find: findNamedKeys,
		ok:   func(m string) bool { return notRedacted(m) && hasDigitAndLetter(m) }},
	// Basic credentials written out ("Authorization: Basic dXNlcjpw..."
	// in a log or an error): base64 text that decodes to user:password.
	{name: "an HTTP Basic credential (user:password in base64)", hint: "asic|ASIC", re: regexp.MustCompile(`(?i)\bbasic\s+([A-Za-z0-9+/]{12,}={0,2})`), ok: basicCredentials},
	{name: "a bearer token", hint: "earer|EARER|Earer", re: regexp.MustCompile(`(?i)\bbearer\s+([A-Za-z0-9._~+/=-]{12,})`), ok: func(m string) bool {
		return !strings.HasPrefix(m, Redacted) && hasDigitAndLetter(m)
	}},
}

// Match is a credential found by its shape.
type Match struct {
	Start, End int    // the bytes to redact, s[Start:End]
	Kind       string // what it looks like, e.g. "a Groq API key (gsk_...)"; never the value
}

// FindShapes returns every credential-shaped part of s, in order and not
// overlapping: provider keys (Groq gsk_, OpenAI sk-, sk-proj-,
// sk-svcacct-, Anthropic sk-ant-, Google AIza, xAI xai-, Hugging Face hf_,
// GitHub ghp_ and github_pat_, AWS AKIA, and a few more), JSON Web Tokens,
// private key blocks and bearer tokens. Ordinary words with a similar
// prefix ("sk-learn", "risk-based", "bearer bonds") are not matches.
func FindShapes(s string) []Match {
	mask := hintMask(s) // every shape has a hint
	if mask == 0 {
		return nil // no shape's hint
	}
	var out []Match
	for n, sh := range shapes {
		if sh.hint != "" && mask&(1<<n) == 0 {
			continue
		}
		var locs [][]int
		if sh.find != nil {
			locs = sh.find(s)
		} else {
			locs = sh.re.FindAllStringSubmatchIndex(s, -1)
		}
		for _, loc := range locs {
			a, b := loc[0], loc[1]
			if len(loc) >= 4 && loc[2] >= 0 {
				a, b = loc[2], loc[3]
			}
			if sh.ok(s[a:b]) {
				out = append(out, Match{Start: a, End: b, Kind: sh.name})
			}
		}
	}
	if len(out) < 2 {
		return out
	}
	// Earlier and longer first; drop what a kept match overlaps.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start < out[j].Start
		}
		return out[i].End > out[j].End
	})
	kept := out[:1]
	for _, m := range out[1:] {
		last := &kept[len(kept)-1]
		if m.Start < last.End {
			if m.End > last.End {
				last.End = m.End
			}
			continue
		}
		kept = append(kept, m)
	}
	return kept
}

// HasShape reports whether s holds anything FindShapes finds, and what
// the first one looks like.
func HasShape(s string) (kind string, ok bool) {
	if m := FindShapes(s); len(m) > 0 {
		return m[0].Kind, true
	}
	return "", false
}

// ReplaceShapes replaces every credential-shaped part of s (see
// FindShapes) with Redacted.
func ReplaceShapes(s string) string {
	ms := FindShapes(s)
	if len(ms) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m.Start])
		b.WriteString(Redacted)
		last = m.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// hintIndex lists the shapes' hints by their first byte, with the
// shape each belongs to.
var hintIndex = func() (t [256][]struct {
	hint  string
	shape int
}) {
	for n, sh := range shapes {
		for _, h := range strings.Split(sh.hint, "|") {
			if h != "" {
				t[h[0]] = append(t[h[0]], struct {
					hint  string
					shape int
				}{h, n})
			}
		}
	}
	return t
}()

// hintMask returns a bit for each shape (by its index) one of whose
// hints s holds, in one pass over s: every scrubbed text with a hint
// goes through it, and trying each shape's hints in turn cost a search
// of the text per hint.
func hintMask(s string) uint64 {
	var m uint64
	for i := 0; i+1 < len(s); i++ {
		// Every hint has two bytes at least: look further only where a
		// hint's first two bytes are.
		if p := uint16(s[i])<<8 | uint16(s[i+1]); !shapeNeedles.short && shapeNeedles.pairs[p>>6]&(1<<(p&63)) == 0 {
			continue
		}
		for _, h := range hintIndex[s[i]] {
			if m&(1<<h.shape) == 0 && strings.HasPrefix(s[i:], h.hint) {
				m |= 1 << h.shape
			}
		}
	}
	return m
}

// ShapeHints returns byte strings of which every credential shape holds
// at least one: text with none of them has no shape, so a caller can skip
// FindShapes for it.
func ShapeHints() []string {
	var out []string
	for _, sh := range shapes {
		out = append(out, strings.Split(sh.hint, "|")...)
	}
	return out
}

// findNamedKeys finds keys named in text, as the regular expression
// (?i)\b(api[ _-]?key|access[ _-]?token|auth[ _-]?token|refresh[ _-]?token|
// secret[ _-]?key|client[ _-]?secret|bearer[ _-]?token|password|passwd|
// token|secret)\b(\s+provided)?\s*(:|\bis\b)\s*["'`]?([A-Za-z0-9._~+/=-]{8,})
// would, by hand, folding ASCII case only (the expression also folds the
// Kelvin sign and the long s): that expression costs tens of microseconds
// on every text holding "key".
func findNamedKeys(s string) [][]int {
	var out [][]int
	for i := 0; i < len(s); i++ {
		// Every name ends in key, token, secret, password or passwd:
		// find that word, then the name it ends.
		if i+1 >= len(s) {
			break
		}
		switch c, d := s[i]|0x20, s[i+1]|0x20; {
		case c == 'k' && d == 'e', c == 't' && d == 'o', c == 's' && d == 'e', c == 'p' && d == 'a':
		default:
			continue
		}
		w := lastWordLen(s[i:])
		if w == 0 || i+w < len(s) && isWordChar(s[i+w]) {
			continue
		}
		start := -1
		if p := keyPrefixLen(s[:i], s[i:i+w]); p > 0 && (i-p == 0 || !isWordChar(s[i-p-1])) {
			start = i - p // "api key", "access_token", "client-secret"
		} else if w > 3 && (i == 0 || !isWordChar(s[i-1])) {
			start = i // token, secret, password, passwd alone ("key" is not)
		}
		if start < 0 {
			continue
		}
		if m := namedKeyRest(s, i+w); m != nil {
			out = append(out, []int{start, m[1], m[0], m[1]})
			i = m[1] - 1
		}
	}
	return out
}

// lastWordLen returns the length of the word a credential name ends in
// that s starts with (key, token, secret, password, passwd), in any case;
// 0 for none.
func lastWordLen(s string) int {
	for _, w := range []string{"key", "token", "secret", "password", "passwd"} {
		if hasFoldPrefix(s, w) {
			return len(w)
		}
	}
	return 0
}

// keyPrefixLen returns the length of the first word (and separator) of a
// two-word credential name whose last word is w that before ends with
// ("api " before "key"), or 0.
func keyPrefixLen(before, w string) int {
	var firsts []string
	switch {
	case hasFoldPrefix(w, "key"):
		firsts = []string{"api", "secret"}
	case hasFoldPrefix(w, "token"):
		firsts = []string{"access", "auth", "refresh", "bearer"}
	case hasFoldPrefix(w, "secret"):
		firsts = []string{"client"}
	default:
		return 0
	}
	n := len(before)
	for _, f := range firsts {
		// With one separator, or (regexp's "[ _-]?") without.
		if l := len(f) + 1; l <= n && (before[n-1] == ' ' || before[n-1] == '_' || before[n-1] == '-') && hasFoldPrefix(before[n-l:], f) {
			return l
		}
		if l := len(f); l <= n && hasFoldPrefix(before[n-l:], f) {
			return l
		}
	}
	return 0
}

// namedKeyRest matches what follows a credential name ending at j in s:
// an optional "provided", ':' or "is", an optional quote and a value of
// 8 characters or more; it returns the value's [start, end), or nil.
func namedKeyRest(s string, j int) []int {
	if k := skipSpaces(s, j); k > j && hasFoldPrefix(s[k:], "provided") && (k+8 == len(s) || !isWordChar(s[k+8])) {
		j = k + 8
	}
	k := skipSpaces(s, j)
	switch {
	case k < len(s) && s[k] == ':':
		k++
	case k > j && hasFoldPrefix(s[k:], "is") && (k+2 == len(s) || !isWordChar(s[k+2])):
		k += 2
	default:
		return nil
	}
	k = skipSpaces(s, k)
	if k < len(s) && (s[k] == '"' || s[k] == '\'' || s[k] == '`') {
		k++
	}
	v := k
	for k < len(s) && isKeyChar(s[k]) {
		k++
	}
	if k-v < 8 {
		return nil
	}
	return []int{v, k}
}

// hasFoldPrefix reports whether s starts with the lower-case ASCII word
// prefix, in any case.
func hasFoldPrefix(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

func skipSpaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f') {
		i++
	}
	return i
}

// isWordChar is regexp's \w: an ASCII letter, digit or '_'.
func isWordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// isKeyChar is a character of a key written in text.
func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._~+/=-", c) >= 0
}
