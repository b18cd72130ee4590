// Package surface counts the module's exported names, as issue 13 counts
// them: exported top-level funcs, types, consts and vars, plus exported
// methods of exported types, in non-test files outside internal/, cmd/,
// examples/ and bench/. Its test holds the count under a ceiling, so the
// public surface only shrinks; `go test -v ./internal/surface` prints it
// per package. Its tests also hold the design's import arrows (which
// package may never link which), so the packages stay small and one-way.
package surface
