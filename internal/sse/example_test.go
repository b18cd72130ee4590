package sse_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/llmvcr/llmvcr/internal/sse"
)

func Example() {
	body := strings.NewReader(": keep-alive\n\n" +
		"data: {\"content\":\"Hel\"}\n\n" +
		"event: error\ndata: {\"error\":{\"message\":\"over capacity\"}}\n\n" +
		"data: [DONE]\n\n")
	dec := sse.NewDecoder(body)
	for {
		ev, err := dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		if string(ev.Data) == "[DONE]" {
			fmt.Println("done")
			break
		}
		fmt.Printf("type=%q data=%s\n", ev.Type, ev.Data)
	}
	// Output:
	// type="" data={"content":"Hel"}
	// type="error" data={"error":{"message":"over capacity"}}
	// done
}

// KeepAll returns every block, so that the Raw bytes rebuild the stream
// exactly, as a recorder needs.
func ExampleKeepAll() {
	in := ": ping\r\n\r\ndata: a\r\n\r\n"
	dec := sse.NewDecoder(strings.NewReader(in), sse.KeepAll())
	var rebuilt strings.Builder
	for {
		ev, err := dec.Next()
		if err != nil {
			break
		}
		fmt.Printf("has data %v: %q\n", ev.HasData, ev.Raw)
		rebuilt.Write(ev.Raw)
	}
	fmt.Println(rebuilt.String() == in)
	// Output:
	// has data false: ": ping\r\n\r\n"
	// has data true: "data: a\r\n\r\n"
	// true
}

func ExampleMaxLineSize() {
	dec := sse.NewDecoder(strings.NewReader("data: "+strings.Repeat("x", 100)+"\n\n"), sse.MaxLineSize(64))
	_, err := dec.Next()
	fmt.Println(err)
	// Output:
	// sse: line at offset 0 is longer than 64 bytes
}
