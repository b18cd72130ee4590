package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
	"github.com/llmvcr/llmvcr/replay"
)

// This file measures llmvcr against expectations written by someone else:
// pydantic-ai's own assertions (its snapshot(...) values) for the real
// Groq recordings in testdata/vcrpy, ported by hand, test by test. Each
// ported test replays its recording through replay and groq.Model with
// the conversation the pydantic-ai test held: the requests must match the
// recording on their own (replay compares bodies as JSON), and every
// value the pydantic-ai test asserts about the answers becomes a fact.
// The figure counts the facts that hold.
//
// Inputs come from pydantic-ai's tests, not from the recordings, with two
// exceptions, each marked where it is used: the random ids pydantic-ai
// gave failed tool calls (pyd_ai_...), which cannot be reproduced, are
// carried into the next request as recorded; and two requests recorded by
// an older pydantic-ai are matched with one JSON path ignored, the
// difference itself kept as a failing fact.
//
// A fact that fails for a difference already known is listed in
// knownFailing with its reason; the list must be exact: a listed fact
// that starts to hold fails the test too, so the list is updated when a
// difference is fixed.

// vectorTests is how many pydantic-ai tests (or parametrised cases) have a
// recording under testdata/vcrpy; the figure says how many are ported.
const vectorTests = 59

// notModelled is what a fact's got holds when llmvcr has no such value.
const notModelled = "<not modelled>"

// knownFailing lists the facts known not to hold, each with its reason.
// Keys are fact names as the test prints them.
var knownFailing = map[string]string{
	// Requests pydantic-ai recorded with older code (vcrpy never compared
	// request bodies, so its cassettes kept them); llmvcr sends what
	// pydantic-ai sends today. Replay ignores the differing paths named in
	// the test's case, and the fact records the difference.
	"test_groq_model_thinking_part: requests[1] body equals the recording":        "recorded before pydantic-ai sent thinking back in <think> tags",
	"test_tool_use_failed_error_with_text: requests[1] body equals the recording": "recorded when pydantic-ai still sent the input of an error with an empty location",
	// Deliberate: a Go library has no warnings channel.
	"test_reasoning_wire_contract[groq-qwen3-disable-overrides-effort-setting]: warns `groq_reasoning_effort` will be ignored": "deliberate: llmvcr does not print warnings",
}

// fact is one value a pydantic-ai test asserts.
type fact struct {
	name      string
	got, want any
}

func (f fact) holds() bool { return reflect.DeepEqual(f.got, f.want) }

// knownReason returns why f is known to fail, or "".
func knownReason(name string) string { return knownFailing[name] }

// snapPart is a part of a pydantic-ai snapshot: its kind, and the values
// the snapshot gives (nil: IsInstance only, or IsStr for an id).
type snapPart struct {
	kind     string  // "text", "thinking" or "tool-call"
	content  *string // text or thinking content
	toolName string
	args     any    // a string (compared as is) or a map (compared as JSON)
	id       string // tool_call_id: "" not asserted, anyID for IsStr(), or the value
}

// anyID stands for IsStr() in a snapshot.
const anyID = "<IsStr>"

// snapResponse is a ModelResponse of a pydantic-ai snapshot.
type snapResponse struct {
	parts       []snapPart
	usage       snapUsage
	model       string
	finish      string    // finish_reason; "" for None
	rawFinish   string    // provider_details['finish_reason']; "" when absent
	timestamp   time.Time // provider_details['timestamp'] when a datetime; zero for IsDatetime or absent
	responseID  string    // anyID for IsStr(), "" for None, or the value
	providerURL string
}

// snapUsage is a RequestUsage of a snapshot.
type snapUsage struct {
	input, output, cacheRead, reasoning int
	details                             map[string]int
	cost                                string // the snapshot's Decimal, as written there
}

func text(s string) snapPart     { return snapPart{kind: "text", content: &s} }
func thinking(s string) snapPart { return snapPart{kind: "thinking", content: &s} }
func call(name string, args any, id string) snapPart {
	return snapPart{kind: "tool-call", toolName: name, args: args, id: id}
}

// collector gathers the facts of one ported test.
type collector struct {
	test  string
	facts []fact
}

func (c *collector) eq(name string, got, want any) {
	c.facts = append(c.facts, fact{name: c.test + ": " + name, got: got, want: want})
}

// response adds the facts of one snapshot ModelResponse about r.
func (c *collector) response(label string, r *llm.Response, w snapResponse) {
	if r == nil {
		r = &llm.Response{}
	}
	kinds := make([]string, len(r.Parts))
	for i, p := range r.Parts {
		kinds[i] = llm.Kind(p)
	}
	wantKinds := make([]string, len(w.parts))
	for i, p := range w.parts {
		wantKinds[i] = p.kind
	}
	c.eq(label+".parts kinds", kinds, wantKinds)
	for i, wp := range w.parts {
		at := fmt.Sprintf("%s.parts[%d]", label, i)
		var gp llm.ResponsePart
		if i < len(r.Parts) {
			gp = r.Parts[i]
		}
		switch wp.kind {
		case "text", "thinking":
			if wp.content == nil {
				continue
			}
			got := notModelled
			switch p := gp.(type) {
			case *llm.TextPart:
				got = p.Content
			case *llm.ThinkingPart:
				got = p.Content
			}
			c.eq(at+".content", got, *wp.content)
		case "tool-call":
			p, _ := gp.(*llm.ToolCallPart)
			if p == nil {
				p = &llm.ToolCallPart{}
			}
			c.eq(at+".tool_name", p.ToolName, wp.toolName)
			switch a := wp.args.(type) {
			case string:
				c.eq(at+".args", p.Args, a)
			case map[string]any:
				var got any
				if json.Unmarshal([]byte(p.Args), &got) != nil {
					got = p.Args
				}
				c.eq(at+".args", got, a)
			}
			switch wp.id {
			case "":
			case anyID:
				c.eq(at+".tool_call_id", p.ToolCallID != "", true)
			default:
				c.eq(at+".tool_call_id", p.ToolCallID, wp.id)
			}
		}
	}
	c.eq(label+".model_name", r.ModelName, w.model)
	c.eq(label+".provider_name", r.ProviderName, "groq")
	if w.providerURL != "" {
		c.eq(label+".provider_url", r.ProviderURL, w.providerURL)
	}
	c.eq(label+".finish_reason", string(r.FinishReason), w.finish)
	c.eq(label+".provider_details.finish_reason", r.RawFinishReason, w.rawFinish)
	if !w.timestamp.IsZero() {
		c.eq(label+".provider_details.timestamp", r.ProviderTimestamp.UTC(), w.timestamp)
	}
	switch w.responseID {
	case anyID:
		c.eq(label+".provider_response_id", r.ProviderResponseID != "", true)
	default:
		c.eq(label+".provider_response_id", r.ProviderResponseID, w.responseID)
	}
	u := r.Usage
	c.eq(label+".usage.input_tokens", u.InputTokens, w.usage.input)
	c.eq(label+".usage.output_tokens", u.OutputTokens, w.usage.output)
	c.eq(label+".usage.cache_read_tokens", u.CacheReadTokens, w.usage.cacheRead)
	c.eq(label+".usage.output_reasoning_tokens", u.ReasoningTokens, w.usage.reasoning)
	c.eq(label+".usage.details", nonEmptyMap(u.Details), nonEmptyMap(w.usage.details))
	// pydantic-ai compares Decimals exactly (Decimal('0.000') == 0);
	// groq.Cost rounds the exact sum once, so it equals the float64 of
	// that Decimal, and the fact compares exactly too.
	var got, want any = notModelled, w.usage.cost // a cost the snapshot table mistyped fails
	if f, err := strconv.ParseFloat(w.usage.cost, 64); err == nil {
		want = f
	}
	if cost, err := groq.Cost(r.ModelName, r.Usage); err != nil {
		got = err.Error()
	} else {
		got = cost
	}
	c.eq(label+".usage.cost", got, want)
}

// nonEmptyMap returns m, or nil when it is empty, so that a nil and an
// empty map compare equal.
func nonEmptyMap(m map[string]int) map[string]int {
	if len(m) == 0 {
		return nil
	}
	return m
}

// vectorRun is one ported test's replay: a model factory on a replay
// session of the recording, and the request bodies the model sent.
type vectorRun struct {
	t        *testing.T
	c        *collector
	client   *http.Client
	mu       sync.Mutex
	sent     [][]byte
	baseURL  string
	msgs     []llm.Message
	settings llm.ModelSettings
	params   *llm.RequestParams
	model    *groq.Model
}

// sentBodies is a RoundTripper that keeps each request body, then passes
// the request on to the replay session unchanged.
type sentBodies struct {
	run  *vectorRun
	next http.RoundTripper
}

func (s sentBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	s.run.mu.Lock()
	s.run.sent = append(s.run.sent, body)
	s.run.mu.Unlock()
	return s.next.RoundTrip(r)
}

// newModel returns a groq.Model for name on the run's replay session.
func (v *vectorRun) newModel(name string) *groq.Model {
	v.t.Helper()
	opts := []groq.Option{groq.WithHTTPClient(v.client), groq.WithMaxRetries(0), groq.WithAPIKey(testKey)}
	if v.baseURL != "" {
		opts = append(opts, groq.WithBaseURL(v.baseURL))
	}
	m, err := groq.NewModel(name, opts...)
	if err != nil {
		v.t.Fatal(err)
	}
	v.model = m
	return m
}

// send appends a request of parts (with instructions, when given) to the
// conversation, asks the model and appends its answer.
func (v *vectorRun) send(instructions string, parts ...llm.RequestPart) *llm.Response {
	v.t.Helper()
	v.msgs = append(v.msgs, &llm.Request{Parts: parts, Instructions: instructions})
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	r, err := v.model.Request(ctx, v.msgs, v.settings, v.params)
	if err != nil {
		v.t.Fatalf("request %d: %v", len(v.sent)-1, err)
	}
	v.msgs = append(v.msgs, r)
	return r
}

// stream is send over RequestStream: the events are read to the end and
// the stream's response kept.
func (v *vectorRun) stream(instructions string, parts ...llm.RequestPart) *llm.Response {
	v.t.Helper()
	v.msgs = append(v.msgs, &llm.Request{Parts: parts, Instructions: instructions})
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	sr, err := v.model.RequestStream(ctx, v.msgs, v.settings, v.params)
	if err != nil {
		v.t.Fatalf("stream %d: %v", len(v.sent)-1, err)
	}
	defer sr.Close()
	for _, err := range sr.Events() {
		if err != nil {
			v.t.Fatalf("stream %d: %v", len(v.sent)-1, err)
		}
	}
	r := sr.Response()
	v.msgs = append(v.msgs, r)
	return r
}

// kiwiJPEG is pydantic-ai's image_content fixture.
func kiwiJPEG(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "pydantic-ai", "kiwi.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// portedTest is one pydantic-ai test, ported.
type portedTest struct {
	name     string // the pydantic-ai test
	cassette string // under testdata/vcrpy
	baseURL  string // "" for Groq's
	// ignore lists request body paths replay leaves out of matching,
	// for requests recorded by older pydantic-ai code (see knownFailing).
	ignore []string
	run    func(v *vectorRun)
}

const (
	groqURL = "https://api.groq.com"
	concise = "Be concise. Never use pretty double quotes, just regular ones."
	// getSomethingSchema is the schema pydantic-ai derives from
	// `async def get_something_by_name(name: str) -> str`.
	getSomethingSchema = `{"additionalProperties":false,"properties":{"name":{"type":"string"}},"required":["name"],"type":"object"}`
	fruitURL           = "https://t3.ftcdn.net/jpg/00/85/79/92/360_F_85799278_0BBGV9OAdQDTLnKwAPBCcg1J7QtiieJY.jpg"
)

func ptr[T any](v T) *T { return &v }

func portedTests() []portedTest {
	all := append(groqTests(), wireContractTests()...)
	all = append(all, toolChoiceTests()...)
	return append(all, multimodalTests()...)
}

// groqTests are the tests of pydantic-ai's tests/models/test_groq.py with
// a shared recording, and the Groq cases of three other files.
func groqTests() []portedTest {
	getSomething := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{Name: "get_something_by_name", Parameters: json.RawMessage(getSomethingSchema)}}}
	return []portedTest{
		{name: "test_groq_model_instructions", cassette: "test_groq/test_groq_model_instructions.yaml", run: func(v *vectorRun) {
			v.newModel("llama-3.3-70b-versatile")
			r := v.send("You are a helpful assistant.", llm.User("What is the capital of France?"))
			v.c.response("responses[0]", r, snapResponse{
				parts: []snapPart{text("The capital of France is Paris.")},
				usage: snapUsage{input: 48, output: 8, cost: "0.00003464"},
				model: "llama-3.3-70b-versatile", providerURL: groqURL, finish: "stop", rawFinish: "stop",
				timestamp: time.Date(2025, 4, 7, 16, 32, 53, 0, time.UTC), responseID: anyID,
			})
		}},
		{name: "test_extra_headers", cassette: "test_groq/test_extra_headers.yaml", run: func(v *vectorRun) {
			// "This test doesn't do anything, it's just here to ensure that
			// calls with extra_headers don't cause errors": the call succeeds.
			v.newModel("llama-3.3-70b-versatile")
			v.settings = &llm.Settings{ExtraHeaders: map[string]string{"Extra-Header-Key": "Extra-Header-Value"}}
			r := v.send("", llm.User("hello"))
			v.c.eq("run succeeds", r != nil, true)
		}},
		{name: "test_image_url_input", cassette: "test_groq/test_image_url_input.yaml", run: func(v *vectorRun) {
			v.newModel("meta-llama/llama-4-scout-17b-16e-instruct")
			r := v.send("", llm.UserParts(llm.Text("What is the name of this fruit?"), &llm.ImageURL{URL: fruitURL}))
			v.c.eq("result.output", r.Text(), "The fruit depicted in the image is a potato. Although commonly mistaken as a vegetable, potatoes are technically fruits because they are the edible, ripened ovary of a flower, containing seeds. However, in culinary and everyday contexts, potatoes are often referred to as a vegetable due to their savory flavor and uses in dishes. The botanical classification of a potato as a fruit comes from its origin as the tuberous part of the Solanum tuberosum plant, which produces flowers and subsequently the potato as a fruit that grows underground.")
		}},
		{name: "test_image_as_binary_content_tool_response", cassette: "test_groq/test_image_as_binary_content_tool_response.yaml", run: func(v *vectorRun) {
			v.newModel("meta-llama/llama-4-maverick-17b-128e-instruct")
			v.params = &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{Name: "get_image", Parameters: json.RawMessage(`{"additionalProperties":false,"properties":{},"type":"object"}`)}}}
			r := v.send("", llm.UserParts(llm.Text("What fruit is in the image you can get from the get_image tool (without any arguments)?")))
			v.c.response("responses[0]", r, snapResponse{
				parts: []snapPart{call("get_image", "{}", "911ra51k8")},
				usage: snapUsage{input: 712, output: 20, cost: "0.0001544"},
				model: "meta-llama/llama-4-maverick-17b-128e-instruct", providerURL: groqURL, finish: "tool_call", rawFinish: "tool_calls", responseID: anyID,
			})
			r = v.send("", llm.ToolReturn("get_image", "911ra51k8", &llm.BinaryContent{Data: kiwiJPEG(v.t), MediaType: "image/jpeg"}))
			v.c.response("responses[1]", r, snapResponse{
				parts: []snapPart{text("The fruit in the image is a kiwi.")},
				usage: snapUsage{input: 1501, output: 11, cost: "0.0003068"},
				model: "meta-llama/llama-4-maverick-17b-128e-instruct", providerURL: groqURL, finish: "stop", rawFinish: "stop", responseID: anyID,
			})
		}},
		{name: "test_image_detail_vendor_metadata", cassette: "test_groq/test_image_detail_vendor_metadata.yaml", run: func(v *vectorRun) {
			v.newModel("meta-llama/llama-4-scout-17b-16e-instruct")
			v.send("", llm.UserParts(llm.Text("Describe these images."),
				&llm.ImageURL{URL: fruitURL, Detail: "high"},
				&llm.BinaryContent{Data: kiwiJPEG(v.t), MediaType: "image/jpeg", Detail: "low"}))
			var body struct {
				Messages []struct {
					Content []struct {
						Type     string `json:"type"`
						ImageURL struct {
							Detail string `json:"detail"`
						} `json:"image_url"`
					} `json:"content"`
				} `json:"messages"`
			}
			json.Unmarshal(v.sentBody(0), &body)
			var details []string
			for _, m := range body.Messages[:min(1, len(body.Messages))] {
				for _, item := range m.Content {
					if item.Type == "image_url" {
						details = append(details, item.ImageURL.Detail)
					}
				}
			}
			v.c.eq("request image details", details, []string{"high", "low"})
		}},
		{name: "test_groq_model_thinking_part", cassette: "test_groq/test_groq_model_thinking_part.yaml", ignore: []string{"messages[2].content"}, run: func(v *vectorRun) {
			v.newModel("deepseek-r1-distill-llama-70b")
			v.settings = &groq.Settings{ReasoningFormat: "raw"}
			r := v.send("You are a chef.", llm.User("I want a recipe to cook Uruguayan alfajores."))
			first := snapResponse{
				parts: []snapPart{{kind: "thinking"}, {kind: "text"}},
				usage: snapUsage{input: 21, output: 1414, cost: "0.00141561"},
				model: "deepseek-r1-distill-llama-70b", providerURL: groqURL, finish: "stop", rawFinish: "stop",
				timestamp: time.Date(2025, 4, 19, 12, 3, 5, 0, time.UTC), responseID: anyID,
			}
			v.c.response("responses[0]", r, first)
			v.settings = &groq.Settings{ReasoningFormat: "parsed"}
			r = v.send("You are a chef.", llm.User("Considering the Uruguayan recipe, how can I cook the Argentinian one?"))
			v.c.response("responses[1]", r, snapResponse{
				parts: []snapPart{{kind: "thinking"}, {kind: "text"}},
				usage: snapUsage{input: 524, output: 1590, cost: "0.0019671"},
				model: "deepseek-r1-distill-llama-70b", providerURL: groqURL, finish: "stop", rawFinish: "stop",
				timestamp: time.Date(2025, 4, 19, 12, 3, 10, 0, time.UTC), responseID: anyID,
			})
		}},
		{name: "test_tool_use_failed_error", cassette: "test_groq/test_tool_use_failed_error.yaml", run: func(v *vectorRun) {
			v.newModel("openai/gpt-oss-120b")
			v.params = getSomething
			r := v.send(concise, llm.User(`Please call the "get_something_by_name" tool with non-existent parameters to test error handling; on the second try you can use valid args`))
			v.c.response("responses[0]", r, snapResponse{
				parts: []snapPart{call("get_something_by_name", map[string]any{"foo": "bar"}, anyID)},
				usage: snapUsage{cost: "0.000"},
				model: "openai/gpt-oss-120b", providerURL: groqURL, finish: "error",
			})
			// pydantic-ai gave the failed call a random id, which its next
			// request recorded; a random id cannot be replayed, so the
			// conversation carries the recorded one (the fact above checks
			// that llmvcr gave the call an id at all).
			const failedID = "pyd_ai_445dbde6c4764cafb5782bb928ef6c2c"
			setCallID(r, failedID)
			r = v.send(concise, llm.RetryErrors("get_something_by_name", failedID,
				llm.ValidationError{Type: "missing", Loc: []any{"name"}, Msg: "Field required", Input: map[string]any{"foo": "bar"}, HasInput: true},
				llm.ValidationError{Type: "extra_forbidden", Loc: []any{"foo"}, Msg: "Extra inputs are not permitted", Input: "bar", HasInput: true}))
			v.c.response("responses[1]", r, snapResponse{
				parts: []snapPart{thinking(`We need to call with correct param: name field. Use some name, e.g., "test".`), call("get_something_by_name", `{"name":"test"}`, anyID)},
				usage: snapUsage{input: 301, output: 52, reasoning: 22, details: map[string]int{"reasoning_tokens": 22}, cost: "0.00007635"},
				model: "openai/gpt-oss-120b", providerURL: groqURL, finish: "tool_call", rawFinish: "tool_calls", responseID: anyID,
			})
			id := ""
			if calls := r.ToolCalls(); len(calls) > 0 {
				id = calls[0].ToolCallID
			}
			r = v.send(concise, llm.ToolReturn("get_something_by_name", id, "Something with name: test"))
			v.c.response("responses[2]", r, snapResponse{
				parts: []snapPart{
					thinking(`We need to respond to user request. They asked: "Please call the ... tool with non-existent parameters to test error handling; on the second try you can use valid args". We already did that. Now we should respond concisely, maybe acknowledging the result. Use regular quotes.`),
					text(`The first call failed due to missing and extra parameters, as expected. The second call succeeded and returned: "Something with name: test".`),
				},
				usage: snapUsage{input: 336, cacheRead: 256, output: 96, reasoning: 59, details: map[string]int{"reasoning_tokens": 59}, cost: "0.0000888"},
				model: "openai/gpt-oss-120b", providerURL: groqURL, finish: "stop", rawFinish: "stop", responseID: anyID,
			})
		}},
		{name: "test_tool_use_failed_error_streaming", cassette: "test_groq/test_tool_use_failed_error_streaming.yaml", run: func(v *vectorRun) {
			v.newModel("openai/gpt-oss-120b")
			v.params = getSomething
			r := v.stream(concise, llm.User(`Please call the "get_something_by_name" tool with non-existent parameters to test error handling; on the second try you can use valid args`))
			v.c.response("responses[0]", r, snapResponse{
				parts: []snapPart{
					thinking(`We need to call the tool with invalid parameters first, then second call with valid args. The user wants us to test error handling. So first call should have wrong parameters (e.g., missing required "name" or extra param). The tool expects only "name". If we send extra property, that might cause error. Or missing "name". We'll do a call with missing name: {}. Then second call with name: "test". Let's do that.`),
					call("get_something_by_name", map[string]any{"invalid_param": "value"}, anyID),
				},
				usage: snapUsage{cost: "0.000"},
				model: "openai/gpt-oss-120b", providerURL: groqURL, responseID: "chatcmpl-4f39f3af-3267-4ac1-a0cf-6aa7451877dc",
			})
			const failedID = "pyd_ai_53c381537e5a4ce2852509adfb88b3d5" // pydantic-ai's random id, as recorded (see above)
			setCallID(r, failedID)
			r = v.stream(concise, llm.RetryErrors("get_something_by_name", failedID,
				llm.ValidationError{Type: "missing", Loc: []any{"name"}, Msg: "Field required", Input: map[string]any{"invalid_param": "value"}, HasInput: true},
				llm.ValidationError{Type: "extra_forbidden", Loc: []any{"invalid_param"}, Msg: "Extra inputs are not permitted", Input: "value", HasInput: true}))
			v.c.response("responses[1]", r, snapResponse{
				parts: []snapPart{
					thinking(`We need to call the function with correct parameter "name". Provide a name, e.g., "example".`),
					call("get_something_by_name", `{"name":"example"}`, "fc_bfb39741-3748-4def-9886-a93fc9c64a90"),
				},
				usage: snapUsage{input: 304, output: 49, reasoning: 23, details: map[string]int{"reasoning_tokens": 23}, cost: "0.0000750"},
				model: "openai/gpt-oss-120b", providerURL: groqURL, finish: "tool_call", rawFinish: "tool_calls", responseID: "chatcmpl-e35442a8-12c0-4fb4-8be4-0e51727ce7b7",
			})
			r = v.stream(concise, llm.ToolReturn("get_something_by_name", "fc_bfb39741-3748-4def-9886-a93fc9c64a90", "Something with name: example"))
			v.c.response("responses[2]", r, snapResponse{
				parts: []snapPart{
					thinking(`The user wants to test error handling by calling tool with non-existent parameters first (we did) and then second try with valid args. We have succeeded. Now respond concisely.`),
					text("The tool returned the expected result for the valid call."),
				},
				usage: snapUsage{input: 339, output: 58, reasoning: 38, details: map[string]int{"reasoning_tokens": 38}, cost: "0.00008565"},
				model: "openai/gpt-oss-120b", providerURL: groqURL, finish: "stop", rawFinish: "stop", responseID: "chatcmpl-935610b8-ec6a-4b1d-8a58-84b34ab0590e",
			})
		}},
		{name: "test_tool_use_failed_error_with_text", cassette: "test_groq/test_tool_use_failed_error_with_text.yaml", ignore: []string{"messages[3].content"}, run: func(v *vectorRun) {
			v.newModel("openai/gpt-oss-120b")
			// output_type=Literal['yes', 'no']: an output tool, text denied.
			v.params = &llm.RequestParams{DenyTextOutput: true, OutputTools: []llm.ToolDefinition{{
				Name: "final_result", Description: "The final response which ends this conversation", Kind: llm.ToolKindOutput,
				Parameters: json.RawMessage(`{"additionalProperties":false,"properties":{"response":{"enum":["yes","no"],"type":"string"}},"required":["response"],"type":"object"}`),
			}}}
			r := v.send(concise, llm.User(`dont make a tool call, just return the string "maybe" by itself, not as json output, to test error handling; on the second try you can use valid args`))
			v.c.response("responses[0]", r, snapResponse{
				parts: []snapPart{text("maybe")},
				usage: snapUsage{cost: "0.000"},
				model: "openai/gpt-oss-120b", providerURL: groqURL, finish: "error",
			})
			r = v.send(concise, llm.RetryErrors("", "", llm.ValidationError{Type: "json_invalid", Loc: []any{}, Msg: "Invalid JSON: expected value at line 1 column 1", Input: "maybe", HasInput: true}))
			v.c.response("responses[1]", r, snapResponse{
				parts: []snapPart{
					thinking("The user wants me to fix the errors. They attempted to get plain \"maybe\" but system expects JSON output from tool calls? The user says \"on the second try you can use valid args\". So we need to produce a valid tool call with appropriate arguments to the function final_result. The function expects a response field with value \"yes\" or \"no\". So we must call the function with response \"yes\" or \"no\". The user wants to test error handling, but now we need to provide valid output. We should call the function final_result with response maybe? But allowed values are \"yes\" or \"no\". The user didn't specify which. Probably we can respond with \"yes\". Let's do function call.\n\n"),
					call("final_result", `{"response":"yes"}`, "fc_beee8d84-e6d7-4980-bec6-298d3ec7a73f"),
				},
				usage: snapUsage{input: 254, output: 174, reasoning: 147, details: map[string]int{"reasoning_tokens": 147}, cost: "0.0001425"},
				model: "openai/gpt-oss-120b", providerURL: groqURL, finish: "tool_call", rawFinish: "tool_calls", responseID: "chatcmpl-9fc28492-a04d-4b0f-b9a0-a9149d048b37",
			})
		}},
		{name: "test_tool_regular_error", cassette: "test_groq/test_tool_regular_error.yaml", run: func(v *vectorRun) {
			m := v.newModel("non-existent")
			_, err := m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("hello"))}, nil, nil)
			var he *llm.ModelHTTPError
			v.c.eq("raises ModelHTTPError", errors.As(err, &he), true)
			v.c.eq("error matches message", err != nil && strings.Contains(err.Error(), "The model `non-existent` does not exist or you do not have access to it."), true)
		}},
		{name: "test_groq_native_output", cassette: "test_groq/test_groq_native_output.yaml", run: func(v *vectorRun) {
			v.newModel("openai/gpt-oss-120b")
			v.params = &llm.RequestParams{OutputMode: llm.OutputNative, OutputObject: &llm.OutputObject{
				Name: "CityLocation", Description: "A city and its country.", Strict: llm.Ptr(true),
				JSONSchema: json.RawMessage(`{"additionalProperties":false,"properties":{"city":{"type":"string"},"country":{"type":"string"}},"required":["city","country"],"type":"object"}`),
			}}
			r := v.send("", llm.User("What is the largest city in Mexico?"))
			v.c.eq("result.output", cityOf(r), map[string]any{"city": "Mexico City", "country": "Mexico"})
			v.c.response("responses[0]", r, snapResponse{
				parts: []snapPart{
					thinking(`The user asks: "What is the largest city in Mexico?" The system expects a JSON object conforming to CityLocation schema: properties city (string) and country (string), required both. Provide largest city in Mexico: Mexico City. So output JSON: {"city":"Mexico City","country":"Mexico"} in compact format, no extra text.`),
					text(`{"city":"Mexico City","country":"Mexico"}`),
				},
				usage: snapUsage{input: 178, output: 94, cost: "0.0000831"},
				model: "openai/gpt-oss-120b", providerURL: groqURL, finish: "stop", rawFinish: "stop",
				timestamp: time.Date(2025, 9, 2, 20, 1, 5, 0, time.UTC), responseID: anyID,
			})
		}},
		{name: "test_groq_prompted_output", cassette: "test_groq/test_groq_prompted_output.yaml", run: func(v *vectorRun) {
			v.newModel("openai/gpt-oss-120b")
			v.params = &llm.RequestParams{OutputMode: llm.OutputPrompted, OutputObject: &llm.OutputObject{
				Name:       "CityLocation",
				JSONSchema: json.RawMessage(`{"properties":{"city":{"type":"string"},"country":{"type":"string"}},"required":["city","country"],"title":"CityLocation","type":"object"}`),
			}}
			r := v.send("", llm.User("What is the largest city in Mexico?"))
			v.c.eq("result.output", cityOf(r), map[string]any{"city": "Mexico City", "country": "Mexico"})
			v.c.response("responses[0]", r, snapResponse{
				parts: []snapPart{
					thinking(`We need to respond with JSON object with properties city and country. The question: "What is the largest city in Mexico?" The answer: City is Mexico City, country is Mexico. Must output compact JSON without any extra text or markdown. So {"city":"Mexico City","country":"Mexico"} Ensure valid JSON.`),
					text(`{"city":"Mexico City","country":"Mexico"}`),
				},
				usage: snapUsage{input: 177, output: 87, cost: "0.00007875"},
				model: "openai/gpt-oss-120b", providerURL: groqURL, finish: "stop", rawFinish: "stop",
				timestamp: time.Date(2025, 9, 2, 20, 1, 6, 0, time.UTC), responseID: anyID,
			})
		}},
		{name: "test_groq_web_search_tool_domain_filters", cassette: "test_groq/test_groq_web_search_tool_domain_filters.yaml", run: func(v *vectorRun) {
			v.newModel("compound-beta")
			v.params = &llm.RequestParams{NativeTools: []llm.NativeTool{&llm.WebSearchTool{AllowedDomains: []string{"python.org"}, BlockedDomains: []string{"w3schools.com"}}}}
			r := v.send("", llm.User("What is the latest stable version of Python?"))
			v.c.eq("result.output is a string", r.Text() != "", true)
			var body struct {
				SearchSettings any `json:"search_settings"`
			}
			json.Unmarshal(v.sentBody(0), &body)
			v.c.eq("request search_settings", body.SearchSettings, map[string]any{"include_domains": []any{"python.org"}, "exclude_domains": []any{"w3schools.com"}})
		}},
		{name: "test_model_name_suggestion[groq]", cassette: "test_model_name_suggestions/test_model_name_suggestion[groq].yaml", run: func(v *vectorRun) {
			m := v.newModel("llama-3.3-70b-versatlie")
			_, err := m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("hello"))}, nil, nil)
			var he *llm.ModelHTTPError
			if !errors.As(err, &he) {
				he = &llm.ModelHTTPError{}
			}
			var req struct {
				Model string `json:"model"`
			}
			json.Unmarshal(v.sentBody(0), &req)
			v.c.eq("requested identifiers", []string{req.Model}, []string{"llama-3.3-70b-versatlie"})
			v.c.eq("error.status_code", he.StatusCode, 404)
			var body any
			json.Unmarshal(he.Body, &body)
			v.c.eq("error.body", body, map[string]any{"error": map[string]any{
				"message": "The model `llama-3.3-70b-versatlie` does not exist or you do not have access to it.",
				"type":    "invalid_request_error", "code": "model_not_found",
			}})
			v.c.eq("error.suggested_model_id", he.SuggestedModelID, "groq:llama-3.3-70b-versatile")
			v.c.eq("error ends with suggestion", err != nil && strings.HasSuffix(err.Error(), ". Did you mean 'groq:llama-3.3-70b-versatile'?"), true)
		}},
		{name: "test_stop_settings[groq]", cassette: "test_settings/test_stop_settings[groq].yaml", run: func(v *vectorRun) {
			v.newModel("llama3-8b-8192")
			v.settings = &llm.Settings{StopSequences: []string{"Paris"}}
			r := v.send("", llm.User(`What is the capital of France? Give me an answer that contains the word "Paris", but is not the first word.`))
			v.c.eq("'Paris' not in result.output", !strings.Contains(r.Text(), "Paris"), true)
		}},
		{name: "test_gateway_provider_with_groq", cassette: "test_gateway/test_gateway_provider_with_groq.yaml", baseURL: "http://localhost:8787/groq", run: func(v *vectorRun) {
			v.newModel("llama-3.3-70b-versatile")
			r := v.send("", llm.User("What is the capital of France?"))
			v.c.eq("result.output", r.Text(), "The capital of France is Paris.")
		}},
	}
}

// setCallID gives r's first tool call the id pydantic-ai's conversation
// used for it.
func setCallID(r *llm.Response, id string) {
	if calls := r.ToolCalls(); len(calls) > 0 {
		calls[0].ToolCallID = id
	}
}

// wireContractTests are the Groq cases of pydantic-ai's
// tests/test_thinking_wire_contract.py: keys that must be present in the
// request body with a value, keys that must be absent.
func wireContractTests() []portedTest {
	type wireCase struct {
		id       string
		model    string
		thinking llm.Thinking // "" for unset
		effort   string       // groq_reasoning_effort
		extra    map[string]any
		present  map[string]any
		absent   []string
		warning  string
	}
	service := func() map[string]any { return map[string]any{"service_tier": "on_demand"} }
	cases := []wireCase{
		{id: "groq-qwen3-disable", model: "qwen/qwen3-32b", thinking: llm.ThinkingOff, present: map[string]any{"reasoning_effort": "none"}, absent: []string{"reasoning_format"}},
		{id: "groq-qwen3-disable-merges-user-extra-body", model: "qwen/qwen3-32b", thinking: llm.ThinkingOff, extra: service(), present: map[string]any{"reasoning_effort": "none", "service_tier": "on_demand"}, absent: []string{"reasoning_format"}},
		{id: "groq-qwen3-effort-setting", model: "qwen/qwen3-32b", effort: "default", extra: service(), present: map[string]any{"reasoning_effort": "default", "service_tier": "on_demand"}, absent: []string{"reasoning_format"}},
		{id: "groq-qwen3-disable-overrides-effort-setting", model: "qwen/qwen3-32b", thinking: llm.ThinkingOff, effort: "high", present: map[string]any{"reasoning_effort": "none"}, absent: []string{"reasoning_format"}, warning: "`groq_reasoning_effort` will be ignored"},
		{id: "groq-gpt-oss-thinking-high", model: "openai/gpt-oss-120b", thinking: llm.ThinkingHigh, present: map[string]any{"reasoning_effort": "high", "reasoning_format": "parsed"}},
		{id: "groq-gpt-oss-thinking-medium", model: "openai/gpt-oss-120b", thinking: llm.ThinkingMedium, present: map[string]any{"reasoning_effort": "medium", "reasoning_format": "parsed"}},
		{id: "groq-gpt-oss-thinking-minimal-folds-to-low", model: "openai/gpt-oss-120b", thinking: llm.ThinkingMinimal, present: map[string]any{"reasoning_effort": "low", "reasoning_format": "parsed"}},
		{id: "groq-gpt-oss-thinking-xhigh-folds-to-high", model: "openai/gpt-oss-120b", thinking: llm.ThinkingXHigh, present: map[string]any{"reasoning_effort": "high", "reasoning_format": "parsed"}},
		{id: "groq-gpt-oss-thinking-true-maps-to-medium", model: "openai/gpt-oss-120b", thinking: llm.ThinkingOn, present: map[string]any{"reasoning_effort": "medium", "reasoning_format": "parsed"}},
		{id: "groq-gpt-oss-thinking-false-noop", model: "openai/gpt-oss-120b", thinking: llm.ThinkingOff, absent: []string{"reasoning_effort", "reasoning_format"}},
		{id: "groq-gpt-oss-explicit-effort-overrides-thinking", model: "openai/gpt-oss-120b", thinking: llm.ThinkingLow, effort: "high", present: map[string]any{"reasoning_effort": "high", "reasoning_format": "parsed"}},
		{id: "groq-gpt-oss-thinking-merges-user-extra-body", model: "openai/gpt-oss-120b", thinking: llm.ThinkingHigh, extra: service(), present: map[string]any{"reasoning_effort": "high", "reasoning_format": "parsed", "service_tier": "on_demand"}},
		{id: "groq-qwen3-enable-level-sends-no-effort", model: "qwen/qwen3-32b", thinking: llm.ThinkingHigh, present: map[string]any{"reasoning_format": "parsed"}, absent: []string{"reasoning_effort"}},
	}
	var out []portedTest
	for _, wc := range cases {
		out = append(out, portedTest{
			name:     "test_reasoning_wire_contract[" + wc.id + "]",
			cassette: "test_thinking_wire_contract/test_reasoning_wire_contract[" + wc.id + "].yaml",
			run: func(v *vectorRun) {
				v.newModel(wc.model)
				v.settings = &groq.Settings{Settings: llm.Settings{Thinking: wc.thinking, ExtraBody: wc.extra}, ReasoningEffort: wc.effort}
				v.send("", llm.User("What is 2+2? Reply with just the number."))
				var body map[string]any
				json.Unmarshal(v.sentBody(0), &body)
				keys := make([]string, 0, len(wc.present))
				for k := range wc.present {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					v.c.eq("request "+k, body[k], wc.present[k])
				}
				for _, k := range wc.absent {
					_, present := body[k]
					v.c.eq("request has no "+k, !present, true)
				}
				if wc.warning != "" {
					v.c.eq("warns "+wc.warning, notModelled, "a UserWarning")
				}
			},
		})
	}
	return out
}

// toolChoiceTests are the Groq cases of pydantic-ai's
// tests/models/test_tool_choice_matrix.py: the tool_choice of the first
// request, as its EXPECTED_TOOL_CHOICE snapshot gives it.
func toolChoiceTests() []portedTest {
	// The tools as pydantic-ai derives them from get_weather and get_time
	// (docstring and signature), and as make_tool_def builds them.
	weather := llm.ToolDefinition{Name: "get_weather", Description: "Get the current weather for a city.",
		Parameters: json.RawMessage(`{"additionalProperties":false,"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}`)}
	timeTool := llm.ToolDefinition{Name: "get_time", Description: "Get the current time in a timezone.",
		Parameters: json.RawMessage(`{"additionalProperties":false,"properties":{"timezone":{"type":"string"}},"required":["timezone"],"type":"object"}`)}
	makeToolDef := func(name, description, param string) llm.ToolDefinition {
		return llm.ToolDefinition{Name: name, Description: description,
			Parameters: json.RawMessage(`{"type":"object","properties":{"` + param + `":{"type":"string"}},"required":["` + param + `"]}`)}
	}
	// output_type=CityInfo: an output tool, text output denied.
	cityInfo := llm.ToolDefinition{Name: "final_result", Description: "The final response which ends this conversation", Kind: llm.ToolKindOutput,
		Parameters: json.RawMessage(`{"properties":{"city":{"type":"string"},"summary":{"type":"string"}},"required":["city","summary"],"title":"CityInfo","type":"object"}`)}
	choice := func(mode llm.ToolChoiceMode, names ...string) *llm.Settings {
		return &llm.Settings{ToolChoice: &llm.ToolChoice{Mode: mode, Names: names}}
	}
	cases := []struct {
		scenario string
		prompt   string
		settings *llm.Settings
		params   *llm.RequestParams
		agent    bool // agent.run (tools are run); else one model.request
		want     any
	}{
		{"auto", "What's the weather in Paris?", choice(llm.ToolChoiceAuto), &llm.RequestParams{FunctionTools: []llm.ToolDefinition{weather}}, true, "auto"},
		{"none", "What's the weather in Paris?", choice(llm.ToolChoiceNone), &llm.RequestParams{FunctionTools: []llm.ToolDefinition{weather}}, true, "none"},
		{"required", "What's the weather in Paris?", choice(llm.ToolChoiceRequired), &llm.RequestParams{FunctionTools: []llm.ToolDefinition{makeToolDef("get_weather", "Get weather for a city", "city")}}, false, "required"},
		{"list_single", "What's the weather in Paris?", choice(llm.ToolChoiceTools, "get_weather"), &llm.RequestParams{FunctionTools: []llm.ToolDefinition{
			makeToolDef("get_weather", "Get weather for a city", "city"), makeToolDef("get_time", "Get time in a timezone", "timezone")}}, false,
			map[string]any{"type": "function", "function": map[string]any{"name": "get_weather"}}},
		{"none_with_output", "Tell me about Paris", choice(llm.ToolChoiceNone), &llm.RequestParams{FunctionTools: []llm.ToolDefinition{weather}, OutputTools: []llm.ToolDefinition{cityInfo}, DenyTextOutput: true}, true,
			map[string]any{"type": "function", "function": map[string]any{"name": "final_result"}}},
		{"tools_plus_output", "Get weather for Paris and summarize", choice(llm.ToolChoiceToolsOrOutput, "get_weather"), &llm.RequestParams{FunctionTools: []llm.ToolDefinition{weather, timeTool}, OutputTools: []llm.ToolDefinition{cityInfo}, DenyTextOutput: true}, true, "required"},
	}
	var out []portedTest
	for _, tc := range cases {
		out = append(out, portedTest{
			name:     "test_tool_choice_matrix[" + tc.scenario + "-groq]",
			cassette: "test_tool_choice_matrix/test_tool_choice_matrix[" + tc.scenario + "-groq].yaml",
			run: func(v *vectorRun) {
				v.newModel("meta-llama/llama-4-scout-17b-16e-instruct")
				v.settings, v.params = tc.settings, tc.params
				r := v.send("", llm.User(tc.prompt))
				// The agent runs function tools and asks again, until an
				// answer or an output tool call (which, with pydantic-ai's
				// default end_strategy "early", ends the run at once).
				for step := 0; tc.agent && step < 5; step++ {
					var returns []llm.RequestPart
					calls := r.ToolCalls()
					for _, call := range calls {
						if call.ToolName == "final_result" {
							calls = nil
						}
					}
					for _, call := range calls {
						if call.ToolName != "get_weather" {
							continue
						}
						var args struct {
							City string `json:"city"`
						}
						json.Unmarshal([]byte(call.Args), &args)
						returns = append(returns, llm.ToolReturn(call.ToolName, call.ToolCallID, "Sunny, 22C in "+args.City))
					}
					if len(returns) == 0 {
						break
					}
					r = v.send("", returns...)
				}
				var body map[string]any
				json.Unmarshal(v.sentBody(0), &body)
				v.c.eq("first request tool_choice", body["tool_choice"], tc.want)
			},
		})
	}
	return out
}

// multimodalTests are the Groq cases of pydantic-ai's
// tests/models/test_multimodal_tool_returns.py: a tool returns an image,
// a document, an audio or a video file, directly or as ToolReturn content;
// images reach the model as user content, anything else is refused before
// the second request.
func multimodalTests() []portedTest {
	const imageURL = "https://www.gstatic.com/webp/gallery3/1.png"
	urls := map[string]llm.UserContent{
		"image":    &llm.ImageURL{URL: imageURL},
		"document": &llm.DocumentURL{URL: "https://pdfobject.com/pdf/sample.pdf"},
		"audio":    &llm.AudioURL{URL: "https://download.samplelib.com/mp3/sample-3s.mp3"},
		"video":    &llm.VideoURL{URL: "https://www.w3schools.com/html/mov_bbb.mp4"},
	}
	// binary returns the binary_contents fixture of file type ft. Only
	// the image reaches the wire; for the others the mapping refuses the
	// media type first, so their bytes (pydantic-ai's dummy.pdf,
	// marcelo.mp3, small_video.mp4) are not needed: a stand-in of the
	// right media type is used.
	binary := func(t *testing.T, ft string) llm.UserContent {
		switch ft {
		case "image":
			return &llm.BinaryContent{Data: kiwiJPEG(t), MediaType: "image/jpeg"}
		case "document":
			return &llm.BinaryContent{Data: []byte("%PDF-1.4 stand-in"), MediaType: "application/pdf"}
		case "audio":
			return &llm.BinaryContent{Data: []byte("ID3 stand-in"), MediaType: "audio/mpeg"}
		}
		return &llm.BinaryContent{Data: []byte("ftyp stand-in"), MediaType: "video/mp4"}
	}
	// SUPPORT_MATRIX for groq: the error each non-image type raises.
	refusal := map[string]string{
		"document": `(?:DocumentUrl|images are supported).*Groq user prompts`,
		"audio":    `(?:AudioUrl|images are supported).*Groq user prompts`,
		"video":    `(?:VideoUrl|images are supported).*Groq user prompts`,
	}
	// CASSETTE_PATTERNS: what the recorded requests must contain.
	patterns := map[string][]string{
		"image/binary": {"/9j/", "_9j_"},
		"image/url":    {imageURL, "/9j/", "_9j_", "UklGR", "iVBOR"},
	}
	getFile := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{Name: "get_file", Parameters: json.RawMessage(`{"additionalProperties":false,"properties":{},"type":"object"}`)}}}

	var out []portedTest
	for _, style := range []string{"direct", "tool_return_content"} {
		for _, source := range []string{"binary", "url", "url_force_download"} {
			for _, ft := range []string{"image", "document", "audio", "video"} {
				if ft == "image" && source == "url_force_download" {
					continue // not recorded for groq
				}
				id := style + "-" + source + "-" + ft + "-groq"
				out = append(out, portedTest{
					name:     "test_multimodal_tool_return_matrix[" + id + "]",
					cassette: "test_multimodal_tool_returns/test_multimodal_tool_return_matrix[" + id + "].yaml",
					run: func(v *vectorRun) {
						v.newModel("meta-llama/llama-4-maverick-17b-128e-instruct")
						v.params = getFile
						r := v.send("", llm.User("Use the get_file tool now to retrieve a "+ft+" file, then describe what you received."))
						callID := ""
						if calls := r.ToolCalls(); len(calls) > 0 {
							callID = calls[0].ToolCallID
						}
						// url_force_download only changes who downloads the
						// file; llmvcr sends URLs as they are.
						content := urls[ft]
						if source == "binary" {
							content = binary(v.t, ft)
						}
						var parts []llm.RequestPart
						if style == "direct" {
							parts = []llm.RequestPart{llm.ToolReturn("get_file", callID, content)}
						} else {
							parts = []llm.RequestPart{llm.ToolReturn("get_file", callID, "File attached"), llm.UserParts(content)}
						}
						if re := refusal[ft]; re != "" {
							v.msgs = append(v.msgs, llm.NewRequest(parts...))
							_, err := v.model.Request(context.Background(), v.msgs, v.settings, v.params)
							var ue *llm.UserError
							v.c.eq("raises a typed error matching "+re, errors.As(err, &ue) && regexp.MustCompile(re).MatchString(err.Error()), true)
							return
						}
						r = v.send("", parts...)
						v.c.eq("result.output is not empty", r.Text() != "", true)
						v.c.eq("requests contain the "+ft, v.sentContainsAny(patterns[ft+"/"+source]...), true)
						if style == "direct" {
							v.c.eq("requests contain 'See file'", v.sentContainsAny("See file"), true)
						}
					},
				})
			}
		}
	}
	out = append(out,
		portedTest{name: "test_mixed_content_ordering[groq]", cassette: "test_multimodal_tool_returns/test_mixed_content_ordering[groq].yaml", run: func(v *vectorRun) {
			v.newModel("meta-llama/llama-4-maverick-17b-128e-instruct")
			v.params = &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{Name: "get_mixed_content", Parameters: json.RawMessage(`{"additionalProperties":false,"properties":{},"type":"object"}`)}}}
			r := v.send("", llm.User("Call the get_mixed_content tool and describe what you received."))
			callID := ""
			if calls := r.ToolCalls(); len(calls) > 0 {
				callID = calls[0].ToolCallID
			}
			r = v.send("", llm.ToolReturn("get_mixed_content", callID, []any{"Here is the image:", &llm.BinaryContent{Data: kiwiJPEG(v.t), MediaType: "image/jpeg"}, map[string]any{"pydantic_ai_marker": "test_42"}}))
			v.c.eq("result.output is not empty", r.Text() != "", true)
			last := string(v.sentBody(1))
			i, j := strings.Index(last, "Here is the image:"), strings.Index(last, "pydantic_ai_marker")
			v.c.eq("requests order 'Here is the image:' before 'pydantic_ai_marker'", i >= 0 && j > i, true)
			v.c.eq("requests contain the image", v.sentContainsAny("/9j/", "_9j_"), true)
			v.c.eq("requests contain 'See file'", v.sentContainsAny("See file"), true)
		}},
		portedTest{name: "test_model_sees_multiple_images[groq]", cassette: "test_multimodal_tool_returns/test_model_sees_multiple_images[groq].yaml", run: func(v *vectorRun) {
			v.newModel("meta-llama/llama-4-maverick-17b-128e-instruct")
			v.params = &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{Name: "get_images", Parameters: json.RawMessage(`{"additionalProperties":false,"properties":{},"type":"object"}`)}}}
			r := v.send("", llm.User("Call the get_images tool. One image shows a fruit - what fruit is it? Just name the fruit."))
			callID := ""
			if calls := r.ToolCalls(); len(calls) > 0 {
				callID = calls[0].ToolCallID
			}
			r = v.send("", llm.ToolReturn("get_images", callID, []any{&llm.BinaryContent{Data: kiwiJPEG(v.t), MediaType: "image/jpeg"}, &llm.ImageURL{URL: imageURL}}))
			v.c.eq("'kiwi' in result.output", strings.Contains(strings.ToLower(r.Text()), "kiwi"), true)
			v.c.eq("requests contain the kiwi image", v.sentContainsAny("/9j/", "_9j_"), true)
			v.c.eq("requests contain the second image", v.sentContainsAny("UklGR", "iVBOR", imageURL), true)
			v.c.eq("requests contain 'See file'", v.sentContainsAny("See file"), true)
		}},
	)
	return out
}

// sentContainsAny reports whether any request body sent so far contains
// one of subs, as pydantic-ai's cassette_ctx.verify_contains checks the
// recorded bodies.
func (v *vectorRun) sentContainsAny(subs ...string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, b := range v.sent {
		for _, s := range subs {
			if bytes.Contains(b, []byte(s)) {
				return true
			}
		}
	}
	return false
}

// cityOf decodes a CityLocation answer, as pydantic-ai's output
// validation would.
func cityOf(r *llm.Response) any {
	var v map[string]any
	if err := json.Unmarshal([]byte(r.Text()), &v); err != nil {
		return "invalid JSON: " + r.Text()
	}
	return v
}

// sentBody returns the body of the i-th request the model sent.
func (v *vectorRun) sentBody(i int) []byte {
	v.mu.Lock()
	defer v.mu.Unlock()
	if i >= len(v.sent) {
		return nil
	}
	return v.sent[i]
}

// TestFidelityExpectations replays each ported pydantic-ai test's real
// recording through replay and groq.Model and checks the values its
// snapshots assert. Facts known to fail are listed in knownFailing; any
// other failing fact, or a listed fact that holds, fails the test.
func TestFidelityExpectations(t *testing.T) {
	dir := t.TempDir()
	var all []fact
	tests := portedTests()
	for i, pt := range tests {
		file := filepath.Join("testdata", "vcrpy", filepath.FromSlash(pt.cassette))
		recorded, err := readVCR(file)
		if err != nil {
			t.Fatalf("%s: %v", pt.cassette, err)
		}
		c, err := cassettes.ImportVCRPyFile(file)
		if err != nil {
			t.Fatalf("%s: import: %v", pt.cassette, err)
		}
		c.Path = filepath.Join(dir, fmt.Sprintf("e%02d.yaml", i))
		if err := c.Save(); err != nil {
			t.Fatalf("%s: save: %v", pt.cassette, err)
		}
		col := &collector{test: pt.name}
		t.Run(pt.name, func(t *testing.T) {
			opts := []replay.Option{replay.WithPath(c.Path)}
			if len(pt.ignore) > 0 {
				opts = append(opts, replay.IgnoreJSONPaths(pt.ignore...))
			}
			s := replay.New(t, opts...)
			v := &vectorRun{t: t, c: col, baseURL: pt.baseURL}
			v.client = &http.Client{Transport: sentBodies{run: v, next: s.Transport()}}
			pt.run(v)
			// The requests: as many as recorded, each JSON-equal to its
			// recording (replay matched them already, up to pt.ignore).
			col.eq("requests sent", len(v.sent), len(recorded))
			for j := range min(len(v.sent), len(recorded)) {
				col.eq(fmt.Sprintf("requests[%d] body equals the recording", j), jsonEqual(v.sent[j], recorded[j].reqBody), true)
			}
		})
		all = append(all, col.facts...)
	}

	seen := map[string]bool{}
	var holding, knownFail int
	var report strings.Builder
	for _, f := range all {
		if seen[f.name] {
			t.Errorf("fact %q is checked twice", f.name)
		}
		seen[f.name] = true
		reason := knownReason(f.name)
		switch {
		case f.holds() && reason != "":
			t.Errorf("%s now holds (got %#v): remove it from the known-failing list (%s)", f.name, f.got, reason)
			holding++
		case f.holds():
			holding++
		case reason != "":
			knownFail++
			fmt.Fprintf(&report, "  %s: got %#v, want %#v (%s)\n", f.name, f.got, f.want, reason)
		default:
			t.Errorf("%s: got %#v, want %#v", f.name, f.got, f.want)
		}
	}
	var stale []string
	for name := range knownFailing {
		if !seen[name] {
			stale = append(stale, name)
		}
	}
	sort.Strings(stale)
	for _, name := range stale {
		t.Errorf("known-failing entry %q names no fact", name)
	}
	t.Logf("facts known to fail:\n%s", report.String())
	figure(t, "fidelity_expectations", "ported_tests", len(tests), "of_tests", vectorTests, "facts", len(all),
		"hold", holding, "known_failing", knownFail, "other_failing", len(all)-holding-knownFail)
}
