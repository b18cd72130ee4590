package secretstest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Echo is an OpenAI-style chat completions handler that repeats secrets
// back, the way a careless server or a model asked to repeat its input
// would: the answer quotes the last user message, the bearer token the
// request carried and the Extra values. Streamed, the answer comes 4
// bytes per event (content) and as reasoning 3 bytes per event, so no
// event holds a secret whole.
type Echo struct {
	Extra []string // more values to repeat

	mu    sync.Mutex
	calls int
	keys  []string // bearer tokens received
}

// Tokens returns the bearer tokens the handler received.
func (e *Echo) Tokens() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.keys...)
}

// ServeHTTP answers one chat completion request.
func (e *Echo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req struct {
		Model    string `json:"model"`
		Stream   bool   `json:"stream"`
		Messages []struct {
			Role    string `json:"role"`
			Content any    `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	e.mu.Lock()
	e.calls++
	e.keys = append(e.keys, token)
	e.mu.Unlock()
	said := ""
	for _, m := range req.Messages {
		if s, ok := m.Content.(string); ok && m.Role == "user" {
			said = s
		}
	}
	text := "You said: " + said + "; your key is " + token
	for _, x := range e.Extra {
		text += "; also " + x
	}
	text += "."
	usage := map[string]any{"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30}
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-echo", "object": "chat.completion", "created": 1700000000, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": text}, "finish_reason": "stop"}},
			"usage":   usage,
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	send := func(delta map[string]any, finish any, u any) {
		c := map[string]any{"id": "chatcmpl-echo", "object": "chat.completion.chunk", "created": 1700000000, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
		if u != nil {
			c["x_groq"] = map[string]any{"id": "req_echo", "usage": u}
		}
		b, _ := json.Marshal(c)
		fmt.Fprintf(w, "data: %s\n\n", b)
	}
	send(map[string]any{"role": "assistant", "content": ""}, nil, nil)
	for _, p := range Pieces(text, 3) {
		send(map[string]any{"reasoning": p}, nil, nil)
	}
	for _, p := range Pieces(text, 4) {
		send(map[string]any{"content": p}, nil, nil)
	}
	send(map[string]any{}, "stop", usage)
	fmt.Fprint(w, "data: [DONE]\n\n")
}
