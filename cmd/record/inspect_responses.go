package main

import (
	"encoding/json"
	"strings"
)

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
