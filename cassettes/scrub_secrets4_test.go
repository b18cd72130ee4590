package cassettes

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// TestSaveRemovesKeysByName: keys no shape knows and nobody configured,
// carried where only a name says they are credentials (a ";key=" path
// parameter, a percent-encoded query separator, headers given as
// name/value lists, JSON in tool-call arguments, an OAuth token answer,
// a URL quoted in an error), never reach the saved file, and the saved
// cassette lints clean and loads back.
func TestSaveRemovesKeysByName(t *testing.T) {
	k := secretstest.Random(51, 30)
	arguments, _ := json.Marshal(`{"user":"ann","password":"` + k + `"}`)
	i := jsonInteraction(
		"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash;key="+k+":generateContent?alt=sse%26api_key%3D"+k,
		`{"model":"m","headers":[{"name":"Authorization","value":"Bearer `+k+`"}],"extra_headers":[["x-api-key","`+k+`"]],`+
			`"messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"login","arguments":`+string(arguments)+`}}]}]}`,
		`{"access_token":"`+k+`","token_type":"bearer","error":{"message":"GET https://h/v1?alt=sse&key=`+k+` failed"}}`)
	i.Response.Headers.Set("Link", `<https://h/v1/items?page=2&token=`+k+`>; rel="next"`)
	path := filepath.Join(t.TempDir(), "c.yaml")
	c := New(path)
	c.Interactions = []*Interaction{i}
	if err := c.Save(WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), k) {
		t.Fatalf("the saved cassette holds the key:\n%s", data)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if fs := Lint(back); len(fs) != 0 {
		t.Errorf("lint of the saved cassette: %v", fs)
	}
	var req map[string]any
	if err := json.Unmarshal([]byte(back.Interactions[0].Request.Body), &req); err != nil {
		t.Errorf("the saved request body is not JSON: %v", err)
	}
}
