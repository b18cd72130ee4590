package secrets

import (
	"regexp"
	"sort"
	"strings"
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
	if !shapeNeedles.in(s) {
		return nil // no shape's hint
	}
	var out []Match
	for _, sh := range shapes {
		if !hinted(s, sh.hint) {
			continue
		}
		for _, loc := range sh.re.FindAllStringSubmatchIndex(s, -1) {
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

// hinted reports whether s contains one of the '|'-separated hints (or
// hint is empty).
func hinted(s, hint string) bool {
	if hint == "" {
		return true
	}
	for hint != "" { // without strings.Split: this runs for every scrubbed text
		var h string
		h, hint, _ = strings.Cut(hint, "|")
		if strings.Contains(s, h) {
			return true
		}
	}
	return false
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
