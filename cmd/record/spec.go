package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/internal/inputfile"
	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/internal/testpath"
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
	data, err := inputfile.Read(path)
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
	data, err := inputfile.Read(path)
	if err != nil {
		return nil, err
	}
	return parseScenarios(data)
}

// parseScenarios parses the contents of a scenarios file and checks it. An
// error names the scenario and, where the YAML parser knows it, the line.
func parseScenarios(data []byte) ([]scenario, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	if len(root.Content) == 0 {
		return nil, errors.New("the file is empty")
	}
	items, err := scenarioItems(resolve(root.Content[0]))
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, errors.New("no scenarios: want {scenarios: [{name, turns: [...]}, ...]}")
	}
	out := make([]scenario, 0, len(items))
	paths := map[string]string{}
	for n, item := range items {
		item = resolve(item)
		s, err := decodeScenario(item)
		label := scenarioLabel(n, item)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", label(err), err)
		}
		if err := checkScenarioName(s.Name); err != nil {
			return nil, fmt.Errorf("%s: %w", label(nil), err)
		}
		path := scenarioPath(s.Name)
		if other, ok := paths[path]; ok {
			return nil, fmt.Errorf("%s: the name is used twice (as %q too): both would be saved to %s", label(nil), other, path)
		}
		paths[path] = s.Name
		if len(s.Turns) == 0 {
			return nil, fmt.Errorf("%s: no turns", label(nil))
		}
		for k, t := range s.Turns {
			if strings.TrimSpace(t.Prompt) == "" {
				return nil, fmt.Errorf("%s: turn %d: empty prompt", label(nil), k+1)
			}
		}
		tools, err := normaliseTools(s.Tools)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", label(nil), err)
		}
		s.Tools = tools
		out = append(out, s)
	}
	return out, nil
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// scenarioItems returns the scenario nodes of a file: {scenarios: [...]}
// or the list alone.
func scenarioItems(doc *yaml.Node) ([]*yaml.Node, error) {
	switch doc.Kind {
	case yaml.SequenceNode:
		return doc.Content, nil
	case yaml.MappingNode:
		var list *yaml.Node
		for i := 0; i+1 < len(doc.Content); i += 2 {
			k := doc.Content[i]
			if k.Value != "scenarios" {
				return nil, fmt.Errorf("line %d: unknown field %q: want {scenarios: [...]}", k.Line, k.Value)
			}
			list = resolve(doc.Content[i+1])
		}
		if list == nil {
			return nil, nil
		}
		if list.Kind != yaml.SequenceNode {
			if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
				return nil, nil
			}
			return nil, fmt.Errorf("line %d: scenarios: want a list of scenarios", list.Line)
		}
		return list.Content, nil
	case yaml.ScalarNode:
		if doc.Tag == "!!null" {
			return nil, errors.New("the file is empty")
		}
	}
	return nil, fmt.Errorf("line %d: want {scenarios: [{name, turns: [...]}, ...]}", doc.Line)
}

// decodeScenario decodes one scenario node strictly: unknown keys are
// errors.
func decodeScenario(item *yaml.Node) (scenario, error) {
	var s scenario
	var v any
	if err := item.Decode(&v); err != nil {
		return s, err
	}
	js, err := json.Marshal(v)
	if err != nil {
		return s, fmt.Errorf("not representable as JSON: %w", err)
	}
	if err := strictJSON(js, &s); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return s, &fieldError{field: te.Field, msg: fmt.Sprintf("%s: want %s, not %s", te.Field, kindName(te.Type.Kind().String()), te.Value)}
		}
		msg := strings.TrimPrefix(err.Error(), "json: ")
		field := ""
		if m := unknownField.FindStringSubmatch(msg); m != nil {
			field = m[1]
		}
		return s, &fieldError{field: field, msg: msg}
	}
	return s, nil
}

var unknownField = regexp.MustCompile(`^unknown field "(.*)"$`)

// fieldError is a scenario field that did not decode; field names it (the
// last part of a dotted path) so that its line can be found.
type fieldError struct {
	field string // "temprature", "settings.temperature"; "" when unknown
	msg   string
}

func (e *fieldError) Error() string { return e.msg }

func kindName(k string) string {
	switch k {
	case "float64", "int", "int64":
		return "a number"
	case "string":
		return "text"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "struct", "map", "ptr":
		return "a mapping"
	}
	return k
}

// scenarioLabel returns a function naming scenario n of a file for an
// error: by its name when it has one, with the line of the field the error
// is about, or of the scenario.
func scenarioLabel(n int, item *yaml.Node) func(error) string {
	name := fmt.Sprintf("%d", n+1)
	if v := mappingValue(item, "name"); v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
		name = oneLine(v.Value, 80)
	}
	return func(err error) string {
		line := item.Line
		var fe *fieldError
		if errors.As(err, &fe) && fe.field != "" {
			parts := strings.Split(fe.field, ".")
			if k := findKey(item, parts[len(parts)-1], 0); k != nil {
				line = k.Line
			}
		}
		return fmt.Sprintf("scenario %s (line %d)", name, line)
	}
}

// mappingValue returns the value of key in a mapping node, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1])
		}
	}
	return nil
}

// findKey returns the first mapping key named key under n, depth first.
func findKey(n *yaml.Node, key string, depth int) *yaml.Node {
	if n == nil || depth > 20 || n.Kind == yaml.AliasNode {
		return nil
	}
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 && c.Value == key {
			return c
		}
		if k := findKey(c, key, depth+1); k != nil {
			return k
		}
	}
	return nil
}

// checkScenarioName refuses names that cannot name a cassette: a name is a
// test's name, its subtests after '/'.
func checkScenarioName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("no name: a scenario's name names its cassette, DIR/<name>.yaml")
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		return fmt.Errorf("name %q: control characters", name)
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || strings.Trim(seg, ".") == "" {
			return fmt.Errorf("name %q: want a test's name, with subtests after '/' (TestChat/stream), each part not empty, '.' or '..'", name)
		}
	}
	return nil
}

// scenarioPath is where scenario name is saved, relative to -dir: the path
// replay.DefaultPath gives the test of that name, under testdata/cassettes
// (TestChat/stream mode is TestChat/stream_mode.yaml), so replay.New(t)
// finds it when -dir is testdata/cassettes.
func scenarioPath(name string) string {
	return testpath.Path("", name, ".yaml")
}

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

// effectiveSettings layers settings, later levels winning field by field
// (the flags, then a scenario's, then a turn's): the provider-neutral
// fields by provider.MergeSettings, the rule groq.Model applies to its default and
// per-request settings. groq keeps that rule for its own three fields
// unexported (mergeSettings), so they are layered here the same way: a
// level that sets one replaces it.
func effectiveSettings(levels ...*settingsSpec) *groq.Settings {
	out := &groq.Settings{}
	for _, l := range levels {
		g := l.groq()
		if g == nil {
			continue
		}
		out.Settings = *provider.MergeSettings(&out.Settings, &g.Settings)
		for _, f := range [][2]*string{{&out.ReasoningFormat, &g.ReasoningFormat}, {&out.ReasoningEffort, &g.ReasoningEffort}, {&out.ServiceTier, &g.ServiceTier}} {
			if *f[1] != "" {
				*f[0] = *f[1]
			}
		}
	}
	return out
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
