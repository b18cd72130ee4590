package replay_test

import (
	"fmt"

	"github.com/llmvcr/llmvcr/replay"
)

func ExampleDefaultPath() {
	fmt.Println(replay.DefaultPath("TestChat"))
	fmt.Println(replay.DefaultPath("TestChat/tool call #2"))
	// Output:
	// testdata/cassettes/TestChat.yaml
	// testdata/cassettes/TestChat/tool_call__2-cd2a21fe.yaml
}
