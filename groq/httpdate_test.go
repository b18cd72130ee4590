package groq

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// groq-python reads a Retry-After date with email.utils.parsedate_tz and
// mktime_tz (_base_client.py _parse_retry_after_header). Each want is
// CPython's mktime_tz(parsedate_tz(s)) for s.
func TestRetryAfterDateFormsAsPython(t *testing.T) {
	cases := []struct {
		in   string
		unix int64
	}{
		{"Thu, 01 Jan 2026 00:00:07 GMT", 1767225607},
		{"Thu, 01 Jan 2026 00:00:07 +0000", 1767225607},
		{"01 Jan 2026 00:00:07 GMT", 1767225607},
		{"Thursday, 01-Jan-26 00:00:07 GMT", 1767225607},
		{"Thu Jan  1 00:00:07 2026", 1767225607},
		{"Thu, 01 Jan 2026 00:01 GMT", 1767225660},
		{"Thu, 01 Jan 2026 01:30:07 +0130", 1767225607},
		{"Thu, 01 Jan 2026 00:00:07", 1767225607},
		{"Thu, 1 Jan 2026 00:00:07 GMT", 1767225607},
		{"31 Dec 2025 19:00:07 EST", 1767225607},
		{"Wed, 31 Dec 2025 16:00:07 PST", 1767225607},
	}
	for _, c := range cases {
		got, ok := parseHTTPDate(c.in)
		if !ok || got.Unix() != c.unix {
			t.Errorf("parseHTTPDate(%q) = %v %v, Python reads %d", c.in, got.Unix(), ok, c.unix)
		}
	}
	if _, ok := parseHTTPDate("garbage"); ok {
		t.Error("garbage read as a date")
	}

	// The retry waits what the date asks (7s after the fake clock's now,
	// 2026-01-01T00:00:00Z), and ModelHTTPError.RetryDelay says the same.
	for _, c := range cases[:5] {
		s := newScriptServer(t, reply{status: 429, header: map[string]string{"Retry-After": c.in}}, reply{status: 200, body: okBody})
		m, clock := testModel(t, s.URL)
		if _, err := m.Request(context.Background(), hello(), nil, nil); err != nil {
			t.Fatal(err)
		}
		if got := clock.Waits(); len(got) != 1 || got[0] != 7*time.Second {
			t.Errorf("%q: slept %v, want [7s]", c.in, got)
		}
		d, ok := parseRetryAfter(http.Header{"Retry-After": {c.in}}, time.Unix(1767225600, 0))
		if !ok || d != 7*time.Second {
			t.Errorf("%q: RetryDelay %v %v", c.in, d, ok)
		}
	}
}
