package groq

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// checkChunkDecoder decodes data with the fast decoder and with
// encoding/json and fails if they disagree.
func checkChunkDecoder(t *testing.T, d *chunkDecoder, data []byte) {
	t.Helper()
	var want groqwire.ChatCompletionChunk
	wantErr := json.Unmarshal(data, &want)
	got, err := d.decode(data)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("decode(%q): err = %v, encoding/json says %v", data, err, wantErr)
	}
	if err != nil {
		return
	}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Fatalf("decode(%q) differs from encoding/json (-json +fast):\n%s", data, diff)
	}
}

func TestChunkDecoderAgreesWithEncodingJSON(t *testing.T) {
	var d chunkDecoder
	inputs := []string{
		textChunk("hello", ""),
		textChunk("esc \" \\ \n \t é 😀 <>&", "stop"),
		`{"id":"a","choices":[{"index":0,"delta":{"content":"\ud800 lone"},"logprobs":null,"finish_reason":null}]}`,
		`{"id":"a","choices":[{"index":0,"delta":{"content":"\ud83d\ude00 pair \u002F"}}]}`,
		`{"id":"a","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]}}]}`,
		`{"id":"a","choices":[{"index":0,"delta":{"tool_calls":[]}}]}`,
		`{"id":"a","choices":[]}`,
		`{"id":"a","choices":[{"index":0,"delta":{}}],"x_groq":{"id":"req","usage":{"prompt_tokens":1}}}`,
		`{"id":"a","ID":"b","choices":[{"index":0,"delta":{}}]}`,
		`{"id":"a","choices":[{"index":0,"delta":{"content":"x"}}],"created":1.5}`,
		`{"id":"a","choices":[{"index":0,"delta":{"content":"x"}}]} trailing`,
		`{"id":"a","choices":[{"index":0,"delta":{"content":"bad \x01"}}]}`,
		"{\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"bad \xff utf8\"}}]}",
		`{"id":"a","choices":[{"index":0,"delta":{"content":"x"},"logprobs":{"content":[]}}]}`,
		`{"choices":[{"index":-0,"delta":{"role":"assistant","content":null,"reasoning":"r","channel":"analysis"}}],"created":-5}`,
		`{"id":"a","choices":[{"index":0,"delta":{"content":"x"}},{"index":1,"delta":{"content":"y"}}]}`,
		`null`, `[]`, `{}`, `{"choices":null}`, `{"id":"a",}`, `{"id":"a","choices":[{"index":01}]}`,
	}
	for _, in := range inputs {
		checkChunkDecoder(t, &d, []byte(in))
	}
	// Repeated strings are reused, not allocated again.
	a, _ := d.decode([]byte(textChunk("one", "")))
	model := a.Model
	b, _ := d.decode([]byte(textChunk("two", "")))
	if b.Model != model || b.Choices[0].Delta.Content == nil || *b.Choices[0].Delta.Content != "two" {
		t.Fatalf("second decode = %+v", b)
	}
	three := []byte(textChunk("three", ""))
	if n := testing.AllocsPerRun(100, func() { _, _ = d.decode(three) }); n > 1 {
		// The content string: everything else is reused.
		t.Errorf("decode allocates %.0f times per chunk", n)
	}
}

func FuzzChunkDecoder(f *testing.F) {
	for _, it := range loadVector(f, "test_groq/test_tool_use_failed_error_streaming.yaml") {
		for i, ev := range strings.Split(string(it.Body), "\n\n") {
			if i%7 == 0 || strings.Contains(ev, "tool_calls") || strings.Contains(ev, "usage") {
				f.Add([]byte(strings.TrimPrefix(ev, "data: ")))
			}
		}
	}
	f.Add([]byte(textChunk("esc \" \\ \n", "stop")))
	f.Fuzz(func(t *testing.T, data []byte) {
		var d chunkDecoder
		checkChunkDecoder(t, &d, data)
		checkChunkDecoder(t, &d, data) // again, with the previous strings remembered
	})
}
