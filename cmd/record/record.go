package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/internal/ci"
	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/llm"
	"github.com/llmvcr/llmvcr/recorder"
)

// recordConfig holds the flags of a recording.
type recordConfig struct {
	out       string
	model     string
	system    string
	stream    bool
	toolsFile string
	settings  settingsSpec
	timeout   time.Duration
	maxSteps  int
	force     bool
	fake      bool
	pace      bool
	scenarios string
	dir       string
}

func recordFlags(c *recordConfig) *flag.FlagSet {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.out, "o", "session.yaml", "the cassette `file` to write")
	fs.StringVar(&c.model, "model", fakes.DefaultModel, "the Groq model `name`")
	fs.StringVar(&c.system, "system", "", "a system prompt (`text`)")
	fs.BoolVar(&c.stream, "stream", false, "stream the answer (recorded as server-sent events with their timing)")
	fs.StringVar(&c.toolsFile, "tools", "", "a JSON `file` of tools to offer: [{name, description, parameters, result}]")
	fs.Var(floatFlag{&c.settings.Temperature}, "temperature", "sampling temperature, a `number` (0 is sent as 0)")
	fs.Var(intFlag{&c.settings.MaxTokens}, "max-tokens", "upper bound on generated tokens (`n`)")
	fs.Var(int64Flag{&c.settings.Seed}, "seed", "the request's seed (`n`), for best-effort determinism")
	fs.Var(floatFlag{&c.settings.TopP}, "top-p", "nucleus sampling, a `number`")
	fs.Var(listFlag{&c.settings.Stop}, "stop", "a stop sequence (`text`; repeat the flag, or separate with commas)")
	fs.Var(choiceFlag{&c.settings.ReasoningFormat, []string{"hidden", "raw", "parsed"}}, "reasoning-format", "reasoning models: `format` hidden, raw or parsed")
	fs.Var(choiceFlag{&c.settings.ReasoningEffort, []string{"none", "default", "low", "medium", "high"}}, "reasoning-effort", "reasoning models: `effort` none, default, low, medium or high")
	fs.DurationVar(&c.timeout, "timeout", 2*time.Minute, "give up on the whole recording after this long")
	fs.IntVar(&c.maxSteps, "max-steps", 8, "at most `n` requests per prompt while the model keeps calling tools")
	fs.BoolVar(&c.force, "force", false, "record against Groq even though CI is set; write over a file that is not a cassette, or over a real recording with the embedded fake's answers")
	fs.BoolVar(&c.fake, "fake", false, "record against the embedded fake Groq server even when GROQ_API_KEY is set")
	fs.BoolVar(&c.pace, "pace", true, "embedded fake only: answer at Groq's speed (false: at once)")
	fs.StringVar(&c.scenarios, "scenarios", "", "a YAML or JSON `file` of scenarios to record, each into its own cassette")
	fs.StringVar(&c.dir, "dir", ".", "with -scenarios: the `directory` the cassettes are written to")
	return fs
}

func cmdRecord(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c recordConfig
	fs := recordFlags(&c)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdout, fs)
		return err
	}
	if err != nil {
		return flagError(err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if c.maxSteps < 1 {
		return usagef("-max-steps must be at least 1")
	}
	if c.timeout <= 0 {
		return usagef("-timeout must be positive")
	}
	if strings.TrimSpace(c.model) == "" {
		return usagef("-model is empty: give a Groq model name, such as -model %s", fakes.DefaultModel)
	}
	if err := c.settings.check(flagName); err != nil {
		return usagef("%s", err)
	}
	if c.scenarios != "" {
		if len(pos) > 0 {
			return usagef("-scenarios takes no prompt: the prompts are the scenarios' turns")
		}
		for _, name := range []string{"o", "system", "tools", "stream"} {
			if set[name] {
				return usagef("-%s does not apply to -scenarios: set it in the scenarios file", name)
			}
		}
		if strings.TrimSpace(c.dir) == "" {
			return usagef("-dir is empty: give the directory to write the cassettes to, such as -dir testdata/cassettes")
		}
		if st, err := os.Stat(c.dir); err == nil && !st.IsDir() {
			return usagef("-dir %s is a file: give the directory to write the cassettes to", c.dir)
		}
		return recordScenarios(ctx, &c, stderr)
	}
	if set["dir"] {
		return usagef("-dir applies only with -scenarios; use -o for one cassette")
	}
	prompt := strings.TrimSpace(strings.Join(pos, " "))
	if prompt == "" {
		return usagef(`no prompt: record [flags] "prompt"`)
	}
	if err := checkOut(c.out); err != nil {
		return err
	}
	var tools []toolSpec
	if c.toolsFile != "" {
		tools, err = loadTools(c.toolsFile)
		if err != nil {
			return fmt.Errorf("tools file %s: %w", c.toolsFile, err)
		}
	}

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	b, err := openBackend(&c, stderr)
	if err != nil {
		return err
	}
	defer b.close()
	if _, err := checkOutput(c.out, b.fake != nil, c.force); err != nil {
		return err // before anything is sent
	}
	start := time.Now()
	rec := b.recorder()
	model, err := b.model(c.model, rec)
	if err != nil {
		return err
	}
	conv := &conversation{model: model, system: c.system, tools: tools, maxSteps: c.maxSteps, out: stdout, log: stderr}
	if err := conv.turn(ctx, prompt, effectiveSettings(&c.settings), c.stream); err != nil {
		return b.recordingError(ctx, err, c.timeout)
	}
	n, err := b.save(c.out, rec, c.force)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "record: saved %s: %s, %d tokens in, %d out, %s, from %s\n",
		c.out, plural(n, "interaction"), conv.usage.InputTokens, conv.usage.OutputTokens, seconds(time.Since(start)), b.desc)
	b.flushNotes(stderr)
	return nil
}

// recordScenarios records every scenario of c.scenarios into c.dir.
func recordScenarios(ctx context.Context, c *recordConfig, stderr io.Writer) error {
	list, err := loadScenarios(c.scenarios)
	if err != nil {
		return fmt.Errorf("scenarios file %s: %w", c.scenarios, err)
	}
	for _, s := range list {
		// Each level is checked alone: a setting in effect comes whole
		// from one of them (the flags were checked as flags).
		if err := s.Settings.check(fileName); err != nil {
			return fmt.Errorf("scenarios file %s: scenario %s: %w", c.scenarios, s.Name, err)
		}
		for n, t := range s.Turns {
			if err := t.Settings.check(fileName); err != nil {
				return fmt.Errorf("scenarios file %s: scenario %s, turn %d: %w", c.scenarios, s.Name, n+1, err)
			}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	b, err := openBackend(c, stderr)
	if err != nil {
		return err
	}
	defer b.close()
	// Every output is checked before anything is sent.
	var refused []string
	for _, s := range list {
		if _, err := checkOutput(filepath.Join(c.dir, scenarioPath(s.Name)), b.fake != nil, c.force); err != nil {
			refused = append(refused, fmt.Sprintf("scenario %s: %s", s.Name, err))
		}
	}
	switch len(refused) {
	case 0:
	case 1:
		return fmt.Errorf("%s; nothing recorded", refused[0])
	default:
		return fmt.Errorf("%s (and %d more scenarios refused); nothing recorded", refused[0], len(refused)-1)
	}
	saved := 0
	var stopped error // the timeout or an interrupt: the rest are not tried
	for k, s := range list {
		if stopped != nil {
			break
		}
		start := time.Now()
		path := filepath.Join(c.dir, scenarioPath(s.Name))
		fail := func(err error) {
			fmt.Fprintf(stderr, "record: [%d/%d] %s: %s; not saved\n", k+1, len(list), s.Name, oneLine(err.Error(), 600))
		}
		conv, n, err := recordScenario(ctx, c, b, s, path)
		if err != nil {
			if ctx.Err() != nil {
				stopped = b.describe(ctx, ctx.Err(), c.timeout)
			}
			fail(err)
			continue
		}
		saved++
		fmt.Fprintf(stderr, "record: [%d/%d] %s: %s, %s, %d tokens in, %d out, %s -> %s\n",
			k+1, len(list), s.Name, plural(len(s.Turns), "turn"), plural(n, "interaction"),
			conv.usage.InputTokens, conv.usage.OutputTokens, seconds(time.Since(start)), path)
		b.flushNotes(stderr)
	}
	if saved < len(list) {
		msg := fmt.Sprintf("recorded %d of %s into %s", saved, plural(len(list), "scenario"), c.dir)
		if stopped != nil {
			msg += "; " + stopped.Error()
		}
		return &failure{msg}
	}
	fmt.Fprintf(stderr, "record: recorded %s into %s, from %s\n", plural(len(list), "scenario"), c.dir, b.desc)
	return nil
}

// recordScenario records one scenario and saves it to path.
func recordScenario(ctx context.Context, c *recordConfig, b *backend, s scenario, path string) (*conversation, int, error) {
	name := s.Model
	if name == "" {
		name = c.model
	}
	rec := b.recorder()
	model, err := b.model(name, rec)
	if err != nil {
		return nil, 0, err
	}
	steps := s.MaxSteps
	if steps <= 0 {
		steps = c.maxSteps
	}
	conv := &conversation{model: model, system: s.System, tools: s.Tools, maxSteps: steps, out: io.Discard, log: io.Discard}
	for n, t := range s.Turns {
		stream := s.Stream
		if t.Stream != nil {
			stream = *t.Stream
		}
		if err := conv.turn(ctx, t.Prompt, effectiveSettings(&c.settings, s.Settings, t.Settings), stream); err != nil {
			return nil, 0, fmt.Errorf("turn %d: %w", n+1, b.describe(ctx, err, c.timeout))
		}
	}
	n, err := b.save(path, rec, c.force)
	if err != nil {
		return nil, 0, err
	}
	return conv, n, nil
}

// checkOut refuses an -o that cannot be a cassette file, before anything
// is sent.
func checkOut(out string) error {
	if strings.TrimSpace(out) == "" {
		return usagef("-o is empty: give the cassette file to write, such as -o session.yaml")
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return usagef("-o %s is a directory: give a cassette file, such as -o %s", out, filepath.Join(out, "session.yaml"))
	}
	return nil
}

// backend is where requests go: Groq, or the embedded fake.
type backend struct {
	fake  *fakes.Groq       // the embedded fake; nil for Groq
	base  http.RoundTripper // the real transport under the recorder
	key   string            // the API key, scrubbed from cassettes
	desc  string            // for the summary
	who   string            // who answers, in error messages: Groq, or the embedded fake
	url   string            // the base URL requests go to, in error messages
	notes []string          // lines for stderr after a save (what a re-recording changed)
}

// flushNotes prints and forgets the notes.
func (b *backend) flushNotes(w io.Writer) {
	for _, n := range b.notes {
		fmt.Fprintln(w, n)
	}
	b.notes = nil
}

func openBackend(c *recordConfig, stderr io.Writer) (*backend, error) {
	key := os.Getenv("GROQ_API_KEY")
	if key != "" && !c.fake {
		if ci.Set() && !c.force {
			return nil, errors.New("refusing to record against Groq because CI is set: record on a workstation and commit the cassette, or pass -force")
		}
		t := http.DefaultTransport.(*http.Transport).Clone()
		base := os.Getenv("GROQ_BASE_URL")
		if base == "" {
			base = groq.DefaultBaseURL
		}
		shown := base
		if u, err := url.Parse(base); err == nil {
			shown = u.Redacted()
		}
		return &backend{base: t, key: key, desc: "Groq at " + shown, who: "Groq", url: shown}, nil
	}
	if key == "" {
		fmt.Fprintln(stderr, "record: GROQ_API_KEY is not set, so this records against the embedded fake Groq server (set it to record from Groq)")
	} else {
		fmt.Fprintln(stderr, "record: -fake: recording against the embedded fake Groq server")
	}
	var opts []fakes.Option
	if c.pace {
		opts = append(opts, fakes.WithPacing())
	}
	g := fakes.NewServer(opts...)
	// The fake's Transport reaches it from a model left at Groq's URL, so
	// the cassette records the URLs the code uses in production.
	return &backend{fake: g, base: g.Transport(), key: key, desc: "the embedded fake Groq server",
		who: "the embedded fake Groq server", url: g.URL}, nil
}

func (b *backend) close() {
	if b.fake != nil {
		b.fake.Close()
	}
}

func (b *backend) recorder() *recorder.Recorder {
	rec := &recorder.Recorder{Real: b.base}
	if b.fake != nil {
		rec.Source = "embedded fake Groq server (cmd/record)"
	}
	return rec
}

func (b *backend) model(name string, rec *recorder.Recorder) (*groq.Model, error) {
	opts := []groq.Option{groq.WithTransport(rec)}
	if b.fake != nil {
		// Groq's own URL, whatever GROQ_BASE_URL says: the fake's
		// Transport reaches the fake from it, and the cassette keeps it.
		opts = append(opts, groq.WithBaseURL(groq.DefaultBaseURL), groq.WithAPIKey(""))
	}
	m, err := groq.NewModel(name, opts...)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// save writes what rec recorded to path (checked again, as checkOutput
// says: it may have changed while recording), scrubbed, and returns how
// many interactions it holds. Nothing recorded, or any failure, leaves
// what stood at path as it was.
func (b *backend) save(path string, rec *recorder.Recorder, force bool) (int, error) {
	is := rec.Interactions()
	if len(is) == 0 {
		return 0, errors.New("nothing was recorded")
	}
	var opts []cassettes.Option
	if b.key != "" {
		opts = append(opts, cassettes.WithSecrets(b.key))
	}
	notes, err := saveCassette(path, is, b.fake != nil, force, opts...)
	if err != nil {
		return 0, err
	}
	b.notes = append(b.notes, notes...)
	return len(is), nil
}

// saveCassette saves is as the cassette at path, with the output rules of
// -o (checkOutput: a file that is not a cassette is refused unless
// force), its directory made if needed, and returns the notes to print
// (what the new cassette replaced). The one save of record, its scenarios
// and record proxy.
func saveCassette(path string, is []*cassettes.Interaction, fromFake, force bool, opts ...cassettes.Option) ([]string, error) {
	out, err := checkOutput(path, fromFake, force)
	if err != nil {
		return nil, err
	}
	if dir := filepath.Dir(out.path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	c := cassettes.New(out.path)
	c.Interactions = is
	if err := c.Save(opts...); err != nil {
		return nil, err
	}
	return out.notes(c), nil
}

// replaced says, in one line, how a re-recording differs from the cassette
// it replaced.
func replaced(path string, r *cassettes.DriftReport) string {
	stable := r.Stable()
	switch len(stable) {
	case 0:
		return fmt.Sprintf("record: replaced %s: no changes apart from volatile fields", path)
	case 1:
		return fmt.Sprintf("record: replaced %s: 1 change beyond volatile fields: %s", path, oneLine(stable[0].String(), 200))
	}
	return fmt.Sprintf("record: replaced %s: %d changes beyond volatile fields, the first: %s", path, len(stable), oneLine(stable[0].String(), 200))
}

// recordingError words a failed request for the terminal in one line,
// without the key; nothing is saved.
func (b *backend) recordingError(ctx context.Context, err error, timeout time.Duration) error {
	return errors.New(b.describe(ctx, err, timeout).Error() + "; nothing saved")
}

// describe words a failed request in one line, without the key.
func (b *backend) describe(ctx context.Context, err error, timeout time.Duration) error {
	var (
		he *llm.ModelHTTPError
		ae *llm.ModelAPIError
		ue *url.Error
		oe *net.OpError
	)
	var msg string
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		msg = fmt.Sprintf("gave up after -timeout %s", timeout)
	case errors.Is(ctx.Err(), context.Canceled):
		msg = "interrupted"
	case errors.As(err, &he):
		text := strings.TrimSpace(string(he.Body))
		var body groqwire.ErrorResponse
		if jerr := json.Unmarshal(he.Body, &body); jerr == nil && body.Error.Message != "" {
			text = body.Error.Message
		}
		if text == "" {
			text = http.StatusText(he.StatusCode)
		}
		msg = fmt.Sprintf("%s answered %d: %s", b.who, he.StatusCode, oneLine(text, 300))
	case errors.As(err, &ae) && errors.As(ae.Err, &ue):
		cause := ue.Err
		if errors.As(cause, &oe) && oe.Err != nil {
			cause = oe.Err
		}
		msg = fmt.Sprintf("cannot reach %s: %s", b.url, cause)
	case errors.As(err, &ae):
		msg = fmt.Sprintf("the request to %s failed: %s", b.who, ae.Message)
	default:
		msg = err.Error()
	}
	if b.key != "" {
		msg = strings.ReplaceAll(msg, b.key, cassettes.Redacted)
	}
	return errors.New(oneLine(msg, 600))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
}

// Flag values for settings that are unset unless given.

type floatFlag struct{ p **float64 }

func (f floatFlag) String() string {
	if f.p == nil || *f.p == nil {
		return ""
	}
	return strconv.FormatFloat(**f.p, 'g', -1, 64)
}

func (f floatFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("not a number")
	}
	*f.p = &v
	return nil
}

type intFlag struct{ p **int }

func (f intFlag) String() string {
	if f.p == nil || *f.p == nil {
		return ""
	}
	return strconv.Itoa(**f.p)
}

func (f intFlag) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("not an integer")
	}
	*f.p = &v
	return nil
}

type int64Flag struct{ p **int64 }

func (f int64Flag) String() string {
	if f.p == nil || *f.p == nil {
		return ""
	}
	return strconv.FormatInt(**f.p, 10)
}

func (f int64Flag) Set(s string) error {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errors.New("not an integer")
	}
	*f.p = &v
	return nil
}

type listFlag struct{ p *[]string }

func (f listFlag) String() string {
	if f.p == nil {
		return ""
	}
	return strings.Join(*f.p, ",")
}

func (f listFlag) Set(s string) error {
	n := 0
	for _, v := range strings.Split(s, ",") {
		if v != "" {
			*f.p = append(*f.p, v)
			n++
		}
	}
	if n == 0 {
		return errors.New("no stop sequence in it")
	}
	return nil
}

type choiceFlag struct {
	p      *string
	values []string
}

func (f choiceFlag) String() string {
	if f.p == nil {
		return ""
	}
	return *f.p
}

func (f choiceFlag) Set(s string) error {
	for _, v := range f.values {
		if s == v {
			*f.p = s
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(f.values, ", "))
}
