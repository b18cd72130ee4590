package fakeanswer

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// FuzzReadConversation checks that reading a two-turn conversation never
// panics, that the question is the last message unless it is a follow-up
// rewritten from the first, and that every string hint is valid UTF-8
// when the input is.
func FuzzReadConversation(f *testing.F) {
	f.Add("What is the capital of France?", "And of Germany?", "timezone", "e.g. Europe/Paris")
	f.Add("What's the weather in New York?", "And in San Francisco?", "city", "The city and state, e.g. San Francisco, CA")
	f.Add("İstanbul weather?", "and İzmir?", "tz", "(e.g. 'UTC')")
	f.Add("Is it raining in Rio de Janeiro?", "What about  Buenos   Aires?", "location", "for example: \"Paris\"")
	f.Add("", "hi", "q", "e.g.")
	f.Fuzz(func(t *testing.T, first, second, property, description string) {
		r := &groqwire.ChatCompletionRequest{Messages: []groqwire.ChatMessage{
			{Role: "user", Content: &groqwire.MessageContent{Text: first}},
			{Role: "assistant", Content: &groqwire.MessageContent{Text: "The capital of France is Paris."}},
			{Role: "user", Content: &groqwire.MessageContent{Text: second}},
		}}
		c := readConversation(r)
		if c.asked != strings.TrimSpace(second) {
			t.Fatalf("asked = %q, want the last message %q", c.asked, second)
		}
		if c.question != c.asked && !isFollowUp(c.asked) {
			t.Fatalf("%q was rewritten to %q but is not a follow-up", c.asked, c.question)
		}
		v, _ := promptHint(c)(property, description)
		if utf8.ValidString(first+second+description) && !utf8.ValidString(v) {
			t.Fatalf("hint %q is not valid UTF-8", v)
		}
	})
}
