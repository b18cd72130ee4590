// Package fakeanswer decides what the fake Groq server answers a chat
// request nobody scripted: a few known questions answered properly, others
// a generic answer that quotes the question, follow-ups read with the
// earlier turns, relevant tools called with arguments generated from their
// schemas and filled from the conversation, tool results reported, JSON
// output following its schema. It decides what is said; the fakes package
// decides how Groq would send it (stop sequences, max tokens, reasoning
// formats, streaming).
package fakeanswer

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/llmvcr/llmvcr/internal/fakeid"
	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/schemagen"
)

// Answer is what the default answer says, before stop sequences, max
// tokens and the model's reasoning format apply.
type Answer struct {
	Text      string                  // the content; "" when only tools are called
	Reasoning string                  // what a reasoning model thinks first
	Calls     []groqwire.FunctionCall // the tools called, with their arguments
}

// For decides the default answer to r, which must hold at least one
// message: tool results are summarised, offered tools are called, JSON
// output follows its schema, and anything else gets a text answer that
// depends on the question. seed varies the choices.
func For(r *groqwire.ChatCompletionRequest, seed int64) Answer {
	conv := readConversation(r)
	asks := fmt.Sprintf("The user asks: \"%s\"", Clip(conv.asked, 80))
	if conv.question != conv.asked {
		asks += fmt.Sprintf(", that is, \"%s\"", Clip(conv.question, 80))
	}
	var a Answer
	last := r.Messages[len(r.Messages)-1]
	choice := ""
	if r.ToolChoice != nil {
		choice = r.ToolChoice.Mode
	}
	var calls []groqwire.FunctionCall
	if len(r.Tools) > 0 && choice != "none" && last.Role == "user" {
		calls = chooseCalls(r, conv, seed)
	}
	switch {
	case last.Role == "tool":
		a.Text = summariseToolResults(r.Messages)
		a.Reasoning = "The tool results are in. I should answer using them."
	case len(calls) > 0:
		a.Calls = calls
		names := make([]string, len(calls))
		for i, c := range calls {
			names[i] = c.Name
		}
		a.Reasoning = fmt.Sprintf("%s. I should call %s.", asks, strings.Join(names, " and "))
	case r.ResponseFormat != nil && (r.ResponseFormat.Type == "json_object" || r.ResponseFormat.Type == "json_schema"):
		a.Text = jsonAnswer(r, conv, seed)
		a.Reasoning = "The user wants JSON. I should answer with an object."
	default:
		a.Text = textAnswer(conv, seed)
		a.Reasoning = asks + ". I should answer concisely."
	}
	return a
}

// ContentText returns the text of a message's content: its text parts
// joined by newlines; "" for none.
func ContentText(c *groqwire.MessageContent) string {
	if c == nil {
		return ""
	}
	if c.Parts == nil {
		return c.Text
	}
	var texts []string
	for _, p := range c.Parts {
		if p.Type == "text" {
			texts = append(texts, p.Text)
		}
	}
	return strings.Join(texts, "\n")
}

// summariseToolResults answers with the results of the tool calls made
// since the last assistant message.
func summariseToolResults(msgs []groqwire.ChatMessage) string {
	names := map[string]string{}
	start := 0
	for i, m := range msgs {
		if m.Role == "assistant" {
			start = i + 1
			for _, tc := range m.ToolCalls {
				names[tc.ID] = tc.Function.Name
			}
		}
	}
	var parts []string
	for _, m := range msgs[start:] {
		if m.Role != "tool" {
			continue
		}
		name := names[m.ToolCallID]
		if name == "" {
			name = "the tool"
		}
		parts = append(parts, fmt.Sprintf("%s returned %s.", name, Clip(strings.TrimSpace(ContentText(m.Content)), 1000)))
	}
	if len(parts) == 0 {
		return "I have the results, but they are empty."
	}
	return "Here is what I found: " + strings.Join(parts, " ")
}

// chooseCalls picks the tools to call: the one tool_choice names, else the
// tools relevant to the question, whose name, description or parameter
// names share a word with it (all of them, or the best one when
// parallel_tool_calls is false). When none is relevant it calls none, and
// the model answers in text, unless tool_choice is "required" or names a
// tool it does not offer: then the first tool.
func chooseCalls(r *groqwire.ChatCompletionRequest, conv conversation, seed int64) []groqwire.FunctionCall {
	var chosen []groqwire.Tool
	if r.ToolChoice != nil && r.ToolChoice.Function != "" {
		for _, t := range r.Tools {
			if t.Function.Name == r.ToolChoice.Function {
				chosen = append(chosen, t)
			}
		}
	}
	if len(chosen) == 0 {
		q := wordSet(conv.question + " " + conv.asked)
		best := 0
		scores := make([]int, len(r.Tools))
		for i, t := range r.Tools {
			for w := range wordSet(t.Function.Name + " " + t.Function.Description + " " + parameterNames(t.Function.Parameters)) {
				if q[w] && len(w) > 2 && !stopWords[w] {
					scores[i]++
				}
			}
			best = max(best, scores[i])
		}
		for i, t := range r.Tools {
			if scores[i] > 0 {
				chosen = append(chosen, t)
			}
		}
		if r.ParallelToolCalls != nil && !*r.ParallelToolCalls && len(chosen) > 1 {
			i := slices.Index(scores, best)
			chosen = []groqwire.Tool{r.Tools[i]}
		}
		forced := r.ToolChoice != nil && (r.ToolChoice.Mode == "required" || r.ToolChoice.Function != "")
		if len(chosen) == 0 && forced {
			chosen = r.Tools[:1]
		}
	}
	hint := promptHint(conv)
	calls := make([]groqwire.FunctionCall, 0, len(chosen))
	for _, t := range chosen {
		args, err := schemagen.GenerateWithHint(t.Function.Parameters, seed, hint)
		if err != nil {
			args = json.RawMessage("{}")
		}
		calls = append(calls, groqwire.FunctionCall{Name: t.Function.Name, Arguments: string(args)})
	}
	return calls
}

// parameterNames returns the names of a tool's top-level parameters,
// separated by spaces; "" when the schema has none or does not decode.
func parameterNames(schema json.RawMessage) string {
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(schema, &s) != nil {
		return ""
	}
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(names, " ")
}

// stopWords never make a tool relevant to a question.
var stopWords = map[string]bool{
	"the": true, "and": true, "for": true, "with": true, "from": true, "this": true, "that": true, "what": true,
	"how": true, "who": true, "are": true, "was": true, "you": true, "your": true, "can": true, "get": true,
	"set": true, "please": true, "tell": true, "give": true, "about": true, "into": true, "any": true, "all": true,
	"current": true, "given": true, "return": true, "returns": true, "use": true, "using": true, "does": true,
	"have": true, "there": true, "which": true, "will": true, "would": true, "should": true, "could": true,
}

func wordSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		out[w] = true
		out[strings.TrimSuffix(w, "s")] = true
	}
	return out
}

// promptHint fills string arguments from the conversation: a time-zone
// property gets the IANA zone of the place asked about ("UTC" when it is
// not a known city), a query-like property the question itself, a place-
// or name-like property the place; anything else, or a place when the
// question names none, the example its description gives ("e.g. X").
func promptHint(conv conversation) schemagen.Hint {
	return func(property, description string) (string, bool) {
		p := strings.ToLower(property)
		switch {
		case isTimezoneProperty(property, description):
			return timezoneFor(conv.place), true
		case p == "q" || strings.Contains(p, "query") || strings.Contains(p, "question") || strings.Contains(p, "search") ||
			p == "text" || p == "prompt" || p == "input" || p == "message":
			if q := strings.TrimRight(conv.question, "?!. "); q != "" {
				return q, true
			}
		case strings.Contains(p, "city") || strings.Contains(p, "location") || strings.Contains(p, "place") ||
			strings.Contains(p, "country") || strings.Contains(p, "name") || strings.Contains(p, "destination"):
			if conv.place != "" {
				return conv.place, true
			}
		}
		if ex := exampleIn(description); ex != "" {
			return ex, true
		}
		return "", false
	}
}

// jsonAnswer answers JSON mode: an object following the json_schema, or
// {"answer": ...} for json_object.
func jsonAnswer(r *groqwire.ChatCompletionRequest, conv conversation, seed int64) string {
	if js := r.ResponseFormat.JSONSchema; js != nil && len(js.Schema) > 0 {
		if b, err := schemagen.GenerateWithHint(js.Schema, seed, promptHint(conv)); err == nil {
			return string(b)
		}
	}
	b, _ := json.Marshal(map[string]string{"answer": textAnswer(conv, seed)})
	return string(b)
}

var capitals = map[string]string{
	"france": "Paris", "germany": "Berlin", "italy": "Rome", "spain": "Madrid", "japan": "Tokyo",
	"united kingdom": "London", "england": "London", "canada": "Ottawa", "australia": "Canberra",
	"brazil": "Brasília", "portugal": "Lisbon", "mexico": "Mexico City", "china": "Beijing",
	"india": "New Delhi", "egypt": "Cairo", "kenya": "Nairobi", "norway": "Oslo", "poland": "Warsaw",
}

var arithmetic = regexp.MustCompile(`(-?\d+(?:\.\d+)?)\s*([-+*/x×])\s*(-?\d+(?:\.\d+)?)`)

var capitalOf = regexp.MustCompile(`capital of ([a-z ]+)`)

// genericAnswers are the templates of questions the table does not know;
// %s is the question.
var genericAnswers = []string{
	"You asked: \"%s\". In short, it depends on the details, but the usual answer is to start simple and check the result.",
	"Good question: \"%s\". The short answer is that there is no single rule; the common approach works in most cases.",
	"Here is a brief answer to \"%s\": the key points are well documented, and the first step is to look at the specifics.",
	"Regarding \"%s\": most sources agree on the basics, and the rest depends on your situation.",
}

// textAnswer returns a plausible answer to the conversation's question: a
// few known questions are answered properly (a follow-up such as "And of
// Germany?" as the earlier question it continues), the rest get a generic
// answer that quotes the question, chosen by a hash of it.
func textAnswer(conv conversation, seed int64) string {
	if conv.question != conv.asked {
		if a, ok := knownAnswer(conv.question); ok {
			return a
		}
	}
	if a, ok := knownAnswer(conv.asked); ok {
		return a
	}
	q := strings.ToLower(strings.TrimSpace(conv.asked))
	i := fakeid.New("answer", strconv.FormatInt(seed, 10), q).Number("template", len(genericAnswers))
	return fmt.Sprintf(genericAnswers[i], Clip(strings.Join(strings.Fields(conv.asked), " "), 200))
}

// greetings start a message that only says hello.
var greetings = map[string]bool{"hello": true, "hi": true, "hey": true, "hiya": true, "howdy": true, "greetings": true}

// knownAnswer answers the questions the default answers know: capitals,
// arithmetic, greetings, thanks, jokes and who the assistant is.
func knownAnswer(question string) (string, bool) {
	q := strings.ToLower(strings.TrimSpace(question))
	if m := capitalOf.FindStringSubmatch(q); m != nil {
		country := strings.TrimSpace(strings.TrimPrefix(m[1], "the "))
		if city, ok := capitals[country]; ok {
			return fmt.Sprintf("The capital of %s is %s.", titleCase(country), city), true
		}
	}
	if m := arithmetic.FindStringSubmatch(q); m != nil {
		a, _ := strconv.ParseFloat(m[1], 64)
		b, _ := strconv.ParseFloat(m[3], 64)
		var v float64
		ok := true
		switch m[2] {
		case "+":
			v = a + b
		case "-":
			v = a - b
		case "*", "x", "×":
			v = a * b
		case "/":
			ok = b != 0
			if ok {
				v = a / b
			}
		}
		if ok {
			return fmt.Sprintf("%s %s %s = %s.", m[1], m[2], m[3], strconv.FormatFloat(v, 'f', -1, 64)), true
		}
	}
	first := ""
	if w := letterWords(q); len(w) > 0 {
		first = w[0]
	}
	switch {
	case q == "", greetings[first]:
		return "Hello! How can I help you today?", true
	case first == "thanks" || strings.HasPrefix(q, "thank you"):
		return "You're welcome! Let me know if there is anything else I can help with.", true
	case strings.Contains(q, "joke"):
		return "Why do programmers prefer dark mode? Because light attracts bugs.", true
	case strings.Contains(q, "your name") || strings.Contains(q, "who are you"):
		return "I'm an AI assistant. How can I help you today?", true
	}
	return "", false
}

func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

// Clip cuts s to at most n runes, marking the cut with "...".
func Clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "..."
}
