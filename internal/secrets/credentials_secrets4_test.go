package secrets_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// TestCredentialsInNestedJSON: JSON held in a JSON string (a body relayed
// as a string, tool-call arguments, and JSON in those, a few levels deep)
// is scanned by the same credential rules; the credential is redacted in
// place, the outer string stays one valid JSON string whose text is
// still valid JSON, and every other byte outside it is kept. Past the
// depth bound, and for strings that are not JSON, nothing changes.
func TestCredentialsInNestedJSON(t *testing.T) {
	e := secrets.New(secrets.Config{})
	k := secretstest.Random(21, 28) // no shape: found by its name only
	str := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	inner := `{"api_key":"` + k + `","model":"m"}`
	tests := []struct{ name, in string }{
		{"body in a string", `{"body":` + str(inner) + `,"n":1}`},
		{"tool call arguments", `{"messages":[{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"login","arguments":` + str(`{"user":"ann","password":"`+k+`"}`) + `}}]}]}`},
		{"tool result content", `{"messages":[{"role":"tool","tool_call_id":"c1","content":` + str(`{"access_token":"`+k+`","expires_in":3600}`) + `}]}`},
		{"array in a string", `{"a":` + str(`[{"authorization":"Bearer `+k+`"}]`) + `}`},
		{"headers object in a string", `{"headers":` + str(`{"X-Goog-Api-Key":"`+k+`"}`) + `}`},
		{"three levels", `{"a":` + str(`{"b":`+str(`{"c":`+str(`{"client_secret":"`+k+`"}`)+`}`)+`}`) + `}`},
		{"escaped outer text", `{"body":"{\"api\u005fkey\":\"` + k + `\",\"x\":\"\u00e9\\n\"}"}`},
		{"spaces around", `{"body":` + str("  \n"+inner+"\n ") + `}`},
		{"top-level array of strings", `[` + str(inner) + `]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !json.Valid([]byte(tt.in)) {
				t.Fatalf("bad test input %s", tt.in)
			}
			got := e.ScrubCredentialValues(tt.in)
			if strings.Contains(got, k) {
				t.Fatalf("the key survived: %s", got)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("not valid JSON after scrubbing: %s", got)
			}
			if !strings.Contains(got, secrets.Redacted) {
				t.Errorf("nothing redacted: %s", got)
			}
			if left := e.CredentialKeysLeft(got); len(left) != 0 {
				t.Errorf("CredentialKeysLeft after scrubbing: %q", left)
			}
			if len(e.CredentialKeysLeft(tt.in)) == 0 {
				t.Errorf("CredentialKeysLeft found nothing in %s", tt.in)
			}
			var values []string
			e.EachCredential(http.Header{"Content-Type": {"application/json"}}, tt.in, func(_, v string) { values = append(values, v) })
			if !containsValue(values, k) {
				t.Errorf("EachCredential gave %q, not the key", values)
			}
			if again := e.ScrubCredentialValues(got); again != got {
				t.Errorf("not idempotent: %s, then %s", got, again)
			}
		})
	}
	// The text around a rewritten string is kept byte for byte, and the
	// rewritten string still decodes to JSON with the other members.
	in := `{ "x" : 1,  "body" : ` + str(inner) + ` ,"y":"\u00e9"}`
	got := e.ScrubCredentialValues(in)
	if !strings.HasPrefix(got, `{ "x" : 1,  "body" : `) || !strings.HasSuffix(got, ` ,"y":"\u00e9"}`) {
		t.Errorf("the bytes around the string changed: %s", got)
	}
	var outer struct{ Body string }
	if err := json.Unmarshal([]byte(got), &outer); err != nil || outer.Body != `{"api_key":"REDACTED","model":"m"}` {
		t.Errorf("body = %q (%v)", outer.Body, err)
	}
	// Unchanged: strings that are not JSON, JSON without credentials,
	// and JSON nested deeper than the bound.
	deep := `{"password":"` + k + `"}`
	for n := 0; n < 6; n++ {
		deep = `{"a":` + str(deep) + `}`
	}
	for _, in := range []string{
		`{"content":"{not json, password: x}","b":"[1,2"}`,
		`{"arguments":` + str(`{"city":"Paris","token":"Hello"}`) + `}`,
		deep,
	} {
		if got := e.ScrubCredentialValues(in); got != in {
			t.Errorf("changed %s to %s", in, got)
		}
	}
}

func containsValue(vs []string, want string) bool {
	for _, v := range vs {
		if strings.Contains(v, want) {
			return true
		}
	}
	return false
}

// TestHeadersAsPairs: headers (and cookies, and URL or form parameters)
// given as lists of name/value pairs, in the shapes HAR, Postman, Python
// and Go clients write them, are judged by the header's (cookie's,
// parameter's) name as a headers object's members are; the values of
// other headers are kept.
func TestHeadersAsPairs(t *testing.T) {
	e := secrets.New(secrets.Config{})
	k := secretstest.Random(22, 28)
	tests := []struct{ name, in string }{
		{"HAR name/value", `{"request":{"headers":[{"name":"Accept","value":"*/*"},{"name":"Authorization","value":"Bearer ` + k + `"}]}}`},
		{"value before name", `{"headers":[{"value":"` + k + `","name":"x-api-key"}]}`},
		{"Postman key/value", `{"request":{"header":[{"key":"x-api-key","value":"` + k + `","type":"text"}]}}`},
		{"name in any case", `{"Headers":[{"Name":"X-GOOG-API-KEY","Value":"` + k + `"}]}`},
		{"pairs", `{"headers":[["Accept","*/*"],["Authorization","Bearer ` + k + `"]]}`},
		{"list of header objects", `{"headers":[{"Cookie":"session=` + k + `"}]}`},
		{"header values as lists", `{"headers":{"Authorization":["Bearer ` + k + `"]}}`},
		{"header lines", `{"extra_headers":["Accept: */*","Authorization: Bearer ` + k + `"]}`},
		{"header block", `{"headers":"Accept: */*\r\nX-Api-Key: ` + k + `\r\n"}`},
		{"httpHeaders", `{"httpHeaders":[{"name":"Private-Token","value":"` + k + `"}]}`},
		{"HAR cookies", `{"cookies":[{"name":"session","value":"` + k + `"}]}`},
		{"HAR query string", `{"queryString":[{"name":"key","value":"` + k + `"},{"name":"alt","value":"sse"}]}`},
		{"Postman query", `{"url":{"query":[{"key":"api_key","value":"` + k + `"}]}}`},
		{"Postman form", `{"body":{"urlencoded":[{"key":"client_secret","value":"` + k + `"}]}}`},
		{"value with a URL", `{"headers":[{"name":"Authorization","value":"` + k + ` https://h/?a=b&token=x"}]}`},
		{"wrapped value", `{"api_key":{"value":"` + k + `","type":"secret_string"}}`},
		{"wrapped token", `{"auth":{"authorization":{"token":"` + k + `"}}}`},
		{"Postman bearer", `{"auth":{"type":"bearer","bearer":[{"key":"token","value":"` + k + `","type":"string"}]}}`},
		{"Postman apikey", `{"auth":{"type":"apikey","apikey":[{"key":"key","value":"x-api-key"},{"key":"value","value":"` + k + `"}]}}`},
		{"Postman basic", `{"auth":{"type":"basic","basic":[{"key":"username","value":"ann"},{"key":"password","value":"` + k + `"}]}}`},
		{"in a string", `{"config":"{\"headers\":[{\"name\":\"Authorization\",\"value\":\"Bearer ` + k + `\"}]}"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.ScrubRequestBody(http.Header{"Content-Type": {"application/json"}}, tt.in)
			if strings.Contains(got, k) {
				t.Fatalf("the key survived: %s", got)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("invalid JSON: %s", got)
			}
			if left := e.CredentialKeysLeft(got); len(left) != 0 {
				t.Errorf("CredentialKeysLeft after scrubbing: %q", left)
			}
			if len(e.CredentialKeysLeft(tt.in)) == 0 {
				t.Errorf("CredentialKeysLeft found nothing in %s", tt.in)
			}
			for _, keep := range []string{`"*/*"`, `"sse"`, `"text"`} {
				if strings.Contains(tt.in, keep) && !strings.Contains(got, keep) {
					t.Errorf("lost %s: %s", keep, got)
				}
			}
		})
	}
	// A pair's value that also holds a URL is redacted whole, not only
	// its URL's token.
	in := `{"headers":[{"name":"Authorization","value":"` + k + ` https://h/?a=b&token=x"}]}`
	if got := e.ScrubCredentialValues(in); got != `{"headers":[{"name":"Authorization","value":"REDACTED"}]}` {
		t.Errorf("ScrubCredentialValues(%s) = %s", in, got)
	}
	// Pairs of other headers, and name/value objects outside such lists,
	// are kept.
	for _, in := range []string{
		`{"headers":[{"name":"Accept","value":"` + k + `"},["Content-Type","` + k + `"]]}`,
		`{"name":"authorization","value":"` + k + `"}`,
		`{"items":[{"name":"password","value":"` + k + `"}]}`,
		`{"headers":["Accept: ` + k + `"],"messages":[{"content":"Authorization: Bearer is a scheme"}]}`,
	} {
		if got := e.ScrubCredentialValues(in); got != in {
			t.Errorf("changed %s to %s", in, got)
		}
	}
}

// TestEachCredentialMultipart: a multipart body's secret fields, and the
// credentials of its JSON fields, are what EachCredential gives.
func TestEachCredentialMultipart(t *testing.T) {
	e := secrets.New(secrets.Config{})
	k := secretstest.Random(72, 30)
	h := http.Header{"Content-Type": {`multipart/form-data; boundary="b-1"`}}
	body := "--b-1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n" +
		"--b-1\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\n" + k + "\r\n" +
		"--b-1\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"api_key\":\"" + k + "x\"}\r\n--b-1--\r\n"
	got := map[string]string{}
	e.EachCredential(h, body, func(n, v string) { got[n] = v })
	if got["client_secret"] != k || got["api_key"] != k+"x" || len(got) != 2 {
		t.Errorf("EachCredential = %q", got)
	}
	out := e.ScrubRequestBody(h, body)
	if strings.Contains(out, k) || !strings.Contains(out, "RIFF") || !strings.Contains(out, `name="client_secret"`+"\r\n\r\nREDACTED\r\n--b-1") {
		t.Errorf("ScrubRequestBody = %q", out)
	}
}
