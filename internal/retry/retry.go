// Package retry names the contract between llmvcr's packages about
// whether a failed request may be sent again. cassettes and replay return
// errors that say no (a cassette miss gets the same answer on every try);
// groq's client asks before it retries. It is internal because only these
// packages implement and ask it: a user's own transport errors need
// nothing (they are retried, as any transport error is), and llm, the
// provider-neutral vocabulary, stays free of transport policy.
package retry

import "errors"

// Retryable is implemented by errors that know whether the request that
// failed may be sent again.
type Retryable interface {
	Retryable() bool
}

// Allowed reports whether err allows sending the request again: true
// unless an error in its chain implements Retryable and says false.
func Allowed(err error) bool {
	var r Retryable
	return !errors.As(err, &r) || r.Retryable()
}
