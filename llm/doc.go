// Package llm is the provider-neutral vocabulary of llmvcr: the messages of a
// conversation and their parts, settings, tool definitions, request
// parameters, usage, stream events, errors and the [Model] interface.
//
// It is modelled on pydantic-ai's messages so that users of either recognise
// the other. It makes no HTTP calls; providers such as package groq map these
// types to and from their wire formats.
//
// A conversation is short to write:
//
//	msgs := []llm.Message{
//		llm.NewRequest(llm.System("Be concise."), llm.User("What is the capital of France?")),
//	}
//	resp, err := model.Request(ctx, msgs, &llm.Settings{Temperature: llm.Ptr(0.0)}, nil)
//	fmt.Println(resp.Text())
//
// Constructors cover every part: request parts [System], [User],
// [UserParts] (text, images, other media), [ToolReturn], [RetryTool],
// [RetryText], [RetryErrors]; response parts [Reply] (a TextPart),
// [ToolCall] and [Thought] (a ThinkingPart), for writing what a model
// answered in an expected value; [NewRequest] and [NewResponse] wrap them
// in messages. Settings use pointers where zero is a real value: [Ptr]
// makes one (llm.Ptr(0.0) for a temperature of 0).
//
// Streams: [StreamedResponse] yields [PartStartEvent], [PartDeltaEvent] and
// [PartEndEvent]. Errors: [*ModelHTTPError] (with the delay the server
// asked for in [ModelHTTPError.RetryAfter]), [*ModelAPIError],
// [*UnexpectedModelBehavior], [*UserError], all found with errors.As.
//
// llm is vocabulary only: it makes no HTTP calls and imports no net
// package. The machinery providers share (turning deltas into parts, the
// text a tool return is sent as, tool-choice resolution) is internal.
package llm
