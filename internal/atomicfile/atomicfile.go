// Package atomicfile replaces a file's content all at once: a reader sees
// the old file or the new one, never a part of either, and a crash or a
// full disk leaves the old file as it was. cassettes saves cassettes and
// assert writes golden files through it.
//
// A write goes to "." + the file's name + ".tmp-" + the writing process's
// id + "-" + random digits beside the file, and is renamed over the file.
// A process killed mid-write (kill -9) leaves that temporary file behind;
// the next write of the same file removes it (see removeStale).
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Writer writes files atomically. Its zero value is ready to use; tests
// set Sync or Rename to inject a failure.
type Writer struct {
	Sync   func(*os.File) error        // flushes the temporary file; (*os.File).Sync when nil
	Rename func(from, to string) error // moves it over the target; os.Rename when nil
}

// Write is Writer{}.Write.
func Write(path string, data []byte) error { return Writer{}.Write(path, data) }

// Write creates path's directory if needed, removes the temporary files
// that killed writes of path left, writes data to a temporary file beside
// path, syncs it, gives it path's permissions (0644 for a new file) and
// renames it over path, then syncs the directory (best effort) so that the
// rename is durable too. On failure the temporary file is removed and path
// is left as it was.
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
	removeStale(path)
	tmp, err := os.CreateTemp(dir, tempPrefix(path)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return err
	}
	Live.Store(tmp.Name(), true)
	defer Live.Delete(tmp.Name())
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

// tempPrefix is the start of every temporary file name of path's writes.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// Live holds the temporary files this process is writing now (keys: their
// paths). Tests store a name in it to stand for a write in progress.
var Live sync.Map

// staleAge is the age after which a temporary file whose writer cannot be
// identified (an older llmvcr named them without the process id) or
// checked is taken to be left over: a write takes well under a second.
const staleAge = time.Hour

// removeStale removes the temporary files that earlier writes of path
// left behind, and only those: the name must be path's prefix followed
// by "<pid>-<digits>" (or, from older versions, "<digits>") and a regular
// file. One named with this process's id is stale unless a write of this
// process is writing it now; one named with another process's id is stale
// once that process has ended (a process that still runs, or a pid reused
// by another, keeps it until it is an hour old); one without a process id
// is stale after an hour. Errors are ignored: this is housekeeping.
func removeStale(path string) {
	dir, prefix := filepath.Dir(path), tempPrefix(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		name := e.Name()
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		full := filepath.Join(dir, name)
		if staleTemp(full, rest, e) {
			os.Remove(full)
		}
	}
}

// staleTemp decides for one temporary file whose name ends in rest.
func staleTemp(full, rest string, e fs.DirEntry) bool {
	pidText, random, hasPid := strings.Cut(rest, "-")
	if !allDigits(pidText) || (hasPid && !allDigits(random)) {
		return false // not a name a write makes
	}
	old := false
	if info, err := e.Info(); err == nil {
		old = time.Since(info.ModTime()) > staleAge
	}
	if !hasPid {
		return old // an older llmvcr's name: no process to ask
	}
	pid, err := strconv.Atoi(pidText)
	switch {
	case err != nil:
		return old
	case pid == os.Getpid():
		_, live := Live.Load(full)
		return !live
	}
	return old || processGone(pid)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// processGone reports whether no process with this id runs on this
// machine. When that cannot be told, it reports false.
func processGone(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		// Windows: OpenProcess fails with ERROR_INVALID_PARAMETER for an id
		// that no process has. Elsewhere FindProcess does not fail so.
		return runtime.GOOS == "windows" && errors.Is(err, syscall.Errno(87))
	}
	defer p.Release()
	// Unix: signal 0 checks the process exists; an ended one gives
	// os.ErrProcessDone. (Windows cannot send it: the process runs.)
	return errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone)
}
