package groq

import (
	"context"
	"errors"
	"testing"

	"github.com/llmvcr/llmvcr/llm"
)

// pydantic-ai turns an error into a failed-generation response only when it
// validates as _GroqToolUseFailedInnerError (models/groq.py): message a
// string, type "invalid_request_error", code "tool_use_failed",
// failed_generation a string. Anything else raises ModelHTTPError, in a
// whole request and in a stream alike.
func TestToolUseFailedNeedsPydanticAIsShape(t *testing.T) {
	const fg = `"{\"name\": \"f\", \"arguments\": {}}"`
	cases := []struct {
		name  string
		inner string // the error object
		ok    bool
	}{
		{"the shape", `{"message":"m","type":"invalid_request_error","code":"tool_use_failed","failed_generation":` + fg + `}`, true},
		{"extra fields are fine", `{"message":"m","type":"invalid_request_error","code":"tool_use_failed","failed_generation":` + fg + `,"param":null,"status_code":400}`, true},
		{"another type", `{"message":"m","type":"server_error","code":"tool_use_failed","failed_generation":` + fg + `}`, false},
		{"no type", `{"message":"m","code":"tool_use_failed","failed_generation":` + fg + `}`, false},
		{"no message", `{"type":"invalid_request_error","code":"tool_use_failed","failed_generation":` + fg + `}`, false},
		{"null message", `{"message":null,"type":"invalid_request_error","code":"tool_use_failed","failed_generation":` + fg + `}`, false},
		{"numeric message", `{"message":1,"type":"invalid_request_error","code":"tool_use_failed","failed_generation":` + fg + `}`, false},
		{"null failed_generation", `{"message":"m","type":"invalid_request_error","code":"tool_use_failed","failed_generation":null}`, false},
		{"object failed_generation", `{"message":"m","type":"invalid_request_error","code":"tool_use_failed","failed_generation":{"name":"f"}}`, false},
		{"another code", `{"message":"m","type":"invalid_request_error","code":"json_validate_failed","failed_generation":` + fg + `}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newScriptServer(t, reply{status: 400, body: `{"error":` + c.inner + `}`})
			m, _ := testModel(t, s.URL)
			r, err := m.Request(context.Background(), hello(), nil, nil)
			checkToolUseFailed(t, "request", r, err, c.ok)

			body := "data: " + textChunk("so ", "") + "\n\nevent: error\ndata: {\"error\":" + c.inner + "}\n\n"
			sr := openStream(t, body, nil)
			_, _, err = collect(t, sr)
			checkToolUseFailed(t, "stream", sr.Response(), err, c.ok)
		})
	}
}

func checkToolUseFailed(t *testing.T, path string, r *llm.Response, err error, ok bool) {
	t.Helper()
	var he *llm.ModelHTTPError
	switch {
	case ok && err != nil:
		t.Errorf("%s: err %v, want the failed generation as a response", path, err)
	case ok && len(r.ToolCalls()) != 1:
		t.Errorf("%s: parts %v, want the failed tool call", path, r.Parts)
	case !ok && !errors.As(err, &he):
		t.Errorf("%s: err %v, want a ModelHTTPError", path, err)
	case !ok && path == "request" && he.StatusCode != 400:
		t.Errorf("%s: status %d", path, he.StatusCode)
	}
}

// pydantic-ai's GroqModel.request reads the body of any ModelHTTPError for
// a failed generation, whatever its status (models/groq.py).
func TestToolUseFailedAtAnyStatus(t *testing.T) {
	body := `{"error":{"message":"m","type":"invalid_request_error","code":"tool_use_failed","failed_generation":"maybe"}}`
	for _, status := range []int{400, 422} {
		s := newScriptServer(t, reply{status: status, body: body})
		m, _ := testModel(t, s.URL)
		r, err := m.Request(context.Background(), hello(), nil, nil)
		if err != nil || r.Text() != "maybe" || r.FinishReason != llm.FinishError {
			t.Errorf("status %d: response %v, err %v", status, r, err)
		}
	}
}
