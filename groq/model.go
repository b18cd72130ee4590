package groq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/llm"
)

// DefaultBaseURL is where requests go when neither WithBaseURL nor
// GROQ_BASE_URL says otherwise.
const DefaultBaseURL = "https://api.groq.com"

// chatPath and modelsPath are appended to the base URL.
const (
	chatPath   = "/openai/v1/chat/completions"
	modelsPath = "/openai/v1/models"
)

// version is this library's version, sent in the User-Agent header.
const version = "0.1.0"

// userAgent is sent unless the caller's extra headers set their own.
const userAgent = "llmvcr/" + version + " (groq)"

// Retry and timeout defaults, as Groq's official SDKs have them
// (groq-python's DEFAULT_TIMEOUT is httpx.Timeout(60, connect=5)).
const (
	defaultTimeout        = 60 * time.Second
	defaultConnectTimeout = 5 * time.Second
	defaultMaxRetries     = 2
	initialRetryDelay     = 500 * time.Millisecond
	maxRetryDelay         = 8 * time.Second
	defaultRetryWaitCap   = 60 * time.Second
)

// Model is a Groq chat model. It implements llm.Model and is safe for
// concurrent use.
type Model struct {
	name         string        // the model asked for, e.g. "llama-3.3-70b-versatile"
	apiKey       string        // sent as a bearer token; never logged or put in errors
	baseURL      string        // without a trailing slash
	displayURL   string        // baseURL without credentials or query, for messages
	client       *http.Client  // does the HTTP
	maxRetries   int           // retries after the first attempt
	retryWaitCap time.Duration // longest retry-after honoured
	timeout      time.Duration // per attempt, and between a stream's events; 0 for none
	settings     *Settings     // defaults under every request's settings
	clock        Clock         // waits between retries
	jitter       func() float64
	newTimer     func(time.Duration, func()) idleTimer // arms a stream's idle timeout; tests replace it

	mu        sync.Mutex
	rateLimit RateLimits // from the newest response
}

// Option configures a Model.
type Option func(*options)

type options struct {
	apiKey, baseURL *string
	client          *http.Client
	transport       http.RoundTripper
	maxRetries      *int
	retryWaitCap    *time.Duration
	timeout         *time.Duration
	settings        *Settings
	clock           Clock
	jitter          func() float64
}

// WithAPIKey sets the API key, instead of GROQ_API_KEY.
func WithAPIKey(key string) Option { return func(o *options) { o.apiKey = &key } }

// WithBaseURL sets the base URL, instead of GROQ_BASE_URL or
// DefaultBaseURL; "/openai/v1/..." is appended to it.
func WithBaseURL(url string) Option { return func(o *options) { o.baseURL = &url } }

// WithHTTPClient sets the HTTP client. With it, no API key is required (a
// replay session or a fake needs none); one is still sent when known.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.client = c } }

// WithTransport sets the RoundTripper of a default HTTP client. With it, no
// API key is required.
func WithTransport(rt http.RoundTripper) Option { return func(o *options) { o.transport = rt } }

// WithMaxRetries sets how many times a failed request is retried; default
// 2, 0 for none.
func WithMaxRetries(n int) Option { return func(o *options) { o.maxRetries = &n } }

// WithRetryWaitCap sets the longest retry-after the model honours (default
// 60s, as Groq's SDKs). A longer (or zero) wait is replaced by the usual
// exponential backoff; the error, if retries run out, still carries the
// server's RetryAfter.
func WithRetryWaitCap(d time.Duration) Option { return func(o *options) { o.retryWaitCap = &d } }

// WithTimeout bounds each attempt (default 60s, as groq-python; 0 or less
// for none): the whole exchange for a plain request; for a stream, the
// wait for the headers and the first event, then the wait between two
// events (an idle timeout: a long stream that keeps sending never times
// out; one that stalls ends between d and d+d/32 after its last event, the
// idle time being checked d/32 at a time). Settings.Timeout, when above 0, overrides it for one request. When
// the model makes its own HTTP client (no WithHTTPClient nor
// WithTransport), connecting is also bounded, by 5s.
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = &d } }

// WithSettings sets defaults under every request's settings.
func WithSettings(s *Settings) Option { return func(o *options) { o.settings = s } }

// WithClock sets the clock used to wait between retries, so tests never
// sleep.
func WithClock(c Clock) Option { return func(o *options) { o.clock = c } }

// WithJitter sets the source of backoff jitter, a function returning a
// number in [0, 1); tests fix it.
func WithJitter(f func() float64) Option { return func(o *options) { o.jitter = f } }

// NewModel returns the Groq model name. The API key comes from WithAPIKey
// or GROQ_API_KEY and is required unless a custom HTTP client or transport
// is given; the base URL from WithBaseURL, GROQ_BASE_URL or DefaultBaseURL.
func NewModel(name string, opts ...Option) (*Model, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if strings.TrimSpace(name) == "" {
		return nil, &llm.UserError{Message: "groq: model name is empty"}
	}
	m := &Model{
		name:         name,
		maxRetries:   defaultMaxRetries,
		retryWaitCap: defaultRetryWaitCap,
		timeout:      defaultTimeout,
		settings:     o.settings,
		clock:        o.clock,
		jitter:       o.jitter,
	}
	if o.apiKey != nil {
		m.apiKey = *o.apiKey
	} else {
		m.apiKey = os.Getenv("GROQ_API_KEY")
	}
	switch {
	case o.client != nil:
		m.client = o.client
	case o.transport != nil:
		m.client = &http.Client{Transport: o.transport}
	default:
		if m.apiKey == "" {
			return nil, &llm.UserError{Message: "groq: set the GROQ_API_KEY environment variable or pass groq.WithAPIKey to use the Groq model (or give a transport, such as a replay session)"}
		}
		m.client = &http.Client{Transport: defaultTransport(defaultConnectTimeout)}
	}
	if o.timeout != nil {
		m.timeout = max(*o.timeout, 0)
	}
	base := DefaultBaseURL
	if o.baseURL != nil {
		base = *o.baseURL
	} else if env := os.Getenv("GROQ_BASE_URL"); env != "" {
		base = env
	}
	m.baseURL = strings.TrimRight(base, "/")
	m.displayURL = redactURL(m.baseURL)
	if o.maxRetries != nil {
		m.maxRetries = max(*o.maxRetries, 0)
	}
	if o.retryWaitCap != nil {
		m.retryWaitCap = *o.retryWaitCap
	}
	if m.clock == nil {
		m.clock = realClock{}
	}
	if m.jitter == nil {
		m.jitter = rand.Float64
	}
	m.newTimer = func(d time.Duration, f func()) idleTimer { return newLazyTimer(d, f, monoNow, afterFunc) }
	return m, nil
}

// Name returns the model's name.
func (m *Model) Name() string { return m.name }

// System returns "groq".
func (m *Model) System() string { return providerName }

// BaseURL returns the base URL requests go to.
func (m *Model) BaseURL() string { return m.baseURL }

// RateLimits returns the rate limits Groq reported on the newest response,
// successful or not.
func (m *Model) RateLimits() RateLimits {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rateLimit
}

func (m *Model) noteRateLimits(h http.Header) RateLimits {
	rl := parseRateLimits(h)
	if rl.IsZero() {
		return rl
	}
	m.mu.Lock()
	m.rateLimit = rl
	m.mu.Unlock()
	return rl
}

// Request sends the conversation and returns Groq's answer. A 400
// tool_use_failed error becomes a response holding the failed generation,
// with finish reason "error", so a caller's retry loop can answer it.
func (m *Model) Request(ctx context.Context, messages []llm.Message, settings llm.ModelSettings, params *llm.RequestParams) (*llm.Response, error) {
	s := mergeSettings(m.settings, settings)
	req, err := buildRequest(m.name, messages, s, params, deliverWhole)
	if err != nil {
		return nil, err
	}
	body, err := encodeRequest(req)
	if err != nil {
		return nil, err
	}
	var raw []byte
	readBody := func(resp *http.Response) (err error) {
		raw, err = readBody(resp.Body)
		return m.bodyError("read response body", err)
	}
	resp, release, err := m.send(ctx, http.MethodPost, chatPath, body, s, deliverWhole, readBody)
	if err != nil {
		var he *llm.ModelHTTPError
		// pydantic-ai reads any ModelHTTPError's body for it (models/groq.py
		// GroqModel.request), whatever its status.
		if errors.As(err, &he) {
			if obj, ok := parseToolUseFailed(he.Body); ok {
				r := toolUseFailedResponse(obj, m.name, m.baseURL, len(messages))
				r.Timestamp = m.clock.Now()
				return r, nil
			}
		}
		return nil, err
	}
	release()
	resp.Body.Close()
	var c groqwire.ChatCompletion
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, &llm.UnexpectedModelBehavior{Message: "groq: decode completion (" + resp.Header.Get("Content-Type") + "): " + err.Error(), Body: clip(raw), Err: err}
	}
	r, err := processResponse(&c, m.baseURL)
	if err != nil {
		return nil, err
	}
	r.Timestamp = m.clock.Now()
	addHeaderDetails(r, resp.Header)
	return r, nil
}

// addHeaderDetails records the rate limits and request id of a response.
func addHeaderDetails(r *llm.Response, h http.Header) {
	rl := parseRateLimits(h)
	id := h.Get("X-Request-Id")
	if rl.IsZero() && id == "" {
		return
	}
	if r.ProviderDetails == nil {
		r.ProviderDetails = map[string]any{}
	}
	if !rl.IsZero() {
		r.ProviderDetails["rate_limits"] = rl
	}
	if id != "" {
		r.ProviderDetails["request_id"] = id
	}
}

// ListModels returns the models Groq serves (GET /openai/v1/models),
// keeping every field it sends about each.
func (m *Model) ListModels(ctx context.Context) ([]ModelInfo, error) {
	var raw []byte
	readBody := func(resp *http.Response) (err error) {
		raw, err = readBody(resp.Body)
		return m.bodyError("read models", err)
	}
	resp, release, err := m.send(ctx, http.MethodGet, modelsPath, nil, mergeSettings(m.settings, nil), deliverWhole, readBody)
	if err != nil {
		return nil, err
	}
	release()
	resp.Body.Close()
	var list struct {
		Data []ModelInfo `json:"data"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, &llm.UnexpectedModelBehavior{Message: "groq: decode model list: " + err.Error(), Body: clip(raw), Err: err}
	}
	return list.Data, nil
}

// RetrieveModel returns one model Groq serves (GET
// /openai/v1/models/{id}), keeping every field it sends. The id is
// percent-encoded as groq-python's path_template does ("openai/gpt-oss-120b"
// becomes "openai%2Fgpt-oss-120b"); an empty id, "." or ".." is a
// UserError. An unknown id is Groq's 404, an *llm.ModelHTTPError.
func (m *Model) RetrieveModel(ctx context.Context, id string) (*ModelInfo, error) {
	if id == "" || id == "." || id == ".." {
		return nil, &llm.UserError{Message: fmt.Sprintf("groq: RetrieveModel needs a model id, not %q", id)}
	}
	var raw []byte
	readBody := func(resp *http.Response) (err error) {
		raw, err = readBody(resp.Body)
		return m.bodyError("read model", err)
	}
	resp, release, err := m.send(ctx, http.MethodGet, modelsPath+"/"+quotePathSegment(id), nil, mergeSettings(m.settings, nil), deliverWhole, readBody)
	if err != nil {
		return nil, err
	}
	release()
	resp.Body.Close()
	var info ModelInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return nil, &llm.UnexpectedModelBehavior{Message: "groq: decode model: " + err.Error(), Body: clip(raw), Err: err}
	}
	return &info, nil
}

// quotePathSegment is Python's urllib.parse.quote(s,
// safe="!$&'()*+,;=:@"), as groq-python quotes a path segment: letters,
// digits, "-._~" and those are kept, every other byte is %XX.
func quotePathSegment(s string) string {
	const safe = "!$&'()*+,;=:@-._~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// redactURL drops the password and the query of a URL, which may hold
// credentials, for use in messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable base URL)"
	}
	u.RawQuery, u.Fragment = "", ""
	return u.Redacted()
}

// IsModelNotFound reports whether err is Groq's 404 model_not_found.
func IsModelNotFound(err error) bool {
	var he *llm.ModelHTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusNotFound {
		return false
	}
	var body groqwire.ErrorResponse
	return json.Unmarshal(he.Body, &body) == nil && body.Error.Code == "model_not_found"
}

var _ llm.Model = (*Model)(nil)

// ModelInfo is one model Groq serves. Fields Groq adds over time
// (modalities, supported features) are kept in Extra, raw, by JSON name.
type ModelInfo struct {
	ID                  string                     `json:"id"`
	Object              string                     `json:"object"`
	Created             int64                      `json:"created"`
	OwnedBy             string                     `json:"owned_by"`
	Active              *bool                      `json:"active,omitempty"`
	ContextWindow       int                        `json:"context_window,omitempty"`
	MaxCompletionTokens int                        `json:"max_completion_tokens,omitempty"`
	PublicApps          json.RawMessage            `json:"public_apps,omitempty"`
	Extra               map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (m *ModelInfo) UnmarshalJSON(b []byte) error {
	type plain ModelInfo
	return groqwire.UnmarshalKeeping(b, (*plain)(m), (*groqwire.Extra)(&m.Extra))
}

// MarshalJSON writes the known fields and Extra.
func (m ModelInfo) MarshalJSON() ([]byte, error) {
	type plain ModelInfo
	return groqwire.MarshalWith(plain(m), m.Extra)
}
