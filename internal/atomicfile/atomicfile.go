// Package atomicfile replaces a file's content all at once: a reader sees
// the old file or the new one, never a part of either, and a crash or a
// full disk leaves the old file as it was. cassettes saves cassettes and
// assert writes golden files through it.
package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Writer writes files atomically. Its zero value is ready to use; tests
// set Sync or Rename to inject a failure.
type Writer struct {
	Sync   func(*os.File) error        // flushes the temporary file; (*os.File).Sync when nil
	Rename func(from, to string) error // moves it over the target; os.Rename when nil
}

// Write is Writer{}.Write.
func Write(path string, data []byte) error { return Writer{}.Write(path, data) }

// Write creates path's directory if needed, writes data to a temporary
// file beside path, syncs it, gives it path's permissions (0644 for a new
// file) and renames it over path, then syncs the directory (best effort)
// so that the rename is durable too. On failure the temporary file is
// removed and path is left as it was.
func (w Writer) Write(path string, data []byte) (err error) {
	sync, rename := w.Sync, w.Rename
	if sync == nil {
		sync = (*os.File).Sync
	}
	if rename == nil {
		rename = os.Rename
	}
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
	if err := sync(tmp); err != nil {
		return fmt.Errorf("sync %s: %w", tmp.Name(), err)
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
		return fmt.Errorf("rename %s to %s: %w", tmp.Name(), path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: make the rename itself durable
		d.Close()
	}
	return nil
}
