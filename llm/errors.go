package llm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/llmvcr/llmvcr/internal/textcut"
)

// ModelHTTPError is an HTTP response with a status of 400 or more.
type ModelHTTPError struct {
	StatusCode int                 // the HTTP status
	ModelName  string              // the model that was asked
	Body       []byte              // the response body, raw
	Header     map[string][]string // the response headers, keys canonical as in net/http (convert to http.Header for Get)
	// SuggestedModelID is a close known model id ("groq:llama-3.3-70b-versatile")
	// when the provider said the model does not exist, as pydantic-ai's
	// suggested_model_id; "" otherwise.
	SuggestedModelID string
	// RetryDelay is how long the server asked the caller to wait before
	// retrying, as the provider read it from the response headers
	// (retry-after-ms, or retry-after in seconds or as an HTTP date measured
	// by the model's clock when the response arrived); nil when it did not
	// ask. RetryAfter reports it.
	RetryDelay *time.Duration
}

// maxErrorBody bounds how much of a body Error prints.
const maxErrorBody = 2000

// Error returns "status_code: N, model_name: M, body: B", the body cut at
// 2000 bytes, followed by ". Did you mean 'ID'?" when there is a
// suggested model id.
func (e *ModelHTTPError) Error() string {
	body := textcut.Clip(string(e.Body), maxErrorBody)
	msg := fmt.Sprintf("status_code: %d, model_name: %s, body: %s", e.StatusCode, e.ModelName, body)
	if e.SuggestedModelID != "" {
		msg += ". Did you mean '" + e.SuggestedModelID + "'?"
	}
	return msg
}

// RetryAfter returns how long the server asked the caller to wait (see
// RetryDelay), and whether it asked at all.
func (e *ModelHTTPError) RetryAfter() (time.Duration, bool) {
	if e.RetryDelay == nil {
		return 0, false
	}
	return *e.RetryDelay, true
}

// ModelAPIError is a failure to get an HTTP answer at all (connection
// refused, reset, timeout) or an unexpected status below 400.
type ModelAPIError struct {
	ModelName string // the model that was asked
	Message   string // what went wrong
	Err       error  // the cause, if any
}

// Error returns "model_name: M, message: ...".
func (e *ModelAPIError) Error() string {
	return fmt.Sprintf("model_name: %s, message: %s", e.ModelName, e.Message)
}

// Unwrap returns the cause.
func (e *ModelAPIError) Unwrap() error { return e.Err }

// Timeout reports whether the cause was a timeout or an expired deadline.
func (e *ModelAPIError) Timeout() bool {
	var te interface{ Timeout() bool }
	return errors.Is(e.Err, context.DeadlineExceeded) || (errors.As(e.Err, &te) && te.Timeout())
}

// UnexpectedModelBehavior is a response the model should never have sent:
// an empty stream, a body that does not decode.
type UnexpectedModelBehavior struct {
	Message string // what was wrong
	Body    string // the offending body or chunk, if any
	Err     error  // the cause, if any
}

// Error returns the message, followed by the body when there is one.
func (e *UnexpectedModelBehavior) Error() string {
	if e.Body == "" {
		return e.Message
	}
	body := e.Body
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody] + "..."
	}
	return e.Message + ", body:\n" + body
}

// Unwrap returns the cause.
func (e *UnexpectedModelBehavior) Unwrap() error { return e.Err }

// UserError is a mistake in how a model was called or configured: a
// missing API key, content the provider does not accept, an invalid tool
// choice. Retrying does not help.
type UserError struct {
	Message string // what is wrong and how to fix it
	Err     error  // the cause, if any
}

// Error returns the message.
func (e *UserError) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *UserError) Unwrap() error { return e.Err }
