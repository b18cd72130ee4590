package groq

import (
	"slices"
	"strings"
	"testing"
)

// The expected values below were computed with Python 3's difflib and
// pydantic-ai's _suggest_known_model_name / _suggest_known_model_id_from_provider_error
// (models/__init__.py at 4fda38988f29) over the same known ids.

func TestSuggestModelIDMatchesPydanticAI(t *testing.T) {
	tests := map[string]string{
		"llama-3.3-70b-versatlie":            "groq:llama-3.3-70b-versatile",
		"llama-3.3-70b-versatile":            "",
		"llama3-70b-8192":                    "",
		"gpt-oss-120b":                       "groq:openai/gpt-oss-120b",
		"openai/gpt-oss-12b":                 "groq:openai/gpt-oss-120b",
		"openai/gpt-oss-20":                  "groq:openai/gpt-oss-20b",
		"whisper-large":                      "groq:whisper-large-v3",
		"whisper-large-v3-turb":              "groq:whisper-large-v3-turbo",
		"llama-3.1-8b":                       "",
		"playai":                             "",
		"playai-tts-arab":                    "groq:playai-tts-arabic",
		"mixtral-8x7b-32768":                 "",
		"gemma2-9b-it":                       "",
		"meta-llama/llama-guard-4":           "groq:meta-llama/llama-guard-4-12b",
		"meta-llama/llama-prompt-guard-2-22": "groq:meta-llama/llama-prompt-guard-2-22m",
		"qwen/qwen3-32b":                     "",
		"moonshotai/kimi-k2-instruct":        "",
		"deepseek-r1-distill-llama-70b":      "",
		"llama-3.3-70b":                      "",
		"":                                   "",
		"x":                                  "",
		"LLAMA-3.3-70B-VERSATILE":            "",
		"llama-3.3-70b-versatile ":           "groq:llama-3.3-70b-versatile",
		"openai/gpt-oss-safeguard":           "groq:openai/gpt-oss-safeguard-20b",
		"meta-llama/llama-4-scout-17b-16e-instruct":   "groq:meta-llama/llama-4-maverick-17b-128e-instruct",
		"groq:llama-3.3-70b-versatile":                "groq:llama-3.3-70b-versatile",
		"llama-3.1-70b-versatile":                     "groq:llama-3.3-70b-versatile",
		"ллама-3.3-70b-versatile":                     "groq:llama-3.3-70b-versatile",
		"whisper-large-v3-turbo-en":                   "groq:whisper-large-v3-turbo",
		strings.Repeat("llama-3.3-70b-versatile", 50): "",
	}
	for name, want := range tests {
		if got := suggestModelID(name); got != want {
			t.Errorf("suggestModelID(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestRatioMatchesDifflib(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"abcd", "bcde", 0.75},
		{"llama", "lamma", 0.8},
		{"private Thread", "Thread private", 0.5},
		{"aaaa", "aa", 2.0 / 3},
		{"ab", "ba", 0.5},
		{"", "", 1},
	}
	for _, tt := range tests {
		if got := ratio([]rune(tt.a), []rune(tt.b)); got != tt.want {
			t.Errorf("ratio(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	// get_close_matches breaks a tie on score by the greater string.
	for _, order := range [][]string{{"aa", "bb"}, {"bb", "aa"}} {
		if got := closeMatch("ab", order, 0.4); got != "bb" {
			t.Errorf("closeMatch over %v = %q, want bb", order, got)
		}
	}
}

func TestModelNotFoundSuggestionNeedsTheCode(t *testing.T) {
	for body, want := range map[string]string{
		`{"error":{"code":"model_not_found","message":"x"}}`: "groq:llama-3.3-70b-versatile",
		`{"error":{"code":"not_found"}}`:                     "",
		`{"error":"model_not_found"}`:                        "",
		`{"code":"model_not_found"}`:                         "",
		`not json`:                                           "",
		`{"error":{"code":7}}`:                               "",
	} {
		if got := modelNotFoundSuggestion("llama-3.3-70b-versatlie", []byte(body)); got != want {
			t.Errorf("%s: got %q, want %q", body, got, want)
		}
	}
}

func FuzzSuggestModelID(f *testing.F) {
	f.Add("llama-3.3-70b-versatlie", `{"error":{"code":"model_not_found"}}`)
	f.Add("ллама", `{"error":{"code":"model_not_found","message":null}}`)
	f.Add("\xff\xfe", `{"error":null}`)
	f.Fuzz(func(t *testing.T, name, body string) {
		got := modelNotFoundSuggestion(name, []byte(body))
		if got != "" && !slices.Contains(knownModelIDs, got) {
			t.Fatalf("suggested %q, not a known id", got)
		}
		if got == "groq:"+name {
			t.Fatalf("suggested the name asked for")
		}
	})
}
