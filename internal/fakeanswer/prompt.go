package fakeanswer

import (
	"strings"
	"unicode"

	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// conversation is what the default answers read from a chat request.
type conversation struct {
	asked    string // the last user message, as sent
	question string // asked, or for a follow-up ("And of Germany?") the earlier question with the new subject
	place    string // the place or name the question is about, from it or the turns before; "" if none
}

// readConversation reads r: the last user message, what it means in the
// light of the earlier user turns, and the place it is about.
func readConversation(r *groqwire.ChatCompletionRequest) conversation {
	var c conversation
	last := -1
	var earlier string // the previous user turn, as resolved
	for i, m := range r.Messages {
		if m.Role != "user" {
			continue
		}
		text := strings.TrimSpace(ContentText(m.Content))
		resolved := resolveFollowUp(text, earlier)
		c.asked, c.question, last = text, resolved, i
		if subjectOf(resolved) != "" {
			earlier = resolved
		}
	}
	c.place = subjectOf(c.question)
	if c.place == "" && last >= 0 {
		c.place = placeBefore(r.Messages[:last])
	}
	return c
}

// resolveFollowUp returns question, or when it is a follow-up with a new
// subject ("And of Germany?", "What about Tokyo?") and nothing known on its
// own, the earlier question with its subject replaced by the new one
// ("What is the capital of Germany?").
func resolveFollowUp(question, earlier string) string {
	if earlier == "" || !isFollowUp(question) {
		return question
	}
	if _, ok := knownAnswer(question); ok {
		return question
	}
	subject := subjectOf(question)
	old := subjectOf(earlier)
	if subject == "" || old == "" || strings.EqualFold(subject, old) {
		return question
	}
	i := indexFold(earlier, old)
	if i < 0 {
		return question
	}
	return earlier[:i] + subject + earlier[i+len(old):]
}

// indexFold returns the byte offset of the first occurrence of sub in s,
// ignoring case, or -1. Only a span of s as long as sub in bytes counts, so
// the offsets always cut s where sub does.
func indexFold(s, sub string) int {
	for i := range s {
		if len(s)-i < len(sub) {
			break
		}
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// followUpStarts begin a question that leans on the one before.
var followUpStarts = []string{"and ", "and,", "what about ", "how about ", "same for ", "same with ", "also ", "or ", "now "}

// notFollowUps are short messages that stand on their own.
var notFollowUps = map[string]bool{
	"thanks": true, "thank": true, "hello": true, "hi": true, "hey": true, "bye": true, "goodbye": true,
	"ok": true, "okay": true, "yes": true, "no": true, "great": true, "cool": true,
}

// isFollowUp reports whether q reads as a follow-up: it starts like one, or
// it is three words or fewer and not a greeting or thanks.
func isFollowUp(q string) bool {
	lq := strings.ToLower(q)
	for _, s := range followUpStarts {
		if strings.HasPrefix(lq, s) {
			return true
		}
	}
	words := letterWords(lq)
	return len(words) > 0 && len(words) <= 3 && !notFollowUps[words[0]]
}

// subjectOf returns the place or name q is about: a run of capitalised
// words, or else a known place written in lower case.
func subjectOf(q string) string {
	if p := properName(q); p != "" {
		return p
	}
	return knownPlaceIn(q)
}

// placeBefore returns the place the conversation before the question was
// about: the newest known city in an assistant's answer ("The capital of
// France is Paris." gives Paris), or the place of an earlier user turn.
func placeBefore(msgs []groqwire.ChatMessage) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		text := ContentText(msgs[i].Content)
		switch msgs[i].Role {
		case "assistant":
			if p := lastKnownCity(text); p != "" {
				return p
			}
		case "user":
			if p := subjectOf(text); p != "" {
				return p
			}
		}
	}
	return ""
}

// token is a word of a question and whether only spaces separate it from
// the word before.
type token struct {
	word   string
	joined bool // only spaces since the previous word
}

// tokens splits s into words of letters, hyphens and apostrophes inside a
// word; any other character between two words breaks a name.
func tokens(s string) []token {
	var out []token
	var cur []rune
	joined := false
	sepSpacesOnly := true
	flush := func() {
		if len(cur) > 0 {
			w := strings.TrimRight(string(cur), "-'’")
			out = append(out, token{word: w, joined: joined && len(out) > 0})
			cur = cur[:0]
			sepSpacesOnly = true
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || (len(cur) > 0 && (r == '-' || r == '\'' || r == '’')):
			if len(cur) == 0 {
				joined = sepSpacesOnly
			}
			cur = append(cur, r)
		case unicode.IsSpace(r):
			flush()
		default:
			flush()
			sepSpacesOnly = false
		}
	}
	flush()
	return out
}

// nameConnectors may join two capitalised words into one name ("Rio de
// Janeiro", "United States of America").
var nameConnectors = map[string]bool{"de": true, "del": true, "da": true, "la": true, "of": true, "am": true}

// notNames are capitalised words that do not name a place or person.
var notNames = map[string]bool{
	"I": true, "I'm": true, "I'd": true, "I've": true, "I'll": true, "OK": true,
	"Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true, "Friday": true, "Saturday": true, "Sunday": true,
	"January": true, "February": true, "March": true, "April": true, "June": true, "July": true,
	"August": true, "September": true, "October": true, "November": true, "December": true,
}

func capitalised(w string) bool {
	r := []rune(w)
	return len(r) > 0 && unicode.IsUpper(r[0]) && !notNames[w]
}

// properName returns the first run of consecutive capitalised words in q
// ("New York", "San Francisco"). A run that starts the sentence counts only
// if it is a known place; otherwise its first word is taken for the
// sentence's capital and dropped ("Is Paris nice?" gives Paris).
func properName(q string) string {
	toks := tokens(q)
	for i := 0; i < len(toks); i++ {
		if !capitalised(toks[i].word) {
			continue
		}
		run := []string{toks[i].word}
		j := i + 1
		for j < len(toks) && toks[j].joined {
			switch {
			case capitalised(toks[j].word):
				run = append(run, toks[j].word)
				j++
				continue
			case nameConnectors[toks[j].word] && j+1 < len(toks) && toks[j+1].joined && capitalised(toks[j+1].word):
				run = append(run, toks[j].word, toks[j+1].word)
				j += 2
				continue
			}
			break
		}
		if i == 0 && !isKnownPlace(strings.Join(run, " ")) {
			run = run[1:]
			for len(run) > 0 && nameConnectors[run[0]] {
				run = run[1:]
			}
		}
		if len(run) > 0 {
			return strings.Join(run, " ")
		}
		i = j - 1
	}
	return ""
}

// timezones maps known cities to their IANA zones.
var timezones = map[string]string{
	"paris": "Europe/Paris", "tokyo": "Asia/Tokyo", "new york": "America/New_York", "new york city": "America/New_York",
	"london": "Europe/London", "berlin": "Europe/Berlin", "san francisco": "America/Los_Angeles", "sydney": "Australia/Sydney",
}

// isKnownPlace reports whether name is a city or country the default
// answers know.
func isKnownPlace(name string) bool {
	n := strings.ToLower(name)
	return timezones[n] != "" || capitals[n] != "" || isCapitalCity(n)
}

func isCapitalCity(lower string) bool {
	for _, city := range capitals {
		if strings.ToLower(city) == lower {
			return true
		}
	}
	return false
}

// knownPlaceIn returns the first known place written in q, in the case
// its table uses ("tokyo" gives Tokyo), or "".
func knownPlaceIn(q string) string {
	words := letterWords(strings.ToLower(q))
	for i := range words {
		for n := 3; n >= 1; n-- { // the longest name first: "new york city"
			if i+n > len(words) {
				continue
			}
			name := strings.Join(words[i:i+n], " ")
			if isKnownPlace(name) {
				return titleCase(name)
			}
		}
	}
	return ""
}

// lastKnownCity returns the last known city named in text, or "".
func lastKnownCity(text string) string {
	words := letterWords(strings.ToLower(text))
	found := ""
	for i := range words {
		for n := 3; n >= 1; n-- {
			if i+n > len(words) {
				continue
			}
			name := strings.Join(words[i:i+n], " ")
			if timezones[name] != "" || isCapitalCity(name) {
				found = titleCase(name)
				break
			}
		}
	}
	return found
}

func letterWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
}

// timezoneFor returns the IANA zone of a known city, or of a known
// country's capital, and "UTC" otherwise.
func timezoneFor(place string) string {
	p := strings.ToLower(place)
	if z := timezones[p]; z != "" {
		return z
	}
	if z := timezones[strings.ToLower(capitals[p])]; z != "" {
		return z
	}
	return "UTC"
}

// isTimezoneProperty reports whether a property holds a time zone: its
// name or description mentions timezone, time zone or tz.
func isTimezoneProperty(name, description string) bool {
	n := strings.ToLower(name)
	d := strings.ToLower(description)
	if strings.Contains(n, "timezone") || strings.Contains(strings.ReplaceAll(n, "_", ""), "timezone") ||
		strings.Contains(d, "timezone") || strings.Contains(d, "time zone") {
		return true
	}
	for _, w := range strings.FieldsFunc(n+" "+d, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if w == "tz" {
			return true
		}
	}
	return false
}

// exampleIn returns the example a property's description gives after
// "e.g." or "for example" ("The city, e.g. San Francisco, CA" gives "San
// Francisco, CA"; "(e.g. 'celsius')" gives celsius), or "".
func exampleIn(description string) string {
	at := -1
	for _, marker := range []string{"e.g.", "e.g", "for example"} {
		if i := indexFold(description, marker); i >= 0 {
			at = i + len(marker)
			break
		}
	}
	if at < 0 {
		return ""
	}
	rest := strings.TrimLeft(description[at:], ":,. \t")
	if rest == "" {
		return ""
	}
	for _, q := range [][2]string{{`"`, `"`}, {"'", "'"}, {"`", "`"}, {"“", "”"}} {
		if strings.HasPrefix(rest, q[0]) {
			if v, _, ok := strings.Cut(rest[len(q[0]):], q[1]); ok && v != "" {
				return v
			}
		}
	}
	end := len(rest)
	for _, stop := range []string{")", "; ", ". ", " or ", "\n"} {
		if i := strings.Index(rest, stop); i >= 0 && i < end {
			end = i
		}
	}
	return strings.TrimRight(strings.TrimSpace(rest[:end]), ".,;")
}
