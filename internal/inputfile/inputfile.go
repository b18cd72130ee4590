// Package inputfile reads the files llmvcr takes as input (cassettes,
// golden files, scenario and tool specs) in bounded time and memory. A
// path that is not a regular file (a named pipe, a device such as
// /dev/zero, a socket, a directory) is refused before it is opened, so a
// read never blocks on a pipe with no writer nor runs on without end; a
// file larger than the limit is refused without being read whole.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxSize is the largest input file read: far above any cassette a test
// suite commits (a long stream is a few hundred KiB), far below what would
// strain a CI machine's memory.
const MaxSize = 256 << 20

// ErrNotRegular is wrapped by the error for a path that is not a regular
// file.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the error for a file larger than the limit.
var ErrTooLarge = errors.New("file too large")

// Read returns the contents of the regular file at path (links followed),
// refusing, with an error wrapping ErrNotRegular or ErrTooLarge, anything
// else or anything larger than MaxSize. A missing file gives an error
// matching fs.ErrNotExist, as os.ReadFile does.
func Read(path string) ([]byte, error) { return read(path, MaxSize) }

func read(path string, max int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Op = "open" // what the caller asked for, as os.ReadFile says it
		}
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(path, st.Mode())
	}
	if st.Size() > max {
		return nil, tooLarge(path, max)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have been replaced or may grow after the Stat: the
	// limit holds for what is read, whatever stands there now.
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, notRegular(path, st.Mode())
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, tooLarge(path, max)
	}
	return b, nil
}

func notRegular(path string, m fs.FileMode) error {
	return fmt.Errorf("%w: %s is %s", ErrNotRegular, path, Kind(m))
}

func tooLarge(path string, max int64) error {
	return fmt.Errorf("%w: %s is larger than %d MiB", ErrTooLarge, path, max>>20)
}

// Kind names a file that is not regular ("a named pipe", "a device", ...).
func Kind(m fs.FileMode) string {
	switch t := m.Type(); {
	case m.IsDir():
		return "a directory"
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case t&fs.ModeSocket != 0:
		return "a socket"
	case t&fs.ModeDevice != 0:
		return "a device"
	default:
		return "a " + t.String() + " file"
	}
}
