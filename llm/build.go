package llm

import "time"

// NewRequest returns a request made of parts, stamped with the current time.
func NewRequest(parts ...RequestPart) *Request {
	return &Request{Parts: parts, Timestamp: time.Now()}
}

// NewResponse returns a response made of parts, stamped with the current time.
func NewResponse(parts ...ResponsePart) *Response {
	return &Response{Parts: parts, Timestamp: time.Now()}
}

// System returns a system prompt part.
func System(text string) *SystemPromptPart { return &SystemPromptPart{Content: text} }

// User returns a user prompt made of one text, sent as a plain string.
func User(text string) *UserPromptPart { return &UserPromptPart{Content: []UserContent{Text(text)}} }

// UserParts returns a user prompt made of items (Text, *ImageURL,
// *BinaryContent and other media), always sent as a list.
func UserParts(items ...UserContent) *UserPromptPart {
	return &UserPromptPart{Content: items, List: true}
}

// ToolReturn returns the result of the tool call callID to tool name.
func ToolReturn(name, callID string, content any) *ToolReturnPart {
	return &ToolReturnPart{ToolName: name, ToolCallID: callID, Content: content}
}

// RetryTool asks the model to call tool name again, with feedback.
func RetryTool(name, callID, feedback string) *RetryPromptPart {
	return &RetryPromptPart{ToolName: name, ToolCallID: callID, Content: feedback}
}

// RetryText asks the model to answer again, with feedback on its text.
func RetryText(feedback string) *RetryPromptPart { return &RetryPromptPart{Content: feedback} }

// RetryErrors asks the model to call tool name again because its arguments
// failed validation; name "" means the text output failed.
func RetryErrors(name, callID string, errs ...ValidationError) *RetryPromptPart {
	return &RetryPromptPart{ToolName: name, ToolCallID: callID, Errors: errs}
}

// Reply returns a text part, as a model would answer.
func Reply(text string) *TextPart { return &TextPart{Content: text} }

// ToolCall returns a tool call part with raw JSON args.
func ToolCall(name, args, callID string) *ToolCallPart {
	return &ToolCallPart{ToolName: name, Args: args, ToolCallID: callID}
}

// Thought returns a thinking part.
func Thought(text string) *ThinkingPart { return &ThinkingPart{Content: text} }
