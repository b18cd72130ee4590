package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestInspect(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "tools.json", toolsJSON)
	cli(t, dir, nil, "-pace=false", "-stream", "-system", "Be concise.", "-temperature", "0", "-tools", "tools.json", "-o", "w.yaml", "What is the weather in Paris?").mustSucceed(t)
	r := cli(t, dir, nil, "inspect", "w.yaml").mustSucceed(t)
	for _, want := range []string{
		"w.yaml: 2 interactions, recorded from the embedded fake Groq server",
		"interaction 0: POST https://api.groq.com/openai/v1/chat/completions",
		"  model llama-3.3-70b-versatile, streamed, temperature 0, tool_choice auto",
		"  tools offered: get_weather(city), get_time(tz?)",
		"  system: Be concise.",
		"  user: What is the weather in Paris?",
		"  -> 200 OK, headers after ",
		`  tool call: get_weather({"city":"Paris"}) [`,
		"  finish: tool_calls",
		"interaction 1:",
		"  (3 earlier messages as above)",
		`  tool result [`,
		`  text: Here is what I found: get_weather returned {"city":"Paris","sky":"clear","temperature_c":18}.`,
		"  finish: stop",
		"  usage: 135 tokens in, 11 out, 146 total; queue ",
		"  stream: 11 events, ends with [DONE]; first after ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// inspect reads real Groq traffic too: an imported pydantic-ai recording.
func TestInspectImported(t *testing.T) {
	dir := t.TempDir()
	in, err := filepath.Abs(filepath.Join("testdata", "vcrpy_instructions.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cli(t, dir, nil, "import-vcrpy", in, "real.yaml").mustSucceed(t)
	r := cli(t, dir, nil, "inspect", "real.yaml").mustSucceed(t)
	for _, want := range []string{
		"real.yaml: 1 interaction\n",
		"  system: You are a helpful assistant.",
		"  user: What is the capital of France?",
		"  text: The capital of France is Paris.",
		"  usage: 48 tokens in, 8 out, 56 total",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestImportVCRPy(t *testing.T) {
	dir := t.TempDir()
	in, _ := filepath.Abs(filepath.Join("testdata", "vcrpy_instructions.yaml"))
	r := cli(t, dir, nil, "import-vcrpy", in, "sub/dir/TestInstructions.yaml").mustSucceed(t)
	if !strings.Contains(r.stderr, "record: imported 1 interaction from") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	c := load(t, filepath.Join(dir, "sub", "dir", "TestInstructions.yaml"))
	if len(c.Interactions) != 1 || !strings.Contains(c.Interactions[0].Request.Body, "You are a helpful assistant.") {
		t.Errorf("imported cassette: %+v", c.Interactions)
	}

	writeFile(t, dir, "notvcrpy.yaml", "interactions: 7\n")
	r = cli(t, dir, nil, "import-vcrpy", "notvcrpy.yaml", "out.yaml")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "record: ") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.yaml")); err == nil {
		t.Error("a failed import wrote a file")
	}
}

func TestLint(t *testing.T) {
	dir := t.TempDir()
	cli(t, dir, nil, "-pace=false", "-o", "cassettes/good.yaml", "What is the capital of France?").mustSucceed(t)
	r := cli(t, dir, nil, "lint", "cassettes").mustSucceed(t)
	if !strings.Contains(r.stderr, "record: lint: 1 cassette, no findings") || r.stdout != "" {
		t.Errorf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}

	// A key shape left in a cassette (as a hand edit might) is a finding.
	good, err := os.ReadFile(filepath.Join(dir, "cassettes", "good.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	leaked := strings.Replace(string(good), "What is the capital of France?", "my key is gsk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN", 1)
	writeFile(t, dir, "cassettes/leak.yaml", leaked)
	writeFile(t, dir, "broken.yaml", "version: 2\ninteractions: [\n")
	r = cli(t, dir, nil, "lint", "cassettes", "broken.yaml")
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	for _, want := range []string{"leak.yaml: interaction 0: secret: ", "broken.yaml: load: "} {
		if !strings.Contains(r.stdout, filepath.FromSlash(want)) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "abcdefghijklmnop") {
		t.Errorf("lint printed the secret:\n%s", r.stdout)
	}
	// The summary ends stderr; before it, a notice for each cassette
	// recorded from the fake (TestLintCannedIsANoticeNotAFinding).
	if want := "record: lint: 2 findings in 2 cassettes of 3 cassettes\n"; !strings.HasSuffix(r.stderr, "\n"+want) && r.stderr != want {
		t.Errorf("stderr %q, want it to end with %q", r.stderr, want)
	}
}

func TestDiff(t *testing.T) {
	dir := t.TempDir()
	q := "What is the capital of France?"
	cli(t, dir, nil, "-pace=false", "-o", "a.yaml", q).mustSucceed(t)
	cli(t, dir, nil, "-pace=false", "-o", "b.yaml", q).mustSucceed(t)
	cli(t, dir, nil, "-pace=false", "-o", "c.yaml", "-temperature", "0.2", q).mustSucceed(t)

	r := cli(t, dir, nil, "diff", "a.yaml", "b.yaml").mustSucceed(t)
	if !strings.Contains(r.stdout, "no changes apart from volatile fields") {
		t.Errorf("two recordings of the same request:\n%s", r.stdout)
	}
	r = cli(t, dir, nil, "diff", "a.yaml", "c.yaml")
	if r.code != 1 {
		t.Errorf("exit %d, want 1 for a drifted request", r.code)
	}
	if !strings.Contains(r.stdout, "interaction 0 request temperature: (absent) -> 0.2") {
		t.Errorf("the drift report does not name the change:\n%s", r.stdout)
	}
	if want := "record: diff: a.yaml and c.yaml differ: 1 change beyond volatile fields\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		r := cli(t, t.TempDir(), nil, args...).mustSucceed(t)
		for _, want := range []string{"Usage:", "Examples:", `record -o demo.yaml "What is the capital of France?"`, "record inspect demo.yaml", "-max-tokens", "Exit status: 0 success, 1 failure"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("record %v: usage lacks %q", args, want)
			}
		}
	}
}

// Usage errors exit 2 with one line on stderr that points to -h.
func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "s.yaml", "scenarios: [{name: a, turns: [hi]}]\n")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no prompt", nil, "no prompt"},
		{"blank prompt", []string{"  "}, "no prompt"},
		{"unknown flag", []string{"-nope", "hi"}, "flag provided but not defined: -nope"},
		{"bad number", []string{"-temperature", "warm", "hi"}, `invalid value "warm" for flag -temperature: not a number`},
		{"bad integer", []string{"-max-tokens", "1.5", "hi"}, "not an integer"},
		{"bad choice", []string{"-reasoning-format", "fancy", "hi"}, "want one of hidden, raw, parsed"},
		{"bad max steps", []string{"-max-steps", "0", "hi"}, "-max-steps must be at least 1"},
		{"bad timeout", []string{"-timeout", "-1s", "hi"}, "-timeout must be positive"},
		{"dir without scenarios", []string{"-dir", "x", "hi"}, "-dir applies only with -scenarios"},
		{"scenarios with a prompt", []string{"-scenarios", "s.yaml", "hi"}, "-scenarios takes no prompt"},
		{"scenarios with -o", []string{"-scenarios", "s.yaml", "-o", "x.yaml"}, "-o does not apply to -scenarios"},
		{"inspect without file", []string{"inspect"}, "inspect takes one cassette file"},
		{"lint without path", []string{"lint"}, "lint takes cassette files or directories"},
		{"import with one file", []string{"import-vcrpy", "a.yaml"}, "import-vcrpy takes two files"},
		{"diff with three files", []string{"diff", "a", "b", "c"}, "diff takes two cassettes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := cli(t, dir, nil, c.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", r.code, r.stderr)
			}
			if !strings.HasPrefix(r.stderr, "record: ") || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, c.want) || !strings.Contains(r.stderr, "record -h") {
				t.Errorf("stderr %q, want one line with %q", r.stderr, c.want)
			}
		})
	}
}

// Failures exit 1 with one clear line on stderr, and save nothing.
func TestFailures(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.json", `[{"name": "get weather!"}]`)
	writeFile(t, dir, "typo.json", `[{"name": "f", "paramaters": {}}]`)
	writeFile(t, dir, "notjson.json", `{"tools": [`)
	writeFile(t, dir, "notlist.json", `{"name": "f"}`)
	writeFile(t, dir, "schema.json", `[{"name": "f", "parameters": [1, 2]}]`)
	writeFile(t, dir, "noturns.yaml", "scenarios: [{name: a}]\n")
	writeFile(t, dir, "badname.yaml", "scenarios: [{name: ../escape, turns: [hi]}]\n")
	writeFile(t, dir, "dupname.yaml", "scenarios: [{name: a, turns: [hi]}, {name: a, turns: [ho]}]\n")
	writeFile(t, dir, "unknownkey.yaml", "scenarios: [{name: a, turns: [hi], temprature: 1}]\n")
	writeFile(t, dir, "two.json", `[{"name": "a", "turns": ["hi there"]}, {"name": "b", "turns": ["ho there"]}]`)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"missing tools file", []string{"-tools", "nope.json", "hi"}, "tools file nope.json: open nope.json: no such file"},
		{"bad tool name", []string{"-tools", "bad.json", "hi"}, `tool 0: name "get weather!"`},
		{"misspelt tool key", []string{"-tools", "typo.json", "hi"}, `unknown field "paramaters"`},
		{"tools file not JSON", []string{"-tools", "notjson.json", "hi"}, "tools file notjson.json: "},
		{"tools file not a list", []string{"-tools", "notlist.json", "hi"}, "want a list of tools"},
		{"schema not an object", []string{"-tools", "schema.json", "hi"}, "parameters must be a JSON schema object"},
		{"unknown model", []string{"-pace=false", "-model", "no-such-model", "hi"}, "the embedded fake Groq server answered 404: The model `no-such-model` does not exist"},
		{"missing scenarios file", []string{"-scenarios", "nope.yaml"}, "scenarios file nope.yaml: "},
		{"scenario without turns", []string{"-scenarios", "noturns.yaml"}, "scenario a (line 1): no turns"},
		{"scenario name with a slash", []string{"-scenarios", "badname.yaml"}, `name "../escape"`},
		{"scenario name twice", []string{"-scenarios", "dupname.yaml"}, "the name is used twice"},
		{"misspelt scenario key", []string{"-scenarios", "unknownkey.yaml"}, `unknown field "temprature"`},
		{"inspect missing file", []string{"inspect", "nope.yaml"}, "nope.yaml"},
		{"lint missing path", []string{"lint", "nope"}, "nope"},
		{"diff missing file", []string{"diff", "nope.yaml", "nope2.yaml"}, "nope.yaml"},
		{"import missing file", []string{"import-vcrpy", "nope.yaml", "out.yaml"}, "nope.yaml"},
		{"timeout", []string{"-timeout", "1ms", "What is the capital of France?"}, "gave up after -timeout 1ms; nothing saved"},
		{"scenarios timeout", []string{"-timeout", "1ms", "-scenarios", "two.json", "-dir", "out"}, "record: recorded 0 of 2 scenarios into out; gave up after -timeout 1ms"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := cli(t, dir, nil, c.args...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
			}
			if l := lastLine(r.stderr); !strings.HasPrefix(l, "record: ") || !strings.Contains(l, c.want) {
				t.Errorf("last line of stderr %q, want one with %q", l, c.want)
			}
			for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
				if !strings.HasPrefix(l, "record: ") {
					t.Errorf("stderr line %q is not the command's own", l)
				}
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") && e.Name() != "noturns.yaml" && e.Name() != "badname.yaml" && e.Name() != "dupname.yaml" && e.Name() != "unknownkey.yaml" {
			t.Errorf("a failed run left %s", e.Name())
		}
	}
}

// The README's quickstart: every command in the code blocks of its
// "Set-up" section ("Record your own" included), parsed from ../../README.md
// at test time and run in order in an empty directory that stands for the
// repository root, each expected to exit as its comment says (0 unless
// "exit N"). The key is not set, so the embedded fake answers, at Groq's pace
// as a user sees it.
func TestQuickstart(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatalf("reading the README: %v", err)
	}
	steps, err := quickstartSteps(string(readme))
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	dir := t.TempDir()
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	for _, s := range steps {
		for _, a := range s.args {
			copyRepoFile(t, root, dir, a)
		}
	}
	for _, s := range steps {
		t.Logf("README line %d: %s", s.line, s.text)
		r := cli(t, dir, nil, s.args...)
		if r.code != s.code {
			t.Fatalf("README line %d: %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", s.line, s.text, r.code, s.code, r.stdout, r.stderr)
		}
		for k, a := range s.args {
			if a == "-o" && k+1 < len(s.args) {
				load(t, filepath.Join(dir, s.args[k+1]))
			}
		}
	}
}

// quickstartStep is one command of the README's quickstart.
type quickstartStep struct {
	line int      // in README.md
	text string   // as written
	args []string // after "go run ./cmd/record"
	code int      // the exit status its comment promises
}

var exitComment = regexp.MustCompile(`\bexit (\d+)\b`)

// quickstartSteps returns the commands in the sh code blocks of the
// README's "## Set-up" section, leaving out comments, the export of
// GROQ_API_KEY and "go test ./...".
func quickstartSteps(readme string) ([]quickstartStep, error) {
	lines := strings.Split(readme, "\n")
	start := -1
	for n, l := range lines {
		if strings.TrimSpace(l) == "## Set-up" {
			start = n
			break
		}
	}
	if start < 0 {
		return nil, errors.New(`no "## Set-up" heading: TestQuickstart runs the commands of that section`)
	}
	var steps []quickstartStep
	inBlock, blocks, sawRecordYourOwn := false, 0, false
	for n := start + 1; n < len(lines); n++ {
		l := strings.TrimSpace(lines[n])
		if !inBlock && strings.HasPrefix(l, "## ") {
			break
		}
		if l == "### Record your own" {
			sawRecordYourOwn = true
		}
		if strings.HasPrefix(l, "```") {
			if !inBlock && l != "```sh" {
				return nil, fmt.Errorf("line %d: a code block in Set-up that is not ```sh: %s", n+1, l)
			}
			inBlock = !inBlock
			if inBlock {
				blocks++
			}
			continue
		}
		if !inBlock || l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "export GROQ_API_KEY=") {
			continue
		}
		words, comment, err := shellWords(l)
		if err != nil {
			return nil, fmt.Errorf("line %d: %s: %v", n+1, l, err)
		}
		if strings.Join(words, " ") == "go test ./..." {
			continue
		}
		if len(words) < 3 || words[0] != "go" || words[1] != "run" || words[2] != "./cmd/record" {
			return nil, fmt.Errorf(`line %d: %q: want "go run ./cmd/record ...", "go test ./..." or "export GROQ_API_KEY=..."`, n+1, l)
		}
		step := quickstartStep{line: n + 1, text: l, args: words[3:]}
		if m := exitComment.FindStringSubmatch(comment); m != nil {
			step.code, _ = strconv.Atoi(m[1])
		}
		steps = append(steps, step)
	}
	switch {
	case inBlock:
		return nil, errors.New("a code block in Set-up is not closed")
	case !sawRecordYourOwn:
		return nil, errors.New(`no "### Record your own" heading under "## Set-up"`)
	case blocks < 3 || len(steps) < 5:
		return nil, fmt.Errorf("%d code blocks and %d commands under Set-up; want the set-up, inspect and record-your-own blocks", blocks, len(steps))
	}
	return steps, nil
}

// shellWords splits a command line as sh would for the quoting the README
// uses ('...', "...", no escapes or expansions), and returns the comment
// after an unquoted " #".
func shellWords(line string) (words []string, comment string, err error) {
	var cur strings.Builder
	inWord := false
	var quote rune
	for i, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '#' && !inWord:
			return words, line[i+1:], nil
		case strings.ContainsRune("$`\\|&;<>()*?", r):
			return nil, "", fmt.Errorf("%q: more shell than TestQuickstart understands", r)
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, "", errors.New("unclosed quote")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, "", nil
}

// copyRepoFile copies a file the README names by a path inside the
// repository (cmd/record/testdata/tools.json) into dir, at the same path.
func copyRepoFile(t *testing.T, root, dir, arg string) {
	t.Helper()
	if !strings.Contains(arg, "/") || !filepath.IsLocal(filepath.FromSlash(arg)) {
		return
	}
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(arg)))
	if err != nil {
		return // not a file of the repository: an output, or a directory
	}
	dst := filepath.Join(dir, filepath.FromSlash(arg))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The quickstart parser finds what TestQuickstart runs, and refuses a
// README it cannot follow.
func TestQuickstartSteps(t *testing.T) {
	good := "# x\n\n## Set-up\n\n```sh\ngo run ./cmd/record -o demo.yaml \"What is it?\"   # the main job\ngo test ./...\n```\n\n" +
		"```sh\ngo run ./cmd/record inspect demo.yaml\n```\n\n### Record your own\n\n```sh\nexport GROQ_API_KEY=gsk_...  # optional\n# a comment\n" +
		"go run ./cmd/record -system 'Be brief.' -o b.yaml hi\ngo run ./cmd/record lint demo.yaml\ngo run ./cmd/record diff demo.yaml b.yaml    # exit 1: they differ\n```\n\n## Next\n\n```sh\ngo run ./cmd/record nope\n```\n"
	steps, err := quickstartSteps(good)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range steps {
		got = append(got, fmt.Sprintf("%d %q", s.code, s.args))
	}
	want := []string{`0 ["-o" "demo.yaml" "What is it?"]`, `0 ["inspect" "demo.yaml"]`, `0 ["-system" "Be brief." "-o" "b.yaml" "hi"]`, `0 ["lint" "demo.yaml"]`, `1 ["diff" "demo.yaml" "b.yaml"]`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range []struct{ name, readme, want string }{
		{"no section", "# x\n", `no "## Set-up" heading`},
		{"another command", strings.Replace(good, "go run ./cmd/record lint", "make lint", 1), `want "go run ./cmd/record ..."`},
		{"unclosed block", strings.TrimSuffix(good[:strings.Index(good, "## Next")], "\n") + "```sh\n", "not closed"},
		{"unclosed quote", strings.Replace(good, "'Be brief.'", "'Be brief.", 1), "unclosed quote"},
		{"a pipe", strings.Replace(good, "lint demo.yaml", "lint demo.yaml | cat", 1), "more shell than"},
		{"no record your own", strings.Replace(good, "### Record your own", "### Other", 1), `no "### Record your own"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := quickstartSteps(c.readme); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one with %q", err, c.want)
			}
		})
	}
}

// A mistyped subcommand, or a lone word where a subcommand stands, is a
// usage error that writes nothing; after "--" a word is a prompt.
func TestMistypedCommand(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"transposed inspect", []string{"inpsect", "demo.yaml"}, `record: unknown command "inpsect"; did you mean inspect? (to record a one-word prompt, put it after --)` + "\n"},
		{"lint one letter off", []string{"lnt", "cassettes"}, `unknown command "lnt"; did you mean lint?`},
		{"import without its suffix", []string{"import-vcr", "a.yaml", "b.yaml"}, `unknown command "import-vcr"; did you mean import-vcrpy?`},
		{"the start of import-vcrpy", []string{"import", "test_groq.yaml", "out.yaml"}, `unknown command "import"; did you mean import-vcrpy?`},
		{"capitalised diff", []string{"Diff", "a.yaml", "b.yaml"}, `unknown command "Diff"; did you mean diff?`},
		{"a word far from every command", []string{"frobnicate"}, `record: unknown command "frobnicate" (to record a one-word prompt, put it after --; run 'record -h' for usage)` + "\n"},
		{"a lone word with flags after it", []string{"frobnicate", "-o", "x.yaml"}, `unknown command "frobnicate" (to record`},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			r := cli(t, dir, nil, c.args...)
			if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q", r.code, r.stderr, c.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("a mistyped command wrote %s", entries[0].Name())
			}
		})
	}

	// After "--" (first, or after the flags) the word is the prompt.
	dir := t.TempDir()
	cli(t, dir, nil, "--", "inspect").mustSucceed(t)
	cli(t, dir, nil, "-pace=false", "-o", "f.yaml", "--", "frobnicate").mustSucceed(t)
	for file, prompt := range map[string]string{"session.yaml": `"content":"inspect"`, "f.yaml": `"content":"frobnicate"`} {
		c := load(t, filepath.Join(dir, file))
		if !strings.Contains(c.Interactions[0].Request.Body, prompt) {
			t.Errorf("%s: want the prompt %s:\n%s", file, prompt, c.Interactions[0].Request.Body)
		}
	}
	// A prompt of several words may start with any word.
	cli(t, dir, nil, "-pace=false", "-o", "w.yaml", "Summarise", "this").mustSucceed(t)
}

// Importing over an existing cassette says so, as recording does.
func TestImportVCRPyReplaces(t *testing.T) {
	dir := t.TempDir()
	in, _ := filepath.Abs(filepath.Join("testdata", "vcrpy_instructions.yaml"))
	r := cli(t, dir, nil, "import-vcrpy", in, "out.yaml").mustSucceed(t)
	if strings.Contains(r.stderr, "replaced") {
		t.Errorf("a first import claims to replace something:\n%s", r.stderr)
	}
	r = cli(t, dir, nil, "import-vcrpy", in, "out.yaml").mustSucceed(t)
	if !strings.Contains(r.stderr, "record: replaced out.yaml: no changes apart from volatile fields\n") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	writeFile(t, dir, "junk.yaml", "not a cassette\n")
	r = cli(t, dir, nil, "import-vcrpy", in, "junk.yaml")
	if r.code != 1 || !strings.Contains(r.stderr, "record: refusing to overwrite junk.yaml: it does not load as a cassette") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = cli(t, dir, nil, "import-vcrpy", "-force", in, "junk.yaml").mustSucceed(t)
	if !strings.Contains(r.stderr, "record: replaced junk.yaml, which did not load as a cassette (-force)\n") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	load(t, filepath.Join(dir, "junk.yaml"))
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	r = cli(t, dir, nil, "import-vcrpy", in, "d")
	if r.code != 2 || !strings.Contains(r.stderr, "record: import-vcrpy: d is a directory: give the cassette file to write") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}

	// An input that is not a vcrpy cassette (here, one of llmvcr's) is one
	// line on stderr, and the output is left alone.
	before, _ := os.ReadFile(filepath.Join(dir, "junk.yaml"))
	r = cli(t, dir, nil, "import-vcrpy", "out.yaml", "junk.yaml")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "record: ") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q; want exit 1 and one line", r.code, r.stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "junk.yaml")); string(after) != string(before) {
		t.Error("a failed import changed its output file")
	}
}

// inspect shows what it cannot parse rather than hiding it: a body that is
// not JSON as its first bytes, an interaction without a request as such.
func TestInspectOddInteractions(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("0123456789", 30)
	writeFile(t, dir, "odd.yaml", `version: 2
interactions:
  - request: {method: GET, url: "https://api.groq.com/openai/v1/models"}
    response: {code: 200, headers: {Content-Type: [application/json]}, body: "not json here"}
  - request: {method: GET, url: "https://api.groq.com/openai/v1/models"}
    response: {code: 200, headers: {Content-Type: [text/plain]}, body: "`+long+`"}
`)
	r := cli(t, dir, nil, "inspect", "odd.yaml")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		"  body: application/json, 13 bytes: \"not json here\"\n",
		"  body: text/plain, 300 bytes: \"" + long[:200] + "\" (the first 200 bytes)\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, r.stdout)
		}
	}

	// An interaction with no request, or no response, is not a cassette
	// llmvcr can replay: inspect refuses the file in one line naming the
	// interaction and the field, as replay and lint do.
	for name, c := range map[string]struct{ body, want string }{
		"norequest.yaml": {`version: 2
interactions:
  - request: {method: GET, url: "https://api.groq.com/openai/v1/models"}
    response: {code: 200, body: "{}"}
  - response: {code: 500, body: "{}"}
`, "interaction 1: request.method: missing"},
		"noresponse.yaml": {`version: 2
interactions:
  - request: {method: GET, url: "https://api.groq.com/openai/v1/models"}
`, "interaction 0: response.code: missing"},
	} {
		writeFile(t, dir, name, c.body)
		r := cli(t, dir, nil, "inspect", name)
		if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("inspect %s: exit %d, stderr %q; want exit 1 and one line with %q\nstdout:\n%s", name, r.code, r.stderr, c.want, r.stdout)
		}
	}
}
