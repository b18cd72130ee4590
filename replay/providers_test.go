package replay

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/sse"
)

// Provider streams as their servers send them. The Anthropic frames are
// those of anthropic-sdk-go's packages/ssestream/ssestream_test.go
// (message_start, message_stop, the error event) with the content events
// of Anthropic's streaming documentation between them; the Responses API
// frames follow openai-go's response event types; the Gemini frames are
// streamGenerateContent?alt=sse chunks, framed with CRLF as Google's
// server (and go-genai's test servers) do.
var providerStreams = []struct {
	name   string
	frames []string
	final  func(typ string, data []byte) bool // where the client stops reading
}{
	{"openai-compatible", []string{
		"data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n",
		"data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
		"data: [DONE]\n\n",
	}, func(_ string, d []byte) bool { return string(d) == "[DONE]" }},
	{"anthropic", anthropicFrames("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), typeIs("message_stop")},
	{"anthropic error", []string{
		"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"first failure\"}}\n\n",
	}, typeIs("error")},
	{"responses completed", responsesFrames("completed"), typeIs("response.completed")},
	{"responses failed", responsesFrames("failed"), typeIs("response.failed")},
	{"responses incomplete", responsesFrames("incomplete"), typeIs("response.incomplete")},
	{"gemini", []string{
		"data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"The capital\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 8,\"totalTokenCount\": 8},\"modelVersion\": \"gemini-2.0-flash\"}\r\n\r\n",
		"data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" of France is Paris.\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 8,\"candidatesTokenCount\": 7,\"totalTokenCount\": 15},\"modelVersion\": \"gemini-2.0-flash\"}\r\n\r\n",
	}, func(_ string, d []byte) bool { return bytes.Contains(d, []byte(`"finishReason"`)) }},
}

func anthropicFrames(last string) []string {
	return []string{
		"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_bom\",\"role\":\"assistant\",\"model\":\"test\",\"type\":\"message\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":0}}}\n\n",
		"event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
		"event: ping\ndata: {\"type\": \"ping\"}\n\n",
		"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
		"event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
		"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n",
		last,
	}
}

func responsesFrames(status string) []string {
	return []string{
		"event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}\n\n",
		"event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\"}\n\n",
		"event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\",\"sequence_number\":2,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"text\":\"Hi\"}\n\n",
		fmt.Sprintf("event: response.%s\ndata: {\"type\":\"response.%s\",\"sequence_number\":3,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":%q,\"output\":[]}}\n\n", status, status, status),
	}
}

func typeIs(t string) func(string, []byte) bool {
	return func(typ string, _ []byte) bool { return typ == t }
}

// stopAtFinal reads a stream as the SDKs do: event by event until the
// final one, then tells the server it may end (hold, when not nil) and
// closes the body without reading its end. It returns the bytes the
// client read.
func stopAtFinal(t *testing.T, resp *http.Response, final func(string, []byte) bool, hold chan struct{}) {
	t.Helper()
	dec := sse.NewDecoder(resp.Body)
	for {
		ev, err := dec.Next()
		if err != nil {
			t.Fatalf("the stream ended before its final event: %v", err)
		}
		if final(ev.Type, ev.Data) {
			break
		}
	}
	if hold != nil {
		close(hold) // the server ends its body only now, after the client stopped
	}
	resp.Body.Close()
}

// TestProviderStreamsEndWhereTheyEnd: a client that stops reading at its
// provider's final event and closes the body (anthropic-sdk-go at
// message_stop, the Responses API at response.completed, genai at the
// chunk with a finishReason) leaves a whole recording, which replays to
// its end with no error, every time. The server ends its body only once
// the client has closed, the order that made recordings broken.
func TestProviderStreamsEndWhereTheyEnd(t *testing.T) {
	for _, p := range providerStreams {
		t.Run(p.name, func(t *testing.T) {
			want := strings.Join(p.frames, "")
			for run := range 10 {
				hold := make(chan struct{})
				g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
					w.Header().Set("Content-Type", "text/event-stream")
					for _, f := range p.frames {
						io.WriteString(w, f)
						w.(http.Flusher).Flush()
					}
					select {
					case <-hold:
					case <-r.Context().Done():
					}
				})
				path := filepath.Join(t.TempDir(), "s.yaml")
				ft := newFakeT(t, "TestX")
				s := start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
				resp, err := post(t, s.Client(), g.URL+"/v1/stream", `{"stream":true}`)
				if err != nil {
					t.Fatal(err)
				}
				stopAtFinal(t, resp, p.final, hold)
				ft.end()
				if e := ft.allErrors(); e != "" {
					t.Fatal(e)
				}
				c, err := cassettes.Load(path)
				if err != nil {
					t.Fatal(err)
				}
				if h := c.Interactions[0].Response.Headers.Get(httpbody.StreamErrorHeader); h != "" {
					t.Fatalf("run %d: a stream that ended was recorded as broken: %s", run, h)
				}
				ft = newFakeT(t, "TestX")
				s = start(ft, WithPath(path), WithRealTransport(offline{t}))
				resp, err = post(t, s.Client(), g.URL+"/v1/stream", `{"stream":true}`)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				ft.end()
				if err != nil || string(got) != want {
					t.Fatalf("run %d: replayed to the end: %v\ngot  %q\nwant %q", run, err, got, want)
				}
				if e := ft.allErrors(); e != "" {
					t.Fatal(e)
				}
			}
		})
	}
}

// TestStreamOfUnknownProtocolReadToItsEnd: a stream with no end marker
// that a client stops reading at its last event is read on to its end
// when the client closes it, and recorded whole.
func TestStreamOfUnknownProtocolReadToItsEnd(t *testing.T) {
	frames := "data: {\"token\":\"a\"}\n\ndata: {\"token\":\"b\",\"last\":true}\n\n"
	hold := make(chan struct{})
	g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, frames)
		w.(http.Flusher).Flush()
		<-hold // the body ends just after the client closed it
	})
	path := filepath.Join(t.TempDir(), "s.yaml")
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	resp, err := post(t, s.Client(), g.URL+"/v1/stream", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	stopAtFinal(t, resp, func(_ string, d []byte) bool { return bytes.Contains(d, []byte("last")) }, hold)
	ft.end()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err, ft.allErrors())
	}
	if bytes.Contains(data, []byte(httpbody.StreamErrorHeader)) {
		t.Errorf("recorded as broken:\n%s", data)
	}
}

// TestStreamThatBrokeOffIsRecordedBroken: a stream cut before its final
// event is recorded broken, and replays as the same break.
func TestStreamThatBrokeOffIsRecordedBroken(t *testing.T) {
	frames := anthropicFrames("")
	g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, f := range frames {
			io.WriteString(w, f)
		}
		w.(http.Flusher).Flush()
		if conn, buf, err := w.(http.Hijacker).Hijack(); err == nil {
			buf.Flush()
			conn.Close()
		}
	})
	path := filepath.Join(t.TempDir(), "s.yaml")
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
	resp, err := post(t, s.Client(), g.URL+"/v1/stream", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Fatal("the cut reached the client as a clean end")
	}
	ft.end()
	ft = newFakeT(t, "TestX")
	s = start(ft, WithPath(path), WithRealTransport(offline{t}))
	resp, err = post(t, s.Client(), g.URL+"/v1/stream", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) || string(got) != strings.Join(frames, "") {
		t.Errorf("replay: %v, %q", err, got)
	}
	ft.end()
}

// stuckBody is a stream body whose Read blocks after its data until
// release, whatever Close does (a transport whose Close cannot interrupt
// a read).
type stuckBody struct {
	data    *strings.Reader
	release chan struct{}
}

func (b *stuckBody) Read(p []byte) (int, error) {
	if b.data.Len() > 0 {
		return b.data.Read(p)
	}
	<-b.release
	return 0, io.EOF
}

func (b *stuckBody) Close() error { return nil }

type stuckTransport struct{ body *stuckBody }

func (s stuckTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: s.body, Request: r}, nil
}

// TestCloseDoesNotHangOnAStuckBody: closing a recorded stream whose body
// neither ends nor lets Close interrupt its Read returns after the drain
// bound, and the stream is recorded as far as the client read it.
func TestCloseDoesNotHangOnAStuckBody(t *testing.T) {
	body := &stuckBody{data: strings.NewReader("data: {\"a\":1}\n\n"), release: make(chan struct{})}
	defer close(body.release)
	path := filepath.Join(t.TempDir(), "s.yaml")
	ft := newFakeT(t, "TestX")
	s := start(ft, WithPath(path), WithMode(ModeRecord), WithRealTransport(stuckTransport{body}))
	resp, err := post(t, s.Client(), "http://example.invalid/v1/stream", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	resp.Body.Read(buf)
	closed := make(chan struct{})
	go func() {
		resp.Body.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(30 * time.Second): // a hang detector, far above the 1s drain bound
		t.Fatal("Close hung on a body whose Read does not return")
	}
	ft.end()
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err, ft.allErrors())
	}
	if c.Interactions[0].Response.Headers.Get(httpbody.StreamErrorHeader) == "" {
		t.Errorf("a stream that never ended is not marked abandoned")
	}
}
