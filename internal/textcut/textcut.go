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
	end := n
	for back := 0; back < utf8.UTFMax-1 && end > 0 && !utf8.RuneStart(s[end]); back++ {
		end--
	}
	return fmt.Sprintf("%s... (%d more bytes)", s[:end], len(s)-end)
}
