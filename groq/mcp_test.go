package groq

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/llm"
)

// mcpDoc reads one of Groq's documented bodies (testdata/mcp/SOURCE.md).
func mcpDoc(t *testing.T, name string) map[string]json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "mcp", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// wireTools returns the tools and the whole body BuildRequest sends.
func wireTools(t *testing.T, model string, params *llm.RequestParams) (json.RawMessage, map[string]json.RawMessage) {
	t.Helper()
	b, err := BuildRequest(model, hello(), nil, params)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	return body["tools"], body
}

// MCPServerTool is sent exactly as Groq documents a remote MCP tool: the
// page's tool structure, its chat-completions example and its three
// servers in one request.
func TestMCPServerToolDocumentedJSON(t *testing.T) {
	// "MCP Tool Structure". A nil AllowedTools is not sent: every tool,
	// Groq's default, which the page writes as null.
	want := strings.Replace(string(mcpDoc(t, "tool_structure.json")["tools"]), `,
      "allowed_tools": null`, "", 1)
	got, _ := wireTools(t, "openai/gpt-oss-120b", &llm.RequestParams{NativeTools: []llm.NativeTool{&MCPServerTool{
		ServerLabel:       "Huggingface",
		ServerURL:         "https://mcp.huggingface.co",
		Headers:           map[string]string{"Authorization": "Bearer <YOUR_HF_TOKEN>"},
		ServerDescription: "Search and access AI models from Hugging Face",
		RequireApproval:   "never",
	}}})
	jsonEq(t, want, got)

	// "Using MCP with Chat Completions API": the curl body's model,
	// messages and tools, and no tool_choice.
	doc := mcpDoc(t, "chat_request.json")
	b, err := BuildRequest("openai/gpt-oss-120b", []llm.Message{llm.NewRequest(llm.User("What models are trending on Huggingface?"))}, nil,
		&llm.RequestParams{NativeTools: []llm.NativeTool{&MCPServerTool{ServerLabel: "Huggingface", ServerURL: "https://huggingface.co/mcp"}}})
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"model", "messages", "tools"} {
		jsonEq(t, string(doc[k]), body[k])
	}
	if _, ok := body["tool_choice"]; ok {
		t.Errorf("tool_choice sent with only an MCP server: %s", body["tool_choice"])
	}

	// "Multiple MCP Servers", in the order given.
	got, _ = wireTools(t, "openai/gpt-oss-120b", &llm.RequestParams{NativeTools: []llm.NativeTool{
		&MCPServerTool{ServerLabel: "parallel_web_search", ServerURL: "https://mcp.parallel.ai/<token>",
			Headers: map[string]string{"x-api-key": "<PARALLEL_API_KEY>"}, ServerDescription: "Search the web for real-time information"},
		&MCPServerTool{ServerLabel: "Stripe", ServerURL: "https://mcp.stripe.com",
			Headers: map[string]string{"Authorization": "Bearer <STRIPE_TOKEN>"}, ServerDescription: "Create invoices and manage payments"},
		&MCPServerTool{ServerLabel: "github", ServerURL: "https://mcp.github.com/v1",
			Headers: map[string]string{"Authorization": "Bearer <GITHUB_TOKEN>"}, ServerDescription: "Access GitHub repositories and create issues"},
	}})
	jsonEq(t, string(mcpDoc(t, "multiple_servers.json")["tools"]), got)
}

// Every optional field is sent under Groq's name when set; an empty but
// non-nil AllowedTools is sent as [] (no tool), as pydantic-ai sends any
// allowed_tools that is not None; MCP servers keep their place among the
// other native tools, after the function tools; a typed nil is skipped.
func TestMCPServerToolFields(t *testing.T) {
	got, body := wireTools(t, "openai/gpt-oss-120b", &llm.RequestParams{
		FunctionTools: []llm.ToolDefinition{{Name: "f"}},
		NativeTools: []llm.NativeTool{
			&BrowserSearchTool{},
			&MCPServerTool{ServerLabel: "a", ServerURL: "https://a.example/mcp", RequireApproval: "always", AllowedTools: []string{"t1", "t2"}},
			(*MCPServerTool)(nil),
			&CodeInterpreterTool{},
			&MCPServerTool{ServerLabel: "b", ServerURL: "https://b.example/mcp?x=1", AllowedTools: []string{}},
		},
	})
	jsonEq(t, `[{"type":"function","function":{"name":"f","description":"","parameters":{"type":"object","properties":{}}}},
		{"type":"browser_search"},
		{"type":"mcp","server_label":"a","server_url":"https://a.example/mcp","require_approval":"always","allowed_tools":["t1","t2"]},
		{"type":"code_interpreter"},
		{"type":"mcp","server_label":"b","server_url":"https://b.example/mcp?x=1","allowed_tools":[]}]`, got)
	jsonEq(t, `"auto"`, body["tool_choice"])
	if (&MCPServerTool{}).NativeToolKind() != "mcp_server" {
		t.Error("kind is not pydantic-ai's mcp_server")
	}

	// The caller's values are copied, not shared: a later change to the
	// tool does not change a built request.
	tool := &MCPServerTool{ServerLabel: "c", ServerURL: "https://c.example", Headers: map[string]string{"X-Key": "v1"}, AllowedTools: []string{"t"}}
	req, err := wireRequest("m", hello(), nil, &llm.RequestParams{NativeTools: []llm.NativeTool{tool}})
	if err != nil {
		t.Fatal(err)
	}
	tool.Headers["X-Key"], tool.AllowedTools[0] = "v2", "u"
	b, _ := json.Marshal(req.Tools)
	jsonEq(t, `[{"type":"mcp","server_label":"c","server_url":"https://c.example","headers":{"X-Key":"v1"},"allowed_tools":["t"]}]`, b)
}

// A tool Groq would refuse, or could not use, is a UserError before
// anything is sent, and the message never quotes a header value or the
// URL's path and query (both may be credentials).
func TestMCPServerToolInvalid(t *testing.T) {
	const secret = "Zk7-not-a-key-Qp2"
	ok := func() *MCPServerTool {
		return &MCPServerTool{ServerLabel: "s", ServerURL: "https://mcp.example/" + secret + "/v2/mcp", Headers: map[string]string{"Authorization": "Bearer " + secret}}
	}
	cases := []struct {
		name  string
		tools []llm.NativeTool
		want  string
	}{
		{"no label", []llm.NativeTool{&MCPServerTool{ServerURL: "https://mcp.example"}}, "no ServerLabel"},
		{"blank label", []llm.NativeTool{&MCPServerTool{ServerLabel: " \t", ServerURL: "https://mcp.example"}}, "no ServerLabel"},
		{"no url", []llm.NativeTool{&MCPServerTool{ServerLabel: "s"}}, "no ServerURL"},
		{"http", []llm.NativeTool{func() *MCPServerTool { t := ok(); t.ServerURL = "http://mcp.example/" + secret; return t }()}, "not an https URL"},
		{"relative", []llm.NativeTool{&MCPServerTool{ServerLabel: "s", ServerURL: "/mcp/" + secret}}, "not an https URL"},
		{"no host", []llm.NativeTool{&MCPServerTool{ServerLabel: "s", ServerURL: "https:///" + secret}}, "not an https URL"},
		{"unparsable", []llm.NativeTool{&MCPServerTool{ServerLabel: "s", ServerURL: "https://[::1" + secret}}, "not an https URL"},
		{"approval", []llm.NativeTool{func() *MCPServerTool { t := ok(); t.RequireApproval = "sometimes"; return t }()}, `"never" or "always"`},
		{"header name", []llm.NativeTool{func() *MCPServerTool { t := ok(); t.Headers["Bad Name"] = "v"; return t }()}, "not a valid HTTP header name"},
		{"whole header line as name", []llm.NativeTool{&MCPServerTool{ServerLabel: "s", ServerURL: "https://mcp.example", Headers: map[string]string{"Authorization: Bearer " + secret: ""}}}, "not a valid HTTP header name"},
		{"empty header name", []llm.NativeTool{func() *MCPServerTool { t := ok(); t.Headers[""] = "v"; return t }()}, "not a valid HTTP header name"},
		{"header value", []llm.NativeTool{func() *MCPServerTool { t := ok(); t.Headers["X-Key"] = secret + "\r\nX-Evil: 1"; return t }()}, "line break or NUL"},
		{"same header twice", []llm.NativeTool{func() *MCPServerTool { t := ok(); t.Headers["authorization"] = secret; return t }()}, "are the same header"},
		{"same label twice", []llm.NativeTool{ok(), &BrowserSearchTool{}, ok()}, "given twice"},
		{"empty allowed tool", []llm.NativeTool{func() *MCPServerTool { t := ok(); t.AllowedTools = []string{"a", ""}; return t }()}, "empty tool name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, stream := range []bool{false, true} {
				how := deliverWhole
				if stream {
					how = deliverStream
				}
				_, err := buildRequest("openai/gpt-oss-120b", hello(), &Settings{}, &llm.RequestParams{NativeTools: c.tools}, how)
				var ue *llm.UserError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("stream %v: err %v, want a UserError saying %q", stream, err, c.want)
				}
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error quotes a credential: %v", err)
				}
			}
		})
	}
	if _, err := BuildRequest("openai/gpt-oss-120b", hello(), nil, &llm.RequestParams{NativeTools: []llm.NativeTool{ok()}}); err != nil {
		t.Errorf("the valid tool: %v", err)
	}
}

// The MCP call and tool list of a completion shaped as Groq documents
// them (testdata/mcp/completion.json) reach the response: the call as a
// built-in tool call and return named as pydantic-ai names MCP calls, the
// list in ProviderDetails; a stream carrying the same gives the same
// parts and details.
func TestMCPResponse(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "mcp", "completion.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c groqwire.ChatCompletion
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	r, err := processResponse(&c, "")
	if err != nil {
		t.Fatal(err)
	}
	id := executedToolID("chatcmpl-mcp1", 0)
	wantParts := []llm.ResponsePart{
		&llm.ThinkingPart{Content: "User asks: 'What are the trending models on Huggingface?' Need to fetch trending models..."},
		&llm.BuiltinToolCallPart{ToolName: "mcp_server:Huggingface", ToolCallID: id, ProviderName: "groq",
			Args: `{"action":"call_tool","tool_args":{"limit":10,"sort":"trendingScore"},"tool_name":"model_search"}`},
		&llm.BuiltinToolReturnPart{ToolName: "mcp_server:Huggingface", ToolCallID: id, ProviderName: "groq",
			Content: map[string]any{"output": "Showing first 10 models matching sorted by trendingScore...", "error": nil}},
		&llm.TextPart{Content: "Here are the top 10 trending models on Hugging Face..."},
	}
	if diff := cmp.Diff(wantParts, r.Parts); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	wantList := []groqwire.MCPListTool{{ID: "mcpl_1720577121", ServerLabel: "Huggingface", Type: "mcp_list_tools", Tools: []groqwire.MCPTool{{
		Name: "model_search", Description: "Find Machine Learning models hosted on Hugging Face.",
		InputSchema: json.RawMessage(`{"type": "object", "properties": {"limit": {"type": "integer"}, "sort": {"type": "string"}}}`),
		Annotations: json.RawMessage("null")}}}}
	if diff := cmp.Diff(wantList, r.ProviderDetails["mcp_list_tools"]); diff != "" {
		t.Errorf("mcp_list_tools (-want +got):\n%s", diff)
	}

	// The next turn sends the answer back without the MCP call, which Groq
	// ran itself, as pydantic-ai drops native tool parts for Groq.
	next, err := wireRequest("openai/gpt-oss-120b", append(hello(), r, llm.NewRequest(llm.User("thanks"))), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(next.Messages) != 3 || len(next.Messages[1].ToolCalls) != 0 {
		t.Errorf("next turn: %+v", next.Messages)
	}

	// The same completion streamed: the call starts without output, its
	// result comes in a later chunk, the tool list on the last chunk
	// (groq-python's chunk type has no mcp_list_tools: an unknown field).
	var list bytes.Buffer
	if err := json.Compact(&list, c.MCPListTools); err != nil {
		t.Fatal(err)
	}
	chunk := func(delta, finish, extra string) string {
		return strings.Replace(chunkJSON(delta, finish, extra), `"id":"x"`, `"id":"chatcmpl-mcp1"`, 1)
	}
	call := `{"index":0,"type":"mcp","server_label":"Huggingface","name":"model_search","arguments":"{\"limit\":10,\"sort\":\"trendingScore\"}"`
	body := sseOf(
		chunk(`{"role":"assistant","reasoning":"User asks: 'What are the trending models on Huggingface?' Need to fetch trending models..."}`, "", ""),
		chunk(`{"executed_tools":[`+call+`}]}`, "", ""),
		chunk(`{"executed_tools":[`+call+`,"output":"Showing first 10 models matching sorted by trendingScore..."}]}`, "", ""),
		chunk(`{"content":"Here are the top 10 trending models on Hugging Face..."}`, "stop", `,"mcp_list_tools":`+list.String()),
	)
	sr := openStream(t, body, nil)
	events, _, err := collect(t, sr)
	if err != nil {
		t.Fatal(err)
	}
	sresp := sr.Response()
	if diff := cmp.Diff(wantParts, sresp.Parts); diff != "" {
		t.Errorf("streamed parts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(r.ProviderDetails["mcp_list_tools"], sresp.ProviderDetails["mcp_list_tools"], cmp.Transformer("json", func(m json.RawMessage) any {
		var v any
		_ = json.Unmarshal(m, &v)
		return v
	})); diff != "" {
		t.Errorf("streamed mcp_list_tools (-want +got):\n%s", diff)
	}
	// The call part starts when the call does, before its result.
	var starts []string
	for _, ev := range events {
		if s, ok := ev.(llm.PartStartEvent); ok {
			starts = append(starts, llm.Kind(s.Part))
		}
	}
	if diff := cmp.Diff([]string{"thinking", "builtin-tool-call", "builtin-tool-return", "text"}, starts); diff != "" {
		t.Errorf("part starts (-want +got):\n%s", diff)
	}
}

// MCP calls in shapes Groq might send: the Responses API's type name,
// no label or name, an error instead of an output, arguments that are
// not JSON, odd JSON types. Each keeps what was sent; nothing panics.
func TestMCPCallShapes(t *testing.T) {
	cases := []struct {
		name, tool       string
		wantName         string
		wantArgs         string
		wantContent      any
		wantMapsAsMCPRun bool
	}{
		{"responses type", `{"index":0,"type":"mcp_call","server_label":"s","name":"n","arguments":"{}","output":"o"}`,
			"mcp_server:s", `{"action":"call_tool","tool_args":{},"tool_name":"n"}`, map[string]any{"output": "o", "error": nil}, true},
		{"no label, no name, no arguments", `{"index":0,"type":"mcp","arguments":""}`,
			"mcp_server", `{"action":"call_tool","tool_args":{}}`, nil, true},
		{"error", `{"index":0,"type":"mcp","server_label":"s","name":"n","arguments":"{\"a\":1}","error":{"message":"401 Unauthorized"}}`,
			"mcp_server:s", `{"action":"call_tool","tool_args":{"a":1},"tool_name":"n"}`, map[string]any{"output": nil, "error": map[string]any{"message": "401 Unauthorized"}}, true},
		{"arguments not JSON", `{"index":0,"type":"mcp","server_label":"s","arguments":"limit=10","output":""}`,
			"mcp_server:s", `{"action":"call_tool","tool_args":"limit=10"}`, map[string]any{"output": "", "error": nil}, true},
		{"odd types", `{"index":0,"type":"mcp","server_label":7,"name":["n"],"arguments":"[1]","error":null,"output":"o"}`,
			"mcp_server", `{"action":"call_tool","tool_args":[1],"tool_name":["n"]}`, map[string]any{"output": "o", "error": nil}, true},
		{"not MCP", `{"index":0,"type":"mcp_list_tools","arguments":"{}","output":"o"}`,
			"mcp_list_tools", `{}`, map[string]any{"output": "o"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var et groqwire.ExecutedTool
			if err := json.Unmarshal([]byte(c.tool), &et); err != nil {
				t.Fatal(err)
			}
			if isMCPExecutedTool(et) != c.wantMapsAsMCPRun {
				t.Fatalf("isMCPExecutedTool = %v", !c.wantMapsAsMCPRun)
			}
			call, ret := mapExecutedTool(et, "id1")
			if call.ToolName != c.wantName || ret.ToolName != c.wantName || call.ToolCallID != "id1" || ret.ToolCallID != "id1" {
				t.Errorf("names %q %q ids %q %q", call.ToolName, ret.ToolName, call.ToolCallID, ret.ToolCallID)
			}
			if call.Args != c.wantArgs {
				t.Errorf("args %s, want %s", call.Args, c.wantArgs)
			}
			if diff := cmp.Diff(c.wantContent, ret.Content); diff != "" {
				t.Errorf("content (-want +got):\n%s", diff)
			}
		})
	}
}

// Tool lists arriving in a stream's x_groq, or split over chunks, are
// joined; null and misshapen lists add nothing.
func TestStreamMCPListToolsPlaces(t *testing.T) {
	body := sseOf(
		chunkJSON(`{"role":"assistant","content":""}`, "", `,"mcp_list_tools":null,"x_groq":{"id":"req_1","mcp_list_tools":[{"server_label":"a","tools":[{"name":"t1"}]}]}`),
		chunkJSON(`{"content":"ok"}`, "", `,"mcp_list_tools":{"odd":1}`),
		chunkJSON(`{}`, "stop", `,"mcp_list_tools":[{"server_label":"b","tools":[]}]`),
	)
	sr := openStream(t, body, nil)
	if _, _, err := collect(t, sr); err != nil {
		t.Fatal(err)
	}
	want := []groqwire.MCPListTool{{ServerLabel: "a", Tools: []groqwire.MCPTool{{Name: "t1"}}}, {ServerLabel: "b", Tools: []groqwire.MCPTool{}}}
	if diff := cmp.Diff(want, sr.Response().ProviderDetails["mcp_list_tools"]); diff != "" {
		t.Errorf("mcp_list_tools (-want +got):\n%s", diff)
	}
	// No list: no key.
	sr = openStream(t, sseOf(textChunk("hi", "stop")), nil)
	if _, _, err := collect(t, sr); err != nil {
		t.Fatal(err)
	}
	if _, ok := sr.Response().ProviderDetails["mcp_list_tools"]; ok {
		t.Error("mcp_list_tools set without a list")
	}
}

// FuzzMCPCall maps arbitrary executed tools as MCP calls: never a panic;
// the arguments are always a JSON object with "action": "call_tool"; call
// and return share name and id; the name is "mcp_server" or
// "mcp_server:" + label; the content is nil or {"output", "error"}.
func FuzzMCPCall(f *testing.F) {
	f.Add([]byte(`{"index":0,"type":"mcp","server_label":"Huggingface","name":"model_search","arguments":"{\"limit\":10}","output":"ok"}`))
	f.Add([]byte(`{"index":1,"type":"mcp_call","server_label":"","name":null,"arguments":"not json","error":"boom"}`))
	f.Add([]byte(`{"index":0,"type":"mcp","server_label":{"a":1},"name":3,"arguments":"[\"x\",{}]","output":null,"error":{"code":401}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var et groqwire.ExecutedTool
		if json.Unmarshal(body, &et) != nil {
			return
		}
		call, ret := mapMCPCall(et, "id")
		var args map[string]any
		if err := json.Unmarshal([]byte(call.Args), &args); err != nil || args["action"] != "call_tool" {
			t.Fatalf("args %q: %v", call.Args, err)
		}
		if _, ok := args["tool_args"]; !ok {
			t.Fatalf("args %q have no tool_args", call.Args)
		}
		if call.ToolName != ret.ToolName || call.ToolCallID != "id" || ret.ToolCallID != "id" {
			t.Fatalf("call %+v, return %+v", call, ret)
		}
		if call.ToolName != "mcp_server" && !strings.HasPrefix(call.ToolName, "mcp_server:") {
			t.Fatalf("name %q", call.ToolName)
		}
		if ret.Content != nil {
			m, ok := ret.Content.(map[string]any)
			if _, hasOut := m["output"]; !ok || len(m) != 2 || !hasOut {
				t.Fatalf("content %#v", ret.Content)
			}
		}
	})
}
