package httpbody

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// crlfStream is a Gemini-style stream (data-only frames ended by CRLF)
// longer than the decoder's first buffer, whose frames are n bytes of
// padding long.
func crlfStream(n int) string {
	var b strings.Builder
	for b.Len() < 70000 {
		b.WriteString("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + strings.Repeat("a", n) + "\"}]}}]}\r\n\r\n")
	}
	return b.String()
}

// SplitSSE gives every event its whole CRLF, wherever the decoder's reads
// of a long body happen to end: an event's last LF is never left for the
// next event (a client splitting lines at LF would see the event only
// when the next one arrives), and the stored form never puts a timing
// line inside a CRLF, so it splits again into the same events.
func TestSplitSSEKeepsCRLFWithItsEvent(t *testing.T) {
	for pad := 100; pad < 400; pad++ { // some of these put a CR at the end of a read
		body := crlfStream(pad)
		evs, err := SplitSSE(body)
		if err != nil {
			t.Fatal(err)
		}
		for k, e := range evs {
			if !bytes.HasPrefix(e.Raw, []byte("data: ")) || !bytes.HasSuffix(e.Raw, []byte("}\r\n\r\n")) {
				t.Fatalf("padding %d, event %d is not one whole frame: ...%q", pad, k, e.Raw[max(0, len(e.Raw)-12):])
			}
		}
		if string(JoinSSE(evs)) != body {
			t.Fatalf("padding %d: joined events differ from the body", pad)
		}
		for k := range evs {
			evs[k].Offset = time.Duration(k) * time.Millisecond
		}
		again, err := SplitSSE(MarkSSE(evs))
		if err != nil || len(again) != len(evs) {
			t.Fatalf("padding %d: the stored form splits into %d events (%v), want %d", pad, len(again), err, len(evs))
		}
		for k := range again {
			if !again[k].HasOffset || again[k].Offset != evs[k].Offset || !bytes.Equal(again[k].Raw, evs[k].Raw) {
				t.Fatalf("padding %d, event %d read back as %v %q, want %v %q", pad, k, again[k].Offset, again[k].Raw, evs[k].Offset, evs[k].Raw)
			}
		}
	}
}

// A stored stream with a timing line inside a CRLF (as an older version
// wrote it) reads with the LF given back to its event and the timing line
// kept for the event after it.
func TestSplitSSETimingLineInsideCRLF(t *testing.T) {
	body := TimingLine(0) + "data: a\r\n\r" + TimingLine(time.Second) + "\n" + "data: b\r\n\r\n"
	evs, err := SplitSSE(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || string(evs[0].Raw) != "data: a\r\n\r\n" || string(evs[1].Raw) != "data: b\r\n\r\n" ||
		evs[0].Offset != 0 || !evs[1].HasOffset || evs[1].Offset != time.Second {
		t.Fatalf("split into %+v", evs)
	}
	// A lone LF at the very end of a body goes to the event before it.
	evs, err = SplitSSE("data: a\r\n\r")
	if err != nil || len(evs) != 1 {
		t.Fatalf("%+v %v", evs, err)
	}
}

// Provider framings split into one event per frame, each with its exact
// bytes: event: lines, comments and pings, multi-line data, id and retry
// fields, and CR, LF or CRLF line ends.
func TestSplitSSEProviderFramings(t *testing.T) {
	for _, c := range []struct {
		name   string
		frames []string
	}{
		{"anthropic", []string{
			"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":1}}}\n\n",
			"event: ping\ndata: {\"type\": \"ping\"}\n\n",
			"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n",
			"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
		}},
		{"responses", []string{
			"event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n",
			"event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"usage\":{\"total_tokens\":3}}}\n\n",
		}},
		{"gemini crlf", []string{
			"data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}]}}]}\r\n\r\n",
			"data: {\"candidates\": [{\"finishReason\": \"STOP\"}]}\r\n\r\n",
		}},
		{"comments, multi-line data, fields, CR", []string{
			": keep-alive\n\n",
			": OPENROUTER PROCESSING\r\nid: 7\r\nretry: 3000\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n",
			"event: x\rdata: y\r\r",
			"data: last\n\n",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stored strings.Builder
			for k, f := range c.frames {
				stored.WriteString(TimingLine(time.Duration(k) * 250 * time.Millisecond))
				stored.WriteString(f)
			}
			evs, err := SplitSSE(stored.String())
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != len(c.frames) {
				t.Fatalf("%d events, want %d: %+v", len(evs), len(c.frames), evs)
			}
			for k, e := range evs {
				if string(e.Raw) != c.frames[k] || !e.HasOffset || e.Offset != time.Duration(k)*250*time.Millisecond {
					t.Errorf("event %d = %v %q, want %v %q", k, e.Offset, e.Raw, time.Duration(k)*250*time.Millisecond, c.frames[k])
				}
			}
			if MarkSSE(evs) != stored.String() {
				t.Errorf("MarkSSE does not give the stored form back")
			}
		})
	}
}

// A timing line reads back as the offset it was written from, to the
// microsecond (4.06 s is not 4.059999999 s).
func TestTimingLineRoundTrip(t *testing.T) {
	for _, d := range []time.Duration{0, time.Microsecond, 4060 * time.Millisecond, 279999 * time.Microsecond, 3*time.Hour + 7*time.Microsecond, 1e9 * time.Second / 1000} {
		evs, err := SplitSSE(TimingLine(d) + "data: x\n\n")
		if err != nil || len(evs) != 1 || evs[0].Offset != d {
			t.Errorf("TimingLine(%v) reads back as %+v, %v", d, evs, err)
		}
	}
}

// FuzzSplitSSELongStream repeats a frame into a body long enough to cross
// the decoder's reads at many places: the events give the body back byte
// for byte, no event leaves the LF of a CRLF to the next one, and the
// stored form splits again into the same events.
func FuzzSplitSSELongStream(f *testing.F) {
	f.Add("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"abc\"}]}}]}\r\n\r\n", uint16(900))
	f.Add("event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n: c\r\n\r\n", uint16(1500))
	f.Add("data: a\r\rdata: b\n\n", uint16(4000))
	f.Add("data: x\r\n\r", uint16(6000))
	f.Add("data: x\r\n\r\n", uint16(3000)) // 11 bytes: a blank line's CR ends the decoder's first 32 KiB read
	f.Fuzz(func(t *testing.T, frame string, reps uint16) {
		if frame == "" || strings.Contains(frame, TimingPrefix) {
			return
		}
		n := min(1+int(reps), (256<<10)/len(frame)+1)
		body := strings.Repeat(frame, n)
		evs, err := SplitSSE(body)
		if err != nil {
			return // a line over the limit
		}
		if string(JoinSSE(evs)) != body {
			t.Fatal("the events do not give the body back")
		}
		for k := 1; k < len(evs); k++ {
			if bytes.HasSuffix(evs[k-1].Raw, []byte{'\r'}) && bytes.HasPrefix(evs[k].Raw, []byte{'\n'}) {
				t.Fatalf("event %d starts with the LF of event %d's CRLF", k, k-1)
			}
		}
		again, err := SplitSSE(MarkSSE(evs))
		if err != nil || len(again) != len(evs) {
			t.Fatalf("the stored form splits into %d events (%v), want %d", len(again), err, len(evs))
		}
		for k := range again {
			if !bytes.Equal(again[k].Raw, evs[k].Raw) {
				t.Fatalf("event %d reads back as %q, want %q", k, again[k].Raw, evs[k].Raw)
			}
		}
	})
}
