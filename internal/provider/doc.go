// Package provider is the machinery that model implementations share
// (groq, fakes/fakemodel, cmd/record): the parts manager that turns
// streamed deltas into llm parts and events, the text a tool return or a
// retry prompt is sent as, tool-choice resolution, and settings merging.
// Users never call it; they see its results through llm.Model.
package provider
