package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ModelHTTPError is an HTTP response with a status of 400 or more.
type ModelHTTPError struct {
	StatusCode int         // the HTTP status
	ModelName  string      // the model that was asked
	Body       []byte      // the response body, raw
	Header     http.Header // the response headers
	// SuggestedModelID is a close known model id ("groq:llama-3.3-70b-versatile")
	// when the provider said the model does not exist, as pydantic-ai's
	// suggested_model_id; "" otherwise.
	SuggestedModelID string
}

// maxErrorBody bounds how much of a body Error prints.
const maxErrorBody = 2000

// Error returns "status_code: N, model_name: M, body: B", the body cut at
// 2000 bytes, followed by ". Did you mean 'ID'?" when there is a
// suggested model id.
func (e *ModelHTTPError) Error() string {
	body := string(e.Body)
	if len(body) > maxErrorBody {
		body = fmt.Sprintf("%s... (%d more bytes)", body[:maxErrorBody], len(body)-maxErrorBody)
	}
	msg := fmt.Sprintf("status_code: %d, model_name: %s, body: %s", e.StatusCode, e.ModelName, body)
	if e.SuggestedModelID != "" {
		msg += ". Did you mean '" + e.SuggestedModelID + "'?"
	}
	return msg
}

// RetryAfter returns how long the server asked the caller to wait, from
// the retry-after-ms header (milliseconds) or the retry-after header
// (seconds, or an HTTP date), and whether it asked at all.
func (e *ModelHTTPError) RetryAfter() (time.Duration, bool) {
	return ParseRetryAfter(e.Header, time.Now())
}

// ParseRetryAfter reads retry-after-ms, then retry-after (seconds or an
// HTTP date, measured from now). It reports false when neither is present
// and valid; a date in the past gives 0 and true.
func ParseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
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
}

// Error returns the message.
func (e *UserError) Error() string { return e.Message }
