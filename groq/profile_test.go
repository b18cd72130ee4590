package groq

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/llm"
)

// pydantic-ai's test_groq_model_thinking_part_iter (tests/models/test_groq.py:2739):
// deepseek-r1's "\n\n" after </think> starts no text part; the text part
// starts with "To", right after the thinking part's end event.
func TestStreamIgnoresLeadingWhitespaceAsTheProfileSays(t *testing.T) {
	var chunks []string
	for _, c := range []string{"<think>", "\n", "Okay", ".\n", "</think>", "\n\n", "To", " make"} {
		chunks = append(chunks, chunkJSON(fmt.Sprintf(`{"content":%q}`, c), "", ""))
	}
	chunks = append(chunks, chunkJSON(`{}`, "stop", ""))
	body := sseOf(chunks...)

	run := func(model string) ([]llm.Event, *llm.Response) {
		t.Helper()
		m, err := NewModel(model, WithTransport(&bodyTransport{body: body}), WithClock(newFakeClock()))
		if err != nil {
			t.Fatal(err)
		}
		sr, err := m.RequestStream(context.Background(), hello(), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer sr.Close()
		events, _, err := collect(t, sr)
		if err != nil {
			t.Fatal(err)
		}
		return events, sr.Response()
	}

	events, r := run("deepseek-r1-distill-llama-70b")
	want := []llm.ResponsePart{&llm.ThinkingPart{Content: "\nOkay.\n"}, &llm.TextPart{Content: "To make"}}
	if diff := cmp.Diff(want, r.Parts); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	var seq []string
	for _, ev := range events {
		switch e := ev.(type) {
		case llm.PartStartEvent:
			seq = append(seq, fmt.Sprintf("start %d %s %q", e.Index, llm.Kind(e.Part), partText(e.Part)))
		case llm.PartEndEvent:
			seq = append(seq, fmt.Sprintf("end %d %s", e.Index, llm.Kind(e.Part)))
		}
	}
	wantSeq := []string{`start 0 thinking ""`, "end 0 thinking", `start 1 text "To"`, "end 1 text"}
	if diff := cmp.Diff(wantSeq, seq); diff != "" {
		t.Errorf("start and end events (-want +got):\n%s", diff)
	}
	// The next request sends the text as pydantic-ai would: the parts
	// joined by one blank line, no extra one from the dropped whitespace.
	req, err := wireRequest("deepseek-r1-distill-llama-70b", append(hello(), r), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := req.Messages[1].Content; c == nil || !strings.HasSuffix(c.Text, "</think>\n\nTo make") {
		t.Errorf("next request content = %+v", c)
	}

	// Profiles without the setting keep the whitespace.
	for _, model := range []string{"llama-3.3-70b-versatile", "openai/gpt-oss-120b", "deepseek-v3"} {
		_, r := run(model)
		if got := r.Text(); got != "\n\nTo make" {
			t.Errorf("%s: text %q, want the whitespace kept", model, got)
		}
	}
	for _, model := range []string{"qwen/qwen3-32b", "QWEN-qwq-32b", "moonshotai/kimi-k2-instruct", "deepseek-reasoner", "DeepSeek-R1-Distill-Llama-70B"} {
		_, r := run(model)
		if got := r.Text(); got != "To make" {
			t.Errorf("%s: text %q, want the leading whitespace dropped", model, got)
		}
	}
}

func partText(p llm.ResponsePart) string {
	switch v := p.(type) {
	case *llm.TextPart:
		return v.Content
	case *llm.ThinkingPart:
		return v.Content
	}
	return ""
}
