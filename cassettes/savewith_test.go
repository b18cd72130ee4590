package cassettes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSaveWithAndSaveRawWith: SaveWith writes a JSON body indented for
// review (marking how it was sent), SaveRawWith writes it as sent; both
// scrub with the Scrubber given and load back to the bytes that were sent.
func TestSaveWithAndSaveRawWith(t *testing.T) {
	key := "gsk_" + strings.Repeat("Ab3xYz9Q", 6)
	for _, tt := range []struct {
		name     string
		save     func(c *Cassette, s *Scrubber) error
		indented bool
	}{
		{"SaveWith", (*Cassette).SaveWith, true},
		{"SaveRawWith", (*Cassette).SaveRawWith, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := New(filepath.Join(t.TempDir(), "c.yaml"))
			c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"a":1,"b":[1,2]}`, `{"key":"`+key+`","n":2}`)}
			if err := tt.save(c, NewScrubber(WithoutDefaultSecrets())); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			file := string(data)
			if strings.Contains(file, key) {
				t.Fatal("the key reached the file")
			}
			if got := strings.Contains(file, `{"a":1,"b":[1,2]}`); got == tt.indented {
				t.Errorf("compact request body in the file = %v, want %v:\n%s", got, !tt.indented, file)
			}
			back, err := Load(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			if got := back.Interactions[0].Request.Body; got != `{"a":1,"b":[1,2]}` {
				t.Errorf("loaded request body = %q, want the bytes sent", got)
			}
		})
	}
}
