package reliability

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
	"github.com/llmvcr/llmvcr/replay"
)

// mcpHeaderSecret is a credential of no known shape (not gsk_, sk-, hf_,
// ...), built at run time, so only the header's name can tell it is one.
func mcpHeaderSecret(name string) string {
	return "mcp" + strings.Repeat("Q7v", 5) + "-" + strings.ToLower(strings.ReplaceAll(name, "-", "")) + "-Zt4w"
}

// TestMCPHeadersScrubbed records, through replay.New, requests with remote
// MCP servers (groq.MCPServerTool) whose headers carry credentials of no
// known shape under the names Groq's documentation uses (Authorization:
// Bearer, x-api-key) and under other credential header names, plain and
// streamed, and checks that no value reaches the cassette or the
// session's log, and that the replay answers the same requests.
func TestMCPHeadersScrubbed(t *testing.T) {
	names := []string{"Authorization", "x-api-key", "X-Api-Key", "Api-Key", "X-Auth-Token", "Proxy-Authorization",
		"X-Goog-Api-Key", "Private-Token", "X-Firecrawl-Token", "Cookie", "X-Access-Token"}
	headers := map[string]string{}
	for _, n := range names {
		v := mcpHeaderSecret(n)
		if n == "Authorization" || n == "Proxy-Authorization" {
			v = "Bearer " + v
		}
		headers[n] = v
	}
	tools := func() []llm.NativeTool {
		var out []llm.NativeTool
		for i, n := range names {
			out = append(out, &groq.MCPServerTool{
				ServerLabel: "server" + string(rune('a'+i)), ServerURL: "https://mcp.example/v1",
				Headers: map[string]string{n: headers[n]}, RequireApproval: "never",
			})
		}
		return out
	}
	ask := func(t *testing.T, s *replay.Session, baseURL string) {
		t.Helper()
		m, err := groq.NewModel(fakes.DefaultModel, groq.WithBaseURL(baseURL), groq.WithHTTPClient(s.Client()),
			groq.WithAPIKey("gsk_"+strings.Repeat("x", 48)), groq.WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		params := &llm.RequestParams{NativeTools: tools()}
		msgs := []llm.Message{llm.NewRequest(llm.User("What models are trending on Huggingface?"))}
		if _, err := m.Request(ctx, msgs, nil, params); err != nil {
			t.Fatal(err)
		}
		sr, err := m.RequestStream(ctx, msgs, nil, params)
		if err != nil {
			t.Fatal(err)
		}
		defer sr.Close()
		for _, err := range sr.Events() {
			if err != nil {
				t.Fatal(err)
			}
		}
	}

	path := filepath.Join(t.TempDir(), "mcp.yaml")
	var baseURL string
	rec := &captureTB{}
	t.Run("record", func(t *testing.T) {
		g := fakes.NewGroq(t, fakes.WithDefaultAnswers())
		baseURL = g.URL
		rec.TB = t
		s := replay.New(rec, replay.WithMode(replay.ModeRecord), replay.WithPath(path), replay.WithRealTransport(g.Client().Transport))
		ask(t, s, baseURL)
	})
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no cassette was recorded: %v", err)
	}
	cassette := string(raw)
	if strings.Count(cassette, `"server_url": "https://mcp.example/v1"`) != 2*len(names) {
		t.Fatalf("the cassette has no MCP tool: the requests were not the ones under test\n%s", cassette)
	}
	for _, n := range names {
		v := mcpHeaderSecret(n)
		if strings.Contains(cassette, v) {
			t.Errorf("the %s header value of an MCP server is in the cassette", n)
		}
		if strings.Contains(rec.String(), v) {
			t.Errorf("the %s header value of an MCP server is in the recording's log", n)
		}
	}
	// Each header of each request (two requests) shows a redaction.
	if got, want := strings.Count(cassette, "REDACTED"), 2*len(names); got < want {
		t.Errorf("the cassette shows %d redactions for %d MCP header values", got, want)
	}

	rep := &captureTB{}
	t.Run("replay", func(t *testing.T) {
		rep.TB = t
		s := replay.New(rep, replay.WithPath(path))
		ask(t, s, baseURL)
	})
	for _, n := range names {
		if strings.Contains(rep.String(), mcpHeaderSecret(n)) {
			t.Errorf("the %s header value of an MCP server is in the replay's log", n)
		}
	}
}
