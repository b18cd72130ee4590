package cassettes

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"strings"
	"testing"
)

// deepJSON returns an array nested depth levels deep: 2*depth bytes.
func deepJSON(depth int) string {
	return strings.Repeat("[", depth) + strings.Repeat("]", depth)
}

// A JSON body nested thousands of levels deep is kept as it was sent: its
// indented form would grow with the square of its size (a 20 KB body
// wrote a 400 MB file in 50 s).
func TestMarshalDeepJSONBodyStaysSmall(t *testing.T) {
	body := deepJSON(3000)
	i := jsonInteraction(chatURL, body, body)
	c := &Cassette{Version: Version, Interactions: []*Interaction{i}}
	data, err := Marshal(c)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	if max := 4*len(body) + 64<<10; len(data) > max {
		t.Fatalf("a %d-byte body nested 3000 deep marshalled to %d bytes (want at most %d)", len(body), len(data), max)
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got := back.Interactions[0]; got.Request.Body != body || got.Response.Body != body {
		t.Fatal("the deep body did not come back as sent")
	}
	// A body of ordinary depth is still indented.
	i = jsonInteraction(chatURL, `{"a":[1,2]}`, `{"b":{"c":[true]}}`)
	data, err = Marshal(&Cassette{Version: Version, Interactions: []*Interaction{i}})
	if err != nil || !bytes.Contains(data, []byte("\n            \"c\": [\n")) {
		t.Fatalf("an ordinary body is no longer indented (err %v):\n%s", err, data)
	}
}

// indentedSize is an upper bound of json.Indent's output, and close to
// it, whatever the text.
func TestIndentedSizeBoundsIndent(t *testing.T) {
	for _, s := range []string{
		`1`, `"x"`, `[]`, `{}`, `[[]]`, `{"a":{}}`, `[1,2,3]`, `{"a":[1,{"b":"c\"]"}],"d":null}`,
		" [ 1 , \"a\\\\\" , { \"k\" : [ ] } ] ", deepJSON(300), `["\u005d,,,"]`,
	} {
		var buf bytes.Buffer
		if err := json.Indent(&buf, []byte(strings.TrimSpace(s)), "", "  "); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		got, want := indentedSize(s), int64(buf.Len()+1)
		if got < want || got > 2*want+8 {
			t.Errorf("indentedSize(%.40q) = %d, json.Indent gives %d bytes", s, got, want)
		}
	}
}

// hostileYAML are cassettes that YAML reads but that are not whole, plain
// cassettes; each must be refused with a *LoadError, and the text given
// must be in its message.
var hostileYAML = []struct{ name, file, want string }{
	{"second document", okYAML + "---\nversion: 2\ninteractions:\n- request: {method: GET, url: 'http://y/'}\n  response: {code: 201, body: yo}\n", "more than one YAML document"},
	{"junk after document end", okYAML + "...\n: : [\n", "more than one YAML document"},
	{"empty second document", okYAML + "---\n", "more than one YAML document"},
	{"comments only", "# nothing\n", "no YAML document"},
	{"python object tag", strings.Replace(okYAML, "body: hi", "body: !!python/object:os.system hi", 1), `tag "!!python/object:os.system"`},
	{"tag on a mapping", strings.Replace(okYAML, "request: {", "request: !!python/object:x {", 1), "is not allowed"},
	{"local tag", strings.Replace(okYAML, "body: hi", "body: !secret hi", 1), `tag "!secret"`},
	{"timestamp tag", strings.Replace(okYAML, "body: hi", "body: !!timestamp 2001-12-14", 1), "!!timestamp"},
	{"misspelt body", strings.Replace(okYAML, "body: ''", "bodyy: ''", 1), "request.bodyy: is not a cassette field"},
	{"misspelt response", strings.Replace(okYAML, "  response:", "  reponse:", 1), "interaction 0: reponse: is not a cassette field"},
	{"unknown top-level key", "extra: 1\n" + okYAML, "extra: is not a cassette field"},
	{"unknown key merged in", "version: 2\ninteractions:\n- request: &r {method: GET, url: 'http://x/', bodyy: x}\n  response: {code: 200, body: hi}\n- request: {<<: *r}\n  response: {code: 200, body: hi}\n", "bodyy"},
	{"NUL in method", strings.Replace(okYAML, "method: GET", `method: "G\0T"`, 1), "not an HTTP method"},
	{"slash in method", strings.Replace(okYAML, "method: GET", `method: "GET/1"`, 1), "not an HTTP method"},
	{"control character in url", strings.Replace(okYAML, "url: 'http://x/'", `url: "http://x/\x01"`, 1), "not a URL"},
	{"negative duration", strings.Replace(okYAML, "body: hi", "body: hi, duration: -5s", 1), "response.duration: -5s is negative"},
}

const okYAML = "version: 2\ninteractions:\n- request: {method: GET, url: 'http://x/', body: ''}\n  response: {code: 200, body: hi}\n"

func TestParseRefusesHostileYAML(t *testing.T) {
	if _, err := Parse([]byte(okYAML)); err != nil {
		t.Fatalf("the base file does not load: %v", err)
	}
	for _, tc := range hostileYAML {
		c, err := Parse([]byte(tc.file))
		var le *LoadError
		if !errors.As(err, &le) {
			t.Errorf("%s: Parse = %v, %v; want a *LoadError", tc.name, c, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not say %q", tc.name, err, tc.want)
		}
	}
	var fe *FormatError
	if _, err := Parse([]byte(hostileYAML[4].file)); !errors.As(err, &fe) || !strings.HasPrefix(fe.Problem, "line 4: YAML tag") {
		t.Errorf("a python tag gives %v, want a *FormatError at line 4", err)
	}
}

// What YAML may spell differently still loads as the same cassette.
func TestParseAcceptsPlainYAMLVariants(t *testing.T) {
	for name, file := range map[string]string{
		"byte-order mark":        "\ufeff" + okYAML,
		"CRLF line ends":         strings.ReplaceAll(okYAML, "\n", "\r\n"),
		"leading document start": "---\n" + okYAML,
		"document end marker":    okYAML + "...\n",
		"JSON":                   `{"version": 2, "interactions": [{"request": {"method": "GET", "url": "http://x/", "body": ""}, "response": {"code": 200, "body": "hi"}}]}`,
		"standard tags":          strings.Replace(okYAML, "body: hi", "body: !!binary aGk=, code: !!int 200", 1),
		"merge key":              "version: 2\ninteractions:\n- request: &r {method: GET, url: 'http://x/', body: ''}\n  response: {code: 200, body: hi}\n- request: {<<: *r}\n  response: {code: 200, body: hi}\n",
	} {
		name, file := name, file
		if name == "standard tags" {
			file = strings.Replace(file, "{code: 200, ", "{", 1)
		}
		c, err := Parse([]byte(file))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		i := c.Interactions[len(c.Interactions)-1]
		if i.Request.Method != "GET" || i.Request.URL != "http://x/" || i.Response.Code != 200 || i.Response.Body != "hi" {
			t.Errorf("%s: loaded %+v", name, i)
		}
	}
}

const okVCRPy = "interactions:\n- request:\n    body: null\n    headers: {}\n    method: POST\n    parsed_body: {a: [1, 2.5, null, true], b: x}\n    uri: https://api.groq.com/x\n  response:\n    status: {code: 200, message: OK}\n    headers: {}\n    body: {string: hi}\nversion: 1\n"

func TestImportRefusesHostileYAML(t *testing.T) {
	c, err := ImportVCRPy([]byte(okVCRPy))
	if err != nil || httpbody.CompactJSON(c.Interactions[0].Request.Body) != `{"a":[1,2.5,null,true],"b":"x"}` {
		t.Fatalf("the base file: %v, %v", c, err)
	}
	for name, tc := range map[string]struct{ file, want string }{
		"second document":            {okVCRPy + "---\n" + okVCRPy, "more than one YAML document"},
		"python tag":                 {strings.Replace(okVCRPy, "body: {string: hi}", "body: !!python/object/apply:os.system [ls]", 1), "!!python/object/apply:os.system"},
		"duplicate parsed_body key":  {strings.Replace(okVCRPy, "b: x}", "a: x}", 1), `key "a" given twice`},
		"mapping as parsed_body key": {strings.Replace(okVCRPy, "b: x}", "{c: 1}: x}", 1), "not text"},
	} {
		_, err := ImportVCRPy([]byte(tc.file))
		var ie *ImportError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ImportVCRPy error %v, want an *ImportError saying %q", name, err, tc.want)
		}
	}
}
