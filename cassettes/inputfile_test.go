package cassettes_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/inputfile"
)

// TestLoadRefusesWhatIsNotAFile: a cassette path that is a device (whose
// read never ends), a directory or a file over the size limit is refused
// at once with a *LoadError naming it, never read on without end.
func TestLoadRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(inputfile.MaxSize + 1); err != nil { // sparse
		t.Fatal(err)
	}
	f.Close()
	paths := map[string]error{dir: inputfile.ErrNotRegular, big: inputfile.ErrTooLarge}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths["/dev/zero"] = inputfile.ErrNotRegular
	}
	for path, want := range paths {
		_, err := cassettes.Load(path)
		var le *cassettes.LoadError
		if !errors.As(err, &le) || le.Path != path || !errors.Is(err, want) {
			t.Errorf("Load(%s) = %v, want a *LoadError wrapping %v", path, err, want)
		}
		if _, err := cassettes.ImportVCRPyFile(path); !errors.Is(err, want) {
			t.Errorf("ImportVCRPyFile(%s) = %v, want %v", path, err, want)
		}
	}
}
