package cassettes

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/jsonvalue"
	"net/url"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// FormatError reports a cassette file that is YAML but not a whole, valid
// cassette: an interaction without a method, a URL or a status code, a
// timing line that is not a finite, non-negative offset in order, a body
// that is not in the form the file says it was sent in, or a file that
// ends before its end line (it was cut short). A Content-Length that
// disagrees with its body is not refused: a hand edit of a body changes
// its length, and replay sets Content-Length from the body it serves.
// Load and Parse wrap it in a *LoadError, so replay, lint and inspect all
// report it the same way.
type FormatError struct {
	Interaction int    // index of the interaction in the file; -1 for the file as a whole
	Field       string // the field at fault ("request.method", "response.code", "response.body", ...); "" for the file
	Problem     string // what is wrong with it
}

// Error names the interaction, the field and the problem.
func (e *FormatError) Error() string {
	if e.Interaction < 0 {
		if e.Field != "" {
			return fmt.Sprintf("%s: %s", e.Field, e.Problem)
		}
		return e.Problem
	}
	if e.Field == "" {
		return fmt.Sprintf("interaction %d: %s", e.Interaction, e.Problem)
	}
	return fmt.Sprintf("interaction %d: %s: %s", e.Interaction, e.Field, e.Problem)
}

// AliasError reports a cassette whose YAML aliases would expand to far
// more than the file holds (an "alias bomb"). Parse refuses it before
// anything is expanded, so the cost is bounded by the file's size. It is
// wrapped in a *LoadError.
type AliasError struct {
	FileSize int64 // bytes in the file
	Limit    int64 // the most expanded text a file of this size may stand for
}

// Error says what was refused and why.
func (e *AliasError) Error() string {
	return fmt.Sprintf("YAML aliases would expand the %d-byte file to more than %d bytes of text; refusing it (cassettes written by llmvcr or go-vcr use no aliases)", e.FileSize, e.Limit)
}

// aliasFactor and aliasSlack bound the text a cassette may stand for once
// its aliases are expanded: aliasFactor times its size plus aliasSlack.
// Without aliases a file stands for less than its own size (values are
// never longer than their YAML text), so only files built to expand are
// refused.
const (
	aliasFactor = 4
	aliasSlack  = 1 << 20
)

// checkAliases measures what the document would expand to, counting each
// alias as a full copy of what it names, and refuses a document over the
// limit. Each node is measured once (aliased nodes are remembered), so the
// walk costs time in proportion to the file, not to its expansion; it
// stops as soon as the limit is passed.
func checkAliases(root *yaml.Node, size int) error {
	limit := int64(size)*aliasFactor + aliasSlack
	memo := map[*yaml.Node]int64{}
	onPath := map[*yaml.Node]bool{}
	var measure func(n *yaml.Node, depth int) (int64, error)
	measure = func(n *yaml.Node, depth int) (int64, error) {
		if n == nil {
			return 0, nil
		}
		if depth > 10000 {
			return 0, &FormatError{Interaction: -1, Problem: "YAML nested more than 10000 levels deep"}
		}
		if v, ok := memo[n]; ok {
			return v, nil
		}
		// Only an anchored node can be reached again through an alias, so
		// only those are tracked for cycles.
		if n.Anchor != "" {
			if onPath[n] {
				return 0, &FormatError{Interaction: -1, Problem: fmt.Sprintf("YAML anchor &%s contains an alias to itself", n.Anchor)}
			}
			onPath[n] = true
			defer delete(onPath, n)
		}
		total := int64(1 + len(n.Value))
		if n.Kind == yaml.AliasNode {
			total = 1
			v, err := measure(n.Alias, depth+1)
			if err != nil {
				return 0, err
			}
			total += v
		}
		for _, c := range n.Content {
			v, err := measure(c, depth+1)
			if err != nil {
				return 0, err
			}
			total += v
			if total > limit {
				return 0, &AliasError{FileSize: int64(size), Limit: limit}
			}
		}
		if total > limit {
			return 0, &AliasError{FileSize: int64(size), Limit: limit}
		}
		if n.Anchor != "" || n.Kind == yaml.AliasNode {
			memo[n] = total
		}
		return total, nil
	}
	_, err := measure(root, 0)
	return err
}

// The head and end lines that Marshal writes around a cassette. A file
// whose first line after "---" is headLine must end with endLine; one that
// does not was cut short. Files without headLine (written by go-vcr or by
// earlier versions of llmvcr) are checked field by field only.
const (
	headLine = "# llmvcr cassette (go-vcr v3 format); the file ends with the line \"" + endLine + "\""
	endLine  = "# end of cassette"
)

// checkEnd reports a file that starts with headLine but does not end with
// endLine.
func checkEnd(data []byte) error {
	rest := data
	if r, ok := bytes.CutPrefix(rest, []byte("---")); ok {
		rest = bytes.TrimLeft(r, " \t\r\n")
	}
	if !bytes.HasPrefix(rest, []byte(headLine)) {
		return nil
	}
	body := bytes.TrimRight(data, " \t\r\n")
	if bytes.HasSuffix(body, []byte("\n"+endLine)) {
		return nil
	}
	return &FormatError{Interaction: -1, Problem: fmt.Sprintf("the file does not end with the line %q that its first line promises: it was cut short (or that line was removed by hand)", endLine)}
}

// bodyForm is how a body was sent, when the file keeps it in a more
// readable form: the key next to "body" in the file, which go-vcr ignores.
const bodyFormKey = "body_sent_as"

// The values of bodyFormKey.
const (
	formCompactJSON = "compact-json" // the file indents JSON that was sent compact
	formCRLF        = "crlf"         // the file has "\n" where "\r\n" was sent (timing lines keep "\n")
)

// formMarks is the part of the file that carries body forms, decoded next
// to the go-vcr types (which do not know bodyFormKey).
type formMarks struct {
	Interactions []*struct {
		Request struct {
			Form string `yaml:"body_sent_as"`
		} `yaml:"request"`
		Response struct {
			Form string `yaml:"body_sent_as"`
		} `yaml:"response"`
	} `yaml:"interactions"`
}

// restoreForm turns the text of a body as the file keeps it back into the
// bytes that were sent, by the form the file names. The returned bool is
// false when the text cannot be in that form.
func restoreForm(form, text string) (string, string, bool) {
	switch form {
	case "":
		return text, "", true
	case formCompactJSON:
		core := strings.TrimRight(text, " \t\r\n")
		tail := text[len(core):]
		b, ok := jsonvalue.Compact(make([]byte, 0, len(text)), []byte(core))
		if !ok {
			return "", "is marked " + formCompactJSON + " but is not JSON (cut short or edited by hand?)", false
		}
		return string(append(b, tail...)), "", true
	case formCRLF:
		if strings.Contains(text, "\r") {
			return "", "is marked " + formCRLF + " but already holds a carriage return", false
		}
		return crlfLines(text), "", true
	}
	return "", fmt.Sprintf("has an unknown %s %q (written by a newer llmvcr?)", bodyFormKey, form), false
}

// crlfLines turns every "\n" into "\r\n", except the one that ends a
// timing line (TimingPrefix at the start of a line), which is always a
// single "\n".
func crlfLines(text string) string {
	var b strings.Builder
	b.Grow(len(text) + strings.Count(text, "\n"))
	for len(text) > 0 {
		line, rest, found := strings.Cut(text, "\n")
		b.WriteString(line)
		if found {
			if strings.HasPrefix(line, httpbody.TimingPrefix) {
				b.WriteByte('\n')
			} else {
				b.WriteString("\r\n")
			}
		}
		text = rest
	}
	return b.String()
}

// validate checks one loaded interaction (its bodies already restored to
// the bytes that were sent).
func validate(n int, i *Interaction) error {
	bad := func(field, problem string) error {
		return &FormatError{Interaction: n, Field: field, Problem: problem}
	}
	rq, rs := &i.Request, &i.Response
	if rq.Method == "" {
		return bad("request.method", "missing (the file may have been cut short)")
	}
	if !httpbody.IsToken(rq.Method) {
		return bad("request.method", fmt.Sprintf("%q is not an HTTP method", truncate(rq.Method, 40)))
	}
	if rq.URL == "" {
		return bad("request.url", "missing (the file may have been cut short)")
	}
	if _, err := url.Parse(rq.URL); err != nil {
		return bad("request.url", fmt.Sprintf("%q is not a URL (%s)", truncate(rq.URL, 80), errors.Unwrap(err)))
	}
	if rs.Duration < 0 {
		return bad("response.duration", fmt.Sprintf("%v is negative", rs.Duration))
	}
	switch {
	case rs.Code == 0:
		return bad("response.code", "missing (the file may have been cut short)")
	case rs.Code < 100 || rs.Code > 999:
		return bad("response.code", fmt.Sprintf("%d is not an HTTP status code", rs.Code))
	}
	if code, _, _ := strings.Cut(rs.Status, " "); len(code) == 3 {
		if c, err := strconv.Atoi(code); err == nil && c != rs.Code {
			return bad("response.status", fmt.Sprintf("%q disagrees with code %d", truncate(rs.Status, 40), rs.Code))
		}
	}
	if httpbody.IsSSE(rs.Headers) {
		if err := checkTiming(rs.Body); err != nil {
			return bad("response.body", err.Error())
		}
	}
	return nil
}

// checkTiming checks the timing lines of a recorded event stream: each a
// finite, non-negative number of seconds, no earlier than the one before.
func checkTiming(body string) error {
	if !strings.Contains(body, httpbody.TimingPrefix) {
		return nil
	}
	_, err := httpbody.SplitSSE(body)
	return err
}

// allowedTags are the tags a cassette may spell out.
var allowedTags = map[string]bool{
	"!!str": true, "!!binary": true, "!!int": true, "!!float": true,
	"!!bool": true, "!!null": true, "!!map": true, "!!seq": true,
}

// checkTags refuses, with a *FormatError, a node with an explicit tag
// outside allowedTags. Each
// node is visited once (aliases are not followed: what they name is
// visited where it is written); yaml.v3 has already refused nesting
// deeper than 10000.
func checkTags(n *yaml.Node) error {
	if n == nil || n.Kind == yaml.AliasNode {
		return nil
	}
	if n.Style&yaml.TaggedStyle != 0 && !allowedTags[n.Tag] {
		// Tags such as !!python/object or a local !tag ask a loader for a
		// language object; they are refused, not read as plain text.
		return &FormatError{Interaction: -1, Problem: fmt.Sprintf("line %d: YAML tag %q is not allowed in a cassette (only !!str, !!binary, !!int, !!float, !!bool, !!null, !!map and !!seq are)", n.Line, truncate(n.Tag, 80))}
	}
	for _, c := range n.Content {
		if err := checkTags(c); err != nil {
			return err
		}
	}
	return nil
}

// The fields a cassette's mappings may hold: go-vcr v3's own, and
// bodyFormKey next to a body.
var (
	fileFields        = fieldSet("version", "interactions")
	interactionFields = fieldSet("id", "request", "response")
	requestFields     = fieldSet("proto", "proto_major", "proto_minor", "content_length", "transfer_encoding", "trailer",
		"host", "remote_addr", "request_uri", "body", "form", "headers", "url", "method", bodyFormKey)
	responseFields = fieldSet("proto", "proto_major", "proto_minor", "transfer_encoding", "trailer", "content_length",
		"uncompressed", "body", "headers", "status", "code", "duration", bodyFormKey)
)

func fieldSet(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// checkFields refuses a field that go-vcr does not read (a misspelt
// "bodyy" or "reponse" would otherwise be dropped without a word, and the
// interaction loaded without it), naming the interaction and the field.
// Shapes other than mappings are left to the decoder's own errors.
func checkFields(root *yaml.Node) error {
	doc := resolve(root)
	if doc != nil && doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = resolve(doc.Content[0])
	}
	if err := unknownField(doc, fileFields, -1, ""); err != nil {
		return err
	}
	seq := resolve(mapValue(doc, "interactions"))
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil
	}
	for n, item := range seq.Content {
		item = resolve(item)
		if err := unknownField(item, interactionFields, n, ""); err != nil {
			return err
		}
		if err := unknownField(resolve(mapValue(item, "request")), requestFields, n, "request."); err != nil {
			return err
		}
		if err := unknownField(resolve(mapValue(item, "response")), responseFields, n, "response."); err != nil {
			return err
		}
	}
	return nil
}

// unknownField checks the keys of mapping m (and of the mappings merged
// into it with "<<") against known.
func unknownField(m *yaml.Node, known map[string]bool, n int, prefix string) error {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for k := 0; k+1 < len(m.Content); k += 2 {
		key := resolve(m.Content[k])
		if key == nil || key.Kind != yaml.ScalarNode {
			return &FormatError{Interaction: n, Field: strings.TrimSuffix(prefix, "."), Problem: "has a key that is not text"}
		}
		if key.Tag == "!!merge" {
			v := resolve(m.Content[k+1])
			merged := []*yaml.Node{v}
			if v != nil && v.Kind == yaml.SequenceNode {
				merged = v.Content
			}
			for _, mm := range merged {
				if err := unknownField(resolve(mm), known, n, prefix); err != nil {
					return err
				}
			}
			continue
		}
		if !known[key.Value] {
			return &FormatError{Interaction: n, Field: prefix + truncate(key.Value, 40), Problem: "is not a cassette field (misspelt? written by a newer go-vcr?); go-vcr would ignore it"}
		}
	}
	return nil
}

// resolve follows aliases to the node they name (yaml.v3 refuses an alias
// to an anchor not yet defined, so there is no cycle of aliases alone).
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}
