package groq

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// A field Groq adds tomorrow survives in the stream types as it does in
// the non-stream ones, at every level: chunk (completion), choice, delta
// (message).
func TestUnknownFieldsSurviveStreamAndNonStream(t *testing.T) {
	chunk := `{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","new_top":{"a":1},` +
		`"choices":[{"index":0,"delta":{"content":"hi","new_delta":[1,2]},"finish_reason":null,"new_choice":"c"}]}`
	var d chunkDecoder
	c, err := d.decode([]byte(chunk))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"top": `{"a":1}`, "choice": `"c"`, "delta": `[1,2]`}
	got := map[string]string{"top": string(c.Extra["new_top"]), "choice": string(c.Choices[0].Extra["new_choice"]), "delta": string(c.Choices[0].Delta.Extra["new_delta"])}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stream extras (-want +got):\n%s", diff)
	}
	if *c.Choices[0].Delta.Content != "hi" {
		t.Errorf("content = %q", *c.Choices[0].Delta.Content)
	}
	back, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	jsonEq(t, chunk, back)

	// The decoder's reuse does not carry extras into the next chunk.
	c, err = d.decode([]byte(textChunk("more", "")))
	if err != nil {
		t.Fatal(err)
	}
	if c.Extra != nil || c.Choices[0].Extra != nil || c.Choices[0].Delta.Extra != nil {
		t.Errorf("extras leaked into the next chunk: %v %v %v", c.Extra, c.Choices[0].Extra, c.Choices[0].Delta.Extra)
	}

	completion := `{"id":"x","object":"chat.completion","created":1,"model":"m","new_top":{"a":1},` +
		`"choices":[{"index":0,"message":{"role":"assistant","content":"hi","new_delta":[1,2]},"finish_reason":"stop","new_choice":"c"}]}`
	var cc groqwire.ChatCompletion
	if err := json.Unmarshal([]byte(completion), &cc); err != nil {
		t.Fatal(err)
	}
	got = map[string]string{"top": string(cc.Extra["new_top"]), "choice": string(cc.Choices[0].Extra["new_choice"]), "delta": string(cc.Choices[0].Message.Extra["new_delta"])}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("non-stream extras (-want +got):\n%s", diff)
	}
	back, _ = json.Marshal(cc)
	jsonEq(t, completion, back)

	// A stream with such chunks still maps.
	sr := openStream(t, sseOf(chunk, textChunk("!", "stop")), nil)
	if _, _, err := collect(t, sr); err != nil || sr.Response().Text() != "hi!" {
		t.Errorf("err %v text %q", err, sr.Response().Text())
	}
}
