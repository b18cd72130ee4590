package groq

import "github.com/llmvcr/llmvcr/internal/groqwire"

// The values Groq sends beyond llm's fields, as they land in
// llm.Response.ProviderDetails, so a test can type-assert and compare them:
//
//	citations := resp.ProviderDetails["annotations"].([]groq.Annotation)
//
// They are declared with the wire types (internal/groqwire), which keep
// every field Groq sends, and named here by aliases.
type (
	// Annotation is one citation, ProviderDetails["annotations"] being an
	// []Annotation: Type "document_citation" (a document of the request,
	// by id) or "function_citation" (a tool call's result, by call id),
	// over the content's characters [StartIndex, EndIndex).
	Annotation = groqwire.Annotation
	// DocumentCitation is an Annotation that cites a document of the
	// request (Settings.Documents).
	DocumentCitation = groqwire.DocumentCitation
	// FunctionCitation is an Annotation that cites a tool call's result.
	FunctionCitation = groqwire.FunctionCitation
	// TokenLogprob is one output token with its log probability, its
	// UTF-8 bytes and the likeliest alternatives;
	// ProviderDetails["logprobs"] is a []TokenLogprob when Settings asked
	// for logprobs.
	TokenLogprob = groqwire.TokenLogprob
	// TopLogprob is one alternative token at a position of a TokenLogprob.
	TopLogprob = groqwire.TopLogprob
	// XGroqUsage is ProviderDetails["x_groq_usage"]: a non-streamed
	// completion's prompt tokens served from Groq's DRAM and SRAM caches.
	XGroqUsage = groqwire.XGroqUsage
	// UsageBreakdown is ProviderDetails["usage_breakdown"]: the usage of
	// each model a compound system used.
	UsageBreakdown = groqwire.UsageBreakdown
	// MCPListTool lists the tools of one remote MCP server;
	// ProviderDetails["mcp_list_tools"] is an []MCPListTool.
	MCPListTool = groqwire.MCPListTool
)
