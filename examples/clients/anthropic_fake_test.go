package clients_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/replay"
)

// fromFakeAnthropic records from a local server that answers in the shape
// of Anthropic's Messages API (below), so that the Anthropic cassettes
// can be re-recorded with no key:
//
//	go test ./examples/clients -run '^TestAnthropicChat$' -record
//
// The client keeps https://api.anthropic.com, which the cassette stores:
// replay.WithUpstream sends its requests to the local server while
// recording, and replay.WithFakeTransport marks its answers canned in the
// cassette. To record from Anthropic itself, drop these options and set
// ANTHROPIC_API_KEY.
func fromFakeAnthropic(t *testing.T, more ...replay.Option) []replay.Option {
	srv := httptest.NewServer(http.HandlerFunc(fakeAnthropic))
	t.Cleanup(srv.Close)
	return append([]replay.Option{
		replay.WithFakeTransport(srv.Client().Transport),
		replay.WithUpstream("https://api.anthropic.com", srv.URL),
	}, more...)
}

// anthropicRequest is the part of a Messages API request the fake reads.
type anthropicRequest struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"` // a string or a list of blocks
	} `json:"messages"`
	Tools []struct {
		Name string `json:"name"`
	} `json:"tools"`
}

// anthropicBlock is a content block, as sent and as answered.
type anthropicBlock struct {
	Type      string          `json:"type"`
	Text      string          `json:"text,omitempty"`
	ID        string          `json:"id,omitempty"`
	Name      string          `json:"name,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
	ToolUseID string          `json:"tool_use_id,omitempty"`
	Content   json.RawMessage `json:"content,omitempty"`
}

// fakeAnthropic answers POST /v1/messages as Anthropic does, with canned
// content: a tool_use block when tools are offered and the last turn is
// the user's question, a sentence about the tool's result after a
// tool_result, and otherwise a short answer. Streams send Anthropic's
// typed events (message_start, content_block_start, ping,
// content_block_delta..., content_block_stop, message_delta,
// message_stop) 10 ms apart, so that a recording has gaps to replay.
func fakeAnthropic(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req anthropicRequest
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/v1/messages":
		anthropicError(w, http.StatusNotFound, "not_found_error", "Not found")
		return
	case r.Header.Get("X-Api-Key") == "" && r.Header.Get("Authorization") == "":
		anthropicError(w, http.StatusUnauthorized, "authentication_error", "x-api-key header is required")
		return
	case json.Unmarshal(body, &req) != nil || len(req.Messages) == 0:
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "messages: at least one message is required")
		return
	}
	sum := sha256.Sum256(body)
	id := hex.EncodeToString(sum[:])[:24]
	last := req.Messages[len(req.Messages)-1]
	var blocks []anthropicBlock
	if json.Unmarshal(last.Content, &blocks) != nil {
		var text string
		_ = json.Unmarshal(last.Content, &text)
		blocks = []anthropicBlock{{Type: "text", Text: text}}
	}
	var answer anthropicBlock
	stop := "end_turn"
	switch {
	case blocks[0].Type == "tool_result":
		var result string
		if json.Unmarshal(blocks[0].Content, &result) != nil {
			result = string(blocks[0].Content)
		}
		answer = anthropicBlock{Type: "text", Text: "Here is what I found: " + result + "."}
	case len(req.Tools) > 0:
		words := strings.Fields(strings.TrimRight(blocks[0].Text, "?.!"))
		city := "Paris"
		if len(words) > 0 {
			city = words[len(words)-1]
		}
		input, _ := json.Marshal(map[string]string{"city": city})
		answer = anthropicBlock{Type: "tool_use", ID: "toolu_01" + id, Name: req.Tools[0].Name, Input: input}
		stop = "tool_use"
	case strings.Contains(blocks[0].Text, "France"):
		answer = anthropicBlock{Type: "text", Text: "The capital of France is Paris."}
	default:
		answer = anthropicBlock{Type: "text", Text: "I do not know."}
	}
	inputTokens, outputTokens := len(body)/4, len(answer.Text+string(answer.Input))/4+1
	w.Header().Set("Request-Id", "req_011"+id)
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "msg_01" + id, "type": "message", "role": "assistant", "model": req.Model,
			"content": []anthropicBlock{answer}, "stop_reason": stop, "stop_sequence": nil,
			"usage": map[string]int{"input_tokens": inputTokens, "output_tokens": outputTokens},
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	send := func(event string, data any) {
		b, _ := json.Marshal(data)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
		w.(http.Flusher).Flush()
		select { // pace the stream, while recording only (replay never calls the fake)
		case <-time.After(10 * time.Millisecond):
		case <-r.Context().Done():
		}
	}
	send("message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": "msg_01" + id, "type": "message", "role": "assistant", "model": req.Model, "content": []any{},
		"stop_reason": nil, "stop_sequence": nil, "usage": map[string]int{"input_tokens": inputTokens, "output_tokens": 1},
	}})
	start := answer
	start.Text, start.Input = "", nil
	if answer.Type == "tool_use" {
		start.Input = json.RawMessage(`{}`)
	}
	send("content_block_start", map[string]any{"type": "content_block_start", "index": 0, "content_block": start})
	send("ping", map[string]string{"type": "ping"})
	if answer.Type == "tool_use" {
		in := string(answer.Input)
		for _, part := range []string{in[:len(in)/2], in[len(in)/2:]} {
			send("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0, "delta": map[string]string{"type": "input_json_delta", "partial_json": part}})
		}
	} else {
		for i, word := range strings.Fields(answer.Text) {
			if i > 0 {
				word = " " + word
			}
			send("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0, "delta": map[string]string{"type": "text_delta", "text": word}})
		}
	}
	send("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
	send("message_delta", map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": stop, "stop_sequence": nil}, "usage": map[string]int{"output_tokens": outputTokens}})
	send("message_stop", map[string]string{"type": "message_stop"})
}

// anthropicError writes an error in Anthropic's shape.
func anthropicError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "error", "error": map[string]string{"type": typ, "message": msg}})
}
