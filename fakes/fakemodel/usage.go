package fakemodel

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/llm"
)

// tokenSplit is where pydantic-ai's estimate splits text into "tokens".
var tokenSplit = regexp.MustCompile(`[\s",.:]+`)

// estimateStringTokens counts the pieces of s split on whitespace, quotes,
// commas, full stops and colons, as pydantic-ai does (a trailing separator
// counts one more piece); "" is 0.
func estimateStringTokens(s string) int {
	if s == "" {
		return 0
	}
	return len(tokenSplit.Split(strings.TrimSpace(s), -1))
}

// estimateUsage returns pydantic-ai's rough estimate for a conversation
// that ends with response: 50 tokens of overhead plus the words of every
// request part as input, and the words of every response part in the
// conversation as output (a tool call counts 1 plus its arguments). It is
// meant only to give plausible numbers in tests. Requests is 1.
func estimateUsage(messages []llm.Message, response *llm.Response) llm.Usage {
	u := llm.Usage{Requests: 1, InputTokens: 50}
	for _, m := range messages {
		switch m := m.(type) {
		case *llm.Request:
			u.InputTokens += requestTokens(m)
		case *llm.Response:
			u.OutputTokens += responseTokens(m.Parts)
		}
	}
	if response != nil {
		u.OutputTokens += responseTokens(response.Parts)
	}
	return u
}

func requestTokens(r *llm.Request) int {
	n := 0
	for _, p := range r.Parts {
		switch p := p.(type) {
		case *llm.SystemPromptPart:
			n += estimateStringTokens(p.Content)
		case *llm.UserPromptPart:
			for _, c := range p.Content {
				switch c := c.(type) {
				case llm.Text:
					n += estimateStringTokens(string(c))
				case *llm.BinaryContent:
					n += len(c.Data)
				}
			}
		case *llm.ToolReturnPart:
			n += estimateStringTokens(provider.ToolReturnText(p))
		case *llm.RetryPromptPart:
			n += estimateStringTokens(provider.RetryText(p))
		}
	}
	return n
}

func responseTokens(parts []llm.ResponsePart) int {
	n := 0
	for _, p := range parts {
		switch p := p.(type) {
		case *llm.TextPart:
			n += estimateStringTokens(p.Content)
		case *llm.ThinkingPart:
			n += estimateStringTokens(p.Content)
		case *llm.ToolCallPart:
			n += 1 + estimateStringTokens(p.ArgsJSON())
		case *llm.BuiltinToolCallPart:
			n += 1 + estimateStringTokens(p.Args)
		case *llm.BuiltinToolReturnPart:
			b, err := json.Marshal(p.Content)
			if err != nil {
				b = []byte(fmt.Sprint(p.Content))
			}
			n += 1 + estimateStringTokens(string(b))
		}
	}
	return n
}
