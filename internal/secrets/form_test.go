package secrets_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/secrets"
)

// TestFormBodies: in a form request body, the values of secret
// parameters (and of any parameter whose whole value is a weak configured
// secret) are redacted, however the name is percent-encoded, with every
// other byte kept; the same text in a body of another type is left to
// the other rules.
func TestFormBodies(t *testing.T) {
	e := secrets.New(secrets.Config{Values: []secrets.Value{{Text: "weakpw12"}}})
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	tok := "tk" + strings.Repeat("Rm5", 6) // no known shape: found by its name
	tests := []struct{ in, want string }{
		{"grant_type=client_credentials&client_id=app&client_secret=" + tok,
			"grant_type=client_credentials&client_id=app&client_secret=REDACTED"},
		{"password=" + tok + "&username=ann&refresh_token=" + tok + "&scope=a+b",
			"password=REDACTED&username=ann&refresh_token=REDACTED&scope=a+b"},
		{"client%5Fsecret=" + tok + "&API_KEY=" + tok + "&x=weakpw12&y=%zz&&",
			"client%5Fsecret=REDACTED&API_KEY=REDACTED&x=REDACTED&y=%zz&&"},
		{"password=&token=REDACTED&keep=1", "password=&token=REDACTED&keep=1"},
	}
	for _, tt := range tests {
		if got := e.ScrubRequestBody(form, tt.in); got != tt.want {
			t.Errorf("form %s:\n got %s\nwant %s", tt.in, got, tt.want)
		}
		if left := e.FormParamsLeft(form, tt.want); len(left) != 0 {
			t.Errorf("params left after scrubbing %s: %v", tt.want, left)
		}
	}
	if got := e.FormParamsLeft(form, "a=1&client%5Fsecret="+tok+"&password="+tok); !reflect.DeepEqual(got, []string{"client_secret", "password"}) {
		t.Errorf("FormParamsLeft = %v", got)
	}
	text := http.Header{"Content-Type": {"text/plain"}}
	if in := "oauth_token=" + tok; e.ScrubRequestBody(text, in) != in || e.FormParamsLeft(text, in) != nil {
		t.Errorf("a text body was read as a form")
	}
}

func FuzzScrubForm(f *testing.F) {
	for _, s := range []string{"a=1&password=x", "client%5Fsecret=y&&=&%zz=%", "token=REDACTED&k", "x=weakpw12", "=&=&"} {
		f.Add(s)
	}
	e := secrets.New(secrets.Config{Values: []secrets.Value{{Text: "weakpw12"}}})
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	f.Fuzz(func(t *testing.T, in string) {
		out := e.ScrubRequestBody(form, in)
		if left := e.FormParamsLeft(form, out); len(left) > 0 {
			t.Fatalf("%q -> %q leaves %v", in, out, left)
		}
	})
}
