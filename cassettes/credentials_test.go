package cassettes

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCredentialKeysInRequestBodies: Save redacts a credential that a
// JSON request body carries under its name (Groq's
// compound_custom.tools.wolfram_settings.authorization), whatever the
// credential looks like, and Lint reports one left in a cassette; a
// logprobs "token" (ordinary text) is kept.
func TestCredentialKeysInRequestBodies(t *testing.T) {
	secret := "wa-" + strings.Repeat("Kx7", 8) // no known shape: found by its key
	body := `{"model":"compound-beta","messages":[{"role":"user","content":"2+2"}],"logprobs":true,` +
		`"compound_custom":{"tools":{"wolfram_settings":{"authorization":"` + secret + `"}}}}`
	path := filepath.Join(t.TempDir(), "c.yaml")
	c := New(path)
	c.Interactions = []*Interaction{jsonInteraction(chatURL, body, `{"choices":[{"logprobs":{"content":[{"token":"Four","logprob":-0.5}]}}]}`)}
	if err := c.Save(WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), secret) {
		t.Fatalf("the authorization value was saved:\n%s", raw)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(body, secret, Redacted, 1); back.Interactions[0].Request.Body != want {
		t.Errorf("request body\n got %s\nwant %s", back.Interactions[0].Request.Body, want)
	}
	if !strings.Contains(back.Interactions[0].Response.Body, `"token":"Four"`) {
		t.Errorf("logprobs token changed: %s", back.Interactions[0].Response.Body)
	}
	if fs := Lint(back); len(fs) != 0 {
		t.Errorf("lint on the saved cassette: %v", fs)
	}
	back.Interactions[0].Request.Body = body
	fs := Lint(back)
	if len(fs) != 1 || fs[0].Kind != "secret" || !strings.Contains(fs[0].Message, `"authorization"`) || strings.Contains(fs[0].String(), secret) {
		t.Errorf("lint on an unredacted authorization: %v", fs)
	}
}

// TestHeadersObjectInRequestBodies: Save redacts the members of a JSON
// "headers" object (a remote MCP tool's) that are secret as HTTP headers,
// whatever their values look like, keeps the others, and Lint reports
// one left in a cassette.
func TestHeadersObjectInRequestBodies(t *testing.T) {
	secret := "hd-" + strings.Repeat("Vb3", 8) // no known shape: found by its name
	body := `{"model":"m","tools":[{"type":"mcp","server_url":"https://mcp.example","headers":` +
		`{"Private-Token":"` + secret + `","Cookie":"sid=` + secret + `","X-Firecrawl-Token":"` + secret + `","X-Request-Id":"req-7","Content-Type":"application/json"}}]}`
	path := filepath.Join(t.TempDir(), "c.yaml")
	c := New(path)
	c.Interactions = []*Interaction{jsonInteraction(chatURL, body, `{"choices":[]}`)}
	if err := c.Save(WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"model":"m","tools":[{"type":"mcp","server_url":"https://mcp.example","headers":` +
		`{"Private-Token":"REDACTED","Cookie":"REDACTED","X-Firecrawl-Token":"REDACTED","X-Request-Id":"req-7","Content-Type":"application/json"}}]}`
	if got := back.Interactions[0].Request.Body; got != want {
		t.Errorf("request body\n got %s\nwant %s", got, want)
	}
	back.Interactions[0].Request.Body = body
	fs := Lint(back)
	if len(fs) != 3 || !strings.Contains(fs[0].Message, `"Private-Token"`) || strings.Contains(fmt.Sprint(fs), secret) {
		t.Errorf("lint on unredacted headers: %v", fs)
	}
}

// TestFormFieldsInRequestBodies: Save redacts the secret fields of a
// form request body, keeping the others, and Lint reports one left.
func TestFormFieldsInRequestBodies(t *testing.T) {
	secret := "fm-" + strings.Repeat("Pq2", 8) // no known shape: found by its name
	body := "grant_type=password&username=ann&password=" + secret + "&client_secret=" + secret
	path := filepath.Join(t.TempDir(), "c.yaml")
	c := New(path)
	i := jsonInteraction(chatURL, body, `{}`)
	i.Request.Headers.Set("Content-Type", "application/x-www-form-urlencoded")
	c.Interactions = []*Interaction{i}
	if err := c.Save(WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := back.Interactions[0].Request.Body, "grant_type=password&username=ann&password=REDACTED&client_secret=REDACTED"; got != want {
		t.Errorf("request body\n got %s\nwant %s", got, want)
	}
	if fs := Lint(back); len(fs) != 0 {
		t.Errorf("lint on the saved cassette: %v", fs)
	}
	back.Interactions[0].Request.Body = body
	fs := Lint(back)
	if len(fs) != 2 || !strings.Contains(fs[0].Message, `form field "password"`) || strings.Contains(fmt.Sprint(fs), secret) {
		t.Errorf("lint on unredacted form fields: %v", fs)
	}
}
