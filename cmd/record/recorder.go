package main

import (
	"github.com/llmvcr/llmvcr/internal/httpbody"
)

// SourceHeader is the response header a recording made against the embedded
// fake carries, so that inspect (and a reviewer) can tell it from a real one.
// It starts with httpbody.HeaderPrefix, so replay never shows it to a client.
// Recording itself is replay.Recorder's.
const SourceHeader = httpbody.SourceHeader
