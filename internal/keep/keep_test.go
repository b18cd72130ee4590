package keep

import (
	"net/http"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/httpbody"
	"gopkg.in/dnaeon/go-vcr.v3/cassette"
)

func answer(code int, source string) *cassette.Interaction {
	h := http.Header{}
	if source != "" {
		h.Set(httpbody.SourceHeader, source)
	}
	return &cassette.Interaction{Response: cassette.Response{Code: code, Status: http.StatusText(code), Headers: h}}
}

func cas(is ...*cassette.Interaction) []*cassette.Interaction { return is }

func TestOld(t *testing.T) {
	real200, real401, real500 := answer(200, ""), answer(401, ""), answer(500, "")
	fake200, fake429 := answer(200, "the fake"), answer(429, "the fake")
	for _, tc := range []struct {
		name     string
		old      []*cassette.Interaction
		recorded []*cassette.Interaction
		want     string // "" when recorded may replace old
	}{
		{"no file", nil, []*cassette.Interaction{fake200}, ""},
		{"no file, nothing recorded", nil, nil, ""},
		{"nothing recorded", cas(real200), nil, "nothing was recorded"},
		{"real by real", cas(real200), []*cassette.Interaction{real200}, ""},
		{"real by canned", cas(real200), []*cassette.Interaction{fake200, fake200}, "every new answer is canned (recorded from the fake)"},
		{"mixed by canned", cas(fake200, real200), []*cassette.Interaction{fake200}, "every new answer is canned"},
		{"real by partly canned", cas(real200), []*cassette.Interaction{fake200, real200}, ""},
		{"canned by canned", cas(fake200), []*cassette.Interaction{fake200}, ""},
		{"canned by real", cas(fake200), []*cassette.Interaction{real200}, ""},
		{"empty cassette by canned", cas(), []*cassette.Interaction{fake200}, ""},
		{"success by errors", cas(real200), []*cassette.Interaction{real401, real500}, "every new answer is an HTTP error (the first: 401 Unauthorized)"},
		{"canned success by canned errors", cas(fake200), []*cassette.Interaction{fake429}, "HTTP error (the first: 429 Too Many Requests)"},
		{"errors by errors", cas(real500), []*cassette.Interaction{real401}, ""},
		{"success by one success among errors", cas(real200), []*cassette.Interaction{real401, real200}, ""},
		{"nil entries", cas(nil, real200), []*cassette.Interaction{nil, fake200}, "canned"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Old(tc.old, tc.recorded)
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Fatalf("Old = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStatusTextWithoutCode(t *testing.T) {
	i := answer(503, "")
	i.Response.Status = "503 Service Unavailable"
	if got := Old(cas(answer(200, "")), []*cassette.Interaction{i}); !strings.Contains(got, "(the first: 503 Service Unavailable)") {
		t.Fatal(got)
	}
	i.Response.Status = ""
	if got := Old(cas(answer(200, "")), []*cassette.Interaction{i}); !strings.Contains(got, "(the first: 503 (no status text))") {
		t.Fatal(got)
	}
}

// Nil interactions are no recording, and what the network sent (a status
// text, a source header) is cut short in the reason.
func TestOldHostileRecordings(t *testing.T) {
	real200 := answer(200, "")
	if got := Old(cas(real200), []*cassette.Interaction{nil, nil}); got != "nothing was recorded" {
		t.Errorf("a recording of nil interactions may replace a good cassette: %q", got)
	}
	long := strings.Repeat("é", 1<<19)
	bad := answer(503, "")
	bad.Response.Status = "503 " + long
	got := Old(cas(real200), []*cassette.Interaction{nil, bad})
	if len(got) > 400 || !strings.Contains(got, "503 éé") || !strings.Contains(got, "more bytes)") {
		t.Errorf("the reason for a long status is %d bytes: %.400q", len(got), got)
	}
	got = Old(cas(real200), []*cassette.Interaction{answer(200, long)})
	if len(got) > 400 || !strings.Contains(got, "recorded from éé") {
		t.Errorf("the reason for a long source is %d bytes: %.400q", len(got), got)
	}
}

// A status of invalid UTF-8 (no character starts anywhere) is cut without
// a panic.
func TestOldInvalidUTF8Status(t *testing.T) {
	bad := answer(503, "")
	bad.Response.Status = strings.Repeat("\xaf", 1000)
	if got := Old(cas(answer(200, "")), []*cassette.Interaction{bad}); len(got) > 400 || !strings.Contains(got, "more bytes)") {
		t.Errorf("reason %q", got)
	}
}

// TestCannedSources: canned answers counted, each source named once,
// scrubbed, cut, quoted (a line break stays escaped) and sorted.
func TestCannedSources(t *testing.T) {
	long := strings.Repeat("x", 200)
	is := []*cassette.Interaction{answer(200, "b fake\nforged"), nil, answer(200, ""), answer(200, "a fake KEY"), answer(500, "b fake\nforged"), answer(200, long)}
	n, got := CannedSources(is, func(s string) string { return strings.ReplaceAll(s, "KEY", "REDACTED") })
	want := `"a fake REDACTED" and "b fake\nforged" and "` + strings.Repeat("x", 80) + `... (120 more bytes)"`
	if n != 4 || got != want {
		t.Fatalf("CannedSources = %d, %s; want 4, %s", n, got, want)
	}
	if n, got := CannedSources([]*cassette.Interaction{answer(200, "")}, strings.ToUpper); n != 0 || got != "" {
		t.Fatalf("no canned answer: %d, %q", n, got)
	}
}
