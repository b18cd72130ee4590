package groq

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/llmvcr/llmvcr/internal/clock"
	"github.com/llmvcr/llmvcr/internal/textcut"
	"github.com/llmvcr/llmvcr/llm"
)

// Clock tells the time (Now() time.Time) and waits (Sleep(ctx, d) error,
// returning ctx.Err() when ctx is done first). The model waits between
// retries and measures stream idle time through it, so tests can replace it
// and never sleep. It is the one clock interface of llmvcr (replay.Clock is
// the same type): a *fakeclock.Clock serves both.
type Clock = clock.Clock

type realClock = clock.Real

// idleTimer is the timer of a stream's idle timeout: a *lazyTimer, or a
// *time.Timer, which has the same methods and meaning.
type idleTimer interface {
	Reset(d time.Duration) bool
	Stop() bool
}

// defaultTransport is http.DefaultTransport with connecting bounded by
// connect, as groq-python's httpx.Timeout(60, connect=5). A DefaultTransport
// that is not an *http.Transport (replaced by the program) is used as is.
func defaultTransport(connect time.Duration) http.RoundTripper {
	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t := dt.Clone()
	t.DialContext = (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext
	return t
}

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 4 << 20

// send makes the HTTP request, retrying as groq-python does: on connection
// errors and timeouts, 408, 409, 429 and 5xx, unless x-should-retry
// says otherwise; waiting retry-after-ms or retry-after when it asks for
// more than 0 and at most the cap, else an exponential backoff with jitter.
// A stream whose headers arrived is not retried.
// The body is sent afresh on every attempt and every failed response is
// closed. accept, when not nil, reads a successful response before it is
// returned (a plain request reads its body there, a stream its first
// event), under the attempt's timeout; its error counts as a failed
// attempt. On success the caller owns the response and must call the
// returned release func when done with it.
func (m *Model) send(ctx context.Context, method, path string, body []byte, s *Settings, how delivery, accept func(*http.Response) error) (*http.Response, func(), error) {
	timeout := m.attemptTimeout(s)
	for attempt := 0; ; attempt++ {
		a := newAttempt(ctx, timeout)
		resp, err := m.attempt(a.ctx, method, path, body, s, how, attempt)
		streamErr := false // an error inside a stream's 200 body
		if err == nil && accept != nil {
			if err = accept(resp); err != nil {
				resp.Body.Close()
				streamErr = how == deliverStream
			}
		}
		if err == nil && how == deliverStream && !a.stopTimer() {
			resp.Body.Close()
			err = context.DeadlineExceeded // the timeout fired as the first event arrived
			streamErr = true
		}
		if err == nil {
			return resp, a.release, nil
		}
		a.release()
		err = m.explain(a, err)
		// groq-python returns a stream once its headers arrive, so nothing
		// in the body (an error event before the first chunk, a cut) is
		// retried; a replayed recording of one gives the recorded error.
		if ctx.Err() != nil || attempt >= m.maxRetries || streamErr {
			return nil, nil, err
		}
		delay, retry := m.retryDelay(err, attempt)
		if !retry {
			return nil, nil, err
		}
		if serr := m.clock.Sleep(ctx, delay); serr != nil {
			return nil, nil, m.apiError("waiting to retry", serr)
		}
	}
}

// attemptTimeout is Settings.Timeout when above 0, else the model's.
func (m *Model) attemptTimeout(s *Settings) time.Duration {
	if s != nil && s.Timeout > 0 {
		return s.Timeout
	}
	return m.timeout
}

// attemptCtx is the context of one attempt, cancelled when its timeout
// fires.
type attemptCtx struct {
	ctx     context.Context
	cancel  context.CancelFunc
	timer   *time.Timer
	timeout time.Duration
	fired   atomic.Bool
}

func newAttempt(parent context.Context, timeout time.Duration) *attemptCtx {
	a := &attemptCtx{timeout: timeout}
	a.ctx, a.cancel = context.WithCancel(parent)
	if timeout > 0 {
		a.timer = time.AfterFunc(timeout, func() {
			a.fired.Store(true)
			a.cancel()
		})
	}
	return a
}

// stopTimer stops the timeout; false means it had already fired.
func (a *attemptCtx) stopTimer() bool {
	return a.timer == nil || a.timer.Stop()
}

// release stops the timer and cancels the attempt's context.
func (a *attemptCtx) release() {
	if a.timer != nil {
		a.timer.Stop()
	}
	a.cancel()
}

// explain turns the error of an attempt whose timeout fired into a timeout
// error (Timeout() reports true; it is retried like a connection error).
func (m *Model) explain(a *attemptCtx, err error) error {
	if !a.fired.Load() || a.ctx.Err() == nil {
		return err
	}
	var he *llm.ModelHTTPError
	if errors.As(err, &he) {
		return err // the answer arrived whole; the timer fired after
	}
	return &llm.ModelAPIError{ModelName: m.name, Message: fmt.Sprintf("request to %s timed out after %s", m.displayURL, a.timeout),
		Err: fmt.Errorf("timed out after %s: %w", a.timeout, context.DeadlineExceeded)}
}

// attempt makes one request. It returns a *llm.ModelHTTPError for a status
// of 400 or more and a *llm.ModelAPIError when no usable answer came.
func (m *Model) attempt(ctx context.Context, method, path string, body []byte, s *Settings, how delivery, attempt int) (*http.Response, error) {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, m.baseURL+path, reader)
	if err != nil {
		return nil, &llm.UserError{Message: "groq: bad base URL " + m.displayURL}
	}
	m.setHeaders(req, s, how, attempt)
	resp, err := m.client.Do(req)
	if err != nil {
		return nil, m.apiError("connection to "+m.displayURL+" failed", err)
	}
	m.noteRateLimits(resp.Header)
	if resp.StatusCode >= 400 {
		// A body that cannot be read whole still leaves the status: an
		// error of the class the status says, with what arrived.
		raw, _ := readAll(resp.Body, maxErrorBody)
		resp.Body.Close()
		he := httpError(resp.StatusCode, m.name, raw, resp.Header, m.clock.Now())
		if path == chatPath { // the model asked for is m.name
			he.SuggestedModelID = modelNotFoundSuggestion(m.name, raw)
		}
		return nil, he
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		resp.Body.Close()
		return nil, &llm.ModelAPIError{ModelName: m.name, Message: fmt.Sprintf("unexpected HTTP status %d", resp.StatusCode)}
	}
	return resp, nil
}

// setHeaders sets the auth, content and user-agent headers, then the
// caller's extra headers (which may replace the user agent).
func (m *Model) setHeaders(req *http.Request, s *Settings, how delivery, attempt int) {
	h := req.Header
	if req.Body != nil {
		h.Set("Content-Type", "application/json")
	}
	if how == deliverStream {
		h.Set("Accept", "text/event-stream")
	} else {
		h.Set("Accept", "application/json")
	}
	h.Set("User-Agent", userAgent)
	if attempt > 0 {
		h.Set("X-Retry-Count", strconv.Itoa(attempt))
	}
	if m.apiKey != "" {
		h.Set("Authorization", "Bearer "+m.apiKey)
	}
	if s != nil {
		for k, v := range s.ExtraHeaders {
			h.Set(k, v)
		}
	}
}

// retryDelay says whether err is worth retrying and after how long, as
// groq-python's _should_retry and _calculate_retry_timeout decide.
func (m *Model) retryDelay(err error, attempt int) (time.Duration, bool) {
	var he *llm.ModelHTTPError
	if errors.As(err, &he) {
		if !shouldRetry(he.StatusCode, he.Header) {
			return 0, false
		}
		if d, ok := retryAfter(he.Header, m.clock.Now()); ok && d > 0 && d <= m.retryWaitCap {
			return d, true
		}
	} else {
		var ae *llm.ModelAPIError
		if !errors.As(err, &ae) || ae.Err == nil || !retryable(ae.Err) {
			return 0, false
		}
	}
	return m.backoff(attempt), true
}

// retryable reports whether a transport error may go away on a second try:
// true unless the error says otherwise with a Retryable() bool method (a
// replay session with no recording for the request, for instance), so a
// miss fails at once rather than after the backoff.
func retryable(err error) bool {
	var r interface{ Retryable() bool }
	return !errors.As(err, &r) || r.Retryable()
}

// shouldRetry is groq-python's _should_retry (src/groq/_base_client.py): an
// x-should-retry header of exactly "true" or "false" decides (its values
// joined with ", ", as httpx reads a repeated header, so "True" or a
// repeated header decide nothing); otherwise 408, 409, 429 and 5xx are
// retried. 498 (flex capacity) is not: the SDK does not retry it, and a
// replayed recording of it must give the recorded error.
func shouldRetry(status int, h http.Header) bool {
	if vs := h.Values("X-Should-Retry"); len(vs) > 0 {
		switch strings.Join(vs, ", ") {
		case "true":
			return true
		case "false":
			return false
		}
	}
	return status == 408 || status == 409 || status == 429 || status >= 500
}

// retryAfter is groq-python's _parse_retry_after_header: retry-after-ms
// when it is a number (milliseconds, negative included), else retry-after
// as seconds, else as an HTTP date measured from now. The caller honours
// it when it is above 0 and at most the cap.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if vs := h.Values("Retry-After-Ms"); len(vs) > 0 {
		if ms, ok := pyFloat(strings.Join(vs, ", ")); ok {
			return floatSeconds(ms / 1000), true
		}
	}
	vs := h.Values("Retry-After")
	if len(vs) == 0 {
		return 0, false
	}
	v := strings.Join(vs, ", ")
	if sec, ok := pyFloat(v); ok {
		return floatSeconds(sec), true
	}
	if t, ok := parseHTTPDate(v); ok {
		return t.Sub(now), true
	}
	return 0, false
}

// pyFloat parses s as Python's float() does for the values a header holds:
// surrounding spaces allowed, no hexadecimal.
func pyFloat(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "xXpP") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// floatSeconds converts seconds to a Duration, saturating (and mapping NaN
// to a negative value, which is never honoured).
func floatSeconds(sec float64) time.Duration {
	switch {
	case math.IsNaN(sec):
		return -1
	case sec*float64(time.Second) >= math.MaxInt64:
		return math.MaxInt64
	case sec*float64(time.Second) <= math.MinInt64:
		return math.MinInt64
	}
	return time.Duration(sec * float64(time.Second))
}

// backoff is min(0.5s·2^attempt, 8s), less up to 25% of jitter.
func (m *Model) backoff(attempt int) time.Duration {
	d := float64(initialRetryDelay) * math.Pow(2, float64(attempt))
	d = math.Min(d, float64(maxRetryDelay))
	return time.Duration(d * (1 - 0.25*m.jitter()))
}

func (m *Model) apiError(what string, err error) *llm.ModelAPIError {
	return &llm.ModelAPIError{ModelName: m.name, Message: what + ": " + err.Error(), Err: err}
}

// maxResponseBody bounds a successful response body: far above any real
// completion (executed tools with base64 charts included), low enough that
// a broken server cannot make the model hold gigabytes.
const maxResponseBody = 64 << 20

// maxKeptBody bounds the body an UnexpectedModelBehavior keeps.
const maxKeptBody = 64 << 10

// errBodyTooLarge is the cause of a response over maxResponseBody.
var errBodyTooLarge = fmt.Errorf("response body larger than %d MiB", maxResponseBody>>20)

// readBody reads a successful response body, failing past maxResponseBody.
func readBody(r io.Reader) ([]byte, error) {
	b, err := readAll(r, maxResponseBody+1)
	if err == nil && len(b) > maxResponseBody {
		return nil, errBodyTooLarge
	}
	return b, err
}

// bodyError maps a failure to read a successful body: too large is the
// server's fault (not retried); anything else is a connection problem.
func (m *Model) bodyError(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errBodyTooLarge):
		return &llm.UnexpectedModelBehavior{Message: "groq: " + what + ": " + err.Error(), Err: err}
	}
	return m.apiError(what, err)
}

// clip returns at most maxKeptBody bytes of b, marked when cut.
func clip(b []byte) string { return textcut.Clip(string(b), maxKeptBody) }

// readAll reads r, up to limit bytes when limit > 0 (the rest is left).
func readAll(r io.Reader, limit int64) ([]byte, error) {
	if limit > 0 {
		r = io.LimitReader(r, limit)
	}
	return io.ReadAll(r)
}

// RateLimits are Groq's x-ratelimit-* headers: requests per day and tokens
// per minute, with what remains and when each resets.
type RateLimits struct {
	LimitRequests     int           // x-ratelimit-limit-requests (per day)
	RemainingRequests int           // x-ratelimit-remaining-requests
	ResetRequests     time.Duration // x-ratelimit-reset-requests, e.g. "2m59.56s"
	LimitTokens       int           // x-ratelimit-limit-tokens (per minute)
	RemainingTokens   int           // x-ratelimit-remaining-tokens
	ResetTokens       time.Duration // x-ratelimit-reset-tokens, e.g. "7.66s"
}

// IsZero reports whether no rate-limit header was present.
func (r RateLimits) IsZero() bool { return r == RateLimits{} }

// parseRateLimits reads the x-ratelimit-* headers; absent or unreadable
// ones stay zero.
func parseRateLimits(h http.Header) RateLimits {
	num := func(k string) int {
		n, _ := strconv.Atoi(strings.TrimSpace(h.Get(k)))
		return n
	}
	dur := func(k string) time.Duration {
		v := strings.TrimSpace(h.Get(k))
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
		if s, err := strconv.ParseFloat(v, 64); err == nil {
			return time.Duration(s * float64(time.Second))
		}
		return 0
	}
	return RateLimits{
		LimitRequests:     num("X-Ratelimit-Limit-Requests"),
		RemainingRequests: num("X-Ratelimit-Remaining-Requests"),
		ResetRequests:     dur("X-Ratelimit-Reset-Requests"),
		LimitTokens:       num("X-Ratelimit-Limit-Tokens"),
		RemainingTokens:   num("X-Ratelimit-Remaining-Tokens"),
		ResetTokens:       dur("X-Ratelimit-Reset-Tokens"),
	}
}
