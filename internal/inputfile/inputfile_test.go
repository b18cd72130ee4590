package inputfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(p, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Read(p)
	if err != nil || string(b) != "hello" {
		t.Fatalf("Read = %q, %v", b, err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(p, link); err == nil {
		if b, err := Read(link); err != nil || string(b) != "hello" {
			t.Fatalf("through a link: %q, %v", b, err)
		}
	}
	if _, err := Read(filepath.Join(dir, "missing.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestReadRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{dir: "a directory"}
	if fifo := makeFIFO(t, dir); fifo != "" {
		cases[fifo] = "a named pipe" // opening it would block: no writer
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		cases["/dev/zero"] = "a device" // reading it would never end
	}
	for path, want := range cases {
		_, err := Read(path)
		if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("Read(%s) = %v, want ErrNotRegular naming %s", path, err, want)
		}
	}
}

func TestReadRefusesAFileTooLarge(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.yaml")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: no disk is written, the size is what Stat sees.
	if err := f.Truncate(MaxSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := Read(p); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "256 MiB") {
		t.Fatalf("Read = %v, want ErrTooLarge", err)
	}
	if err := os.Truncate(p, 11); err != nil {
		t.Fatal(err)
	}
	if _, err := read(p, 10); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("read over a small limit = %v", err)
	}
	if b, err := read(p, 11); err != nil || len(b) != 11 {
		t.Fatalf("read at the limit = %d bytes, %v", len(b), err)
	}
}
