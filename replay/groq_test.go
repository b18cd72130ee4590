package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/fakes/fakeclock"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

// importVCRPy converts a pydantic-ai cassette from testdata/vcrpy into a
// temporary llmvcr cassette and returns its path.
func importVCRPy(t *testing.T, name string) string {
	t.Helper()
	c, err := cassettes.ImportVCRPyFile(filepath.Join("testdata", "vcrpy", name))
	if err != nil {
		t.Fatal(err)
	}
	c.Path = filepath.Join(t.TempDir(), "imported.yaml")
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	return c.Path
}

// replayModel is a groq.Model answered only by the session.
func replayModel(t *testing.T, name string, s *Session) *groq.Model {
	t.Helper()
	t.Setenv("GROQ_BASE_URL", "")
	m, err := groq.NewModel(name, groq.WithHTTPClient(s.Client()), groq.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func kinds(r *llm.Response) []string {
	var out []string
	for _, p := range r.Parts {
		out = append(out, llm.Kind(p))
	}
	return out
}

func request(t *testing.T, m *groq.Model, msgs []llm.Message, s llm.ModelSettings, p *llm.RequestParams) *llm.Response {
	t.Helper()
	r, err := m.Request(context.Background(), msgs, s, p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func streamAll(t *testing.T, m *groq.Model, msgs []llm.Message, p *llm.RequestParams) (*llm.Response, int) {
	t.Helper()
	sr, err := m.RequestStream(context.Background(), msgs, nil, p)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	n := 0
	for _, err := range sr.Events() {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return sr.Response(), n
}

// TestPydanticAICassettesThroughGroqModel replays imported pydantic-ai
// recordings through groq.Model, with the requests pydantic-ai's tests
// made, and checks the mapping against what those tests expect. Matching
// is on the request body, so each request must also equal the recorded one.
func TestPydanticAICassettesThroughGroqModel(t *testing.T) {
	concise := llm.System("Be concise. Never use pretty double quotes, just regular ones.")
	somethingTool := llm.ToolDefinition{Name: "get_something_by_name",
		Parameters: json.RawMessage(`{"additionalProperties":false,"properties":{"name":{"type":"string"}},"required":["name"],"type":"object"}`)}
	tests := []struct {
		name string
		file string
		run  func(t *testing.T, s *Session)
	}{
		{"plain", "test_groq_model_instructions.yaml", func(t *testing.T, s *Session) {
			m := replayModel(t, "llama-3.3-70b-versatile", s)
			r := request(t, m, []llm.Message{&llm.Request{Parts: []llm.RequestPart{llm.User("What is the capital of France?")}, Instructions: "You are a helpful assistant."}}, nil, nil)
			if r.Text() != "The capital of France is Paris." || r.Usage.InputTokens != 48 || r.Usage.OutputTokens != 8 || r.FinishReason != llm.FinishStop {
				t.Errorf("response = %q usage %+v finish %q", r.Text(), r.Usage, r.FinishReason)
			}
			if r.ProviderResponseID != "chatcmpl-7586b6a9-fb4b-4ec7-86a0-59f0a77844cf" {
				t.Errorf("id = %q", r.ProviderResponseID)
			}
		}},
		{"tools", "test_tool_choice_matrix[auto-groq].yaml", func(t *testing.T, s *Session) {
			m := replayModel(t, "meta-llama/llama-4-scout-17b-16e-instruct", s)
			settings := &llm.Settings{ToolChoice: &llm.ToolChoice{Mode: llm.ToolChoiceAuto}}
			params := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{Name: "get_weather", Description: "Get the current weather for a city.",
				Parameters: json.RawMessage(`{"additionalProperties":false,"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}`)}}}
			msgs := []llm.Message{llm.NewRequest(llm.User("What's the weather in Paris?"))}
			r := request(t, m, msgs, settings, params)
			calls := r.ToolCalls()
			if len(calls) != 1 || calls[0].ToolName != "get_weather" || calls[0].Args != `{"city":"Paris"}` || calls[0].ToolCallID != "48f5r72yf" || r.FinishReason != llm.FinishToolCall {
				t.Fatalf("tool call = %+v finish %q", calls, r.FinishReason)
			}
			msgs = append(msgs, r, llm.NewRequest(llm.ToolReturn("get_weather", "48f5r72yf", "Sunny, 22C in Paris")))
			r = request(t, m, msgs, settings, params)
			if r.Text() != "The weather in Paris is sunny with a temperature of 22C." {
				t.Errorf("final text = %q", r.Text())
			}
		}},
		{"errors", "test_tool_regular_error.yaml", func(t *testing.T, s *Session) {
			m := replayModel(t, "non-existent", s)
			_, err := m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("hello"))}, nil, nil)
			var he *llm.ModelHTTPError
			if !errors.As(err, &he) || he.StatusCode != 404 || !groq.IsModelNotFound(err) {
				t.Fatalf("err = %v, want a 404 model-not-found ModelHTTPError", err)
			}
			if !strings.Contains(err.Error(), "The model `non-existent` does not exist or you do not have access to it.") {
				t.Errorf("Error() = %q", err)
			}
		}},
		{"reasoning", "test_reasoning_wire_contract[groq-gpt-oss-thinking-high].yaml", func(t *testing.T, s *Session) {
			m := replayModel(t, "openai/gpt-oss-120b", s)
			r := request(t, m, []llm.Message{llm.NewRequest(llm.User("What is 2+2? Reply with just the number."))},
				&groq.Settings{Settings: llm.Settings{Thinking: llm.ThinkingHigh}}, nil)
			if strings.TrimSpace(r.Text()) != "4" || kinds(r)[0] != "thinking" {
				t.Errorf("parts %v text %q", kinds(r), r.Text())
			}
		}},
		{"structured output", "test_groq_native_output.yaml", func(t *testing.T, s *Session) {
			m := replayModel(t, "openai/gpt-oss-120b", s)
			p := &llm.RequestParams{OutputMode: llm.OutputNative, OutputObject: &llm.OutputObject{
				Name: "CityLocation", Description: "A city and its country.", Strict: llm.Ptr(true),
				JSONSchema: json.RawMessage(`{"additionalProperties":false,"properties":{"city":{"type":"string"},"country":{"type":"string"}},"required":["city","country"],"type":"object"}`),
			}}
			r := request(t, m, []llm.Message{llm.NewRequest(llm.User("What is the largest city in Mexico?"))}, nil, p)
			if r.Text() != `{"city":"Mexico City","country":"Mexico"}` || r.Usage.InputTokens != 178 || r.Usage.OutputTokens != 94 {
				t.Errorf("text %q usage %+v", r.Text(), r.Usage)
			}
			if diff := cmp.Diff([]string{"thinking", "text"}, kinds(r)); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
		}},
		{"streams", "test_tool_use_failed_error_streaming.yaml", func(t *testing.T, s *Session) {
			m := replayModel(t, "openai/gpt-oss-120b", s)
			params := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{somethingTool}}
			msgs := []llm.Message{llm.NewRequest(concise, llm.User(`Please call the "get_something_by_name" tool with non-existent parameters to test error handling; on the second try you can use valid args`))}
			// A 200 stream that ends in Groq's "event: error" frame with a
			// failed generation maps to the tool call the model attempted.
			r, n := streamAll(t, m, msgs, params)
			call := r.ToolCalls()
			if n < 2 || len(call) != 1 || call[0].Args != `{"invalid_param":"value"}` {
				t.Fatalf("%d events, calls %+v", n, call)
			}
			call[0].ToolCallID = "pyd_ai_53c381537e5a4ce2852509adfb88b3d5" // pydantic-ai's random id, as recorded
			msgs = append(msgs, r, llm.NewRequest(llm.RetryErrors("get_something_by_name", call[0].ToolCallID,
				llm.ValidationError{Type: "missing", Loc: []any{"name"}, Msg: "Field required", Input: map[string]any{"invalid_param": "value"}, HasInput: true},
				llm.ValidationError{Type: "extra_forbidden", Loc: []any{"invalid_param"}, Msg: "Extra inputs are not permitted", Input: "value", HasInput: true})))
			r, _ = streamAll(t, m, msgs, params)
			if got := r.ToolCalls(); len(got) != 1 || got[0].Args != `{"name":"example"}` || r.Usage.InputTokens != 304 || r.Usage.OutputTokens != 49 {
				t.Fatalf("second call %+v usage %+v", got, r.Usage)
			}
			msgs = append(msgs, r, llm.NewRequest(llm.ToolReturn("get_something_by_name", "fc_bfb39741-3748-4def-9886-a93fc9c64a90", "Something with name: example")))
			r, _ = streamAll(t, m, msgs, params)
			if r.FinishReason != llm.FinishStop || r.Text() == "" || r.Usage.InputTokens != 339 {
				t.Errorf("final %q %q %+v", r.FinishReason, r.Text(), r.Usage)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := importVCRPy(t, tt.file)
			s := New(t, WithPath(path), WithRealTransport(offline{t}))
			tt.run(t, s)
		})
	}
}

// TestGroqModelRecordAndReplay records a conversation through groq.Model
// against a local fake with a fake key, replays it offline, and compares
// the mapped results; the key must appear nowhere in the cassette.
func TestGroqModelRecordAndReplay(t *testing.T) {
	t.Setenv("GROQ_API_KEY", fakeKey)
	t.Setenv("GROQ_BASE_URL", "")
	path := filepath.Join(t.TempDir(), "TestGroq.yaml")
	g := fakes.NewGroq(t, fakes.WithAPIKey(fakeKey))
	g.Reply(fakes.TextCompletion("The capital of France is Paris."))
	g.Stream(fakes.NewChunks().ToolCall(fakes.Call{Name: "get_weather", Args: `{"city":"Paris"}`}).Chunks()...)
	g.Reply(fakes.TextCompletion("Sunny in Paris."))

	params := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{Name: "get_weather",
		Parameters: json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`)}}}
	conversation := func(t *testing.T, m *groq.Model) []*llm.Response {
		msgs := []llm.Message{llm.NewRequest(llm.User("What is the capital of France?"))}
		r1 := request(t, m, msgs, nil, nil)
		msgs = append(msgs, r1, llm.NewRequest(llm.User("And the weather there?")))
		r2, _ := streamAll(t, m, msgs, params)
		calls := r2.ToolCalls()
		if len(calls) != 1 {
			t.Fatalf("calls = %+v", calls)
		}
		msgs = append(msgs, r2, llm.NewRequest(llm.ToolReturn("get_weather", calls[0].ToolCallID, "sunny")))
		r3 := request(t, m, msgs, nil, params)
		return []*llm.Response{r1, r2, r3}
	}
	var live []*llm.Response
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(g.Client().Transport))
		m, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithAPIKey(fakeKey), groq.WithHTTPClient(s.Client()))
		if err != nil {
			t.Fatal(err)
		}
		live = conversation(t, m)
	})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), fakeKey) || strings.Contains(string(data), fakeKey[4:20]) {
		t.Fatal("the API key is in the cassette")
	}
	if n := len(g.Requests()); n != 3 {
		t.Fatalf("fake saw %d chat requests, want 3", n)
	}
	t.Run("replay", func(t *testing.T) {
		s := New(t, WithPath(path), WithRealTransport(offline{t}))
		m, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithAPIKey("gsk_other_key_in_ci"), groq.WithHTTPClient(s.Client()))
		if err != nil {
			t.Fatal(err)
		}
		replayed := conversation(t, m)
		if diff := cmp.Diff(live, replayed, cmpopts.IgnoreFields(llm.Response{}, "Timestamp"), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("replayed results differ (-recorded +replayed):\n%s", diff)
		}
	})
	if n := len(g.Requests()); n != 3 {
		t.Errorf("replay reached the fake: %d requests", n)
	}
	t.Run("changed request fails with a diff", func(t *testing.T) {
		ft := newFakeT(t, "TestGroq")
		s := start(ft, WithPath(path), WithRealTransport(offline{t}), AllowUnused())
		m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(s.Client()), groq.WithMaxRetries(0))
		_, err := m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("What is the capital of Spain?"))}, nil, nil)
		if err == nil {
			t.Fatal("a changed request was answered")
		}
		ft.end()
		if msg := ft.allErrors(); !strings.Contains(msg, `messages[0].content: recorded "What is the capital of France?", got "What is the capital of Spain?"`) {
			t.Errorf("failure:\n%s", msg)
		}
	})
}

// streamErr runs one streamed request and returns the error the stream
// ends with (nil when it completes), cancelling the request's context
// after the first event when cancelAfterFirst is set.
func streamErr(t *testing.T, m *groq.Model, cancelAfterFirst bool) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sr, err := m.RequestStream(ctx, []llm.Message{llm.NewRequest(llm.User("Tell me a story"))}, nil, nil)
	if err != nil {
		return err
	}
	defer sr.Close()
	n := 0
	for _, err := range sr.Events() {
		if err != nil {
			return err
		}
		n++
		if n == 1 && cancelAfterFirst {
			cancel()
		}
	}
	return nil
}

func errClass(err error) string {
	if err == nil {
		return "<nil>"
	}
	var he *llm.ModelHTTPError
	var ae *llm.ModelAPIError
	var ub *llm.UnexpectedModelBehavior
	switch {
	case errors.Is(err, context.Canceled):
		return "context.Canceled"
	case errors.As(err, &he):
		return "ModelHTTPError"
	case errors.As(err, &ae):
		return "ModelAPIError"
	case errors.As(err, &ub):
		return "UnexpectedModelBehavior"
	}
	return "other"
}

// TestFaultsMatchRealFaults checks that each replayed fault fails a
// groq.Model the way the same fault from a live (fake) server does.
func TestFaultsMatchRealFaults(t *testing.T) {
	t.Setenv("GROQ_BASE_URL", "")
	story := "Once upon a time there was a fox who liked to jump over lazy dogs."
	path := filepath.Join(t.TempDir(), "story.yaml")
	g := fakes.NewGroq(t, fakes.WithAPIKey(fakeKey))
	g.Stream(fakes.TextStream(story)...)
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(g.Client().Transport))
		m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithAPIKey(fakeKey), groq.WithHTTPClient(s.Client()))
		if err := streamErr(t, m, false); err != nil {
			t.Fatal(err)
		}
	})
	tests := []struct {
		name   string
		live   func(g *fakes.Groq)
		fault  Fault
		cancel bool
	}{
		{"cut", func(g *fakes.Groq) { g.Stream(fakes.TextStream(story)...).CutAfter(3) }, CutAfter(3), false},
		{"stall", func(g *fakes.Groq) { g.Stream(fakes.TextStream(story)...).StallAfter(2) }, StallAfter(2), true},
		{"corrupt", func(g *fakes.Groq) {
			g.Stream(fakes.TextStream(story)...).MalformedFrameAfter(2, `{"id":"chatcmpl-x","choi`)
		}, CorruptEvent(2), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lg := fakes.NewGroq(t, fakes.WithAPIKey(fakeKey))
			tt.live(lg)
			lm, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(lg.URL), groq.WithAPIKey(fakeKey), groq.WithHTTPClient(lg.Client()), groq.WithMaxRetries(0))
			liveErr := streamErr(t, lm, tt.cancel)

			s := New(t, WithPath(path), WithRealTransport(offline{t}), OnRequest(1, tt.fault))
			rm, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(s.Client()), groq.WithMaxRetries(0))
			replayErr := streamErr(t, rm, tt.cancel)
			t.Logf("live %s: %v; replay %s: %v", errClass(liveErr), liveErr, errClass(replayErr), replayErr)
			if liveErr == nil || errClass(liveErr) != errClass(replayErr) {
				t.Errorf("live fault: %s (%v); replayed fault: %s (%v)", errClass(liveErr), liveErr, errClass(replayErr), replayErr)
			}
		})
	}
	t.Run("429 then the recording", func(t *testing.T) {
		clock := fakeclock.NewInstant(fakeclock.New(time.Time{}).Now())
		status, body, header := fakes.RateLimitError(2 * time.Second)
		b, _ := json.Marshal(body)
		s := New(t, WithPath(path), WithRealTransport(offline{t}), OnRequest(1, Respond(status, header, string(b))))
		m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(s.Client()), groq.WithClock(clock))
		if err := streamErr(t, m, false); err != nil {
			t.Fatalf("the retry after the 429 failed: %v", err)
		}
		if slept := clock.Slept(); len(slept) != 1 || slept[0] != 2*time.Second {
			t.Errorf("model waited %v, want the 2s retry-after", slept)
		}
	})
}

// TestFaultsBeforeHeaders: a refused connection and a reset before the
// headers are retried by groq.Model like real ones (the retry gets the
// recording); without retries the caller gets the same error class as
// from a real refused connection; a stall before the headers ends with the
// request's deadline.
func TestFaultsBeforeHeaders(t *testing.T) {
	t.Setenv("GROQ_BASE_URL", "")
	path := filepath.Join(t.TempDir(), "answer.yaml")
	g := fakes.NewGroq(t)
	g.Reply(fakes.TextCompletion("Paris."))
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(g.Client().Transport))
		m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(s.Client()))
		request(t, m, []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	})
	ask := func(m *groq.Model, ctx context.Context) (*llm.Response, error) {
		return m.Request(ctx, []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	}
	for _, tt := range []struct {
		name  string
		fault Fault
		errno syscall.Errno
	}{
		{"refused", Refuse(), syscall.ECONNREFUSED},
		{"reset", ResetBeforeHeaders(), syscall.ECONNRESET},
	} {
		t.Run(tt.name+" is retried", func(t *testing.T) {
			clock := fakeclock.NewInstant(time.Now())
			s := New(t, WithPath(path), WithRealTransport(offline{t}), OnRequest(1, tt.fault))
			m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(s.Client()), groq.WithClock(clock))
			r, err := ask(m, context.Background())
			if err != nil || r.Text() != "Paris." || len(clock.Slept()) != 1 {
				t.Fatalf("err %v, text %q, waits %v", err, r.Text(), clock.Slept())
			}
		})
		t.Run(tt.name+" without retries", func(t *testing.T) {
			s := New(t, WithPath(path), WithRealTransport(offline{t}), OnRequest(1, tt.fault), AllowUnused())
			m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(s.Client()), groq.WithMaxRetries(0))
			_, err := ask(m, context.Background())
			var ae *llm.ModelAPIError
			var oe *net.OpError
			if !errors.As(err, &ae) || !errors.As(err, &oe) || !errors.Is(err, tt.errno) {
				t.Fatalf("err = %T %v, want a ModelAPIError wrapping a *net.OpError with %v", err, err, tt.errno)
			}
		})
	}
	t.Run("stall until the deadline", func(t *testing.T) {
		s := New(t, WithPath(path), WithRealTransport(offline{t}), OnRequest(1, StallBeforeHeaders()), AllowUnused())
		m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(s.Client()), groq.WithTimeout(20*time.Millisecond), groq.WithMaxRetries(0))
		_, err := ask(m, context.Background())
		var ae *llm.ModelAPIError
		if !errors.As(err, &ae) || !ae.Timeout() {
			t.Fatalf("err = %T %v, want a timeout", err, err)
		}
	})
	// A caller whose deadline passed before the session saw its request
	// (a loaded machine, a tiny timeout) met the stall all the same: the
	// fault is not reported as never applied.
	t.Run("stall when the deadline passed first", func(t *testing.T) {
		s := New(t, WithPath(path), WithRealTransport(offline{t}), OnRequest(1, StallBeforeHeaders()), AllowUnused())
		m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(s.Client()), groq.WithMaxRetries(0))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := ask(m, ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %T %v, want context.Canceled", err, err)
		}
	})
}

// TestRecordedGroqStreamsAreWhole records streams through groq.Model, which
// closes (and cancels) a stream as soon as it has read data: [DONE]: the
// recording must still be a whole stream, not one marked broken, however
// the end of the body races with the cancel.
func TestRecordedGroqStreamsAreWhole(t *testing.T) {
	for i := range 8 {
		path := filepath.Join(t.TempDir(), "stream.yaml")
		g := fakes.NewGroq(t, fakes.WithDefaultAnswers(), fakes.WithPacing()) // paced as Groq: the body ends a moment after [DONE]
		t.Run(fmt.Sprint("run", i), func(t *testing.T) {
			s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(g.Client().Transport))
			m, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(s.Client()))
			if err != nil {
				t.Fatal(err)
			}
			r, _ := streamAll(t, m, []llm.Message{llm.NewRequest(llm.User("What is the capital of France?"))}, nil)
			if !strings.Contains(r.Text(), "Paris") {
				t.Fatalf("text = %q", r.Text())
			}
		})
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), httpbody.StreamErrorHeader) {
			t.Fatalf("run %d: a complete stream was recorded as broken:\n%s", i, data)
		}
	}
}

// TestMissIsReportedOnce replays a changed request through a model that
// retries: the miss must fail the test once, at once, not after a backoff
// per retry.
func TestMissIsReportedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "once.yaml")
	g := fakes.NewGroq(t)
	g.Reply(fakes.TextCompletion("Paris."))
	t.Run("record", func(t *testing.T) {
		s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(g.Client().Transport))
		m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(s.Client()))
		request(t, m, []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	})
	ft := newFakeT(t, "TestOnce")
	s := start(ft, WithPath(path), WithRealTransport(offline{t}), AllowUnused())
	clock := fakeclock.NewInstant(time.Now())
	m, _ := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(s.Client()), groq.WithClock(clock))
	if _, err := m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of Spain?"))}, nil, nil); err == nil {
		t.Fatal("a changed request was answered")
	}
	ft.end()
	if n := strings.Count(ft.allErrors(), "matches no recording"); n != 1 {
		t.Errorf("the miss was reported %d times:\n%s", n, ft.allErrors())
	}
	if len(clock.Slept()) != 0 {
		t.Errorf("the model waited %v before giving up on a miss", clock.Slept())
	}
}
