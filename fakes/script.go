package fakes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/llmvcr/llmvcr/internal/fakeanswer"
	"github.com/llmvcr/llmvcr/internal/fakeid"
	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// PromptContains matches, for When, requests whose last user message
// contains s.
func PromptContains(s string) func(*Request) bool {
	return func(r *Request) bool { return strings.Contains(r.LastUserText(), s) }
}

type answerKind int

const (
	kindJSON    answerKind = iota // a JSON body (completion or error)
	kindStream                    // SSE frames
	kindHandler                   // a test's handler
	kindStall                     // nothing, until the client goes away
)

// Answer is one scripted answer. Its methods adjust it and return it, so
// they chain:
//
//	g.Stream(fakes.TextStream("Hello there")...).Delay(time.Second, 10*time.Millisecond).CutAfter(2)
//
// By default an answer is used once, by the first matching request after
// the answers scripted before it are used.
type Answer struct {
	g        *Groq // nil for answers the server makes itself
	kind     answerKind
	what     string // e.g. "Reply(chatcmpl-...)"
	where    string // file:line of the scripting call
	matchers []func(*Request) bool
	matchDoc []string
	times    int // uses allowed; 0 means any number
	used     int
	optional bool

	status  int
	header  http.Header
	body    []byte   // kindJSON
	frames  [][]byte // kindStream: one SSE event each
	handler http.HandlerFunc

	first, between time.Duration // delays
	cutAfter       int           // frames before the connection is cut; -1 never
	stallAfter     int           // frames before the stall; -1 never
	slowSize       int           // bytes per write of a slow body; 0 for whole frames
	slowEvery      time.Duration // pause between writes of a slow body
}

func newAnswer(kind answerKind, what string) *Answer {
	return &Answer{kind: kind, what: what, times: 1, cutAfter: -1, stallAfter: -1, status: http.StatusOK}
}

func (g *Groq) add(a *Answer) *Answer {
	a.g = g
	if _, file, line, ok := runtime.Caller(2); ok {
		a.where = fmt.Sprintf("%s:%d", file[strings.LastIndexByte(file, '/')+1:], line)
	}
	g.mu.Lock()
	g.answers = append(g.answers, a)
	g.mu.Unlock()
	return a
}

func (g *Groq) fail(format string, args ...any) {
	if g.t != nil {
		g.t.Helper()
		g.t.Fatalf(format, args...)
	}
}

// Reply scripts a non-streamed completion.
func (g *Groq) Reply(c *groqwire.ChatCompletion) *Answer {
	if c == nil {
		g.fail("fakes: Reply: nil completion")
		c = &groqwire.ChatCompletion{}
	}
	a := newAnswer(kindJSON, replyDoc(c))
	b, err := json.Marshal(c)
	if err != nil {
		g.fail("fakes: Reply: marshal completion: %v", err)
	}
	a.body = b
	return g.add(a)
}

// replyDoc describes a scripted completion in failure messages: by its
// text when it answers with text (Reply("Paris.")), else by its ID.
func replyDoc(c *groqwire.ChatCompletion) string {
	if len(c.Choices) > 0 {
		if t := c.Choices[0].Message.Content; t != nil && *t != "" {
			return fmt.Sprintf("Reply(%q)", fakeanswer.Clip(*t, 40))
		}
	}
	return "Reply(" + c.ID + ")"
}

// Stream scripts a streamed answer: one "data:" event per chunk, then
// "data: [DONE]".
func (g *Groq) Stream(chunks ...*groqwire.ChatCompletionChunk) *Answer {
	a := newAnswer(kindStream, fmt.Sprintf("Stream(%d chunks)", len(chunks)))
	for i, c := range chunks {
		f := ChunkFrame(c)
		if f.err != nil {
			g.fail("fakes: Stream: chunk %d: %v", i, f.err)
		}
		a.frames = append(a.frames, f.data)
	}
	a.frames = append(a.frames, []byte(doneFrame))
	return g.add(a)
}

// StreamFrames scripts a stream of events written as given (no [DONE] is
// added).
func (g *Groq) StreamFrames(frames ...Frame) *Answer {
	a := newAnswer(kindStream, fmt.Sprintf("StreamFrames(%d frames)", len(frames)))
	for i, f := range frames {
		if f.err != nil {
			g.fail("fakes: StreamFrames: frame %d: %v", i, f.err)
		}
		a.frames = append(a.frames, f.data)
	}
	return g.add(a)
}

// Error scripts an HTTP error: status, a body (Groq's error body as the
// error builders return it, or any other value, is sent as JSON; []byte and
// string are sent as they are) and extra headers. The ready-made errors fit it directly:
//
//	g.Error(fakes.ToolUseFailedError(`{"name": "f", "arguments": {}}`))
func (g *Groq) Error(status int, body any, header http.Header) *Answer {
	a := errorAnswer(status, body, header)
	if a.body == nil {
		g.fail("fakes: Error: marshal body %T", body)
	}
	return g.add(a)
}

func errorAnswer(status int, body any, header http.Header) *Answer {
	a := newAnswer(kindJSON, fmt.Sprintf("Error(%d)", status))
	a.status = status
	a.header = header.Clone()
	switch b := body.(type) {
	case []byte:
		a.body = b
	case string:
		a.body = []byte(b)
	default:
		a.body, _ = json.Marshal(b)
		if e, ok := body.(groqwire.ErrorResponse); ok && e.Error.Code != "" {
			a.what = fmt.Sprintf("Error(%d %s)", status, e.Error.Code)
		}
	}
	return a
}

// Handle scripts a handler for anything the other answers cannot express.
// The request body can be read again.
func (g *Groq) Handle(h http.HandlerFunc) *Answer {
	if h == nil {
		g.fail("fakes: Handle: nil handler")
		h = func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }
	}
	a := newAnswer(kindHandler, "Handle(func)")
	a.handler = h
	return g.add(a)
}

// Stall scripts an answer that sends nothing at all, not even headers,
// until the client gives up (its context is cancelled or its timeout
// expires) or the server closes.
func (g *Groq) Stall() *Answer { return g.add(newAnswer(kindStall, "Stall()")) }

// When makes the answer apply only to requests m matches; several calls
// must all match. Answers without a matcher match any chat request.
func (a *Answer) When(m func(*Request) bool) *Answer {
	a.lock()
	defer a.unlock()
	a.matchers = append(a.matchers, m)
	if _, file, line, ok := runtime.Caller(1); ok {
		a.matchDoc = append(a.matchDoc, fmt.Sprintf("matcher at %s:%d", file[strings.LastIndexByte(file, '/')+1:], line))
	}
	return a
}

// Times lets the answer be used n times (default 1); it fails the test at
// cleanup unless used n times.
func (a *Answer) Times(n int) *Answer { return a.with(func() { a.times = max(n, 1) }) }

// Repeat lets the answer be used any number of times; it fails the test at
// cleanup unless used at least once.
func (a *Answer) Repeat() *Answer { return a.with(func() { a.times = 0 }) }

// Optional lets the answer go unused without failing the test.
func (a *Answer) Optional() *Answer { return a.with(func() { a.optional = true }) }

// Header adds a response header.
func (a *Answer) Header(key, value string) *Answer {
	return a.with(func() {
		if a.header == nil {
			a.header = http.Header{}
		}
		a.header.Add(key, value)
	})
}

// Delay waits first before the first frame of a stream (after the headers
// are sent) or before a whole reply, and between before each later frame.
// Delays run on the server's clock.
func (a *Answer) Delay(first, between time.Duration) *Answer {
	return a.with(func() { a.first, a.between = first, between })
}

// CutAfter closes the connection after k frames (k SSE events of a stream,
// or k pieces of a slow body; 0 cuts right after the headers), so the client
// sees the body end early.
func (a *Answer) CutAfter(k int) *Answer { return a.with(func() { a.cutAfter = max(k, 0) }) }

// StallAfter sends k frames, then nothing more until the client goes away
// or the server closes.
func (a *Answer) StallAfter(k int) *Answer { return a.with(func() { a.stallAfter = max(k, 0) }) }

// SlowBody writes the body size bytes at a time, pausing every between
// writes (on the server's clock). A stream is cut across event boundaries,
// as a slow network would.
func (a *Answer) SlowBody(size int, every time.Duration) *Answer {
	return a.with(func() { a.slowSize, a.slowEvery = max(size, 1), every })
}

// ErrorFrameAfter replaces everything after the first k frames of a stream
// with an "event: error" frame carrying e, as Groq ends a stream that fails
// after the HTTP 200 (no [DONE] follows). Use StreamError to add
// status_code.
func (a *Answer) ErrorFrameAfter(k int, e groqwire.ErrorObject) *Answer {
	f := errorFrame(e)
	if f.err != nil && a.g != nil {
		a.g.fail("fakes: ErrorFrameAfter: %v", f.err)
	}
	return a.with(func() {
		k = min(max(k, 0), len(a.frames))
		a.frames = append(a.frames[:k:k], f.data)
	})
}

// MalformedFrameAfter inserts a "data:" event whose payload is text (not
// JSON) after k frames; the rest of the stream follows.
func (a *Answer) MalformedFrameAfter(k int, text string) *Answer {
	return a.with(func() {
		k = min(max(k, 0), len(a.frames))
		frames := append(a.frames[:k:k], malformedFrame(text).data)
		a.frames = append(frames, a.frames[k:]...)
	})
}

// WithoutDone drops the final "data: [DONE]".
func (a *Answer) WithoutDone() *Answer {
	return a.with(func() {
		if n := len(a.frames); n > 0 && string(a.frames[n-1]) == doneFrame {
			a.frames = a.frames[:n-1]
		}
	})
}

// with runs f under the server's lock (answers are read by concurrent
// requests) and returns a, so that the setters chain.
func (a *Answer) with(f func()) *Answer {
	a.lock()
	defer a.unlock()
	f()
	return a
}

func (a *Answer) lock() {
	if a.g != nil {
		a.g.mu.Lock()
	}
}

func (a *Answer) unlock() {
	if a.g != nil {
		a.g.mu.Unlock()
	}
}

func (a *Answer) exhausted() bool { return a.times > 0 && a.used >= a.times }

func (a *Answer) minUses() int { return max(a.times, 1) }

func (a *Answer) timesString() string {
	if a.times == 0 {
		return "at least 1"
	}
	return strconv.Itoa(a.times)
}

func (a *Answer) matches(r *Request) bool {
	a.lock()
	matchers := append([]func(*Request) bool(nil), a.matchers...)
	a.unlock()
	for _, m := range matchers {
		if !m(r) {
			return false
		}
	}
	return true
}

func (a *Answer) describe() string {
	s := a.what
	if a.where != "" {
		s += " scripted at " + a.where
	}
	if len(a.matchDoc) > 0 {
		s += " when " + strings.Join(a.matchDoc, " and ")
	}
	return s
}

// dataFrame returns "data: <payload>\n\n".
func dataFrame(payload []byte) []byte {
	out := make([]byte, 0, len(payload)+8)
	out = append(out, "data: "...)
	out = append(out, payload...)
	return append(out, "\n\n"...)
}

// Frame is one server-sent event as the fake writes it, blank line
// included, for StreamFrames. Build frames with ChunkFrame or
// RawFrame (anything else: "data: [DONE]\n\n", an error event, a comment,
// half an event).
type Frame struct {
	data []byte
	err  error // why the frame could not be built; reported when scripted
}

func jsonFrame(prefix string, v any) Frame {
	b, err := json.Marshal(v)
	if err != nil {
		return Frame{err: fmt.Errorf("fakes: marshal %T: %w", v, err)}
	}
	return Frame{data: append([]byte(prefix), dataFrame(b)...)}
}

// ChunkFrame returns the event carrying c: "data: <chunk>".
func ChunkFrame(c *groqwire.ChatCompletionChunk) Frame { return jsonFrame("", c) }

// errorFrame returns Groq's in-stream error event:
// "event: error\ndata: {"error": e}".
func errorFrame(e groqwire.ErrorObject) Frame {
	return jsonFrame("event: error\n", groqwire.ErrorResponse{Error: e})
}

// malformedFrame returns a data event whose payload is text as it is.
func malformedFrame(text string) Frame { return Frame{data: dataFrame([]byte(text))} }

// RawFrame returns b written as it is: a comment (": keep-alive\n\n"), an
// event of another type, half an event.
func RawFrame(b []byte) Frame { return Frame{data: append([]byte(nil), b...)} }

const doneFrame = "data: [DONE]\n\n"

// run writes the answer a for req.
func (g *Groq) run(ctx context.Context, w http.ResponseWriter, r *http.Request, req *Request, a *Answer) {
	switch a.kind {
	case kindHandler:
		a.handler(w, r)
	case kindStall:
		<-ctx.Done()
	case kindStream:
		g.writeStream(ctx, w, req, a)
	default:
		g.writeJSON(ctx, w, req, a)
	}
}

// setHeaders sets the headers Groq sends on every answer, then defaults
// (pairs of name and value), then the answer's own headers, which win.
func (g *Groq) setHeaders(w http.ResponseWriter, req *Request, a *Answer, requestID string, defaults ...string) {
	h := w.Header()
	for k, vs := range g.rateLimitHeader(req) {
		h[k] = vs
	}
	if requestID == "" {
		requestID = fakeid.New("request", strconv.Itoa(req.Index), string(req.Body)).RequestID()
	}
	h.Set("X-Request-Id", requestID)
	h.Set("Vary", "Origin")
	for i := 0; i+1 < len(defaults); i += 2 {
		h.Set(defaults[i], defaults[i+1])
	}
	for k, vs := range a.header {
		h[k] = append([]string(nil), vs...)
	}
}

// writeJSON writes a whole JSON body, honouring delays, slow bodies, cuts
// and stalls.
func (g *Groq) writeJSON(ctx context.Context, w http.ResponseWriter, req *Request, a *Answer) {
	var probe struct {
		XGroq *struct {
			ID string `json:"id"`
		} `json:"x_groq"`
	}
	_ = json.Unmarshal(a.body, &probe)
	rid := ""
	if probe.XGroq != nil {
		rid = probe.XGroq.ID
	}
	g.setHeaders(w, req, a, rid,
		"Content-Type", "application/json",
		"Cache-Control", "private, max-age=0, no-store, no-cache, must-revalidate",
		"Content-Length", strconv.Itoa(len(a.body)))
	if err := g.sleep(ctx, a.first); err != nil {
		return
	}
	pieces := [][]byte{a.body}
	if a.slowSize > 0 {
		pieces = split(a.body, a.slowSize)
	}
	w.WriteHeader(a.status)
	flush(w)
	g.writePieces(ctx, w, a, pieces, 0, a.slowEvery)
}

// writeStream writes the SSE frames of a stream.
func (g *Groq) writeStream(ctx context.Context, w http.ResponseWriter, req *Request, a *Answer) {
	rid := ""
	for _, f := range a.frames {
		if i := bytes.Index(f, []byte(`"x_groq":{"id":"`)); i >= 0 {
			rest := f[i+len(`"x_groq":{"id":"`):]
			if j := bytes.IndexByte(rest, '"'); j >= 0 {
				rid = string(rest[:j])
				break
			}
		}
	}
	g.setHeaders(w, req, a, rid, "Content-Type", "text/event-stream", "Cache-Control", "no-cache")
	w.WriteHeader(a.status)
	flush(w)
	pieces, first, between := a.frames, a.first, a.between
	if a.slowSize > 0 {
		pieces = split(bytes.Join(a.frames, nil), a.slowSize)
		between = a.slowEvery
	}
	g.writePieces(ctx, w, a, pieces, first, between)
}

// writePieces writes pieces with the delays (first before the first piece,
// between before each later one), then cuts or stalls where the answer says.
func (g *Groq) writePieces(ctx context.Context, w http.ResponseWriter, a *Answer, pieces [][]byte, first, between time.Duration) {
	for i, p := range pieces {
		if i == a.cutAfter {
			cut(w)
			return
		}
		if i == a.stallAfter {
			<-ctx.Done()
			return
		}
		d := between
		if i == 0 {
			d = first
		}
		if err := g.sleep(ctx, d); err != nil {
			return
		}
		if _, err := w.Write(p); err != nil {
			return
		}
		flush(w)
	}
	switch len(pieces) {
	case a.cutAfter:
		cut(w)
	case a.stallAfter:
		<-ctx.Done()
	}
}

func split(b []byte, size int) [][]byte {
	var out [][]byte
	for len(b) > size {
		out = append(out, b[:size])
		b = b[size:]
	}
	if len(b) > 0 {
		out = append(out, b)
	}
	return out
}

func flush(w http.ResponseWriter) {
	_ = http.NewResponseController(w).Flush()
}

// cut closes the connection under the response, so that the client sees
// the body end without its terminating chunk.
func cut(w http.ResponseWriter) {
	flush(w)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2: the server resets the stream
	}
	_ = conn.Close()
}

// sleep waits d on the server's clock; no wait at all for d <= 0.
func (g *Groq) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	return g.clock.Sleep(ctx, d)
}
