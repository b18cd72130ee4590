package main

import (
	"encoding/json"
	"strings"
)

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
