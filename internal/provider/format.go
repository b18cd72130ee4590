package provider

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/llmvcr/llmvcr/internal/jsonvalue"
	"github.com/llmvcr/llmvcr/llm"
)

// RetryText returns the text the model is sent for a retry prompt,
// worded as pydantic-ai words it:
//
//   - with validation errors: "N validation error(s):\n```json\n[...]\n```";
//     without a tool name, the input of errors whose location has at most
//     one element is left out;
//   - with plain feedback: the feedback for a tool, or "Validation
//     feedback:\n" + feedback for text output;
//
// followed in every case by "\n\nFix the errors and try again.".
func RetryText(p *llm.RetryPromptPart) string {
	var desc string
	if len(p.Errors) == 0 {
		if p.ToolName != "" {
			desc = p.Content
		} else {
			desc = "Validation feedback:\n" + p.Content
		}
	} else {
		plural := "s"
		if len(p.Errors) == 1 {
			plural = ""
		}
		desc = fmt.Sprintf("%d validation error%s:\n```json\n%s\n```", len(p.Errors), plural, errorsJSON(p))
	}
	return desc + "\n\nFix the errors and try again."
}

type jsonValidationError struct {
	Type  string `json:"type"`
	Loc   []any  `json:"loc"`
	Msg   string `json:"msg"`
	Input any    `json:"input,omitempty"`
}

// withInput is jsonValidationError with input always present (even null).
type withInput struct {
	Type  string `json:"type"`
	Loc   []any  `json:"loc"`
	Msg   string `json:"msg"`
	Input any    `json:"input"`
}

func errorsJSON(p *llm.RetryPromptPart) string {
	items := make([]any, len(p.Errors))
	for i, e := range p.Errors {
		loc := e.Loc
		if loc == nil {
			loc = []any{}
		}
		keepInput := e.HasInput && (p.ToolName != "" || len(e.Loc) > 1)
		if keepInput {
			items[i] = withInput{e.Type, loc, e.Msg, e.Input}
		} else {
			items[i] = jsonValidationError{Type: e.Type, Loc: loc, Msg: e.Msg}
		}
	}
	return marshalIndent(items)
}

// ToolReturnText returns a tool's result as the text sent to the model:
// a string as it is, nil as "", anything else as compact JSON.
func ToolReturnText(p *llm.ToolReturnPart) string {
	text, _ := ToolReturnContent(p)
	return text
}

// ToolReturnContent returns the text sent to the model for a tool
// return and the files (images, binary content) that must follow it in a
// user message. A file is referred to in the text as "See file ID." and
// each file comes with a "This is file ID:" text before it.
//
// A failed return is sent as {"error": text}, text being what a successful
// return of the same content would send (files are still sent after it).
// Content given as []UserContent is treated like the same items in an
// []any.
func ToolReturnContent(p *llm.ToolReturnPart) (string, []llm.UserContent) {
	content := p.Content
	if items, ok := content.([]llm.UserContent); ok {
		list := make([]any, len(items))
		for i, it := range items {
			list[i] = it
		}
		content = list
	}
	text, files := responseStrAndFiles(content)
	if p.Failed {
		text = valueString(map[string]any{"error": text})
	}
	return text, files
}

func responseStrAndFiles(content any) (string, []llm.UserContent) {
	var files []llm.UserContent
	var texts []string
	add := func(v any) {
		switch c := v.(type) {
		case *llm.ImageURL, *llm.BinaryContent, *llm.DocumentURL, *llm.AudioURL, *llm.VideoURL, *llm.UploadedFile:
			id := FileID(c.(llm.UserContent))
			texts = append(texts, fmt.Sprintf("See file %s.", id))
			files = append(files, llm.Text(fmt.Sprintf("This is file %s:", id)), c.(llm.UserContent))
		default:
			texts = append(texts, valueString(v))
		}
	}
	if items, ok := content.([]any); ok && containsFile(items) {
		for _, it := range items {
			add(it)
		}
	} else {
		add(content)
	}
	return strings.Join(texts, "\n"), files
}

func containsFile(items []any) bool {
	for _, it := range items {
		switch it.(type) {
		case *llm.ImageURL, *llm.BinaryContent, *llm.DocumentURL, *llm.AudioURL, *llm.VideoURL, *llm.UploadedFile:
			return true
		}
	}
	return false
}

func valueString(v any) string {
	switch c := v.(type) {
	case nil:
		return ""
	case string:
		return c
	case llm.Text:
		return string(c)
	case json.RawMessage:
		return string(c)
	}
	b, err := jsonvalue.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func marshalIndent(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// FileID returns the short id by which a tool return refers to a file:
// the content's own Identifier if set, otherwise the first 6 hex digits of
// the SHA-1 of its bytes (or of its URL).
func FileID(c llm.UserContent) string {
	var key []byte
	switch v := c.(type) {
	case *llm.BinaryContent:
		if v.Identifier != "" {
			return v.Identifier
		}
		key = v.Data
	case *llm.ImageURL:
		key = []byte(v.URL)
	case *llm.DocumentURL:
		key = []byte(v.URL)
	case *llm.AudioURL:
		key = []byte(v.URL)
	case *llm.VideoURL:
		key = []byte(v.URL)
	case *llm.UploadedFile:
		key = []byte(v.FileID)
	default:
		key = []byte(fmt.Sprint(c))
	}
	sum := sha1.Sum(key)
	return hex.EncodeToString(sum[:])[:6]
}
