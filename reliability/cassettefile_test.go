package reliability

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"gopkg.in/yaml.v3"
)

// TestCassetteStructure breaks a saved cassette one field at a time (a
// method, a URL, a status code removed from each interaction; timing
// lines made NaN, infinite, negative or out of order) and cuts it at many
// offsets: every broken or cut file must be refused by Load with a
// *FormatError (or a YAML error for a cut inside YAML syntax), never
// loaded.
func TestCassetteStructure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "whole.yaml")
	c := crashCassette(path, 0)
	c.Interactions = c.Interactions[:30] // about 300 KB: each cut is parsed whole
	for _, i := range c.Interactions {
		if httpbody.IsSSE(i.Response.Headers) {
			evs, err := httpbody.SplitSSE(i.Response.Body)
			if err != nil {
				t.Fatal(err)
			}
			for k := range evs {
				evs[k].Offset = time.Duration(k) * 3 * time.Millisecond
			}
			i.Response.Body = httpbody.MarkSSE(evs)
		}
	}
	if err := c.Save(cassettes.WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)

	// One field removed or broken at a time, in every interaction where
	// it occurs (each variant breaks one occurrence).
	var variants []string
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^      method: POST\n`),
		regexp.MustCompile(`(?m)^      url: https://[^\n]*\n`),
		regexp.MustCompile(`(?m)^      code: 200\n`),
	} {
		for _, loc := range re.FindAllStringIndex(text, -1) {
			variants = append(variants, text[:loc[0]]+text[loc[1]:])
		}
	}
	timing := regexp.MustCompile(`llmvcr-t=[0-9.]+`)
	locs := timing.FindAllStringIndex(text, -1)
	nanVariants := 0
	for k, bad := range []string{"llmvcr-t=NaN", "llmvcr-t=+Inf", "llmvcr-t=-0.5", "llmvcr-t=nan"} {
		loc := locs[(k*37+5)%len(locs)]
		variants = append(variants, text[:loc[0]]+bad+text[loc[1]:])
		nanVariants++
	}
	// Out of order: a stream's first event timed after its second.
	ordered := regexp.MustCompile(`llmvcr-t=0\.000000\n([^\n]*\n\n {8}): llmvcr-t=([0-9.]+)`)
	if m := ordered.FindStringSubmatchIndex(text); m != nil {
		variants = append(variants, text[:m[0]]+"llmvcr-t=5.000000\n"+text[m[2]:m[3]]+": llmvcr-t=0.000001"+text[m[1]:])
	}
	structural := 0
	for k, v := range variants {
		_, err := cassettes.Parse([]byte(v))
		var fe *cassettes.FormatError
		if !errors.As(err, &fe) || fe.Interaction < 0 || fe.Field == "" {
			t.Errorf("variant %d: Parse = %v, want a *FormatError naming the interaction and field", k, err)
			continue
		}
		structural++
	}

	// Cut at evenly spaced offsets, plus at every line end of the last
	// interaction.
	cuts, refused := 0, 0
	n := pick(200, 1000)
	offsets := map[int]bool{}
	for i := range n {
		offsets[len(data)*i/n] = true
	}
	last := bytes.LastIndex(data, []byte("\n  - id: "))
	for i := last; i < len(data)-1; i++ {
		if data[i] == '\n' {
			offsets[i+1] = true
		}
	}
	for off := range offsets {
		if off >= len(data)-1 {
			continue
		}
		cuts++
		if _, err := cassettes.Parse(data[:off]); err != nil {
			refused++
		} else {
			t.Errorf("a copy cut at byte %d of %d loaded", off, len(data))
		}
	}
	figure(t, "structure", "broken_fields", len(variants), "refused_naming_field", structural, "bad_timing", nanVariants+1,
		"cuts", cuts, "cuts_refused", refused)
}

// TestNaNTimingCannotHang: a stream whose timing line says NaN is
// refused by Load and by SplitSSE (which replay uses), so
// TimingScaled(1) never waits on it.
func TestNaNTimingCannotHang(t *testing.T) {
	body := ": llmvcr-t=0.000000\ndata: {\"x\":1}\n\n: llmvcr-t=NaN\ndata: [DONE]\n\n"
	if _, err := httpbody.SplitSSE(body); err == nil {
		t.Fatal("SplitSSE took a NaN offset")
	}
	file := "version: 2\ninteractions:\n  - request: {method: POST, url: 'https://api.groq.com/openai/v1/chat/completions'}\n" +
		"    response:\n      code: 200\n      headers: {Content-Type: [text/event-stream]}\n      body: " + fmt.Sprintf("%q", body) + "\n"
	_, err := cassettes.Parse([]byte(file))
	var fe *cassettes.FormatError
	if !errors.As(err, &fe) || fe.Field != "response.body" || !strings.Contains(err.Error(), "NaN") {
		t.Fatalf("Parse = %v, want a *FormatError on response.body naming the NaN", err)
	}
}

// TestAliasBombRefused: a 1 MB body aliased 2,000 times (4 GB once
// expanded) is refused by Load; the figures are the file's size, the
// time, and the bytes the runtime allocated to refuse it.
func TestAliasBombRefused(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("version: 2\ninteractions:\n  - request: {method: POST, url: 'http://x/', body: &big '")
	b.WriteString(strings.Repeat("a", 1<<20))
	b.WriteString("'}\n    response: {code: 200, body: hi}\n")
	for range 2000 {
		b.WriteString("  - request: {method: POST, url: 'http://x/', body: *big}\n    response: {code: 200, body: *big}\n")
	}
	path := filepath.Join(t.TempDir(), "bomb.yaml")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := cassettes.Load(path)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	var ae *cassettes.AliasError
	if !errors.As(err, &ae) {
		t.Fatalf("Load(alias bomb) = %v, want *AliasError", err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	if alloc > 32*uint64(b.Len()) {
		t.Errorf("refusing a %d-byte file allocated %d bytes", b.Len(), alloc)
	}
	figure(t, "alias_bomb", "file_bytes", b.Len(), "expanded_bytes", int64(4001)<<20, "refused", 1,
		"load_ms", took.Milliseconds(), "allocated_mb", alloc>>20)
}

// TestKillLeftoversRemoved kills saving processes with SIGKILL at random
// points (the crash test's helper) and counts the temporary files left
// beside the cassette, then saves once more: none may be left.
func TestKillLeftoversRemoved(t *testing.T) {
	if testing.Short() {
		t.Skip("starts helper processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	probe := filepath.Join(dir, "probe.yaml")
	start := time.Now()
	if err := crashCassette(probe, 0).Save(cassettes.WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	saveTime := time.Since(start)
	os.Remove(probe)
	n := pick(5, 40)
	most, leaving := 0, 0
	for range n {
		killHelpers(t, "save", path, 1, rng, saveTime/2, 3*saveTime, t.Errorf)
		temps, _ := filepath.Glob(filepath.Join(dir, ".c.yaml.tmp-*"))
		most = max(most, len(temps))
		if len(temps) > 0 {
			leaving++
		}
	}
	before, _ := filepath.Glob(filepath.Join(dir, ".c.yaml.tmp-*"))
	if err := crashCassette(path, 1000).Save(cassettes.WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	after, _ := filepath.Glob(filepath.Join(dir, ".c.yaml.tmp-*"))
	if len(after) != 0 {
		t.Errorf("after the next save, %d temporary files remain: %v", len(after), after)
	}
	if most > 1 {
		t.Errorf("%d temporary files at once: each save should remove the one killed before it", most)
	}
	figure(t, "kill_leftovers", "kills", n, "kills_leaving_a_temp_file", leaving, "most_temp_files_at_once", most, "left_before_next_save", len(before), "left_after_next_save", len(after))
}

// TestReadableStreamWithEmojiAndCRLF saves a long stream (CRLF frames,
// as genai sends, each chunk with emoji) and checks the file: no line
// longer than one event, no escapes, exact bytes back. The figure
// compares with yaml.v3's own rendering of the same body.
func TestReadableStreamWithEmojiAndCRLF(t *testing.T) {
	var sent strings.Builder
	var events []httpbody.Event
	for k := range 1000 {
		ev := fmt.Sprintf("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"chunk %d 🌡️ 🔥 😀\"}]}}]}\r\n\r\n", k)
		sent.WriteString(ev)
		events = append(events, httpbody.Event{Offset: time.Duration(k) * time.Millisecond, Raw: []byte(ev)})
	}
	c := cassettes.New(filepath.Join(t.TempDir(), "s.yaml"))
	c.Interactions = []*cassettes.Interaction{{
		Request:  cassettes.Request{Method: "POST", URL: "https://generativelanguage.googleapis.com/v1beta/models/gemini:streamGenerateContent?alt=sse", Body: `{"contents":[]}`, Headers: http.Header{"Content-Type": {"application/json"}}},
		Response: cassettes.Response{Code: 200, Status: "200 OK", Headers: http.Header{"Content-Type": {"text/event-stream"}}, Body: httpbody.MarkSSE(events)},
	}}
	body := c.Interactions[0].Response.Body
	if err := c.Save(cassettes.WithoutDefaultSecrets()); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(c.Path)
	longest := 0
	for _, l := range strings.Split(string(data), "\n") {
		longest = max(longest, len([]rune(l)))
	}
	escapes := bytes.Count(data, []byte(`\U0001`)) + bytes.Count(data, []byte(`\r\n`))
	back, err := cassettes.Load(c.Path)
	if err != nil {
		t.Fatal(err)
	}
	exact := back.Interactions[0].Response.Body == body
	stripped, _ := httpbody.StripTiming(back.Interactions[0].Response.Body)
	if !exact || stripped != sent.String() || escapes != 0 || longest > 120 {
		t.Errorf("exact=%v, replayed bytes equal=%v, escapes=%d, longest line=%d", exact, stripped == sent.String(), escapes, longest)
	}
	plain, _ := yaml.Marshal(map[string]string{"body": body})
	plainLongest := 0
	for _, l := range strings.Split(string(plain), "\n") {
		plainLongest = max(plainLongest, len(l))
	}
	figure(t, "readable_stream", "events", len(events), "longest_line", longest, "escapes", escapes, "bytes_exact", exact,
		"yaml_v3_own_longest_line", plainLongest)
}
