package groq

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llmvcr/llmvcr/llm"
)

// httpError builds the error for an HTTP status of 400 or more, reading
// the server's retry delay from h with now taken from the model's clock.
func httpError(status int, modelName string, body []byte, h http.Header, now time.Time) *llm.ModelHTTPError {
	he := &llm.ModelHTTPError{StatusCode: status, ModelName: modelName, Body: body, Header: h}
	if d, ok := parseRetryAfter(h, now); ok {
		he.RetryDelay = &d
	}
	return he
}

// parseRetryAfter reads retry-after-ms, then retry-after (seconds or an
// HTTP date, measured from now), for llm.ModelHTTPError.RetryAfter. It
// reports false when neither is present and valid; a date in the past
// gives 0 and true. (The retry loop reads the headers as groq-python does,
// with retryAfter.)
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
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
