package surface

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// ceiling is the most exported names the module may have. Lower it when
// a change removes names; never raise it without a reason in the commit.
const ceiling = 393

// count walks root and returns the exported names per package directory.
func count(t *testing.T, root string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			switch {
			case rel == ".":
				return nil
			case d.Name() == "internal", d.Name() == "testdata", strings.HasPrefix(d.Name(), "."),
				rel == "cmd", rel == "examples", rel == "bench", rel == "scripts":
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, 0)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" {
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(rel))
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						if spec.Name.IsExported() {
							counts[pkg]++
						}
					case *ast.ValueSpec:
						for _, n := range spec.Names {
							if n.IsExported() {
								counts[pkg]++
							}
						}
					}
				}
			case *ast.FuncDecl:
				if !decl.Name.IsExported() {
					continue
				}
				if decl.Recv == nil {
					counts[pkg]++
					continue
				}
				recv := decl.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				switch r := recv.(type) {
				case *ast.IndexExpr:
					recv = r.X
				case *ast.IndexListExpr:
					recv = r.X
				}
				if id, ok := recv.(*ast.Ident); ok && id.IsExported() {
					counts[pkg]++
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

func TestExportedNamesUnderCeiling(t *testing.T) {
	counts := count(t, filepath.Join("..", ".."))
	var pkgs []string
	total := 0
	for p, n := range counts {
		pkgs = append(pkgs, p)
		total += n
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		t.Logf("%-20s %d", p, counts[p])
	}
	t.Logf("total %d (ceiling %d)", total, ceiling)
	if len(counts) == 0 {
		t.Fatal("found no package: is the walk rooted at the module?")
	}
	if total > ceiling {
		t.Errorf("the module exports %d names, more than the ceiling of %d: export only what users call (see issue 13)", total, ceiling)
	}
}
