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

// --- Anthropic Messages ---

type anthropicUsage struct {
	InputTokens   *int64 `json:"input_tokens"`
	OutputTokens  *int64 `json:"output_tokens"`
	CacheCreation *int64 `json:"cache_creation_input_tokens"`
	CacheRead     *int64 `json:"cache_read_input_tokens"`
}

type anthropicBlock struct {
	Type     string          `json:"type"`
	Text     string          `json:"text"`
	Thinking string          `json:"thinking"`
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Input    json.RawMessage `json:"input"`
}

type anthropicMessage struct {
	Type       string           `json:"type"`
	Model      string           `json:"model"`
	Content    []anthropicBlock `json:"content"`
	StopReason string           `json:"stop_reason"`
	Usage      *anthropicUsage  `json:"usage"`
	Error      *anthropicError  `json:"error"`
}

type anthropicError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

type anthropicEvent struct {
	Type         string            `json:"type"`
	Index        int               `json:"index"`
	Message      *anthropicMessage `json:"message"`
	ContentBlock *anthropicBlock   `json:"content_block"`
	Delta        *struct {
		Type        string `json:"type"`
		Text        string `json:"text"`
		Thinking    string `json:"thinking"`
		PartialJSON string `json:"partial_json"`
		StopReason  string `json:"stop_reason"`
	} `json:"delta"`
	Usage *anthropicUsage `json:"usage"`
	Error *anthropicError `json:"error"`
}

// anthropicView joins a Messages answer block by block, in the order the
// blocks started.
type anthropicView struct {
	v      answerView
	blocks map[int]*anthropicPart
	order  []int
	usage  anthropicUsage
	seen   bool // some usage was reported
}

type anthropicPart struct {
	typ, id, name string
	text          strings.Builder
	input         json.RawMessage // the input of a block that arrived whole
	partial       bool            // input_json_delta arrived
}

func (a *anthropicView) block(i int) *anthropicPart {
	if a.blocks == nil {
		a.blocks = map[int]*anthropicPart{}
	}
	p := a.blocks[i]
	if p == nil {
		p = &anthropicPart{}
		a.blocks[i] = p
		a.order = append(a.order, i)
	}
	return p
}

func (a *anthropicView) addUsage(u *anthropicUsage) {
	if u == nil {
		return
	}
	a.seen = true
	// message_delta's counts are cumulative: a later count replaces an
	// earlier one.
	if u.InputTokens != nil {
		a.usage.InputTokens = u.InputTokens
	}
	if u.OutputTokens != nil {
		a.usage.OutputTokens = u.OutputTokens
	}
	if u.CacheCreation != nil {
		a.usage.CacheCreation = u.CacheCreation
	}
	if u.CacheRead != nil {
		a.usage.CacheRead = u.CacheRead
	}
}

func (a *anthropicView) startBlock(i int, b *anthropicBlock) {
	p := a.block(i)
	p.typ, p.id, p.name = b.Type, b.ID, b.Name
	p.text.WriteString(b.Text)
	p.text.WriteString(b.Thinking)
	if len(b.Input) > 0 {
		p.input = b.Input
	}
}

func (a *anthropicView) event(typ string, data []byte) {
	var e anthropicEvent
	if err := json.Unmarshal(data, &e); err != nil {
		a.v.err = notJSON(data)
		return
	}
	if e.Type == "" {
		e.Type = typ
	}
	switch e.Type {
	case "message_start":
		if e.Message != nil {
			a.v.model = e.Message.Model
			a.addUsage(e.Message.Usage)
		}
	case "content_block_start":
		if e.ContentBlock != nil {
			a.startBlock(e.Index, e.ContentBlock)
		}
	case "content_block_delta":
		if e.Delta == nil {
			return
		}
		p := a.block(e.Index)
		switch e.Delta.Type {
		case "text_delta":
			p.text.WriteString(e.Delta.Text)
		case "thinking_delta":
			if p.typ == "" {
				p.typ = "thinking"
			}
			p.text.WriteString(e.Delta.Thinking)
		case "input_json_delta":
			if p.typ == "" {
				p.typ = "tool_use"
			}
			p.partial = true
			p.text.WriteString(e.Delta.PartialJSON)
		}
	case "message_delta":
		if e.Delta != nil && e.Delta.StopReason != "" {
			a.v.finish = e.Delta.StopReason
		}
		a.addUsage(e.Usage)
	case "message_stop":
		a.v.ended = "message_stop"
	case "error":
		if e.Error != nil {
			a.v.err = errText(e.Error.Message, e.Error.Type)
		} else {
			a.v.err = oneLine(string(data), 300)
		}
	}
}

// message reads a whole (not streamed) Messages answer.
func (a *anthropicView) message(body string) {
	var m anthropicMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		a.v.err = notJSON([]byte(body))
		return
	}
	a.v.model = m.Model
	a.v.finish = m.StopReason
	for n := range m.Content {
		a.startBlock(n, &m.Content[n])
	}
	a.addUsage(m.Usage)
}

func (a *anthropicView) result() answerView {
	v := a.v
	var reasoning, text strings.Builder
	for _, i := range a.order {
		p := a.blocks[i]
		switch p.typ {
		case "thinking":
			reasoning.WriteString(p.text.String())
		case "redacted_thinking":
			reasoning.WriteString("[redacted thinking]")
		case "tool_use", "server_tool_use", "mcp_tool_use":
			args := p.text.String()
			if !p.partial {
				args = compactArgs(p.input)
			}
			v.calls = append(v.calls, toolCallView{name: p.name, args: args, id: p.id})
		default:
			text.WriteString(p.text.String())
		}
	}
	v.reasoning, v.text = reasoning.String(), text.String()
	if a.seen {
		u := a.usage
		v.usage = tokenText(u.InputTokens, u.OutputTokens, nil,
			namedCount{"cache read", u.CacheRead}, namedCount{"cache write", u.CacheCreation})
	}
	return v
}

// --- OpenAI Responses API ---

type responsesItem struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Name      string `json:"name"`
	CallID    string `json:"call_id"`
	Arguments string `json:"arguments"`
	Content   []struct {
		Type    string `json:"type"`
		Text    string `json:"text"`
		Refusal string `json:"refusal"`
	} `json:"content"`
	Summary []struct {
		Text string `json:"text"`
	} `json:"summary"`
}

type responsesUsage struct {
	InputTokens        *int64 `json:"input_tokens"`
	OutputTokens       *int64 `json:"output_tokens"`
	TotalTokens        *int64 `json:"total_tokens"`
	InputTokensDetails *struct {
		CachedTokens *int64 `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	OutputTokensDetails *struct {
		ReasoningTokens *int64 `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
}

type responsesObject struct {
	Model             string          `json:"model"`
	Status            string          `json:"status"`
	Output            []responsesItem `json:"output"`
	Usage             *responsesUsage `json:"usage"`
	Error             *responsesError `json:"error"`
	IncompleteDetails *struct {
		Reason string `json:"reason"`
	} `json:"incomplete_details"`
}

type responsesError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type responsesEvent struct {
	Type      string           `json:"type"`
	Delta     json.RawMessage  `json:"delta"`
	ItemID    string           `json:"item_id"`
	Item      *responsesItem   `json:"item"`
	Arguments *string          `json:"arguments"`
	Response  *responsesObject `json:"response"`
	Code      *string          `json:"code"`
	Message   string           `json:"message"`
}

// responsesView joins a Responses API answer: text and reasoning deltas
// in arrival order, function calls by item id in the order they started.
type responsesView struct {
	v         answerView
	reasoning strings.Builder
	text      strings.Builder
	refusal   strings.Builder
	calls     map[string]*toolCallView
	order     []string
	final     *responsesObject
}

func (r *responsesView) call(itemID string) *toolCallView {
	if r.calls == nil {
		r.calls = map[string]*toolCallView{}
	}
	c := r.calls[itemID]
	if c == nil {
		c = &toolCallView{}
		r.calls[itemID] = c
		r.order = append(r.order, itemID)
	}
	return c
}

// item notes a function call item (whole, or as it started).
func (r *responsesView) item(it *responsesItem, whole bool) {
	if it == nil || it.Type != "function_call" {
		return
	}
	c := r.call(it.ID)
	if it.Name != "" {
		c.name = it.Name
	}
	if it.CallID != "" {
		c.id = it.CallID
	}
	if whole || it.Arguments != "" {
		c.args = it.Arguments
	}
}

func (r *responsesView) event(typ string, data []byte) {
	var e responsesEvent
	if err := json.Unmarshal(data, &e); err != nil {
		r.v.err = notJSON(data)
		return
	}
	if e.Type == "" {
		e.Type = typ
	}
	var delta string
	if len(e.Delta) > 0 && e.Delta[0] == '"' {
		_ = json.Unmarshal(e.Delta, &delta)
	}
	switch e.Type {
	case "response.created", "response.in_progress":
		if e.Response != nil && e.Response.Model != "" {
			r.v.model = e.Response.Model
		}
	case "response.output_text.delta":
		r.text.WriteString(delta)
	case "response.refusal.delta":
		r.refusal.WriteString(delta)
	case "response.reasoning_summary_text.delta", "response.reasoning_text.delta":
		r.reasoning.WriteString(delta)
	case "response.reasoning_summary_part.added":
		if r.reasoning.Len() > 0 {
			r.reasoning.WriteString("\n\n")
		}
	case "response.output_item.added":
		r.item(e.Item, false)
	case "response.output_item.done":
		r.item(e.Item, true)
	case "response.function_call_arguments.delta":
		c := r.call(e.ItemID)
		c.args += delta
	case "response.function_call_arguments.done":
		if e.Arguments != nil {
			r.call(e.ItemID).args = *e.Arguments
		}
	case "response.completed", "response.failed", "response.incomplete":
		r.v.ended = e.Type
		r.final = e.Response
	case "error":
		r.v.err = errText(e.Message, deref(e.Code))
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// whole reads a Responses API answer that was not streamed.
func (r *responsesView) whole(body string) {
	var o responsesObject
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		r.v.err = notJSON([]byte(body))
		return
	}
	for n := range o.Output {
		it := &o.Output[n]
		switch it.Type {
		case "message":
			for _, c := range it.Content {
				r.text.WriteString(c.Text)
				r.refusal.WriteString(c.Refusal)
			}
		case "reasoning":
			for _, s := range it.Summary {
				if r.reasoning.Len() > 0 {
					r.reasoning.WriteString("\n\n")
				}
				r.reasoning.WriteString(s.Text)
			}
		case "function_call":
			r.item(it, true)
		}
	}
	r.final = &o
}

func (r *responsesView) result() answerView {
	v := r.v
	v.reasoning, v.text, v.refusal = r.reasoning.String(), r.text.String(), r.refusal.String()
	for _, id := range r.order {
		v.calls = append(v.calls, *r.calls[id])
	}
	if o := r.final; o != nil {
		if o.Model != "" {
			v.model = o.Model
		}
		v.finish = o.Status
		if o.IncompleteDetails != nil && o.IncompleteDetails.Reason != "" {
			v.finish += " (" + o.IncompleteDetails.Reason + ")"
		}
		if o.Error != nil && o.Error.Message != "" {
			v.err = errText(o.Error.Message, o.Error.Code)
		}
		if u := o.Usage; u != nil {
			var cached, reasoning *int64
			if u.InputTokensDetails != nil {
				cached = u.InputTokensDetails.CachedTokens
			}
			if u.OutputTokensDetails != nil {
				reasoning = u.OutputTokensDetails.ReasoningTokens
			}
			v.usage = tokenText(u.InputTokens, u.OutputTokens, u.TotalTokens,
				namedCount{"reasoning", reasoning}, namedCount{"cached", cached})
		}
	}
	return v
}

// --- Gemini ---

type geminiChunk struct {
	Candidates []struct {
		Index   int `json:"index"`
		Content *struct {
			Parts []struct {
				Text         *string `json:"text"`
				Thought      bool    `json:"thought"`
				FunctionCall *struct {
					ID   string          `json:"id"`
					Name string          `json:"name"`
					Args json.RawMessage `json:"args"`
				} `json:"functionCall"`
			} `json:"parts"`
		} `json:"content"`
		FinishReason string `json:"finishReason"`
	} `json:"candidates"`
	UsageMetadata *struct {
		Prompt     *int64 `json:"promptTokenCount"`
		Candidates *int64 `json:"candidatesTokenCount"`
		Total      *int64 `json:"totalTokenCount"`
		Thoughts   *int64 `json:"thoughtsTokenCount"`
		Cached     *int64 `json:"cachedContentTokenCount"`
		ToolUse    *int64 `json:"toolUsePromptTokenCount"`
	} `json:"usageMetadata"`
	ModelVersion string `json:"modelVersion"`
	Error        *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
	} `json:"error"`
}

// geminiView joins the first candidate's parts over the chunks.
type geminiView struct {
	v         answerView
	reasoning strings.Builder
	text      strings.Builder
}

func (g *geminiView) chunk(data []byte) {
	var c geminiChunk
	if err := json.Unmarshal(data, &c); err != nil {
		g.v.err = notJSON(data)
		return
	}
	if c.Error != nil {
		g.v.err = errText(c.Error.Message, c.Error.Status)
	}
	if c.ModelVersion != "" {
		g.v.model = c.ModelVersion
	}
	for _, cand := range c.Candidates {
		if cand.Index != 0 {
			continue // one candidate is shown: the first
		}
		if cand.Content != nil {
			for _, p := range cand.Content.Parts {
				switch {
				case p.FunctionCall != nil:
					g.v.calls = append(g.v.calls, toolCallView{name: p.FunctionCall.Name, args: compactArgs(p.FunctionCall.Args), id: p.FunctionCall.ID})
				case p.Text != nil && p.Thought:
					g.reasoning.WriteString(*p.Text)
				case p.Text != nil:
					g.text.WriteString(*p.Text)
				}
			}
		}
		if cand.FinishReason != "" {
			g.v.finish = cand.FinishReason
			g.v.ended = "finishReason " + cand.FinishReason
		}
	}
	if u := c.UsageMetadata; u != nil {
		g.v.usage = tokenText(u.Prompt, u.Candidates, u.Total,
			namedCount{"thinking", u.Thoughts}, namedCount{"cached", u.Cached}, namedCount{"tool prompt", u.ToolUse})
	}
}

// whole reads a Gemini answer that is one JSON object, or the JSON array
// of chunks that streamGenerateContent sends without alt=sse.
func (g *geminiView) whole(body string) {
	t := bytes.TrimSpace([]byte(body))
	if len(t) > 0 && t[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(t, &arr); err != nil {
			g.v.err = notJSON(t)
			return
		}
		for _, c := range arr {
			g.chunk(c)
		}
		return
	}
	g.chunk(t)
}

func (g *geminiView) result() answerView {
	v := g.v
	v.reasoning, v.text = g.reasoning.String(), g.text.String()
	return v
}

// --- output ---

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
