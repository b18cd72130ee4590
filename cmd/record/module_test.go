package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// readmeModuleSection is the README section TestReadmeFromAnotherModule follows.
const readmeModuleSection = "## Recording from your own module"

// moduleDoc is what that section shows: its sh commands, the inline
// go run/go install forms, and the test its flags mirror.
type moduleDoc struct {
	commands [][]string // each ```sh line, as words
	inline   []string   // `go run ...@latest` and `go install ...@latest`
	test     string     // the ```go block
}

var inlineGo = regexp.MustCompile("`(go (?:run|install) github\\.com/llmvcr/llmvcr/cmd/record@latest)`")

func parseModuleDoc(readme string) (*moduleDoc, error) {
	start := strings.Index(readme, "\n"+readmeModuleSection+"\n")
	if start < 0 {
		return nil, fmt.Errorf("no %q section", readmeModuleSection)
	}
	sec := readme[start+len(readmeModuleSection)+2:]
	if end := strings.Index(sec, "\n## "); end >= 0 {
		sec = sec[:end]
	}
	d := &moduleDoc{}
	for _, m := range inlineGo.FindAllStringSubmatch(sec, -1) {
		d.inline = append(d.inline, m[1])
	}
	lines := strings.Split(sec, "\n")
	for n := 0; n < len(lines); n++ {
		fence := strings.TrimSpace(lines[n])
		if fence != "```sh" && fence != "```go" {
			continue
		}
		var block []string
		for n++; n < len(lines) && strings.TrimSpace(lines[n]) != "```"; n++ {
			block = append(block, lines[n])
		}
		if fence == "```go" {
			d.test = strings.Join(block, "\n") + "\n"
			continue
		}
		for _, l := range block {
			if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			words, _, err := shellWords(l)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", l, err)
			}
			d.commands = append(d.commands, words)
		}
	}
	if len(d.commands) < 3 || len(d.inline) < 2 || d.test == "" {
		return nil, fmt.Errorf("the section shows %d commands, %d inline forms and a test of %d bytes; want the go get -tool block, the mirrored recording with go test, go run/go install @latest and the test", len(d.commands), len(d.inline), len(d.test))
	}
	return d, nil
}

// TestReadmeFromAnotherModule does what the README's "Recording from your
// own module" section says, in a new module outside this repository: this
// module is served as github.com/llmvcr/llmvcr@v0.1.0 by a module proxy in
// a directory (its dependencies from the local module cache, nothing from
// the network), "go get -tool" adds the command, "go tool record" records
// the section's test with the flags that mirror it, and "go test" replays
// that test from the cassette. go run ...@latest and go install ...@latest
// are run as well.
func TestReadmeFromAnotherModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command in a new module")
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parseModuleDoc(string(readme))
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(gobin, "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	realCache := filepath.Join(strings.TrimSpace(string(out)), "cache", "download")

	tmp := t.TempDir()
	proxy := filepath.Join(tmp, "proxy")
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	serveModule(t, root, proxy, "v0.1.0")
	mod := filepath.Join(tmp, "chat")
	bin := filepath.Join(tmp, "bin")
	for _, d := range []string{mod, bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, mod, "go.mod", "module example.com/chat\n\ngo 1.24\n")
	writeFile(t, mod, "chat_test.go", doc.test)

	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "GROQ_API_KEY", "GROQ_BASE_URL", "GOPROXY", "GOMODCACHE", "GOFLAGS", "GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GONOPROXY", "GOWORK", "GOBIN", "GOTOOLCHAIN", "LLMVCR_MODE":
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"GOPROXY=file://"+filepath.ToSlash(proxy)+",file://"+filepath.ToSlash(realCache),
		"GOMODCACHE="+filepath.Join(tmp, "modcache"),
		"GOFLAGS=-modcacherw -buildvcs=false",
		"GOSUMDB=off", "GOWORK=off", "GOTOOLCHAIN=local", "GOBIN="+bin)
	run := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		name := args[0]
		if name == "go" {
			name = gobin
		}
		cmd := exec.CommandContext(ctx, name, args[1:]...)
		cmd.Dir, cmd.Env = mod, env
		var b bytes.Buffer
		cmd.Stdout, cmd.Stderr = &b, &b
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, b.String())
		}
		return b.String()
	}
	var recordArgs []string // the mirrored recording, for the @latest forms
	for _, c := range doc.commands {
		if c[0] != "go" {
			t.Fatalf("README: %q: want a go command", strings.Join(c, " "))
		}
		if len(c) > 3 && c[1] == "tool" && c[2] == "record" && strings.Contains(strings.Join(c, " "), "-system") {
			recordArgs = c[3:]
		}
		t.Logf("README: %s", strings.Join(c, " "))
		o := run(c...)
		if c[1] == "test" && !strings.Contains(o, "ok") {
			t.Errorf("go test: %s", o)
		}
	}
	if recordArgs == nil {
		t.Fatal("README: no go tool record command with -system mirrors the test")
	}
	load(t, filepath.Join(mod, "testdata", "cassettes", "TestChat.yaml"))
	for _, in := range doc.inline {
		words := strings.Fields(in)
		t.Logf("README: %s", in)
		if words[1] == "install" {
			run(words...)
			run(filepath.Join(bin, "record"), "-h")
			continue
		}
		// go run ...@latest records the same cassette again.
		o := run(append(words, recordArgs...)...)
		if !strings.Contains(o, "record: replaced testdata/cassettes/TestChat.yaml: no changes apart from volatile fields") {
			t.Errorf("go run @latest:\n%s", o)
		}
	}
	run("go", "test", "-count=1", "./...")
}

// serveModule writes a module proxy directory holding the module at root
// as version, as proxy.golang.org serves modules: @v/list, .info, .mod and
// the zip of the module's files (nested modules and .git left out).
func serveModule(t *testing.T, root, proxy, version string) {
	t.Helper()
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod names no module")
	}
	path := string(m[1])
	dir := filepath.Join(proxy, filepath.FromSlash(path), "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"list":            version + "\n",
		version + ".info": fmt.Sprintf(`{"Version":%q,"Time":"2026-01-01T00:00:00Z"}`, version),
		version + ".mod":  string(gomod),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Create(filepath.Join(dir, version+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	prefix := path + "@" + version + "/"
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (d.Name() == ".git" || d.Name() == "vendor" || fileExists(filepath.Join(p, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		w, err := z.Create(prefix + rel)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err == nil {
		err = z.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return !errors.Is(err, fs.ErrNotExist)
}
