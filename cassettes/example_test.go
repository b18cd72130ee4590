package cassettes_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
)

func ExampleIndex_Match() {
	c := cassettes.New("testdata/cassettes/TestChat.yaml")
	c.Interactions = []*cassettes.Interaction{{
		Request: cassettes.Request{
			Method: "POST",
			URL:    "https://api.groq.com/openai/v1/chat/completions",
			Body:   `{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}]}`,
		},
		Response: cassettes.Response{Code: 200, Body: `{"choices":[]}`},
	}}
	idx := cassettes.NewIndex(c)

	// Key order and spacing do not matter...
	body := `{"messages":[{"content":"be brief","role":"system"},{"content":"hello","role":"user"}], "model":"m"}`
	req, _ := http.NewRequest("POST", "https://api.groq.com/openai/v1/chat/completions", strings.NewReader(body))
	i, err := idx.Match(req, []byte(body))
	fmt.Println(i.Response.Code, err)

	// ...but content does.
	body = `{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"bye"}]}`
	req, _ = http.NewRequest("POST", "https://api.groq.com/openai/v1/chat/completions", strings.NewReader(body))
	_, err = idx.Match(req, []byte(body))
	var miss *cassettes.MissError
	if errors.As(err, &miss) {
		fmt.Println(miss.Reason)
		fmt.Println(miss.Paths[0])
	}
	// Output:
	// 200 <nil>
	// the request body differs from every recording
	// messages[1].content: recorded "hello", got "bye"
}

func ExampleSplitSSE() {
	stored := cassettes.MarkSSE([]cassettes.Event{
		{Offset: 0, Raw: []byte("data: {\"n\":1}\n\n")},
		{Offset: 250 * time.Millisecond, Raw: []byte("data: [DONE]\n\n")},
	})
	fmt.Print(stored)
	events, _ := cassettes.SplitSSE(stored)
	for _, e := range events {
		fmt.Printf("%v %q\n", e.Offset, e.Raw)
	}
	// Output:
	// : llmvcr-t=0.000000
	// data: {"n":1}
	//
	// : llmvcr-t=0.250000
	// data: [DONE]
	//
	// 0s "data: {\"n\":1}\n\n"
	// 250ms "data: [DONE]\n\n"
}
