package replay

import "github.com/llmvcr/llmvcr/internal/retry"

// replay's errors tell a retrying client (groq's) to stop: a replay
// mismatch or a session that has ended gives the same answer every time.
var (
	_ retry.Retryable = (*replayError)(nil)
	_ retry.Retryable = (*lateError)(nil)
)
