package streamgen

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestStreams(t *testing.T) {
	for _, tt := range []struct {
		name   string
		gen    func(int) []byte
		finish string
	}{
		{"text", TextStream, `"finish_reason":"stop"`},
		{"toolcall", ToolCallStream, `"finish_reason":"tool_calls"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.gen(50)
			if !bytes.Equal(body, tt.gen(50)) {
				t.Fatal("the same n gave different bytes")
			}
			events := strings.Split(strings.TrimSuffix(string(body), "\n\n"), "\n\n")
			if len(events) != 51 || events[50] != "data: [DONE]" {
				t.Fatalf("%d events, last %q", len(events), events[len(events)-1])
			}
			for i, ev := range events[:50] {
				if !json.Valid([]byte(strings.TrimPrefix(ev, "data: "))) {
					t.Fatalf("event %d is not JSON: %s", i, ev)
				}
			}
			if !strings.Contains(events[49], tt.finish) || !strings.Contains(events[49], `"usage"`) {
				t.Errorf("last chunk = %s", events[49])
			}
		})
	}
}
