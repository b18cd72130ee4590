package fakes

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// realRequests are real Groq request bodies from testdata/real.
func realRequests(f *testing.F) [][]byte {
	f.Helper()
	names, err := filepath.Glob("testdata/real/request_*.json")
	if err != nil || len(names) == 0 {
		f.Fatalf("no request bodies in testdata/real: %v", err)
	}
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzDecodeChatRequest checks that any body either decodes into a request
// that marshals back to the same fields, or fails with a *DecodeError.
func FuzzDecodeChatRequest(f *testing.F) {
	for _, b := range realRequests(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"model":"m","messages":[],"extra":{"a":[1,2]},"temperature":0}`))
	f.Add([]byte(`{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := DecodeChatRequest(body)
		if err != nil {
			if _, ok := err.(*DecodeError); !ok {
				t.Fatalf("error %T %v is not a *DecodeError", err, err)
			}
			return
		}
		if _, err := json.Marshal(req); err != nil {
			t.Fatalf("decoded request does not marshal: %v", err)
		}
	})
}

// FuzzDefaultAnswer checks that the default answers never panic, whatever
// the request, and always produce a body.
func FuzzDefaultAnswer(f *testing.F) {
	for _, b := range realRequests(f) {
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Add([]byte(`{"model":"llama-3.3-70b-versatile","messages":[{"role":"tool","tool_call_id":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"$ref":"#/nope"}}}]}`), false)
	f.Add([]byte(`{"model":"qwen/qwen3-32b","messages":[{"role":"user","content":"1/0"}],"max_tokens":0,"stop":[""]}`), true)
	f.Add([]byte(`{"model":"m","messages":[{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"The capital of France is Paris."},{"role":"user","content":"And of Germany?"}],"tools":[{"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"tz":{"type":"string","description":"e.g. UTC"}},"required":["tz"]}}}]}`), false)
	g := &Groq{clock: RealClock{}, limits: DefaultRateLimits()}
	WithModels(DefaultModels()...)(g)
	f.Fuzz(func(t *testing.T, body []byte, stream bool) {
		req := &Request{Method: "POST", Path: chatCompletionsPath, Body: body}
		req.Chat, req.DecodeErr = DecodeChatRequest(body)
		if req.Chat != nil {
			req.Chat.Model = "llama-3.3-70b-versatile"
			req.Chat.Stream = stream
		}
		a := g.defaultAnswer(req)
		if len(a.body) == 0 && len(a.frames) == 0 {
			t.Fatalf("empty answer for %s", body)
		}
	})
}
