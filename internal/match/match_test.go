package match

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

const chatURL = "https://api.groq.com/openai/v1/chat/completions"

func chat(body string) *Interaction {
	i := &Interaction{}
	i.Request.Method, i.Request.URL, i.Request.Body = "POST", chatURL, body
	i.Request.Headers = http.Header{"Content-Type": {"application/json"}}
	i.Response.Code, i.Response.Body = 200, `{"choices":[]}`
	return i
}

func post(t *testing.T, x *Index, body string) (*Interaction, error) {
	t.Helper()
	r, err := http.NewRequest("POST", chatURL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	return x.Match(r, []byte(body))
}

// TestAddUsed: an interaction added with AddUsed (one just recorded, which
// answered its own request) is indexed but does not answer a later
// identical request, and is not reported unused; one given to NewIndex
// answers once.
func TestAddUsed(t *testing.T) {
	x := NewIndex("c.yaml", []*Interaction{chat(`{"a":1}`)})
	x.AddUsed(chat(`{"a":2}`))
	if got := x.Unused(); len(got) != 1 || got[0] != 0 {
		t.Fatalf("Unused = %v, want [0]: the added interaction counts as used", got)
	}
	if x.Interaction(1) == nil || x.Interaction(1).Request.Body != `{"a":2}` {
		t.Fatalf("Interaction(1) = %v, want the added one", x.Interaction(1))
	}
	_, err := post(t, x, `{"a":2}`)
	var miss *MissError
	if !errors.As(err, &miss) || !strings.Contains(miss.Reason, "already replayed") {
		t.Fatalf("Match of the added request = %v, want a *MissError saying it was already replayed", err)
	}
	if i, err := post(t, x, `{"a":1}`); err != nil || i.Request.Body != `{"a":1}` {
		t.Fatalf("Match of the indexed request = %v, %v", i, err)
	}
	if got := x.Unused(); len(got) != 0 {
		t.Fatalf("Unused after both = %v, want none", got)
	}
}

// TestDefaultScrubbingReadsTheEnvironment: an Index built without Scrub
// scrubs miss reports with the default secret variables, as Save would.
func TestDefaultScrubbingReadsTheEnvironment(t *testing.T) {
	key := "k" + strings.Repeat("Zq7", 8) + "x9"
	t.Setenv("OPENAI_API_KEY", key)
	x := NewIndex("c.yaml", []*Interaction{chat(`{"a":"hello"}`)})
	_, err := post(t, x, `{"a":"`+key+`"}`)
	if err == nil || strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "REDACTED") {
		t.Fatalf("miss report = %v, want the key scrubbed", err)
	}
}
