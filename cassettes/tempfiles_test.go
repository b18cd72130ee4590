package cassettes

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/internal/atomicfile"
)

const tempHelperEnv = "LLMVCR_TEMP_HELPER_PATH" // set: this process is the helper

// TestTempHelper is the helper process of TestKilledSaveLeftoverRemoved;
// it does nothing in a normal run. It saves a cassette and stops in the
// middle of the write (its temporary file written, not yet renamed), says
// so, and waits to be killed.
func TestTempHelper(t *testing.T) {
	path := os.Getenv(tempHelperEnv)
	if path == "" {
		t.Skip("the helper process of TestKilledSaveLeftoverRemoved")
	}
	syncFile = func(f *os.File) error {
		os.Stdout.WriteString("writing " + f.Name() + "\n")
		time.Sleep(time.Hour) // killed long before
		return nil
	}
	c := New(path)
	c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"a":1}`, `{"b":2}`)}
	c.Save(WithoutDefaultSecrets())
	os.Exit(3)
}

// killMidSave starts the helper on path, waits until it is in the middle
// of writing its temporary file, kills it with SIGKILL and reaps it. It
// returns the temporary file's name.
func killMidSave(t *testing.T, path string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestTempHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), tempHelperEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	name, ok := strings.CutPrefix(strings.TrimSpace(line), "writing ")
	if err != nil || !ok {
		t.Fatalf("helper said %q (%v)", line, err)
	}
	return name
}

// TestKilledSaveLeftoverRemoved: a save killed mid-write leaves its
// temporary file beside the cassette; the next save of that cassette
// removes it, and the cassette is the new one.
func TestKilledSaveLeftoverRemoved(t *testing.T) {
	if testing.Short() {
		t.Skip("starts helper processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	var left []string
	for range 3 {
		tmp := killMidSave(t, path)
		if _, err := os.Stat(tmp); err != nil {
			t.Fatalf("the killed save left no temporary file: %v", err)
		}
		left = append(left, tmp)
	}
	// Each killed save was itself the next save after the one before, so
	// only the last kill's file is left.
	if got, _ := filepath.Glob(filepath.Join(dir, ".c.yaml.tmp-*")); len(got) != 1 || got[0] != left[2] {
		t.Fatalf("leftovers = %v, want only %s", got, left[2])
	}
	c := New(path)
	c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"a":1}`, `{"b":3}`)}
	if err := c.Save(WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	if got, _ := filepath.Glob(filepath.Join(dir, ".c.yaml.tmp-*")); len(got) != 0 {
		t.Errorf("after the next save, leftovers %v remain (were %v)", got, left)
	}
	if back, err := Load(path); err != nil || back.Interactions[0].Response.Body != `{"b":3}` {
		t.Errorf("cassette after cleanup: %v", err)
	}
}

// deadPid returns the id of a process that has ended: a child of this
// test, started and reaped.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.count=1")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestSaveRemovesOnlyStaleTemps: a save removes its cassette's temporary
// files whose writer has ended (or, for names without a process id, that
// are an hour old), and nothing else: not a temporary file this process
// or another running one is writing, not another cassette's, not a file
// of another shape.
func TestSaveRemovesOnlyStaleTemps(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a helper process")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	dead, self, parent := strconv.Itoa(deadPid(t)), strconv.Itoa(os.Getpid()), strconv.Itoa(os.Getppid())
	hourAgo := time.Now().Add(-2 * time.Hour)
	files := []struct {
		name   string
		old    bool // modified two hours ago
		dir    bool
		stale  bool // the save must remove it
		reason string
	}{
		{".c.yaml.tmp-" + dead + "-123", false, false, true, "its process has ended"},
		{".c.yaml.tmp-" + self + "-999", false, false, true, "this process has no save writing it"},
		{".c.yaml.tmp-" + self + "-998", false, false, false, "a save of this process is writing it"},
		{".c.yaml.tmp-" + parent + "-5", false, false, false, "its process runs"},
		{".c.yaml.tmp-" + parent + "-6", true, false, true, "an hour old, though a process has its id"},
		{".c.yaml.tmp-12345678", false, false, false, "no process id and recent"},
		{".c.yaml.tmp-87654321", true, false, true, "no process id and an hour old"},
		{".other.yaml.tmp-" + dead + "-1", true, false, false, "another cassette's"},
		{".c.yaml.tmp-" + dead + "-x", true, false, false, "not a name a save writes"},
		{".c.yaml.tmp-" + dead + "-7", true, true, false, "a directory"},
		{"c.yaml.tmp-" + dead + "-8", true, false, false, "not hidden: not ours"},
		{".c.yaml.tmp-" + dead + "-9-1", true, false, false, "not a name a save writes"},
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		var err error
		if f.dir {
			err = os.Mkdir(p, 0o755)
		} else {
			err = os.WriteFile(p, []byte("partial"), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		if f.old {
			os.Chtimes(p, hourAgo, hourAgo)
		}
	}
	live := filepath.Join(dir, ".c.yaml.tmp-"+self+"-998")
	atomicfile.Live.Store(live, true)
	defer atomicfile.Live.Delete(live)
	c := New(path)
	c.Interactions = []*Interaction{jsonInteraction(chatURL, `{"a":1}`, `{"b":2}`)}
	if err := c.Save(WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		_, err := os.Lstat(filepath.Join(dir, f.name))
		switch gone := os.IsNotExist(err); {
		case f.stale && !gone:
			t.Errorf("%s was kept, but %s", f.name, f.reason)
		case !f.stale && !gone && err != nil:
			t.Errorf("%s: %v", f.name, err)
		case !f.stale && gone:
			t.Errorf("%s was removed, but %s", f.name, f.reason)
		}
	}
}
