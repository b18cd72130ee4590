package cassettes

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
	"gopkg.in/yaml.v3"
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

// Load reads and parses the cassette at path. A missing file gives a
// *LoadError wrapping fs.ErrNotExist, a corrupt one a *LoadError, and a
// file of another format version a *VersionError.
func Load(path string) (*Cassette, error) {
	data, err := os.ReadFile(path)
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

// Parse parses cassette bytes (as Load does, without a file).
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
	var f file
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, &LoadError{Err: err}
	}
	if f.Version != Version {
		return nil, &VersionError{Version: f.Version}
	}
	for n, i := range f.Interactions {
		if i == nil {
			return nil, &LoadError{Err: fmt.Errorf("interaction %d is empty", n)}
		}
	}
	return &Cassette{Version: Version, Interactions: f.Interactions}, nil
}

// Marshal renders the cassette as go-vcr v3 YAML, exactly as Save writes
// it, without scrubbing. It reads its output back and returns a
// *MarshalError rather than bytes that would load differently.
func Marshal(c *Cassette) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("---\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	ins := c.Interactions
	if ins == nil {
		ins = []*Interaction{}
	}
	for n, i := range ins {
		i.ID = n
	}
	var doc yaml.Node
	if err := doc.Encode(file{Version: Version, Interactions: ins}); err != nil {
		return nil, err
	}
	fixBodies(&doc, ins)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	if err := verifyRoundTrip(buf.Bytes(), ins); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fixBodies works around yaml.v3 dropping a leading line break from a
// string it writes in literal block style: such bodies are written
// double-quoted instead, from the original value.
func fixBodies(doc *yaml.Node, ins []*Interaction) {
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	seq := mapValue(root, "interactions")
	if seq == nil || seq.Kind != yaml.SequenceNode || len(seq.Content) != len(ins) {
		return
	}
	for k, item := range seq.Content {
		for _, part := range []struct {
			key  string
			body string
		}{{"request", ins[k].Request.Body}, {"response", ins[k].Response.Body}} {
			if !strings.HasPrefix(part.body, "\n") {
				continue
			}
			if n := mapValue(mapValue(item, part.key), "body"); n != nil {
				n.Value, n.Style = part.body, yaml.DoubleQuotedStyle
			}
		}
	}
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

// MarshalError reports a cassette that would not read back as it is.
type MarshalError struct {
	Interaction int    // the first interaction that would change
	Field       string // what would change
}

// Error names the interaction and the field that would change.
func (e *MarshalError) Error() string {
	return fmt.Sprintf("cassettes: marshal: interaction %d %s would not read back unchanged from YAML", e.Interaction, e.Field)
}

// verifyRoundTrip checks that data parses back to the same interactions.
func verifyRoundTrip(data []byte, ins []*Interaction) error {
	back, err := Parse(data)
	if err != nil {
		return err
	}
	if len(back.Interactions) != len(ins) {
		return &MarshalError{Interaction: len(back.Interactions), Field: "count"}
	}
	for k, b := range back.Interactions {
		a := ins[k]
		switch {
		case a.Request.Body != b.Request.Body:
			return &MarshalError{Interaction: k, Field: "request body"}
		case a.Response.Body != b.Response.Body:
			return &MarshalError{Interaction: k, Field: "response body"}
		case a.Request.URL != b.Request.URL || a.Request.Method != b.Request.Method:
			return &MarshalError{Interaction: k, Field: "request method or url"}
		case !sameHeaders(a.Request.Headers, b.Request.Headers):
			return &MarshalError{Interaction: k, Field: "request headers"}
		case !sameHeaders(a.Response.Headers, b.Response.Headers):
			return &MarshalError{Interaction: k, Field: "response headers"}
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

// writeAtomic writes data to path through a temporary file in the same
// directory, synced and then renamed over path, so that readers see the
// old file or the new one, never a part of either.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	if err := rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: make the rename itself durable
		d.Close()
	}
	return nil
}

// Request is a recorded request (go-vcr v3's type).
type Request = cassette.Request

// Response is a recorded response (go-vcr v3's type).
type Response = cassette.Response

// Save scrubs the cassette and writes it atomically to c.Path: bodies are
// made readable (see Readable; WithRawBodies turns that off), secrets are
// scrubbed (see Scrubber), the result is scanned for any configured secret
// value, and only then is a temporary file in the same directory written,
// synced and renamed over the old file. On any failure the old file is
// left as it was and the error is a *SaveError, a *SecretLeakError or an
// *UnscannableError (an encoded body that does not decode).
// Save modifies the interactions in place (they are what was saved).
func (c *Cassette) Save(opts ...Option) error {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	s := newScrubber(&cfg)
	return c.save(s, cfg.raw)
}

// SaveWith is Save with a ready Scrubber (the options of Save that concern
// scrubbing are then ignored).
func (c *Cassette) SaveWith(s *Scrubber, raw bool) error { return c.save(s, raw) }

func (c *Cassette) save(s *Scrubber, raw bool) error {
	if c.Path == "" {
		return &SaveError{Err: fmt.Errorf("cassette has no path")}
	}
	for n, i := range c.Interactions {
		if i == nil {
			return &SaveError{Path: c.Path, Err: fmt.Errorf("interaction %d is nil", n)}
		}
		if !raw {
			if err := Readable(i); err != nil {
				return &SaveError{Path: c.Path, Err: fmt.Errorf("interaction %d: %w", n, err)}
			}
		}
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
	}
	data, err := Marshal(c)
	if err != nil {
		return &SaveError{Path: c.Path, Err: err}
	}
	if s.CheckBytes(data) {
		return &SecretLeakError{Path: c.Path, Where: "the serialised cassette"}
	}
	if err := writeAtomic(c.Path, data); err != nil {
		return &SaveError{Path: c.Path, Err: err}
	}
	return nil
}
