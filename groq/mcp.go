package groq

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/llm"
)

// MCPServerTool is a remote MCP server that Groq connects to itself: Groq
// lists the server's tools, gives them to the model, and calls them on
// the server when the model asks. Put it in llm.RequestParams.NativeTools.
// It is sent as Groq documents a remote MCP tool for chat completions
// (console.groq.com/docs/mcp): {"type": "mcp", "server_label",
// "server_url", "headers", "server_description", "require_approval",
// "allowed_tools"}, each field under its JSON name in Go case. The name is
// pydantic-ai's (MCPServerTool, kind "mcp_server"); its id is ServerLabel
// here, its url ServerURL, and its authorization_token a Headers
// "Authorization" entry ("Bearer " + token), the only way Groq documents.
//
// Headers are credentials for the MCP server: a recorded cassette redacts
// the values of credential-named headers (Authorization, X-Api-Key, ...)
// in the request body. A credential in ServerURL itself, or under another
// header name, is redacted only where the recording's secrets know the
// value (the key environment variables, or the secrets given to the
// session).
type MCPServerTool struct {
	ServerLabel       string            // required: names the server in the response ("mcp_server:" + label)
	ServerURL         string            // required: the server's https URL
	Headers           map[string]string // sent by Groq to the server only, e.g. "Authorization": "Bearer ..."
	ServerDescription string            // optional: when the model should use the server
	RequireApproval   string            // "" (not sent: Groq's default, "never"), "never" or "always"
	AllowedTools      []string          // nil: every tool of the server; non-nil (even empty): only these
}

// NativeToolKind returns "mcp_server", pydantic-ai's kind for MCP servers.
func (*MCPServerTool) NativeToolKind() string { return "mcp_server" }

func (*MCPServerTool) groqToolType() string { return "mcp" }

// mcpKind is the tool name prefix of a remote MCP server's parts, as
// pydantic-ai names them: "mcp_server:" + the server label.
const mcpKind = "mcp_server"

// wireTool checks t and returns it as the request's tool, with the labels
// already sent (seen) to refuse a second server of the same label. A nil
// t gives ok false: it is skipped, as other typed nil native tools are.
func (t *MCPServerTool) wireTool(seen map[string]bool) (tool groqwire.Tool, ok bool, err error) {
	if t == nil {
		return groqwire.Tool{}, false, nil
	}
	bad := func(format string, a ...any) (groqwire.Tool, bool, error) {
		return groqwire.Tool{}, false, &llm.UserError{Message: "groq: MCPServerTool " + fmt.Sprintf(format, a...)}
	}
	label := t.ServerLabel
	switch {
	case strings.TrimSpace(label) == "":
		return bad("has no ServerLabel; Groq requires server_label to name the server")
	case seen[label]:
		return bad("%q is given twice; each MCP server needs its own ServerLabel", label)
	case strings.TrimSpace(t.ServerURL) == "":
		return bad("%q has no ServerURL; Groq requires server_url", label)
	}
	u, err := url.Parse(t.ServerURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return bad("%q: ServerURL %q is not an https URL; Groq connects to MCP servers over HTTPS only", label, mcpServerHost(t.ServerURL))
	}
	switch t.RequireApproval {
	case "", "never", "always":
	default:
		return bad("%q: RequireApproval is %q; Groq takes \"never\" or \"always\"", label, t.RequireApproval)
	}
	names := map[string]string{}
	for name, value := range t.Headers {
		if !validHeaderName(name) {
			// Not quoted: a whole "Authorization: Bearer ..." line given
			// as a name would put the credential in the message.
			return bad("%q: a Headers name (%d bytes) is not a valid HTTP header name: empty, or holding a space, colon or other character a name cannot; the value goes in the map's value", label, len(name))
		}
		if strings.ContainsAny(value, "\r\n\x00") {
			// The value is never quoted: it may be a credential.
			return bad("%q: the value of header %q holds a line break or NUL", label, name)
		}
		c := http.CanonicalHeaderKey(name)
		if other, dup := names[c]; dup {
			a, b := min(name, other), max(name, other)
			return bad("%q: headers %q and %q are the same header", label, a, b)
		}
		names[c] = name
	}
	for _, name := range t.AllowedTools {
		if name == "" {
			return bad("%q: AllowedTools holds an empty tool name", label)
		}
	}

	extra := groqwire.Extra{}
	put := func(k string, v any) {
		b, _ := json.Marshal(v) // strings, a string map and a string slice always marshal
		extra[k] = b
	}
	put("server_label", label)
	put("server_url", t.ServerURL)
	if len(t.Headers) > 0 {
		put("headers", t.Headers)
	}
	if t.ServerDescription != "" {
		put("server_description", t.ServerDescription)
	}
	if t.RequireApproval != "" {
		put("require_approval", t.RequireApproval)
	}
	if t.AllowedTools != nil {
		put("allowed_tools", t.AllowedTools)
	}
	seen[label] = true
	return groqwire.Tool{Type: "mcp", Extra: extra}, true, nil
}

// validHeaderName reports whether name is an HTTP token (RFC 9110 5.1).
func validHeaderName(name string) bool {
	return len(name) <= 256 && httpbody.IsToken(name)
}

// mcpServerHost is an MCP server URL for an error message: its scheme and
// host only, as MCP servers take keys in the path or query (Firecrawl's
// does).
func mcpServerHost(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "(unparsable)"
	}
	return u.Scheme + "://" + u.Host + "/..."
}

// isMCPExecutedTool reports an executed tool that is a call on a remote
// MCP server. Groq does not document its chat-completions shape; "mcp" is
// the request tool's type (as "browser_search" runs as "browser_search")
// and "mcp_call" the type of Groq's Responses API output item.
func isMCPExecutedTool(t groqwire.ExecutedTool) bool { return t.Type == "mcp" || t.Type == "mcp_call" }

// mapMCPCall maps a call Groq made on a remote MCP server to a built-in
// tool call and its return, as pydantic-ai's _map_mcp_call (models/
// openai.py) maps an mcp_call: the tool named "mcp_server:" + server label
// ("mcp_server" without a label), the arguments {"action": "call_tool",
// "tool_name", "tool_args"} and the content {"output", "error"}. The
// return's content is nil while the call has neither output nor error, so
// a stream ends the call part and sends the return when the result comes.
// A value of an unexpected JSON type is kept as it came.
func mapMCPCall(t groqwire.ExecutedTool, id string) (*llm.BuiltinToolCallPart, *llm.BuiltinToolReturnPart) {
	name := mcpKind
	if label, ok := extraString(t.Extra, "server_label"); ok && label != "" {
		name += ":" + label
	}
	var toolArgs any = map[string]any{}
	if strings.TrimSpace(t.Arguments) != "" {
		if json.Unmarshal([]byte(t.Arguments), &toolArgs) != nil {
			toolArgs = t.Arguments // not JSON: the text as Groq sent it
		}
	}
	args := map[string]any{"action": "call_tool", "tool_args": toolArgs}
	if raw, ok := t.Extra["name"]; ok {
		args["tool_name"] = decodeRaw(raw)
	}
	b, err := json.Marshal(args)
	if err != nil { // not reached: decoded JSON marshals
		b = []byte(`{"action":"call_tool"}`)
	}
	call := &llm.BuiltinToolCallPart{ToolName: name, Args: string(b), ToolCallID: id, ProviderName: providerName}

	var content any
	errValue := decodeRaw(t.Extra["error"])
	if t.Output != nil || errValue != nil {
		var output any
		if t.Output != nil {
			output = *t.Output
		}
		content = map[string]any{"output": output, "error": errValue}
	}
	ret := &llm.BuiltinToolReturnPart{ToolName: name, Content: content, ToolCallID: id, ProviderName: providerName}
	return call, ret
}

// extraString returns the string under key in e.
func extraString(e groqwire.Extra, key string) (string, bool) {
	raw, ok := e[key]
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// decodeRaw decodes one JSON value; nil for absent or null, the text for
// a value that does not decode.
func decodeRaw(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	return v
}

// streamMCPListTools adds to a stream's details the MCP tool lists a chunk
// carries, at its top level or in its x_groq (groq-python's chunk type has
// neither, so they arrive as unknown fields), under "mcp_list_tools" as a
// []MCPListTool, as a whole completion's are. Lists from several chunks
// are joined; a null or misshapen value adds nothing.
func streamMCPListTools(d map[string]any, c *groqwire.ChatCompletionChunk) map[string]any {
	if len(c.Extra) == 0 && (c.XGroq == nil || len(c.XGroq.Extra) == 0) {
		return d // the common chunk: nothing to look in
	}
	var found []groqwire.MCPListTool
	add := func(e groqwire.Extra) {
		if l := decodeAs[[]groqwire.MCPListTool](e["mcp_list_tools"]); l != nil {
			found = append(found, *l...)
		}
	}
	add(c.Extra)
	if c.XGroq != nil {
		add(c.XGroq.Extra)
	}
	if len(found) == 0 {
		return d
	}
	if d == nil {
		d = map[string]any{}
	}
	prev, _ := d["mcp_list_tools"].([]groqwire.MCPListTool)
	d["mcp_list_tools"] = append(slices.Clip(prev), found...)
	return d
}
