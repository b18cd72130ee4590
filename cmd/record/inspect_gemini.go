package main

import (
	"bytes"
	"encoding/json"
	"strings"
)

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
