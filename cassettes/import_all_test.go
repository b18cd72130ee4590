package cassettes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
)

func vcrpyFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("testdata/vcrpy", func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no vcrpy cassettes: %v", err)
	}
	return files
}

func TestImportVCRPyAllVectors(t *testing.T) {
	extra := os.Getenv("LLMVCR_VCRPY_DIR") // optional: a full vector set to import too
	files := vcrpyFiles(t)
	if extra != "" {
		filepath.WalkDir(extra, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".yaml") {
				files = append(files, p)
			}
			return nil
		})
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			c, err := ImportVCRPyFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Interactions) == 0 {
				t.Fatal("no interactions imported")
			}
			if fs := Lint(c); len(fs) > 0 {
				t.Errorf("lint of an imported real cassette: %v", fs)
			}
			c.Path = filepath.Join(t.TempDir(), "c.yaml")
			if err := c.Save(WithoutDefaultSecrets()); err != nil {
				t.Fatal(err)
			}
			// go-vcr itself must load what we wrote.
			vc, err := vcr.Load(strings.TrimSuffix(c.Path, ".yaml"))
			if err != nil {
				t.Fatalf("go-vcr cannot load the imported cassette: %v", err)
			}
			if len(vc.Interactions) != len(c.Interactions) {
				t.Fatalf("go-vcr sees %d interactions, want %d", len(vc.Interactions), len(c.Interactions))
			}
			back, err := Load(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			for n, i := range back.Interactions {
				if i.Request.Body != c.Interactions[n].Request.Body || i.Response.Body != c.Interactions[n].Response.Body {
					t.Fatalf("interaction %d: bodies changed through save and load", n)
				}
			}
		})
	}
}
