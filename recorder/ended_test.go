package recorder

import (
	"bytes"
	"testing"

	"github.com/llmvcr/llmvcr/internal/sse"
)

func TestStreamEndedDone(t *testing.T) {
	for body, want := range map[string]bool{
		"data: {}\n\ndata: [DONE]\n\n":           true,
		": llmvcr-t=0.1\ndata: [DONE]\n\n":       true,
		"":                                       false,
		"data: {}\n\ndata: [DONE]\n\n: bye\n\n":  true,
		"data: {}\n\ndata: [DONE]":               false, // cut before its blank line
		"data: {}\n\n":                           false,
		"data: [DONE]\n\ndata: {\"late\":1}\n\n": false,
	} {
		if got := streamEnded([]byte(body)); got != want {
			t.Errorf("streamEnded(%q) = %v, want %v", body, got, want)
		}
	}
}

func TestStreamEndedByProtocol(t *testing.T) {
	for body, want := range map[string]bool{
		"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n":                     true,
		"data: {\"type\":\"message_stop\"}\n\n":                                          true, // no event: line
		"event: message_stop\ndata: {\"type\":\"message_stop\"}":                         false,
		"event: response.incomplete\ndata: {}\n\n":                                       true,
		"event: response.output_text.delta\ndata: {\"type\":\"response.completed\"}\n\n": true,
		"data: {\"candidates\":[{\"finishReason\":\"STOP\"}]}\r\n\r\n":                   true,
		"data: {\"candidates\":[{\"finishReason\":\"STOP\"},{\"index\":1}]}\r\n\r\n":     false,
		"data: {\"candidates\":[]}\r\n\r\n":                                              false,
		"data: {\"choices\":[{\"finish_reason\":\"stop\"}]}\n\n":                         false, // [DONE] follows
		"event: message_stop\ndata: {}\n\nevent: ping\ndata: {}\n\n":                     false,
		"event: message_stop\ndata: {}\n\n: bye\n\n\n":                                   true,
	} {
		if got := streamEnded([]byte(body)); got != want {
			t.Errorf("streamEnded(%q) = %v, want %v", body, got, want)
		}
	}
}

// FuzzStreamEnded checks the end-of-stream detection on any bytes: it
// never panics, a stream it says has ended still has ended with comments
// and blank lines after it, and a stream cut inside its last event has
// not ended.
func FuzzStreamEnded(f *testing.F) {
	f.Add([]byte("data: {}\n\ndata: [DONE]\n\n"))
	f.Add([]byte("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"))
	f.Add([]byte("event: response.completed\ndata: {\"type\":\"response.completed\"}\n\n"))
	f.Add([]byte("data: {\"candidates\":[{\"finishReason\":\"STOP\"}]}\r\n\r\n"))
	f.Add([]byte("data: {\"candidates\":[{\"finishReason\":\"STOP\"},{}]}\r\n\r\n"))
	f.Add([]byte("event: error\ndata: {\"type\":\"error\"}\n\n: bye\n\n"))
	f.Add([]byte("data: [DONE]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !streamEnded(b) {
			return
		}
		if !streamEnded(append(append([]byte(nil), b...), ": comment\n\n\n"...)) {
			t.Errorf("a comment after the end undid it: %q", b)
		}
		// The event that ended it is complete: the last block with data
		// or a type ends with its blank line.
		dec := sse.NewDecoder(bytes.NewReader(b), sse.KeepAll())
		var last sse.Event
		for {
			ev, err := dec.Next()
			if err != nil {
				break
			}
			if ev.HasData || ev.Type != "" {
				last = ev
			}
		}
		if !last.Terminated {
			t.Errorf("a stream cut inside its last event counts as ended: %q", b)
		}
	})
}
