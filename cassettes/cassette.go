package cassettes

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/inputfile"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"unicode/utf8"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
	"gopkg.in/yaml.v3"

	"github.com/llmvcr/llmvcr/internal/atomicfile"
	"github.com/llmvcr/llmvcr/internal/match"
)

// Version is the cassette format version this package reads and writes:
// go-vcr v3's format 2.
const Version = cassette.CassetteFormatV2

// Interaction is one recorded request and its response, in go-vcr v3's
// own type so that cassettes written here load in go-vcr and back.
type Interaction = cassette.Interaction

// Cassette is a loaded cassette file: its path and its interactions in
// recorded order.
type Cassette struct {
	Path         string         // file the cassette was loaded from or is saved to
	Version      int            // format version; always Version once loaded
	Interactions []*Interaction // in recorded order
}

// New returns an empty cassette that Save will write to path.
func New(path string) *Cassette {
	return &Cassette{Path: path, Version: Version}
}

// file is the on-disk shape: go-vcr v3's Cassette without its mutex.
type file struct {
	Version      int            `yaml:"version"`
	Interactions []*Interaction `yaml:"interactions"`
}

// LoadError reports a cassette file that could not be read or parsed.
// errors.Is(err, fs.ErrNotExist) tells a missing file.
type LoadError struct {
	Path string // the cassette file
	Err  error  // what failed
}

// Error names the file and what failed.
func (e *LoadError) Error() string {
	return fmt.Sprintf("cassettes: load %s: %v", e.Path, e.Err)
}

// Unwrap returns the underlying error.
func (e *LoadError) Unwrap() error { return e.Err }

// VersionError reports a cassette whose format version is not Version.
type VersionError struct {
	Path    string // the cassette file ("" when parsed from bytes)
	Version int    // the version found in the file (0 when absent)
}

// Error names the file and the version found.
func (e *VersionError) Error() string {
	p := e.Path
	if p == "" {
		p = "cassette"
	}
	return fmt.Sprintf("cassettes: load %s: unsupported cassette version %d (want %d)", p, e.Version, Version)
}

// SaveError reports a cassette that could not be written. The file that
// was there before is left untouched.
type SaveError struct {
	Path string // the cassette file
	Err  error  // what failed
}

// Error names the file and what failed.
func (e *SaveError) Error() string {
	return fmt.Sprintf("cassettes: save %s: %v", e.Path, e.Err)
}

// Unwrap returns the underlying error.
func (e *SaveError) Unwrap() error { return e.Err }

// Load reads and parses the cassette at path (see Parse for what it
// checks). Bodies are the bytes that were sent, whatever form the file
// shows them in. A missing file gives a *LoadError wrapping
// fs.ErrNotExist, a corrupt, incomplete or cut one a *LoadError (wrapping
// a *FormatError or an *AliasError when the YAML itself parses), and a
// file of another format version a *VersionError.
func Load(path string) (*Cassette, error) {
	data, err := inputfile.Read(path)
	if err != nil {
		return nil, &LoadError{Path: path, Err: err}
	}
	c, err := Parse(data)
	if err != nil {
		var ve *VersionError
		if errors.As(err, &ve) {
			ve.Path = path
			return nil, ve
		}
		var le *LoadError
		if errors.As(err, &le) {
			le.Path = path
			return nil, le
		}
		return nil, &LoadError{Path: path, Err: err}
	}
	c.Path = path
	return c, nil
}

// Parse parses cassette bytes (as Load does, without a file). Besides
// YAML errors and a *VersionError it refuses, with a *LoadError wrapping a
// *FormatError that names the interaction and the field, a cassette that
// is not whole: an interaction without a method, a URL or a status code, a
// bad or out-of-order timing line in an event stream, a body not in the
// form the file says it was sent in, or a file cut before its end line;
// a field go-vcr does not know (a misspelt "bodyy"), a method that is not
// an HTTP token, a URL with control characters or a negative duration. It
// refuses a file of more than one YAML document, and a YAML tag other than
// the core ones and !!binary (!!python/object, !local). A
// file whose YAML aliases would expand far beyond its size is refused with
// an *AliasError before anything is expanded.
func Parse(data []byte) (c *Cassette, err error) {
	defer func() {
		// yaml.v3 is not known to panic on any input, but a cassette
		// loader must never take a test binary down with it.
		if r := recover(); r != nil {
			c, err = nil, &LoadError{Err: fmt.Errorf("yaml: %v", r)}
		}
	}()
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &LoadError{Err: errors.New("the file is empty")}
	}
	root, err := readYAML(data)
	if err != nil {
		return nil, &LoadError{Err: err}
	}
	if err := checkFields(root); err != nil {
		return nil, &LoadError{Err: err}
	}
	var f file
	if err := root.Decode(&f); err != nil {
		return nil, &LoadError{Err: err}
	}
	if f.Version != Version {
		return nil, &VersionError{Version: f.Version}
	}
	var marks formMarks
	if err := root.Decode(&marks); err != nil {
		return nil, &LoadError{Err: err}
	}
	for n, i := range f.Interactions {
		if i == nil {
			return nil, &LoadError{Err: &FormatError{Interaction: n, Problem: "empty"}}
		}
		if n < len(marks.Interactions) && marks.Interactions[n] != nil {
			m := marks.Interactions[n]
			for _, b := range []struct {
				field string
				form  string
				body  *string
			}{{"request.body", m.Request.Form, &i.Request.Body}, {"response.body", m.Response.Form, &i.Response.Body}} {
				sent, problem, ok := restoreForm(b.form, *b.body)
				if !ok {
					return nil, &LoadError{Err: &FormatError{Interaction: n, Field: b.field, Problem: problem}}
				}
				*b.body = sent
			}
		}
		if err := validate(n, i); err != nil {
			return nil, &LoadError{Err: err}
		}
	}
	if err := checkEnd(data); err != nil {
		return nil, &LoadError{Err: err}
	}
	return &Cassette{Version: Version, Interactions: f.Interactions}, nil
}

// errNoDocument is readYAML's error for a file of comments and spaces only.
var errNoDocument = &FormatError{Interaction: -1, Problem: "the file holds no YAML document (only comments?)"}

// readYAML parses the one YAML document of a file, refusing a second one
// (yaml.v3 would read the first and drop the rest unseen), aliases that
// expand far beyond the file (an *AliasError) and tags outside the core
// ones.
func readYAML(data []byte) (*yaml.Node, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if err == io.EOF {
			err = errNoDocument
		}
		return nil, err
	}
	var more yaml.Node
	if err := dec.Decode(&more); err != io.EOF {
		return nil, &FormatError{Interaction: -1, Problem: "the file holds more than one YAML document (\"---\" or \"...\" after the first): only one cassette may be in a file"}
	}
	if err := checkAliases(&root, len(data)); err != nil {
		return nil, err
	}
	if err := checkTags(&root); err != nil {
		return nil, err
	}
	return &root, nil
}

// Marshal renders the cassette as go-vcr v3 YAML, exactly as Save writes
// it, without scrubbing: JSON bodies indented, bodies with "\r\n" line
// ends or characters outside the Basic Multilingual Plane (emoji) as
// literal blocks of text, each with what is needed to give back the bytes
// that were sent (see Parse). The file starts with a comment line and ends
// with another, so that Parse can tell a file cut short. It reads its
// output back and returns a *marshalError rather than bytes that would
// load differently.
func Marshal(c *Cassette) ([]byte, error) { return marshal(c, false) }

// marshal is Marshal; raw keeps JSON bodies as they are.
func marshal(c *Cassette, raw bool) ([]byte, error) {
	ins := c.Interactions
	if ins == nil {
		ins = []*Interaction{}
	}
	for n, i := range ins {
		i.ID = n
	}
	data, err := render(ins, raw, true)
	if err == nil {
		err = verifyRoundTrip(data, ins)
	}
	if err != nil {
		// The plain rendering (yaml.v3's own quoting of every body) holds
		// any bytes; the readable one is only an improvement on it.
		data, err = render(ins, raw, false)
		if err != nil {
			return nil, err
		}
		if err := verifyRoundTrip(data, ins); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// render writes the cassette; readable chooses the readable forms of
// bodies (see present) over yaml.v3's own quoting.
func render(ins []*Interaction, raw, readable bool) ([]byte, error) {
	// yaml.v3 encodes a value by writing and parsing YAML, and some bodies
	// do not survive its own writing (a tab at the start of a literal
	// block): encode without bodies, then set each body's node.
	bare := make([]*Interaction, len(ins))
	for k, i := range ins {
		c := *i
		c.Request.Body, c.Response.Body = "", ""
		bare[k] = &c
	}
	var doc yaml.Node
	if err := doc.Encode(file{Version: Version, Interactions: bare}); err != nil {
		return nil, err
	}
	var nonce [8]byte
	rand.Read(nonce[:])
	blocks := map[string]string{} // placeholder -> text written by writeBlock
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	seq := mapValue(root, "interactions")
	if seq == nil || seq.Kind != yaml.SequenceNode || len(seq.Content) != len(ins) {
		return nil, errors.New("yaml: unexpected shape of the encoded cassette")
	}
	for k, item := range seq.Content {
		for _, part := range []struct {
			key  string
			body string
			json bool
		}{
			{"request", ins[k].Request.Body, !raw && isJSONRequest(&ins[k].Request)},
			{"response", ins[k].Response.Body, !raw && ins[k].Response.Headers.Get("Content-Encoding") == "" && httpbody.IsJSON(ins[k].Response.Headers)},
		} {
			m := mapValue(item, part.key)
			n := mapValue(m, "body")
			if n == nil {
				return nil, errors.New("yaml: unexpected shape of the encoded cassette")
			}
			p := presentation{text: part.body}
			if readable {
				p = present(part.body, part.json)
			}
			n.Kind, n.Tag, n.Style = yaml.ScalarNode, "!!str", 0
			switch {
			case !utf8.ValidString(p.text):
				// Not text: base64, as yaml.v3 writes such strings. The
				// readable forms are for text.
				p.form = ""
				n.Tag, n.Value = "!!binary", base64.StdEncoding.EncodeToString([]byte(part.body))
			case p.block:
				ph := fmt.Sprintf("llmvcr-body-%x-%d-%s", nonce, k, part.key)
				blocks[ph] = p.text
				n.Value = ph
			case strings.Contains(p.text, "\n"):
				// Multi-line text a literal block cannot hold exactly (or,
				// in the plain rendering, any): double quotes hold any text.
				n.Value, n.Style = p.text, yaml.DoubleQuotedStyle
			default:
				n.Value = p.text
			}
			if p.form != "" {
				at := 0
				for j := 0; j+1 < len(m.Content); j += 2 {
					if m.Content[j+1] == n {
						at = j + 2
					}
				}
				kv := []*yaml.Node{
					{Kind: yaml.ScalarNode, Tag: "!!str", Value: bodyFormKey},
					{Kind: yaml.ScalarNode, Tag: "!!str", Value: p.form},
				}
				m.Content = append(m.Content[:at], append(kv, m.Content[at:]...)...)
			}
		}
	}
	var buf bytes.Buffer
	buf.WriteString("---\n" + headLine + "\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	buf.WriteString(endLine + "\n")
	if len(blocks) == 0 {
		return buf.Bytes(), nil
	}
	return placeBlocks(buf.Bytes(), blocks)
}

// placeBlocks replaces each placeholder, written by yaml.v3 as the plain
// value of a "body:" key, with its text as a literal block indented two
// spaces deeper than the key.
func placeBlocks(data []byte, blocks map[string]string) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(data))
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		key, val, ok := bytes.Cut(line, []byte(": "))
		if text, found := blocks[string(val)]; ok && found {
			delete(blocks, string(val))
			out.Write(key)
			out.WriteString(": ")
			writeBlock(&out, text, len(key)-len(bytes.TrimLeft(key, " "))+2)
			continue
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	if len(blocks) > 0 {
		return nil, errors.New("yaml: a body placeholder was not written as a plain value")
	}
	return out.Bytes(), nil
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for n := 0; n+1 < len(m.Content); n += 2 {
		if m.Content[n].Value == key {
			return m.Content[n+1]
		}
	}
	return nil
}

// marshalError reports a cassette that would not read back as it is.
type marshalError struct {
	Interaction int    // the first interaction that would change
	Field       string // what would change
}

// Error names the interaction and the field that would change.
func (e *marshalError) Error() string {
	return fmt.Sprintf("cassettes: marshal: interaction %d %s would not read back unchanged from YAML", e.Interaction, e.Field)
}

// verifyRoundTrip checks that data parses back to the same interactions.
func verifyRoundTrip(data []byte, ins []*Interaction) error {
	back, err := Parse(data)
	if err != nil {
		return err
	}
	if len(back.Interactions) != len(ins) {
		return &marshalError{Interaction: len(back.Interactions), Field: "count"}
	}
	for k, b := range back.Interactions {
		a := ins[k]
		switch {
		case a.Request.Body != b.Request.Body:
			return &marshalError{Interaction: k, Field: "request body"}
		case a.Response.Body != b.Response.Body:
			return &marshalError{Interaction: k, Field: "response body"}
		case a.Request.URL != b.Request.URL || a.Request.Method != b.Request.Method:
			return &marshalError{Interaction: k, Field: "request method or url"}
		case !sameHeaders(a.Request.Headers, b.Request.Headers):
			return &marshalError{Interaction: k, Field: "request headers"}
		case !sameHeaders(a.Response.Headers, b.Response.Headers):
			return &marshalError{Interaction: k, Field: "response headers"}
		}
	}
	return nil
}

// sameHeaders compares headers, counting an absent name, a nil list and
// an empty list as the same.
func sameHeaders(a, b map[string][]string) bool {
	for k, va := range a {
		if vb := b[k]; (len(va) > 0 || len(vb) > 0) && !reflect.DeepEqual(va, vb) {
			return false
		}
	}
	for k, vb := range b {
		if len(vb) > 0 && len(a[k]) == 0 {
			return false
		}
	}
	return true
}

// Hooks for tests that inject failures into the atomic write.
var (
	syncFile = func(f *os.File) error { return f.Sync() }
	rename   = os.Rename
)

// writeAtomic writes data to path atomically through the hooks above
// (see atomicfile, which also removes the temporary files of saves killed
// mid-write).
func writeAtomic(path string, data []byte) error {
	return atomicfile.Writer{Sync: syncFile, Rename: rename}.Write(path, data)
}

// Request is a recorded request (go-vcr v3's type).
type Request = cassette.Request

// Response is a recorded response (go-vcr v3's type).
type Response = cassette.Response

// Save scrubs the cassette and writes it atomically to c.Path: compressed
// bodies are decoded (SaveRawWith turns that off, and the indenting of
// JSON in the file), secrets are scrubbed (see Scrubber), the result is
// scanned for any configured secret value, and only then is a temporary
// file in the same directory written, synced and renamed over the old
// file (see Marshal for how bodies are written readable yet exact). On any
// failure the old file is left as it was and the error is a *SaveError, a
// *SecretLeakError or an *UnscannableError (an encoded body that does not
// decode). Save modifies the interactions in place (they are what was
// saved): bodies keep the bytes that were sent, and requests that differ
// only in scrubbed text are marked so that replay will not choose between
// them. Temporary files that killed saves of the same
// cassette left behind are removed.
func (c *Cassette) Save(opts ...Option) error {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	s := newScrubber(&cfg)
	return c.save(s, false)
}

// SaveWith is Save with a ready Scrubber: the one a replay session also
// matches requests and scrubs miss reports with, so that the file is
// scrubbed by the very same rules.
func (c *Cassette) SaveWith(s *Scrubber) error { return c.save(s, false) }

// SaveRawWith is SaveWith writing bodies as they were sent (what
// replay.WithRawBodies asks for): JSON is not indented and compressed
// bodies are not decoded. Scrubbing and the secret scan still run.
func (c *Cassette) SaveRawWith(s *Scrubber) error { return c.save(s, true) }

func (c *Cassette) save(s *Scrubber, raw bool) error {
	if c.Path == "" {
		return &SaveError{Err: fmt.Errorf("cassette has no path")}
	}
	ids := make([]identity, len(c.Interactions))
	for n, i := range c.Interactions {
		if i == nil {
			return &SaveError{Path: c.Path, Err: fmt.Errorf("interaction %d is nil", n)}
		}
		if !raw {
			decodeBodies(i)
		}
		sent := i.Request.Body
		if err := s.Scrub(i); err != nil {
			return &SaveError{Path: c.Path, Err: fmt.Errorf("interaction %d: scrub: %s", n, s.ScrubString(err.Error()))}
		}
		if err := s.Check(n, i); err != nil {
			err.(*SecretLeakError).Path = c.Path
			return err
		}
		switch err := s.checkEncoded(n, i).(type) {
		case *SecretLeakError:
			err.Path = c.Path
			return err
		case *UnscannableError:
			err.Path = c.Path
			return err
		}
		ids[n] = requestIdentity(i, sent)
	}
	markIndistinct(c.Interactions, ids)
	data, err := marshal(c, raw)
	if err != nil {
		return &SaveError{Path: c.Path, Err: err}
	}
	if s.checkBytes(data) {
		return &SecretLeakError{Path: c.Path, Where: "the serialised cassette"}
	}
	if err := writeAtomic(c.Path, data); err != nil {
		return &SaveError{Path: c.Path, Err: err}
	}
	return nil
}

// identity is what tells a saved request from another: saved, its method,
// URL and canonical body as scrubbed; sent, its canonical body before.
type identity struct{ saved, sent string }

// requestIdentity returns the identity of a scrubbed request whose body
// was sent before scrubbing.
func requestIdentity(i *Interaction, sent string) identity {
	body := match.CanonicalBody([]byte(i.Request.Body))
	id := identity{saved: i.Request.Method + "\x00" + i.Request.URL + "\x00" + body, sent: body}
	if sent != i.Request.Body {
		id.sent = match.CanonicalBody([]byte(sent))
	}
	return id
}

// markIndistinct marks every request that was sent different from another
// but is saved the same (they differed only in scrubbed text), so that
// replay refuses to choose between them.
func markIndistinct(ins []*Interaction, ids []identity) {
	sent := map[string]map[string]bool{} // saved -> the sent bodies
	for _, id := range ids {
		if sent[id.saved] == nil {
			sent[id.saved] = map[string]bool{}
		}
		sent[id.saved][id.sent] = true
	}
	for n, id := range ids {
		if len(sent[id.saved]) > 1 {
			if ins[n].Request.Headers == nil {
				ins[n].Request.Headers = http.Header{}
			}
			ins[n].Request.Headers.Set(match.IndistinctHeader, "sent different from another recording that was saved the same: they differed only in scrubbed text")
		}
	}
}
