// Package groqwire holds Groq's JSON wire types for the chat completions
// and models APIs: the request body, the completion, the stream chunk and
// the error body, as groq-python types them, plus the fields Groq sends that
// the SDK does not type. Response types keep every field they do not know in
// Extra and write it back when marshalled, so nothing Groq sends is lost.
//
// The types are internal on purpose: users of llmvcr work with llm
// messages and responses and with JSON bodies, never with Groq's wire
// structs, so freezing some seventy wire names as API would buy them nothing.
// Package groq maps llm to these types and back; fakes builds its scripted
// answers from them; cmd/record, the benchmarks and the reliability tests
// read recordings with them. The few types a user sets in groq.Settings
// (Document, DocumentSource, CompoundCustom and its parts, WolframSettings,
// SearchSettings) are declared here, because the request holds them, and
// named in package groq by aliases.
package groqwire
