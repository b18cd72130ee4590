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
//	resp, err := model.Request(ctx, msgs, nil, nil)
//	fmt.Println(resp.Text())
package llm
