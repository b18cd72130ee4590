package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// outputCase is one thing standing where a command writes a cassette.
type outputCase struct {
	name  string
	setup func(t *testing.T, dir string) // makes what stands at out.yaml
	force bool                           // run with -force
	code  int                            // the exit status wanted
	say   string                         // a line stderr must hold
	// written: out.yaml (or the link's target) now holds the new cassette;
	// otherwise every file the setup made is byte for byte as it was.
	written bool
}

const goMod = "module example.com/mine\n\ngo 1.24\n"

// vcrpyIn is the absolute path of a real (vcrpy) recording to import.
func vcrpyIn(t *testing.T) string {
	t.Helper()
	in, err := filepath.Abs(filepath.Join("testdata", "vcrpy_instructions.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func outputCases() []outputCase {
	fakeCassette := func(t *testing.T, dir string) {
		cli(t, dir, nil, "-pace=false", "-o", "out.yaml", "What is the capital of France?").mustSucceed(t)
	}
	symlink := func(target string, make func(t *testing.T, dir string)) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			if make != nil {
				make(t, dir)
			}
			if err := os.Symlink(target, filepath.Join(dir, "out.yaml")); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
		}
	}
	toTarget := func(t *testing.T, dir string) { // a cassette at real/target.yaml
		if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
			t.Fatal(err)
		}
		cli(t, dir, nil, "-pace=false", "-o", "real/target.yaml", "What is the capital of France?").mustSucceed(t)
	}
	goModAt := func(name string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) { writeFile(t, dir, name, goMod) }
	}
	cases := []outputCase{
		{name: "nothing there", setup: func(*testing.T, string) {}, written: true},
		{name: "an empty file", setup: goModAt0, written: true},
		{name: "a cassette", setup: fakeCassette, say: "record: replaced out.yaml: ", written: true},
		{name: "go.mod", setup: goModAt("out.yaml"), code: 1, say: "record: refusing to overwrite out.yaml: it does not load as a cassette ("},
		{name: "go.mod with -force", setup: goModAt("out.yaml"), force: true, say: "record: replaced out.yaml, which did not load as a cassette (-force)", written: true},
		{name: "a YAML file that is not a cassette", setup: func(t *testing.T, dir string) {
			writeFile(t, dir, "out.yaml", "name: ci\non: [push]\njobs: {test: {runs-on: ubuntu-latest}}\n")
		}, code: 1, say: "refusing to overwrite out.yaml: it does not load as a cassette"},
		{name: "a cassette cut short", setup: func(t *testing.T, dir string) {
			fakeCassette(t, dir)
			b, _ := os.ReadFile(filepath.Join(dir, "out.yaml"))
			writeFile(t, dir, "out.yaml", string(b[:len(b)/2])+"\n  - request: [\n")
		}, code: 1, say: "refusing to overwrite out.yaml: it does not load as a cassette"},
		{name: "a link to a cassette", setup: symlink(filepath.Join("real", "target.yaml"), toTarget),
			say: "record: out.yaml is a symbolic link: wrote its target " + filepath.Join("real", "target.yaml") + " (the link is unchanged)", written: true},
		{name: "a link to go.mod", setup: symlink("go.mod", goModAt("go.mod")), code: 1,
			say: "record: refusing to overwrite out.yaml: its link target go.mod does not load as a cassette"},
		{name: "a link to nothing", setup: symlink("missing.yaml", nil), code: 1,
			say: "record: refusing to write out.yaml: it is a symbolic link to missing.yaml, which cannot be followed"},
		{name: "a link to nothing with -force", setup: symlink("missing.yaml", nil), force: true, code: 1,
			say: "which cannot be followed"},
		{name: "a link loop", setup: func(t *testing.T, dir string) {
			if err := os.Symlink("out.yaml", filepath.Join(dir, "out.yaml")); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
		}, code: 1, say: "which cannot be followed"},
	}
	fifo := func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "pipe")) }
	cases = append(cases,
		outputCase{name: "a named pipe, even with -force", setup: func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "out.yaml")) },
			force: true, code: 1, say: "record: refusing to write out.yaml: it is not a regular file but a named pipe"},
		outputCase{name: "a link to a named pipe, even with -force", setup: symlink("pipe", fifo), force: true, code: 1,
			say: "record: refusing to write out.yaml: its link target pipe is not a regular file but a named pipe"},
	)
	return cases
}

func goModAt0(t *testing.T, dir string) { writeFile(t, dir, "out.yaml", "") }

// snapshot reads every file under dir (links as links).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&os.ModeSymlink != 0:
			dest, err := os.Readlink(p)
			files[rel] = "link to " + dest
			return err
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			files[rel] = string(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// checkOutputCase runs args (which write out.yaml in dir) on what the case
// put there, and checks the exit status, the line and what is on disk.
func checkOutputCase(t *testing.T, c outputCase, wantSource string, args ...string) {
	t.Helper()
	dir := t.TempDir()
	c.setup(t, dir)
	before := snapshot(t, dir)
	if c.force && args[0] == "import-vcrpy" {
		args = append([]string{args[0], "-force"}, args[1:]...)
	} else if c.force {
		args = append([]string{"-force"}, args...)
	}
	r := cli(t, dir, nil, args...)
	if r.code != c.code || !strings.Contains(r.stderr, c.say) {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit %d and %q", r.code, r.stderr, c.code, c.say)
	}
	if c.code != 0 && strings.Count(r.stderr, "record: ") != strings.Count(r.stderr, "\n") {
		t.Errorf("a refusal of more than one line:\n%s", r.stderr)
	}
	after := snapshot(t, dir)
	if !c.written {
		for name, content := range before {
			if after[name] != content {
				t.Errorf("%s changed although nothing was to be written", name)
			}
		}
		for name := range after {
			if _, ok := before[name]; !ok {
				t.Errorf("%s was created although nothing was to be written", name)
			}
		}
		return
	}
	target := filepath.Join(dir, "out.yaml")
	if st, err := os.Lstat(target); err == nil && st.Mode()&os.ModeSymlink != 0 {
		if after["out.yaml"] != before["out.yaml"] {
			t.Errorf("the link was changed: %q, was %q", after["out.yaml"], before["out.yaml"])
		}
		target = filepath.Join(dir, "real", "target.yaml")
	}
	got := load(t, target)
	if len(got.Interactions) == 0 || !strings.Contains(got.Interactions[0].Request.Body, wantSource) {
		t.Errorf("%s does not hold the new cassette", target)
	}
}

// figure logs, for scripts/reliability.sh, what a guard test covered:
// the cases, how many were refused with every file left byte for byte,
// and how many wrote the new cassette.
func figure(t *testing.T, name string, cases []outputCase) {
	t.Helper()
	if t.Failed() {
		return
	}
	refused, written := 0, 0
	for _, c := range cases {
		if c.written {
			written++
		} else {
			refused++
		}
	}
	t.Logf("FIGURE %s cases=%d refused_files_unchanged=%d written=%d", name, len(cases), refused, written)
}

// Recording with -o writes only over nothing, an empty file or a cassette;
// anything else is refused (exit 1, one line, nothing sent or written)
// unless -force, a symbolic link is followed and kept, and a link to
// nothing, a directory or a device is refused even with -force.
func TestRecordOutputGuard(t *testing.T) {
	cases := append(outputCases(), fakeOverRealCases()...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkOutputCase(t, c, "Is it new?", "-pace=false", "-o", "out.yaml", "Is it new?")
		})
	}
	figure(t, "output-guard-o", cases)
}

// import-vcrpy OUT follows the same rules.
func TestImportOutputGuard(t *testing.T) {
	cases := outputCases()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkOutputCase(t, c, "You are a helpful assistant.", "import-vcrpy", vcrpyIn(t), "out.yaml")
		})
	}
	figure(t, "output-guard-import", cases)
}

// A scenario's file under -dir follows the same rules, and one refused
// output stops the run before anything is recorded.
func TestScenariosOutputGuard(t *testing.T) {
	cases := append(outputCases(), fakeOverRealCases()...)
	defer figure(t, "output-guard-dir", cases)
	for _, c := range cases {
		setup := c.setup
		c.setup = func(t *testing.T, dir string) {
			setup(t, dir)
			writeFile(t, dir, "s.json", scenariosFor)
		}
		c.say = strings.Replace(c.say, "record: refusing", "record: scenario out: refusing", 1)
		t.Run(c.name, func(t *testing.T) {
			checkOutputCase(t, c, "Is it new?", "-pace=false", "-scenarios", "s.json", "-dir", ".")
		})
	}

	// Of two scenarios, one refused: neither is recorded.
	dir := t.TempDir()
	writeFile(t, dir, "go.mod", goMod)
	writeFile(t, dir, "s.json", `{"scenarios": [{"name": "TestA", "turns": ["Hi there"]}, {"name": "go", "turns": ["Hi there"]}]}`)
	writeFile(t, dir, "go.yaml", goMod)
	r := cli(t, dir, nil, "-pace=false", "-scenarios", "s.json", "-dir", ".")
	if want := "record: scenario go: refusing to overwrite go.yaml: it does not load as a cassette"; r.code != 1 || !strings.Contains(r.stderr, want) || !strings.HasSuffix(r.stderr, "; nothing recorded\n") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and %q", r.code, r.stderr, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "TestA.yaml")); err == nil {
		t.Error("a scenario was recorded although another's output was refused")
	}
}

// fakeOverRealCases: a recording from a real server (here, pydantic-ai's
// import) is not replaced by the embedded fake's answers unless -force.
func fakeOverRealCases() []outputCase {
	real := func(t *testing.T, dir string) {
		cli(t, dir, nil, "import-vcrpy", vcrpyIn(t), "out.yaml").mustSucceed(t)
	}
	return []outputCase{
		{name: "a real recording", setup: real, code: 1,
			say: "record: refusing to replace out.yaml, recorded from a real server, with answers from the embedded fake Groq server; set GROQ_API_KEY to re-record it, or pass -force"},
		{name: "a real recording with -force", setup: real, force: true, written: true,
			say: "record: replaced out.yaml, recorded from a real server, with answers from the embedded fake (-force)"},
	}
}

// A recording that fails (refused connection, Groq's error, the timeout,
// one scenario of several) leaves the cassette it would have replaced byte
// for byte as it was.
func TestFailedRecordingKeepsOutput(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	cli(t, dir, nil, "-pace=false", "-o", "out.yaml", "What is the capital of France?").mustSucceed(t)
	writeFile(t, dir, "s.json", `{"scenarios": [{"name": "out", "turns": ["Hi there", "And again?"], "model": "no-such-model"}]}`)
	good, err := os.ReadFile(filepath.Join(dir, "out.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	failures := []struct {
		name string
		env  []string
		args []string
	}{
		{"refused connection", []string{"GROQ_API_KEY=test-key-not-a-real-one", "GROQ_BASE_URL=" + closed}, []string{"-o", "out.yaml", "Hi there"}},
		{"an unknown model", nil, []string{"-pace=false", "-model", "no-such-model", "-o", "out.yaml", "Hi there"}},
		{"the timeout", nil, []string{"-timeout", "1ns", "-o", "out.yaml", "Hi there"}},
		{"a failed scenario", nil, []string{"-pace=false", "-scenarios", "s.json", "-dir", "."}},
		{"an import without interactions", nil, []string{"import-vcrpy", "empty.yaml", "out.yaml"}},
	}
	for _, c := range failures {
		t.Run(c.name, func(t *testing.T) {
			writeFile(t, dir, "empty.yaml", "interactions: []\nversion: 1\n")
			r := cli(t, dir, c.env, c.args...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
			}
			if now, _ := os.ReadFile(filepath.Join(dir, "out.yaml")); !bytes.Equal(now, good) {
				t.Errorf("the cassette changed; stderr:\n%s", r.stderr)
			}
		})
	}
	if !t.Failed() {
		t.Logf("FIGURE failed-recording-keeps-cassette failures=%d cassette_unchanged=%d", len(failures), len(failures))
	}
}

// scenariosFor is a scenarios file recording "Is it new?" into out.yaml.
const scenariosFor = `{"scenarios": [{"name": "out", "turns": ["Is it new?"]}]}`
