package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	stdlog "log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/ci"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/keep"
	"github.com/llmvcr/llmvcr/internal/secrets"
	"github.com/llmvcr/llmvcr/recorder"
)

// proxyConfig holds the flags of record proxy.
type proxyConfig struct {
	upstream string
	out      string
	addr     string
	force    bool
	grace    time.Duration
}

func proxyFlags(c *proxyConfig) *flag.FlagSet {
	fs := flag.NewFlagSet("record proxy", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.upstream, "upstream", "", "the `URL` requests are forwarded to, with any path prefix (https://api.groq.com/openai)")
	fs.StringVar(&c.out, "o", "", "the cassette `file` written when the proxy stops")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:0", "listen on `host:port` (port 0 picks a free one)")
	fs.BoolVar(&c.force, "force", false, "save even though a request failed or was cut by the stop; write over a file that is not a cassette; record through a non-loopback upstream while CI is set")
	fs.DurationVar(&c.grace, "grace", 10*time.Second, "on stop, how long answers still streaming may take to finish")
	return fs
}

const proxyUsage = `record proxy: forward any client's requests to an upstream API and record them.

Usage:
  record proxy -upstream URL -o FILE [-addr HOST:PORT] [-force] [-grace D]

The first line on stdout is the base URL to give the client in place of the
upstream (its path prefix included), such as http://127.0.0.1:43123. Answers
reach the client as they arrive (streams event by event) while they are
recorded with their timing. On SIGINT or SIGTERM the proxy stops taking
requests, lets answers still streaming finish (up to -grace; a second
Ctrl-C stops at once), and writes FILE, scrubbed. Every credential a client sends (Authorization, X-Api-Key,
X-Goog-Api-Key, Api-Key, a key= parameter, ...) is redacted where it stands and
its value scrubbed wherever else it appears, answers included.

Bounds, as for record serve: a request body over 64 MiB gets 413, one not sent
within a minute 408, one that would take the bodies being read at once past
256 MiB 503; an upstream's answer over 64 MiB is not kept (a JSON answer gets
the client a 502, a stream breaks there); once the session keeps 1 GiB of
recordings, requests get 507, and once it has seen 256 distinct credentials,
a request bringing a new one gets 400 (the session is incomplete either way).

Answers from an upstream that marks them canned (X-Llmvcr-Source: record
serve, a fake) are recorded marked canned; the upstream's other X-Llmvcr-
headers are dropped, since in a cassette they describe the recording.

FILE is written only when the session recorded something and every request
got a whole answer (no stream broke off); otherwise the file is left as it
was (-force saves what was recorded). It is also left as it was when another
process wrote it while the proxy ran, and when every answer recorded is an
HTTP error while FILE holds successful ones (a wrong key, say). Like record -o, it is written only over nothing, an empty file
or a cassette, atomically.

Flags:
`

func cmdProxy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c proxyConfig
	fs := proxyFlags(&c)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, proxyUsage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return err
	}
	if err != nil {
		return flagError(err)
	}
	if len(pos) > 0 {
		return usagef("record proxy takes no arguments, got %q", pos[0])
	}
	up, err := parseUpstream(c.upstream)
	if err != nil {
		return err
	}
	if c.out == "" {
		return usagef("record proxy needs -o FILE: the cassette to write when it stops")
	}
	if err := checkOut(c.out); err != nil {
		return err
	}
	if c.grace < 0 {
		return usagef("-grace must not be negative")
	}
	if err := checkAddr(c.addr); err != nil {
		return err
	}
	if ci.Set() && !c.force && !loopbackHost(up.Hostname()) {
		return errors.New("refusing to record through " + shownURL(up.String()) + " because CI is set: record on a workstation and commit the cassette, or pass -force")
	}
	if _, err := checkOutput(c.out, false, c.force); err != nil {
		return err // before anything is forwarded
	}
	before := fileState(c.out)
	ln, err := listenAddr(c.addr)
	if err != nil {
		return err
	}
	log := &lockedWriter{w: stderr}
	p := newProxy(up, log)
	p.before = before
	logf := func(format string, args ...any) { log.printf("record proxy: "+format, args...) }
	logf("forwarding to %s; stop with Ctrl-C (SIGINT) or SIGTERM to save %s", p.creds.scrubURL(up.String()), c.out)
	logw := scrubWriter{w: log, scrub: p.creds.scrubText}
	rep, err := serveUntil(ctx, ln, p.handler(logw), c.grace, stdout, logw, logf)
	if err != nil {
		return err
	}
	return p.save(c.out, c.force, rep, logf)
}

// parseUpstream checks -upstream: an absolute http or https URL without a
// query or fragment.
func parseUpstream(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, usagef("record proxy needs -upstream URL, such as -upstream https://api.groq.com/openai")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		shown := "(not a URL)"
		if err == nil {
			shown = shownURL(raw)
		}
		return nil, usagef("-upstream %s: want an http or https URL, such as https://api.groq.com/openai", shown)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, usagef("-upstream %s: give the base URL without a query or fragment (clients send their own parameters)", shownURL(raw))
	}
	return u, nil
}

// shownURL is a URL for a message: its credential parameters and
// password redacted.
func shownURL(raw string) string {
	return cassettes.NewScrubber(cassettes.WithLogf(func(string, ...any) {})).ScrubURL(raw)
}

// loopbackHost reports whether host is localhost or a loopback address.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// proxy forwards requests to its upstream through a recorder.
type proxy struct {
	up      *url.URL
	rec     *recorder.Recorder
	creds   *credentials
	log     *lockedWriter
	failed  atomic.Int64 // requests that got no answer from the upstream (a 502)
	gone    atomic.Int64 // requests cancelled before their answer (the client gave up, or the stop)
	sent    atomic.Int64 // requests forwarded
	refused atomic.Int64 // requests not forwarded (unproxied)
	before  string       // fileState of -o when the proxy started
	bodies  *bodyGate    // admits request bodies
	kept    atomic.Int64 // bytes of the bodies recorded, which are kept in memory until the stop
}

// maxProxySession bounds the bodies a session keeps in memory until it is
// saved: past it, requests are refused (and the session is incomplete).
// A variable, so that tests can make it small.
var maxProxySession int64 = 1 << 30

// fileState identifies what stands at path (through a link): a digest of
// its bytes, or "" when nothing does. A save compares it with the state at
// the start, so a file another proxy (or a re-recording) wrote meanwhile
// is not silently replaced.
func fileState(path string) string {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ""
	case err != nil:
		return "unreadable: " + err.Error()
	case !st.Mode().IsRegular():
		// Not opened: a named pipe would block the open until a writer
		// came, and a device's read may never end. Its kind is its state.
		return "not a regular file: " + st.Mode().String()
	}
	f, err := os.Open(path)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	defer f.Close()
	if ost, err := f.Stat(); err != nil || !os.SameFile(st, ost) {
		return "changing" // replaced between the two looks
	}
	sum := sha256.New() // read in pieces: the file may be large
	if _, err := io.Copy(sum, f); err != nil {
		return "unreadable: " + err.Error()
	}
	return hex.EncodeToString(sum.Sum(nil))
}

func newProxy(up *url.URL, log *lockedWriter) *proxy {
	p := &proxy{up: up, creds: newCredentials(), log: log, bodies: &bodyGate{max: maxProxyBody}}
	if pw, ok := up.User.Password(); ok {
		p.creds.add(pw)
	}
	if up.User != nil {
		p.creds.add(up.User.String())
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	p.rec = &recorder.Recorder{Real: upstreamHeaders{t}, OnRecorded: func(i *cassettes.Interaction) {
		// Before the answer is logged or saved: an answer may echo a
		// credential the request carried in its body.
		p.creds.collectBody(i.Request.Headers, i.Request.Body)
		p.kept.Add(int64(len(i.Request.Body) + len(i.Response.Body)))
		what := ""
		if httpbody.IsSSE(i.Response.Headers) {
			what = ", a stream"
		}
		if e := i.Response.Headers.Get(httpbody.StreamErrorHeader); e != "" {
			what += " that broke: " + oneLine(e, 200)
		}
		if src := i.Response.Headers.Get(httpbody.SourceHeader); src != "" {
			what += ", canned (" + oneLine(src, 200) + ")"
		}
		p.log.printf("record proxy: %s %s -> %d%s", i.Request.Method, p.creds.scrubURL(i.Request.URL), i.Response.Code, p.creds.scrubText(what))
	}}
	return p
}

// upstreamHeaders passes on the upstream's answers without the llmvcr
// headers (httpbody.HeaderPrefix) an upstream may send, but one: they
// describe a recording (X-Llmvcr-Stream-Error says the answer broke), and
// an upstream's would pass for the proxy's own in the cassette. The
// X-Llmvcr-Source that says the answer is canned (record serve, a fake)
// is kept, so the recording is marked canned too.
type upstreamHeaders struct{ rt http.RoundTripper }

func (u upstreamHeaders) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := u.rt.RoundTrip(r)
	if resp != nil {
		httpbody.DropUpstreamHeaders(resp.Header)
		if resp.Body != nil && resp.Body != http.NoBody {
			resp.Body = &boundedAnswer{rc: resp.Body, left: maxProxyAnswer}
		}
	}
	return resp, err
}

// maxProxyAnswer bounds an upstream's answer: the recorder keeps it in
// memory. A variable, so that tests can make it small.
var maxProxyAnswer int64 = 64 << 20

// errAnswerTooLarge ends an answer past maxProxyAnswer: a JSON answer is
// not recorded (the client gets a 502 that says so), a stream is recorded
// as broken there (and the session is incomplete).
type errAnswerTooLarge struct{ limit int64 }

func (e *errAnswerTooLarge) Error() string {
	return fmt.Sprintf("the answer is larger than %d MiB, more than record proxy keeps", e.limit>>20)
}

// boundedAnswer is an upstream's answer that fails past maxProxyAnswer.
type boundedAnswer struct {
	rc   io.ReadCloser
	left int64
}

func (b *boundedAnswer) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// At the bound: only an answer that ends here is whole.
		var one [1]byte
		if n, err := b.rc.Read(one[:]); n == 0 && err != nil {
			return 0, err
		}
		return 0, &errAnswerTooLarge{maxProxyAnswer}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *boundedAnswer) Close() error { return b.rc.Close() }

// maxProxyBody bounds a request body: the recorder keeps it in memory.
const maxProxyBody = 64 << 20

func (p *proxy) handler(logw io.Writer) http.Handler {
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			p.sent.Add(1)
			pr.SetURL(p.up) // joins the upstream's path prefix; Host is the upstream's
			// The transport asks for gzip itself and decodes it, so the
			// client, the recording and its event timing see plain bytes.
			pr.Out.Header.Del("Accept-Encoding")
		},
		Transport:     p.rec,
		FlushInterval: -1, // every write reaches the client at once: streams stay live
		ErrorHandler:  p.upstreamError,
		ErrorLog:      stdlog.New(logw, "record proxy: ", 0),
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if why := unproxied(r); why != "" {
			p.refuse(w, r, http.StatusNotImplemented, why)
			return
		}
		creds := p.creds.requestValues(r)
		if !p.creds.fits(creds) {
			// Refused unnoted: not forwarded, its credentials reach
			// neither the cassette nor a log line (the path is scrubbed).
			p.refuse(w, r, http.StatusBadRequest, fmt.Sprintf("the session has seen %d distinct credentials, the most it scrubs (a recording uses a few keys)", maxCredentials))
			return
		}
		if k := p.kept.Load(); k >= maxProxySession {
			p.refuse(w, r, http.StatusInsufficientStorage, fmt.Sprintf("the session keeps %d MiB of recordings in memory already, the most it may (stop the proxy and record the rest into another cassette)", k>>20))
			return
		}
		body, release, berr := p.bodies.open(w, r)
		defer release()
		if berr != nil {
			p.refuse(w, r, berr.status, berr.msg)
			return
		}
		r.Body = body
		p.creds.add(creds...) // before anything is forwarded
		rp.ServeHTTP(w, r)
	})
}

// unproxied says why r cannot be recorded ("" when it can): a CONNECT or
// absolute-URL request (a client told to use the proxy as HTTP_PROXY or
// HTTPS_PROXY, which would tunnel past the recording or be sent to the
// wrong path), or a protocol upgrade (a WebSocket), which is not an
// exchange a cassette holds and would hang in the recorder.
func unproxied(r *http.Request) string {
	switch {
	case r.Method == http.MethodConnect || r.URL.IsAbs():
		return "record proxy is not an HTTP(S)_PROXY: give the client its URL as the API's base URL instead"
	case r.Header.Get("Upgrade") != "":
		return "protocol upgrades (WebSockets) are not recorded"
	}
	return ""
}

// upstreamError answers a request the upstream did not answer: 502 with
// a JSON body (the error shape of OpenAI-compatible APIs) that says so.
func (p *proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	if be := (*bodyError)(nil); errors.As(err, &be) {
		// The client's body, not the upstream: nothing was sent. First:
		// a failed read of the body cancels the request's context too.
		p.refuse(w, r, be.status, be.msg)
		return
	}
	if r.Context().Err() != nil {
		p.gone.Add(1) // the client is gone (or the proxy is stopping): nobody reads an answer
		return
	}
	p.failed.Add(1)
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	msg := p.creds.scrubText(fmt.Sprintf("record proxy: the upstream %s did not answer %s %s: %v", shownURL(p.up.String()), r.Method, r.URL.Path, cause))
	p.log.printf("%s", msg)
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"type": "llmvcr_proxy_upstream_error", "message": msg}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadGateway)
	w.Write(b)
}

// refuse answers a request that is not forwarded (not proxiable, over a
// bound of the session, a body not taken), says why in the log, and
// counts it.
func (p *proxy) refuse(w http.ResponseWriter, r *http.Request, status int, why string) {
	p.refused.Add(1)
	msg := fmt.Sprintf("record proxy: refusing %s %s: %s", r.Method, p.creds.scrubURL(r.URL.Path), why)
	p.log.printf("%s", msg)
	writeError(w, status, refusalHeader(status), "llmvcr_proxy_refused", msg)
}

// save writes what was recorded to out, as record -o does (checkOutput,
// scrubbed with every credential seen, atomic), unless the session is
// worse than what stands there: nothing recorded, or (without force) a
// request that got no answer or was cut by the stop.
func (p *proxy) save(out string, force bool, rep stopReport, logf func(string, ...any)) error {
	is := p.rec.Interactions()
	failed := int(p.failed.Load())
	var problems []string
	if failed > 0 {
		problems = append(problems, fmt.Sprintf("%s got no answer from the upstream", plural(failed, "request")))
	}
	if n := int(p.gone.Load()); n > 0 {
		problems = append(problems, fmt.Sprintf("%s cancelled before any answer", plural(n, "request")))
	}
	if n := int(p.refused.Load()); n > 0 {
		problems = append(problems, fmt.Sprintf("%s refused (not recordable)", plural(n, "request")))
	}
	if rep.cut > 0 {
		problems = append(problems, fmt.Sprintf("%s cut by the stop", plural(rep.cut, "answer")))
	}
	if p.creds.over() {
		problems = append(problems, fmt.Sprintf("request bodies carried more than %d distinct credentials", maxCredentials))
	}
	if rep.stuck > 0 {
		problems = append(problems, fmt.Sprintf("%s still running", plural(rep.stuck, "answer")))
	}
	broke := 0
	for _, i := range is {
		if i.Response.Headers.Get(httpbody.StreamErrorHeader) != "" {
			broke++ // the upstream broke off, or the client left before the end
		}
	}
	if broke > 0 {
		problems = append(problems, fmt.Sprintf("%s broke off before its end", plural(broke, "answer")))
	}
	if len(is) == 0 {
		msg := "nothing was recorded"
		if n := p.sent.Load() + p.refused.Load(); n > 0 {
			msg += fmt.Sprintf(" (%s received, %s)", plural(int(n), "request"), strings.Join(problems, ", "))
		}
		return &failure{fmt.Sprintf("%s; %s left as it was", msg, out)}
	}
	if len(problems) > 0 && !force {
		return &failure{fmt.Sprintf("not saved: %s, so the recording is incomplete; %s left as it was (pass -force to save the %s recorded)",
			strings.Join(problems, ", "), out, plural(len(is), "interaction"))}
	}
	if !force && fileState(out) != p.before {
		return &failure{fmt.Sprintf("not saved: %s changed while the proxy ran (another proxy or a re-recording wrote it); it is left as it was (pass -force to replace it with the %s recorded)",
			out, plural(len(is), "interaction"))}
	}
	if !force {
		if old, err := cassettes.Load(out); err == nil {
			if why := keep.Old(old.Interactions, is); why != "" {
				return &failure{fmt.Sprintf("not saved: %s is left as it was, because %s (pass -force to replace it)", out, why)}
			}
		}
	}
	// checkOutput again, in saveCassette: the file may have changed meanwhile.
	notes, err := saveCassette(out, is, false, force, cassettes.WithSecrets(p.creds.list()...), cassettes.WithLogf(func(format string, args ...any) {
		logf(format, args...)
	}))
	if err != nil {
		return err
	}
	for _, n := range notes {
		p.log.printf("%s", n)
	}
	if canned, _ := keep.CannedSources(is, p.creds.scrubText); canned > 0 {
		logf("saved %s: %s, %d of them canned (the upstream answered from a recording or a fake, not as a real API: record lint and replay say so)", out, plural(len(is), "interaction"), canned)
		return nil
	}
	logf("saved %s: %s", out, plural(len(is), "interaction"))
	return nil
}

// credentials are the secret values clients sent through the proxy,
// gathered at runtime: the values of the headers and URL parameters that
// internal/secrets names as credentials. They are scrubbed from the
// cassette (answers that echo them included) and from every log line.
type credentials struct {
	eng *secrets.Engine // for its header and parameter names only

	mu     sync.Mutex
	values []string
	seen   map[string]bool
	scrub  *cassettes.Scrubber // built from values; nil when stale
}

func newCredentials() *credentials {
	return &credentials{eng: secrets.New(secrets.Config{}), seen: map[string]bool{}}
}

// maxCredentials bounds the distinct credential values a session
// scrubs: each is searched for in every log line and in the whole
// cassette, so many (a client sending a new key with each request) would
// make the session's cost grow with their square. A recording uses a few.
// A variable, so that tests can make it small.
var maxCredentials = 256

// requestValues are the credentials a request carries in its headers and
// URL.
func (c *credentials) requestValues(r *http.Request) []string {
	var out []string
	for name, vs := range r.Header {
		if !c.eng.SecretHeader(name) {
			continue
		}
		for _, v := range vs {
			out = append(out, headerSecrets(name, v)...)
		}
	}
	// Every credential the URL carries by name, as ScrubURL redacts them:
	// query, fragment and ";key=" path parameters, percent-encoded ones,
	// user information. A path parameter's value may run on into the
	// path (";key=K:generate"): what comes before a colon is noted too.
	c.eng.EachURLCredential(r.URL.String(), func(_, v string) {
		out = append(out, v)
		if before, _, ok := strings.Cut(v, ":"); ok {
			out = append(out, before)
		}
	})
	return out
}

// fits reports whether noting vs keeps the session within maxCredentials.
func (c *credentials) fits(vs []string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.values)
	fresh := map[string]bool{}
	for _, v := range vs {
		if v != "" && !c.seen[v] && !fresh[v] {
			fresh[v] = true
			n++
		}
	}
	return n <= maxCredentials
}

// over reports whether more than maxCredentials were noted (request
// bodies carried them: they were forwarded before they were seen).
func (c *credentials) over() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.values) > maxCredentials
}

// collectBody notes the credentials a request body carries: the string
// values of credential members of a JSON body ({"api_key": ...}, a
// "headers" object's X-Api-Key, as internal/secrets names them) and the
// credential parameters of a form. The cassette redacts them where they
// stand; noted, they are scrubbed from answers that echo them too.
func (c *credentials) collectBody(h http.Header, body string) {
	form := httpbody.MediaType(h) == "application/x-www-form-urlencoded"
	c.eng.EachCredential(h, body, func(name, value string) {
		if form {
			c.add(value) // a parameter's value is the credential as a whole
			return
		}
		c.add(strings.TrimSpace(value))
		c.add(headerSecrets(name, value)...)
	})
}

// headerSecrets are the secret values in a credential header's value: the
// value (or, after an authorization scheme, the credential), the user:password
// of Basic and its password, and each cookie's value.
func headerSecrets(name, v string) []string {
	var out []string
	sch, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || !secrets.AuthScheme(sch) {
		// No scheme: the whole value is the credential (and each of
		// its two parts, below).
		out = append(out, strings.TrimSpace(v))
	}
	if ok {
		// The scheme stays readable (Bearer REDACTED); the credential is
		// what follows it. A first word that is no scheme is part of the
		// credential: noted on its own too.
		rest = strings.TrimSpace(rest)
		out = append(out, rest)
		if !secrets.AuthScheme(sch) {
			out = append(out, sch)
		}
		if strings.EqualFold(sch, "Basic") {
			if dec, err := base64.StdEncoding.DecodeString(rest); err == nil {
				out = append(out, string(dec))
				if _, pw, ok := strings.Cut(string(dec), ":"); ok {
					out = append(out, pw)
				}
			}
		}
	}
	if k := http.CanonicalHeaderKey(name); k == "Cookie" || k == "Set-Cookie" {
		for _, part := range strings.Split(v, ";") {
			if _, val, ok := strings.Cut(part, "="); ok {
				out = append(out, strings.TrimSpace(val))
			}
		}
	}
	return out
}

// add notes secret values (empty ones are ignored).
func (c *credentials) add(vs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range vs {
		if v == "" || c.seen[v] {
			continue
		}
		c.seen[v] = true
		c.values = append(c.values, v)
		c.scrub = nil
	}
}

// list returns the values noted so far.
func (c *credentials) list() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.values...)
}

// scrubber returns a Scrubber for the values noted so far.
func (c *credentials) scrubber() *cassettes.Scrubber {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.scrub == nil {
		c.scrub = cassettes.NewScrubber(cassettes.WithSecrets(c.values...), cassettes.WithLogf(func(string, ...any) {}))
	}
	return c.scrub
}

// scrubText removes every credential seen (and every secret shape) from
// a log line; a weak value is replaced wherever it stands, since a log
// line is not a recording that must stay replayable.
func (c *credentials) scrubText(s string) string {
	s = c.scrubber().ScrubString(s)
	for _, v := range c.list() {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, cassettes.Redacted)
		}
	}
	return s
}

// scrubURL scrubs a URL for a log line: its credential parameters and
// user information, and every credential seen.
func (c *credentials) scrubURL(u string) string {
	return c.scrubText(c.scrubber().ScrubURL(u))
}
