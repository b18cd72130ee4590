package groq

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llmvcr/llmvcr/llm"
)

// httpError builds the error for an HTTP status of 400 or more, reading
// the server's retry delay from h with now taken from the model's clock.
func httpError(status int, modelName string, body []byte, h http.Header, now time.Time) *llm.ModelHTTPError {
	he := &llm.ModelHTTPError{StatusCode: status, ModelName: modelName, Body: body, Header: h}
	if d, ok := parseRetryAfter(h, now); ok {
		he.RetryDelay = &d
	}
	return he
}

// parseRetryAfter reads retry-after-ms, then retry-after (seconds or an
// HTTP date, measured from now), for llm.ModelHTTPError.RetryAfter. It
// reports false when neither is present and valid; a date in the past
// gives 0 and true. (The retry loop reads the headers as groq-python does,
// with retryAfter.)
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, ok := parseHTTPDate(v); ok {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// httpDateLayouts are the date forms Python's email.utils.parsedate_tz
// reads, which groq-python uses for a Retry-After date, beyond the three
// of net/http: a numeric zone, no weekday, no seconds, no zone (UTC).
var httpDateLayouts = []string{
	time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 MST", "Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04:05", "2 Jan 2006 15:04:05",
}

// parseHTTPDate reads a Retry-After date as groq-python does (through
// email.utils.parsedate_tz): net/http's forms, then the others that reads,
// with the US zone names it knows at their offsets.
func parseHTTPDate(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	t, err := http.ParseTime(v)
	if err != nil {
		for _, layout := range httpDateLayouts {
			if t, err = time.Parse(layout, v); err == nil {
				break
			}
		}
	}
	if err != nil {
		return time.Time{}, false
	}
	if name, offset := t.Zone(); offset == 0 {
		if h, ok := pyZones[name]; ok {
			t = t.Add(-time.Duration(h) * time.Hour) // the clock reading was local to that zone
		}
	}
	return t, true
}

// pyZones are the zone names email/_parseaddr.py reads besides UT, UTC,
// GMT and Z, in hours east of UTC.
var pyZones = map[string]int{"AST": -4, "ADT": -3, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
