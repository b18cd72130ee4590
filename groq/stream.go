package groq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/internal/sse"
	"github.com/llmvcr/llmvcr/llm"
)

// StreamError is an error Groq reported in x_groq.error on a chunk of an
// otherwise healthy stream (for instance when it ran over capacity). The
// stream stopped early; asking again usually works.
type StreamError struct {
	ModelName string          // the model that was asked
	Message   string          // Groq's description
	Raw       json.RawMessage // the x_groq.error value as sent
}

// Error returns "model_name: M, stream stopped early: message".
func (e *StreamError) Error() string {
	return fmt.Sprintf("model_name: %s, stream stopped early: %s", e.ModelName, e.Message)
}

// Retryable reports true: the request may be sent again.
func (e *StreamError) Retryable() bool { return true }

// StreamedResponse is a Groq response arriving as server-sent events. It
// implements llm.StreamedResponse. Events must be ranged over by one
// goroutine; Response, Usage and Close may be called from any goroutine at
// any time.
type StreamedResponse struct {
	modelName string         // the model that was asked
	baseURL   string         // recorded as ProviderURL
	header    http.Header    // the response headers
	clock     Clock          // the model's clock, for retry delays
	body      io.ReadCloser  // the response body
	cancel    func()         // releases the request's context
	dec       *sse.Decoder   // reads body
	first     *sse.Event     // the event peeked before the stream was returned
	firstData []byte         // a copy of first's data (the decoder reuses its buffer)
	closeOnce sync.Once      // Close runs once
	closed    chan struct{}  // closed by Close
	consumed  bool           // Events was called
	timestamp time.Time      // local time the response began
	inThink   bool           // content is inside <think>...</think>
	exec      map[int]string // executed tool index -> the id of its call part
	chunkDec  chunkDecoder   // decodes chunks, reusing memory
	evbuf     []llm.Event    // the events of one chunk, reused
	message   int            // the index this response will have in the conversation
	idle      time.Duration  // longest wait between two events; 0 for none
	idleTimer idleTimer      // fires after idle without an event
	idleFired atomic.Bool    // the idle timeout stopped the stream
	newTimer  func(time.Duration, func()) idleTimer

	mu          sync.Mutex // guards what follows, read by Response and Usage
	parts       provider.PartsManager
	model       string
	created     time.Time
	id          string
	finish      string
	usage       *groqwire.Usage
	details     map[string]any
	annotations []groqwire.Annotation   // streamed citations, in order
	logprobs    []groqwire.TokenLogprob // streamed token log probabilities, in order
	chunks      int
	doneState   bool

	reasoning    bool // the last chunk with a choice carried delta.reasoning
	reasoningRun int  // runs of reasoning chunks so far
}

// RequestStream sends the conversation and returns the response as it
// arrives. Errors before the first chunk (HTTP status, connection, an error
// event ahead of any chunk) are returned here, mapped as Request's; only
// those before the response headers are retried, as groq-python does. The
// caller must Close the stream.
func (m *Model) RequestStream(ctx context.Context, messages []llm.Message, settings llm.ModelSettings, params *llm.RequestParams) (llm.StreamedResponse, error) {
	s := mergeSettings(m.settings, settings)
	req, err := buildRequest(m.name, messages, s, params, deliverStream)
	if err != nil {
		return nil, err
	}
	body, err := encodeRequest(req)
	if err != nil {
		return nil, err
	}
	var sr *StreamedResponse
	accept := func(resp *http.Response) error {
		sr = m.newStream(resp)
		sr.message = len(messages)
		sr.idle, sr.newTimer = m.attemptTimeout(s), m.newTimer
		sr.parts.IgnoreLeadingWhitespace = profileOf(m.name).ignoreLeadingWhitespace
		return sr.peek()
	}
	resp, release, err := m.send(ctx, http.MethodPost, chatPath, body, s, deliverStream, accept)
	if err != nil {
		return nil, err
	}
	sr.body, sr.cancel = resp.Body, release
	return sr, nil
}

func (m *Model) newStream(resp *http.Response) *StreamedResponse {
	return &StreamedResponse{
		modelName: m.name,
		baseURL:   m.baseURL,
		header:    resp.Header,
		body:      resp.Body,
		dec:       sse.NewDecoder(resp.Body),
		closed:    make(chan struct{}),
		timestamp: m.clock.Now(),
		clock:     m.clock,
		model:     m.name,
	}
}

// peek reads the first event, so that an empty stream, or an error sent
// before any chunk, is reported by RequestStream.
func (sr *StreamedResponse) peek() error {
	for {
		ev, err := sr.dec.Next()
		if err == io.EOF {
			return &llm.UnexpectedModelBehavior{Message: "groq: streamed response ended without content or tool calls"}
		}
		if err != nil {
			return sr.readError(err)
		}
		if ev.Terminated && ignoredEvent(ev) {
			continue // keep-alive, ping
		}
		if string(ev.Data) == "[DONE]" {
			return &llm.UnexpectedModelBehavior{Message: "groq: streamed response ended without content or tool calls"}
		}
		if !ev.Terminated {
			return sr.brokenError(ev)
		}
		if ev.Type == "error" || hasTopLevelError(ev.Data) {
			if _, ok := parseToolUseFailed(ev.Data); !ok {
				return sr.eventError(ev.Data)
			}
		}
		sr.firstData = append([]byte(nil), ev.Data...)
		ev.Data = sr.firstData
		sr.first = &ev
		return nil
	}
}

// Events yields the part events as chunks arrive. The sequence ends after
// data: [DONE], or with an error: a stream that ends without [DONE] or
// breaks mid-event, a frame that is not JSON, an error event from Groq. A
// tool_use_failed error event ends it normally, the failed generation
// added as a tool call or text, as pydantic-ai does. Close, from any
// goroutine, ends it without error.
func (sr *StreamedResponse) Events() iter.Seq2[llm.Event, error] {
	return func(yield func(llm.Event, error) bool) {
		if sr.consumed {
			yield(nil, errors.New("groq: the events of a stream can be ranged over once"))
			return
		}
		sr.consumed = true
		defer sr.Close()
		defer sr.haltIdle()
		for {
			var ev sse.Event
			if sr.isClosed() {
				return
			}
			if sr.first != nil {
				ev, sr.first = *sr.first, nil
			} else {
				var err error
				sr.armIdle()
				ev, err = sr.dec.Next()
				if sr.idleTimer != nil {
					sr.idleTimer.Stop()
				}
				if sr.isClosed() {
					return
				}
				if sr.idleFired.Load() {
					yield(nil, &llm.ModelAPIError{ModelName: sr.modelName, Message: fmt.Sprintf("stream idle: no event for %s", sr.idle),
						Err: fmt.Errorf("no event for %s: %w", sr.idle, context.DeadlineExceeded)})
					return
				}
				if err == io.EOF {
					yield(nil, &llm.ModelAPIError{ModelName: sr.modelName, Message: "stream ended before data: [DONE]", Err: io.ErrUnexpectedEOF})
					return
				}
				if err != nil {
					yield(nil, sr.readError(err))
					return
				}
			}
			if !ev.Terminated {
				yield(nil, sr.brokenError(ev))
				return
			}
			if ignoredEvent(ev) {
				continue
			}
			if string(ev.Data) == "[DONE]" {
				sr.finishParts(yield)
				return
			}
			events, done, err := sr.handle(ev)
			for _, e := range events {
				if !yield(e, nil) {
					return
				}
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if done {
				sr.finishParts(yield)
				return
			}
		}
	}
}

// armIdle starts (or restarts) the idle timeout before a read: when it
// fires, the request is cancelled and the body closed, so the read returns.
func (sr *StreamedResponse) armIdle() {
	if sr.idle <= 0 || sr.newTimer == nil {
		return
	}
	if sr.idleTimer == nil {
		sr.idleTimer = sr.newTimer(sr.idle, func() {
			sr.idleFired.Store(true)
			if sr.cancel != nil {
				sr.cancel()
			}
			if sr.body != nil {
				sr.body.Close()
			}
		})
		return
	}
	sr.idleTimer.Reset(sr.idle)
}

// haltIdle stops the idle timer for good once the events are over: a
// *lazyTimer's Stop leaves its underlying timer to lapse on its next tick,
// and nothing of a stream should run after it ends.
func (sr *StreamedResponse) haltIdle() {
	if h, ok := sr.idleTimer.(interface{ halt() }); ok {
		h.halt()
	}
}

// ignoredEvent reports events that carry no chunk: empty ones
// (keep-alives) and any named type other than "message" and "error" (a
// "ping", say).
func ignoredEvent(ev sse.Event) bool {
	switch ev.Type {
	case "", "message":
		return len(ev.Data) == 0
	case "error":
		return false
	}
	return true
}

// finishParts ends the last part and marks the stream complete.
func (sr *StreamedResponse) finishParts(yield func(llm.Event, error) bool) {
	sr.mu.Lock()
	events := append([]llm.Event(nil), sr.parts.Finish()...)
	sr.doneState = true
	sr.mu.Unlock()
	for _, e := range events {
		if !yield(e, nil) {
			return
		}
	}
}

// handle maps one event to part events; done reports a normal end (a
// tool_use_failed error event).
func (sr *StreamedResponse) handle(ev sse.Event) (events []llm.Event, done bool, err error) {
	if ev.Type == "error" || hasTopLevelError(ev.Data) {
		obj, ok := parseToolUseFailed(ev.Data)
		if !ok {
			return nil, false, sr.eventError(ev.Data)
		}
		sr.mu.Lock()
		defer sr.mu.Unlock()
		for _, p := range failedGenerationPartsAt(*obj.FailedGeneration, sr.message, len(sr.parts.Parts())) {
			if tp, isText := p.(*llm.TextPart); isText {
				events = append(events, sr.parts.TextDelta("tool_use_failed", tp.Content)...)
			} else {
				events = append(events, sr.parts.Part("tool_use_failed", p)...)
			}
		}
		return cloneEvents(events), true, nil
	}
	c, err := sr.chunkDec.decode(ev.Data)
	if err != nil {
		return nil, false, &llm.UnexpectedModelBehavior{Message: "groq: decode stream chunk: " + err.Error(), Body: clip(ev.Data), Err: err}
	}
	sr.mu.Lock()
	defer sr.mu.Unlock()
	sr.evbuf = sr.evbuf[:0]
	err = sr.apply(c)
	return sr.evbuf, false, err
}

// cloneEvents copies a slice the parts manager will reuse.
func cloneEvents(evs []llm.Event) []llm.Event {
	if len(evs) == 0 {
		return nil
	}
	return append([]llm.Event(nil), evs...)
}

// apply folds one chunk into the response, as pydantic-ai's
// GroqStreamedResponse does, appending its events to sr.evbuf. Called with
// sr.mu held.
func (sr *StreamedResponse) apply(c *groqwire.ChatCompletionChunk) error {
	sr.chunks++
	if sr.chunks == 1 {
		if c.Model != "" {
			sr.model = c.Model
		}
		sr.created = numberToTime(c.Created)
	}
	if c.ID != "" {
		sr.id = c.ID
	}
	if c.XGroq != nil && c.XGroq.Usage != nil {
		sr.usage = c.XGroq.Usage
	} else if c.Usage != nil {
		sr.usage = c.Usage
	}
	sr.noteDetails(c)
	if c.XGroq != nil && len(c.XGroq.Error) > 0 && string(c.XGroq.Error) != "null" {
		return &StreamError{ModelName: sr.modelName, Message: errorText(c.XGroq.Error), Raw: c.XGroq.Error}
	}
	if len(c.Choices) == 0 {
		return nil
	}
	choice := &c.Choices[0]
	if choice.FinishReason != nil && *choice.FinishReason != "" {
		sr.finish = *choice.FinishReason
	}
	d := &choice.Delta
	if len(d.Annotations) > 0 {
		if a := decodeAs[[]groqwire.Annotation](d.Annotations); a != nil {
			sr.annotations = append(sr.annotations, *a...)
		}
	}
	if len(choice.Logprobs) > 0 {
		if lp := decodeAs[groqwire.ChoiceLogprobs](choice.Logprobs); lp != nil {
			sr.logprobs = append(sr.logprobs, lp.Content...)
		}
	}
	// As pydantic-ai's GroqStreamedResponse: each run of chunks carrying
	// delta.reasoning (an empty string included) is one thinking part,
	// vendor id "reasoning-N"; a chunk without it ends the run, so
	// reasoning that resumes starts a new part.
	if d.Reasoning != nil {
		if !sr.reasoning {
			sr.reasoningRun++
			sr.reasoning = true
		}
		sr.evbuf = append(sr.evbuf, sr.parts.ThinkingDelta(reasoningVendorID(sr.reasoningRun), *d.Reasoning, "")...)
	} else {
		sr.reasoning = false
	}
	for _, t := range d.ExecutedTools {
		sr.evbuf = append(sr.evbuf, sr.executedTool(t)...)
	}
	if d.Content != nil && *d.Content != "" {
		sr.content(*d.Content)
	}
	for i, tc := range d.ToolCalls {
		idx := i
		if tc.Index != nil {
			idx = *tc.Index
		}
		sr.evbuf = append(sr.evbuf, sr.parts.ToolCallDelta(toolVendorID(idx), tc.Function.Name, tc.Function.Arguments, tc.ID)...)
	}
	return nil
}

// reasoningVendorID is pydantic-ai's f'reasoning-{reasoning_index}'.
func reasoningVendorID(n int) string {
	if n == 1 {
		return "reasoning-1" // the common case, without formatting
	}
	return "reasoning-" + strconv.Itoa(n)
}

// toolVendorIDs are the vendor ids of the first tool-call indexes, so
// the common case does not format one per chunk.
var toolVendorIDs = [...]string{"tool-0", "tool-1", "tool-2", "tool-3", "tool-4", "tool-5", "tool-6", "tool-7"}

func toolVendorID(i int) string {
	if i >= 0 && i < len(toolVendorIDs) {
		return toolVendorIDs[i]
	}
	return "tool-" + strconv.Itoa(i)
}

// noteDetails keeps the Groq facts that have no llm field.
func (sr *StreamedResponse) noteDetails(c *groqwire.ChatCompletionChunk) {
	set := func(k string, v any) {
		if sr.details == nil {
			sr.details = map[string]any{}
		}
		sr.details[k] = v
	}
	// Every chunk repeats the fingerprint (and may repeat the others):
	// storing it again would box the string anew for the same value.
	setString := func(k, v string) {
		if cur, ok := sr.details[k].(string); !ok || cur != v {
			set(k, v)
		}
	}
	if c.SystemFingerprint != "" {
		setString("system_fingerprint", c.SystemFingerprint)
	}
	if c.ServiceTier != "" {
		setString("service_tier", c.ServiceTier)
	}
	if x := c.XGroq; x != nil {
		if x.ID != "" {
			setString("x_groq_id", x.ID)
		}
		if x.Seed != nil {
			set("seed", *x.Seed)
		}
		if dbg := xGroqDebug(x.Debug); dbg != nil {
			set("x_groq_debug", dbg)
		}
	}
	sr.details = streamMCPListTools(sr.details, c)
	var breakdown json.RawMessage
	if c.XGroq != nil && len(c.XGroq.UsageBreakdown) > 0 {
		breakdown = c.XGroq.UsageBreakdown
	} else if len(c.UsageBreakdown) > 0 {
		breakdown = c.UsageBreakdown
	}
	if breakdown != nil {
		sr.details = groqExtras(sr.details, breakdown, nil)
	}
}

// executedTool adds the call part of a tool Groq runs when it starts, and
// its return part when its results arrive.
func (sr *StreamedResponse) executedTool(t groqwire.ExecutedTool) []llm.Event {
	if sr.exec == nil {
		sr.exec = map[int]string{}
	}
	id, started := sr.exec[t.Index]
	if !started {
		id = executedToolID(sr.id, t.Index)
	}
	call, ret := mapExecutedTool(t, id)
	var events []llm.Event // a copy: the parts manager reuses its slice
	if ret.Content == nil || ret.Content == "" {
		sr.exec[t.Index] = id
		return append(events, sr.parts.Part("executed_tools-"+strconv.Itoa(t.Index)+"-call", call)...)
	}
	if !started {
		events = append(events, sr.parts.Part("executed_tools-"+strconv.Itoa(t.Index)+"-call", call)...)
	}
	delete(sr.exec, t.Index)
	return append(events, sr.parts.Part("executed_tools-"+strconv.Itoa(t.Index)+"-return", ret)...)
}

// content adds a content delta to sr.evbuf as pydantic-ai's
// handle_text_delta with the profile's thinking_tags does
// (_parts_manager.py): a delta that is exactly "<think>" starts a thinking
// part, one that is exactly "</think>" ends it, and anything else is text,
// or thinking between the two. A tag inside a longer delta is text there,
// and so here.
func (sr *StreamedResponse) content(s string) {
	switch {
	case sr.inThink && s == thinkClose:
		sr.inThink = false
		sr.parts.Forget("think")
	case sr.inThink:
		sr.evbuf = append(sr.evbuf, sr.parts.ThinkingDelta("think", s, "")...)
	case s == thinkOpen:
		sr.inThink = true
		sr.parts.Forget("content") // the next text is a new part
		sr.evbuf = append(sr.evbuf, sr.parts.ThinkingDelta("think", "", "")...)
	default:
		sr.evbuf = append(sr.evbuf, sr.parts.TextDelta("content", s)...)
	}
}

// The thinking tags of every profile pydantic-ai gives a Groq model
// (DEFAULT_THINKING_TAGS).
const (
	thinkOpen  = "<think>"
	thinkClose = "</think>"
)

// Response returns what has arrived so far. After the last event it holds
// what Request would have returned for the same content.
func (sr *StreamedResponse) Response() *llm.Response {
	sr.mu.Lock()
	defer sr.mu.Unlock()
	r := &llm.Response{
		Parts:              sr.parts.Parts(),
		ModelName:          sr.model,
		Timestamp:          sr.timestamp,
		ProviderTimestamp:  sr.created,
		ProviderName:       providerName,
		ProviderURL:        sr.baseURL,
		ProviderResponseID: sr.id,
		FinishReason:       finishReasons[sr.finish],
		RawFinishReason:    sr.finish,
		Usage:              sr.usageLocked(),
	}
	if len(sr.details) > 0 || sr.finish != "" {
		r.ProviderDetails = map[string]any{}
		for k, v := range sr.details {
			r.ProviderDetails[k] = v
		}
		if sr.finish != "" {
			r.ProviderDetails["finish_reason"] = sr.finish
		}
	}
	var annotations *[]groqwire.Annotation
	if len(sr.annotations) > 0 {
		a := slices.Clone(sr.annotations)
		annotations = &a
	}
	var logprobs *groqwire.ChoiceLogprobs
	if len(sr.logprobs) > 0 {
		logprobs = &groqwire.ChoiceLogprobs{Content: slices.Clone(sr.logprobs)}
	}
	r.ProviderDetails = answerDetails(r.ProviderDetails, annotations, logprobs)
	addHeaderDetails(r, sr.header)
	return r
}

// Usage returns the usage reported so far (Groq sends it on the last
// chunk).
func (sr *StreamedResponse) Usage() llm.Usage {
	sr.mu.Lock()
	defer sr.mu.Unlock()
	return sr.usageLocked()
}

func (sr *StreamedResponse) usageLocked() llm.Usage { return mapUsage(sr.usage) }

// Chunks returns the number of chunks received so far. Events do not
// count them: a chunk may bring no event (a role or usage alone) or
// several, so this is how a test (or the benchmarks in bench/) checks how
// much of a stream arrived.
func (sr *StreamedResponse) Chunks() int {
	sr.mu.Lock()
	defer sr.mu.Unlock()
	return sr.chunks
}

// complete reports whether the stream reached its normal end.
func (sr *StreamedResponse) complete() bool {
	sr.mu.Lock()
	defer sr.mu.Unlock()
	return sr.doneState
}

// Close stops the stream and releases the connection. It is safe to call
// more than once, from any goroutine, before, during or after iteration.
func (sr *StreamedResponse) Close() error {
	sr.closeOnce.Do(func() {
		close(sr.closed)
		if sr.complete() {
			// After [DONE] only the end of the body is left: close it
			// before cancelling, so a transport that reads to the end
			// (a connection kept alive, a recorder) sees a clean end.
			if sr.body != nil {
				sr.body.Close()
			}
			if sr.cancel != nil {
				sr.cancel()
			}
			return
		}
		if sr.cancel != nil {
			sr.cancel() // stop a live stream at once
		}
		if sr.body != nil {
			sr.body.Close()
		}
	})
	return nil
}

func (sr *StreamedResponse) isClosed() bool {
	select {
	case <-sr.closed:
		return true
	default:
		return false
	}
}

// readError maps a failure to read the body.
func (sr *StreamedResponse) readError(err error) error {
	var tooLong *sse.LineTooLongError
	if errors.As(err, &tooLong) {
		return &llm.UnexpectedModelBehavior{Message: "groq: stream event too long: " + err.Error(), Err: err}
	}
	return &llm.ModelAPIError{ModelName: sr.modelName, Message: "stream read failed: " + err.Error(), Err: err}
}

// brokenError reports a body that ended in the middle of an event.
func (sr *StreamedResponse) brokenError(ev sse.Event) error {
	return &llm.ModelAPIError{ModelName: sr.modelName, Message: fmt.Sprintf("stream broke mid-event after %d bytes of it", len(ev.Raw)), Err: io.ErrUnexpectedEOF}
}

// eventError maps an error sent inside a 200 stream to a ModelHTTPError
// carrying the status from the payload (status_code, or one derived from
// the error's type) and the raw payload.
func (sr *StreamedResponse) eventError(data []byte) error {
	obj := streamErrorObject(data)
	status := obj.StatusCode
	if status == 0 {
		status = statusForErrorType(obj.Type, obj.Code)
	}
	return httpError(status, sr.modelName, append([]byte(nil), data...), sr.header, sr.clock.Now())
}

// streamErrorObject reads {"error": {...}}, {"error": "text"} or the
// object itself.
func streamErrorObject(data []byte) groqwire.ErrorObject {
	var wrapped struct {
		Error *groqwire.ErrorObject `json:"error"`
	}
	if json.Unmarshal(data, &wrapped) == nil && wrapped.Error != nil {
		return *wrapped.Error
	}
	var obj groqwire.ErrorObject
	if json.Unmarshal(data, &obj) == nil {
		return obj
	}
	return groqwire.ErrorObject{Message: string(data)}
}

// statusForErrorType maps an error type or code to an HTTP status, as
// vercel/ai does for Groq's mid-stream errors; 500 when unknown.
func statusForErrorType(typ string, code groqwire.FlexString) int {
	if n, err := strconv.Atoi(string(code)); err == nil && n >= 400 && n < 600 {
		return n
	}
	t := strings.ToLower(typ + " " + string(code))
	switch {
	case strings.Contains(t, "invalid_request"), strings.Contains(t, "tool_use_failed"), strings.Contains(t, "json_validate"):
		return http.StatusBadRequest
	case strings.Contains(t, "rate_limit"), typ == "tokens", typ == "requests":
		return http.StatusTooManyRequests
	case strings.Contains(t, "authentication"), strings.Contains(t, "invalid_api_key"):
		return http.StatusUnauthorized
	case strings.Contains(t, "permission"):
		return http.StatusForbidden
	case strings.Contains(t, "not_found"):
		return http.StatusNotFound
	case strings.Contains(t, "capacity"):
		return 498
	case strings.Contains(t, "unavailable"), strings.Contains(t, "overloaded"):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// hasTopLevelError reports whether a data payload is an error object
// rather than a chunk, without decoding it.
func hasTopLevelError(data []byte) bool {
	i := 0
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	if i >= len(data) || data[i] != '{' {
		return false
	}
	// A chunk starts with "id" or "choices"; only decode when "error" is a
	// key at the top level.
	if !bytes.Contains(data, []byte(`"error"`)) {
		return false
	}
	var probe struct {
		Error json.RawMessage `json:"error"`
	}
	return json.Unmarshal(data, &probe) == nil && truthy(probe.Error)
}

// truthy is Python's truth of a JSON value, as groq-python's stream reads
// `data.get("error")` (_streaming.py): null, false, 0, "", [] and {} are
// no error, and such a payload is a chunk.
func truthy(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return false
	}
	switch raw[0] {
	case 'n', 'f':
		return false // null, false
	case '"':
		return len(raw) > 2
	case '[', '{':
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return true
		}
		switch v := v.(type) {
		case []any:
			return len(v) > 0
		case map[string]any:
			return len(v) > 0
		}
		return true
	case 't':
		return true
	}
	f, err := strconv.ParseFloat(string(raw), 64) // 1e-400 reads as 0, 1e400 as +Inf (ErrRange), as in Python
	return err != nil || f != 0
}

// errorText returns a JSON string's value, or an object's message, or the
// raw JSON.
func errorText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj groqwire.ErrorObject
	if json.Unmarshal(raw, &obj) == nil && obj.Message != "" {
		return obj.Message
	}
	return string(raw)
}

var _ llm.StreamedResponse = (*StreamedResponse)(nil)
