package readme

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// mainModule and clientsModule are the modules a snippet is built in,
// as directories relative to the repository root.
const (
	mainModule    = "."
	clientsModule = "examples/clients"
)

// imports maps each package name a fragment may use to its import path
// and the module that can build it.
var imports = map[string]struct{ path, module string }{
	"context": {"context", mainModule},
	"errors":  {"errors", mainModule},
	"fmt":     {"fmt", mainModule},
	"http":    {"net/http", mainModule},
	"io":      {"io", mainModule},
	"json":    {"encoding/json", mainModule},
	"os":      {"os", mainModule},
	"strings": {"strings", mainModule},
	"testing": {"testing", mainModule},
	"time":    {"time", mainModule},

	"assert":    {"github.com/llmvcr/llmvcr/assert", mainModule},
	"cassettes": {"github.com/llmvcr/llmvcr/cassettes", mainModule},
	"fakeclock": {"github.com/llmvcr/llmvcr/fakes/fakeclock", mainModule},
	"fakemodel": {"github.com/llmvcr/llmvcr/fakes/fakemodel", mainModule},
	"fakes":     {"github.com/llmvcr/llmvcr/fakes", mainModule},
	"groq":      {"github.com/llmvcr/llmvcr/groq", mainModule},
	"llm":       {"github.com/llmvcr/llmvcr/llm", mainModule},
	"recorder":  {"github.com/llmvcr/llmvcr/recorder", mainModule},
	"replay":    {"github.com/llmvcr/llmvcr/replay", mainModule},

	"openai": {"github.com/openai/openai-go/v3", clientsModule},
	"option": {"github.com/openai/openai-go/v3/option", clientsModule},
}

// givens are the variables a fragment may use without declaring them, in
// the order the wrapper function takes them.
var givens = []struct{ name, typ, pkg string }{
	{"t", "*testing.T", "testing"},
	{"ctx", "context.Context", "context"},
	{"msgs", "[]llm.Message", "llm"},
	{"resp", "*llm.Response", "llm"},
	{"params", "openai.ChatCompletionNewParams", "openai"},
}

// block is one ```go fenced block of a Markdown file.
type block struct {
	line int    // line of the block's first line in the file, from 1
	text string // the lines inside the fence, the fence's indentation removed
}

// goBlocks returns the ```go fenced blocks of md, in order. A fence left
// open is an error, so that a broken fence cannot hide the snippets after it.
func goBlocks(md string) ([]block, error) {
	var (
		blocks []block
		open   = 0 // line of the open fence, 0 when outside one
		fence  string
		indent string
		isGo   bool
		lines  []string
	)
	for i, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimLeft(line, " \t")
		if open == 0 {
			if !strings.HasPrefix(trimmed, "```") {
				continue
			}
			fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, "`"))]
			info := strings.Fields(trimmed[len(fence):])
			open, indent, isGo, lines = i+1, line[:len(line)-len(trimmed)], len(info) > 0 && info[0] == "go", nil
			continue
		}
		if rest := strings.TrimRight(trimmed, " \t\r"); strings.HasPrefix(rest, fence) && strings.Trim(rest, "`") == "" {
			if isGo {
				blocks = append(blocks, block{line: open + 1, text: strings.Join(lines, "\n")})
			}
			open = 0
			continue
		}
		lines = append(lines, strings.TrimPrefix(line, indent))
	}
	if open != 0 {
		return nil, fmt.Errorf("line %d: fenced block never closed", open)
	}
	return blocks, nil
}

// snippet is a block made into a Go file.
type snippet struct {
	block
	module string // the module it is built in (mainModule or clientsModule)
	src    string // the Go file
}

// isFile reports whether text starts with a package clause.
func isFile(text string) bool {
	fset := token.NewFileSet()
	var s scanner.Scanner
	s.Init(fset.AddFile("", -1, len(text)), []byte(text), nil, 0)
	_, tok, _ := s.Scan()
	return tok == token.PACKAGE
}

// makeSnippet makes b, found in the file mdPath, into a Go file whose
// positions are b's lines in mdPath.
func makeSnippet(mdPath string, b block) (snippet, error) {
	lineDirective := fmt.Sprintf("//line %s:%d\n", mdPath, b.line)
	if isFile(b.text) {
		f, err := parser.ParseFile(token.NewFileSet(), "", b.text, parser.ImportsOnly)
		if err != nil {
			return snippet{}, fmt.Errorf("line %d: %w", b.line, err)
		}
		module := mainModule
		for _, spec := range f.Imports {
			for _, imp := range imports {
				if `"`+imp.path+`"` == spec.Path.Value && imp.module != mainModule {
					module = imp.module
				}
			}
		}
		return snippet{block: b, module: module, src: lineDirective + b.text + "\n"}, nil
	}

	// A fragment: the body of a function.
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p\nfunc _() {\n"+b.text+"\n}\n", 0)
	if err != nil {
		return snippet{}, fmt.Errorf("line %d: a Go block without a package clause must be statements: %w", b.line, err)
	}
	body := f.Decls[0].(*ast.FuncDecl).Body
	used := map[string]bool{} // package names used as such, and identifiers
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok {
				used["pkg "+x.Name] = true
			}
		case *ast.Ident:
			used[n.Name] = true
		}
		return true
	})
	var declared []string // at the top level of the fragment
	for _, stmt := range body.List {
		switch stmt := stmt.(type) {
		case *ast.AssignStmt:
			if stmt.Tok == token.DEFINE {
				for _, lhs := range stmt.Lhs {
					if id, ok := lhs.(*ast.Ident); ok && id.Name != "_" && !slices.Contains(declared, id.Name) {
						declared = append(declared, id.Name)
					}
				}
			}
		case *ast.DeclStmt:
			if gen, ok := stmt.Decl.(*ast.GenDecl); ok && gen.Tok == token.VAR {
				for _, spec := range gen.Specs {
					for _, id := range spec.(*ast.ValueSpec).Names {
						if id.Name != "_" && !slices.Contains(declared, id.Name) {
							declared = append(declared, id.Name)
						}
					}
				}
			}
		}
	}

	pkgs := map[string]bool{}
	for name := range imports {
		if used["pkg "+name] {
			pkgs[name] = true
		}
	}
	var params []string
	for _, g := range givens {
		if used[g.name] {
			params = append(params, g.name+" "+g.typ)
			pkgs[g.pkg] = true
		}
	}
	module := mainModule
	var paths []string
	for name := range pkgs {
		paths = append(paths, imports[name].path)
		if imports[name].module != mainModule {
			module = imports[name].module
		}
	}
	slices.Sort(paths)

	var src strings.Builder
	src.WriteString("package snippet\n\nimport (\n")
	for _, p := range paths {
		fmt.Fprintf(&src, "\t%q\n", p)
	}
	fmt.Fprintf(&src, ")\n\nfunc _(%s) {\n\t{\n", strings.Join(params, ", "))
	// The fragment's own lines carry its README positions; the wrapper's
	// lines after it cannot fail.
	src.WriteString(lineDirective + b.text + "\n")
	for _, name := range declared {
		fmt.Fprintf(&src, "\t\t_ = %s\n", name)
	}
	src.WriteString("\t}\n}\n")
	return snippet{block: b, module: module, src: src.String()}, nil
}

// snippets returns the Go blocks of the Markdown file at mdPath as Go files.
func snippets(t *testing.T, mdPath string) []snippet {
	t.Helper()
	md, err := os.ReadFile(mdPath)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := goBlocks(string(md))
	if err != nil {
		t.Fatalf("%s: %v", mdPath, err)
	}
	if len(blocks) == 0 {
		t.Fatalf("%s: no ```go blocks found", mdPath)
	}
	var out []snippet
	for _, b := range blocks {
		s, err := makeSnippet(mdPath, b)
		if err != nil {
			t.Fatalf("%s: %v", mdPath, err)
		}
		out = append(out, s)
	}
	return out
}

// repoRoot returns the absolute path of the repository root.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !bytes.HasPrefix(mod, []byte("module github.com/llmvcr/llmvcr\n")) {
		t.Fatalf("%s is not the llmvcr module root (%v)", root, err)
	}
	return root
}

// goCommand runs the go command offline in dir: nothing is fetched, and
// go.mod and go.sum are never rewritten.
func goCommand(t *testing.T, dir string, args ...string) ([]byte, error) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	cmd := exec.Command(goTool, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	return cmd.CombinedOutput()
}

// build compiles snippets, all of one module, as packages laid over the
// module at root/module, and returns the go command's output on failure.
func build(t *testing.T, root, module string, snippets []snippet) error {
	t.Helper()
	modDir := filepath.Join(root, module)
	tmp := t.TempDir()
	replace := map[string]string{}
	var pkgs []string
	for _, s := range snippets {
		// Under internal/readme in the main module, so that nothing
		// outside it may import them; at the root of the other.
		dir := fmt.Sprintf("readme_snippet_l%d", s.line)
		if module == mainModule {
			dir = path.Join("internal/readme", dir)
		}
		file := filepath.Join(tmp, fmt.Sprintf("l%d.go", s.line))
		if err := os.WriteFile(file, []byte(s.src), 0o644); err != nil {
			t.Fatal(err)
		}
		replace[filepath.Join(modDir, filepath.FromSlash(dir), "snippet.go")] = file
		pkgs = append(pkgs, "./"+dir)
	}
	overlay, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := goCommand(t, modDir, append([]string{"build", "-overlay=" + overlayFile}, pkgs...)...)
	if err != nil {
		return fmt.Errorf("go build: %v\n%s", err, strings.ReplaceAll(string(out), root+string(filepath.Separator), ""))
	}
	return nil
}

// byModule groups snippets by the module they are built in.
func byModule(all []snippet) map[string][]snippet {
	m := map[string][]snippet{}
	for _, s := range all {
		m[s.module] = append(m[s.module], s)
	}
	return m
}

// TestSnippetsCompile compiles every Go block of README.md against the
// code, so that a snippet naming something that no longer exists fails.
func TestSnippetsCompile(t *testing.T) {
	root := repoRoot(t)
	mods := byModule(snippets(t, filepath.Join(root, "README.md")))
	for _, module := range []string{mainModule, clientsModule} {
		t.Run("module="+module, func(t *testing.T) {
			if len(mods[module]) == 0 {
				t.Skip("no snippet needs this module")
			}
			if module != mainModule {
				// The other module's requirements are downloaded by its
				// own step of .ci/run; without them its snippets cannot be
				// built offline.
				if out, err := goCommand(t, filepath.Join(root, module), "list", "-deps", "./..."); err != nil {
					t.Skipf("%s's requirements are not available offline (run go mod download there): %v\n%s", module, err, out)
				}
			}
			if err := build(t, root, module, mods[module]); err != nil {
				t.Errorf("README.md snippets do not compile (a package or variable a fragment may use without declaring it is listed in readme_test.go):\n%v", err)
			}
		})
	}
}

// TestBrokenSnippetsFail builds testdata/broken.md, whose fragment and
// whole file each name something that does not exist: each must fail at
// its own line, and the good fragment must not.
func TestBrokenSnippetsFail(t *testing.T) {
	root := repoRoot(t)
	md, err := filepath.Abs(filepath.Join("testdata", "broken.md"))
	if err != nil {
		t.Fatal(err)
	}
	all := snippets(t, md)
	if len(all) != 3 {
		t.Fatalf("testdata/broken.md has %d Go blocks, want 3", len(all))
	}
	err = build(t, root, mainModule, all)
	if err == nil {
		t.Fatal("broken snippets compiled")
	}
	text := string(mustRead(t, md))
	for _, want := range []struct{ marker, undefined string }{
		{"replay.NoSuchOption", "NoSuchOption"},
		{"llm.NoSuchType", "NoSuchType"},
	} {
		line := lineOf(t, text, want.marker)
		if !regexp.MustCompile(fmt.Sprintf(`broken\.md:%d(:\d+)?: .*%s`, line, want.undefined)).MatchString(err.Error()) {
			t.Errorf("no error for %s at broken.md:%d in:\n%v", want.marker, line, err)
		}
	}
	if good := lineOf(t, text, "replay.AllowUnused"); strings.Contains(err.Error(), fmt.Sprintf("broken.md:%d:", good)) {
		t.Errorf("the good fragment at line %d failed:\n%v", good, err)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// lineOf returns the line, from 1, of the only line of text containing s.
func lineOf(t *testing.T, text, s string) int {
	t.Helper()
	if strings.Count(text, s) != 1 {
		t.Fatalf("%q occurs %d times, want once", s, strings.Count(text, s))
	}
	return strings.Count(text[:strings.Index(text, s)], "\n") + 1
}

func TestGoBlocks(t *testing.T) {
	for _, tc := range []struct {
		name, md string
		want     []block
		wantErr  string
	}{
		{name: "none", md: "text\n```sh\ngo test\n```\n"},
		{
			name: "top level and indented",
			md:   "a\n```go\nx := 1\n```\n- item\n\n  ```go\n  s := replay.New(t,\n  \treplay.AllowUnused(),\n  )\n  ```\n",
			want: []block{{line: 3, text: "x := 1"}, {line: 8, text: "s := replay.New(t,\n\treplay.AllowUnused(),\n)"}},
		},
		{
			name: "a longer fence holds a shorter one",
			md:   "````go\na := \"```\"\n```\n````\n```go\nb := 2\n```\n",
			want: []block{{line: 2, text: "a := \"```\"\n```"}, {line: 6, text: "b := 2"}},
		},
		{name: "info after go", md: "```go title=x\ny := 2\n```\n", want: []block{{line: 2, text: "y := 2"}}},
		{name: "not go", md: "```gomod\nmodule x\n```\n```\nplain\n```\n"},
		{name: "unclosed", md: "a\n```go\nx := 1\n", wantErr: "line 2: fenced block never closed"},
		{name: "unclosed other", md: "```sh\nls\n", wantErr: "line 1: fenced block never closed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := goBlocks(tc.md)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("goBlocks = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMakeSnippet(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		module     string
		contains   []string
		absent     []string
		wantErr    string
	}{
		{
			name:     "fragment gets only the imports and givens it uses",
			text:     "s := replay.New(t)\nresp, err := http.Get(\"x\")",
			module:   mainModule,
			contains: []string{`"github.com/llmvcr/llmvcr/replay"`, `"net/http"`, `"testing"`, "func _(t *testing.T, resp *llm.Response)", "_ = s\n", "_ = resp\n", "_ = err\n", "//line README.md:7\ns := replay.New(t)"},
			absent:   []string{`"context"`, "ctx context.Context", "msgs"},
		},
		{
			name:     "openai-go is built in examples/clients",
			text:     "c := openai.NewClient(option.WithHTTPClient(nil))\n_, _ = c.Chat.Completions.New(ctx, params)",
			module:   clientsModule,
			contains: []string{`"github.com/openai/openai-go/v3"`, `"github.com/openai/openai-go/v3/option"`, "func _(ctx context.Context, params openai.ChatCompletionNewParams)"},
		},
		{
			name:     "a whole file is kept as it is",
			text:     "// A comment first.\npackage x_test\n\nimport \"github.com/openai/openai-go/v3\"\n\nvar _ = openai.NewClient\n",
			module:   clientsModule,
			contains: []string{"//line README.md:7\n// A comment first.\npackage x_test\n"},
			absent:   []string{"func _("},
		},
		{name: "declarations are not statements", text: "func f() {}", wantErr: "line 7: a Go block without a package clause must be statements"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := makeSnippet("README.md", block{line: 7, text: tc.text})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.module != tc.module {
				t.Errorf("module = %q, want %q", s.module, tc.module)
			}
			for _, want := range tc.contains {
				if !strings.Contains(s.src, want) {
					t.Errorf("source lacks %q:\n%s", want, s.src)
				}
			}
			for _, bad := range tc.absent {
				if strings.Contains(s.src, bad) {
					t.Errorf("source has %q:\n%s", bad, s.src)
				}
			}
		})
	}
}

// TestPackageMap checks README.md's "## Packages" table against the
// module: every package outside internal/ has a row, and every package a
// row names exists (a name ending in "/" is a directory holding a module
// of its own).
func TestPackageMap(t *testing.T) {
	root := repoRoot(t)
	named, err := packageMap(string(mustRead(t, filepath.Join(root, "README.md"))))
	if err != nil {
		t.Fatal(err)
	}
	out, err := goCommand(t, root, "list", "./...")
	if err != nil {
		t.Fatalf("go list ./...: %v\n%s", err, out)
	}
	const prefix = "github.com/llmvcr/llmvcr/"
	pkgs := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		rel, ok := strings.CutPrefix(p, prefix)
		if !ok {
			t.Fatalf("go list ./... printed %q, outside the module", p)
		}
		pkgs[rel] = true
		if !named[rel] && !slices.Contains(strings.Split(rel, "/"), "internal") {
			t.Errorf("package %s is not in README.md's package map", rel)
		}
	}
	for name := range named {
		if dir, ok := strings.CutSuffix(name, "/"); ok {
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(dir), "go.mod")); err != nil {
				t.Errorf("README.md's package map names %s, which holds no module: %v", name, err)
			}
			continue
		}
		if !pkgs[name] {
			t.Errorf("README.md's package map names %s, which is not a package of the module", name)
		}
	}
}

// packageMap returns the names in backquotes in the first column of the
// table under "## Packages".
func packageMap(md string) (map[string]bool, error) {
	_, section, ok := strings.Cut(md, "\n## Packages\n")
	if !ok {
		return nil, fmt.Errorf(`no "## Packages" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	names := map[string]bool{}
	rows := 0
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || strings.TrimSpace(cells[0]) != "" {
			continue
		}
		first := strings.TrimSpace(cells[1])
		if first == "package" || strings.Trim(first, "-: ") == "" {
			continue // the header and its separator
		}
		rows++
		found := regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(first, -1)
		if len(found) == 0 {
			return nil, fmt.Errorf("package map row %q names no package in backquotes", line)
		}
		for _, m := range found {
			names[m[1]] = true
		}
	}
	if rows == 0 {
		return nil, fmt.Errorf(`no table rows under "## Packages"`)
	}
	return names, nil
}

func TestPackageMapParse(t *testing.T) {
	md := "# x\n\n## Packages\n\n| package | what |\n|---|---|\n| `llm` | words |\n| `a`, `b/c` | two |\n| `bench/` | a module |\n\n## Next\n\n| `notme` | x |\n"
	got, err := packageMap(md)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"llm": true, "a": true, "b/c": true, "bench/": true}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("packageMap = %v, want %v", got, want)
	}
	for _, bad := range []string{"# x\n", "## Packages\n\nno table\n", "x\n## Packages\n| package | what |\n|---|---|\n| llm | no quotes |\n"} {
		if _, err := packageMap(bad); err == nil {
			t.Errorf("packageMap(%q) succeeded", bad)
		}
	}
}

// exports is what a package declares for other packages to use: its
// exported top-level names, and for each exported type the exported
// methods and fields it has, with the types it embeds.
type exports struct {
	names   map[string]bool
	members map[string]map[string]bool // type name to its methods and fields
	embeds  map[string][]ast.Expr      // type name to the types it embeds
}

// readExports parses the non-test Go files of the package in dir.
func readExports(dir string) (*exports, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	e := &exports{names: map[string]bool{}, members: map[string]map[string]bool{}, embeds: map[string][]ast.Expr{}}
	member := func(typ, name string) {
		if e.members[typ] == nil {
			e.members[typ] = map[string]bool{}
		}
		e.members[typ][name] = true
	}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Recv == nil {
					e.names[decl.Name.Name] = true
					continue
				}
				recv := decl.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				if idx, ok := recv.(*ast.IndexExpr); ok { // a generic receiver
					recv = idx.X
				}
				if id, ok := recv.(*ast.Ident); ok {
					member(id.Name, decl.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						e.names[spec.Name.Name] = true
						st, ok := spec.Type.(*ast.StructType)
						if !ok {
							continue
						}
						for _, field := range st.Fields.List {
							for _, name := range field.Names {
								member(spec.Name.Name, name.Name)
							}
							if len(field.Names) == 0 {
								e.embeds[spec.Name.Name] = append(e.embeds[spec.Name.Name], field.Type)
							}
						}
					case *ast.ValueSpec:
						for _, name := range spec.Names {
							e.names[name.Name] = true
						}
					}
				}
			}
		}
	}
	return e, nil
}

// inlineRef matches pkg.Name or pkg.Type.Member.
var inlineRef = regexp.MustCompile(`\b([a-z][a-z0-9]*)\.([A-Z][A-Za-z0-9_]*)(?:\.([A-Z][A-Za-z0-9_]*))?`)

// ref is a quoted name of one of this module's packages.
type ref struct {
	name string // pkg.Name or pkg.Type.Member
	line int    // the line of its first quote, from 1
}

// inlineRefs returns the references to this module's packages (by the
// names in imports) in md's inline code spans, outside fenced blocks, in
// the order they first appear.
func inlineRefs(md string) []ref {
	var refs []ref
	seen := map[string]bool{}
	inFence := ""
	for i, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimLeft(line, " \t")
		if inFence != "" {
			if strings.HasPrefix(trimmed, inFence) && strings.Trim(strings.TrimSpace(trimmed), "`") == "" {
				inFence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") {
			inFence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, "`"))]
			continue
		}
		for _, span := range codeSpan.FindAllString(line, -1) {
			for _, m := range inlineRef.FindAllStringSubmatch(span, -1) {
				imp, ok := imports[m[1]]
				if !ok || !strings.HasPrefix(imp.path, "github.com/llmvcr/llmvcr/") {
					continue
				}
				name := strings.TrimSuffix(m[1]+"."+m[2]+"."+m[3], ".")
				if !seen[name] {
					seen[name] = true
					refs = append(refs, ref{name: name, line: i + 1})
				}
			}
		}
	}
	return refs
}

// codeSpan matches an inline code span on one line.
var codeSpan = regexp.MustCompile("`[^`]+`")

func TestInlineRefs(t *testing.T) {
	md := "Use `replay.New(t, replay.AllowUnused())` and `groq.Settings.Stop`, not replay.Bare\n" +
		"or `openai.NewClient` or `s.Client()`; `replay.New` again.\n" +
		"```go\nx := `replay.InFence`\n```\n" +
		"  ```sh\n  `llm.InShell`\n  ```\n" +
		"then `llm.Message`.\n"
	want := []ref{{"replay.New", 1}, {"replay.AllowUnused", 1}, {"groq.Settings.Stop", 1}, {"llm.Message", 9}}
	if got := inlineRefs(md); !slices.Equal(got, want) {
		t.Errorf("inlineRefs = %v, want %v", got, want)
	}
}

// TestInlineNames checks that every name of this module's packages that
// README.md's prose quotes in backquotes (replay.New, groq.Model.RequestStream,
// groq.Settings.Stop) is declared: a rename that missed the prose fails.
func TestInlineNames(t *testing.T) {
	root := repoRoot(t)
	refs := inlineRefs(string(mustRead(t, filepath.Join(root, "README.md"))))
	if len(refs) == 0 {
		t.Fatal("README.md quotes no name of the module's packages")
	}
	pkgs := map[string]*exports{}
	load := func(name string) *exports {
		if e, ok := pkgs[name]; ok {
			return e
		}
		rel := strings.TrimPrefix(imports[name].path, "github.com/llmvcr/llmvcr/")
		e, err := readExports(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		pkgs[name] = e
		return e
	}
	// has reports whether the type pkg.typ has member, its own or promoted
	// from a type it embeds (in its package or another of this module).
	var has func(pkg, typ, member string, depth int) bool
	has = func(pkg, typ, member string, depth int) bool {
		e := load(pkg)
		if e.members[typ][member] {
			return true
		}
		for _, emb := range e.embeds[typ] {
			if star, ok := emb.(*ast.StarExpr); ok {
				emb = star.X
			}
			switch emb := emb.(type) {
			case *ast.Ident:
				if emb.Name == member || depth < 5 && has(pkg, emb.Name, member, depth+1) {
					return true
				}
			case *ast.SelectorExpr:
				other, ok := emb.X.(*ast.Ident)
				if emb.Sel.Name == member {
					return true
				}
				if ok && depth < 5 {
					if _, known := imports[other.Name]; known && has(other.Name, emb.Sel.Name, member, depth+1) {
						return true
					}
				}
			}
		}
		return false
	}
	for _, r := range refs {
		parts := strings.Split(r.name, ".")
		e := load(parts[0])
		switch {
		case !e.names[parts[1]]:
			t.Errorf("README.md:%d: `%s`: package %s declares no %s", r.line, r.name, parts[0], parts[1])
		case len(parts) == 3 && !has(parts[0], parts[1], parts[2], 0):
			t.Errorf("README.md:%d: `%s`: %s.%s has no method or field %s", r.line, r.name, parts[0], parts[1], parts[2])
		}
	}
}
