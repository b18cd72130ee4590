package llm

// Kind returns the kind of v as pydantic-ai names it: "request" or
// "response" for a Message; "system-prompt", "user-prompt", "tool-return",
// "retry-prompt", "text", "tool-call", "thinking", "builtin-tool-call" or
// "builtin-tool-return" for a part; "text", "image-url", "binary",
// "document-url", "audio-url", "video-url" or "uploaded-file" for user
// content; "part_start", "part_delta" or "part_end" for an Event; "text",
// "thinking" or "tool_call" for a PartDelta; the tool's name for a
// NativeTool. Anything else, nil included, gives "".
func Kind(v any) string {
	switch x := v.(type) {
	case Message:
		return x.messageKind()
	case RequestPart:
		return x.partKind()
	case ResponsePart:
		return x.partKind()
	case Event:
		return x.eventKind()
	case PartDelta:
		return x.deltaKind()
	case UserContent:
		return x.contentKind()
	case NativeTool:
		return x.NativeToolKind()
	}
	return ""
}
