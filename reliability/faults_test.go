package reliability

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/fakes/fakeclock"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/leakcheck"
	"github.com/llmvcr/llmvcr/llm"
	"github.com/llmvcr/llmvcr/replay"
)

// The faults below are played by the fake Groq server (or, for a refused
// connection, by nobody) against the real groq.Model. Every call runs under
// a context deadline and a watchdog; every goroutine the call started
// must have ended once the call is over and the server closed.

const (
	answerText  = "The capital of France is Paris."
	callTimeout = 60 * time.Second // context deadline of an ordinary call: a bound, never reached on a busy machine
	stallAfter  = 300 * time.Millisecond
	watchdog    = 120 * time.Second // a call still running after this hangs
	settleLimit = 30 * time.Second  // how long goroutines get to end: a bound on a real leak only
	huge        = 50 << 20          // bytes in a huge body
	errBodyCap  = 4 << 20           // what groq keeps of an error body
)

// Error kinds a caller can tell apart with errors.As, as logged.
const (
	kindOK         = "ok"
	kindHTTP       = "*llm.ModelHTTPError"
	kindAPI        = "*llm.ModelAPIError"
	kindUnexpected = "*llm.UnexpectedModelBehavior"
	kindStream     = "*groq.StreamError"
	kindUser       = "*llm.UserError"
)

// kindOf names the first llmvcr error type in err's chain, or "untyped
// <T>" when there is none.
func kindOf(err error) string {
	if err == nil {
		return kindOK
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch e.(type) {
		case *groq.StreamError:
			return kindStream
		case *llm.ModelHTTPError:
			return kindHTTP
		case *llm.UnexpectedModelBehavior:
			return kindUnexpected
		case *llm.ModelAPIError:
			return kindAPI
		case *llm.UserError:
			return kindUser
		}
	}
	return fmt.Sprintf("untyped %T", err)
}

// asKind reports whether errors.As finds the type kind names in err.
func asKind(err error, kind string) bool {
	switch kind {
	case kindOK:
		return err == nil
	case kindHTTP:
		var e *llm.ModelHTTPError
		return errors.As(err, &e)
	case kindAPI:
		var e *llm.ModelAPIError
		return errors.As(err, &e)
	case kindUnexpected:
		var e *llm.UnexpectedModelBehavior
		return errors.As(err, &e)
	case kindStream:
		var e *groq.StreamError
		return errors.As(err, &e)
	case kindUser:
		var e *llm.UserError
		return errors.As(err, &e)
	}
	return false
}

type callKind int

const (
	plain callKind = iota
	stream
)

func (k callKind) String() string {
	if k == stream {
		return "stream"
	}
	return "plain"
}

// result is what one faulty call produced.
type result struct {
	err      error
	resp     *llm.Response // the response, or what a stream delivered
	events   int           // stream events received before the end
	requests int           // requests the server saw
	slept    []time.Duration
}

// fault is one scripted fault and what the caller must get.
type fault struct {
	name    string
	kind    callKind
	retries int                               // the model's max retries
	script  func(t *testing.T, g *fakes.Groq) // nil: no server at all (a refused connection)
	model   []groq.Option                     // extra model options
	timeout time.Duration                     // context deadline; callTimeout when 0
	want    string                            // the error kind
	status  int                               // for kindHTTP
	check   func(t checker, r result) string  // more checks; returns a note for the table
	// ask is the question asked; "What is the capital of France?" when
	// empty.
	ask string
	// replay holds the session options of a fault played through a
	// replayed cassette (TestReplayFaults).
	replay []replay.Option
}

// checker is the part of *testing.T a fault's check uses.
type checker interface {
	Helper()
	Errorf(format string, args ...any)
}

// refusedURL returns a loopback URL nothing listens on.
func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// resetHandler answers with a TCP reset before any header.
func resetHandler(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // close sends RST, not FIN
		}
		conn.Close()
	}
}

// hugeHandler writes status, content type and then size bytes made of
// prefix, filler bytes and suffix, a megabyte at a time, so the server never
// holds the whole body.
func hugeHandler(status int, contentType, prefix string, filler byte, suffix string, size int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		if _, err := w.Write([]byte(prefix)); err != nil {
			return
		}
		block := []byte(strings.Repeat(string(filler), 1<<20))
		for left := size - len(prefix) - len(suffix); left > 0; left -= len(block) {
			if left < len(block) {
				block = block[:left]
			}
			if _, err := w.Write(block); err != nil {
				return // the client stopped reading: fine
			}
		}
		w.Write([]byte(suffix))
	}
}

const htmlPage = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>
`

func textChunks() []*groqwire.ChatCompletionChunk { return fakes.TextStream(answerText) }

// sleptIs returns a check that the model waited exactly want between
// attempts and, unless requests is -1, that the server saw requests
// requests.
func sleptIs(requests int, want ...time.Duration) func(t checker, r result) string {
	return func(t checker, r result) string {
		t.Helper()
		if requests >= 0 && r.requests != requests {
			t.Errorf("server saw %d requests, want %d", r.requests, requests)
		}
		if fmt.Sprint(r.slept) != fmt.Sprint(want) {
			t.Errorf("model waited %v between attempts, want %v", r.slept, want)
		}
		if requests < 0 {
			return fmt.Sprintf("waited %v", r.slept)
		}
		return fmt.Sprintf("%d requests, waited %v", r.requests, r.slept)
	}
}

// errSays returns a check that the caller's error carries want, the
// server's own message.
func errSays(want string) func(t checker, r result) string {
	return func(t checker, r result) string {
		t.Helper()
		if r.err == nil || !strings.Contains(r.err.Error(), want) {
			t.Errorf("error %v does not say %q", r.err, want)
		}
		return fmt.Sprintf("error says %q", want)
	}
}

// allOf returns a check that runs every check and joins their notes.
func allOf(checks ...func(t checker, r result) string) func(t checker, r result) string {
	return func(t checker, r result) string {
		t.Helper()
		notes := make([]string, len(checks))
		for i, c := range checks {
			notes[i] = c(t, r)
		}
		return strings.Join(notes, "; ")
	}
}

// textIs returns a check of the answer's text.
func textIs(want string) func(t checker, r result) string {
	return func(t checker, r result) string {
		t.Helper()
		if r.resp == nil || r.resp.Text() != want {
			t.Errorf("text = %q, want %q", respText(r.resp), want)
		}
		return fmt.Sprintf("text %q", respText(r.resp))
	}
}

func respText(r *llm.Response) string {
	if r == nil {
		return ""
	}
	return r.Text()
}

// timedOut checks that the error says the call timed out.
func timedOut(t checker, r result) string {
	t.Helper()
	var ae *llm.ModelAPIError
	if !errors.As(r.err, &ae) || !ae.Timeout() {
		t.Errorf("error %v: want a *llm.ModelAPIError whose Timeout() is true", r.err)
	}
	return "Timeout() true"
}

// errBodyBounded checks that an HTTP error kept at most errBodyCap bytes.
func errBodyBounded(t checker, r result) string {
	t.Helper()
	var he *llm.ModelHTTPError
	if !errors.As(r.err, &he) {
		return ""
	}
	if len(he.Body) > errBodyCap {
		t.Errorf("error body holds %d bytes, want at most %d", len(he.Body), errBodyCap)
	}
	if n := len(he.Error()); n > 64<<10 {
		t.Errorf("error message is %d bytes long, want it clipped", n)
	}
	return fmt.Sprintf("kept %d of %d body bytes, message %d bytes", len(he.Body), huge, len(he.Error()))
}

// heldBytes notes how much of a huge body an error or response holds.
func heldBytes(t checker, r result) string {
	t.Helper()
	var ue *llm.UnexpectedModelBehavior
	if errors.As(r.err, &ue) {
		if n := len(ue.Error()); n > 64<<10 {
			t.Errorf("error message is %d bytes long, want it clipped", n)
		}
		return fmt.Sprintf("error holds %d body bytes, message %d bytes", len(ue.Body), len(ue.Error()))
	}
	if r.err != nil {
		if n := len(r.err.Error()); n > 64<<10 {
			t.Errorf("error message is %d bytes long, want it clipped", n)
		}
		return fmt.Sprintf("message %d bytes", len(r.err.Error()))
	}
	return fmt.Sprintf("response text %d bytes", len(respText(r.resp)))
}

// cutFaults returns, for a stream of n chunks and [DONE], one fault per
// place the connection can be cut: after 0..n frames (the client sees the
// body end early, even when only [DONE] is missing: a broken connection)
// and after the n+1 frames of the whole stream (a normal answer).
func cutFaults() []fault {
	chunks := textChunks()
	n := len(chunks)
	var fs []fault
	for k := 0; k <= n+1; k++ {
		f := fault{
			name:   fmt.Sprintf("stream cut after frame %d of %d", k, n+1),
			kind:   stream,
			script: func(t *testing.T, g *fakes.Groq) { g.Stream(textChunks()...).CutAfter(k) },
			want:   kindAPI,
			check: func(t checker, r result) string {
				t.Helper()
				got := respText(r.resp)
				if !strings.HasPrefix(answerText, got) {
					t.Errorf("partial text %q is not a prefix of %q", got, answerText)
				}
				return fmt.Sprintf("%d events, partial text %q", r.events, got)
			},
		}
		switch {
		case k == n+1:
			f.want = kindOK
			f.check = textIs(answerText)
		}
		fs = append(fs, f)
	}
	return fs
}

func faults() []fault {
	sec := time.Second
	ms := time.Millisecond
	var fs []fault
	add := func(f ...fault) { fs = append(fs, f...) }

	// Connections.
	add(
		fault{name: "connection refused", retries: 2, want: kindAPI, check: func(t checker, r result) string {
			if fmt.Sprint(r.slept) != fmt.Sprint([]time.Duration{500 * ms, sec}) {
				t.Errorf("model waited %v between attempts, want [500ms 1s]", r.slept)
			}
			return fmt.Sprintf("retried after %v", r.slept)
		}},
		fault{name: "connection refused", kind: stream, want: kindAPI},
		fault{name: "reset before headers", script: func(t *testing.T, g *fakes.Groq) { g.Handle(resetHandler(t)) }, want: kindAPI},
		fault{name: "reset before headers", kind: stream, script: func(t *testing.T, g *fakes.Groq) { g.Handle(resetHandler(t)) }, want: kindAPI},
		fault{name: "reset before headers, retried", retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Handle(resetHandler(t)).Times(2)
			g.Reply(fakes.TextCompletion(answerText))
		}, want: kindOK, check: sleptIs(3, 500*ms, sec)},
		fault{name: "body cut after headers", script: func(t *testing.T, g *fakes.Groq) {
			g.Reply(fakes.TextCompletion(answerText)).SlowBody(16, 0).CutAfter(0)
		}, want: kindAPI},
		fault{name: "body cut mid-JSON", script: func(t *testing.T, g *fakes.Groq) {
			g.Reply(fakes.TextCompletion(answerText)).SlowBody(16, 0).CutAfter(3)
		}, want: kindAPI},
	)

	// A stream cut after each frame.
	add(cutFaults()...)

	// Stalls until the context deadline or the model's timeout.
	add(
		fault{name: "stall before headers until deadline", timeout: stallAfter, script: func(t *testing.T, g *fakes.Groq) { g.Stall() }, want: kindAPI, check: timedOut},
		fault{name: "stall before headers until deadline", kind: stream, timeout: stallAfter, script: func(t *testing.T, g *fakes.Groq) { g.Stall() }, want: kindAPI, check: timedOut},
		fault{name: "stall mid-stream until deadline", kind: stream, timeout: stallAfter, script: func(t *testing.T, g *fakes.Groq) { g.Stream(textChunks()...).StallAfter(2) }, want: kindAPI, check: timedOut},
		fault{name: "stall until WithTimeout", model: []groq.Option{groq.WithTimeout(stallAfter)}, script: func(t *testing.T, g *fakes.Groq) { g.Stall() }, want: kindAPI, check: timedOut},
		fault{name: "stall until WithTimeout", kind: stream, model: []groq.Option{groq.WithTimeout(stallAfter)}, script: func(t *testing.T, g *fakes.Groq) { g.Stall() }, want: kindAPI, check: timedOut},
		fault{name: "stall mid-body until WithTimeout", model: []groq.Option{groq.WithTimeout(stallAfter)}, script: func(t *testing.T, g *fakes.Groq) {
			g.Reply(fakes.TextCompletion(answerText)).SlowBody(16, 0).StallAfter(2)
		}, want: kindAPI, check: timedOut},
	)

	// Frames and bodies that are not what Groq sends.
	add(
		fault{name: "malformed JSON frame mid-stream", kind: stream, script: func(t *testing.T, g *fakes.Groq) {
			g.Stream(textChunks()...).MalformedFrameAfter(2, `{"id": "chatcmpl-x", "choices": [`)
		}, want: kindUnexpected},
		fault{name: "malformed JSON frame first", kind: stream, script: func(t *testing.T, g *fakes.Groq) {
			g.Stream(textChunks()...).MalformedFrameAfter(0, `not json at all`)
		}, want: kindUnexpected},
		// A body that ends cleanly without [DONE] is treated like a cut
		// connection (retryable), not as a malformed answer.
		fault{name: "[DONE] missing", kind: stream, script: func(t *testing.T, g *fakes.Groq) { g.Stream(textChunks()...).WithoutDone() }, want: kindAPI},
		fault{name: "only [DONE]", kind: stream, script: func(t *testing.T, g *fakes.Groq) { g.StreamFrames(fakes.RawFrame([]byte("data: [DONE]\n\n"))) }, want: kindUnexpected},
		fault{name: "empty 200 stream", kind: stream, script: func(t *testing.T, g *fakes.Groq) { g.StreamFrames() }, want: kindUnexpected},
		fault{name: "malformed JSON body", script: func(t *testing.T, g *fakes.Groq) { g.Error(200, `{"id": "chatcmpl-x", "choices": [`, nil) }, want: kindUnexpected},
		fault{name: "JSON of the wrong shape", script: func(t *testing.T, g *fakes.Groq) { g.Error(200, `{"choices": "none"}`, nil) }, want: kindUnexpected},
		fault{name: "no choices", script: func(t *testing.T, g *fakes.Groq) { g.Error(200, `{"id": "chatcmpl-x", "choices": []}`, nil) }, want: kindUnexpected},
		fault{name: "empty 200 body", script: func(t *testing.T, g *fakes.Groq) { g.Error(200, "", nil) }, want: kindUnexpected},
		fault{name: "204 no content", script: func(t *testing.T, g *fakes.Groq) { g.Error(204, "", nil) }, want: kindUnexpected},
		fault{name: "error event mid-stream", kind: stream, script: func(t *testing.T, g *fakes.Groq) {
			g.Stream(textChunks()...).ErrorFrameAfter(2, fakes.StreamError(503, groqwire.ErrorObject{Message: "Service Unavailable", Type: "internal_server_error"}))
		}, want: kindHTTP, status: 503},
		fault{name: "error event before any chunk", kind: stream, script: func(t *testing.T, g *fakes.Groq) {
			g.Stream(textChunks()...).ErrorFrameAfter(0, fakes.StreamError(500, groqwire.ErrorObject{Message: "Internal Server Error", Type: "internal_server_error"}))
		}, want: kindHTTP, status: 500},
		fault{name: "x_groq.error chunk mid-stream", kind: stream, script: func(t *testing.T, g *fakes.Groq) {
			chunks := textChunks()
			frames := []fakes.Frame{fakes.ChunkFrame(chunks[0]), fakes.ChunkFrame(chunks[1]), fakes.ChunkFrame(fakes.XGroqErrorChunk("over capacity")), fakes.RawFrame([]byte("data: [DONE]\n\n"))}
			g.StreamFrames(frames...)
		}, want: kindStream},
	)

	// Status sequences, on the instant clock.
	add(
		fault{name: "429 retry-after 2s, then 200", retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(fakes.RateLimitError(2 * sec))
			g.Reply(fakes.TextCompletion(answerText))
		}, want: kindOK, check: sleptIs(2, 2*sec)},
		fault{name: "429 retry-after-ms 150, then 200", retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(429, groqwire.ErrorResponse{Error: groqwire.ErrorObject{Message: "slow down", Type: "tokens", Code: "rate_limit_exceeded"}}, http.Header{"Retry-After-Ms": {"150"}})
			g.Reply(fakes.TextCompletion(answerText))
		}, want: kindOK, check: sleptIs(2, 150*ms)},
		fault{name: "429 without retry-after, then 200", retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(429, groqwire.ErrorResponse{Error: groqwire.ErrorObject{Message: "slow down", Type: "tokens", Code: "rate_limit_exceeded"}}, nil)
			g.Reply(fakes.TextCompletion(answerText))
		}, want: kindOK, check: sleptIs(2, 500*ms)},
		fault{name: "429 storm exhausts the retries", retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(fakes.RateLimitError(sec)).Times(3)
		}, want: kindHTTP, status: 429, check: sleptIs(3, sec, sec)},
		// A wait over the cap (60s) is not honoured: the model backs off as
		// usual, and the error keeps the server's RetryAfter.
		fault{name: "429 retry-after 120s, over the cap", retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(fakes.RateLimitError(120 * sec)).Times(3)
		}, want: kindHTTP, status: 429, check: func(t checker, r result) string {
			note := sleptIs(3, 500*ms, sec)(t, r)
			var he *llm.ModelHTTPError
			errors.As(r.err, &he)
			if d, ok := he.RetryAfter(); !ok || d != 120*sec {
				t.Errorf("RetryAfter() = %v, %v; want 2m0s, true", d, ok)
			}
			return note + "; RetryAfter() 2m0s"
		}},
		fault{name: "429 then 200", kind: stream, retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(fakes.RateLimitError(sec))
			g.Stream(textChunks()...)
		}, want: kindOK, check: sleptIs(2, sec)},
		// groq-python retries 408, 409, 429 and 5xx only: the flex tier's
		// 498 goes straight to the caller, whatever the retry budget.
		fault{name: "498 flex capacity is not retried", retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(fakes.FlexCapacityError())
		}, want: kindHTTP, status: 498, check: allOf(sleptIs(1), errSays("Capacity exceeded for the flex service tier"))},
		fault{name: "498 flex capacity is not retried", kind: stream, retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(fakes.FlexCapacityError())
		}, want: kindHTTP, status: 498, check: allOf(sleptIs(1), errSays("Capacity exceeded for the flex service tier"))},
		fault{name: "500, 503, then 200", retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(fakes.InternalServerError())
			g.Error(fakes.ServiceUnavailableError())
			g.Reply(fakes.TextCompletion(answerText))
		}, want: kindOK, check: sleptIs(3, 500*ms, sec)},
		fault{name: "500, 502, 504", retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(fakes.InternalServerError())
			g.Error(502, htmlPage, http.Header{"Content-Type": {"text/html"}})
			g.Error(504, "upstream request timeout", http.Header{"Content-Type": {"text/plain"}})
		}, want: kindHTTP, status: 504, check: sleptIs(3, 500*ms, sec)},
		fault{name: "503, then 200", kind: stream, retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(fakes.ServiceUnavailableError())
			g.Stream(textChunks()...)
		}, want: kindOK, check: sleptIs(2, 500*ms)},
		fault{name: "503 with x-should-retry: false", retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(503, groqwire.ErrorResponse{Error: groqwire.ErrorObject{Message: "down", Type: "internal_server_error"}}, http.Header{"X-Should-Retry": {"false"}})
		}, want: kindHTTP, status: 503, check: sleptIs(1)},
		fault{name: "401 is not retried", retries: 2, script: func(t *testing.T, g *fakes.Groq) { g.Error(fakes.InvalidAPIKeyError()) }, want: kindHTTP, status: 401, check: sleptIs(1)},
	)

	// Huge bodies.
	add(
		fault{name: "50 MB error body", script: func(t *testing.T, g *fakes.Groq) {
			g.Handle(hugeHandler(500, "application/json", `{"error": {"message": "`, 'x', `"}}`, huge))
		}, want: kindHTTP, status: 500, check: errBodyBounded},
		fault{name: "50 MB error body", kind: stream, script: func(t *testing.T, g *fakes.Groq) {
			g.Handle(hugeHandler(500, "application/json", `{"error": {"message": "`, 'x', `"}}`, huge))
		}, want: kindHTTP, status: 500, check: errBodyBounded},
		fault{name: "50 MB 200 body, not JSON", script: func(t *testing.T, g *fakes.Groq) {
			g.Handle(hugeHandler(200, "application/json", "", 'x', "", huge))
		}, want: kindUnexpected, check: heldBytes},
		fault{name: "50 MB chunk", kind: stream, script: func(t *testing.T, g *fakes.Groq) {
			g.Handle(hugeHandler(200, "text/event-stream", `data: {"id":"c","choices":[{"index":0,"delta":{"content":"`, 'x', "\"}}]}\n\ndata: [DONE]\n\n", huge))
		}, want: kindUnexpected, check: heldBytes},
		// A valid answer is read whole (8 MB in the quick run, 50 MB in the
		// long one).
		fault{name: fmt.Sprintf("%d MB answer text", pick(8, 50)), script: func(t *testing.T, g *fakes.Groq) {
			g.Handle(hugeHandler(200, "application/json", `{"id":"c","model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"`, 'x', `"}}]}`, pick(8, 50)<<20))
		}, want: kindOK, check: heldBytes},
	)

	// Content types and HTML pages.
	add(
		fault{name: "JSON answer sent as text/plain", script: func(t *testing.T, g *fakes.Groq) {
			g.Reply(fakes.TextCompletion(answerText)).Header("Content-Type", "text/plain")
		}, want: kindOK, check: textIs(answerText)},
		fault{name: "stream sent as application/json", kind: stream, script: func(t *testing.T, g *fakes.Groq) {
			g.Stream(textChunks()...).Header("Content-Type", "application/json")
		}, want: kindOK, check: textIs(answerText)},
		fault{name: "stream answered to a plain request", script: func(t *testing.T, g *fakes.Groq) { g.Stream(textChunks()...) }, want: kindUnexpected},
		fault{name: "JSON answered to a stream request", kind: stream, script: func(t *testing.T, g *fakes.Groq) { g.Reply(fakes.TextCompletion(answerText)) }, want: kindUnexpected},
		fault{name: "HTML 502 page", script: func(t *testing.T, g *fakes.Groq) {
			g.Error(502, htmlPage, http.Header{"Content-Type": {"text/html"}})
		}, want: kindHTTP, status: 502},
		fault{name: "HTML 502 page", kind: stream, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(502, htmlPage, http.Header{"Content-Type": {"text/html"}})
		}, want: kindHTTP, status: 502},
		fault{name: "HTML 403 page", retries: 2, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(403, strings.ReplaceAll(htmlPage, "502 Bad Gateway", "403 Forbidden"), http.Header{"Content-Type": {"text/html"}})
		}, want: kindHTTP, status: 403, check: sleptIs(1)},
		fault{name: "HTML page with 200", script: func(t *testing.T, g *fakes.Groq) {
			g.Error(200, htmlPage, http.Header{"Content-Type": {"text/html"}})
		}, want: kindUnexpected},
		fault{name: "HTML page with 200", kind: stream, script: func(t *testing.T, g *fakes.Groq) {
			g.Error(200, htmlPage, http.Header{"Content-Type": {"text/html"}})
		}, want: kindUnexpected},
	)
	return fs
}

// TestFaults plays every fault against groq.Model and logs a table of the
// error each caller got.
func TestFaults(t *testing.T) {
	playFaults(t, "faults", "faults against groq.Model through fakes.NewGroq", faults(), runFault)
}

// playFaults runs every fault through run, checks what the caller got,
// and logs the table and the figures under name.
func playFaults(t *testing.T, name, title string, fs []fault, run func(*testing.T, fault) (result, outcome)) {
	var tried, hangs, panics, leaks, wrong int
	var table strings.Builder
	fmt.Fprintf(&table, "%-48s %-6s %-30s %s\n", "fault", "call", "caller gets", "notes")
	for _, f := range fs {
		tried++
		var got string
		var notes string
		ok := t.Run(f.name+" ("+f.kind.String()+")", func(t *testing.T) {
			before := leakcheck.Take()
			r, o := run(t, f)
			switch {
			case o.hung:
				hangs++
				t.Fatalf("call still running after %s:\n%s", watchdog, stacks())
			case o.panicked != nil:
				panics++
				t.Fatalf("call panicked: %v", o.panicked)
			}
			got = kindOf(r.err)
			if got != f.want || !asKind(r.err, f.want) {
				wrong++
				t.Errorf("caller got %s (%v), want %s", got, r.err, f.want)
			}
			if f.status != 0 {
				var he *llm.ModelHTTPError
				if errors.As(r.err, &he) && he.StatusCode != f.status {
					t.Errorf("status %d, want %d", he.StatusCode, f.status)
				}
			}
			if r.err != nil && strings.Contains(r.err.Error(), testKey) {
				t.Errorf("error message contains the API key")
			}
			if f.check != nil {
				notes = f.check(t, r)
			}
			if left := before.Leaked(settleLimit); len(left) > 0 {
				leaks++
				t.Errorf("%d goroutines started by the call still run:\n%s", len(left), leakcheck.Format(left))
			}
		})
		status := ""
		if !ok {
			status = " FAILED"
		}
		if len(notes) > 110 {
			notes = notes[:107] + "..."
		}
		fmt.Fprintf(&table, "%-48s %-6s %-30s %s%s\n", f.name, f.kind, got, notes, status)
	}
	t.Logf("%s:\n%s", title, table.String())
	figure(t, name, "tried", tried, "hangs", hangs, "panics", panics, "leaks", leaks, "wrong_error", wrong)
}

// testKey is the fake API key every model is given; no error may show it.
const testKey = "gsk_reliability_fake_key_0123456789"

// runFault starts the fault's server, makes the call under a deadline and
// the watchdog, then closes the server.
func runFault(t *testing.T, f fault) (result, outcome) {
	t.Helper()
	clock := fakeclock.NewInstant(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var g *fakes.Groq
	var client *http.Client
	var baseURL string
	if f.script != nil {
		g = fakes.NewGroq(t)
		f.script(t, g)
		client, baseURL = g.Client(), g.URL
	} else {
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		client, baseURL = &http.Client{Transport: tr}, refusedURL(t)
	}
	opts := append([]groq.Option{
		groq.WithBaseURL(baseURL),
		groq.WithHTTPClient(client),
		groq.WithAPIKey(testKey),
		groq.WithClock(clock),
		groq.WithJitter(func() float64 { return 0 }),
		groq.WithMaxRetries(f.retries),
	}, f.model...)
	m, err := groq.NewModel(fakes.DefaultModel, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var r result
	o := callModel(m, f, &r)
	if o.hung {
		return r, o
	}
	if g != nil {
		r.requests = len(g.Requests())
		g.Close()
	}
	if tr, ok := client.Transport.(*http.Transport); ok {
		tr.CloseIdleConnections()
	}
	r.slept = clock.Slept()
	return r, o
}

// callModel makes the fault's call (plain or streamed) under its deadline
// and the watchdog, filling r.
func callModel(m llm.Model, f fault, r *result) outcome {
	timeout := f.timeout
	if timeout == 0 {
		timeout = callTimeout
	}
	return guard(watchdog, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		msgs := []llm.Message{llm.NewRequest(llm.User(f.prompt()))}
		if f.kind == plain {
			r.resp, r.err = m.Request(ctx, msgs, nil, nil)
			return nil
		}
		sr, err := m.RequestStream(ctx, msgs, nil, nil)
		if err != nil {
			r.err = err
			return nil
		}
		defer sr.Close()
		for _, err := range sr.Events() {
			if err != nil {
				r.err = err
				break
			}
			r.events++
		}
		r.resp = sr.Response()
		return nil
	})
}

// prompt is the question the fault's call asks.
func (f fault) prompt() string {
	if f.ask != "" {
		return f.ask
	}
	return "What is the capital of France?"
}
