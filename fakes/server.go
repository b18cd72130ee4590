package fakes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/internal/clock"
	"github.com/llmvcr/llmvcr/internal/fakeanswer"
	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/textcut"
)

// chatCompletionsPath is the path of Groq's chat completions endpoint,
// where the fake answers as scripted.
const chatCompletionsPath = "/openai/v1/chat/completions"

// modelsPath is where the fake lists its models (withModels).
const modelsPath = "/openai/v1/models"

// maxBody bounds how much of a request body the fake reads.
const maxBody = 64 << 20

// Groq is a fake Groq API server on loopback. Its URL is the base URL a
// client uses in place of https://api.groq.com.
type Groq struct {
	URL string // base URL, e.g. http://127.0.0.1:41234

	t        TB               // nil for NewServer
	srv      *httptest.Server // the listener
	ctx      context.Context  // done when the server closes
	cancel   context.CancelFunc
	clock    groq.Clock       // delays
	apiKey   string           // required bearer key; "" for none
	defaults bool             // unscripted chat requests get default answers
	seed     int64            // mixed into default answers
	models   []groq.ModelInfo // GET /openai/v1/models
	limits   groq.RateLimits  // starting rate-limit budget; zero sends no x-ratelimit-* headers
	paced    bool             // default answers take Groq's time

	mu       sync.Mutex
	answers  []*Answer  // scripted, in order
	requests []*Request // every request, in order
	tokens   int        // tokens spent, for the rate-limit headers
	closed   bool
}

// Option configures NewGroq and NewServer.
type Option func(*Groq)

// WithClock sets the clock the server's delays run on (default: the real
// clock). Pass a *fakeclock.Clock in tests so that nothing sleeps.
func WithClock(c groq.Clock) Option { return func(g *Groq) { g.clock = c } }

// WithAPIKey makes the server require "Authorization: Bearer key" on every
// request and answer Groq's 401 invalid_api_key otherwise.
func WithAPIKey(key string) Option { return func(g *Groq) { g.apiKey = key } }

// WithDefaultAnswers makes the server answer chat requests that no script
// matches, instead of failing the test, with a deterministic, plausible
// answer: a few known questions answered properly ("What is the capital of
// France?"), others a generic answer that quotes the question, and a
// follow-up read with the earlier turns ("And of Germany?"). Offered tools
// that share a word with the question are called, with arguments that fit
// their schemas, filled from the conversation where a property's name says
// what it wants (a city, a time zone, a query); after tool results the
// answer reports them. JSON output follows its schema; gpt-oss and qwen3
// reason as they do at Groq; stream=true streams word by word; max tokens
// and stop sequences are honoured; an unknown model gets
// Groq's 404.
func WithDefaultAnswers() Option { return func(g *Groq) { g.defaults = true } }

// WithPacing makes default answers take as long as Groq would, on the
// server's clock: a reply waits its queue and total time; a stream sends
// its first chunk after the queue and prompt time and spreads the
// completion time over the rest. A session recorded from the fake then
// has realistic stream timing.
func WithPacing() Option { return func(g *Groq) { g.paced = true } }

// withAnswerSeed varies the default answers' choices and ids (default 0).
func withAnswerSeed(seed int64) Option { return func(g *Groq) { g.seed = seed } }

// withModels sets the models GET /openai/v1/models lists and the default
// answers accept (default: the models Groq served in 2026:
// llama-3.3-70b-versatile, openai/gpt-oss-120b, qwen/qwen3-32b and others).
func withModels(ids ...string) Option {
	return func(g *Groq) {
		g.models = nil
		for _, id := range ids {
			g.models = append(g.models, modelInfo(id))
		}
	}
}

// withRateLimits sets the starting rate-limit budget reported in the
// x-ratelimit-* headers (default: Groq's free tier for
// llama-3.3-70b-versatile, 1,000 requests a day and 12,000 tokens a
// minute). A zero RateLimits sends no x-ratelimit-* headers at all, the
// absence groq.RateLimits.IsZero reports.
func withRateLimits(r groq.RateLimits) Option { return func(g *Groq) { g.limits = r } }

// defaultModels returns the models the fake lists unless withModels is
// given.
func defaultModels() []string {
	return []string{
		"llama-3.1-8b-instant",
		"llama-3.3-70b-versatile",
		"meta-llama/llama-4-maverick-17b-128e-instruct",
		"meta-llama/llama-4-scout-17b-16e-instruct",
		"moonshotai/kimi-k2-instruct-0905",
		"openai/gpt-oss-120b",
		"openai/gpt-oss-20b",
		"qwen/qwen3-32b",
		"groq/compound",
		"groq/compound-mini",
	}
}

func modelInfo(id string) groq.ModelInfo {
	owner := "Meta"
	switch {
	case strings.HasPrefix(id, "openai/"):
		owner = "OpenAI"
	case strings.HasPrefix(id, "qwen/"):
		owner = "Alibaba Cloud"
	case strings.HasPrefix(id, "moonshotai/"):
		owner = "Moonshot AI"
	case strings.HasPrefix(id, "groq/"):
		owner = "Groq"
	}
	return groq.ModelInfo{
		ID: id, Object: "model", Created: 1733447754, OwnedBy: owner, Active: ptr(true),
		ContextWindow: 131072, MaxCompletionTokens: 32768, PublicApps: nullJSON,
	}
}

// TB is the part of testing.TB the server reports to: *testing.T and
// *testing.B satisfy it. It is an interface of its own so that fakes does
// not import testing, and a program that runs NewServer (cmd/record) does
// not link the test framework.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// NewGroq starts a fake Groq server for the test and closes it when the
// test ends. Chat requests are answered by the scripted answers, in order;
// a request no answer matches fails the test (unless WithDefaultAnswers),
// and answers never used fail it at cleanup.
func NewGroq(t TB, opts ...Option) *Groq {
	t.Helper()
	g := newGroq(t, opts)
	t.Cleanup(func() {
		g.Close()
		g.checkUsed()
	})
	return g
}

// NewServer starts a fake Groq server outside a test (cmd/record uses it
// when no API key is set). It answers with the default behaviour unless
// scripted otherwise. The caller must Close it.
func NewServer(opts ...Option) *Groq {
	return newGroq(nil, append([]Option{WithDefaultAnswers()}, opts...))
}

func newGroq(t TB, opts []Option) *Groq {
	g := &Groq{t: t, clock: clock.Real{}, limits: defaultRateLimits()}
	withModels(defaultModels()...)(g)
	for _, o := range opts {
		o(g)
	}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	g.URL = g.srv.URL
	return g
}

// Client returns an HTTP client that talks to the server.
func (g *Groq) Client() *http.Client { return g.srv.Client() }

// Close stops the server: stalled and delayed answers end, connections
// close. It is safe to call more than once.
func (g *Groq) Close() {
	g.mu.Lock()
	closed := g.closed
	g.closed = true
	g.mu.Unlock()
	if closed {
		return
	}
	g.cancel()
	g.srv.Close()
}

// Request is one request the server received.
type Request struct {
	Index  int         // 0-based, in arrival order among all requests
	Method string      // e.g. "POST"
	Path   string      // e.g. "/openai/v1/chat/completions"
	Query  string      // the raw query, without "?"; "" for none
	Header http.Header // as received
	Body   []byte      // raw
	// Chat is the decoded body of a chat completions request: fields
	// ChatCompletionRequest does not know are in Chat.Extra. Nil when the
	// request is not one, or its body did not decode (see DecodeErr).
	Chat      *groqwire.ChatCompletionRequest
	DecodeErr error // why Body did not decode as a chat request
}

// RequestBody returns the raw body (the assert package accepts anything
// with this method).
func (r *Request) RequestBody() []byte { return r.Body }

// LastUserText returns the text of the last user message, "" if none.
func (r *Request) LastUserText() string {
	if r.Chat == nil {
		return ""
	}
	for i := len(r.Chat.Messages) - 1; i >= 0; i-- {
		if m := r.Chat.Messages[i]; m.Role == "user" {
			return fakeanswer.ContentText(m.Content)
		}
	}
	return ""
}

// String returns the method, path and body, for failure messages. It never
// shows headers, which may hold an API key.
func (r *Request) String() string {
	body := r.Body
	var buf bytes.Buffer
	if json.Indent(&buf, body, "  ", "  ") == nil {
		body = buf.Bytes()
	}
	const limit = 4000
	s := textcut.Clip(string(body), limit)
	return fmt.Sprintf("%s %s (request %d)\n  %s", r.Method, r.Path, r.Index, s)
}

// Requests returns the chat completions requests received so far, in
// order. Retries show as separate requests.
func (g *Groq) Requests() []*Request {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []*Request
	for _, r := range g.requests {
		if r.isChat() {
			out = append(out, r)
		}
	}
	return out
}

func (r *Request) isChat() bool { return r.Path == chatCompletionsPath && r.Method == http.MethodPost }

// allRequests returns every request received so far (models list included).
func (g *Groq) allRequests() []*Request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*Request(nil), g.requests...)
}

// knownRequestKeys are the JSON names of ChatCompletionRequest's fields.
var knownRequestKeys = func() map[string]bool {
	keys := map[string]bool{}
	t := reflect.TypeOf(groqwire.ChatCompletionRequest{})
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}()

// decodeChatRequest decodes a chat completions body, putting the fields
// ChatCompletionRequest does not know into Extra, so that marshalling the
// result gives the same fields back.
func decodeChatRequest(body []byte) (*groqwire.ChatCompletionRequest, error) {
	var req groqwire.ChatCompletionRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, &decodeError{What: "chat completions request", Err: err}
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(body, &all); err != nil {
		return nil, &decodeError{What: "chat completions request", Err: err}
	}
	for k, raw := range all {
		if knownRequestKeys[k] {
			continue
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, &decodeError{What: "chat completions request field " + k, Err: err}
		}
		if req.Extra == nil {
			req.Extra = map[string]any{}
		}
		req.Extra[k] = v
	}
	return &req, nil
}

// decodeError is a body that did not decode.
type decodeError struct {
	What string // what was being decoded
	Err  error  // the JSON error
}

// Error returns "fakes: decode <what>: <cause>".
func (e *decodeError) Error() string { return "fakes: decode " + e.What + ": " + e.Err.Error() }

// Unwrap returns the JSON error.
func (e *decodeError) Unwrap() error { return e.Err }

func (g *Groq) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		http.Error(w, "fakes: read request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	req := &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	if req.isChat() {
		req.Chat, req.DecodeErr = decodeChatRequest(body)
	}
	g.mu.Lock()
	req.Index = len(g.requests)
	g.requests = append(g.requests, req)
	g.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))

	ctx, stop := g.requestContext(r)
	defer stop()

	if g.apiKey != "" && r.Header.Get("Authorization") != "Bearer "+g.apiKey {
		g.writeJSON(ctx, w, req, invalidAPIKeyAnswer())
		return
	}
	switch {
	case req.isChat():
		g.serveChat(ctx, w, r, req)
	case req.Path == modelsPath && r.Method == http.MethodGet:
		g.writeJSON(ctx, w, req, okAnswer(mustJSON(modelList{Object: "list", Data: g.models})))
	case strings.HasPrefix(req.Path, modelsPath+"/") && r.Method == http.MethodGet:
		id := strings.TrimPrefix(req.Path, modelsPath+"/")
		for _, m := range g.models {
			if m.ID == id {
				g.writeJSON(ctx, w, req, okAnswer(mustJSON(m)))
				return
			}
		}
		g.writeJSON(ctx, w, req, errorAnswer(ModelNotFoundError(id)))
	default:
		g.writeJSON(ctx, w, req, errorAnswer(http.StatusNotFound, groqwire.ErrorResponse{Error: groqwire.ErrorObject{
			Message: fmt.Sprintf("Unknown request URL: %s %s. Please check the URL for typos, or see the docs at https://console.groq.com/docs/", r.Method, req.Path),
			Type:    "invalid_request_error",
			Code:    "unknown_url",
		}}, nil))
	}
}

func okAnswer(body []byte) *Answer {
	a := newAnswer(kindJSON, "OK")
	a.body = body
	return a
}

// invalidAPIKeyAnswer is the answer the server gives when WithAPIKey is set
// and the request's key is missing or wrong.
func invalidAPIKeyAnswer() *Answer { return errorAnswer(InvalidAPIKeyError()) }

// requestContext returns a context done when the client goes away or the
// server closes.
func (g *Groq) requestContext(r *http.Request) (context.Context, func()) {
	ctx, cancel := context.WithCancel(r.Context())
	stopAfter := context.AfterFunc(g.ctx, cancel)
	return ctx, func() {
		stopAfter()
		cancel()
	}
}

func (g *Groq) serveChat(ctx context.Context, w http.ResponseWriter, r *http.Request, req *Request) {
	if a := g.take(req); a != nil {
		g.run(ctx, w, r, req, a)
		return
	}
	if g.defaults {
		g.run(ctx, w, r, req, g.defaultAnswer(req))
		return
	}
	msg := "fakes: no scripted answer for " + req.String() + g.pendingList()
	if g.t != nil {
		g.t.Errorf("%s", msg)
	}
	// x-should-retry: false, so a client that retries 5xx reports the
	// mistake once instead of three times after its backoff.
	g.writeJSON(ctx, w, req, errorAnswer(http.StatusInternalServerError, groqwire.ErrorResponse{Error: groqwire.ErrorObject{
		Message: msg, Type: "internal_server_error", Code: "fakes_unscripted",
	}}, http.Header{"X-Should-Retry": {"false"}}))
}

// take returns the first pending answer that matches req, and counts its
// use. Matchers run without the lock held, so they may call the server's
// methods; an answer used up meanwhile by a concurrent request is skipped.
func (g *Groq) take(req *Request) *Answer {
	g.mu.Lock()
	var pending []*Answer
	for _, a := range g.answers {
		if !a.exhausted() {
			pending = append(pending, a)
		}
	}
	g.mu.Unlock()
	for _, a := range pending {
		if !a.matches(req) {
			continue
		}
		g.mu.Lock()
		if a.exhausted() {
			g.mu.Unlock()
			continue
		}
		a.used++
		g.mu.Unlock()
		return a
	}
	return nil
}

func (g *Groq) pendingList() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var lines []string
	for i, a := range g.answers {
		if !a.exhausted() {
			lines = append(lines, fmt.Sprintf("  #%d %s", i+1, a.describe()))
		}
	}
	if len(lines) == 0 {
		return "\nno scripted answer is pending"
	}
	return "\npending answers, none matching:\n" + strings.Join(lines, "\n")
}

func (g *Groq) checkUsed() {
	g.mu.Lock()
	defer g.mu.Unlock()
	var lines []string
	for i, a := range g.answers {
		if a.optional || a.used >= a.minUses() {
			continue
		}
		lines = append(lines, fmt.Sprintf("  #%d %s: used %d of %s", i+1, a.describe(), a.used, a.timesString()))
	}
	if len(lines) > 0 && g.t != nil {
		g.t.Errorf("fakes: %d scripted answer(s) never requested:\n%s", len(lines), strings.Join(lines, "\n"))
	}
}

// rateLimitHeader returns the x-ratelimit-* headers after req, spending
// tokens as a rough estimate of the request's size.
func (g *Groq) rateLimitHeader(req *Request) http.Header {
	if g.limits.IsZero() {
		return nil
	}
	g.mu.Lock()
	n := 0
	for _, r := range g.requests[:req.Index+1] {
		if r.isChat() {
			n++
		}
	}
	if req.isChat() {
		g.tokens += len(req.Body) / 4
	}
	tokens := g.tokens
	g.mu.Unlock()
	l := g.limits
	l.RemainingRequests = max(l.RemainingRequests-n, 0)
	l.RemainingTokens = max(l.RemainingTokens-tokens, 0)
	if l.LimitRequests > 0 {
		l.ResetRequests = time.Duration(n) * (24 * time.Hour / time.Duration(l.LimitRequests)).Round(10*time.Millisecond)
	}
	if l.LimitTokens > 0 {
		l.ResetTokens = (time.Duration(min(tokens, l.LimitTokens)) * time.Minute / time.Duration(l.LimitTokens)).Round(10 * time.Millisecond)
	}
	return limitsHeader(l)
}

// modelList is the body of GET /openai/v1/models.
type modelList struct {
	Object string           `json:"object"`
	Data   []groq.ModelInfo `json:"data"`
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only values built by this package reach here; a failure is a bug.
		panic(fmt.Sprintf("fakes: marshal %T: %v", v, err))
	}
	return b
}
