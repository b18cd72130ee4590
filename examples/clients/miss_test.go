package clients_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	goopenai "github.com/sashabaranov/go-openai"
	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/replay"
)

// The miss reports of issue 15 item 2, through the real clients: each
// drifted request is reported once, as one block whose first line says
// what differs and where, with no follow-on for the recording it showed.

const chatCassette = "testdata/cassettes/TestOpenAIGoChat.yaml"

// counting is a transport that counts the requests the client sent, so a
// test sees retries (and so backoff waits) without timing anything.
type counting struct {
	next http.RoundTripper
	n    atomic.Int32
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// missSession replays TestOpenAIGoChat's cassette for tb, reporting into a
// missReports, with a client transport that counts requests.
func missSession(tb testing.TB, opts ...replay.Option) (*missReports, *replay.Session, *counting) {
	return missSessionOf(tb, chatCassette, opts...)
}

// missSessionOf is missSession on another cassette.
func missSessionOf(tb testing.TB, path string, opts ...replay.Option) (*missReports, *replay.Session, *counting) {
	m := newMissReports(tb)
	s := replay.New(m, append([]replay.Option{replay.WithMode(replay.ModeReplay), replay.WithPath(path)}, opts...)...)
	return m, s, &counting{next: s.Transport()}
}

// openAIGoCounted is openai-go with its default retries, on c.
func openAIGoCounted(c *counting, opts ...option.RequestOption) *openai.Client {
	client := openai.NewClient(append([]option.RequestOption{option.WithBaseURL(groqBaseURL + "/"), option.WithHTTPClient(&http.Client{Transport: c})}, opts...)...)
	return &client
}

// goOpenAICounted is go-openai on c.
func goOpenAICounted(c *counting) *goopenai.Client {
	cfg := goopenai.DefaultConfig("")
	cfg.BaseURL, cfg.HTTPClient = groqBaseURL, &http.Client{Transport: c}
	return goopenai.NewClientWithConfig(cfg)
}

func chatParams(prompt string) openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{
		Model:    groqModel,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(prompt)},
	}
}

const chatURL = groqBaseURL + "/chat/completions"

// requireMissReport checks one report: its first line (the request, the
// cassette and what differs where), the closest recording next, a diff
// only when asked, no non-breaking space, the line of this file that
// sent the request, and the command that re-records the test last.
func requireMissReport(t *testing.T, report, method, url, what string, diff bool, command string) {
	t.Helper()
	requireMissReportOf(t, chatCassette, report, method, url, what, diff, command)
}

// requireMissReportOf is requireMissReport for another cassette.
func requireMissReportOf(t *testing.T, path, report, method, url, what string, diff bool, command string) {
	t.Helper()
	lines := strings.Split(report, "\n")
	require.Equal(t, fmt.Sprintf("replay: %s %s matches no recording in %s: %s", method, url, path, what), lines[0], "the first line says what differs and where:\n%s", report)
	require.Greater(t, len(lines), 2, report)
	require.Equal(t, "closest recorded request: interaction 0, POST "+chatURL, lines[1], report)
	require.Regexp(t, `^sent at miss_test\.go:\d+$`, lines[len(lines)-3], "the report names the test line that sent the request, before the command:\n%s", report)
	require.Equal(t, diff, strings.Contains(report, "\ndiff (-recorded +got):\n"), "diff shown: %s", report)
	require.NotContains(t, report, "\u00a0", "no non-breaking spaces")
	require.True(t, strings.HasSuffix(report, "\nif the change is intended, re-record this test with:\n\t"+command), "the report ends with the command:\n%s", report)
}

// reports runs the session's cleanups (the end of the test) and returns
// everything the session reported.
func reports(m *missReports) []string {
	m.runCleanups()
	return m.all()
}

// TestMissOpenAIGoDefaultRetries: openai-go with its default retries (2)
// sends a drifted request once (so it waits no backoff), gets a short
// error that points at the test log, and the test log gets exactly one
// report (no "never replayed" follow-on for the recording it showed).
func TestMissOpenAIGoDefaultRetries(t *testing.T) {
	m, _, c := missSession(t)
	_, err := openAIGoCounted(c).Chat.Completions.New(context.Background(), chatParams("What is the capital of Germany?"))
	require.Equal(t, int32(1), c.n.Load(), "openai-go retried the miss (and waited its backoff)")
	var apiErr *openai.Error
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	require.Contains(t, apiErr.Message, "llmvcr replay miss")
	require.Contains(t, apiErr.Message, "the test log has the differences")
	require.NotContains(t, apiErr.Message, "Germany", "the error is a pointer to the log, not the report")
	got := reports(m)
	require.Len(t, got, 1, "one miss, one report, and nothing else:\n%s", strings.Join(got, "\n---\n"))
	requireMissReport(t, got[0], "POST", chatURL,
		`messages[0].content: recorded "What is the capital of France?", got "What is the capital of Germany?"`, true,
		"GROQ_API_KEY=... go test . -run '^TestMissOpenAIGoDefaultRetries$' -record")
}

// TestMissGoOpenAI: go-openai's error carries the short message.
func TestMissGoOpenAI(t *testing.T) {
	const path = "testdata/cassettes/TestGoOpenAIChat.yaml"
	m, _, c := missSessionOf(t, path)
	_, err := goOpenAICounted(c).CreateChatCompletion(context.Background(), goopenai.ChatCompletionRequest{
		Model:    groqModel,
		Messages: []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: "What is the capital of Germany?"}},
	})
	require.Equal(t, int32(1), c.n.Load())
	require.Error(t, err)
	require.Contains(t, err.Error(), "llmvcr replay miss")
	require.Contains(t, err.Error(), "the test log has the differences")
	require.Less(t, len(err.Error()), 400, "short: %s", err)
	got := reports(m)
	require.Len(t, got, 1, strings.Join(got, "\n---\n"))
	requireMissReportOf(t, path, got[0], "POST", chatURL,
		`messages[0].content: recorded "What is the capital of France?", got "What is the capital of Germany?"`, true,
		"GROQ_API_KEY=... go test . -run '^TestMissGoOpenAI$' -record")
}

// TestMissKinds: a request that differs only in a matched header, only in
// its URL or only in its method says so on the first line; two different
// misses give two reports; the same drifted stream sent by two clients
// (bodies equal as JSON, not byte for byte) gives one.
func TestMissKinds(t *testing.T) {
	ctx := context.Background()
	france := chatParams("What is the capital of France?")
	t.Run("header only", func(t *testing.T) {
		m, _, c := missSession(t, replay.MatchHeaders("X-Team"))
		client := openAIGoCounted(c, option.WithHeader("X-Team", "blue"))
		_, err := client.Chat.Completions.New(ctx, france)
		require.Error(t, err)
		require.Equal(t, int32(1), c.n.Load())
		got := reports(m)
		require.Len(t, got, 1, strings.Join(got, "\n---\n"))
		requireMissReport(t, got[0], "POST", chatURL, `header X-Team: recorded (absent), got "blue"`, false,
			"GROQ_API_KEY=... go test . -run '^TestMissKinds$/^header_only$' -record")
	})
	t.Run("URL only", func(t *testing.T) {
		m, _, c := missSession(t)
		client := openai.NewClient(option.WithBaseURL("https://api.groq.com/openai/v2/"), option.WithHTTPClient(&http.Client{Transport: c}))
		_, err := client.Chat.Completions.New(ctx, france)
		require.Error(t, err)
		require.Equal(t, int32(1), c.n.Load())
		got := reports(m)
		require.Len(t, got, 1, strings.Join(got, "\n---\n"))
		requireMissReport(t, got[0], "POST", "https://api.groq.com/openai/v2/chat/completions",
			"path: recorded /openai/v1/chat/completions, got /openai/v2/chat/completions", false,
			"GROQ_API_KEY=... go test . -run '^TestMissKinds$/^URL_only$' -record")
	})
	t.Run("method only", func(t *testing.T) {
		m, _, c := missSession(t)
		client := openAIGoCounted(c, option.WithMiddleware(func(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
			r.Method = http.MethodPut // the same request, sent with another method
			return next(r)
		}))
		_, err := client.Chat.Completions.New(ctx, france)
		require.Error(t, err)
		got := reports(m)
		require.Len(t, got, 1, strings.Join(got, "\n---\n"))
		requireMissReport(t, got[0], "PUT", chatURL, "method: recorded POST, got PUT", false,
			"GROQ_API_KEY=... go test . -run '^TestMissKinds$/^method_only$' -record")
	})
	t.Run("two misses", func(t *testing.T) {
		m, _, c := missSession(t)
		client := openAIGoCounted(c)
		for _, city := range []string{"Spain", "Italy", "Spain"} {
			_, err := client.Chat.Completions.New(ctx, chatParams("What is the capital of "+city+"?"))
			require.Error(t, err)
		}
		require.Equal(t, int32(3), c.n.Load())
		got := reports(m)
		require.Len(t, got, 2, "two distinct misses, two reports:\n%s", strings.Join(got, "\n---\n"))
		requireMissReport(t, got[0], "POST", chatURL, `messages[0].content: recorded "What is the capital of France?", got "What is the capital of Spain?"`, true,
			"GROQ_API_KEY=... go test . -run '^TestMissKinds$/^two_misses$' -record")
		requireMissReport(t, got[1], "POST", chatURL, `messages[0].content: recorded "What is the capital of France?", got "What is the capital of Italy?"`, true,
			"GROQ_API_KEY=... go test . -run '^TestMissKinds$/^two_misses$' -record")
	})
	t.Run("stream", func(t *testing.T) {
		m, _, c := missSession(t)
		stream := openAIGoCounted(c).Chat.Completions.NewStreaming(ctx, france)
		require.False(t, stream.Next())
		require.Error(t, stream.Err())
		require.NoError(t, stream.Close())
		_, err := goOpenAICounted(c).CreateChatCompletionStream(ctx, goopenai.ChatCompletionRequest{
			Model:    groqModel,
			Messages: []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: "What is the capital of France?"}},
			Stream:   true,
		})
		require.Error(t, err)
		require.Contains(t, err.Error(), "llmvcr replay miss")
		require.Equal(t, int32(2), c.n.Load(), "each client sent the stream request once")
		got := reports(m)
		require.Len(t, got, 1, "the same request from two clients is one miss:\n%s", strings.Join(got, "\n---\n"))
		requireMissReport(t, got[0], "POST", chatURL, "stream: recorded (absent), got true", true,
			"GROQ_API_KEY=... go test . -run '^TestMissKinds$/^stream$' -record")
	})
}

// TestMissParallelSubtests: parallel subtests, each with its own session
// or all sharing their parent's, get one report per distinct request,
// each in the test that sent it.
func TestMissParallelSubtests(t *testing.T) {
	cities := []string{"Chile", "Peru", "Chile", "Cuba"}
	parent, s, _ := missSession(t)
	t.Run("group", func(t *testing.T) {
		for n, city := range cities {
			t.Run(fmt.Sprint(n), func(t *testing.T) {
				t.Parallel()
				ask := "What is the capital of " + city + "?"
				_, err := openAIGoCounted(&counting{next: s.Transport()}).Chat.Completions.New(context.Background(), chatParams(ask))
				require.Error(t, err)

				// The subtest's own session reports in the subtest.
				sub := newMissReports(t)
				subSession := replay.New(sub, replay.WithMode(replay.ModeReplay), replay.WithPath(chatCassette))
				_, err = openAIGoCounted(&counting{next: subSession.Transport()}).Chat.Completions.New(context.Background(), chatParams(ask))
				require.Error(t, err)
				got := reports(sub)
				require.Len(t, got, 1, strings.Join(got, "\n---\n"))
				requireMissReport(t, got[0], "POST", chatURL, `messages[0].content: recorded "What is the capital of France?", got "`+ask+`"`, true,
					fmt.Sprintf("GROQ_API_KEY=... go test . -run '^TestMissParallelSubtests$/^group$/^%d$' -record", n))
			})
		}
	})
	got := reports(parent)
	require.Len(t, got, 3, "the shared session: Chile, Peru and Cuba once each:\n%s", strings.Join(got, "\n---\n"))
	var firsts []string
	for _, r := range got {
		firsts = append(firsts, strings.SplitN(r, "\n", 2)[0])
	}
	for _, city := range []string{"Chile", "Peru", "Cuba"} {
		n := 0
		for _, f := range firsts {
			if strings.HasSuffix(f, `got "What is the capital of `+city+`?"`) {
				n++
			}
		}
		require.Equal(t, 1, n, "%s reported %d times: %v", city, n, firsts)
	}
}

// TestMissAlreadyReplayed: a request sent more often than it was recorded
// says so, and how to allow it.
func TestMissAlreadyReplayed(t *testing.T) {
	m, _, c := missSession(t)
	client := openAIGoCounted(c)
	_, err := client.Chat.Completions.New(context.Background(), chatParams("What is the capital of France?"))
	require.NoError(t, err)
	_, err = client.Chat.Completions.New(context.Background(), chatParams("What is the capital of France?"))
	require.Error(t, err)
	got := reports(m)
	require.Len(t, got, 1, strings.Join(got, "\n---\n"))
	requireMissReport(t, got[0], "POST", chatURL,
		"all 1 recorded interactions with this request were already replayed (the test sent it more often than it was recorded: re-record, or give replay.AllowRepeats() to answer again with the last recording)", false,
		"GROQ_API_KEY=... go test . -run '^TestMissAlreadyReplayed$' -record")
}
