package httpbody_test

import (
	"fmt"
	"time"

	"github.com/llmvcr/llmvcr/internal/httpbody"
)

func ExampleSplitSSE() {
	stored := httpbody.MarkSSE([]httpbody.Event{
		{Offset: 0, Raw: []byte("data: {\"n\":1}\n\n")},
		{Offset: 250 * time.Millisecond, Raw: []byte("data: [DONE]\n\n")},
	})
	fmt.Print(stored)
	events, _ := httpbody.SplitSSE(stored)
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
