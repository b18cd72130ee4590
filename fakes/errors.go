package fakes

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// The ready-made errors below return (status, body, header) so that they
// can be passed straight to (*Groq).Error:
//
//	g.Error(fakes.RateLimitError(2 * time.Second))
//
// Their bodies copy Groq's where a real one was seen (tool_use_failed,
// model_not_found, invalid_api_key, rate_limit_exceeded); the others follow
// Groq's documented shape.

// ToolUseFailedError is Groq's 400 when the model's tool call did not match
// the tool's schema; failedGeneration is what the model wrote, e.g.
// `{"name": "get_weather", "arguments": {"foo": "bar"}}`.
func ToolUseFailedError(failedGeneration string) (int, groqwire.ErrorResponse, http.Header) {
	return http.StatusBadRequest, groqwire.ErrorResponse{Error: toolUseFailed(failedGeneration)}, nil
}

// toolUseFailed is the error object of a tool_use_failed error, for
// ToolUseFailedError and for an error frame inside a stream.
func toolUseFailed(failedGeneration string) groqwire.ErrorObject {
	return groqwire.ErrorObject{
		Message:          "Failed to call a function. Please adjust your prompt. See 'failed_generation' for more details.",
		Type:             "invalid_request_error",
		Code:             "tool_use_failed",
		FailedGeneration: &failedGeneration,
	}
}

// StreamError returns e as Groq sends it inside a stream: with
// status_code set. The error objects of the ready-made errors fit it:
//
//	_, failed, _ := fakes.ToolUseFailedError(generation)
//	g.Stream(chunks...).ErrorFrameAfter(2, fakes.StreamError(400, failed.Error))
func StreamError(status int, e groqwire.ErrorObject) groqwire.ErrorObject {
	e.StatusCode = status
	return e
}

// InvalidAPIKeyError is Groq's 401 for a missing or wrong API key.
func InvalidAPIKeyError() (int, groqwire.ErrorResponse, http.Header) {
	return http.StatusUnauthorized, groqwire.ErrorResponse{Error: groqwire.ErrorObject{
		Message: "Invalid API Key",
		Type:    "invalid_request_error",
		Code:    "invalid_api_key",
	}}, nil
}

// ModelNotFoundError is Groq's 404 for a model that does not exist.
func ModelNotFoundError(model string) (int, groqwire.ErrorResponse, http.Header) {
	return http.StatusNotFound, groqwire.ErrorResponse{Error: groqwire.ErrorObject{
		Message: fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", model),
		Type:    "invalid_request_error",
		Code:    "model_not_found",
	}}, nil
}

// requestTooLargeError is Groq's 413 when one request exceeds the tokens
// per minute allowed for the model.
func requestTooLargeError(model string, limit, requested int) (int, groqwire.ErrorResponse, http.Header) {
	return http.StatusRequestEntityTooLarge, groqwire.ErrorResponse{Error: groqwire.ErrorObject{
		Message: fmt.Sprintf("Request too large for model `%s` in organization `org_01fakefakefakefakefakefake` service tier `on_demand` "+
			"on tokens per minute (TPM): Limit %d, Requested %d, please reduce your message size and try again. "+
			"Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing", model, limit, requested),
		Type: "tokens",
		Code: "rate_limit_exceeded",
	}}, nil
}

// RateLimitError is Groq's 429 on the tokens-per-minute limit, asking the
// client to wait retryAfter: the body says "Please try again in ...", the
// retry-after header carries whole seconds (rounded up) and the
// x-ratelimit-* headers show the budget spent.
func RateLimitError(retryAfter time.Duration) (int, groqwire.ErrorResponse, http.Header) {
	const limit, used, requested = 12000, 11972, 4351
	h := limitsHeader(groq.RateLimits{
		LimitRequests: 1000, RemainingRequests: 987, ResetRequests: 18*time.Minute + 43*time.Second,
		LimitTokens: limit, RemainingTokens: 0, ResetTokens: retryAfter,
	})
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(retryAfter.Seconds()))))
	return http.StatusTooManyRequests, groqwire.ErrorResponse{Error: groqwire.ErrorObject{
		Message: fmt.Sprintf("Rate limit reached for model `%s` in organization `org_01fakefakefakefakefakefake` service tier `on_demand` "+
			"on tokens per minute (TPM): Limit %d, Used %d, Requested %d. Please try again in %s. "+
			"Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing",
			DefaultModel, limit, used, requested, retryAfter),
		Type: "tokens",
		Code: "rate_limit_exceeded",
	}}, h
}

// FlexCapacityError is Groq's custom 498: the flex service tier is at
// capacity and the request was not processed.
func FlexCapacityError() (int, groqwire.ErrorResponse, http.Header) {
	return 498, groqwire.ErrorResponse{Error: groqwire.ErrorObject{
		Message: "Capacity exceeded for the flex service tier. Please try again later or use a different service tier.",
		Type:    "capacity_exceeded",
		Code:    "capacity_exceeded",
	}}, nil
}

// InternalServerError is a 500.
func InternalServerError() (int, groqwire.ErrorResponse, http.Header) {
	return http.StatusInternalServerError, groqwire.ErrorResponse{Error: groqwire.ErrorObject{
		Message: "Internal Server Error",
		Type:    "internal_server_error",
	}}, nil
}

// ServiceUnavailableError is a 503: Groq over capacity.
func ServiceUnavailableError() (int, groqwire.ErrorResponse, http.Header) {
	return http.StatusServiceUnavailable, groqwire.ErrorResponse{Error: groqwire.ErrorObject{
		Message: "Service Unavailable",
		Type:    "internal_server_error",
		Code:    "service_unavailable",
	}}, nil
}

// defaultRateLimits returns the limits of Groq's free tier for
// llama-3.3-70b-versatile: 1,000 requests a day, 12,000 tokens a minute.
func defaultRateLimits() groq.RateLimits {
	return groq.RateLimits{LimitRequests: 1000, RemainingRequests: 1000, LimitTokens: 12000, RemainingTokens: 12000}
}

// limitsHeader returns the six x-ratelimit-* headers of r, as Groq writes
// them (groq.Model.RateLimits reads them back).
func limitsHeader(r groq.RateLimits) http.Header {
	h := http.Header{}
	h.Set("X-Ratelimit-Limit-Requests", strconv.Itoa(r.LimitRequests))
	h.Set("X-Ratelimit-Limit-Tokens", strconv.Itoa(r.LimitTokens))
	h.Set("X-Ratelimit-Remaining-Requests", strconv.Itoa(r.RemainingRequests))
	h.Set("X-Ratelimit-Remaining-Tokens", strconv.Itoa(r.RemainingTokens))
	h.Set("X-Ratelimit-Reset-Requests", r.ResetRequests.String())
	h.Set("X-Ratelimit-Reset-Tokens", r.ResetTokens.String())
	return h
}
