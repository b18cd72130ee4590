package groq

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/llm"
)

// wireOf builds the request and returns it as decoded JSON.
func wireOf(t *testing.T, model string, msgs []llm.Message, s llm.ModelSettings, p *llm.RequestParams) map[string]any {
	t.Helper()
	req, err := wireRequest(model, msgs, s, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return decodeJSON(t, b).(map[string]any)
}

func TestBuildRequestMessages(t *testing.T) {
	img := &llm.BinaryContent{Data: []byte("png!"), MediaType: "image/png", Identifier: "img001"}
	tests := []struct {
		name string
		msgs []llm.Message
		want string // the "messages" array
	}{
		{"text list content", []llm.Message{llm.NewRequest(llm.UserParts(llm.Text("Hi"), llm.Text("This is some additional text")))},
			`[{"role":"user","content":[{"type":"text","text":"Hi"},{"type":"text","text":"This is some additional text"}]}]`},
		{"images by url and bytes with detail", []llm.Message{llm.NewRequest(llm.UserParts(
			&llm.ImageURL{URL: "https://x/a.jpg"}, &llm.ImageURL{URL: "https://x/b.jpg", Detail: "high"},
			&llm.BinaryContent{Data: []byte{0xff, 0xd8}, MediaType: "image/jpeg", Detail: "low"}))},
			`[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/a.jpg"}},
			{"type":"image_url","image_url":{"url":"https://x/b.jpg","detail":"high"}},
			{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9g=","detail":"low"}}]}]`},
		{"tool returns: string, JSON, nil, failed, file", []llm.Message{
			llm.NewResponse(llm.ToolCall("a", "{}", "c1"), llm.ToolCall("b", "{}", "c2"), llm.ToolCall("c", "{}", "c3"), llm.ToolCall("d", "{}", "c4"), llm.ToolCall("e", "{}", "c5")),
			llm.NewRequest(llm.ToolReturn("a", "c1", "as is"), llm.ToolReturn("b", "c2", map[string]any{"lat": 51, "city": "<b>"}),
				llm.ToolReturn("c", "c3", nil), &llm.ToolReturnPart{ToolName: "d", ToolCallID: "c4", Content: "boom", Failed: true},
				llm.ToolReturn("e", "c5", img)),
		}, `[{"role":"assistant","tool_calls":[
			{"id":"c1","type":"function","function":{"name":"a","arguments":"{}"}},{"id":"c2","type":"function","function":{"name":"b","arguments":"{}"}},
			{"id":"c3","type":"function","function":{"name":"c","arguments":"{}"}},{"id":"c4","type":"function","function":{"name":"d","arguments":"{}"}},
			{"id":"c5","type":"function","function":{"name":"e","arguments":"{}"}}]},
			{"role":"tool","tool_call_id":"c1","content":"as is"},
			{"role":"tool","tool_call_id":"c2","content":"{\"city\":\"<b>\",\"lat\":51}"},
			{"role":"tool","tool_call_id":"c3","content":""},
			{"role":"tool","tool_call_id":"c4","content":"{\"error\":\"boom\"}"},
			{"role":"tool","tool_call_id":"c5","content":"See file img001."},
			{"role":"user","content":[{"type":"text","text":"This is file img001:"},{"type":"image_url","image_url":{"url":"data:image/png;base64,cG5nIQ=="}}]}]`},
		{"retry prompts", []llm.Message{llm.NewRequest(llm.RetryText("Please answer yes or no"), llm.RetryTool("f", "c9", "bad city"))},
			`[{"role":"user","content":"Validation feedback:\nPlease answer yes or no\n\nFix the errors and try again."},
			{"role":"tool","tool_call_id":"c9","content":"bad city\n\nFix the errors and try again."}]`},
		{"one assistant message per response", []llm.Message{llm.NewResponse(
			llm.Thought("hmm"), llm.Reply("a"), &llm.BuiltinToolCallPart{ToolName: "web_search"}, &llm.BuiltinToolReturnPart{ToolName: "web_search"},
			llm.Reply("b"), llm.ToolCall("f", "", "c1"), llm.ToolCall("g", "{not json", "c2"))},
			`[{"role":"assistant","content":"<think>\nhmm\n</think>\n\na\n\nb","tool_calls":[
			{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},
			{"id":"c2","type":"function","function":{"name":"g","arguments":"{\"INVALID_JSON\":\"{not json\"}"}}]}]`},
		{"instructions after the leading system prompts", []llm.Message{
			&llm.Request{Parts: []llm.RequestPart{llm.System("s1"), llm.System("s2"), llm.User("u")}, Instructions: "be brief"}},
			`[{"role":"system","content":"s1"},{"role":"system","content":"s2"},{"role":"system","content":"be brief"},{"role":"user","content":"u"}]`},
		{"instructions of the previous request after a tool return", []llm.Message{
			&llm.Request{Parts: []llm.RequestPart{llm.User("u")}, Instructions: "be brief"},
			llm.NewResponse(llm.ToolCall("f", "{}", "c1")),
			llm.NewRequest(llm.ToolReturn("f", "c1", "ok"))},
			`[{"role":"system","content":"be brief"},{"role":"user","content":"u"},
			{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
			{"role":"tool","tool_call_id":"c1","content":"ok"}]`},
		{"no instructions when the newest request has a user prompt", []llm.Message{
			&llm.Request{Parts: []llm.RequestPart{llm.User("u")}, Instructions: "old"},
			llm.NewResponse(llm.Reply("r")),
			llm.NewRequest(llm.User("v"))},
			`[{"role":"user","content":"u"},{"role":"assistant","content":"r"},{"role":"user","content":"v"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wireOf(t, "m", tt.msgs, nil, nil)["messages"]
			if diff := cmp.Diff(decodeJSON(t, []byte(tt.want)), got); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGeneratedToolCallIDsPairUp(t *testing.T) {
	msgs := []llm.Message{
		llm.NewRequest(llm.User("go")),
		llm.NewResponse(llm.ToolCall("f", "{}", ""), llm.ToolCall("g", "{}", ""), llm.ToolCall("f", `{"n":2}`, "")),
		llm.NewRequest(llm.ToolReturn("f", "", "one"), llm.RetryTool("f", "", "again"), llm.ToolReturn("g", "", "gee"), llm.ToolReturn("h", "", "orphan")),
	}
	m := wireOf(t, "m", msgs, nil, nil)["messages"].([]any)
	var callIDs []string
	for _, tc := range m[1].(map[string]any)["tool_calls"].([]any) {
		callIDs = append(callIDs, tc.(map[string]any)["id"].(string))
	}
	var answered []string
	for _, msg := range m[2:] {
		answered = append(answered, msg.(map[string]any)["tool_call_id"].(string))
	}
	want := []string{callIDs[0], callIDs[2], callIDs[1]} // f, f, g in the order answered
	if diff := cmp.Diff(want, answered[:3]); diff != "" {
		t.Errorf("answers do not pair with calls (-want +got):\n%s", diff)
	}
	if answered[3] == "" || answered[3] == callIDs[0] || answered[3] == callIDs[1] || answered[3] == callIDs[2] {
		t.Errorf("an answer to no call got id %q", answered[3])
	}
}

func TestArgsJSON(t *testing.T) {
	for in, want := range map[string]string{
		"":           "{}",
		" ":          "{}",
		`{"a": 1}`:   `{"a": 1}`,
		`[1,2]`:      `{"INVALID_JSON":"[1,2]"}`,
		`"text"`:     `{"INVALID_JSON":"\"text\""}`,
		`{"a": <b>}`: `{"INVALID_JSON":"{\"a\": <b>}"}`,
	} {
		if got := argsJSON(in); got != want {
			t.Errorf("argsJSON(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBuildRequestRejectsTypedNil(t *testing.T) {
	for _, msgs := range [][]llm.Message{
		{(*llm.Request)(nil)},
		{(*llm.Response)(nil)},
		{llm.NewRequest((*llm.ToolReturnPart)(nil))},
		{llm.NewRequest(llm.User("x"), (*llm.UserPromptPart)(nil))},
	} {
		if _, err := wireRequest("m", msgs, nil, nil); err == nil {
			t.Errorf("%#v: no error", msgs)
		}
	}
	// nil response parts are skipped rather than sent.
	if _, err := wireRequest("m", []llm.Message{llm.NewResponse((*llm.TextPart)(nil), (*llm.ToolCallPart)(nil))}, nil, nil); err != nil {
		t.Error(err)
	}
}

func TestSearchSettingsDoNotShareArrays(t *testing.T) {
	base := &SearchSettings{IncludeDomains: make([]string, 1, 10)}
	base.IncludeDomains[0] = "a.org"
	p := &llm.RequestParams{NativeTools: []llm.NativeTool{&llm.WebSearchTool{AllowedDomains: []string{"b.org"}}}}
	got, err := searchSettings("groq/compound", base, p)
	if err != nil {
		t.Fatal(err)
	}
	got.IncludeDomains[0] = "changed"
	if base.IncludeDomains[0] != "a.org" || len(got.IncludeDomains) != 2 {
		t.Errorf("base %v, got %v", base.IncludeDomains, got.IncludeDomains)
	}
}

func TestGeneratedToolCallIDsAreStable(t *testing.T) {
	msgs := []llm.Message{llm.NewResponse(llm.ToolCall("f", "{}", "")), llm.NewRequest(llm.ToolReturn("f", "", "ok"))}
	a := wireOf(t, "m", msgs, nil, nil)
	b := wireOf(t, "m", msgs, nil, nil)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("two builds differ:\n%s", diff)
	}
	id := a["messages"].([]any)[0].(map[string]any)["tool_calls"].([]any)[0].(map[string]any)["id"].(string)
	if !strings.HasPrefix(id, "llmvcr_") || len(id) != len("llmvcr_")+32 {
		t.Errorf("generated id = %q", id)
	}
}

func TestMapUserPromptRejectsMedia(t *testing.T) {
	tests := []struct {
		name string
		item llm.UserContent
		want string
	}{
		{"audio bytes", &llm.BinaryContent{Data: []byte("RIFF"), MediaType: "audio/wav"}, "Only images are supported for BinaryContent in Groq user prompts"},
		{"mpeg bytes", &llm.BinaryContent{Data: []byte("ID3"), MediaType: "audio/mpeg"}, "Only images are supported for BinaryContent in Groq user prompts"},
		{"uploaded file", &llm.UploadedFile{FileID: "file-1"}, "UploadedFile is not supported in Groq user prompts"},
		{"document url", &llm.DocumentURL{URL: "https://x/a.pdf"}, "DocumentUrl is not supported in Groq user prompts"},
		{"audio url", &llm.AudioURL{URL: "https://x/a.mp3"}, "AudioUrl is not supported in Groq user prompts"},
		{"video url", &llm.VideoURL{URL: "https://x/a.mp4"}, "VideoUrl is not supported in Groq user prompts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := wireRequest("m", []llm.Message{llm.NewRequest(llm.UserParts(llm.Text("look"), tt.item))}, nil, nil)
			var ue *llm.UserError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := wireRequest("m", []llm.Message{nil}, nil, nil); err == nil {
		t.Error("a nil message was accepted")
	}
}

func TestBuildRequestSettings(t *testing.T) {
	tool := llm.ToolDefinition{Name: "f", Strict: llm.Ptr(true)}
	const plain = "openai/gpt-oss-120b-no-thinking-prefix"
	const cannotReason = "llama-3.3-70b-versatile"
	tests := []struct {
		name     string
		model    string // the model asked: what is sent depends on it
		settings llm.ModelSettings
		params   *llm.RequestParams
		want     map[string]any // fields that must be present with these values
		absent   []string       // fields that must not be present
	}{
		{"zero values are sent", plain, &llm.Settings{Temperature: llm.Ptr(0.0), Seed: llm.Ptr(int64(0)), TopP: llm.Ptr(0.0)}, nil,
			map[string]any{"temperature": 0.0, "seed": 0.0, "top_p": 0.0, "n": 1.0, "stream": false}, []string{"max_tokens", "tools", "tool_choice", "parallel_tool_calls"}},
		{"every common setting", plain, &llm.Settings{MaxTokens: llm.Ptr(50), PresencePenalty: llm.Ptr(0.5), FrequencyPenalty: llm.Ptr(-0.5),
			LogitBias: map[string]int{"42": -100}, StopSequences: []string{"END"}}, nil,
			map[string]any{"max_tokens": 50.0, "presence_penalty": 0.5, "frequency_penalty": -0.5, "logit_bias": map[string]any{"42": -100.0}, "stop": []any{"END"}}, nil},
		{"parallel tool calls only with tools", plain, &llm.Settings{ParallelToolCalls: llm.Ptr(false)}, nil, nil, []string{"parallel_tool_calls"}},
		{"parallel tool calls with tools", plain, &llm.Settings{ParallelToolCalls: llm.Ptr(false)}, &llm.RequestParams{FunctionTools: []llm.ToolDefinition{tool}},
			map[string]any{"parallel_tool_calls": false, "tool_choice": "auto"}, nil},
		{"extra body overrides mapped fields", plain, &llm.Settings{Temperature: llm.Ptr(1.0), ExtraBody: map[string]any{"temperature": 0.2, "documents": []any{"d"}}}, nil,
			map[string]any{"temperature": 0.2, "documents": []any{"d"}}, nil},
		{"groq settings", plain, &Settings{ServiceTier: "flex", User: "u-1", ReasoningFormat: "hidden", SearchSettings: &SearchSettings{Country: "france"}}, nil,
			map[string]any{"service_tier": "flex", "user": "u-1", "reasoning_format": "hidden", "search_settings": map[string]any{"country": "france"}}, nil},
		{"thinking sent to a model that can reason", "openai/gpt-oss-120b", &llm.Settings{Thinking: llm.ThinkingHigh}, nil, map[string]any{"reasoning_effort": "high"}, nil},
		{"thinking ignored on a model that cannot reason", cannotReason, &llm.Settings{Thinking: llm.ThinkingHigh}, nil, nil, []string{"reasoning_effort", "reasoning_format"}},
		{"native output default name", plain, nil, &llm.RequestParams{OutputMode: llm.OutputNative, OutputObject: &llm.OutputObject{JSONSchema: json.RawMessage(`{"type":"object"}`)}},
			map[string]any{"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "final_result", "schema": map[string]any{"type": "object"}}}}, nil},
		{"prompted output with tools sends no json mode", plain, nil, &llm.RequestParams{OutputMode: llm.OutputPrompted, FunctionTools: []llm.ToolDefinition{tool},
			OutputObject: &llm.OutputObject{JSONSchema: json.RawMessage(`{"type":"object"}`)}}, nil, []string{"response_format"}},
		{"no tools, no tool choice", plain, &llm.Settings{ToolChoice: &llm.ToolChoice{Mode: llm.ToolChoiceAuto}}, nil, nil, []string{"tool_choice", "tools"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wireOf(t, tt.model, []llm.Message{llm.NewRequest(llm.User("hi"))}, tt.settings, tt.params)
			if got["model"] != tt.model {
				t.Errorf("model = %v, want %q", got["model"], tt.model)
			}
			for k, v := range tt.want {
				if diff := cmp.Diff(v, got[k]); diff != "" {
					t.Errorf("%s (-want +got):\n%s", k, diff)
				}
			}
			for _, k := range tt.absent {
				if _, ok := got[k]; ok {
					t.Errorf("%s is present: %v", k, got[k])
				}
			}
			if tools, ok := got["tools"].([]any); ok {
				// tool sets Strict: it is sent as the caller set it.
				if strict, ok := tools[0].(map[string]any)["function"].(map[string]any)["strict"]; !ok || strict != true {
					t.Errorf("function strict = %v (present %v), want true as the caller set it", strict, ok)
				}
			}
		})
	}
}

// TestBuildRequestToolStrict: a tool's strict is sent as the caller set it
// (true or false), on function and output tools alike, and an unset one
// is left out, so default requests keep pydantic-ai's bytes.
func TestBuildRequestToolStrict(t *testing.T) {
	tests := []struct {
		name   string
		strict *bool
		want   string // the function object sent
	}{
		{"unset is not sent", nil, `{"name":"f","description":"","parameters":{"type":"object","properties":{}}}`},
		{"true is sent", llm.Ptr(true), `{"name":"f","description":"","parameters":{"type":"object","properties":{}},"strict":true}`},
		{"false is sent", llm.Ptr(false), `{"name":"f","description":"","parameters":{"type":"object","properties":{}},"strict":false}`},
	}
	msgs := []llm.Message{llm.NewRequest(llm.User("hi"))}
	for _, tt := range tests {
		for _, kind := range []string{"function", "output"} {
			t.Run(tt.name+" ("+kind+" tool)", func(t *testing.T) {
				def := llm.ToolDefinition{Name: "f", Strict: tt.strict}
				p := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{def}}
				if kind == "output" {
					def.Kind = llm.ToolKindOutput
					p = &llm.RequestParams{OutputMode: llm.OutputTool, OutputTools: []llm.ToolDefinition{def}}
				}
				req, err := wireRequest("llama-3.3-70b-versatile", msgs, nil, p)
				if err != nil {
					t.Fatal(err)
				}
				if len(req.Tools) != 1 {
					t.Fatalf("tools = %+v, want one", req.Tools)
				}
				got, err := json.Marshal(req.Tools[0].Function)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tt.want {
					t.Errorf("function = %s\nwant       %s", got, tt.want)
				}
				if tt.strict != nil && req.Tools[0].Function.Strict == tt.strict {
					t.Error("the request aliases the caller's Strict")
				}
			})
		}
	}
}

func TestBuildRequestTools(t *testing.T) {
	defs := []llm.ToolDefinition{{Name: "a", Description: "A"}, {Name: "b"}, {Name: "c"}, {Name: "withheld", Withheld: true}}
	names := func(w map[string]any) []string {
		var out []string
		tools, _ := w["tools"].([]any)
		for _, tl := range tools {
			out = append(out, tl.(map[string]any)["function"].(map[string]any)["name"].(string))
		}
		return out
	}
	msgs := []llm.Message{llm.NewRequest(llm.User("hi"))}
	t.Run("withheld", func(t *testing.T) {
		w := wireOf(t, "m", msgs, nil, &llm.RequestParams{FunctionTools: defs})
		if diff := cmp.Diff([]string{"a", "b", "c"}, names(w)); diff != "" {
			t.Errorf("tools (-want +got):\n%s", diff)
		}
		if w["tools"].([]any)[1].(map[string]any)["function"].(map[string]any)["description"] != "" {
			t.Error("an empty description is not sent as \"\"")
		}
	})
	t.Run("subset filters the tools", func(t *testing.T) {
		w := wireOf(t, "m", msgs, &llm.Settings{ToolChoice: &llm.ToolChoice{Mode: llm.ToolChoiceTools, Names: []string{"a", "c"}}}, &llm.RequestParams{FunctionTools: defs})
		if diff := cmp.Diff([]string{"a", "c"}, names(w)); diff != "" {
			t.Errorf("tools (-want +got):\n%s", diff)
		}
		if w["tool_choice"] != "required" {
			t.Errorf("tool_choice = %v", w["tool_choice"])
		}
	})
	t.Run("one tool is named", func(t *testing.T) {
		w := wireOf(t, "m", msgs, &llm.Settings{ToolChoice: &llm.ToolChoice{Mode: llm.ToolChoiceTools, Names: []string{"b"}}}, &llm.RequestParams{FunctionTools: defs})
		if diff := cmp.Diff(map[string]any{"type": "function", "function": map[string]any{"name": "b"}}, w["tool_choice"]); diff != "" {
			t.Errorf("tool_choice (-want +got):\n%s", diff)
		}
		if len(names(w)) != 3 {
			t.Errorf("every tool stays on the wire when one is named: %v", names(w))
		}
	})
	t.Run("required without tools is an error", func(t *testing.T) {
		_, err := wireRequest("m", msgs, &llm.Settings{ToolChoice: &llm.ToolChoice{Mode: llm.ToolChoiceRequired}}, nil)
		var ue *llm.UserError
		if !errors.As(err, &ue) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown names beside known ones filter the tools", func(t *testing.T) {
		w := wireOf(t, "m", msgs, &llm.Settings{ToolChoice: &llm.ToolChoice{Mode: llm.ToolChoiceTools, Names: []string{"b", "gone"}}}, &llm.RequestParams{FunctionTools: defs})
		if diff := cmp.Diff([]string{"b"}, names(w)); diff != "" || w["tool_choice"] != "required" {
			t.Errorf("tools %v tool_choice %v (-want +got):\n%s", names(w), w["tool_choice"], diff)
		}
	})
	t.Run("invalid choice is an error", func(t *testing.T) {
		_, err := wireRequest("m", msgs, &llm.Settings{ToolChoice: &llm.ToolChoice{Mode: llm.ToolChoiceTools, Names: []string{"zzz"}}}, &llm.RequestParams{FunctionTools: defs})
		var ue *llm.UserError
		if !errors.As(err, &ue) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("native tools", func(t *testing.T) {
		_, err := wireRequest("llama-3.3-70b-versatile", msgs, nil, &llm.RequestParams{NativeTools: []llm.NativeTool{&llm.WebSearchTool{}}})
		if err == nil || !strings.Contains(err.Error(), "WebSearchTool") {
			t.Errorf("web search on a non-compound model: %v", err)
		}
		_, err = wireRequest("groq/compound", msgs, nil, &llm.RequestParams{NativeTools: []llm.NativeTool{&llm.CodeExecutionTool{}}})
		if err == nil || !strings.Contains(err.Error(), "code_execution") {
			t.Errorf("code execution: %v", err)
		}
		w := wireOf(t, "groq/compound", msgs, nil, &llm.RequestParams{NativeTools: []llm.NativeTool{&llm.WebSearchTool{}}})
		if _, ok := w["search_settings"]; ok {
			t.Error("search_settings sent without domains")
		}
	})
}

func TestPythonJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"b":1,"a":[true,null,"x"]}`, `{"b": 1, "a": [true, null, "x"]}`},
		{`{"t":"café \u2014 😀","q":"a\"b\\c\n<&>"}`, `{"t": "caf\u00e9 \u2014 \ud83d\ude00", "q": "a\"b\\c\n<&>"}`},
		{`{"n":1.50,"e":{}}`, `{"n": 1.5, "e": {}}`},
		{`not json`, `not json`},
	}
	for _, tt := range tests {
		if got := pythonJSON(json.RawMessage(tt.in)); got != tt.want {
			t.Errorf("pythonJSON(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// BuildRequest returns, byte for byte, the body Request posts, so a test of
// the mapping needs neither HTTP nor a wire type; an unencodable ExtraBody
// is the same UserError in both.
func TestBuildRequestIsTheBodyRequestSends(t *testing.T) {
	msgs := append(hello(), llm.NewResponse(&llm.ToolCallPart{ToolName: "f", Args: `{"a":1}`}), llm.NewRequest(&llm.ToolReturnPart{ToolName: "f", Content: "ok"}))
	settings := &Settings{Settings: llm.Settings{Temperature: llm.Ptr(0.0), Seed: llm.Ptr(int64(0))}, ServiceTier: "flex", Documents: []Document{{ID: "d", Source: DocumentSource{Type: "text", Text: "doc"}}}}
	params := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{Name: "f", Parameters: json.RawMessage(`{"type":"object"}`)}}}
	s := newScriptServer(t, reply{body: okBody})
	m, _ := testModel(t, s.URL)
	if _, err := m.Request(context.Background(), msgs, settings, params); err != nil {
		t.Fatal(err)
	}
	body, err := BuildRequest(m.Name(), msgs, settings, params)
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != s.bodies[0] {
		t.Errorf("BuildRequest body\n%s\nRequest sent\n%s", body, s.bodies[0])
	}
	bad := &llm.Settings{ExtraBody: map[string]any{"f": func() {}}}
	_, err = BuildRequest("m", hello(), bad, nil)
	_, reqErr := m.Request(context.Background(), hello(), bad, nil)
	var ue *llm.UserError
	if !errors.As(err, &ue) || reqErr == nil || err.Error() != reqErr.Error() {
		t.Errorf("unencodable body: BuildRequest %v, Request %v", err, reqErr)
	}
}
