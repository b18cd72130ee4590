package cassettes

import (
	"bytes"
	"encoding/json"
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
