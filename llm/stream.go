package llm

import "iter"

// StreamedResponse is a response that arrives in pieces.
//
// Events yields the part events as they arrive and ends with the stream;
// a non-nil error ends it early. Response returns what has arrived so far at
// any moment; after the last event it equals what a non-streamed request
// would have returned for the same content. Close stops the stream and
// releases the connection; it is safe to call more than once, before, during
// or after iteration.
type StreamedResponse interface {
	// Events yields the part events; it can be ranged over once.
	Events() iter.Seq2[Event, error]
	// Response returns a snapshot of the response built so far.
	Response() *Response
	// Usage returns the usage counted so far.
	Usage() Usage
	// Close stops the stream and releases its resources.
	Close() error
}

// Event is a stream event: PartStartEvent, PartDeltaEvent or PartEndEvent.
type Event interface {
	// eventKind returns "part_start", "part_delta" or "part_end".
	eventKind() string
}

// PartStartEvent says a new part begins at Index, with its first content.
type PartStartEvent struct {
	Index            int          // the part's index in Response().Parts
	Part             ResponsePart // the part as it starts
	PreviousPartKind string       // kind of the part before it; "" for the first
}

// eventKind returns "part_start".
func (PartStartEvent) eventKind() string { return "part_start" }

// PartDeltaEvent adds to the part at Index.
type PartDeltaEvent struct {
	Index int       // the part's index
	Delta PartDelta // what to add
}

// eventKind returns "part_delta".
func (PartDeltaEvent) eventKind() string { return "part_delta" }

// PartEndEvent says the part at Index is complete. Parts that arrive whole
// (built-in tool returns) have none.
type PartEndEvent struct {
	Index        int          // the part's index
	Part         ResponsePart // the part as it ends
	NextPartKind string       // kind of the next part; "" for the last
}

// eventKind returns "part_end".
func (PartEndEvent) eventKind() string { return "part_end" }

// PartDelta is a change to a part: TextPartDelta, ThinkingPartDelta or
// ToolCallPartDelta.
type PartDelta interface {
	// deltaKind returns "text", "thinking" or "tool_call".
	deltaKind() string
}

// TextPartDelta appends to a TextPart.
type TextPartDelta struct {
	ContentDelta string // text to append
}

// deltaKind returns "text".
func (TextPartDelta) deltaKind() string { return "text" }

// ThinkingPartDelta appends to a ThinkingPart.
type ThinkingPartDelta struct {
	ContentDelta   string // reasoning to append
	SignatureDelta string // signature to append
}

// deltaKind returns "thinking".
func (ThinkingPartDelta) deltaKind() string { return "thinking" }

// ToolCallPartDelta appends to a ToolCallPart.
type ToolCallPartDelta struct {
	ToolNameDelta string // name to append
	ArgsDelta     string // raw JSON arguments to append
	ToolCallID    string // the call's id, when it arrives
}

// deltaKind returns "tool_call".
func (ToolCallPartDelta) deltaKind() string { return "tool_call" }
