package provider

import (
	"github.com/llmvcr/llmvcr/llm"
	"strings"
	"unicode"
)

// PartsManager turns the deltas of a streamed response into response parts
// and the events that describe them, as pydantic-ai's parts manager does.
// Providers and fake models use it to implement StreamedResponse.
//
// Deltas are keyed by a vendor id chosen by the caller ("content",
// "reasoning-0", a tool call's index): a delta whose id names the part
// being built extends it; any other starts a new part. Starting a part ends
// the one before it, so the events read PartStart, PartDelta..., PartEnd,
// PartStart, ... (a built-in tool return, which has no deltas, has no
// PartEnd, as in pydantic-ai). A tool-call delta is the exception: it extends
// its call wherever that call stands, since providers may interleave calls.
//
// Text is accumulated in builders, so a stream of n deltas costs O(n), not
// O(n²), however often Parts is called.
//
// The slice of events a method returns is reused by the next call; copy it
// to keep it. A PartsManager is not safe for concurrent use.
type PartsManager struct {
	slots   []*slot                 // one per part, in order (pointers: a slot's builders must not be copied)
	vendor  map[string]int          // vendor id -> index in slots
	pending map[string]*pendingCall // tool calls waiting for their name, by vendor id
	events  []llm.Event             // reused by every method
	open    int                     // the part that has started and not ended, plus one; 0 for none

	// IgnoreLeadingWhitespace drops a whitespace-only text delta that would
	// start a new text part, as pydantic-ai's handle_text_delta does for
	// models whose profile sets ignore_streamed_leading_whitespace.
	IgnoreLeadingWhitespace bool
}

// slot is one part under construction.
type slot struct {
	part llm.ResponsePart // the part; its text fields are stale until sync
	text strings.Builder  // Content (text, thinking) or Args (tool call)
	name strings.Builder  // tool name, for tool calls
}

// sync copies the builders into the part's fields.
func (s *slot) sync() {
	switch p := s.part.(type) {
	case *llm.TextPart:
		p.Content = s.text.String()
	case *llm.ThinkingPart:
		p.Content = s.text.String()
	case *llm.ToolCallPart:
		p.ToolName = s.name.String()
		p.Args = s.text.String()
	}
}

// snapshot returns a copy of the part as it stands.
func (s *slot) snapshot() llm.ResponsePart {
	s.sync()
	return copyPart(s.part)
}

func copyPart(p llm.ResponsePart) llm.ResponsePart {
	switch v := p.(type) {
	case *llm.TextPart:
		c := *v
		return &c
	case *llm.ThinkingPart:
		c := *v
		return &c
	case *llm.ToolCallPart:
		c := *v
		return &c
	case *llm.BuiltinToolCallPart:
		c := *v
		return &c
	case *llm.BuiltinToolReturnPart:
		c := *v
		return &c
	}
	return p
}

// TextDelta appends content to the text part of vendorID, starting one if
// that id names no text part or a part that has ended. Empty content adds
// nothing.
func (m *PartsManager) TextDelta(vendorID, content string) []llm.Event {
	m.events = m.events[:0]
	if content == "" {
		return m.events
	}
	if i, ok := m.current(vendorID); ok {
		if _, isText := m.slots[i].part.(*llm.TextPart); isText {
			m.slots[i].text.WriteString(content)
			m.events = append(m.events, llm.PartDeltaEvent{Index: i, Delta: llm.TextPartDelta{ContentDelta: content}})
			return m.events
		}
	}
	if m.IgnoreLeadingWhitespace && isSpace(content) {
		return m.events
	}
	s := m.add(vendorID, &llm.TextPart{})
	s.text.WriteString(content)
	m.start()
	return m.events
}

// isSpace is Python's str.isspace for a non-empty string: Unicode white
// space, and the separators U+001C to U+001F.
func isSpace(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && (r < 0x1c || r > 0x1f) {
			return false
		}
	}
	return true
}

// ThinkingDelta appends content and signature to the thinking part of
// vendorID, starting one if that id names no thinking part or a part that
// has ended; a new part may start empty.
func (m *PartsManager) ThinkingDelta(vendorID, content, signature string) []llm.Event {
	m.events = m.events[:0]
	if i, ok := m.current(vendorID); ok {
		if p, isThinking := m.slots[i].part.(*llm.ThinkingPart); isThinking {
			if content == "" && signature == "" {
				return m.events
			}
			m.slots[i].text.WriteString(content)
			p.Signature += signature
			m.events = append(m.events, llm.PartDeltaEvent{Index: i, Delta: llm.ThinkingPartDelta{ContentDelta: content, SignatureDelta: signature}})
			return m.events
		}
	}
	s := m.add(vendorID, &llm.ThinkingPart{Signature: signature})
	s.text.WriteString(content)
	m.start()
	return m.events
}

// ToolCallDelta adds to the tool call of vendorID (for Groq, the call's
// index): a name fragment, an arguments fragment and the call's id, any of
// which may be empty. The call becomes a part, with its PartStartEvent, once
// its name is known; later fragments become PartDeltaEvents.
func (m *PartsManager) ToolCallDelta(vendorID, name, args, callID string) []llm.Event {
	m.events = m.events[:0]
	if i, ok := m.vendor[vendorID]; ok && isToolCall(m.slots[i].part) {
		s := m.slots[i]
		s.name.WriteString(name)
		s.text.WriteString(args)
		if callID != "" {
			s.part.(*llm.ToolCallPart).ToolCallID = callID
		}
		if name != "" || args != "" || callID != "" {
			m.events = append(m.events, llm.PartDeltaEvent{Index: i, Delta: llm.ToolCallPartDelta{ToolNameDelta: name, ArgsDelta: args, ToolCallID: callID}})
		}
		return m.events
	}
	p := m.pending[vendorID]
	if p == nil {
		if m.pending == nil {
			m.pending = map[string]*pendingCall{}
		}
		p = &pendingCall{}
		m.pending[vendorID] = p
	}
	p.name += name
	p.args += args
	if callID != "" {
		p.id = callID
	}
	if p.name == "" {
		return m.events
	}
	delete(m.pending, vendorID)
	s := m.add(vendorID, &llm.ToolCallPart{ToolCallID: p.id})
	s.name.WriteString(p.name)
	s.text.WriteString(p.args)
	m.start()
	return m.events
}

// pendingCall is a tool call whose name has not arrived yet.
type pendingCall struct{ name, args, id string }

func isToolCall(p llm.ResponsePart) bool {
	_, ok := p.(*llm.ToolCallPart)
	return ok
}

// Part adds a whole part at once (a built-in tool call or return, a tool
// call that arrived complete), under vendorID; "" for none.
func (m *PartsManager) Part(vendorID string, part llm.ResponsePart) []llm.Event {
	m.events = m.events[:0]
	part = copyPart(part)
	s := m.add(vendorID, part)
	switch p := part.(type) {
	case *llm.TextPart:
		s.text.WriteString(p.Content)
	case *llm.ThinkingPart:
		s.text.WriteString(p.Content)
	case *llm.ToolCallPart:
		s.name.WriteString(p.ToolName)
		s.text.WriteString(p.Args)
	}
	m.start()
	return m.events
}

// Forget makes the next delta under vendorID start a new part.
func (m *PartsManager) Forget(vendorID string) { delete(m.vendor, vendorID) }

// Finish ends the last part; call it once the stream is over. Calling it
// again does nothing.
func (m *PartsManager) Finish() []llm.Event {
	m.events = m.events[:0]
	m.end("")
	return m.events
}

// Parts returns a copy of the parts built so far, without tool calls whose
// name has not arrived yet.
func (m *PartsManager) Parts() []llm.ResponsePart {
	out := make([]llm.ResponsePart, len(m.slots))
	for i := range m.slots {
		out[i] = m.slots[i].snapshot()
	}
	return out
}

// current returns the slot of vendorID if it is the open part.
func (m *PartsManager) current(vendorID string) (int, bool) {
	i, ok := m.vendor[vendorID]
	if !ok || i != m.open-1 {
		return 0, false
	}
	return i, true
}

// add appends a slot for part, registered under vendorID.
func (m *PartsManager) add(vendorID string, part llm.ResponsePart) *slot {
	m.slots = append(m.slots, &slot{part: part})
	if vendorID != "" {
		if m.vendor == nil {
			m.vendor = map[string]int{}
		}
		m.vendor[vendorID] = len(m.slots) - 1
	}
	return m.slots[len(m.slots)-1]
}

// start emits the end of the open part and the start of the newest slot.
func (m *PartsManager) start() {
	i := len(m.slots) - 1
	kind := llm.Kind(m.slots[i].part)
	prevKind := ""
	if i > 0 {
		prevKind = llm.Kind(m.slots[i-1].part)
	}
	m.end(kind)
	m.open = i + 1
	m.events = append(m.events, llm.PartStartEvent{Index: i, Part: m.slots[i].snapshot(), PreviousPartKind: prevKind})
}

// end emits the PartEndEvent of the open part, if any; next is the kind of
// the part that follows it. As pydantic-ai's StreamedResponse
// (models/__init__.py, iterator_with_part_end), only parts that take
// deltas end: text, thinking, tool calls and built-in tool calls; a
// built-in tool return arrives whole and has no end event.
func (m *PartsManager) end(next string) {
	if m.open == 0 {
		return
	}
	i := m.open - 1
	m.open = 0
	switch m.slots[i].part.(type) {
	case *llm.TextPart, *llm.ThinkingPart, *llm.ToolCallPart, *llm.BuiltinToolCallPart:
		m.events = append(m.events, llm.PartEndEvent{Index: i, Part: m.slots[i].snapshot(), NextPartKind: next})
	}
}
