package reliability

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
)

// The crash test re-executes this test binary as a helper that saves a
// large cassette over and over, and kills it with SIGKILL at random
// moments. After every kill the file must be absent (only before the first
// save), or load completely with every interaction of one generation.

const (
	crashPathEnv = "LLMVCR_CRASH_HELPER_PATH" // set: this process is the helper
	crashGenEnv  = "LLMVCR_CRASH_HELPER_GEN"  // the first generation it saves
	crashSeedEnv = "LLMVCR_CRASH_SEED"        // reproduce a run's kill points
	crashModeEnv = "LLMVCR_CRASH_HELPER_MODE" // "direct": the control, writing in place
	crashSizeEnv = "LLMVCR_CRASH_HELPER_SIZE" // interactions per cassette
)

// crashSize is the number of interactions per cassette: 300 (about 3 MB)
// in the long run, 60 in the quick one; the helper gets it from the
// parent.
func crashSize() int {
	if n, err := strconv.Atoi(os.Getenv(crashSizeEnv)); err == nil && n > 0 {
		return n
	}
	return pick(60, 300)
}

// crashContent is the answer of interaction i of generation gen: about
// 4 KB for a plain answer, 400 bytes (70 events) for a stream, so that a
// cassette of 300 is about 3 MB and a save takes a while.
func crashContent(gen, i int) string {
	n := 180
	if i%5 == 4 {
		n = 16
	}
	return fmt.Sprintf("generation %d interaction %d: ", gen, i) + strings.Repeat("All work and no play. ", n)
}

// crashCassette returns generation gen of the cassette saved at path:
// plain answers and, every fifth interaction, a stream.
func crashCassette(path string, gen int) *cassettes.Cassette {
	c := cassettes.New(path)
	for i := range crashSize() {
		req, _ := json.Marshal(map[string]any{
			"model":    fakes.DefaultModel,
			"messages": []map[string]string{{"role": "user", "content": fmt.Sprintf("question %d", i)}},
			"stream":   i%5 == 4,
		})
		var body, ctype string
		if i%5 == 4 {
			var b strings.Builder
			for _, ch := range fakes.TextStream(crashContent(gen, i)) {
				data, _ := json.Marshal(ch)
				fmt.Fprintf(&b, "data: %s\n\n", data)
			}
			b.WriteString("data: [DONE]\n\n")
			body, ctype = b.String(), "text/event-stream"
		} else {
			data, _ := json.Marshal(fakes.TextCompletion(crashContent(gen, i)))
			body, ctype = string(data), "application/json"
		}
		c.Interactions = append(c.Interactions, &cassettes.Interaction{
			ID: i,
			Request: cassettes.Request{
				Method:  http.MethodPost,
				URL:     "https://api.groq.com" + "/openai/v1/chat/completions",
				Headers: http.Header{"Content-Type": {"application/json"}},
				Body:    string(req),
			},
			Response: cassettes.Response{
				Code:    200,
				Status:  "200 OK",
				Headers: http.Header{"Content-Type": {ctype}},
				Body:    body,
			},
		})
	}
	return c
}

// checkCrashCassette loads path and returns the generation it holds, or
// why it is damaged.
func checkCrashCassette(path string) (gen int, err error) {
	c, err := cassettes.Load(path)
	if err != nil {
		return 0, err
	}
	if len(c.Interactions) != crashSize() {
		return 0, fmt.Errorf("%d interactions, want %d", len(c.Interactions), crashSize())
	}
	gen = -1
	for i, it := range c.Interactions {
		body := it.Response.Body
		var text string
		if i%5 == 4 {
			raw, err := httpbody.StripTiming(body)
			if err != nil {
				return 0, fmt.Errorf("interaction %d: %w", i, err)
			}
			if !strings.HasSuffix(raw, "data: [DONE]\n\n") {
				return 0, fmt.Errorf("interaction %d: stream without its end", i)
			}
			if text, err = streamText(raw); err != nil {
				return 0, fmt.Errorf("interaction %d: %w", i, err)
			}
		} else {
			var cc struct {
				Choices []struct {
					Message struct{ Content string }
				}
			}
			if err := json.Unmarshal([]byte(body), &cc); err != nil || len(cc.Choices) != 1 {
				return 0, fmt.Errorf("interaction %d: answer damaged (%v)", i, err)
			}
			text = cc.Choices[0].Message.Content
		}
		var g, n int
		if _, err := fmt.Sscanf(text, "generation %d interaction %d:", &g, &n); err != nil || n != i {
			return 0, fmt.Errorf("interaction %d: no marker: %v", i, err)
		}
		if gen == -1 {
			gen = g
		} else if g != gen {
			return 0, fmt.Errorf("interaction %d is of generation %d, interaction 0 of %d", i, g, gen)
		}
		if text != crashContent(g, i) {
			return 0, fmt.Errorf("interaction %d: answer damaged", i)
		}
	}
	return gen, nil
}

// streamText joins the text deltas of a raw chat completion stream.
func streamText(raw string) (string, error) {
	var b strings.Builder
	for _, line := range strings.Split(raw, "\n") {
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var ch struct {
			Choices []struct {
				Delta struct{ Content string }
			}
		}
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			return "", fmt.Errorf("event not JSON: %w", err)
		}
		for _, c := range ch.Choices {
			b.WriteString(c.Delta.Content)
		}
	}
	return b.String(), nil
}

// TestCrashHelper is the helper process of TestCrashSafety; it does
// nothing in a normal run. It saves generation after generation of the
// cassette with Save, or, in the control mode, writes one generation's
// bytes over and over in place (truncate, then write in pieces), so the
// test can show it notices a damaged file.
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashPathEnv)
	if path == "" {
		t.Skip("the helper process of TestCrashSafety")
	}
	gen, _ := strconv.Atoi(os.Getenv(crashGenEnv))
	out := bufio.NewWriter(os.Stdout)
	say := func(format string, args ...any) {
		fmt.Fprintf(out, format+"\n", args...)
		out.Flush()
	}
	if os.Getenv(crashModeEnv) == "direct" {
		data, err := cassettes.Marshal(crashCassette(path, gen))
		if err != nil {
			fmt.Fprintln(os.Stderr, "marshal:", err)
			os.Exit(3)
		}
		say("ready")
		for {
			if err := writeInPlace(path, data); err != nil {
				fmt.Fprintln(os.Stderr, "write:", err)
				os.Exit(3)
			}
			say("saved %d", gen)
		}
	}
	say("ready")
	for ; ; gen++ {
		if err := crashCassette(path, gen).Save(cassettes.WithoutDefaultSecrets()); err != nil {
			fmt.Fprintln(os.Stderr, "save:", err)
			os.Exit(3)
		}
		say("saved %d", gen)
	}
}

// writeInPlace writes data over path as a naive save does: truncate, then
// write piece by piece (as a streaming encoder would).
func writeInPlace(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	for len(data) > 0 {
		n := min(len(data), 4096)
		if _, err := f.Write(data[:n]); err != nil {
			f.Close()
			return err
		}
		data = data[n:]
	}
	return f.Close()
}

// loadTruncated saves a cassette at path, cuts copies of it at n evenly
// spaced offsets and returns how many cuts Load rejected with an error.
func loadTruncated(t *testing.T, path string, n int) (cuts, rejected int) {
	t.Helper()
	if err := crashCassette(path, 0).Save(cassettes.WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := os.WriteFile(path, data[:len(data)*i/n], 0o644); err != nil {
			t.Fatal(err)
		}
		cuts++
		if _, err := cassettes.Load(path); err != nil {
			rejected++
		}
	}
	return cuts, rejected
}

// kills counts what a series of kills left behind.
type kills struct {
	tried, damaged, absent, previous, fresh, saves int
}

// killHelpers starts the helper n times in mode ("save" or "direct"),
// kills each after a random delay between minDelay and maxDelay once it is
// ready, and
// checks the cassette at path after every kill. Damage is reported
// through report.
func killHelpers(t *testing.T, mode, path string, n int, rng *rand.Rand, minDelay, maxDelay time.Duration, report func(format string, args ...any)) kills {
	t.Helper()
	var k kills
	lastSaved := -1 // the newest generation a helper reported saved
	nextGen := 0
	for range n {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashPathEnv+"="+path, crashGenEnv+"="+strconv.Itoa(nextGen), crashModeEnv+"="+mode, crashSizeEnv+"="+strconv.Itoa(crashSize()))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		note := func(l string) {
			if g, err := strconv.Atoi(strings.TrimPrefix(l, "saved ")); err == nil {
				lastSaved = g
				k.saves++
			}
		}
		// Wait until the helper runs, then kill it after a random delay
		// (the delay is the fault, not a wait for anything).
		ready := time.NewTimer(120 * time.Second) // a bound on a stuck helper, not a timing assertion
		select {
		case l := <-lines:
			if l != "ready" {
				cmd.Process.Kill()
				t.Fatalf("helper said %q first; stderr: %s", l, stderr.String())
			}
		case <-ready.C:
			cmd.Process.Kill()
			t.Fatalf("helper did not start in 120s; stderr: %s", stderr.String())
		}
		ready.Stop()
		delay := minDelay + time.Duration(rng.Int64N(int64(maxDelay-minDelay)+1))
		timer := time.NewTimer(delay)
	wait:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break wait // the helper ended by itself
				}
				note(l)
			case <-timer.C:
				break wait
			}
		}
		timer.Stop()
		if err := cmd.Process.Kill(); err != nil {
			t.Fatalf("the helper ended by itself: %v; stderr: %s", err, stderr.String())
		}
		for l := range lines {
			note(l)
		}
		cmd.Wait()
		k.tried++

		gen, err := checkCrashCassette(path)
		switch {
		case err != nil && lastSaved < 0 && errors.Is(err, fs.ErrNotExist):
			k.absent++
		case err != nil:
			k.damaged++
			report("%s: kill %d after %s: cassette damaged: %v", mode, k.tried, delay, err)
		case gen < lastSaved:
			k.damaged++
			report("%s: kill %d: cassette holds generation %d, but %d was saved", mode, k.tried, gen, lastSaved)
		case gen == lastSaved:
			k.previous++
		default:
			k.fresh++ // renamed into place before the helper could say so
		}
		if err == nil && gen >= nextGen {
			nextGen = gen + 1
		}
		if lastSaved >= nextGen {
			nextGen = lastSaved + 1
		}
	}
	return k
}

// TestCrashSafety kills a saving process at random points and checks the
// cassette is never left truncated or mixed. A control run does the same
// to a process that writes the file in place, and must see damage, which
// shows the check can fail.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts helper processes")
	}
	n := pick(3, 50)
	controls := 10
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(crashSeedEnv); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 0x11e7c4))
	t.Logf("kill points from %s=%d", crashSeedEnv, seed)

	dir := t.TempDir()
	path := filepath.Join(dir, "crash.yaml")

	// How long one save takes here, to spread the kills over a few saves.
	probe := filepath.Join(dir, "probe.yaml")
	start := time.Now()
	if err := crashCassette(probe, 0).Save(cassettes.WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	saveTime := time.Since(start)
	if _, err := checkCrashCassette(probe); err != nil {
		t.Fatalf("a cassette saved without a crash does not check: %v", err)
	}
	os.Remove(probe)

	k := killHelpers(t, "save", path, n, rng, 0, 4*saveTime, t.Errorf)
	temps, _ := filepath.Glob(filepath.Join(dir, ".crash.yaml.tmp-*"))

	// The control writes for most of its life, so nearly every kill after
	// its first write has begun lands mid-write.
	// In the quick run it stops at the first damaged file.
	var seen []string
	var c kills
	for c.tried < controls && (full() || c.damaged == 0) {
		one := killHelpers(t, "direct", filepath.Join(dir, "control.yaml"), 1, rng, 10*time.Millisecond, 100*time.Millisecond, func(format string, args ...any) {
			seen = append(seen, fmt.Sprintf(format, args...))
		})
		c.tried += one.tried
		c.damaged += one.damaged
	}
	if c.damaged == 0 {
		t.Errorf("control: %d kills of a process writing in place damaged no file (%+v); the check cannot see damage", c.tried, c)
	} else {
		t.Logf("control, writing in place: %d of %d kills damaged the file, e.g. %s", c.damaged, c.tried, seen[0])
	}

	// For the record (no target): how many truncations of a saved
	// cassette Load itself rejects. A cut at a line boundary is often still
	// valid YAML with fewer interactions, so only the atomic save keeps
	// cut files away.
	cuts, rejected := loadTruncated(t, filepath.Join(dir, "cut.yaml"), 20)
	t.Logf("of %d truncated copies of a saved cassette, Load rejected %d; the others loaded with interactions missing or cut short", cuts, rejected)

	figure(t, "crash", "kills", k.tried, "damaged", k.damaged, "intact_previous", k.previous, "intact_new", k.fresh,
		"absent", k.absent, "saves_completed", k.saves, "temp_files_left", len(temps), "save_ms", saveTime.Milliseconds(),
		"control_kills", c.tried, "control_damaged", c.damaged, "truncations_tried", cuts, "truncations_load_rejects", rejected)
}
