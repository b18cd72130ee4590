// Package fakeid derives Groq-shaped identifiers (chatcmpl-<uuid>,
// req_01<24 characters>, fp_<10 hex>, tool-call ids, seeds) from a seed
// string, so that the fakes give the same content the same ids on every
// run.
package fakeid

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// crockford is the lower-case Crockford base32 alphabet Groq's request ids
// (req_01khrvt2r6e9rb7e8qsg86ywkw) and llama tool-call ids (48f5r72yf) use.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// IDs derives Groq-shaped identifiers from a seed string, so that the same
// content always gets the same ids.
type IDs struct {
	sum [32]byte
}

// New returns the ids derived from parts.
func New(parts ...string) IDs {
	return IDs{sum: sha256.Sum256([]byte(strings.Join(parts, "\x00")))}
}

// bytes returns n pseudo-random bytes for the purpose named by label.
func (g IDs) bytes(label string, n int) []byte {
	var out []byte
	for i := 0; len(out) < n; i++ {
		h := sha256.Sum256(append(append(g.sum[:], label...), byte(i)))
		out = append(out, h[:]...)
	}
	return out[:n]
}

// UUID returns a version-4 shaped UUID.
func (g IDs) UUID(label string) string {
	b := g.bytes(label, 16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}

// base32 returns n Crockford characters.
func (g IDs) base32(label string, n int) string {
	b := g.bytes(label, n)
	out := make([]byte, n)
	for i, x := range b {
		out[i] = crockford[int(x)%len(crockford)]
	}
	return string(out)
}

// CompletionID returns "chatcmpl-<uuid>".
func (g IDs) CompletionID() string { return "chatcmpl-" + g.UUID("chatcmpl") }

// RequestID returns "req_01" followed by 24 Crockford characters, the
// shape of Groq's x_groq.id and x-request-id.
func (g IDs) RequestID() string { return "req_01" + g.base32("req", 24) }

// Fingerprint returns "fp_" followed by 10 hex digits.
func (g IDs) Fingerprint() string {
	return "fp_" + hex.EncodeToString(g.bytes("fp", 5))
}

// Seed returns a positive 31-bit seed, as x_groq.seed carries.
func (g IDs) Seed() int64 {
	return int64(binary.BigEndian.Uint32(g.bytes("seed", 4)) & 0x7fffffff)
}

// ToolCallID returns an id in the style of the model: "fc_<uuid>" for
// gpt-oss, nine Crockford characters otherwise.
func (g IDs) ToolCallID(model string, i int) string {
	label := fmt.Sprintf("call%d", i)
	if strings.Contains(model, "gpt-oss") {
		return "fc_" + g.UUID(label)
	}
	return g.base32(label, 9)
}

// Number returns a deterministic value in [0, n) for label.
func (g IDs) Number(label string, n int) int {
	if n <= 0 {
		return 0
	}
	return int(binary.BigEndian.Uint32(g.bytes(label, 4)) % uint32(n))
}
