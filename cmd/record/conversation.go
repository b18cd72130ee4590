package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

// conversation drives one recorded conversation: user turns, and the tool
// calls of each answered with canned results until the model answers with
// text.
type conversation struct {
	model    *groq.Model
	system   string
	tools    []toolSpec
	maxSteps int       // requests per user turn
	out      io.Writer // the answer's text, as it arrives
	log      io.Writer // notes on tool calls

	msgs     []llm.Message
	usage    llm.Usage
	requests int
}

// turn sends one user prompt and follows the tool calls it leads to.
func (c *conversation) turn(ctx context.Context, prompt string, settings *groq.Settings, stream bool) error {
	var parts []llm.RequestPart
	if len(c.msgs) == 0 && c.system != "" {
		parts = append(parts, llm.System(c.system))
	}
	parts = append(parts, llm.User(prompt))
	c.msgs = append(c.msgs, llm.NewRequest(parts...))
	params := definitions(c.tools)
	var ms llm.ModelSettings
	if settings != nil {
		ms = settings
	}
	for step := 1; ; step++ {
		if step > c.maxSteps {
			return fmt.Errorf("the model still called tools after %s (raise -max-steps)", plural(c.maxSteps, "request"))
		}
		resp, err := c.send(ctx, ms, params, stream)
		if err != nil {
			return err
		}
		c.msgs = append(c.msgs, resp)
		c.usage.Add(resp.Usage)
		calls := resp.ToolCalls()
		if len(calls) == 0 {
			return nil
		}
		var returns []llm.RequestPart
		for _, call := range calls {
			returns = append(returns, c.answer(call))
		}
		c.msgs = append(c.msgs, llm.NewRequest(returns...))
	}
}

// send makes one request, printing its text as it arrives.
func (c *conversation) send(ctx context.Context, ms llm.ModelSettings, params *llm.RequestParams, stream bool) (*llm.Response, error) {
	c.requests++
	if !stream {
		resp, err := c.model.Request(ctx, c.msgs, ms, params)
		if err != nil {
			return nil, err
		}
		if t := strings.TrimLeft(resp.Text(), "\r\n"); t != "" {
			fmt.Fprint(c.out, t)
			if !strings.HasSuffix(t, "\n") {
				fmt.Fprintln(c.out)
			}
		}
		return resp, nil
	}
	sr, err := c.model.RequestStream(ctx, c.msgs, ms, params)
	if err != nil {
		return nil, err
	}
	defer sr.Close()
	last, started := "\n", false
	write := func(s string) {
		if !started {
			s = strings.TrimLeft(s, "\r\n") // the blank lines after a <think> block
		}
		if s != "" {
			fmt.Fprint(c.out, s)
			last, started = s, true
		}
	}
	for ev, err := range sr.Events() {
		if err != nil {
			if !strings.HasSuffix(last, "\n") {
				fmt.Fprintln(c.out)
			}
			return nil, err
		}
		switch e := ev.(type) {
		case llm.PartStartEvent:
			if t, ok := e.Part.(*llm.TextPart); ok {
				write(t.Content)
			}
		case llm.PartDeltaEvent:
			if d, ok := e.Delta.(llm.TextPartDelta); ok {
				write(d.ContentDelta)
			}
		}
	}
	if !strings.HasSuffix(last, "\n") {
		fmt.Fprintln(c.out)
	}
	resp := sr.Response()
	return resp, nil
}

// answer returns the canned result of a tool call: the tool's "result",
// a generic one when it has none, or a retry prompt for an unknown tool.
func (c *conversation) answer(call *llm.ToolCallPart) llm.RequestPart {
	for _, t := range c.tools {
		if t.Name != call.ToolName {
			continue
		}
		fmt.Fprintf(c.log, "record: the model called %s(%s); answering with a canned result\n", call.ToolName, oneLine(call.ArgsJSON(), 200))
		var content any = genericResult(t.Name)
		if len(t.Result) > 0 {
			var s string
			if err := json.Unmarshal(t.Result, &s); err == nil {
				content = s
			} else {
				content = t.Result
			}
		}
		return llm.ToolReturn(call.ToolName, call.ToolCallID, content)
	}
	fmt.Fprintf(c.log, "record: the model called %s, which is not offered; asking it to retry\n", oneLine(call.ToolName, 80))
	names := make([]string, len(c.tools))
	for n, t := range c.tools {
		names[n] = t.Name
	}
	return llm.RetryTool(call.ToolName, call.ToolCallID, fmt.Sprintf("Unknown tool name: %q. Available tools: %s", call.ToolName, strings.Join(names, ", ")))
}

// genericResult is what a tool without a "result" answers.
func genericResult(name string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"tool": name, "status": "ok", "note": "canned result from cmd/record"})
	return b
}

// oneLine returns s on one line, cut to at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
