package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/inputfile"
	"github.com/llmvcr/llmvcr/internal/keep"
)

// An output is where a command writes a cassette: -o FILE, a scenario's
// file under -dir, import-vcrpy's OUT. What stands there decides whether
// it may be written:
//
//   - nothing, or an empty file: written;
//   - a cassette (it loads): replaced, saying what changed, except that a
//     recording from a real server is not replaced by one from the embedded
//     fake unless -force;
//   - any other file (go.mod, a YAML file that is not a cassette, a cassette
//     cut short): refused unless -force;
//   - a directory, a device, a pipe or a socket: refused, -force or not;
//   - a symbolic link: followed. Its target, resolved through every link, is
//     checked by the rules above and replaced atomically; the link stays,
//     and a line says so. A link to nothing (or a loop) is refused.
type output struct {
	given  string              // as the user named it
	path   string              // what is written: given, or the target of the link it is
	link   bool                // given is a symbolic link
	exists bool                // a file stands at path
	old    *cassettes.Cassette // the cassette at path; nil if none, or if it does not load
	forced string              // why -force was needed to write path; "" if it was not
}

// outputError is a refusal to write an output: exit status 1, nothing sent
// or written.
type outputError struct{ msg string }

func (e *outputError) Error() string { return e.msg }

// checkOutput looks at what stands at path. fake says the new cassette's
// answers come from the embedded fake; force is -force.
func checkOutput(path string, fake, force bool) (*output, error) {
	o := &output{given: path, path: path}
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return o, nil
	}
	if err != nil {
		return nil, &outputError{fmt.Sprintf("cannot write %s: %v", path, unwrapPath(err))}
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			dest, _ := os.Readlink(path)
			return nil, &outputError{fmt.Sprintf("refusing to write %s: it is a symbolic link to %s, which cannot be followed (%v); create the target or remove the link", path, dest, unwrapPath(err))}
		}
		o.path, o.link = target, true
		if st, err = os.Stat(target); err != nil {
			return nil, &outputError{fmt.Sprintf("cannot write %s (a link to %s): %v", path, target, unwrapPath(err))}
		}
	}
	switch {
	case st.IsDir():
		return nil, &outputError{fmt.Sprintf("refusing to write %s: %s is a directory; give a cassette file", path, subject(o))}
	case !st.Mode().IsRegular():
		return nil, &outputError{fmt.Sprintf("refusing to write %s: %s is not a regular file but %s", path, subject(o), inputfile.Kind(st.Mode()))}
	}
	o.exists = true
	if st.Size() == 0 {
		return o, nil // nothing to lose
	}
	old, err := cassettes.Load(o.path)
	if err != nil {
		if !force {
			return nil, &outputError{fmt.Sprintf("refusing to overwrite %s: %s does not load as a cassette (%s); choose another file, or pass -force to replace it", path, subject(o), oneLine(unwrapPath(err).Error(), 200))}
		}
		o.forced = "which did not load as a cassette"
		return o, nil
	}
	o.old = old
	if fake && keep.Real(old.Interactions) {
		if !force {
			return nil, &outputError{fmt.Sprintf("refusing to replace %s, %s, with answers from the embedded fake Groq server; set GROQ_API_KEY to re-record it, or pass -force", path, recordedNote(o))}
		}
		o.forced = "recorded from a real server, with answers from the embedded fake"
	}
	return o, nil
}

// subject names what a refusal is about: "it", or the link's target.
func subject(o *output) string {
	if !o.link {
		return "it"
	}
	return "its link target " + o.path
}

// recordedNote says a real recording stands at o.
func recordedNote(o *output) string {
	if !o.link {
		return "recorded from a real server"
	}
	return "a link to " + o.path + ", recorded from a real server"
}

// notes are the lines to print once the output is written.
func (o *output) notes(c *cassettes.Cassette) []string {
	var out []string
	if o.link {
		out = append(out, fmt.Sprintf("record: %s is a symbolic link: wrote its target %s (the link is unchanged)", o.given, o.path))
	}
	switch {
	case o.forced != "":
		out = append(out, fmt.Sprintf("record: replaced %s, %s (-force)", o.path, o.forced))
	case o.old != nil:
		out = append(out, replaced(o.path, cassettes.Drift(o.old, c)))
	}
	return out
}

// unwrapPath drops the path from a *fs.PathError, which the message names
// already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *cassettes.LoadError
	if errors.As(err, &le) && le.Err != nil {
		return le.Err
	}
	return err
}
