package main

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/internal/sse"
	"github.com/llmvcr/llmvcr/llm"
)

// streamView is what a recorded stream of Groq chunks adds up to, for
// inspect. The events are read by internal/sse, the decoder groq.Model
// reads streams with, and the deltas are put together by provider.PartsManager,
// the assembler groq.Model's streams use, under the same vendor ids.
// Unlike the model, it reads on past an error, so that inspect shows all
// that was recorded.
type streamView struct {
	reasoning string              // every reasoning delta, joined
	text      string              // every content delta, joined
	calls     []*llm.ToolCallPart // tool calls in order
	finish    string              // the last finish reason
	usage     *groqwire.Usage     // the last usage reported
	err       string              // the last error the stream carried
	done      bool                // data: [DONE] arrived
}

// viewStream reads a recorded SSE body (timing lines are comments to an
// SSE decoder).
func viewStream(body string) streamView {
	var v streamView
	var parts provider.PartsManager
	dec := sse.NewDecoder(strings.NewReader(body))
	for {
		ev, err := dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			v.err = err.Error()
			break
		}
		data := string(ev.Data)
		switch data {
		case "":
			continue
		case "[DONE]":
			v.done = true
			continue
		}
		var ch groqwire.ChatCompletionChunk
		if err := json.Unmarshal(ev.Data, &ch); err != nil {
			v.err = "an event that is not JSON: " + oneLine(data, 80)
			continue
		}
		if ch.Error != nil || ev.Type == "error" {
			v.err = data
			if ch.Error != nil {
				v.err = ch.Error.Message
			}
			continue
		}
		if ch.XGroq != nil && len(ch.XGroq.Error) > 0 {
			v.err = string(ch.XGroq.Error)
		}
		if ch.Usage != nil {
			v.usage = ch.Usage
		} else if ch.XGroq != nil && ch.XGroq.Usage != nil {
			v.usage = ch.XGroq.Usage
		}
		for _, c := range ch.Choices {
			d := c.Delta
			if d.Reasoning != nil {
				parts.ThinkingDelta("reasoning", *d.Reasoning, "")
			}
			if d.Content != nil {
				parts.TextDelta("content", *d.Content)
			}
			for k, tc := range d.ToolCalls {
				idx := k
				if tc.Index != nil {
					idx = *tc.Index
				}
				parts.ToolCallDelta(toolVendorID(idx), tc.Function.Name, tc.Function.Arguments, tc.ID)
			}
			if c.FinishReason != nil && *c.FinishReason != "" {
				v.finish = *c.FinishReason
			}
		}
	}
	parts.Finish()
	var reasoning, text strings.Builder
	for _, p := range parts.Parts() {
		switch p := p.(type) {
		case *llm.ThinkingPart:
			reasoning.WriteString(p.Content)
		case *llm.TextPart:
			text.WriteString(p.Content)
		case *llm.ToolCallPart:
			v.calls = append(v.calls, p)
		}
	}
	v.reasoning, v.text = reasoning.String(), text.String()
	return v
}

// toolVendorID is the parts manager's id of the tool call at index i, as
// groq.Model's stream names it.
func toolVendorID(i int) string { return "tool-" + strconv.Itoa(i) }
