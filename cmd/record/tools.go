package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/llmvcr/llmvcr/cassettes"
)

func isHelp(args []string) bool {
	return len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help")
}

// cmdLint lints cassette files, and the .yaml and .yml files under
// directories. Problems go to stdout and make it fail; notices (answers
// recorded from a fake) go to stderr and do not.
func cmdLint(args []string, stdout, stderr io.Writer) error {
	if isHelp(args) {
		fmt.Fprintln(stdout, "usage: record lint PATH...\n\nChecks cassettes (files, or every .yaml and .yml file under a directory) for\nleftover secrets, bodies that do not parse as their Content-Type says,\nunsupported versions, and duplicate or unreachable interactions (printed on\nstdout). A cassette whose answers were recorded from a fake gets a notice\n(\"answers are canned\") on stderr, which is not a finding.\nExit status 1 when there is a finding.")
		return nil
	}
	if len(args) == 0 {
		return usagef("lint takes cassette files or directories: record lint PATH...")
	}
	var files []string
	for _, p := range args {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(found) == 0 {
			return fmt.Errorf("lint: no .yaml files under %s", p)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	findings, bad, notices := 0, 0, 0
	for _, f := range files {
		fs, err := cassettes.LintFile(f)
		if err != nil {
			return err
		}
		problem := false
		for _, x := range fs {
			if x.Severity == cassettes.Notice {
				fmt.Fprintf(stderr, "record: %s: %s\n", f, oneLine(x.String(), 500))
				notices++
				continue
			}
			fmt.Fprintf(stdout, "%s: %s\n", f, oneLine(x.String(), 500))
			findings++
			problem = true
		}
		if problem {
			bad++
		}
	}
	if findings > 0 {
		return &failure{fmt.Sprintf("lint: %s in %s of %s", plural(findings, "finding"), plural(bad, "cassette"), plural(len(files), "cassette"))}
	}
	note := ""
	if notices > 0 {
		note = " (" + plural(notices, "notice") + " above)"
	}
	fmt.Fprintf(stderr, "record: lint: %s, no findings%s\n", plural(len(files), "cassette"), note)
	return nil
}

// cmdImport converts a vcrpy cassette and saves it in llmvcr's format.
func cmdImport(args []string, stdout, stderr io.Writer) error {
	if isHelp(args) {
		fmt.Fprintln(stdout, "usage: record import-vcrpy [-force] IN OUT\n\nConverts a vcrpy or pytest-recording cassette (pydantic-ai's parsed_body\nstyle included) into a go-vcr v3 cassette, scrubbed like every recording.\nOUT is written only if it is new, empty or a cassette (then it is replaced,\nsaying what changed); -force writes over any other file. A symbolic link is\nfollowed: its target is replaced and the link kept. An IN without\ninteractions writes nothing.")
		return nil
	}
	flags := flag.NewFlagSet("import-vcrpy", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	force := flags.Bool("force", false, "write OUT even if it is a file that is not a cassette")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) != 2 {
		return usagef("import-vcrpy takes two files: record import-vcrpy [-force] IN OUT")
	}
	in, outPath := pos[0], pos[1]
	if st, err := os.Stat(outPath); err == nil && st.IsDir() {
		return usagef("import-vcrpy: %s is a directory: give the cassette file to write", outPath)
	}
	c, err := cassettes.ImportVCRPyFile(in)
	if err != nil {
		return err
	}
	if len(c.Interactions) == 0 {
		return fmt.Errorf("import-vcrpy: %s holds no interactions; nothing written", in)
	}
	out, err := checkOutput(outPath, false, *force)
	if err != nil {
		return err
	}
	c.Path = out.path
	if dir := filepath.Dir(c.Path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if err := c.Save(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "record: imported %s from %s into %s\n", plural(len(c.Interactions), "interaction"), in, outPath)
	for _, n := range out.notes(c) {
		fmt.Fprintln(stderr, n)
	}
	for _, f := range cassettes.Lint(c) {
		fmt.Fprintf(stderr, "record: warning: %s: %s\n", outPath, oneLine(f.String(), 300))
	}
	return nil
}

// cmdDiff prints the drift between two recordings; it fails when they
// differ beyond volatile fields.
func cmdDiff(args []string, stdout io.Writer) error {
	if isHelp(args) {
		fmt.Fprintln(stdout, "usage: record diff OLD NEW\n\nCompares two recordings of a cassette field by field: status, headers, and\nbodies by JSON path (streams event by event). Changes in volatile fields (ids,\ntimestamps, timings) are counted apart. Exit status 1 when other fields changed.")
		return nil
	}
	if len(args) != 2 {
		return usagef("diff takes two cassettes: record diff OLD NEW")
	}
	old, err := cassettes.Load(args[0])
	if err != nil {
		return err
	}
	cur, err := cassettes.Load(args[1])
	if err != nil {
		return err
	}
	r := cassettes.Drift(old, cur)
	s := r.String()
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	fmt.Fprint(stdout, s)
	if n := len(r.Stable()); n > 0 {
		return &failure{fmt.Sprintf("diff: %s and %s differ: %s beyond volatile fields", args[0], args[1], plural(n, "change"))}
	}
	return nil
}
