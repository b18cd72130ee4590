package replay

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMessagesNameTheSessionsKeyVariables: a session given
// WithSecretEnv("ANTHROPIC_API_KEY") is told about that variable, not
// GROQ_API_KEY, when CI refuses it and when its cassette is missing; a
// session without one is told the list and WithSecretEnv.
func TestMessagesNameTheSessionsKeyVariables(t *testing.T) {
	anthropic := WithSecretEnv("ANTHROPIC_API_KEY")
	tests := []struct {
		name     string
		ci       bool
		opts     []Option
		want     []string
		wantNot  string
		fakeName string
	}{
		{"CI refusal, WithSecretEnv", true, []Option{WithMode(ModeRecord), anthropic}, []string{"because CI is set; record on a workstation with ANTHROPIC_API_KEY set"}, "GROQ_API_KEY", "TestX"},
		{"CI refusal, default", true, []Option{WithMode(ModeRecord)}, []string{"record on a workstation with your provider's API key (GROQ_API_KEY, OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, GOOGLE_API_KEY, MISTRAL_API_KEY, XAI_API_KEY, ...) set"}, "", "TestX"},
		{"missing cassette, WithSecretEnv", false, []Option{anthropic}, []string{"\tANTHROPIC_API_KEY=... go test ./replay -run '^TestX$' -record\n", "\tANTHROPIC_API_KEY=... LLMVCR_MODE=record go test ./...", "ANTHROPIC_API_KEY: the key variable given to replay.WithSecretEnv"}, "GROQ_API_KEY", "TestX"},
		{"missing cassette, default", false, nil, []string{"\t<KEY_VAR>=... go test ./replay -run '^TestX$' -record\n", "<KEY_VAR>: the variable your client reads its API key from: GROQ_API_KEY, OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, GOOGLE_API_KEY, MISTRAL_API_KEY, XAI_API_KEY", "replay.WithSecretEnv"}, "", "TestX"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.ci {
				t.Setenv("CI", "true")
			} else {
				t.Setenv("CI", "")
			}
			ft := newFakeT(t, tt.fakeName)
			if s := start(ft, append([]Option{WithPath(filepath.Join(t.TempDir(), "none.yaml"))}, tt.opts...)...); s != nil {
				ft.end()
				t.Fatal("the session started")
			}
			msg := ft.allErrors()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
			if tt.wantNot != "" && strings.Contains(msg, tt.wantNot) {
				t.Errorf("message names %s:\n%s", tt.wantNot, msg)
			}
		})
	}
}

// TestEveryProviderKeyIsScrubbed: the value of each provider key variable
// that is set is scrubbed wherever it appears, also when it has no known
// key shape (keys made at run time, of random letters).
func TestEveryProviderKeyIsScrubbed(t *testing.T) {
	for _, name := range keyEnvs {
		t.Run(name, func(t *testing.T) {
			for _, k := range keyEnvs {
				t.Setenv(k, "")
			}
			key := randomKey()
			t.Setenv(name, key)
			g := newFakeGroq(t, func(w http.ResponseWriter, r *http.Request, body string) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"echo":%q,"header":%q}`, body, r.Header.Get("X-Custom"))
			})
			path := filepath.Join(t.TempDir(), "c.yaml")
			t.Run("record", func(t *testing.T) {
				s := New(t, WithPath(path), WithMode(ModeRecord), WithRealTransport(http.DefaultTransport))
				req, _ := http.NewRequest("POST", g.URL+"/v1/chat?q="+key, strings.NewReader(`{"prompt":"my key is `+key+`"}`))
				req.Header.Set("X-Custom", key)
				resp, err := s.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			})
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), key) {
				t.Errorf("the %s value reached the cassette:\n%s", name, data)
			}
		})
	}
}

// randomKey makes a key-like value with no provider's prefix.
func randomKey() string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 36)
	for i := range b {
		b[i] = letters[rand.IntN(len(letters))]
	}
	return "zz" + string(b)
}
