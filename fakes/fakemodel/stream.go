package fakemodel

import (
	"context"
	"iter"
	"strconv"
	"sync"

	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/llm"
)

// Delta is one item a FunctionModel's stream function yields: TextDelta,
// ThinkingDelta, ToolCallDelta or PartDelta.
type Delta interface{ isDelta() }

// TextDelta appends text to the response's text.
type TextDelta string

// ThinkingDelta appends to the response's thinking.
type ThinkingDelta struct {
	Content   string // reasoning text to append
	Signature string // signature to append
}

// ToolCallDelta adds to the tool call at Index: a name fragment, an
// arguments fragment and the call's id, any of which may be empty. The call
// starts once its name is known.
type ToolCallDelta struct {
	Index int    // which call
	Name  string // name fragment
	Args  string // raw JSON arguments fragment
	ID    string // the call's id, when it arrives
}

// PartDelta adds a whole part at once (a built-in tool call or return, a
// complete tool call).
type PartDelta struct{ Part llm.ResponsePart }

func (TextDelta) isDelta()     {}
func (ThinkingDelta) isDelta() {}
func (ToolCallDelta) isDelta() {}
func (PartDelta) isDelta()     {}

// streamed is the llm.StreamedResponse of the fake models: it turns deltas
// into events through a provider.PartsManager.
type streamed struct {
	ctx      context.Context
	cancel   context.CancelFunc
	source   iter.Seq2[Delta, error]
	messages []llm.Message // for the usage estimate
	usage    *llm.Usage    // fixed usage; nil to estimate
	meta     llm.Response  // everything but Parts and Usage

	mu       sync.Mutex
	pm       provider.PartsManager
	consumed bool
	items    int // deltas received
	thinking int // vendor id counter for thinking parts
	lastKind string
}

func newStreamed(ctx context.Context, messages []llm.Message, meta llm.Response, source iter.Seq2[Delta, error]) *streamed {
	ctx, cancel := context.WithCancel(ctx)
	return &streamed{ctx: ctx, cancel: cancel, source: source, messages: messages, meta: meta}
}

// errNoItems is pydantic-ai's "Stream function must return at least one
// item".
var errNoItems = &llm.UnexpectedModelBehavior{Message: "fakemodel: the stream function yielded no delta"}

// Events yields the part events as the deltas arrive.
func (s *streamed) Events() iter.Seq2[llm.Event, error] {
	return func(yield func(llm.Event, error) bool) {
		s.mu.Lock()
		if s.consumed {
			s.mu.Unlock()
			yield(nil, &llm.UserError{Message: "fakemodel: the events of a stream can be ranged over once"})
			return
		}
		s.consumed = true
		s.mu.Unlock()
		defer s.cancel()
		for d, err := range s.source {
			if cerr := s.ctx.Err(); cerr != nil {
				yield(nil, cerr)
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			for _, ev := range s.apply(d) {
				if !yield(ev, nil) {
					return
				}
			}
		}
		if cerr := s.ctx.Err(); cerr != nil {
			yield(nil, cerr)
			return
		}
		s.mu.Lock()
		n := s.items
		s.mu.Unlock()
		if n == 0 {
			yield(nil, errNoItems)
			return
		}
		for _, ev := range s.finish() {
			if !yield(ev, nil) {
				return
			}
		}
	}
}

// apply feeds one delta to the parts manager and returns a copy of its
// events.
func (s *streamed) apply(d Delta) []llm.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items++
	var evs []llm.Event
	switch d := d.(type) {
	case TextDelta:
		evs = s.pm.TextDelta("content", string(d))
		s.lastKind = "text"
	case ThinkingDelta:
		if s.lastKind != "thinking" {
			s.thinking++
		}
		evs = s.pm.ThinkingDelta("thinking-"+strconv.Itoa(s.thinking), d.Content, d.Signature)
		s.lastKind = "thinking"
	case ToolCallDelta:
		evs = s.pm.ToolCallDelta("tool-"+strconv.Itoa(d.Index), d.Name, d.Args, d.ID)
		s.lastKind = "tool"
	case PartDelta:
		evs = s.pm.Part("", d.Part)
		s.lastKind = "part"
	}
	return append([]llm.Event(nil), evs...)
}

func (s *streamed) finish() []llm.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]llm.Event(nil), s.pm.Finish()...)
}

// Response returns the response built so far.
func (s *streamed) Response() *llm.Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.meta
	r.Parts = s.pm.Parts()
	r.Usage = s.usageLocked(&r)
	return &r
}

// Usage returns the usage so far: the estimate, unless fixed.
func (s *streamed) Usage() llm.Usage {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.meta
	r.Parts = s.pm.Parts()
	return s.usageLocked(&r)
}

func (s *streamed) usageLocked(r *llm.Response) llm.Usage {
	if s.usage != nil {
		return *s.usage
	}
	return estimateUsage(s.messages, r)
}

// Close stops the stream; the source sees its context cancelled.
func (s *streamed) Close() error {
	s.cancel()
	return nil
}
