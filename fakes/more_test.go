package fakes_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/internal/groqwire"
)

func TestBuildOptions(t *testing.T) {
	c := fakes.TextCompletion("hi", fakes.ID("chatcmpl-x"), fakes.RequestID("req_x"), fakes.Fingerprint("fp_x"),
		fakes.Seed(42), fakes.Created(7), fakes.Model("m"), fakes.FinishReason("length"), fakes.ServiceTier("flex"))
	if c.ID != "chatcmpl-x" || c.XGroq.ID != "req_x" || c.SystemFingerprint != "fp_x" || *c.XGroq.Seed != 42 ||
		c.Created != 7 || c.Model != "m" || c.Choices[0].FinishReason != "length" || c.ServiceTier != "flex" {
		t.Errorf("completion = %+v", c)
	}
	if c := fakes.TextCompletion("hi", fakes.NoUsage()); c.Usage != nil {
		t.Errorf("NoUsage left usage %+v", c.Usage)
	}
	u := groqwire.Usage{PromptTokens: 1, CompletionTokens: 2, TotalTokens: 3, TotalTime: 0.5}
	if c := fakes.TextCompletion("hi", fakes.UsageBlock(u)); !cmp.Equal(*c.Usage, u) {
		t.Errorf("UsageBlock: %+v", c.Usage)
	}
	chunks := fakes.TextStream("hi", fakes.NoUsage())
	if last := chunks[len(chunks)-1]; last.Usage != nil || last.XGroq.Usage != nil {
		t.Errorf("NoUsage stream still has usage")
	}
}

func TestChunkBuilderExtras(t *testing.T) {
	out := "results"
	chunks := fakes.NewChunks(fakes.Model("groq/compound")).
		ExecutedTool(groqwire.ExecutedTool{Index: 0, Type: "search", Arguments: `{"query":"x"}`, Output: &out}).
		Delta(groqwire.ChunkDelta{Content: ptr("raw")}).
		Chunks()
	if len(chunks) != 4 || chunks[1].Choices[0].Delta.ExecutedTools[0].Type != "search" || *chunks[2].Choices[0].Delta.Content != "raw" {
		t.Errorf("chunks = %+v", chunks)
	}
	calls := fakes.ToolCallStream([]fakes.Call{{Name: "a", Args: `{"x":1}`}, {Name: "b", ID: "given"}})
	if len(calls) != 4 {
		t.Fatalf("%d chunks", len(calls))
	}
	second := calls[2].Choices[0].Delta.ToolCalls[0]
	if second.ID != "given" || *second.Index != 1 || second.Function.Arguments != "{}" || *calls[3].Choices[0].FinishReason != "tool_calls" {
		t.Errorf("second call = %+v", second)
	}
}

func ptr[T any](v T) *T { return &v }

func TestMatchers(t *testing.T) {
	tool := groqwire.Tool{Type: "function", Function: groqwire.FunctionDefinition{Name: "f"}}
	tests := []struct {
		name  string
		m     fakes.Matcher
		req   groqwire.ChatCompletionRequest
		match bool
	}{
		{"prompt contains", fakes.PromptContains("France"), groqwire.ChatCompletionRequest{Messages: []groqwire.ChatMessage{userMsg("capital of France?")}}, true},
		{"prompt lacks", fakes.PromptContains("Spain"), groqwire.ChatCompletionRequest{Messages: []groqwire.ChatMessage{userMsg("capital of France?")}}, false},
		{"prompt in parts", fakes.PromptContains("France"), groqwire.ChatCompletionRequest{Messages: []groqwire.ChatMessage{{Role: "user",
			Content: &groqwire.MessageContent{Parts: []groqwire.ContentPart{{Type: "image_url"}, {Type: "text", Text: "France"}}}}}}, true},
		{"has tools", fakes.HasTools(), groqwire.ChatCompletionRequest{Tools: []groqwire.Tool{tool}}, true},
		{"no tools", fakes.HasTools(), groqwire.ChatCompletionRequest{}, false},
		{"after tool results", fakes.AfterToolResults(), groqwire.ChatCompletionRequest{Messages: []groqwire.ChatMessage{userMsg("q"), {Role: "tool", ToolCallID: "1"}}}, true},
		{"not after tool results", fakes.AfterToolResults(), groqwire.ChatCompletionRequest{Messages: []groqwire.ChatMessage{userMsg("q")}}, false},
		{"streaming", fakes.Streaming(), groqwire.ChatCompletionRequest{Stream: true}, true},
		{"model", fakes.ModelIs("m"), groqwire.ChatCompletionRequest{Model: "n"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := json.Marshal(tt.req)
			req, err := fakes.DecodeChatRequest(b)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.m(&fakes.Request{Chat: req}); got != tt.match {
				t.Errorf("match = %v, want %v", got, tt.match)
			}
			if tt.m(&fakes.Request{}) {
				t.Error("matched a request that is not a chat request")
			}
		})
	}
}

func TestAnswerHeaderAndRateLimitOptions(t *testing.T) {
	limits := groq.RateLimits{LimitRequests: 10, RemainingRequests: 10, LimitTokens: 100, RemainingTokens: 100}
	g := fakes.NewGroq(t, fakes.WithRateLimits(limits))
	g.Reply(fakes.TextCompletion("ok")).Header("X-Should-Retry", "false")
	resp, _ := mustPost(t, g, chatBody("hi", false))
	if resp.Header.Get("X-Should-Retry") != "false" || resp.Header.Get("X-Ratelimit-Remaining-Requests") != "9" ||
		resp.Header.Get("X-Ratelimit-Limit-Tokens") != "100" {
		t.Errorf("headers = %v", resp.Header)
	}
	g2 := fakes.NewGroq(t, fakes.WithRateLimits(groq.RateLimits{}))
	g2.Reply(fakes.TextCompletion("ok"))
	if resp, _ := mustPost(t, g2, chatBody("hi", false)); resp.Header.Get("X-Ratelimit-Limit-Requests") != "" {
		t.Error("rate-limit headers sent after WithRateLimits with zero limits")
	}
}

func TestSeedVariesDefaultAnswers(t *testing.T) {
	answers := map[string]bool{}
	for seed := range int64(8) {
		g := defaultServer(t, fakes.WithSeed(seed))
		_, c, _ := complete(t, g, groqwire.ChatCompletionRequest{Model: "llama-3.3-70b-versatile", Messages: []groqwire.ChatMessage{userMsg("Why do cats purr?")}})
		answers[*c.Choices[0].Message.Content] = true
	}
	if len(answers) < 2 {
		t.Errorf("8 seeds gave %d distinct answers", len(answers))
	}
}

func TestClocks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (fakes.RealClock{}).Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("RealClock.Sleep on a cancelled context = %v", err)
	}
	if err := (fakes.RealClock{}).Sleep(context.Background(), 0); err != nil {
		t.Errorf("RealClock.Sleep(0) = %v", err)
	}
}

func TestSchemaErrorMessage(t *testing.T) {
	_, err := fakes.DecodeChatRequest([]byte(`{`))
	var de *fakes.DecodeError
	if !errors.As(err, &de) || de.Unwrap() == nil || err.Error()[:len("fakes: decode")] != "fakes: decode" {
		t.Errorf("err = %v", err)
	}
}

func TestHandleNilFailsTheTest(t *testing.T) {
	rec := newRecordingTB(t)
	g := fakes.NewGroq(rec)
	done := make(chan struct{})
	go func() {
		defer close(done)
		g.Handle(nil)
	}()
	<-done
	rec.finish()
	if len(rec.failures()) != 1 {
		t.Errorf("failures = %q", rec.failures())
	}
}

func TestNoRequestsAndGetOnChatPath(t *testing.T) {
	g := fakes.NewGroq(t)
	if len(g.Requests()) != 0 {
		t.Error("a request captured before any came")
	}
	resp, err := g.Client().Get(g.URL + "/openai/v1/chat/completions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || len(g.Requests()) != 0 || len(g.AllRequests()) != 1 {
		t.Errorf("GET on the chat path: %d, %d chat requests", resp.StatusCode, len(g.Requests()))
	}
}

func TestAnswerHeadersWin(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Reply(fakes.TextCompletion("ok")).Header("Cache-Control", "max-age=5").Header("X-Request-Id", "req_mine")
	g.Stream(fakes.TextStream("ok")...).Header("Content-Type", "text/plain")
	resp, _ := mustPost(t, g, chatBody("hi", false))
	if resp.Header.Get("Cache-Control") != "max-age=5" || resp.Header.Get("X-Request-Id") != "req_mine" {
		t.Errorf("reply headers = %v", resp.Header)
	}
	resp, _ = mustPost(t, g, chatBody("hi", true))
	if resp.Header.Get("Content-Type") != "text/plain" || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stream headers = %v", resp.Header)
	}
}
