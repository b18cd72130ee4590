package replay

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/httpbody"
)

// openBodies keeps the response bodies a session handed out until the
// client closes them, so that a body never closed is reported the same
// way in every mode, streamed or not: a client that stops reading
// without closing holds its connection in production, and whether a live
// stream's last read happened to bring its end along depends on timing.
type openBodies struct {
	mu   sync.Mutex
	next uint64
	open map[uint64]*trackedBody
}

// openBody names the answer a body belongs to.
type openBody struct {
	n      int                    // the request's number, from 1 (as OnRequest counts)
	method string                 // the request's method
	url    *url.URL               // the request's URL, as matched and stored (not scrubbed; formatted only for a report)
	from   *cassettes.Interaction // the recording replayed, nil when answered live or by a fault
	sent   []byte                 // the request body, when answered live (not scrubbed; only for a report)
	header http.Header            // the request's headers, for the request body rule when sent is reported
	stream bool                   // an event stream
}

// track wraps resp's body so that the session knows when it is closed.
func (o *openBodies) track(resp *http.Response, info openBody) {
	if resp.Body == nil {
		resp.Body = http.NoBody
	}
	info.stream = httpbody.IsSSE(resp.Header)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.open == nil {
		o.open = map[uint64]*trackedBody{}
	}
	b := &trackedBody{ReadCloser: resp.Body, reg: o, id: o.next, info: info}
	o.next++
	o.open[b.id] = b
	resp.Body = b
}

// take returns the bodies still open, in request order, and forgets them.
func (o *openBodies) take() []*trackedBody {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []*trackedBody
	for _, b := range o.open {
		out = append(out, b)
	}
	o.open = nil
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// trackedBody is a response body the session handed out.
type trackedBody struct {
	io.ReadCloser
	reg  *openBodies
	id   uint64
	info openBody
	once sync.Once
}

// Close closes the body (a recorded stream is complete once it returns)
// and marks it closed.
func (b *trackedBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(func() {
		b.reg.mu.Lock()
		delete(b.reg.open, b.id)
		b.reg.mu.Unlock()
	})
	return err
}

// unclosed reports the response bodies the client never closed, names
// each answer, and closes them, so that their connections and readers end
// with the test. It reports whether there were any.
func (s *Session) unclosed() bool {
	s.t.Helper()
	open := s.bodies.take()
	if len(open) == 0 {
		return false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "replay: %s: %d response bod%s never closed; the client must close every response body (resp.Body.Close(), or the SDK's stream Close) before the test ends, even one it read to the end", s.path, len(open), plural(len(open), "y was", "ies were"))
	if s.mode == ModeRecord || s.mode == ModeNewEpisodes {
		b.WriteString(" (the cassette was not saved)")
	}
	b.WriteString(":")
	for _, o := range open {
		kind := "body"
		if o.info.stream {
			kind = "stream"
		}
		fmt.Fprintf(&b, "\n  request %d: %s %s (%s", o.info.n, o.info.method, s.scrub.ScrubURL(o.info.url.String()), kind)
		k := s.interactionNumber(o.info.from)
		if k >= 0 {
			fmt.Fprintf(&b, ", replayed from interaction %d", k)
		}
		b.WriteString(")")
		if body := s.sentBody(o.info, k); body != "" {
			b.WriteString(" " + summarize(body))
		}
	}
	s.t.Error(s.scrub.ScrubString(b.String()))
	for _, o := range open {
		o.Close()
	}
	return true
}

// sentBody is the request body of an answer, scrubbed as the cassette
// holds it (the request body rule included): the one sent when it was
// answered live, else the recording's, which matched it; "" for none.
// JSON is written with sorted keys and no spacing, so a request reads
// the same in every mode.
func (s *Session) sentBody(o openBody, k int) string {
	return string(canonicalJSON([]byte(s.scrubbedBody(o, k))))
}

func (s *Session) scrubbedBody(o openBody, k int) string {
	if k >= 0 {
		return s.scrub.ScrubString(s.idx.RequestBody(k))
	}
	if len(o.sent) == 0 {
		return ""
	}
	i := cassettes.Interaction{Request: cassettes.Request{Headers: o.header.Clone(), Body: string(o.sent)}}
	if i.Request.Headers == nil {
		i.Request.Headers = http.Header{}
	}
	if !s.scrubPart(&i) {
		return ""
	}
	return i.Request.Body
}

// interactionNumber returns i's position in the loaded cassette, or -1.
func (s *Session) interactionNumber(i *cassettes.Interaction) int {
	if i == nil || s.loaded == nil {
		return -1
	}
	for k, j := range s.loaded.Interactions {
		if j == i {
			return k
		}
	}
	return -1
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
