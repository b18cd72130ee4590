// Package groq is a Groq chat model for llmvcr: the mapping between llm
// messages and Groq's chat completions wire format (as pydantic-ai's
// GroqModel does it), and an HTTP client over a swappable
// http.RoundTripper with retries and rate-limit headers.
//
// Against Groq, with GROQ_API_KEY set:
//
//	model, err := groq.NewModel("llama-3.3-70b-versatile")
//	resp, err := model.Request(ctx, []llm.Message{llm.NewRequest(llm.User("Hi"))}, nil, nil)
//
// Against a cassette or a fake, no key is needed:
//
//	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(session.Client()))
//
// # Requests
//
// [Model.Request] posts to {base}/openai/v1/chat/completions and returns an
// *llm.Response; [Model.RequestStream] returns the answer as part events.
// Settings may be *llm.Settings or *groq.Settings (reasoning format and
// effort, service tier, search settings). [BuildRequest] returns the JSON
// body Request would send, without sending it, for tests of the mapping.
// Tool-call ids the caller left empty are derived from their place in the
// conversation, so the same conversation always produces the same body and
// replays match.
//
// # Wire types
//
// Groq's JSON wire types (the request body, the completion, the stream
// chunk, the error body, with the unknown fields they keep) are internal
// (internal/groqwire): a user works with llm messages, llm responses and
// stream events, and with JSON bodies ([BuildRequest], cassettes), never
// with the wire structs, and freezing some seventy wire names as API before
// the first release would buy nothing. The types a Settings field holds
// ([Document], [DocumentSource], [CompoundCustom] and its parts,
// [WolframSettings], [SearchSettings]) are part of the request body, so they
// are declared with the wire types and named here by aliases, as are the
// response values a test reads from ProviderDetails (below); no other wire
// type is. What Groq sends beyond llm's fields lands in
// llm.Response.ProviderDetails: "rate_limits" is a [RateLimits]; the
// citations ("annotations", an []Annotation), token log probabilities
// ("logprobs", an []TokenLogprob), cache counters ("x_groq_usage", an
// XGroqUsage), per-model usage ("usage_breakdown", a UsageBreakdown) and MCP
// tool lists ("mcp_list_tools", an []MCPListTool) are the wire values, named
// here by aliases so a test can type-assert them; they marshal to exactly
// the JSON Groq sent.
//
// # Errors and retries
//
// A status of 400 or more is an *llm.ModelHTTPError (raw body and headers
// kept; [IsModelNotFound] recognises a 404 model_not_found); no answer at
// all is an *llm.ModelAPIError; a body that is not what Groq sends is an
// *llm.UnexpectedModelBehavior. A tool_use_failed error (any status) becomes a response
// holding the failed generation with finish reason "error" and, as in
// pydantic-ai, no raw finish reason nor provider details, so a tool loop
// can answer it; a failed tool call gets its (deterministic) id at once, and
// the next request sends that id. Retries follow groq-python
// (src/groq/_base_client.py), so a replayed recording of an error gives that
// error, not an extra request: connection errors, timeouts, 408, 409, 429
// and 5xx are retried twice by default ([WithMaxRetries]); 498 is not; an
// x-should-retry header of exactly "true" or "false" decides first;
// retry-after-ms or retry-after is honoured when above 0 and up to a cap
// ([WithRetryWaitCap]), else exponential backoff with jitter, on a [Clock]
// tests can replace.
//
// Each attempt times out after 60s by default ([WithTimeout],
// Settings.Timeout), as groq-python: a plain request as a whole, a stream
// until its first event and then between two events (an idle timeout, so a
// long answer that keeps coming never times out). A model that makes its own
// HTTP client also bounds connecting by 5s. A timeout is an
// *llm.ModelAPIError whose Timeout() is true.
// After every response, errors included, [Model.RateLimits] holds Groq's
// x-ratelimit-* headers. An *llm.ModelHTTPError's RetryAfter gives the
// delay a 429 or 503 asked for, measured by the model's [Clock].
//
// # Streams
//
// A stream's Events end after data: [DONE]; a body that ends without it
// (cleanly or not) or breaks mid-event is an *llm.ModelAPIError wrapping
// io.ErrUnexpectedEOF, as a cut connection is, and Response still holds
// what arrived. Successful bodies are read up to 64 MiB; a larger one is an
// *llm.UnexpectedModelBehavior.
// Errors inside a 200 stream become *llm.ModelHTTPError with the status
// the payload names, x_groq.error a [*StreamError]. A stream's HTTP status
// is retried like Request's; once its headers arrive nothing is retried (an
// error event before the first chunk included), as groq-python.
//
// # Remote MCP servers
//
// [MCPServerTool] in llm.RequestParams.NativeTools asks Groq to connect to
// a remote MCP server itself. It is sent as Groq documents the "mcp" tool
// for chat completions (console.groq.com/docs/mcp, sections "MCP Tool
// Structure" and "Using MCP with Chat Completions API"; groq-python 1.6.0
// types no MCP tool, its ChatCompletionToolParam.type being an open
// string): server_label and server_url required (https only), headers,
// server_description, require_approval ("never", Groq's default, or
// "always") and allowed_tools when set. A missing label or URL, a URL that
// is not https, an unknown approval mode, a malformed header and two
// servers of one label are *llm.UserError before anything is sent; no
// message quotes a header value or the URL's path and query. Header values
// named as credentials (Authorization, X-Api-Key, Api-Key, X-Auth-Token,
// ...) are redacted in recorded cassettes.
//
// What Groq returns: the top-level mcp_list_tools (groq-python's
// ChatCompletion.mcp_list_tools) is ProviderDetails["mcp_list_tools"], a
// []MCPListTool, from a whole completion and, when a chunk carries it at
// its top level or in x_groq, from a stream. A call Groq made on the
// server is an executed tool; Groq does not document its chat-completions
// shape, so one of type "mcp" (the request tool's type) or "mcp_call" (the
// Responses API item's) becomes a built-in call and return named and
// shaped as pydantic-ai's _map_mcp_call (models/openai.py:5590): tool
// "mcp_server:" + its server_label, args {"action": "call_tool",
// "tool_name", "tool_args"}, content {"output", "error"}. testdata/mcp
// holds the documented bodies and their sources.
//
// # Model names and cost
//
// A model_not_found error carries the closest known Groq model id in
// llm.ModelHTTPError.SuggestedModelID, and its message ends with
// ". Did you mean 'groq:...'?", as pydantic-ai's. [Cost] prices an
// llm.Usage with the Groq rows of genai-prices (embedded, with their
// version and date), as pydantic-ai's usage.cost.
//
// # Differences from pydantic-ai
//
// Deliberate, each with the pydantic-ai line (commit 4fda38988f29) it
// departs from:
//
//   - Tool-call ids that llmvcr makes (a failed generation's call, a call or
//     return sent without one) are derived from their place in the
//     conversation ("llmvcr_" and 32 hex digits), not random
//     (_utils.py:595 generate_tool_call_id, "pyd_ai_" and a uuid4), so the
//     same conversation sends the same bytes and a replay matches.
//   - A streamed tool_use_failed response has no finish reason in its
//     provider details, as pydantic-ai's, which hold {'timestamp': ...}
//     (models/groq.py GroqStreamedResponse, tests/models/test_groq.py:5565):
//     the time is llm.Response.ProviderTimestamp, and the Groq facts of the
//     chunks before the error (x_groq id, seed, fingerprint) are kept.
//   - Cost is a function, not a usage field (usage.py:130 RequestUsage.cost),
//     and its prices are the embedded snapshot: nothing is fetched at run
//     time (usage.py:11 genai_prices.data_snapshot, which may auto-update).
//   - Executed tools other than "search" become built-in call and return
//     parts whose content holds every result kind Groq sent (output,
//     search_results, code_results, browser_results); pydantic-ai drops them
//     (models/groq.py _map_executed_tool, "return None, None").
//   - A tool's strict is sent in its function object when the caller set
//     llm.ToolDefinition.Strict (true or false), on function and output
//     tools; pydantic-ai never sends it (models/groq.py:604
//     _map_tool_definition sends name, description and parameters only).
//     A nil Strict, the default, keeps pydantic-ai's bytes.
//   - MCPServerTool is sent, as Groq documents remote MCP for chat
//     completions; pydantic-ai's GroqModel refuses it (models/groq.py:538,
//     "is not supported by `GroqModel`"). Unlike pydantic-ai's OpenAI
//     Responses mapping, require_approval is sent only when set
//     (models/openai.py:2995 always sends "never", Groq's default), and the
//     server's token goes in Headers (Groq documents no authorization
//     field). MCP calls are mapped as pydantic-ai maps OpenAI's mcp_call;
//     the tool list stays in ProviderDetails rather than becoming a
//     call and return pair (models/openai.py:5570 _map_mcp_list_tools), as
//     Groq sends it beside the message, not among its outputs.
//   - Suggestions are made for the "groq:" namespace only; pydantic-ai's
//     gateway provider suggests "gateway/groq:" ids
//     (providers/gateway.py:179).
//   - Tool parameter and output schemas are sent as given. pydantic-ai
//     first runs them through the profile's json_schema_transformer
//     (models/__init__.py:581 customize_request_parameters: InlineDefs for
//     llama, meta-llama/ and qwen, OpenAI's strict transformer for openai/,
//     Google's for gemma) and, for native output, sends the transformer's
//     is_strict_compatible as json_schema.strict when OutputObject.strict
//     is None (models/__init__.py:1800 _customize_output_object); here a nil
//     llm.OutputObject.Strict is not sent. Pass the schema and Strict you
//     want on the wire.
//   - An error inside a 200 stream is an *llm.ModelHTTPError with the
//     status its payload names; pydantic-ai lets groq-python's APIError
//     escape unmapped (models/groq.py _map_api_errors catches only
//     APIStatusError and APIConnectionError), so there is no type to match.
//   - A chunk whose x_groq.error is set (groq-python's ChatCompletionChunk
//     XGroq.error, "why a stream was stopped early") ends the events with
//     a [*StreamError]; pydantic-ai does not read the field and ends the
//     stream as if it were complete.
//   - A tool_use_failed error that is a stream's very first event becomes
//     the failed generation, as one after chunks does; pydantic-ai peeks
//     the first chunk outside its APIError handler
//     (models/groq.py _process_streamed_response), so there it raises.
//   - A stream's usage is the last x_groq.usage, else a chunk's top-level
//     usage; pydantic-ai adds up x_groq.usage over chunks and ignores the
//     top-level one (models/groq.py _map_usage). Groq sends x_groq.usage
//     once, on the last chunk, so the two agree on Groq's streams.
//   - A streamed executed tool whose results arrive before any chunk
//     started it gets its call part, then its return part; pydantic-ai
//     yields the return part alone (models/groq.py _map_executed_tool with
//     streaming=True). Groq sends the call first.
//   - Each attempt of a whole (non-streamed) request is bounded by the
//     timeout as a whole; httpx's read timeout in groq-python
//     (_constants.py DEFAULT_TIMEOUT) bounds each read. A completion is
//     sent once generated, so both wait the same for it.
package groq
