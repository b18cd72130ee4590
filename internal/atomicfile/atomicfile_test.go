package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "f.json")
	if err := Write(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("two")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "two" {
		t.Fatalf("content %q, %v", got, err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the old file's 0600 kept", st.Mode().Perm())
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("files left beside it: %v", ents)
	}
}

func TestNewFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := Write(path, nil); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
}

// TestFailureKeepsOldFile: a failed sync or rename leaves the old file
// whole and no temporary file behind, and the sync is really called.
func TestFailureKeepsOldFile(t *testing.T) {
	boom := errors.New("disk full")
	tests := []struct {
		name string
		w    Writer
	}{
		{"sync fails", Writer{Sync: func(*os.File) error { return boom }}},
		{"rename fails", Writer{Rename: func(string, string) error { return boom }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f")
			if err := Write(path, []byte("old")); err != nil {
				t.Fatal(err)
			}
			err := tt.w.Write(path, []byte("new"))
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want it to wrap %v", err, boom)
			}
			got, _ := os.ReadFile(path)
			if string(got) != "old" {
				t.Errorf("content %q, want the old file", got)
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != 1 {
				t.Errorf("temporary files left behind: %v", ents)
			}
		})
	}
}

func TestSyncIsCalled(t *testing.T) {
	synced := 0
	w := Writer{Sync: func(f *os.File) error { synced++; return f.Sync() }}
	if err := w.Write(filepath.Join(t.TempDir(), "f"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	if synced != 1 {
		t.Errorf("synced %d times, want 1", synced)
	}
}

func TestUnwritableDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(file, "under", "f"), []byte("x")); err == nil {
		t.Fatal("wrote below a regular file")
	}
}
