package fakes

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llmvcr/llmvcr/internal/fakeanswer"
	"github.com/llmvcr/llmvcr/internal/fakeid"
	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// defaultAnswer is what the server answers a chat request nobody scripted,
// with WithDefaultAnswers (whose doc says what it answers).
func (g *Groq) defaultAnswer(req *Request) *Answer {
	if req.Chat == nil {
		msg := "failed to parse request body"
		if req.DecodeErr != nil {
			msg += ": " + req.DecodeErr.Error()
		}
		return errorAnswer(http.StatusBadRequest, groqwire.ErrorResponse{Error: groqwire.ErrorObject{Message: msg, Type: "invalid_request_error"}}, nil)
	}
	if a := g.validate(req.Chat); a != nil {
		return a
	}
	plan := g.planAnswer(req.Chat)
	opts := []BuildOption{
		Model(req.Chat.Model),
		withCreated(g.clock.Now().Unix()),
		idSeed(fmt.Sprintf("%d\x00%d\x00%s", g.seed, req.Index, req.Body)),
		withPromptTokens(promptTokens(req.Chat)),
	}
	if plan.finish != "" {
		opts = append(opts, withFinish(plan.finish))
	}
	if !req.Chat.Stream {
		msg := groqwire.ChatCompletionMessage{Role: "assistant"}
		if len(plan.calls) == 0 || plan.text != "" {
			msg.Content = ptr(plan.text)
		}
		if plan.reasoning != "" {
			msg.Reasoning = ptr(plan.reasoning)
		}
		if len(plan.calls) > 0 {
			msg.ToolCalls = wireCalls(req.Chat.Model, fakeid.New(string(req.Body), strconv.Itoa(req.Index)), plan.calls, false)
		}
		c := buildCompletion(msg, opts...)
		a := newAnswer(kindJSON, "default reply")
		a.body = mustJSON(c)
		if g.paced && c.Usage != nil {
			a.first = seconds(c.Usage.QueueTime + c.Usage.TotalTime)
		}
		return a
	}
	b := NewChunks(opts...)
	if plan.reasoning != "" {
		b.Reasoning(splitWords(plan.reasoning)...)
	}
	if plan.text != "" {
		b.Text(streamPieces(plan.text)...)
	}
	for _, c := range plan.calls {
		b.ToolCall(c)
	}
	if so := req.Chat.StreamOptions; so != nil && so.IncludeUsage {
		b.opts = append(b.opts, withUsageShape(usageExtraChunk))
	}
	chunks := b.Chunks()
	a := newAnswer(kindStream, "default stream")
	for _, c := range chunks {
		a.frames = append(a.frames, mustJSONFrame(c))
	}
	a.frames = append(a.frames, []byte(doneFrame))
	if u := chunks[len(chunks)-1].Usage; g.paced && u != nil {
		// Groq's time to first token, then its tokens spread evenly.
		a.first = seconds(u.QueueTime + u.PromptTime)
		a.between = seconds(u.CompletionTime / float64(len(a.frames)-1))
	}
	return a
}

// plan is what the default answer sends.
type plan struct {
	text      string
	reasoning string
	calls     []Call
	finish    string // "" for the builder's default
}

// planAnswer decides the default answer to r (fakeanswer), then applies
// what Groq would: stop sequences, max tokens and the model's way of
// reasoning.
func (g *Groq) planAnswer(r *groqwire.ChatCompletionRequest) plan {
	a := fakeanswer.For(r, g.seed)
	p := plan{text: a.Text, reasoning: a.Reasoning}
	for _, c := range a.Calls {
		p.calls = append(p.calls, Call{Name: c.Name, Args: c.Arguments})
	}
	p.text = applyStop(p.text, r.Stop)
	if limit := maxTokens(r); limit > 0 && len(p.calls) == 0 {
		words := splitWords(p.text)
		keep := max(int(float64(limit)/1.3), 1)
		if keep < len(words) {
			p.text = strings.Join(words[:keep], "")
			p.finish = "length"
		}
	}
	p.reasoning, p.text = reasoningFor(r, p.reasoning, p.text)
	return p
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// validate returns Groq's error for a request Groq would refuse, or nil.
func (g *Groq) validate(r *groqwire.ChatCompletionRequest) *Answer {
	bad := func(msg string) *Answer {
		return errorAnswer(http.StatusBadRequest, groqwire.ErrorResponse{Error: groqwire.ErrorObject{Message: msg, Type: "invalid_request_error"}}, nil)
	}
	switch {
	case r.Model == "":
		return bad("'model' : property 'model' is missing")
	case len(r.Messages) == 0:
		return bad("'messages' : minimum number of items is 1")
	case r.N != nil && *r.N != 1:
		return bad("'n' : number must be at most 1")
	}
	for _, m := range g.models {
		if m.ID == r.Model {
			return nil
		}
	}
	return errorAnswer(ModelNotFoundError(r.Model))
}

// promptTokens estimates the prompt's tokens: the chat template's overhead,
// a few per message, the words of each, and the tool definitions.
func promptTokens(r *groqwire.ChatCompletionRequest) int {
	n := 36
	for _, m := range r.Messages {
		n += 4 + estimateTokens(fakeanswer.ContentText(m.Content))
		for _, tc := range m.ToolCalls {
			n += 4 + len(tc.Function.Arguments)/4
		}
	}
	for _, t := range r.Tools {
		n += 10 + len(t.Function.Parameters)/4 + estimateTokens(t.Function.Description)
	}
	return n
}

func maxTokens(r *groqwire.ChatCompletionRequest) int {
	if r.MaxCompletionTokens != nil {
		return *r.MaxCompletionTokens
	}
	if r.MaxTokens != nil {
		return *r.MaxTokens
	}
	return 0
}

func applyStop(text string, stop []string) string {
	for _, s := range stop {
		if s == "" {
			continue
		}
		if i := strings.Index(text, s); i >= 0 {
			text = text[:i]
		}
	}
	return text
}

// reasoningFor returns the reasoning field and content as the model would
// send them: gpt-oss reasons in the reasoning field unless hidden; qwen3
// reasons in <think> tags in the content (format raw, the default without
// tools or JSON), in the field (parsed), or not at all (hidden, or effort
// "none"); other models do not reason.
func reasoningFor(r *groqwire.ChatCompletionRequest, reasoning, text string) (string, string) {
	hidden := r.ReasoningFormat == "hidden" || (r.IncludeReasoning != nil && !*r.IncludeReasoning)
	switch {
	case strings.Contains(r.Model, "gpt-oss"):
		if hidden {
			return "", text
		}
		return reasoning, text
	case strings.Contains(r.Model, "qwen3"):
		if hidden || r.ReasoningEffort == "none" {
			return "", text
		}
		format := r.ReasoningFormat
		if format == "" {
			format = "raw"
			if len(r.Tools) > 0 || r.ResponseFormat != nil {
				format = "parsed"
			}
		}
		if format == "raw" {
			return "", "<think>\n" + reasoning + "\n</think>\n\n" + text
		}
		return reasoning, text
	}
	return "", text
}

// mustJSONFrame is the data event of a chunk this package built.
func mustJSONFrame(c *groqwire.ChatCompletionChunk) []byte { return dataFrame(mustJSON(c)) }

// streamPieces splits text as Groq streams it: word by word, with qwen3's
// <think> and </think> tags as pieces of their own.
func streamPieces(text string) []string {
	rest, ok := strings.CutPrefix(text, "<think>")
	if !ok {
		return splitWords(text)
	}
	reasoning, answer, ok := strings.Cut(rest, "</think>")
	if !ok {
		return splitWords(text)
	}
	pieces := []string{"<think>"}
	pieces = append(pieces, splitWords(reasoning)...)
	pieces = append(pieces, "</think>")
	return append(pieces, splitWords(answer)...)
}
