package groq

import "strings"

// thinkSplitter splits streamed content on <think> and </think> tags,
// also when a tag arrives split across chunks: text that could be the
// start of a tag is held back until the next chunk decides.
type thinkSplitter struct {
	inThink bool   // between <think> and </think>
	pending string // held back: a prefix of the tag being looked for
}

// pieceKind says what a piece of content is.
type pieceKind int

const (
	pieceText     pieceKind = iota // text outside tags
	pieceThinking                  // text inside tags
	pieceOpen                      // a <think> tag
	pieceClose                     // a </think> tag
)

// piece is a run of content of one kind.
type piece struct {
	kind pieceKind
	text string
}

const (
	thinkOpen  = "<think>"
	thinkClose = "</think>"
)

// plain returns s as one piece when it cannot touch a tag, the common
// case, without allocating.
func (ts *thinkSplitter) plain(s string) (piece, bool) {
	if ts.pending != "" || strings.IndexByte(s, '<') >= 0 {
		return piece{}, false
	}
	if ts.inThink {
		return piece{pieceThinking, s}, true
	}
	return piece{pieceText, s}, true
}

// feed returns the pieces s completes.
func (ts *thinkSplitter) feed(s string) []piece {
	s = ts.pending + s
	ts.pending = ""
	var out []piece
	for s != "" {
		tag := thinkOpen
		if ts.inThink {
			tag = thinkClose
		}
		if i := strings.Index(s, tag); i >= 0 {
			out = ts.add(out, s[:i])
			if ts.inThink {
				out = append(out, piece{kind: pieceClose})
			} else {
				out = append(out, piece{kind: pieceOpen})
			}
			ts.inThink = !ts.inThink
			s = s[i+len(tag):]
			continue
		}
		keep := partialSuffix(s, tag)
		out = ts.add(out, s[:len(s)-keep])
		ts.pending = s[len(s)-keep:]
		break
	}
	return out
}

// flush returns what was held back, as the kind it stands in.
func (ts *thinkSplitter) flush() []piece {
	p := ts.pending
	ts.pending = ""
	return ts.add(nil, p)
}

func (ts *thinkSplitter) add(out []piece, s string) []piece {
	if s == "" {
		return out
	}
	kind := pieceText
	if ts.inThink {
		kind = pieceThinking
	}
	return append(out, piece{kind, s})
}

// partialSuffix returns the length of the longest suffix of s that is a
// proper prefix of tag.
func partialSuffix(s, tag string) int {
	for n := min(len(tag)-1, len(s)); n > 0; n-- {
		if strings.HasSuffix(s, tag[:n]) {
			return n
		}
	}
	return 0
}
