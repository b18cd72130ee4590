package fakes_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

func TestTransportDefaultBaseURL(t *testing.T) {
	t.Setenv("GROQ_BASE_URL", "")
	g := fakes.NewGroq(t)
	g.Reply(fakes.TextCompletion("Paris, from the fake."))
	m, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithTransport(g.Transport()), groq.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	if m.BaseURL() != groq.DefaultBaseURL {
		t.Fatalf("base URL %q, want the default %q", m.BaseURL(), groq.DefaultBaseURL)
	}
	resp, err := m.Request(context.Background(), ask(), nil, nil)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	if got := resp.Text(); got != "Paris, from the fake." {
		t.Errorf("text = %q, want the fake's answer", got)
	}
	reqs := g.Requests()
	if len(reqs) != 1 {
		t.Fatalf("the fake saw %d chat requests, want 1", len(reqs))
	}
	if reqs[0].Path != "/openai/v1/chat/completions" || reqs[0].Method != http.MethodPost {
		t.Errorf("the fake saw %s %s, want POST %s", reqs[0].Method, reqs[0].Path, "/openai/v1/chat/completions")
	}
	if got := reqs[0].LastUserText(); got != "What is the capital of France?" {
		t.Errorf("the fake saw prompt %q", got)
	}
}

func TestTransportKeepsPathAndQuery(t *testing.T) {
	tests := []struct {
		name     string
		url      string
		wantPath string
		wantQ    string
		status   int
	}{
		{"https Groq", "https://api.groq.com/openai/v1/models?limit=2", fakes.ModelsPath, "limit=2", 200},
		{"other host and port", "http://example.invalid:9999/openai/v1/models/llama-3.3-70b-versatile", fakes.ModelsPath + "/llama-3.3-70b-versatile", "", 200},
		{"unknown path", "https://api.groq.com/v2/nothing?x=1", "/v2/nothing", "x=1", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := fakes.NewGroq(t)
			client := &http.Client{Transport: g.Transport()}
			req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("GET %s: %v", tt.url, err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if resp.Request.URL.String() != tt.url {
				t.Errorf("response's request URL %q, want the caller's %q", resp.Request.URL, tt.url)
			}
			if req.URL.String() != tt.url {
				t.Errorf("the caller's request was changed to %q", req.URL)
			}
			all := g.AllRequests()
			if len(all) != 1 || all[0].Path != tt.wantPath || all[0].Query != tt.wantQ {
				t.Fatalf("the fake saw %v, want one request for %s?%s", all, tt.wantPath, tt.wantQ)
			}
		})
	}
}

func TestTransportAfterClose(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Close()
	m, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithTransport(g.Transport()), groq.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("hi"))}, nil, nil)
	if err == nil {
		t.Fatal("a closed server answered")
	}
}
