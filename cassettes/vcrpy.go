package cassettes

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/llmvcr/llmvcr/internal/inputfile"
	"github.com/llmvcr/llmvcr/internal/jsonvalue"
)

// ImportError reports a vcrpy cassette that could not be converted.
type ImportError struct {
	Path        string // the source file ("" when imported from bytes)
	Interaction int    // index of the failing interaction, -1 for the file
	Err         error  // what failed
}

// Error names the source, the interaction and what failed.
func (e *ImportError) Error() string {
	p := e.Path
	if p == "" {
		p = "vcrpy cassette"
	}
	if e.Interaction < 0 {
		return fmt.Sprintf("cassettes: import %s: %v", p, e.Err)
	}
	return fmt.Sprintf("cassettes: import %s: interaction %d: %v", p, e.Interaction, e.Err)
}

// Unwrap returns the underlying error.
func (e *ImportError) Unwrap() error { return e.Err }

type vcrFile struct {
	Version      any              `yaml:"version"`
	Interactions []vcrInteraction `yaml:"interactions"`
}

type vcrInteraction struct {
	Request struct {
		Body       any            `yaml:"body"`
		ParsedBody yaml.Node      `yaml:"parsed_body"`
		Headers    map[string]any `yaml:"headers"`
		Method     string         `yaml:"method"`
		URI        string         `yaml:"uri"`
	} `yaml:"request"`
	Response struct {
		Status struct {
			Code    int    `yaml:"code"`
			Message string `yaml:"message"`
		} `yaml:"status"`
		Headers    map[string]any `yaml:"headers"`
		Body       any            `yaml:"body"`
		ParsedBody yaml.Node      `yaml:"parsed_body"`
	} `yaml:"response"`
}

// ImportVCRPyFile reads a vcrpy or pytest-recording YAML cassette and
// converts it (see ImportVCRPy). The result has no Path; set one to Save it.
func ImportVCRPyFile(path string) (*Cassette, error) {
	data, err := inputfile.Read(path)
	if err != nil {
		return nil, &ImportError{Path: path, Interaction: -1, Err: err}
	}
	c, err := ImportVCRPy(data)
	if err != nil {
		if ie, ok := err.(*ImportError); ok {
			ie.Path = path
		}
		return nil, err
	}
	return c, nil
}

// ImportVCRPy converts a vcrpy / pytest-recording YAML cassette (version 1)
// into this package's format. Bodies may be plain strings, {string: ...}
// or {base64_string: ...} maps, or pydantic-ai's structured parsed_body
// (turned back into JSON). Header names are canonicalised and
// Content-Length fixed to the converted bodies. Bodies are then made
// readable and scrubbed as Save would (see readable and Scrubber, with
// the default secrets); a secret that cannot be scrubbed (one a stream
// carries in pieces that cannot be rewritten) is an *ImportError naming
// the interaction and the events. YAML that Load would refuse (a second
// document, tags such as !!python/object, aliases that expand far beyond
// the file) is refused, and so is a parsed_body with a key given twice.
func ImportVCRPy(data []byte) (c *Cassette, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, &ImportError{Interaction: -1, Err: fmt.Errorf("yaml: %v", r)}
		}
	}()
	root, err := readYAML(data)
	if err == errNoDocument {
		err = fmt.Errorf("not a vcrpy cassette: %w", err)
	}
	if err != nil {
		return nil, &ImportError{Interaction: -1, Err: err}
	}
	top := root
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = top.Content[0]
	}
	if ins := mapValue(top, "interactions"); ins == nil || ins.Kind != yaml.SequenceNode {
		return nil, &ImportError{Interaction: -1, Err: fmt.Errorf("not a vcrpy cassette: no top-level interactions list")}
	}
	if v := mapValue(top, "version"); v != nil && v.Kind == yaml.ScalarNode && v.Value == strconv.Itoa(Version) {
		return nil, &ImportError{Interaction: -1, Err: fmt.Errorf("unsupported vcrpy cassette version %d (want 1): this is already an llmvcr/go-vcr cassette (format version %d); load it with cassettes.Load instead of importing it", Version, Version)}
	}
	var f vcrFile
	if err := top.Decode(&f); err != nil {
		return nil, &ImportError{Interaction: -1, Err: err}
	}
	switch v := f.Version.(type) {
	case nil:
	case int:
		if v != 1 {
			return nil, &ImportError{Interaction: -1, Err: fmt.Errorf("unsupported vcrpy cassette version %d (want 1)", v)}
		}
	default:
		return nil, &ImportError{Interaction: -1, Err: fmt.Errorf("unsupported vcrpy cassette version %v", v)}
	}
	c = New("")
	scrub := NewScrubber()
	for n, vi := range f.Interactions {
		i, err := convertVCRPy(&vi)
		if err != nil {
			return nil, &ImportError{Interaction: n, Err: err}
		}
		if err := validate(n, i); err != nil {
			// What Load would refuse once saved is refused now.
			return nil, &ImportError{Interaction: n, Err: err}
		}
		i.ID = n
		// Scrubbed as Save scrubs, with the same engine, so that an
		// imported cassette holds no secret even before it is saved.
		if err := scrub.Scrub(i); err != nil {
			return nil, &ImportError{Interaction: n, Err: err}
		}
		if err := scrub.Check(n, i); err != nil {
			return nil, &ImportError{Interaction: n, Err: err}
		}
		c.Interactions = append(c.Interactions, i)
	}
	return c, nil
}

func convertVCRPy(vi *vcrInteraction) (*Interaction, error) {
	rq := &vi.Request
	if rq.Method == "" {
		return nil, fmt.Errorf("request has no method")
	}
	u, err := url.Parse(rq.URI)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("request uri %q is not an absolute URL", truncate(rq.URI, 80))
	}
	reqH, err := vcrHeaders(rq.Headers)
	if err != nil {
		return nil, fmt.Errorf("request headers: %w", err)
	}
	reqBody, err := vcrBody(rq.Body, &rq.ParsedBody)
	if err != nil {
		return nil, fmt.Errorf("request body: %w", err)
	}
	rs := &vi.Response
	if rs.Status.Code < 100 || rs.Status.Code > 999 {
		return nil, fmt.Errorf("response status code %d is not valid", rs.Status.Code)
	}
	respH, err := vcrHeaders(rs.Headers)
	if err != nil {
		return nil, fmt.Errorf("response headers: %w", err)
	}
	respBody, err := vcrBody(rs.Body, &rs.ParsedBody)
	if err != nil {
		return nil, fmt.Errorf("response body: %w", err)
	}
	msg := rs.Status.Message
	if msg == "" {
		msg = http.StatusText(rs.Status.Code)
	}
	i := &Interaction{
		Request: Request{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			ContentLength: int64(len(reqBody)),
			Host:          u.Host,
			Body:          reqBody,
			Headers:       reqH,
			URL:           u.String(),
			Method:        strings.ToUpper(rq.Method),
		},
		Response: Response{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			ContentLength: -1,
			Body:          respBody,
			Headers:       respH,
			Status:        strconv.Itoa(rs.Status.Code) + " " + msg,
			Code:          rs.Status.Code,
		},
	}
	// A stored body cannot be chunked again, and its length changed when
	// parsed_body was turned back into JSON.
	i.Response.Headers.Del("Transfer-Encoding")
	if i.Response.Headers.Get("Content-Length") != "" {
		i.Response.ContentLength = int64(len(respBody))
	}
	fixRequestLength(&i.Request)
	fixResponseLength(&i.Response)
	if err := readable(i); err != nil {
		return nil, err
	}
	return i, nil
}

func vcrHeaders(m map[string]any) (http.Header, error) {
	h := http.Header{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ck := http.CanonicalHeaderKey(k)
		switch v := m[k].(type) {
		case nil:
		case []any:
			for _, e := range v {
				h.Add(ck, scalarString(e))
			}
		default:
			h.Add(ck, scalarString(v))
		}
	}
	return h, nil
}

func scalarString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return ""
	default:
		return fmt.Sprint(t)
	}
}

func vcrBody(body any, parsed *yaml.Node) (string, error) {
	if parsed.Kind != 0 && !(parsed.Kind == yaml.ScalarNode && parsed.ShortTag() == "!!null") {
		budget := maxParsedNodes
		v, err := nodeValue(parsed, 0, &budget)
		if err != nil {
			return "", err
		}
		return toJSON(v)
	}
	switch b := body.(type) {
	case nil:
		return "", nil
	case string:
		return b, nil
	case map[string]any:
		if s, ok := b["string"]; ok {
			switch t := s.(type) {
			case string:
				return t, nil
			case nil:
				return "", nil
			}
			return "", fmt.Errorf("body string is a %T", s)
		}
		if s, ok := b["base64_string"].(string); ok {
			d, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
			if err != nil {
				return "", fmt.Errorf("base64 body: %w", err)
			}
			return string(d), nil
		}
		if len(b) == 0 {
			return "", nil
		}
		return "", fmt.Errorf("body map has neither string nor base64_string")
	default:
		return "", fmt.Errorf("body is a %T", body)
	}
}

// maxParsedNodes bounds the nodes of one parsed_body, aliases expanded,
// so a crafted file cannot make the importer expand aliases without end.
const maxParsedNodes = 1 << 20

// nodeValue turns a parsed_body node into a value for JSON, keeping
// scalars that YAML would read as timestamps as the text they were.
func nodeValue(n *yaml.Node, depth int, budget *int) (any, error) {
	if depth > 1000 {
		return nil, fmt.Errorf("parsed_body nested too deeply")
	}
	if *budget--; *budget < 0 {
		return nil, fmt.Errorf("parsed_body has more than %d values (aliases expanded)", maxParsedNodes)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return nil, fmt.Errorf("parsed_body is an empty document")
		}
		return nodeValue(n.Content[0], depth+1, budget)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, fmt.Errorf("parsed_body has a dangling alias")
		}
		return nodeValue(n.Alias, depth+1, budget)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for k := 0; k+1 < len(n.Content); k += 2 {
			key := n.Content[k]
			if key.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("parsed_body line %d: a key that is not text", key.Line)
			}
			if _, dup := m[key.Value]; dup {
				return nil, fmt.Errorf("parsed_body line %d: key %q given twice", key.Line, truncate(key.Value, 40))
			}
			v, err := nodeValue(n.Content[k+1], depth+1, budget)
			if err != nil {
				return nil, err
			}
			m[key.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(c, depth+1, budget)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		if n.ShortTag() == "!!timestamp" {
			return n.Value, nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		return v, nil
	}
	return nil, fmt.Errorf("parsed_body has an unknown YAML node kind %d", n.Kind)
}

// toJSON encodes a YAML-decoded value as JSON, keeping <, > and & as they
// are and turning non-string map keys into strings.
func toJSON(v any) (string, error) {
	v, err := jsonable(v, 0)
	if err != nil {
		return "", err
	}
	b, err := jsonvalue.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func jsonable(v any, depth int) (any, error) {
	if depth > 1000 {
		return nil, fmt.Errorf("parsed_body nested too deeply")
	}
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			c, err := jsonable(e, depth+1)
			if err != nil {
				return nil, err
			}
			t[k] = c
		}
		return t, nil
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			c, err := jsonable(e, depth+1)
			if err != nil {
				return nil, err
			}
			m[fmt.Sprint(k)] = c
		}
		return m, nil
	case []any:
		for n, e := range t {
			c, err := jsonable(e, depth+1)
			if err != nil {
				return nil, err
			}
			t[n] = c
		}
		return t, nil
	case float64:
		if t != t || t > 1.7976931348623157e308 || t < -1.7976931348623157e308 {
			return nil, fmt.Errorf("number %v has no JSON form", t)
		}
		return t, nil
	case []byte:
		return string(t), nil
	default:
		return v, nil
	}
}
