package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/recorder"
)

func cmdInspect(args []string, stdout io.Writer) error {
	if isHelp(args) {
		fmt.Fprintln(stdout, "usage: record inspect FILE\n\nShows the conversation in a cassette: each request's messages, tools and\nsettings, and each response's status, text (streams joined), tool calls,\nusage, timings and per-event stream timing. Answers of Anthropic Messages,\nthe OpenAI Responses API and Gemini (streamed or not) are shown labelled\nby their API: reasoning, text, tool calls with their joined arguments,\nfinish reason and usage.")
		return nil
	}
	if len(args) != 1 {
		return usagef("inspect takes one cassette file: record inspect FILE")
	}
	c, err := cassettes.Load(args[0])
	if err != nil {
		return err
	}
	scrub, found := maskSecrets(c)
	var b strings.Builder
	inspect(&b, c)
	// Masked again as a whole: what was joined for showing is searched too.
	out := scrub.ScrubString(b.String())
	if len(found) > 0 {
		out += fmt.Sprintf("\nwarning: %s holds secrets (shown as %s above); run record lint %s:\n", c.Path, cassettes.Redacted, c.Path)
		for _, f := range found {
			out += "  " + oneLine(f, 300) + "\n"
		}
	}
	_, err = io.WriteString(stdout, out)
	return err
}

// maskSecrets scrubs the loaded cassette in memory with the engine Save
// uses (a key a stream carries in pieces included), so that nothing
// inspect prints holds a secret, and returns the scrubber and Lint's
// secret findings (which name places, never values). A response whose
// secret cannot be masked is withheld.
func maskSecrets(c *cassettes.Cassette) (*cassettes.Scrubber, []string) {
	s := cassettes.NewScrubber()
	var found []string
	for _, f := range cassettes.Lint(c) {
		if f.Kind == "secret" {
			found = append(found, f.String())
		}
	}
	for n, i := range c.Interactions {
		if i == nil {
			continue
		}
		s.Scrub(i) // only custom scrubbers fail, and there are none
		if s.Check(n, i) != nil {
			i.Request.Body, i.Response.Body = "", ""
			found = append(found, fmt.Sprintf("interaction %d: its bodies are not shown: they hold a secret that cannot be masked", n))
		}
	}
	return s, found
}

// cannedSources names, in one line, the fakes a cassette's canned answers
// were recorded from (recorder.SourceHeader), each once: "the embedded fake
// Groq server", or a hand-edited value quoted, so that it can never forge
// a line of the output.
func cannedSources(c *cassettes.Cassette) string {
	var names []string
	seen := map[string]bool{}
	for _, i := range c.Interactions {
		src := i.Response.Headers.Get(recorder.SourceHeader)
		if src == "" || seen[src] {
			continue
		}
		seen[src] = true
		switch {
		case strings.ContainsFunc(src, func(r rune) bool { return !unicode.IsPrint(r) || r == '"' }):
			src = strconv.Quote(src)
		case !strings.HasPrefix(src, "a ") && !strings.HasPrefix(src, "an ") && !strings.HasPrefix(src, "the "):
			src = "the " + src
		}
		names = append(names, src)
	}
	return strings.Join(names, " and ")
}

// inspect writes the cassette as a person reads it.
func inspect(w *strings.Builder, c *cassettes.Cassette) {
	fmt.Fprintf(w, "%s: %s", c.Path, plural(len(c.Interactions), "interaction"))
	if src := cannedSources(c); src != "" {
		fmt.Fprintf(w, ", recorded from %s", src)
	}
	fmt.Fprintln(w)
	var prev []groqwire.ChatMessage
	for n, i := range c.Interactions {
		if i.Request.Method == "" && i.Request.URL == "" {
			fmt.Fprintf(w, "\ninteraction %d: no request recorded (no method, no URL)\n", n)
		} else {
			fmt.Fprintf(w, "\ninteraction %d: %s %s\n", n, orNone(i.Request.Method, "(no method)"), orNone(i.Request.URL, "(no URL)"))
		}
		kind := detectAPI(i)
		req, ok := chatRequest(i)
		if ok {
			prev = inspectRequest(w, req, prev)
		} else {
			if kind.other() {
				writeProviderRequest(w, i, kind)
			}
			if i.Request.Body != "" {
				fmt.Fprintf(w, "  request body: %s\n", oneLine(i.Request.Body, 200))
			}
		}
		inspectResponse(w, i, ok, kind)
	}
}

func chatRequest(i *cassettes.Interaction) (*groqwire.ChatCompletionRequest, bool) {
	if !strings.HasSuffix(strings.SplitN(i.Request.URL, "?", 2)[0], "/chat/completions") {
		return nil, false
	}
	var r groqwire.ChatCompletionRequest
	if err := json.Unmarshal([]byte(i.Request.Body), &r); err != nil {
		return nil, false
	}
	return &r, true
}

// inspectRequest writes the request's model, settings, tools and the
// messages that the previous request did not already show.
func inspectRequest(w *strings.Builder, r *groqwire.ChatCompletionRequest, prev []groqwire.ChatMessage) []groqwire.ChatMessage {
	line := []string{"model " + r.Model}
	if r.Stream {
		line = append(line, "streamed")
	}
	line = append(line, settingsOf(r)...)
	fmt.Fprintf(w, "  %s\n", strings.Join(line, ", "))
	if len(r.Tools) > 0 {
		var names []string
		for _, t := range r.Tools {
			names = append(names, t.Function.Name+"("+strings.Join(schemaProps(t.Function.Parameters), ", ")+")")
		}
		fmt.Fprintf(w, "  tools offered: %s\n", strings.Join(names, ", "))
	}
	msgs := r.Messages
	skip := 0
	if len(prev) > 0 && len(msgs) > len(prev) && sameMessages(msgs[:len(prev)], prev) {
		skip = len(prev)
		if msgs[skip].Role == "assistant" {
			skip++ // the answer shown under the previous interaction
		}
		fmt.Fprintf(w, "  (%s as above)\n", plural(skip, "earlier message"))
	}
	for _, m := range msgs[skip:] {
		writeMessage(w, m)
	}
	return msgs
}

func sameMessages(a, b []groqwire.ChatMessage) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

func settingsOf(r *groqwire.ChatCompletionRequest) []string {
	var out []string
	f := func(name string, v *float64) {
		if v != nil {
			out = append(out, name+" "+strconv.FormatFloat(*v, 'g', -1, 64))
		}
	}
	i := func(name string, v *int) {
		if v != nil {
			out = append(out, name+" "+strconv.Itoa(*v))
		}
	}
	f("temperature", r.Temperature)
	f("top_p", r.TopP)
	i("max_tokens", r.MaxTokens)
	i("max_completion_tokens", r.MaxCompletionTokens)
	if r.Seed != nil {
		out = append(out, "seed "+strconv.FormatInt(*r.Seed, 10))
	}
	if len(r.Stop) > 0 {
		q := make([]string, len(r.Stop))
		for n, s := range r.Stop {
			q[n] = strconv.Quote(s)
		}
		out = append(out, "stop "+strings.Join(q, " "))
	}
	if r.ToolChoice != nil {
		tc := r.ToolChoice.Mode
		if r.ToolChoice.Function != "" {
			tc = r.ToolChoice.Function
		}
		out = append(out, "tool_choice "+tc)
	}
	if r.ParallelToolCalls != nil {
		out = append(out, "parallel_tool_calls "+strconv.FormatBool(*r.ParallelToolCalls))
	}
	if r.ResponseFormat != nil {
		out = append(out, "response_format "+r.ResponseFormat.Type)
	}
	for _, kv := range [][2]string{{"reasoning_format", r.ReasoningFormat}, {"reasoning_effort", r.ReasoningEffort}, {"service_tier", r.ServiceTier}} {
		if kv[1] != "" {
			out = append(out, kv[0]+" "+kv[1])
		}
	}
	return out
}

// schemaProps returns the property names of an object schema, required
// ones first.
func schemaProps(schema json.RawMessage) []string {
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Required   []string                   `json:"required"`
	}
	if json.Unmarshal(schema, &s) != nil {
		return nil
	}
	req := map[string]bool{}
	var out []string
	for _, r := range s.Required {
		if _, ok := s.Properties[r]; ok && !req[r] {
			req[r] = true
			out = append(out, r)
		}
	}
	var rest []string
	for k := range s.Properties {
		if !req[k] {
			rest = append(rest, k+"?")
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

func writeMessage(w *strings.Builder, m groqwire.ChatMessage) {
	text := ""
	if m.Content != nil {
		if m.Content.Parts == nil {
			text = m.Content.Text
		} else {
			var parts []string
			for _, p := range m.Content.Parts {
				switch p.Type {
				case "text":
					parts = append(parts, p.Text)
				case "image_url":
					u := ""
					if p.ImageURL != nil {
						u = p.ImageURL.URL
					}
					parts = append(parts, "[image "+oneLine(u, 60)+"]")
				default:
					parts = append(parts, "["+p.Type+"]")
				}
			}
			text = strings.Join(parts, " ")
		}
	}
	switch m.Role {
	case "tool":
		writeText(w, "tool result ["+m.ToolCallID+"]", text)
	default:
		if m.Reasoning != nil && *m.Reasoning != "" {
			writeText(w, m.Role+" reasoning", *m.Reasoning)
		}
		if text != "" || len(m.ToolCalls) == 0 {
			writeText(w, m.Role, text)
		}
		for _, tc := range m.ToolCalls {
			fmt.Fprintf(w, "  %s calls %s(%s) [%s]\n", m.Role, tc.Function.Name, oneLine(tc.Function.Arguments, 200), tc.ID)
		}
	}
}

// writeText writes "  label: text", continuation lines indented under it.
func writeText(w *strings.Builder, label, text string) {
	text = strings.TrimRight(text, "\n")
	lines := strings.Split(text, "\n")
	fmt.Fprintf(w, "  %s: %s\n", label, lines[0])
	pad := "      "
	for _, l := range lines[1:] {
		fmt.Fprintf(w, "%s%s\n", pad, l)
	}
}

// inspectResponse writes an interaction's response: an answer of the
// other APIs (kind) by their own view, a chat completion (chat) or a
// stream of chunks by Groq's, anything else as its media type and bytes.
func inspectResponse(w *strings.Builder, i *cassettes.Interaction, chat bool, kind apiKind) {
	if i.Response.Code == 0 && i.Response.Status == "" && i.Response.Body == "" && len(i.Response.Headers) == 0 {
		fmt.Fprintln(w, "  -> no response recorded")
		return
	}
	status := i.Response.Status
	if i.Response.Code == 0 {
		status = "no status code " + strconv.Quote(status)
	} else if status == "" {
		status = strconv.Itoa(i.Response.Code)
	} else if !strings.HasPrefix(status, strconv.Itoa(i.Response.Code)) {
		status = strconv.Itoa(i.Response.Code) + " " + status
	}
	fmt.Fprintf(w, "  -> %s, headers after %s\n", status, secs(i.Response.Duration))
	if e := i.Response.Headers.Get(httpbody.StreamErrorHeader); e != "" {
		fmt.Fprintf(w, "  the body broke off while recording: %s\n", oneLine(e, 200))
	}
	body := i.Response.Body
	switch {
	case httpbody.IsSSE(i.Response.Headers) && kind.other():
		inspectProviderStream(w, kind, body)
	case httpbody.IsSSE(i.Response.Headers):
		inspectStream(w, body)
	case i.Response.Code >= 400:
		var e groqwire.ErrorResponse
		if json.Unmarshal([]byte(body), &e) == nil && e.Error.Message != "" {
			msg := e.Error.Message
			if e.Error.Type != "" || e.Error.Code != "" {
				msg += " (" + strings.Trim(e.Error.Type+", "+string(e.Error.Code), ", ") + ")"
			}
			writeText(w, "error", msg)
			if e.Error.FailedGeneration != nil {
				writeText(w, "failed generation", *e.Error.FailedGeneration)
			}
		} else {
			writeText(w, "error body", oneLine(body, 300))
		}
	case kind.other() && body != "":
		writeAnswer(w, kind, viewAnswer(kind, body, false))
	case chat:
		var cc groqwire.ChatCompletion
		if err := json.Unmarshal([]byte(body), &cc); err != nil {
			fmt.Fprintf(w, "  body (not a chat completion): %s\n", oneLine(body, 200))
			return
		}
		if len(cc.Choices) > 0 {
			ch := cc.Choices[0]
			m := ch.Message
			if m.Reasoning != nil && *m.Reasoning != "" {
				writeText(w, "reasoning", *m.Reasoning)
			}
			if m.Content != nil && *m.Content != "" {
				writeText(w, "text", *m.Content)
			}
			for _, tc := range m.ToolCalls {
				fmt.Fprintf(w, "  tool call: %s(%s) [%s]\n", tc.Function.Name, oneLine(tc.Function.Arguments, 200), tc.ID)
			}
			fmt.Fprintf(w, "  finish: %s\n", ch.FinishReason)
		}
		writeUsage(w, cc.Usage)
	case body == "":
		fmt.Fprintf(w, "  body: empty\n")
	default:
		fmt.Fprintf(w, "  body: %s, %s: %s\n", orNone(httpbody.MediaType(i.Response.Headers), "no content type"), plural(len(body), "byte"), excerpt(body, 200))
	}
}

// inspectStream joins a recorded stream's text and tool calls and sums up
// its timing.
func inspectStream(w *strings.Builder, body string) {
	evs, err := httpbody.SplitSSE(body)
	if err != nil {
		fmt.Fprintf(w, "  stream: cannot split: %s\n", oneLine(err.Error(), 200))
		return
	}
	v := viewStream(body)
	if v.reasoning != "" {
		writeText(w, "reasoning", v.reasoning)
	}
	if v.text != "" {
		writeText(w, "text", v.text)
	}
	for _, c := range v.calls {
		fmt.Fprintf(w, "  tool call: %s(%s) [%s]\n", c.ToolName, oneLine(c.Args, 200), c.ToolCallID)
	}
	if v.finish != "" {
		fmt.Fprintf(w, "  finish: %s\n", v.finish)
	}
	if v.err != "" {
		writeText(w, "stream error", oneLine(v.err, 300))
	}
	writeUsage(w, v.usage)
	end := "ends with [DONE]"
	if !v.done {
		end = "no [DONE]"
	}
	writeStreamTiming(w, evs, end)
}

// writeStreamTiming sums up a stream's events and their timing; end says
// how the stream ended.
func writeStreamTiming(w *strings.Builder, evs []httpbody.Event, end string) {
	timed := 0
	var first, last, gap time.Duration
	var prev time.Duration
	for _, ev := range evs {
		if !ev.HasOffset {
			continue
		}
		if timed == 0 {
			first = ev.Offset
		} else if g := ev.Offset - prev; g > gap {
			gap = g
		}
		prev, last = ev.Offset, ev.Offset
		timed++
	}
	if timed == 0 {
		fmt.Fprintf(w, "  stream: %s, %s, no timing recorded\n", plural(len(evs), "event"), end)
		return
	}
	fmt.Fprintf(w, "  stream: %s, %s; first after %s, last after %s, longest gap %s\n",
		plural(len(evs), "event"), end, secs(first), secs(last), secs(gap))
}

func writeUsage(w *strings.Builder, u *groqwire.Usage) {
	if u == nil {
		return
	}
	fmt.Fprintf(w, "  usage: %d tokens in, %d out, %d total", u.PromptTokens, u.CompletionTokens, u.TotalTokens)
	if u.TotalTime != 0 || u.QueueTime != 0 {
		fmt.Fprintf(w, "; queue %s, prompt %s, completion %s", fsecs(u.QueueTime), fsecs(u.PromptTime), fsecs(u.CompletionTime))
	}
	fmt.Fprintln(w)
}

func secs(d time.Duration) string { return fsecs(d.Seconds()) }

func fsecs(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) + "s" }

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// excerpt returns the first n bytes of a stored body (already scrubbed),
// quoted so that it stays on one line, cut at a character boundary.
func excerpt(body string, n int) string {
	if len(body) <= n {
		return strconv.Quote(body)
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return strconv.Quote(body[:cut]) + " (the first " + plural(cut, "byte") + ")"
}
