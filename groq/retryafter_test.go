package groq

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/llm"
)

// Moved from package llm, which no longer reads HTTP headers.
func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{"none", http.Header{}, 0, false},
		{"seconds", http.Header{"Retry-After": {"2"}}, 2 * time.Second, true},
		{"fractional seconds", http.Header{"Retry-After": {"1.5"}}, 1500 * time.Millisecond, true},
		{"ms wins", http.Header{"Retry-After": {"2"}, "Retry-After-Ms": {"250"}}, 250 * time.Millisecond, true},
		{"http date", http.Header{"Retry-After": {now.Add(30 * time.Second).Format(http.TimeFormat)}}, 30 * time.Second, true},
		{"past date", http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, 0, true},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0, false},
		{"negative", http.Header{"Retry-After": {"-1"}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.header, now)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseRetryAfter = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// An HTTP-date Retry-After is measured from the model's clock (WithClock),
// not the wall clock: the fake clock stands in 2026-01-01, so a date 90s
// after it gives exactly 90s, for a plain request and for an error sent
// inside a stream.
func TestRetryAfterUsesModelClock(t *testing.T) {
	date := newFakeClock().Now().Add(90 * time.Second).Format(http.TimeFormat)
	h := map[string]string{"Retry-After": date}
	s := newScriptServer(t, reply{status: 429, body: `{"error":{"message":"slow down","type":"tokens"}}`, header: h})
	m, _ := testModel(t, s.URL, WithMaxRetries(0), WithRetryWaitCap(time.Second))
	_, err := m.Request(context.Background(), hello(), nil, nil)
	var he *llm.ModelHTTPError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v", err)
	}
	if d, ok := he.RetryAfter(); !ok || d != 90*time.Second {
		t.Errorf("RetryAfter = %v %v; want 1m30s true (by the model's clock)", d, ok)
	}

	sr := &StreamedResponse{modelName: "m", header: http.Header{"Retry-After": {date}}, clock: newFakeClock()}
	if !errors.As(sr.eventError([]byte(`{"error":{"message":"over capacity","type":"internal_server_error"}}`)), &he) {
		t.Fatal("eventError is not a *llm.ModelHTTPError")
	}
	if d, ok := he.RetryAfter(); !ok || d != 90*time.Second {
		t.Errorf("stream error RetryAfter = %v %v; want 1m30s true (by the model's clock)", d, ok)
	}
}

// A request that cannot be encoded is a UserError that keeps the encoder's
// error as its cause, for the plain and the streamed call.
func TestEncodeErrorKeepsCause(t *testing.T) {
	m, err := NewModel("m", WithAPIKey("k"), WithBaseURL("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	s := &llm.Settings{ExtraBody: map[string]any{"bad": make(chan int)}}
	_, err1 := m.Request(context.Background(), hello(), s, nil)
	_, err2 := m.RequestStream(context.Background(), hello(), s, nil)
	for i, err := range []error{err1, err2} {
		var ue *llm.UserError
		var je *json.UnsupportedTypeError
		if !errors.As(err, &ue) || !errors.As(err, &je) {
			t.Errorf("call %d: err = %#v; want a *llm.UserError wrapping *json.UnsupportedTypeError", i, err)
		}
	}
}
