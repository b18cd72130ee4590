package secrets_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// chunk is an OpenAI-style stream chunk of one choice.
func chunk(choice int, delta map[string]any) string {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "m",
		"choices": []any{map[string]any{"index": choice, "delta": delta, "finish_reason": nil}},
	})
	return string(b)
}

// sseBody renders data payloads as a recorded stream, with a timing
// comment before each event.
func sseBody(datas ...string) string {
	var b strings.Builder
	for n, d := range datas {
		fmt.Fprintf(&b, ": llmvcr-t=0.%06d\ndata: %s\n\n", n, d)
	}
	b.WriteString(": llmvcr-t=0.900000\ndata: [DONE]\n\n")
	return b.String()
}

// splitEvents streams key in 5-byte pieces in each field the engine
// joins: content and reasoning of choice 0, the arguments of tool call 1,
// and the content of choice 1 interleaved with choice 0.
func splitEvents(key string) []string {
	var out []string
	for _, p := range secretstest.Pieces("Sure: "+key+" is it.", 5) {
		out = append(out, chunk(0, map[string]any{"content": p}), chunk(1, map[string]any{"content": p}))
	}
	for _, p := range secretstest.Pieces("thinking about "+key, 4) {
		out = append(out, chunk(0, map[string]any{"reasoning": p}))
	}
	out = append(out, chunk(0, map[string]any{"tool_calls": []any{map[string]any{"index": 1, "id": "call_1", "function": map[string]any{"name": "f", "arguments": ""}}}}))
	for _, p := range secretstest.Pieces(`{"key":"`+key+`"}`, 3) {
		out = append(out, chunk(0, map[string]any{"tool_calls": []any{map[string]any{"index": 1, "function": map[string]any{"arguments": p}}}}))
	}
	return out
}

// joined returns each field's text joined across the stream's events.
func joined(t *testing.T, body string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, block := range strings.Split(body, "\n\n") {
		for _, line := range strings.Split(block, "\n") {
			data, ok := strings.CutPrefix(line, "data: ")
			if !ok || data == "[DONE]" {
				continue
			}
			var c struct {
				Choices []struct {
					Index int `json:"index"`
					Delta struct {
						Content   string `json:"content"`
						Reasoning string `json:"reasoning"`
						ToolCalls []struct {
							Index    int `json:"index"`
							Function struct {
								Arguments string `json:"arguments"`
							} `json:"function"`
						} `json:"tool_calls"`
					} `json:"delta"`
				} `json:"choices"`
			}
			if err := json.Unmarshal([]byte(data), &c); err != nil {
				t.Fatalf("an event is no longer JSON: %v\n%s", err, data)
			}
			for _, ch := range c.Choices {
				out[fmt.Sprintf("%d content", ch.Index)] += ch.Delta.Content
				out[fmt.Sprintf("%d reasoning", ch.Index)] += ch.Delta.Reasoning
				for _, tc := range ch.Delta.ToolCalls {
					out[fmt.Sprintf("%d call %d", ch.Index, tc.Index)] += tc.Function.Arguments
				}
			}
		}
	}
	return out
}

// A key of every shape, streamed token by token, is found in each field's
// joined text, and ScrubStream removes it leaving valid events.
func TestStreamSplitKeys(t *testing.T) {
	e := secrets.New(secrets.Config{})
	for _, k := range secretstest.Keys() {
		t.Run(k.Name, func(t *testing.T) {
			body := sseBody(splitEvents(k.Value)...)
			if strings.Contains(body, k.Value) {
				t.Fatal("the test stream holds the key whole")
			}
			leaks := e.ScanStream(body)
			fields := map[string]bool{}
			for _, l := range leaks {
				fields[l.Field] = true
				if len(l.Events) < 2 || strings.Contains(l.String(), k.Value[4:12]) {
					t.Errorf("leak %s", l)
				}
			}
			for _, f := range []string{"choices[0].delta.content", "choices[1].delta.content", "choices[0].delta.reasoning", "choices[0].delta.tool_calls[1].function.arguments"} {
				if !fields[f] {
					t.Errorf("no leak found in %s (found %v)", f, fields)
				}
			}
			out, left := e.ScrubStream(body)
			if len(left) != 0 {
				t.Fatalf("left: %v", left)
			}
			if l := e.ScanStream(out); len(l) != 0 {
				t.Errorf("after ScrubStream: %v", l)
			}
			for f, text := range joined(t, out) {
				if strings.Contains(text, k.Value[len(k.Value)-8:]) || strings.Contains(text, k.Value[:8]) && k.Name != "aws" {
					t.Errorf("%s still holds part of the key: %q", f, text)
				}
				if text != "" && f != "0 call 1" && !strings.Contains(text, secrets.Redacted) {
					t.Errorf("%s: no %s in %q", f, secrets.Redacted, text)
				}
			}
			if j := joined(t, out); j["0 content"] != "Sure: "+secrets.Redacted+" is it." || j["0 call 1"] != `{"key":"`+secrets.Redacted+`"}` {
				t.Errorf("joined after scrubbing: %q", j)
			}
			// The timing comments and [DONE] are kept byte for byte.
			if strings.Count(out, ": llmvcr-t=") != strings.Count(body, ": llmvcr-t=") || !strings.HasSuffix(out, ": llmvcr-t=0.900000\ndata: [DONE]\n\n") {
				t.Error("ScrubStream changed the stream's framing")
			}
		})
	}
}

// A configured value without a shape is found split too; ordinary text
// split across events is not a leak.
func TestStreamSplitConfiguredAndOrdinary(t *testing.T) {
	key := secretstest.Random(7, 40)
	with := secrets.New(secrets.Config{Values: []secrets.Value{{Text: key}}})
	without := secrets.New(secrets.Config{})
	body := sseBody(splitEvents(key)...)
	if l := without.ScanStream(body); len(l) != 0 {
		t.Fatalf("a shapeless key found without configuration: %v", l)
	}
	l := with.ScanStream(body)
	if len(l) != 4 || l[0].Kind != secrets.Configured {
		t.Fatalf("leaks = %v", l)
	}
	for _, text := range secretstest.Ordinary {
		var evs []string
		for _, p := range secretstest.Pieces(text, 3) {
			evs = append(evs, chunk(0, map[string]any{"content": p}))
		}
		b := sseBody(evs...)
		if l := with.ScanStream(b); len(l) != 0 {
			t.Errorf("%q: %v", text, l)
		}
		if out, _ := with.ScrubStream(b); out != b {
			t.Errorf("%q: ScrubStream changed ordinary text", text)
		}
	}
}

// Other stream formats: Anthropic content blocks, the Responses API, and
// plain-text data.
func TestStreamOtherFormats(t *testing.T) {
	key := secretstest.Keys()[0].Value
	e := secrets.New(secrets.Config{})
	var anthropic, responses, plain []string
	for _, p := range secretstest.Pieces(key, 6) {
		anthropic = append(anthropic, `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"`+p+`"}}`)
		responses = append(responses, `{"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"`+p+`"}`)
		plain = append(plain, p)
	}
	for name, evs := range map[string][]string{"anthropic": anthropic, "responses": responses, "plain": plain} {
		body := sseBody(evs...)
		if l := e.ScanStream(body); len(l) != 1 {
			t.Errorf("%s: leaks %v", name, l)
		}
		out, left := e.ScrubStream(body)
		if len(left) != 0 || len(e.ScanStream(out)) != 0 || strings.Contains(out, key[len(key)-6:]) {
			t.Errorf("%s: not scrubbed (left %v):\n%s", name, left, out)
		}
	}
}

// A piece in an event with two data lines cannot be rewritten in place:
// it is left, named by its events, for the caller to refuse.
func TestStreamUnscrubbable(t *testing.T) {
	key := secretstest.Keys()[2].Value
	e := secrets.New(secrets.Config{})
	p := secretstest.Pieces(key, len(key)/2+1)
	body := "data: " + chunk(0, map[string]any{"content": p[0]}) + "\n\n" +
		"data: {\"choices\":[{\"index\":0,\n" + "data: \"delta\":{\"content\":\"" + p[1] + "\"}}]}\n\n"
	out, left := e.ScrubStream(body)
	if len(left) != 1 || fmt.Sprint(left[0].Events) != "[0 1]" || out != body {
		t.Fatalf("left = %v, changed = %v", left, out != body)
	}
	if s := left[0].String(); !strings.Contains(s, "events 0-1") || !strings.Contains(s, "OpenAI") || strings.Contains(s, p[1]) {
		t.Errorf("message: %s", s)
	}
}
