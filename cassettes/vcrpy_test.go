package cassettes

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestImportVCRPyShapes(t *testing.T) {
	gzBody := base64.StdEncoding.EncodeToString([]byte(gz(t, `{"ok":true}`)))
	head := "interactions:\n- request:\n    method: POST\n    uri: https://api.groq.com/openai/v1/chat/completions\n    headers: {content-type: [application/json]}\n"
	tests := []struct {
		name     string
		yaml     string
		wantReq  string // substring of the converted request body
		wantResp string // the converted response body, exactly
		wantErr  string // substring of the error, when it must fail
	}{
		{"plain string bodies", head + "    body: '{\"q\":1}'\n  response:\n    status: {code: 200, message: OK}\n    headers: {content-type: [text/plain]}\n    body: {string: hello}\nversion: 1\n",
			`"q": 1`, "hello", ""},
		{"binary body", head + "    body: !!binary |\n      eyJxIjoyfQ==\n  response:\n    status: {code: 200, message: OK}\n    headers: {}\n    body: {string: !!binary aGk=}\n",
			`"q": 2`, "hi", ""},
		{"parsed_body", head + "    parsed_body: {messages: [{role: user, content: 'a <b> & c'}]}\n  response:\n    status: {code: 200, message: OK}\n    headers: {content-type: [application/json]}\n    parsed_body: {n: 1.5, big: 12345678901234}\n",
			`"content": "a <b> & c"`, "{\n  \"big\": 12345678901234,\n  \"n\": 1.5\n}\n", ""},
		{"gzip response decoded", head + "    body: null\n  response:\n    status: {code: 200, message: OK}\n    headers: {content-type: [application/json], content-encoding: [gzip]}\n    body: {base64_string: " + gzBody + "}\n",
			"", "{\n  \"ok\": true\n}\n", ""},
		{"wrong version", "interactions: []\nversion: 2\n", "", "", "unsupported vcrpy cassette version 2"},
		{"relative uri", "interactions:\n- request: {method: GET, uri: /x}\n  response: {status: {code: 200}}\n", "", "", "interaction 0: request uri"},
		{"no status", "interactions:\n- request: {method: GET, uri: 'http://x/'}\n  response: {}\n", "", "", "status code 0"},
		{"not yaml", "interactions: [", "", "", "import vcrpy cassette"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ImportVCRPy([]byte(tt.yaml))
			if tt.wantErr != "" {
				var ie *ImportError
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want an *ImportError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			i := c.Interactions[0]
			if !strings.Contains(i.Request.Body, tt.wantReq) {
				t.Errorf("request body %q lacks %q", i.Request.Body, tt.wantReq)
			}
			if i.Response.Body != tt.wantResp {
				t.Errorf("response body %q, want %q", i.Response.Body, tt.wantResp)
			}
			if i.Response.Headers.Get("Content-Encoding") != "" {
				t.Error("Content-Encoding kept on a decoded body")
			}
		})
	}
}

func TestImportVCRPyAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for k := 1; k < 12; k++ {
		b.WriteString("a" + string(rune('0'+k%10)) + string(rune('a'+k)) + ": &a" + string(rune('a'+k)) + " [")
		prev := "a0"
		if k > 1 {
			prev = "a" + string(rune('a'+k-1))
		}
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
	}
	doc := "anchors:\n" + indent(b.String()) + "interactions:\n- request: {method: POST, uri: 'http://x/', parsed_body: *al}\n  response: {status: {code: 200}}\n"
	_, err := ImportVCRPy([]byte(doc))
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("an alias bomb gave %v, want an *ImportError", err)
	}
	t.Log(err)
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n  ") + "\n"
}
