// Package textcut cuts text for messages: the one way llmvcr shortens a
// body, a diff line or a value it quotes, at a character boundary and
// saying how much it left out.
package textcut

import (
	"fmt"
	"unicode/utf8"
)

// Clip returns s when it is at most n bytes, else its first n bytes or
// fewer, cut at a character's first byte (invalid UTF-8 gives up after
// three steps back), followed by "... (K more bytes)".
func Clip(s string, n int) string {
	if n < 0 {
		n = 0
	}
	if len(s) <= n {
		return s
	}
	end := Start(s, n, 0)
	return fmt.Sprintf("%s... (%d more bytes)", s[:end], len(s)-end)
}

// Start returns i moved back to the first byte of the character it falls
// in, not below floor: a place to cut s without splitting a character. It
// steps back at most three bytes (invalid UTF-8 has no first byte to
// find), and i at or past the end of s, or at or below floor, stays.
func Start(s string, i, floor int) int {
	for back := 0; back < utf8.UTFMax-1 && i > floor && i < len(s) && !utf8.RuneStart(s[i]); back++ {
		i--
	}
	return i
}
