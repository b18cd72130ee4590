package groqwire

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The wire types are internal because a user never needs them: the code
// written as a user writes it (the runnable examples of the module, of
// groq and of fakes, which script the fake with Reply, Stream, Error and
// the builders) imports no internal package.
func TestUserCodeNamesNoWireType(t *testing.T) {
	root := filepath.Join("..", "..")
	var files []string
	for _, pattern := range []string{"examples/*.go", "groq/example_test.go", "fakes/example_test.go"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 3 {
		t.Fatalf("found %d user files: is the walk rooted at the module?", len(files))
	}
	for _, f := range files {
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range file.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			if strings.HasPrefix(path, "github.com/llmvcr/llmvcr/") && strings.Contains(path, "/internal/") {
				t.Errorf("%s imports %s: user code must not need an internal package", f, path)
			}
		}
	}
}
