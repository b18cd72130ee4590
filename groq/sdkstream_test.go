package groq

import (
	"context"
	"errors"
	"testing"

	"github.com/llmvcr/llmvcr/llm"
)

// groq-python's Stream (src/groq/_streaming.py) raises for a data payload
// only when `data.get("error")` is truthy: an "error" key holding null,
// false, 0, "", [] or {} leaves the payload a chunk. Checked on the first
// event (which RequestStream peeks) and on a later one.
func TestStreamErrorKeyIsReadAsTheSDKReadsIt(t *testing.T) {
	cases := []struct {
		value string
		isErr bool
	}{
		{`null`, false}, {`false`, false}, {`0`, false}, {`0.0`, false}, {`-0`, false}, {`1e-400`, false}, {`""`, false}, {`[]`, false}, {`{}`, false}, {`1e400`, true},
		{`"boom"`, true}, {`{"message":"boom"}`, true}, {`1`, true}, {`true`, true}, {`["x"]`, true},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			chunk := chunkJSON(`{"content":"hi"}`, "", `,"error":`+c.value)
			for _, body := range []string{sseOf(chunk, textChunk("!", "stop")), sseOf(textChunk("", ""), chunk, textChunk("!", "stop"))} {
				sr, err := streamModel(t, &bodyTransport{body: body}).RequestStream(context.Background(), hello(), nil, nil)
				if err == nil {
					_, _, err = collect(t, sr)
				}
				var he *llm.ModelHTTPError
				switch {
				case c.isErr && !errors.As(err, &he):
					t.Errorf("err %v, want a ModelHTTPError", err)
				case !c.isErr && err != nil:
					t.Errorf("err %v, want the chunk read", err)
				case !c.isErr && sr.Response().Text() != "hi!":
					t.Errorf("text %q", sr.Response().Text())
				}
				if sr != nil {
					sr.Close()
				}
			}
		})
	}
}
