package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/cassettes"
)

// readmeCommands returns the words of each command in the sh blocks of
// the README's "Beyond Go" section.
func readmeCommands(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	_, sec, ok := strings.Cut(string(b), "\n## Beyond Go: record proxy and replay server\n")
	require.True(t, ok, "README.md has no Beyond Go section")
	sec, _, _ = strings.Cut(sec, "\n## ")
	var cmds [][]string
	for _, block := range strings.Split(sec, "```sh\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		for _, line := range strings.Split(block, "\n") {
			words, _, err := shellWords(line)
			require.NoError(t, err, line)
			if len(words) > 0 {
				cmds = append(cmds, words)
			}
		}
	}
	return cmds
}

// curlRequest builds the request a documented curl line sends (-s, -H,
// -d), to base in place of the documented origin.
func curlRequest(t *testing.T, words []string, base string) *http.Request {
	t.Helper()
	require.Equal(t, "curl", words[0])
	method, target, body := "GET", "", ""
	h := http.Header{}
	for k := 1; k < len(words); k++ {
		switch w := words[k]; w {
		case "-s":
		case "-H":
			k++
			name, value, ok := strings.Cut(words[k], ":")
			require.True(t, ok, words[k])
			h.Add(name, strings.TrimSpace(value))
		case "-d":
			k++
			body, method = words[k], "POST"
		default:
			require.False(t, strings.HasPrefix(w, "-"), "curl option %s is not understood by this test", w)
			target = w
		}
	}
	u, err := url.Parse(target)
	require.NoError(t, err)
	b, err := url.Parse(base)
	require.NoError(t, err)
	u.Scheme, u.Host = b.Scheme, b.Host
	req, err := http.NewRequest(method, u.String(), strings.NewReader(body))
	require.NoError(t, err)
	req.Header = h
	return req
}

// TestReadmeProxyServe runs the README's proxy and serve commands: serve
// with the documented cassette answers the documented curl request, and
// the proxy (against a local upstream in place of Groq) records it.
func TestReadmeProxyServe(t *testing.T) {
	cmds := readmeCommands(t)
	var proxyArgs, serveArgs, curl []string
	for _, w := range cmds {
		switch {
		case len(w) > 3 && strings.Join(w[:4], " ") == "go run ./cmd/record proxy":
			proxyArgs = w[3:]
		case len(w) > 3 && strings.Join(w[:4], " ") == "go run ./cmd/record serve":
			serveArgs = w[3:]
		case w[0] == "curl":
			curl = w
		default:
			t.Fatalf("README command %q is not run by this test", strings.Join(w, " "))
		}
	}
	require.NotNil(t, proxyArgs)
	require.NotNil(t, serveArgs)
	require.NotNil(t, curl)

	// serve: the cassette path is relative to the repository root.
	for k, a := range serveArgs {
		if strings.HasSuffix(a, ".yaml") {
			serveArgs[k] = filepath.Join("..", "..", a)
		}
	}
	s := start(t, serveArgs...)
	resp, err := http.DefaultClient.Do(curlRequest(t, curl, s.url))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.Contains(t, string(body), "Paris")
	require.Equal(t, 0, s.stop(), s.stderr.String())

	// proxy: the documented flags, with a local upstream that answers
	// under the documented path prefix, and -o in a temporary directory.
	doc, err := url.Parse(proxyArgs[indexOf(proxyArgs, "-upstream")+1])
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != doc.Path+"/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"choices":[{"message":{"role":"assistant","content":"Paris."}}]}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	args := append([]string(nil), proxyArgs...)
	args[indexOf(args, "-upstream")+1] = srv.URL + doc.Path
	args[indexOf(args, "-o")+1] = filepath.Join(dir, args[indexOf(args, "-o")+1])
	p := start(t, args...)
	req := curlRequest(t, curl, p.url)
	req.URL.Path = strings.TrimPrefix(req.URL.Path, doc.Path) // the client's base URL is the proxy's + /v1
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, 0, p.stop(), p.stderr.String())
	c, err := cassettes.Load(args[indexOf(args, "-o")+1])
	require.NoError(t, err)
	require.Len(t, c.Interactions, 1)
}

func indexOf(words []string, w string) int {
	for k, x := range words {
		if x == w {
			return k
		}
	}
	return -1
}
