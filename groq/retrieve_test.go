package groq

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/llmvcr/llmvcr/llm"
)

func TestQuotePathSegmentAsGroqPython(t *testing.T) {
	// Expected values from Python's quote(v, safe="!$&'()*+,;=:@").
	for in, want := range map[string]string{
		"openai/gpt-oss-120b": "openai%2Fgpt-oss-120b",
		"a b":                 "a%20b",
		"é":                   "%C3%A9",
		"%2e":                 "%252e",
		"x?y#z":               "x%3Fy%23z",
		"~_.-":                "~_.-",
		"\x00":                "%00",
		"!$&'()*+,;=:@":       "!$&'()*+,;=:@",
	} {
		if got := quotePathSegment(in); got != want {
			t.Errorf("quotePathSegment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRetrieveModel(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.EscapedPath())
		if r.URL.EscapedPath() == "/openai/v1/models/nope" {
			w.WriteHeader(404)
			w.Write([]byte(`{"error":{"message":"The model nope does not exist","type":"invalid_request_error","code":"model_not_found"}}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"openai/gpt-oss-120b","object":"model","created":1754408224,"owned_by":"OpenAI","active":true,"context_window":131072,"public_apps":null,"max_completion_tokens":65536,"features":{"tools":true}}`))
	}))
	defer srv.Close()
	m, _ := testModel(t, srv.URL)
	info, err := m.RetrieveModel(context.Background(), "openai/gpt-oss-120b")
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != "openai/gpt-oss-120b" || info.ContextWindow != 131072 || info.MaxCompletionTokens != 65536 || string(info.Extra["features"]) != `{"tools":true}` {
		t.Errorf("info = %+v", info)
	}
	if paths[0] != "GET /openai/v1/models/openai%2Fgpt-oss-120b" {
		t.Errorf("sent %q", paths[0])
	}
	_, err = m.RetrieveModel(context.Background(), "nope")
	var he *llm.ModelHTTPError
	if !errors.As(err, &he) || he.StatusCode != 404 || !IsModelNotFound(err) {
		t.Errorf("err = %v", err)
	}
	for _, id := range []string{"", ".", ".."} {
		_, err := m.RetrieveModel(context.Background(), id)
		var ue *llm.UserError
		if !errors.As(err, &ue) {
			t.Errorf("RetrieveModel(%q) err = %v", id, err)
		}
	}
	if len(paths) != 2 {
		t.Errorf("requests %v", paths)
	}
}

// A ModelInfo written back holds every field Groq sent, known or not, so a
// fake or a golden file that stores one loses nothing.
func TestModelInfoRoundTrip(t *testing.T) {
	const body = `{"id":"openai/gpt-oss-120b","object":"model","created":1754408224,"owned_by":"OpenAI","active":true,"context_window":131072,"public_apps":null,"max_completion_tokens":65536,"input_modalities":["text"],"features":{"tools":true}}`
	var m ModelInfo
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != "openai/gpt-oss-120b" || len(m.Extra) != 2 {
		t.Fatalf("decoded %+v", m)
	}
	back, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	jsonEq(t, body, back)
}
