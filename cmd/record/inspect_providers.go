package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/sse"
)

// apiKind is the LLM API an interaction speaks, as far as inspect can
// tell. OpenAI-compatible chat completions (Groq's API) have the view of
// inspect.go; the others are read here, best effort.
type apiKind int

const (
	apiUnknown   apiKind = iota
	apiChat              // OpenAI-compatible chat completions
	apiAnthropic         // Anthropic Messages
	apiResponses         // OpenAI Responses API
	apiGemini            // Gemini generateContent / streamGenerateContent
)

// label names the API in inspect's output.
func (k apiKind) label() string {
	switch k {
	case apiAnthropic:
		return "Anthropic Messages"
	case apiResponses:
		return "OpenAI Responses API"
	case apiGemini:
		return "Gemini"
	case apiChat:
		return "OpenAI-compatible chat"
	}
	return "unknown API"
}

// other reports whether the API has a view of its own here.
func (k apiKind) other() bool { return k == apiAnthropic || k == apiResponses || k == apiGemini }

// detectAPI tells the API of an interaction: from its response body (the
// event types of a stream, the shape of a JSON body) when that is clear,
// else from the request's URL path.
func detectAPI(i *cassettes.Interaction) apiKind {
	if k := detectBody(i.Response.Body); k != apiUnknown {
		return k
	}
	return detectURL(i.Request.URL)
}

// detectURL tells the API from the path of a URL.
func detectURL(u string) apiKind {
	p, _, _ := strings.Cut(u, "?")
	p, _, _ = strings.Cut(p, "#")
	switch {
	case strings.HasSuffix(p, "/chat/completions"):
		return apiChat
	case strings.HasSuffix(p, "/v1/messages") || strings.HasSuffix(p, "/anthropic/messages"):
		return apiAnthropic
	case strings.HasSuffix(p, "/responses"):
		return apiResponses
	case strings.Contains(p, ":streamGenerateContent") || strings.Contains(p, ":generateContent"):
		return apiGemini
	}
	return apiUnknown
}

// detectLimit is how many events of a stream detectBody looks at.
const detectLimit = 32

// detectBody tells the API from a response body: a stream by its first
// events that say, a JSON body (or Gemini's JSON array of chunks) by its
// shape.
func detectBody(body string) apiKind {
	t := strings.TrimLeft(body, " \t\r\n\ufeff")
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		return detectJSON([]byte(t))
	}
	if !strings.Contains(body, "data:") {
		return apiUnknown
	}
	dec := sse.NewDecoder(strings.NewReader(body))
	for range detectLimit {
		ev, err := dec.Next()
		if err != nil {
			return apiUnknown
		}
		if k := eventKind(ev.Type); k != apiUnknown {
			return k
		}
		if string(ev.Data) == "[DONE]" {
			return apiChat
		}
		if k := detectJSON(ev.Data); k != apiUnknown {
			return k
		}
	}
	return apiUnknown
}

// anthropicEvents are the event types of an Anthropic Messages stream.
var anthropicEvents = map[string]bool{
	"message_start": true, "content_block_start": true, "content_block_delta": true,
	"content_block_stop": true, "message_delta": true, "message_stop": true, "ping": true,
}

func eventKind(typ string) apiKind {
	switch {
	case anthropicEvents[typ]:
		return apiAnthropic
	case strings.HasPrefix(typ, "response."):
		return apiResponses
	}
	return apiUnknown
}

// shape is what detectJSON looks at in a JSON body or event.
type shape struct {
	Type          string          `json:"type"`
	Object        string          `json:"object"`
	Choices       json.RawMessage `json:"choices"`
	Candidates    json.RawMessage `json:"candidates"`
	UsageMetadata json.RawMessage `json:"usageMetadata"`
	Content       json.RawMessage `json:"content"`
}

func detectJSON(b []byte) apiKind {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' { // Gemini's streamGenerateContent without alt=sse
		var arr []json.RawMessage
		if json.Unmarshal(b, &arr) != nil || len(arr) == 0 {
			return apiUnknown
		}
		first := bytes.TrimSpace(arr[0])
		if len(first) > 0 && first[0] == '{' && detectJSON(first) == apiGemini {
			return apiGemini
		}
		return apiUnknown
	}
	var s shape
	if json.Unmarshal(b, &s) != nil {
		return apiUnknown
	}
	switch {
	case eventKind(s.Type) != apiUnknown:
		return eventKind(s.Type)
	case s.Type == "message" && s.Content != nil:
		return apiAnthropic
	case s.Object == "response":
		return apiResponses
	case s.Candidates != nil || s.UsageMetadata != nil:
		return apiGemini
	case s.Choices != nil || strings.HasPrefix(s.Object, "chat.completion"):
		return apiChat
	}
	return apiUnknown
}

// answerView is what an answer of one of the other APIs adds up to, for
// inspect: its joined reasoning and text, its tool calls with their
// arguments joined, why it ended and what it cost.
type answerView struct {
	model     string
	reasoning string
	text      string
	refusal   string
	calls     []toolCallView
	finish    string
	usage     string // already worded: "21 tokens in, 3 out, 24 total"
	err       string // the last error the answer carried
	ended     string // the event that ended the stream by its protocol, "" when none did
	events    int    // events with data
}

type toolCallView struct {
	name, args, id string
}

// streamEnd names what ends a stream of the API, for "no X".
func (k apiKind) streamEnd() string {
	switch k {
	case apiAnthropic:
		return "message_stop"
	case apiResponses:
		return "response.completed"
	case apiGemini:
		return "finishReason"
	}
	return "[DONE]"
}

// viewAnswer reads a response body of API k: an event stream when stream
// is true, else a JSON body.
func viewAnswer(k apiKind, body string, stream bool) answerView {
	switch k {
	case apiAnthropic:
		var a anthropicView
		if stream {
			eachEvent(body, &a.v, a.event)
		} else {
			a.message(body)
		}
		return a.result()
	case apiResponses:
		var r responsesView
		if stream {
			eachEvent(body, &r.v, r.event)
		} else {
			r.whole(body)
		}
		return r.result()
	case apiGemini:
		var g geminiView
		if stream {
			eachEvent(body, &g.v, func(_ string, data []byte) { g.chunk(data) })
		} else {
			g.whole(body)
		}
		return g.result()
	}
	return answerView{}
}

// eachEvent calls f with the type and data of each event of a recorded
// stream that has data, read by internal/sse (timing lines are comments
// to it). A decoding error ends the stream and is kept in v.err.
func eachEvent(body string, v *answerView, f func(typ string, data []byte)) {
	dec := sse.NewDecoder(strings.NewReader(body))
	for {
		ev, err := dec.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			v.err = err.Error()
			return
		}
		if len(bytes.TrimSpace(ev.Data)) == 0 {
			continue
		}
		v.events++
		f(ev.Type, ev.Data)
	}
}

// errText words an error an answer carried: its message, then its code
// or type in parentheses.
func errText(msg, code string) string {
	switch {
	case code == "":
		return msg
	case msg == "":
		return code
	}
	return msg + " (" + code + ")"
}

// notJSON is the error an event that is not JSON leaves.
func notJSON(data []byte) string { return "an event that is not JSON: " + oneLine(string(data), 80) }

// tokenText words token counts: in and out always, then the total and
// the named extras that were reported (nil counts are left out).
func tokenText(in, out, total *int64, extras ...namedCount) string {
	n := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	s := fmt.Sprintf("%d tokens in, %d out", n(in), n(out))
	if total != nil {
		s += fmt.Sprintf(", %d total", *total)
	}
	var more []string
	for _, e := range extras {
		if e.n != nil && *e.n != 0 {
			more = append(more, fmt.Sprintf("%s %d", e.name, *e.n))
		}
	}
	if len(more) > 0 {
		s += "; " + strings.Join(more, ", ")
	}
	return s
}

type namedCount struct {
	name string
	n    *int64
}

// compactArgs is a tool call's arguments object as one line of JSON; ""
// for none.
func compactArgs(raw json.RawMessage) string {
	var b bytes.Buffer
	if len(raw) == 0 || string(raw) == "null" || json.Compact(&b, raw) != nil {
		return ""
	}
	return b.String()
}

// writeProviderRequest writes what the request of an interaction with API
// k says in brief: the API, the model, whether it asked for a stream and
// the tools it offered.
func writeProviderRequest(w *strings.Builder, i *cassettes.Interaction, k apiKind) {
	var r struct {
		Model  string         `json:"model"`
		Stream bool           `json:"stream"`
		Tools  []providerTool `json:"tools"`
	}
	_ = json.Unmarshal([]byte(i.Request.Body), &r)
	path, _, _ := strings.Cut(i.Request.URL, "?")
	if k == apiGemini {
		if _, m, ok := strings.Cut(path, "/models/"); ok {
			r.Model, _, _ = strings.Cut(m, ":")
		}
		r.Stream = strings.Contains(path, ":streamGenerateContent")
	}
	line := []string{k.label()}
	if r.Model != "" {
		line = append(line, "model "+r.Model)
	}
	if r.Stream {
		line = append(line, "streamed")
	}
	fmt.Fprintf(w, "  %s\n", strings.Join(line, ", "))
	var names []string
	for _, t := range r.Tools {
		names = t.appendNames(names)
	}
	if len(names) > 0 {
		fmt.Fprintf(w, "  tools offered: %s\n", strings.Join(names, ", "))
	}
}

// providerTool is a tool a request offers: Anthropic's (input_schema),
// the Responses API's (parameters) or Gemini's (functionDeclarations).
type providerTool struct {
	Name                 string          `json:"name"`
	InputSchema          json.RawMessage `json:"input_schema"`
	Parameters           json.RawMessage `json:"parameters"`
	FunctionDeclarations []providerTool  `json:"functionDeclarations"`
}

// appendNames appends "name(arg, optional?)" for the tool and the
// functions it declares.
func (t providerTool) appendNames(names []string) []string {
	if t.Name != "" {
		schema := t.InputSchema
		if schema == nil {
			schema = t.Parameters
		}
		names = append(names, t.Name+"("+strings.Join(schemaProps(schema), ", ")+")")
	}
	for _, d := range t.FunctionDeclarations {
		if d.Name != "" {
			names = d.appendNames(names)
		}
	}
	return names
}

// writeAnswer writes an answer of API k the way inspect writes a chat
// completion.
func writeAnswer(w *strings.Builder, k apiKind, v answerView) {
	if v.model != "" {
		fmt.Fprintf(w, "  %s answer, model %s\n", k.label(), v.model)
	} else {
		fmt.Fprintf(w, "  %s answer\n", k.label())
	}
	if v.reasoning != "" {
		writeText(w, "reasoning", v.reasoning)
	}
	if v.text != "" {
		writeText(w, "text", v.text)
	}
	if v.refusal != "" {
		writeText(w, "refusal", v.refusal)
	}
	for _, c := range v.calls {
		id := ""
		if c.id != "" {
			id = " [" + c.id + "]"
		}
		fmt.Fprintf(w, "  tool call: %s(%s)%s\n", c.name, oneLine(c.args, 200), id)
	}
	if v.finish != "" {
		fmt.Fprintf(w, "  finish: %s\n", v.finish)
	}
	if v.err != "" {
		writeText(w, "error", oneLine(v.err, 300))
	}
	if v.usage != "" {
		fmt.Fprintf(w, "  usage: %s\n", v.usage)
	}
}

// inspectProviderStream writes a recorded stream of API k: its answer and
// its timing.
func inspectProviderStream(w *strings.Builder, k apiKind, body string) {
	evs, err := httpbody.SplitSSE(body)
	if err != nil {
		fmt.Fprintf(w, "  stream: cannot split: %s\n", oneLine(err.Error(), 200))
		return
	}
	v := viewAnswer(k, body, true)
	writeAnswer(w, k, v)
	end := "ends with " + v.ended
	if v.ended == "" {
		end = "no " + k.streamEnd()
	}
	writeStreamTiming(w, evs, end)
}
