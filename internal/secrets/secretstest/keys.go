// Package secretstest builds obviously fake credentials, of every shape
// package secrets knows, for tests. The keys are made at run time from a
// fixed seed and hold "FAKE"; none is a real key.
package secretstest

import (
	"math/rand/v2"
	"strings"
)

// Key is a fake credential and the kind of key it imitates.
type Key struct {
	Name  string // the provider or kind, e.g. "groq"
	Value string // the fake key
}

const (
	alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	url64 = alnum + "-_"
)

// rnd returns n characters of alphabet, from a generator seeded by seed.
func rnd(seed uint64, alphabet string, n int) string {
	r := rand.New(rand.NewPCG(seed, 0x11f3))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// Random returns a random-looking key of n characters (n >= 8) with no
// provider prefix, made from seed: only the configured-secret path (an
// environment variable, WithSecrets) can find it, no shape does.
func Random(seed uint64, n int) string {
	return "FAKE" + rnd(seed, alnum, n-4)
}

// Keys returns one fake key of every shape: Groq (a full-length key and a
// short one), OpenAI (sk-, sk-proj-, sk-svcacct-), Anthropic, Google,
// xAI, Hugging Face, GitHub (ghp_, github_pat_), AWS, and a JSON Web Token.
func Keys() []Key {
	return []Key{
		{"groq", "gsk_FAKE" + rnd(1, alnum, 48)},
		{"groq-short", "gsk_FAKE" + rnd(2, alnum, 14)},
		{"openai", "sk-FAKE" + rnd(3, alnum, 44)},
		{"openai-project", "sk-proj-FAKE" + rnd(4, url64, 120)},
		{"openai-service-account", "sk-svcacct-FAKE" + rnd(5, url64, 60)},
		{"anthropic", "sk-ant-api03-FAKE" + rnd(6, url64, 80) + "AA"},
		{"google", "AIzaFAKE" + rnd(7, url64, 31)},
		{"xai", "xai-FAKE" + rnd(8, alnum, 76)},
		{"huggingface", "hf_FAKE" + rnd(9, alnum, 30)},
		{"github", "ghp_FAKE" + rnd(10, alnum, 32)},
		{"github-fine-grained", "github_pat_11FAKE" + rnd(11, alnum, 16) + "_" + rnd(12, alnum, 59)},
		{"aws", "AKIAFAKE" + rnd(13, upper, 12)},
		{"jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJGQUtFIiwibmFtZSI6IkZBS0UifQ." + rnd(14, url64, 43)},
	}
}

// Pieces cuts s into pieces of n bytes (the last may be shorter), as a
// server streaming it token by token would.
func Pieces(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

// Ordinary is text that mentions key-like words without holding a key;
// nothing in it may be scrubbed or reported.
var Ordinary = []string{
	"Use sk-learn (scikit-learn) for a risk-based model; sk-learn-compatible-estimators are fine.",
	"A task-specific, desk-bound, risk-averse plan: ask-me-anything-format-for-the-whole-week.",
	"Bearer bonds and bearer instruments are payable to whoever holds them.",
	"Call hf_hub_download and hf_hub_url, or set the HF_TOKEN variable; ghp_ and gsk_ are prefixes.",
	"The xai-org/grok-1 model, AIza (a prefix), AKIA is how AWS access key ids start.",
	"Keys look like gsk_... or sk-proj-...; never paste them. eyJ starts base64 JSON.",
	"Write a test plan for the login page; the test covers the happy path and a wrong password.",
	strings.Repeat("abcdefghij", 8),
}
