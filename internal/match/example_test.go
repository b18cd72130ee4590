package match_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/match"
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
	idx := match.NewIndex(c.Path, c.Interactions)

	// Key order and spacing do not matter...
	body := `{"messages":[{"content":"be brief","role":"system"},{"content":"hello","role":"user"}], "model":"m"}`
	req, _ := http.NewRequest("POST", "https://api.groq.com/openai/v1/chat/completions", strings.NewReader(body))
	i, err := idx.Match(req, []byte(body))
	fmt.Println(i.Response.Code, err)

	// ...but content does.
	body = `{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"bye"}]}`
	req, _ = http.NewRequest("POST", "https://api.groq.com/openai/v1/chat/completions", strings.NewReader(body))
	_, err = idx.Match(req, []byte(body))
	var miss *match.MissError
	if errors.As(err, &miss) {
		fmt.Println(miss.Reason)
		fmt.Println(miss.Paths[0])
	}
	// Output:
	// 200 <nil>
	// the request body differs from every recording
	// messages[1].content: recorded "hello", got "bye"
}
