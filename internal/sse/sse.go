// Package sse decodes Server-Sent Events (text/event-stream) from an
// io.Reader, one event at a time, as soon as each event's blank line has
// arrived.
//
// It follows the WHATWG event stream rules: "data" lines are joined with
// "\n" (one space after the colon is dropped), "event", "id" (ignored when it
// contains NUL; the last id persists from event to event) and "retry"
// (ASCII digits only) fields, comment lines starting with ":" and unknown
// fields are ignored, lines end with LF, CRLF or CR (also when a CRLF is
// split across two reads), a leading UTF-8 BOM is dropped, and a blank line
// ends an event. A block without any data line is not returned, unless the
// decoder was made with [KeepAll]. Unlike a browser, the decoder also returns
// a final block that the input ends before its blank line, marked
// Terminated=false, so that a caller can tell a stream cut mid-event.
//
// Reading a stream:
//
//	dec := sse.NewDecoder(resp.Body)
//	for {
//		ev, err := dec.Next()
//		if err == io.EOF {
//			break
//		}
//		if err != nil {
//			return err // *sse.LineTooLongError or *sse.ReadError
//		}
//		if string(ev.Data) == "[DONE]" {
//			break
//		}
//		handle(ev.Type, ev.Data) // ev.Data is reused by the next call to Next
//	}
//
// Lines longer than [MaxLineSize] (32 MiB by default) stop decoding with a
// [*LineTooLongError]. With [KeepAll], every input byte belongs to the Raw
// of exactly one returned event, so a stream can be recorded and written
// back byte for byte.
//
// A Decoder reuses its buffers: in steady state Next allocates nothing per
// event, and Type and ID strings are allocated only when their value
// changes. A Decoder is not safe for concurrent use.
package sse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxLineSize is the longest line a Decoder accepts unless
// [MaxLineSize] says otherwise: 32 MiB.
const DefaultMaxLineSize = 32 << 20

const (
	initialBufSize = 32 << 10 // first read buffer; grows to hold the longest block
	maxEmptyReads  = 100      // consecutive (0, nil) reads before giving up, as bufio does
)

var (
	bom             = []byte{0xEF, 0xBB, 0xBF}
	errInvalidCount = errors.New("reader returned an impossible byte count")
)

// Event is one block of an SSE stream.
type Event struct {
	Type       string // the "event" field; "" when none was given (means "message")
	Data       []byte // "data" lines joined with "\n"; valid until the next call to Next
	HasData    bool   // at least one data line was present (Data may still be empty)
	ID         string // the last event id seen so far (WHATWG: it persists)
	Retry      int    // the "retry" field in ms, when HasRetry
	HasRetry   bool   // the block had a valid "retry" field
	Raw        []byte // the exact input bytes of this block (comments, the blank line that ends it, a leading BOM on the first); valid until the next call to Next
	Terminated bool   // false when the input ended before the blank line that ends the block
}

// Option configures a Decoder.
type Option func(*config)

type config struct {
	maxLine int
	keepAll bool
	bufSize int // first buffer size; tests set it small to exercise growth
}

// MaxLineSize sets the longest line, in bytes without its line end, that
// the decoder accepts; a longer line makes Next return a
// [*LineTooLongError]. n < 1 means [DefaultMaxLineSize].
func MaxLineSize(n int) Option {
	return func(c *config) {
		if n < 1 {
			n = DefaultMaxLineSize
		}
		c.maxLine = n
	}
}

// KeepAll makes Next also return the blocks that have no data line
// (comment-only blocks, lone blank lines, a block of only "event:" or
// "retry:"), with HasData false. The Raw of the returned events then
// concatenate to the input byte for byte. Without KeepAll such blocks are
// skipped, and their bytes are in no event's Raw.
//
// One case depends on how the input arrives: when the CR of a CRLF that
// ends a block is the last byte of a read, Next returns the event at once
// rather than wait for the LF, so that event's Raw ends with the CR and the
// LF starts the next block's Raw. If the input ends there, KeepAll returns
// that LF as a last event of its own (Raw "\n", HasData false).
func KeepAll() Option {
	return func(c *config) { c.keepAll = true }
}

// LineTooLongError reports a line longer than the decoder's limit.
type LineTooLongError struct {
	Limit  int   // the limit in bytes, as set by MaxLineSize
	Offset int64 // input offset of the first byte of the line
}

// Error describes the line that was too long.
func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("sse: line at offset %d is longer than %d bytes", e.Offset, e.Limit)
}

// ReadError reports that the underlying reader failed. Events completed
// before the failure have already been returned; a partly read block is
// dropped.
type ReadError struct {
	Offset int64 // input offset at which the read failed
	Err    error // the reader's error (io.ErrNoProgress after repeated empty reads)
}

// Error names the failed read and its cause.
func (e *ReadError) Error() string {
	return fmt.Sprintf("sse: read at offset %d: %v", e.Offset, e.Err)
}

// Unwrap returns the reader's error, so errors.Is(err, context.Canceled)
// and the like work.
func (e *ReadError) Unwrap() error { return e.Err }

// Decoder reads events from an io.Reader. Make one with [NewDecoder].
type Decoder struct {
	r   io.Reader
	cfg config

	buf   []byte // buf[start:end] is read but not yet returned
	start int    // first byte of the current block
	pos   int    // first byte not yet split into lines
	end   int    // end of the bytes read
	off   int64  // input offset of buf[0]

	lf    int // index of the first '\n' at or after pos, or -1: none in [pos, lfTo)
	lfTo  int
	crTo  int // no '\r' in [pos, crTo)
	rerr  error
	err   error // sticky error returned by Next (io.EOF at the end)
	begun bool  // the BOM check is done
	// skipLF: the last line ended with a CR that was the last byte read; an
	// LF that comes next belongs to that line end.
	skipLF bool

	// The block being decoded. Offsets are relative to start, so they
	// survive the buffer being compacted.
	lines    int    // non-blank lines in the block
	nData    int    // data lines in the block
	dataOff  int    // offset of the first data line's value
	dataLen  int    // length of the first data line's value
	data     []byte // joined data when there are several data lines
	typ      string // event type of the block
	retry    int
	hasRetry bool

	lastType string // last event type seen, so that an unchanged one is not reallocated
	id       string // last event id buffer (persists across blocks)
}

// NewDecoder returns a decoder reading from r. It reads only as much as it
// needs to return the next event.
func NewDecoder(r io.Reader, opts ...Option) *Decoder {
	d := &Decoder{r: r, cfg: config{maxLine: DefaultMaxLineSize, bufSize: initialBufSize}, lf: -1}
	for _, o := range opts {
		o(&d.cfg)
	}
	return d
}

// Next returns the next event. It returns io.EOF after the last event, a
// [*LineTooLongError] for a line over the limit and a [*ReadError] when the
// reader fails; once it has returned an error it returns the same error
// again. The Data and Raw of the returned event are valid until the next
// call to Next.
func (d *Decoder) Next() (Event, error) {
	if d.err != nil {
		return Event{}, d.err
	}
	d.beginBlock()
	for {
		ls, le, ok, err := d.nextLine()
		if err != nil {
			d.err = err
			return Event{}, err
		}
		if !ok { // the input ended
			if d.nData > 0 || (d.cfg.keepAll && d.pos > d.start) {
				return d.event(d.lines == 0), nil
			}
			d.err = io.EOF
			return Event{}, io.EOF
		}
		if ls == le { // blank line: dispatch
			if d.nData > 0 || d.cfg.keepAll {
				return d.event(true), nil
			}
			d.beginBlock()
			continue
		}
		d.lines++
		d.field(ls, le)
	}
}

func (d *Decoder) beginBlock() {
	d.start = d.pos
	d.lines = 0
	d.nData = 0
	d.typ = ""
	d.retry = 0
	d.hasRetry = false
}

func (d *Decoder) event(terminated bool) Event {
	ev := Event{
		Type:       d.typ,
		HasData:    d.nData > 0,
		ID:         d.id,
		Retry:      d.retry,
		HasRetry:   d.hasRetry,
		Raw:        d.buf[d.start:d.pos:d.pos],
		Terminated: terminated,
	}
	switch {
	case d.nData == 1:
		i := d.start + d.dataOff
		ev.Data = d.buf[i : i+d.dataLen : i+d.dataLen]
	case d.nData > 1:
		ev.Data = d.data
	}
	return ev
}

// field applies the non-blank line buf[ls:le] to the current block.
func (d *Decoder) field(ls, le int) {
	line := d.buf[ls:le]
	if line[0] == ':' {
		return // comment
	}
	name, value := line, line[len(line):]
	vs := le // start of value in buf
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		vs = ls + i + 1
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
			vs++
		}
	}
	switch string(name) {
	case "data":
		switch d.nData {
		case 0:
			d.dataOff, d.dataLen = vs-d.start, len(value)
		case 1:
			i := d.start + d.dataOff
			d.data = append(d.data[:0], d.buf[i:i+d.dataLen]...)
			fallthrough
		default:
			d.data = append(d.data, '\n')
			d.data = append(d.data, value...)
		}
		d.nData++
	case "event":
		if string(value) != d.lastType {
			d.lastType = string(value)
		}
		d.typ = d.lastType
	case "id":
		if bytes.IndexByte(value, 0) < 0 && string(value) != d.id {
			d.id = string(value)
		}
	case "retry":
		if n, ok := parseRetry(value); ok {
			d.retry, d.hasRetry = n, true
		}
	}
}

// parseRetry reads a non-empty run of ASCII digits; a value that does not
// fit in an int32 is refused, as it could not be a sane delay.
func parseRetry(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
		if n > 1<<31-1 {
			return 0, false
		}
	}
	return n, true
}

// nextLine finds the next line and moves pos past its line end. It returns
// the line's bounds in buf, or ok=false when the input has ended. A last
// line without a line end is returned as a line.
func (d *Decoder) nextLine() (ls, le int, ok bool, err error) {
	for {
		if !d.begun {
			if err := d.skipBOM(); err != nil {
				return 0, 0, false, err
			}
			continue
		}
		if d.skipLF {
			if d.pos < d.end {
				if d.buf[d.pos] == '\n' {
					d.pos++
				}
				d.skipLF = false
			} else if d.rerr == nil {
				d.fill()
				continue
			} else {
				d.skipLF = false
			}
		}
		ls = d.pos
		if le, next, found := d.findLineEnd(); found {
			if le-ls > d.cfg.maxLine {
				return 0, 0, false, d.tooLong(ls)
			}
			d.pos = next
			if next == le+1 && next == d.end && d.buf[le] == '\r' {
				d.skipLF = true
			}
			return ls, le, true, nil
		}
		if d.end-ls > d.cfg.maxLine {
			return 0, 0, false, d.tooLong(ls)
		}
		if d.rerr != nil {
			if d.rerr != io.EOF {
				return 0, 0, false, &ReadError{Offset: d.off + int64(d.end), Err: d.rerr}
			}
			if d.pos < d.end { // last line, without a line end
				d.pos = d.end
				return ls, d.end, true, nil
			}
			return 0, 0, false, nil
		}
		d.fill()
	}
}

func (d *Decoder) tooLong(ls int) error {
	return &LineTooLongError{Limit: d.cfg.maxLine, Offset: d.off + int64(ls)}
}

// skipBOM reads until it knows whether the input starts with a UTF-8 BOM,
// and moves pos past it if it does (the BOM stays in the first block's
// Raw).
func (d *Decoder) skipBOM() error {
	n := d.end - d.pos
	if n >= len(bom) || d.rerr != nil || !bytes.HasPrefix(bom, d.buf[d.pos:d.end]) {
		if bytes.HasPrefix(d.buf[d.pos:d.end], bom) {
			d.pos += len(bom)
		}
		d.begun = true
		return nil
	}
	d.fill()
	return nil
}

// findLineEnd looks for the end of the line starting at pos. It returns the
// index of the line end and of the first byte after it.
func (d *Decoder) findLineEnd() (le, next int, found bool) {
	if d.lf < d.pos {
		from := max(d.pos, d.lfTo)
		if i := bytes.IndexByte(d.buf[from:d.end], '\n'); i >= 0 {
			d.lf = from + i
		} else {
			d.lf, d.lfTo = -1, d.end
		}
	}
	limit := d.end
	if d.lf >= 0 {
		limit = d.lf
	}
	from := max(d.pos, d.crTo)
	if i := bytes.IndexByte(d.buf[from:limit], '\r'); i >= 0 {
		cr := from + i
		if cr+1 == d.lf {
			return cr, cr + 2, true
		}
		return cr, cr + 1, true
	}
	d.crTo = limit
	if d.lf >= 0 {
		return d.lf, d.lf + 1, true
	}
	return 0, 0, false
}

// fill reads more input after end, first making room by dropping the bytes
// before the current block or by growing the buffer. It records a read
// error in rerr; callers look at it once the buffered bytes are used up.
func (d *Decoder) fill() {
	if d.buf == nil {
		d.buf = make([]byte, max(d.cfg.bufSize, 1))
	}
	if d.start > 0 && (d.end == len(d.buf) || d.start >= len(d.buf)/2) {
		d.shift(d.start)
		if n := d.end; len(d.buf) > 4*d.cfg.bufSize && n <= len(d.buf)/8 {
			// A long block has passed: give its memory back.
			nb := make([]byte, max(d.cfg.bufSize, 2*n))
			copy(nb, d.buf[:n])
			d.buf = nb
		}
	}
	if d.end == len(d.buf) {
		nb := make([]byte, 2*len(d.buf))
		copy(nb, d.buf[:d.end])
		d.buf = nb
	}
	for range maxEmptyReads {
		n, err := d.r.Read(d.buf[d.end:])
		if n < 0 || n > len(d.buf)-d.end {
			d.rerr = errInvalidCount
			return
		}
		d.end += n
		if err != nil {
			d.rerr = err
			return
		}
		if n > 0 {
			return
		}
	}
	d.rerr = io.ErrNoProgress
}

// shift drops the first n bytes of buf, which have been returned already.
func (d *Decoder) shift(n int) {
	copy(d.buf, d.buf[n:d.end])
	d.start -= n
	d.pos -= n
	d.end -= n
	d.off += int64(n)
	if d.lf >= 0 {
		d.lf -= n
	}
	d.lfTo = max(d.lfTo-n, 0)
	d.crTo = max(d.crTo-n, 0)
}
