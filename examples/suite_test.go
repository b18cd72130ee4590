package examples

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/suite"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

// WeatherBotSuite shows llmvcr inside a testify suite: the suite's own
// methods (s.Require(), s.Equal, s.Len) do the plain checks, and llmvcr's
// assert, given s.T(), compares the LLM-shaped values (parts, responses,
// request bodies) with diffs by field and JSON path. Each test gets a
// fresh fake Groq server and a model pointed at it.
type WeatherBotSuite struct {
	suite.Suite
	groq  *fakes.Groq
	model *groq.Model
}

func TestWeatherBotSuite(t *testing.T) { suite.Run(t, new(WeatherBotSuite)) }

// SetupTest starts a fake Groq server for the test about to run; it is
// closed when that test ends.
func (s *WeatherBotSuite) SetupTest() {
	s.groq = fakes.NewGroq(s.T())
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(s.groq.URL), groq.WithHTTPClient(s.groq.Client()))
	s.Require().NoError(err)
	s.model = model
}

var weatherTool = llm.ToolDefinition{
	Name:        "get_weather",
	Description: "Get the weather for a city.",
	Parameters:  []byte(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`),
}

func (s *WeatherBotSuite) ask(question string) (*llm.Response, error) {
	return s.model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User(question))}, nil,
		&llm.RequestParams{FunctionTools: []llm.ToolDefinition{weatherTool}})
}

// TestAsksForTheWeather: the model's tool call is checked as a part (the
// argument JSON compared by value, not by spelling), the request the
// model sent as JSON.
func (s *WeatherBotSuite) TestAsksForTheWeather() {
	s.groq.Reply(fakes.ToolCallCompletion([]fakes.Call{{ID: "call_1", Name: "get_weather", Args: `{"city": "Paris"}`}}))

	resp, err := s.ask("Weather in Paris?")
	s.Require().NoError(err)
	s.Len(s.groq.Requests(), 1)
	s.Equal(llm.FinishToolCall, resp.FinishReason)

	assert.Parts(s.T(), []llm.ResponsePart{llm.ToolCall("get_weather", `{"city":"Paris"}`, "call_1")}, resp.Parts)
	assert.RequestJSON(s.T(), `{
		"model": "llama-3.3-70b-versatile",
		"messages": [{"role": "user", "content": "Weather in Paris?"}],
		"tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather for a city.",
			"parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
		"tool_choice": "auto"
	}`, lastRequest(s.T(), s.groq), assert.IgnoreExtraKeys())
}

// TestAnswersInText: a plain answer; testify checks the text, llmvcr's
// assert the whole response but the fields a fake makes up.
func (s *WeatherBotSuite) TestAnswersInText() {
	s.groq.Reply(fakes.TextCompletion("It is sunny in Paris."))

	resp, err := s.ask("Is it sunny in Paris?")
	s.Require().NoError(err)
	s.Equal("It is sunny in Paris.", resp.Text())
	s.Empty(resp.ToolCalls())

	assert.Response(s.T(), &llm.Response{
		Parts:           []llm.ResponsePart{llm.Reply("It is sunny in Paris.")},
		ModelName:       "llama-3.3-70b-versatile",
		ProviderName:    "groq",
		ProviderURL:     s.groq.URL,
		FinishReason:    llm.FinishStop,
		RawFinishReason: "stop",
	}, resp, assert.IgnoreFields("ProviderResponseID", "Usage", "ProviderDetails", "ProviderTimestamp"))
}

// TestRateLimitIsAnError: with retries off, a 429 reaches the caller as a
// typed error that testify's ErrorAs finds.
func (s *WeatherBotSuite) TestRateLimitIsAnError() {
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(s.groq.URL), groq.WithHTTPClient(s.groq.Client()), groq.WithMaxRetries(0))
	s.Require().NoError(err)
	s.groq.Error(fakes.RateLimitError(2 * time.Second))

	_, err = model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("Weather in Paris?"))}, nil, nil)
	var httpErr *llm.ModelHTTPError
	s.Require().ErrorAs(err, &httpErr)
	s.Equal(429, httpErr.StatusCode)
}
