package secrets_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
	"github.com/llmvcr/llmvcr/internal/secrets/secretstest"
)

// adversaryKeys returns fake keys of every shape a reviewer tries, built
// at run time: the provider shapes secretstest knows, and shapes no
// provider prefix marks (hex, base64, Mistral's 32 letters and digits,
// an AWS secret access key, a short bearer token), which only a name or
// a configured value can find.
func adversaryKeys() []secretstest.Key {
	keys := secretstest.Keys()
	hex := func(seed uint64, n int) string {
		s := strings.ToLower(fmt.Sprintf("%x", secretstest.Random(seed, n)))
		return s[:n]
	}
	b64 := base64.StdEncoding.EncodeToString([]byte(secretstest.Random(30, 30) + "\xfb\xff\xfe"))
	return append(keys,
		secretstest.Key{Name: "hex-32", Value: hex(31, 32)},
		secretstest.Key{Name: "hex-64", Value: hex(32, 64)},
		secretstest.Key{Name: "base64", Value: b64},
		secretstest.Key{Name: "mistral", Value: secretstest.Random(33, 32)},
		secretstest.Key{Name: "aws-secret", Value: "wJalrFAKE/" + secretstest.Random(34, 26) + "+EXAMPLEKEY"},
		secretstest.Key{Name: "short-bearer", Value: "tk" + secretstest.Random(35, 18)},
	)
}

// A place is somewhere a request or a response can carry a key, and the
// engine entry point that saving applies there.
type place struct {
	name  string
	named bool // a name says it is a credential: found unconfigured, whatever the key's shape
	scrub func(e *secrets.Engine, k string) string
}

func jsonH() http.Header { return http.Header{"Content-Type": {"application/json"}} }

func quoteJSON(s string) string { b, _ := json.Marshal(s); return string(b) }

func adversaryPlaces() []place {
	header := func(name, value string) func(*secrets.Engine, string) string {
		return func(e *secrets.Engine, k string) string {
			return e.ScrubHeader(name, strings.ReplaceAll(value, "{K}", k))
		}
	}
	u := func(raw string) func(*secrets.Engine, string) string {
		return func(e *secrets.Engine, k string) string { return e.ScrubURL(strings.ReplaceAll(raw, "{K}", k)) }
	}
	uq := func(raw string) func(*secrets.Engine, string) string {
		return func(e *secrets.Engine, k string) string {
			return e.ScrubURL(strings.ReplaceAll(raw, "{K}", url.QueryEscape(k)))
		}
	}
	req := func(h http.Header, body func(k string) string) func(*secrets.Engine, string) string {
		return func(e *secrets.Engine, k string) string { return e.ScrubRequestBody(h, body(k)) }
	}
	resp := func(h http.Header, body func(k string) string) func(*secrets.Engine, string) string {
		return func(e *secrets.Engine, k string) string { return e.ScrubBody(h, body(k)) }
	}
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	sse := http.Header{"Content-Type": {"text/event-stream"}}
	multipart := http.Header{"Content-Type": {"multipart/form-data; boundary=XyZb0undary"}}
	return []place{
		{"Authorization Bearer", true, header("Authorization", "Bearer {K}")},
		{"Authorization Basic", true, func(e *secrets.Engine, k string) string {
			return e.ScrubHeader("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("user:"+k)))
		}},
		{"Proxy-Authorization", true, header("Proxy-Authorization", "Bearer {K}")},
		{"x-api-key", true, header("x-api-key", "{K}")},
		{"api-key", true, header("api-key", "{K}")},
		{"x-goog-api-key", true, header("x-goog-api-key", "{K}")},
		{"Cookie", true, header("Cookie", "theme=dark; session={K}")},
		{"Set-Cookie", true, header("Set-Cookie", "session={K}; Path=/; HttpOnly; Secure")},
		{"X-Custom-Token", true, header("X-Custom-Token", "{K}")},
		{"Location query", true, header("Location", "https://app.example/cb?access_token={K}&state=s")},
		{"Location fragment", true, header("Location", "https://app.example/cb#access_token={K}&token_type=bearer")},
		{"Link", true, header("Link", `<https://api.example/v1/items?page=2&token={K}>; rel="next"`)},
		{"Ocp-Apim-Subscription-Key", true, header("Ocp-Apim-Subscription-Key", "{K}")},
		{"X-RapidAPI-Key", true, header("X-RapidAPI-Key", "{K}")},
		{"X-Auth-Key", true, header("X-Auth-Key", "{K}")},
		{"Apikey", true, header("Apikey", "{K}")},
		{"Access-Token", true, header("Access-Token", "{K}")},
		{"header without a name", false, header("X-Debug", "sent with {K}")},
		{"URL in another header", true, header("X-Upstream-Url", "https://h/v1?alt=sse&key={K}")},

		{"URL key", true, u("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?key={K}")},
		{"URL key escaped", true, uq("https://h/v1/x:generate?alt=sse&key={K}")},
		{"URL path parameter", true, u("https://h/v1/models/x;key={K}:generate")},
		{"URL encoded separator", true, uq("https://h/v1/models/x:generate?key%3D{K}")},
		{"URL encoded name", true, uq("https://h/p?%6Bey={K}")},
		{"URL Api_Key", true, uq("https://h/p?Api_Key={K}&x=1")},
		{"URL repeated", true, uq("https://h/p?token=a&token={K}")},
		{"URL user info", true, uq("https://user:{K}@h/p")},
		{"URL fragment", true, uq("https://app.example/cb#access_token={K}&expires_in=3600")},
		{"URL nested", true, func(e *secrets.Engine, k string) string {
			return e.ScrubURL("https://h/login?next=" + url.QueryEscape("https://x/cb?api_key="+k))
		}},
		{"URL session id", true, uq("https://h/app;jsessionid={K}?x=1")},
		{"URL function key", true, uq("https://fn.azurewebsites.net/api/chat?code={K}")},
		{"Location OAuth code", true, header("Location", "https://app.example/cb?code={K}&state=xyz")},
		{"URL request URI", true, uq("/v1/models?api-key={K}")},
		{"URL unnamed", false, uq("https://h/p?q={K}")},

		{"JSON member", true, req(jsonH(), func(k string) string { return `{"model":"m","api_key":"` + k + `"}` })},
		{"JSON member suffixes", true, req(jsonH(), func(k string) string {
			return `{"apiToken":"` + k + `","webhook_secret":"` + k + `","groq_api_key":"` + k + `","session_token":"` + k + `","aws_secret_access_key":"` + k + `"}`
		})},
		{"JSON headers object", true, req(jsonH(), func(k string) string {
			return `{"tools":[{"type":"mcp","headers":{"X-Goog-Api-Key":"` + k + `"}}]}`
		})},
		{"JSON headers pairs", true, req(jsonH(), func(k string) string {
			return `{"headers":[{"name":"Authorization","value":"Bearer ` + k + `"}]}`
		})},
		{"JSON headers arrays", true, req(jsonH(), func(k string) string { return `{"headers":[["x-api-key","` + k + `"]]}` })},
		{"JSON tool arguments", true, req(jsonH(), func(k string) string {
			return `{"messages":[{"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":` + quoteJSON(`{"password":"`+k+`"}`) + `}}]}]}`
		})},
		{"JSON body in a string", true, req(jsonH(), func(k string) string {
			return `{"body":` + quoteJSON(`{"client_secret":"`+k+`"}`) + `}`
		})},
		{"JSON without a type", true, req(http.Header{}, func(k string) string { return `{"authorization":"Bearer ` + k + `"}` })},
		{"JSON message content", false, req(jsonH(), func(k string) string {
			return `{"messages":[{"role":"user","content":"my key is ` + k + `"}]}`
		})},
		{"JSON escaped content", false, req(jsonH(), func(k string) string {
			return `{"messages":[{"role":"user","content":` + quoteJSON("key:\n"+k) + `}]}`
		})},

		{"form", true, req(form, func(k string) string { return "grant_type=client_credentials&client_secret=" + url.QueryEscape(k) })},
		{"form without a type", true, req(http.Header{}, func(k string) string { return "username=ann&password=" + url.QueryEscape(k) })},
		{"form hidden separator", true, req(form, func(k string) string { return "a=1%26password%3D" + url.QueryEscape(url.QueryEscape(k)) })},
		{"multipart", true, req(multipart, func(k string) string {
			return "--XyZb0undary\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper\r\n" +
				"--XyZb0undary\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\n" + k + "\r\n--XyZb0undary--\r\n"
		})},

		{"response token", true, resp(jsonH(), func(k string) string {
			return `{"access_token":"` + k + `","token_type":"bearer","expires_in":3600}`
		})},
		{"response error message", true, resp(jsonH(), func(k string) string {
			return `{"error":{"message":"Invalid API key provided: ` + k + `","type":"invalid_request_error"}}`
		})},
		{"response error with a bearer", true, resp(jsonH(), func(k string) string {
			return `{"error":"request had header Authorization: Bearer ` + k + `"}`
		})},
		{"response URL in text", true, resp(jsonH(), func(k string) string {
			return `{"detail":"GET https://h/v1/x?alt=sse&key=` + k + ` failed"}`
		})},
		{"response escaped URL", true, resp(jsonH(), func(k string) string {
			return `{"next":"https:\/\/h\/v1\/items?page=2&access_token=` + k + `","n":1}`
		})},
		{"response basic credentials", true, resp(http.Header{"Content-Type": {"text/plain"}}, func(k string) string {
			return "upstream said 401 to Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("svc:"+k)) + "\n"
		})},
		{"response curl command", true, resp(jsonH(), func(k string) string {
			return `{"content":"curl -H 'x-api-key: ` + k + `' https://h/v1"}`
		})},
		{"response text", false, resp(http.Header{"Content-Type": {"text/plain"}}, func(k string) string { return "echo: " + k })},
		{"stream split", false, resp(sse, func(k string) string {
			var b strings.Builder
			for _, p := range secretstest.Pieces("Your key is "+k+", keep it.", 3) {
				fmt.Fprintf(&b, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":%s}}]}\n\n", quoteJSON(p))
			}
			return b.String() + "data: [DONE]\n\n"
		})},
		{"stream event", true, resp(sse, func(k string) string {
			return "event: session\ndata: {\"access_token\":\"" + k + "\"}\n\ndata: [DONE]\n\n"
		})},
	}
}

// TestAdversaryKeysEverywhere hides keys of every shape in every place a
// request or a response carries one, and checks that the entry point
// saving applies there removes it: a place whose name says it holds a
// credential, for every key, with nothing configured; every place when
// the key is configured; and every place for the keys a shape finds.
// "Removed" is judged by an engine that knows the key: no form of it
// (percent-encoded, JSON-escaped, base64) is left.
func TestAdversaryKeysEverywhere(t *testing.T) {
	plain := secrets.New(secrets.Config{})
	for _, k := range adversaryKeys() {
		oracle := secrets.New(secrets.Config{Values: []secrets.Value{{Text: k.Value}}})
		configured := oracle
		_, shaped := secrets.HasShape(k.Value)
		for _, p := range adversaryPlaces() {
			engines := map[string]*secrets.Engine{"configured": configured}
			if p.named || shaped {
				engines["unconfigured"] = plain
			}
			for which, e := range engines {
				got := p.scrub(e, k.Value)
				if _, found := oracle.Find(got); found || strings.Contains(got, k.Value) {
					t.Errorf("%s key, %s, %s engine: left in %q", k.Name, p.name, which, got)
				}
			}
		}
	}
}

// TestConfiguredValueEncodedAgain: a configured value percent-encoded
// twice (a URL in another URL's query) is scrubbed from text, and one
// encoded more times still is found (so saving refuses it rather than
// writing it).
func TestConfiguredValueEncodedAgain(t *testing.T) {
	k := "wJalrFAKE/" + secretstest.Random(40, 26) + "+EXAMPLE=KEY" // needs escaping
	e := secrets.New(secrets.Config{Values: []secrets.Value{{Text: k}}})
	twice := url.QueryEscape(url.QueryEscape(k))
	for _, in := range []string{"next=" + twice, "/x/" + url.PathEscape(url.PathEscape(k)) + "/y", strings.ToLower(twice)} {
		got := e.ScrubText(in)
		if _, found := e.Find(got); found {
			t.Errorf("ScrubText(%q) = %q: the value is still there", in, got)
		}
	}
	more := k
	for n := 0; n < 4; n++ {
		more = url.QueryEscape(more)
	}
	if _, found := e.Find("next=" + more); !found {
		t.Error("Find misses the value percent-encoded four times")
	}
}
