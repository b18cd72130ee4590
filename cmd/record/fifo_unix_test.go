//go:build unix

package main

import (
	"syscall"
	"testing"
)

// mkfifo makes a named pipe at path: a file that is not a regular file,
// made in the test's own directory (never a real device: were the guard
// reverted, the test would replace it).
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
}
