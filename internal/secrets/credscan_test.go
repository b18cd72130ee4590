package secrets

import (
	"encoding/json"
	"io"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// FuzzCredentialScan holds the byte scanner of credential values to a
// plain reading of the same rules over encoding/json's tokens: on valid
// JSON (one value or several) both find the same credentials (names and
// decoded values, nested JSON included); the scrubbed body is still
// valid JSON and holds no credential left.
func FuzzCredentialScan(f *testing.F) {
	for _, s := range []string{
		`{"authorization":"x","a":[1,{"password":"y"}],"headers":{"Cookie":"c","Content-Type":"t"}}`,
		`[{"headers":{"Private-Token":"p\u0041","X":{"Cookie":"n"}}},{"head\u0065rs":{"X-Goog-Api-Key":"g"}}]`,
		`{"api_key":"","password":"REDACTED","secret_key":"REDACT\u0045D","x":{"authorization":null}}`,
		`{"headers":["a",{"Cookie":"c"}],"k":true,"n":-1.5e3,"s":"a\"b\\"}`,
		`{"a":{"b":{"c":{"headers":{"x-access-token":"t","proxy-authorization":"Bearer z"}}}}}`,
		` [ {"Authorization" : "Bearer q" } , { } , [ ] ] `,
		`{"headers":[{"name":"Authorization","value":"Bearer x"},{"value":"v","key":"x-api-key"},{"name":"Accept","value":"*/*"}]}`,
		`{"header":[["Authorization","Bearer x"],["X-Goog-Api-Key"],["a","b","c"]],"cookies":[{"name":"s","value":"c"}]}`,
		`{"headers":{"Authorization":["Bearer a","Bearer b"]},"query":[{"name":"key","value":"k"}],"extra_headers":["Authorization: Bearer x"]}`,
		`{"body":"{\"api_key\":\"s\",\"n\":\"{\\\"password\\\":\\\"p\\\"}\"}","arguments":"[{\"headers\":{\"Cookie\":\"c\"}}]"}`,
		`{"tool_calls":[{"function":{"name":"f","arguments":"{\"token\":\"t\",\"client_secret\":\"s\"}"}}]}`,
		`{"a":1} {"authorization":"x"} ["{\"password\":\"p\"}"]`,
		`{"headers":"Authorization: Bearer x\nAccept: */*","value":"{\"x\":1}","name":"password"}`,
		`{"auth":{"bearer":[{"key":"token","value":"t"}],"apikey":[{"key":"value","value":"v"},"s"],"basic":[["password","p"]]}}`,
		`{"api_key":{"value":"v","type":"t"},"authorization":{"token":"t","x":{"key":"k"}},"password":{"type":"string"}}`,
	} {
		f.Add(s)
	}
	e := New(Config{Headers: []string{"X-Extra"}})
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 1<<14 {
			return
		}
		out := e.ScrubCredentialValues(in) // must not panic
		want, ok := refCredentials(e, in, "", 0)
		if !ok {
			return
		}
		got := e.credentialValues(in).found
		sortCreds(got)
		sortCreds(want)
		if len(got) != 0 || len(want) != 0 {
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: scan found %q, the rules over tokens %q", in, got, want)
			}
		}
		if json.Valid([]byte(in)) && !json.Valid([]byte(out)) {
			t.Fatalf("valid %q became invalid %q", in, out)
		}
		if left := e.CredentialKeysLeft(out); len(left) > 0 {
			t.Fatalf("%q scrubbed to %q, which still has %q", in, out, left)
		}
	})
}

// sortCreds sorts c, its texts with each invalid UTF-8 byte read as
// U+FFFD, as encoding/json reads them (the scanner keeps the bytes).
func sortCreds(c []credential) {
	valid := func(s string) string { return strings.Map(func(r rune) rune { return r }, s) }
	for n := range c {
		c[n].name, c[n].value = valid(c[n].name), valid(c[n].value)
	}
	sort.Slice(c, func(i, j int) bool {
		if c[i].name != c[j].name {
			return c[i].name < c[j].name
		}
		return c[i].value < c[j].value
	})
}

// jnode is a JSON value with its object members in order.
type jnode struct {
	kind  byte     // 'o', 'a', 's', or 'x' for a number, true, false, null
	keys  []string // objects
	elems []*jnode // objects: the member values; arrays: the elements
	str   string   // strings
}

// refCredentials reads the credential rules (see credentialValues) over
// encoding/json's tokens: the reference for the byte scanner.
func refCredentials(e *Engine, body, root string, depth int) ([]credential, bool) {
	t := strings.TrimSpace(body)
	if t == "" || t[0] != '{' && t[0] != '[' {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(body))
	var vals []*jnode
	for {
		v, err := readNode(dec)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false
		}
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		return nil, false
	}
	var out []credential
	r := refWalker{e: e, out: &out, depth: depth}
	for _, v := range vals {
		r.value(v, root, "", "", false)
	}
	return out, true
}

func readNode(dec *json.Decoder) (*jnode, error) {
	return readValue(dec, true)
}

// readValue reads one value; the end of the input is io.EOF only before
// a top-level value starts.
func readValue(dec *json.Decoder, top bool) (*jnode, error) {
	tok, err := dec.Token()
	if err == io.EOF && !top {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		n := &jnode{kind: 'a'}
		if v == '{' {
			n.kind = 'o'
		}
		for dec.More() {
			if n.kind == 'o' {
				k, err := dec.Token()
				if err != nil {
					return nil, io.ErrUnexpectedEOF
				}
				n.keys = append(n.keys, k.(string))
			}
			c, err := readValue(dec, false)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, c)
		}
		if _, err := dec.Token(); err != nil {
			return nil, io.ErrUnexpectedEOF
		}
		return n, nil
	case string:
		return &jnode{kind: 's', str: v}, nil
	default:
		return &jnode{kind: 'x'}, nil
	}
}

type refWalker struct {
	e     *Engine
	out   *[]credential
	depth int
}

func (r refWalker) add(name, value string) { *r.out = append(*r.out, credential{name, value}) }

func (r refWalker) nested(s, key string) {
	if r.depth >= maxNestedJSON || len(s) < 2 || !json.Valid([]byte(s)) {
		return
	}
	if c, ok := refCredentials(r.e, s, key, r.depth+1); ok {
		*r.out = append(*r.out, c...)
	}
}

// value walks v, the value of key name in an object whose own name is
// parent (an element of an array: name is "", pairs the array's kind).
func (r refWalker) value(v *jnode, name, pairs, parent string, wrapped bool) {
	switch v.kind {
	case 'o':
		var pairName string
		var pairValues []string
		for n, k := range v.keys {
			c := v.elems[n]
			switch c.kind {
			case 's':
				s := c.str
				switch {
				case s == "" || s == Redacted:
				case r.e.CredentialMember(name, k), pairs == "headers" && r.e.SecretHeader(k):
					r.add(k, s)
				case headersName(k) && r.e.headerLines(s):
					r.add(k, s)
				case wrapped && wrapperKeys[strings.ToLower(k)]:
					r.add(name, s)
				default:
					if pairs != "" && pairNames[strings.ToLower(k)] && (pairName == "" || !r.e.pairSecret(pairs, pairName)) {
						pairName = s
					}
					if pairs != "" && strings.EqualFold(k, "value") {
						pairValues = append(pairValues, s)
					}
					r.nested(s, k)
				}
			case 'a':
				list := pairContainer(k)
				if list != "auth" && r.e.CredentialMember(name, k) {
					list = "header"
				}
				r.array(c, k, list, "", k)
			case 'o':
				r.value(c, k, "", name, r.e.CredentialMember(name, k))
			}
		}
		if pairs != "" && pairName != "" && r.e.pairSecret(pairs, pairName) {
			for _, v := range pairValues {
				r.add(pairName, v)
			}
		}
	case 'a':
		r.array(v, name, pairContainer(name), pairs, name)
	case 's':
		if v.str != "" && v.str != Redacted {
			r.nested(v.str, name)
		}
	}
}

// array walks an array named name whose pairs are of kind list, itself
// an element of a pair array of kind pairs; key is the member it is the
// value of.
func (r refWalker) array(v *jnode, name, list, pairs, key string) {
	pairName := ""
	for idx, c := range v.elems {
		switch c.kind {
		case 's':
			s := c.str
			switch {
			case s == "" || s == Redacted:
			case list == "header" || list == "auth":
				r.add(key, s)
			case pairs != "" && idx == 1 && pairName != "" && r.e.pairSecret(pairs, pairName):
				r.add(pairName, s)
			case list == "headers" && r.e.headerLines(s):
				r.add(name, s)
			default:
				if pairs != "" && idx == 0 {
					pairName = s
				}
				r.nested(s, name)
			}
		case 'o':
			r.value(c, "", list, name, false)
		case 'a':
			r.array(c, "", "", list, "")
		}
	}
}
