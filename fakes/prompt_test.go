package fakes_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/groqwire"
)

func tool(name, description, parameters string) groqwire.Tool {
	return groqwire.Tool{Type: "function", Function: groqwire.FunctionDefinition{Name: name, Description: description, Parameters: json.RawMessage(parameters)}}
}

// With tools offered and none relevant, the default answer is text, as a
// real model's would be; a relevant tool is called.
func TestDefaultToolRelevance(t *testing.T) {
	lookup := tool("lookup", "Look things up.", `{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`)
	tests := []struct {
		name      string
		prompt    string
		tools     []groqwire.Tool
		wantCalls []string
		wantText  string // when no call is wanted
	}{
		{"hi answers hello", "hi", []groqwire.Tool{weatherTool}, nil, "Hello! How can I help you today?"},
		{"unrelated question answers text", "What is the capital of France?", []groqwire.Tool{weatherTool, timeTool}, nil, "The capital of France is Paris."},
		{"name overlap", "Will I need an umbrella? Check the weather in Oslo", []groqwire.Tool{weatherTool, timeTool}, []string{"get_weather"}, ""},
		{"parameter name overlap", "Which city is the biggest in Norway?", []groqwire.Tool{lookup}, []string{"lookup"}, ""},
		{"stop words do not count", "What can you tell me about it?", []groqwire.Tool{tool("get_all", "Get all the things.", `{}`)}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := defaultServer(t)
			_, c, _ := complete(t, g, groqwire.ChatCompletionRequest{
				Model: "llama-3.3-70b-versatile", Messages: []groqwire.ChatMessage{userMsg(tt.prompt)}, Tools: tt.tools,
			})
			choice := c.Choices[0]
			var got []string
			for _, tc := range choice.Message.ToolCalls {
				got = append(got, tc.Function.Name)
			}
			if diff := cmp.Diff(tt.wantCalls, got); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if tt.wantCalls != nil {
				return
			}
			if choice.FinishReason != "stop" || choice.Message.Content == nil {
				t.Fatalf("choice = %+v, want a text answer", choice)
			}
			if tt.wantText != "" && *choice.Message.Content != tt.wantText {
				t.Errorf("text = %q, want %q", *choice.Message.Content, tt.wantText)
			}
		})
	}
}

// callArgs asks the default server with one tool offered and returns the
// arguments of its one call.
func callArgs(t *testing.T, messages []groqwire.ChatMessage, tl groqwire.Tool) map[string]any {
	t.Helper()
	g := defaultServer(t)
	_, c, _ := complete(t, g, groqwire.ChatCompletionRequest{
		Model: "llama-3.3-70b-versatile", Messages: messages, Tools: []groqwire.Tool{tl}, ToolChoice: &groqwire.ToolChoice{Mode: "required"},
	})
	calls := c.Choices[0].Message.ToolCalls
	if len(calls) != 1 {
		t.Fatalf("calls = %+v, want one", calls)
	}
	var args map[string]any
	if err := json.Unmarshal([]byte(calls[0].Function.Arguments), &args); err != nil {
		t.Fatalf("args %q: %v", calls[0].Function.Arguments, err)
	}
	return args
}

func TestDefaultArgumentsFromPrompt(t *testing.T) {
	city := tool("get_weather", "Get the weather in a city.", `{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`)
	location := tool("get_weather", "Get the weather.", `{"type":"object","properties":{"location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},"unit":{"type":"string","description":"Temperature unit (e.g. 'celsius')"}},"required":["location","unit"]}`)
	zone := tool("get_time", "Get the current time.", `{"type":"object","properties":{"timezone":{"type":"string","description":"IANA name"}},"required":["timezone"]}`)
	described := tool("get_time", "Get the current time.", `{"type":"object","properties":{"zone":{"type":"string","description":"The time zone to use"}},"required":["zone"]}`)
	tests := []struct {
		name   string
		prompt string
		tool   groqwire.Tool
		want   map[string]any
	}{
		{"two-word city", "What's the weather in New York?", city, map[string]any{"city": "New York"}},
		{"San Francisco", "Weather in San Francisco today?", city, map[string]any{"city": "San Francisco"}},
		{"name with a connector", "Is it raining in Rio de Janeiro?", city, map[string]any{"city": "Rio de Janeiro"}},
		{"a comma ends a name", "Weather in Paris, France please", city, map[string]any{"city": "Paris"}},
		{"known place starting the question", "Tokyo weather?", city, map[string]any{"city": "Tokyo"}},
		{"capitalised first word dropped", "Is Berlin warm?", city, map[string]any{"city": "Berlin"}},
		{"weekday is not a place", "On Monday, what is the weather in London?", city, map[string]any{"city": "London"}},
		{"lower-case known city", "weather in tokyo?", city, map[string]any{"city": "Tokyo"}},
		{"tz for Tokyo", "What time is it in Tokyo?", timeTool, map[string]any{"tz": "Asia/Tokyo"}},
		{"timezone for New York", "Time in New York?", zone, map[string]any{"timezone": "America/New_York"}},
		{"timezone for San Francisco", "What time is it in San Francisco?", zone, map[string]any{"timezone": "America/Los_Angeles"}},
		{"timezone for Sydney", "What time is it in Sydney?", zone, map[string]any{"timezone": "Australia/Sydney"}},
		{"timezone of a country's capital", "What time is it in Germany?", zone, map[string]any{"timezone": "Europe/Berlin"}},
		{"time zone in the description", "What time is it in London?", described, map[string]any{"zone": "Europe/London"}},
		{"unknown city is UTC", "What time is it in Reykjavik?", zone, map[string]any{"timezone": "UTC"}},
		{"no place is UTC", "What time is it?", zone, map[string]any{"timezone": "UTC"}},
		{"e.g. when the question names no place", "What's the weather like?", location, map[string]any{"location": "San Francisco, CA", "unit": "celsius"}},
		{"the question's place before the e.g.", "What's the weather in Paris?", location, map[string]any{"location": "Paris", "unit": "celsius"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := callArgs(t, []groqwire.ChatMessage{userMsg(tt.prompt)}, tt.tool)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("args (-want +got):\n%s", diff)
			}
		})
	}
}

func assistantMsg(s string) groqwire.ChatMessage {
	return groqwire.ChatMessage{Role: "assistant", Content: &groqwire.MessageContent{Text: s}}
}

// A follow-up is read with the earlier user turns.
func TestDefaultFollowUps(t *testing.T) {
	capital := []groqwire.ChatMessage{userMsg("What is the capital of France?"), assistantMsg("The capital of France is Paris.")}
	tests := []struct {
		name     string
		messages []groqwire.ChatMessage
		want     string
	}{
		{"and of", append(capital[:2:2], userMsg("And of Germany?")), "The capital of Germany is Berlin."},
		{"what about", append(capital[:2:2], userMsg("What about Japan?")), "The capital of Japan is Tokyo."},
		{"lower case", append(capital[:2:2], userMsg("and germany?")), "The capital of Germany is Berlin."},
		{"a chain of follow-ups", append(capital[:2:2], userMsg("And of Germany?"), assistantMsg("The capital of Germany is Berlin."), userMsg("And Spain?")),
			"The capital of Spain is Madrid."},
		{"a full question is not rewritten", append(capital[:2:2], userMsg("What is 2 + 2?")), "2 + 2 = 4."},
		{"thanks is not a follow-up", append(capital[:2:2], userMsg("Thanks!")), "You're welcome! Let me know if there is anything else I can help with."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := defaultServer(t)
			_, c, _ := complete(t, g, groqwire.ChatCompletionRequest{Model: "llama-3.3-70b-versatile", Messages: tt.messages})
			if got := *c.Choices[0].Message.Content; got != tt.want {
				t.Errorf("answer = %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("unknown subject quotes the follow-up", func(t *testing.T) {
		g := defaultServer(t)
		_, c, _ := complete(t, g, groqwire.ChatCompletionRequest{Model: "llama-3.3-70b-versatile", Messages: append(capital[:2:2], userMsg("And of Atlantis?"))})
		if got := *c.Choices[0].Message.Content; !strings.Contains(got, `"And of Atlantis?"`) {
			t.Errorf("answer = %q, want a generic answer quoting the follow-up", got)
		}
	})
	t.Run("reasoning names both", func(t *testing.T) {
		g := defaultServer(t)
		_, c, _ := complete(t, g, groqwire.ChatCompletionRequest{Model: "openai/gpt-oss-120b", Messages: append(capital[:2:2], userMsg("And of Germany?"))})
		r := c.Choices[0].Message.Reasoning
		if r == nil || !strings.Contains(*r, `"And of Germany?", that is, "What is the capital of Germany?"`) {
			t.Errorf("reasoning = %v", r)
		}
	})
}

// Follow-ups with tools: the place comes from the new subject, or from the
// conversation when the question names none.
func TestDefaultFollowUpToolArguments(t *testing.T) {
	weatherInParis := []groqwire.ChatMessage{
		userMsg("What's the weather in Paris?"),
		{Role: "assistant", ToolCalls: []groqwire.ToolCall{{ID: "call_1", Type: "function", Function: groqwire.FunctionCall{Name: "get_weather", Arguments: `{"city":"Paris","units":"celsius"}`}}}},
		{Role: "tool", ToolCallID: "call_1", Content: &groqwire.MessageContent{Text: `{"temperature": 21}`}},
		assistantMsg("It is 21 degrees in Paris."),
	}
	tests := []struct {
		name     string
		messages []groqwire.ChatMessage
		want     string
	}{
		{"new subject", append(weatherInParis[:4:4], userMsg("And in Tokyo?")), "Tokyo"},
		{"there is the city of the answer", []groqwire.ChatMessage{
			userMsg("What is the capital of France?"), assistantMsg("The capital of France is Paris."), userMsg("And the weather there?"),
		}, "Paris"},
		{"no place in the question", append(weatherInParis[:4:4], userMsg("What's the weather tomorrow?")), "Paris"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := defaultServer(t)
			_, c, _ := complete(t, g, groqwire.ChatCompletionRequest{Model: "llama-3.3-70b-versatile", Messages: tt.messages, Tools: []groqwire.Tool{weatherTool, timeTool}})
			calls := c.Choices[0].Message.ToolCalls
			if len(calls) != 1 || calls[0].Function.Name != "get_weather" {
				t.Fatalf("calls = %+v, want get_weather", calls)
			}
			var args map[string]any
			if err := json.Unmarshal([]byte(calls[0].Function.Arguments), &args); err != nil {
				t.Fatal(err)
			}
			if args["city"] != tt.want {
				t.Errorf("city = %v, want %q", args["city"], tt.want)
			}
		})
	}
}
