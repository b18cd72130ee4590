package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

// toolSpec is one tool of a -tools file or a scenario: a function the model
// may call, and the canned result cmd/record answers the call with.
type toolSpec struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"` // JSON schema of the arguments
	Strict      *bool           `json:"strict,omitempty"`
	Result      json.RawMessage `json:"result,omitempty"` // answered to every call; a generic result when absent

	// OpenAI's shape, {"type": "function", "function": {...}}, is accepted too.
	Type     string    `json:"type,omitempty"`
	Function *toolSpec `json:"function,omitempty"`
}

// settingsSpec are the request settings a scenario or one of its turns sets.
type settingsSpec struct {
	Temperature       *float64 `json:"temperature,omitempty"`
	MaxTokens         *int     `json:"max_tokens,omitempty"`
	Seed              *int64   `json:"seed,omitempty"`
	TopP              *float64 `json:"top_p,omitempty"`
	Stop              []string `json:"stop,omitempty"`
	ParallelToolCalls *bool    `json:"parallel_tool_calls,omitempty"`
	ReasoningFormat   string   `json:"reasoning_format,omitempty"`
	ReasoningEffort   string   `json:"reasoning_effort,omitempty"`
	ServiceTier       string   `json:"service_tier,omitempty"`
}

// scenario is one conversation of a scenarios file, saved to <dir>/<name>.yaml.
type scenario struct {
	Name     string        `json:"name"`
	Model    string        `json:"model,omitempty"`
	System   string        `json:"system,omitempty"`
	Stream   bool          `json:"stream,omitempty"`
	Settings *settingsSpec `json:"settings,omitempty"`
	Tools    []toolSpec    `json:"tools,omitempty"`
	MaxSteps int           `json:"max_steps,omitempty"` // requests per turn; 0 means the -max-steps flag
	Turns    []turnSpec    `json:"turns"`
}

// turnSpec is one user turn: a prompt, optionally with its own settings.
// In a file it is either a plain string or {prompt, settings, stream}.
type turnSpec struct {
	Prompt   string        `json:"prompt"`
	Settings *settingsSpec `json:"settings,omitempty"`
	Stream   *bool         `json:"stream,omitempty"`
}

// UnmarshalJSON accepts a string or an object.
func (t *turnSpec) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = turnSpec{Prompt: s}
		return nil
	}
	type plain turnSpec
	var p plain
	if err := strictJSON(b, &p); err != nil {
		return err
	}
	*t = turnSpec(p)
	return nil
}

// scenarioFile is the top level of a scenarios file: {scenarios: [...]} or
// the list alone.
type scenarioFile struct {
	Scenarios []scenario `json:"scenarios"`
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	return nil
}

// loadTools reads a -tools file: a list of tools (or {"tools": [...]}).
func loadTools(path string) ([]toolSpec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseTools(data)
}

// parseTools parses the contents of a tools file.
func parseTools(data []byte) ([]toolSpec, error) {
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if m, ok := doc.(map[string]any); ok && m["tools"] != nil {
		doc = m["tools"]
	}
	if _, ok := doc.([]any); !ok {
		return nil, errors.New("want a list of tools: [{\"name\": ..., \"description\": ..., \"parameters\": {...}, \"result\": ...}]")
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("not representable as JSON: %w", err)
	}
	var tools []toolSpec
	if err := strictJSON(js, &tools); err != nil {
		return nil, err
	}
	return normaliseTools(tools)
}

var toolName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// normaliseTools unwraps OpenAI's shape and checks names and schemas.
func normaliseTools(tools []toolSpec) ([]toolSpec, error) {
	out := make([]toolSpec, 0, len(tools))
	seen := map[string]bool{}
	for n, t := range tools {
		if t.Function != nil {
			f := *t.Function
			if f.Result == nil {
				f.Result = t.Result
			}
			t = f
		}
		if !toolName.MatchString(t.Name) {
			return nil, fmt.Errorf("tool %d: name %q: want 1 to 64 letters, digits, '_' or '-'", n, t.Name)
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("tool %d: %s is defined twice", n, t.Name)
		}
		seen[t.Name] = true
		if len(t.Parameters) > 0 {
			var schema map[string]any
			if err := json.Unmarshal(t.Parameters, &schema); err != nil || schema == nil {
				return nil, fmt.Errorf("tool %s: parameters must be a JSON schema object", t.Name)
			}
		}
		t.Type, t.Function = "", nil
		out = append(out, t)
	}
	return out, nil
}

// loadScenarios reads a scenarios file and checks it.
func loadScenarios(path string) ([]scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseScenarios(data)
}

// parseScenarios parses the contents of a scenarios file and checks it.
func parseScenarios(data []byte) ([]scenario, error) {
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if list, ok := doc.([]any); ok {
		doc = map[string]any{"scenarios": list}
	}
	if doc == nil {
		return nil, errors.New("the file is empty")
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("not representable as JSON: %w", err)
	}
	var f scenarioFile
	if err := strictJSON(js, &f); err != nil {
		return nil, err
	}
	if len(f.Scenarios) == 0 {
		return nil, errors.New("no scenarios: want {scenarios: [{name, turns: [...]}, ...]}")
	}
	names := map[string]bool{}
	for n := range f.Scenarios {
		s := &f.Scenarios[n]
		if !scenarioName.MatchString(s.Name) || strings.Trim(s.Name, ".") == "" {
			return nil, fmt.Errorf("scenario %d: name %q: want letters, digits, '.', '_' or '-' (it names the cassette file)", n+1, s.Name)
		}
		if names[s.Name] {
			return nil, fmt.Errorf("scenario %s: the name is used twice", s.Name)
		}
		names[s.Name] = true
		if len(s.Turns) == 0 {
			return nil, fmt.Errorf("scenario %s: no turns", s.Name)
		}
		for k, t := range s.Turns {
			if strings.TrimSpace(t.Prompt) == "" {
				return nil, fmt.Errorf("scenario %s: turn %d: empty prompt", s.Name, k+1)
			}
		}
		tools, err := normaliseTools(s.Tools)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", s.Name, err)
		}
		s.Tools = tools
	}
	return f.Scenarios, nil
}

var scenarioName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// maxStop is how many stop sequences Groq takes.
const maxStop = 4

// check refuses settings Groq would reject, before anything is sent; name
// gives a setting's name as the caller knows it (flagName or fileName).
func (s *settingsSpec) check(name func(string) string) error {
	if s == nil {
		return nil
	}
	if v := s.Temperature; v != nil && !(*v >= 0 && *v <= 2) {
		return fmt.Errorf("%s %v is out of range: Groq takes 0 to 2", name("temperature"), *v)
	}
	if v := s.TopP; v != nil && !(*v >= 0 && *v <= 1) {
		return fmt.Errorf("%s %v is out of range: Groq takes 0 to 1", name("top_p"), *v)
	}
	if v := s.MaxTokens; v != nil && *v < 1 {
		return fmt.Errorf("%s %d is out of range: it must be at least 1", name("max_tokens"), *v)
	}
	if len(s.Stop) > maxStop {
		return fmt.Errorf("%s: %d sequences, Groq takes at most %d", name("stop"), len(s.Stop), maxStop)
	}
	for _, v := range s.Stop {
		if v == "" {
			return fmt.Errorf("%s: an empty stop sequence", name("stop"))
		}
	}
	return nil
}

// flagName names a setting as its flag: max_tokens is -max-tokens.
func flagName(key string) string { return "-" + strings.ReplaceAll(key, "_", "-") }

// fileName names a setting as a scenarios file spells it.
func fileName(key string) string { return key }

// merge returns base with every field set in over replacing base's.
func (base *settingsSpec) merge(over *settingsSpec) *settingsSpec {
	out := settingsSpec{}
	if base != nil {
		out = *base
	}
	if over == nil {
		return &out
	}
	if over.Temperature != nil {
		out.Temperature = over.Temperature
	}
	if over.MaxTokens != nil {
		out.MaxTokens = over.MaxTokens
	}
	if over.Seed != nil {
		out.Seed = over.Seed
	}
	if over.TopP != nil {
		out.TopP = over.TopP
	}
	if over.Stop != nil {
		out.Stop = over.Stop
	}
	if over.ParallelToolCalls != nil {
		out.ParallelToolCalls = over.ParallelToolCalls
	}
	if over.ReasoningFormat != "" {
		out.ReasoningFormat = over.ReasoningFormat
	}
	if over.ReasoningEffort != "" {
		out.ReasoningEffort = over.ReasoningEffort
	}
	if over.ServiceTier != "" {
		out.ServiceTier = over.ServiceTier
	}
	return &out
}

// groq returns the settings as groq.Settings; nil when nothing is set.
func (s *settingsSpec) groq() *groq.Settings {
	if s == nil {
		return nil
	}
	g := &groq.Settings{
		Settings: llm.Settings{
			Temperature:       s.Temperature,
			MaxTokens:         s.MaxTokens,
			Seed:              s.Seed,
			TopP:              s.TopP,
			StopSequences:     s.Stop,
			ParallelToolCalls: s.ParallelToolCalls,
		},
		ReasoningFormat: s.ReasoningFormat,
		ReasoningEffort: s.ReasoningEffort,
		ServiceTier:     s.ServiceTier,
	}
	return g
}

// definitions returns the tools as the model's tool definitions.
func definitions(tools []toolSpec) *llm.RequestParams {
	if len(tools) == 0 {
		return nil
	}
	p := &llm.RequestParams{}
	for _, t := range tools {
		p.FunctionTools = append(p.FunctionTools, llm.ToolDefinition{
			Name: t.Name, Description: t.Description, Parameters: t.Parameters, Strict: t.Strict,
		})
	}
	return p
}
