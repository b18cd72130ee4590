package groq

import (
	"errors"
	"strconv"
	"testing"

	"github.com/llmvcr/llmvcr/llm"
)

// pydanticCost is pydantic-ai's usage.cost for a response of model with
// usage (tests/models/test_groq.py snapshots, genai-prices data), as the
// float64 nearest to its Decimal.
type pydanticCost struct {
	line  int // in test_groq.py at 4fda38988f29
	model string
	usage llm.Usage
	want  string
}

var pydanticCosts = []pydanticCost{
	{724, "meta-llama/llama-4-maverick-17b-128e-instruct", llm.Usage{InputTokens: 712, OutputTokens: 20}, "0.0001544"},
	{750, "meta-llama/llama-4-maverick-17b-128e-instruct", llm.Usage{InputTokens: 1501, OutputTokens: 11}, "0.0003068"},
	{884, "llama-3.3-70b-versatile", llm.Usage{InputTokens: 48, OutputTokens: 8}, "0.00003464"},
	{1988, "deepseek-r1-distill-llama-70b", llm.Usage{InputTokens: 21, OutputTokens: 1414}, "0.00141561"},
	{2049, "deepseek-r1-distill-llama-70b", llm.Usage{InputTokens: 524, OutputTokens: 1590}, "0.0019671"},
	{2176, "deepseek-r1-distill-llama-70b", llm.Usage{InputTokens: 21, OutputTokens: 988}, "0.00099387"},
	{3545, "deepseek-r1-distill-llama-70b", llm.Usage{InputTokens: 573, OutputTokens: 1509}, "0.00192366"},
	{584, "llama-3.3-70b-versatile", llm.Usage{}, "0.00"},
	{5408, "openai/gpt-oss-120b", llm.Usage{}, "0.000"},
	{5460, "openai/gpt-oss-120b", llm.Usage{InputTokens: 301, OutputTokens: 52, ReasoningTokens: 22}, "0.00007635"},
	{5501, "openai/gpt-oss-120b", llm.Usage{InputTokens: 336, CacheReadTokens: 256, OutputTokens: 96, ReasoningTokens: 59}, "0.0000888"},
	{5613, "openai/gpt-oss-120b", llm.Usage{InputTokens: 304, OutputTokens: 49, ReasoningTokens: 23}, "0.0000750"},
	{5651, "openai/gpt-oss-120b", llm.Usage{InputTokens: 339, OutputTokens: 58, ReasoningTokens: 38}, "0.00008565"},
	{5742, "openai/gpt-oss-120b", llm.Usage{InputTokens: 254, OutputTokens: 174, ReasoningTokens: 147}, "0.0001425"},
	{5860, "openai/gpt-oss-120b", llm.Usage{InputTokens: 343, OutputTokens: 180, ReasoningTokens: 153}, "0.00015945"},
	{5933, "openai/gpt-oss-120b", llm.Usage{InputTokens: 178, OutputTokens: 94}, "0.0000831"},
	{5983, "openai/gpt-oss-120b", llm.Usage{InputTokens: 177, OutputTokens: 87}, "0.00007875"},
	{5983, "OpenAI/GPT-OSS-120B", llm.Usage{InputTokens: 177, OutputTokens: 87}, "0.00007875"}, // genai-prices matches case-insensitively
}

func TestCostMatchesPydanticAI(t *testing.T) {
	for _, c := range pydanticCosts {
		want, _ := strconv.ParseFloat(c.want, 64)
		got, err := Cost(c.model, c.usage)
		if err != nil || got != want {
			t.Errorf("test_groq.py:%d: Cost(%s, %+v) = %v, %v; want %s", c.line, c.model, c.usage, got, err, c.want)
		}
	}
}

func TestCostRefusesWhatItCannotPrice(t *testing.T) {
	for name, tt := range map[string]struct {
		model string
		u     llm.Usage
	}{
		// pydantic-ai's snapshots have no cost for these (line 1160, 196).
		"no row":                    {"groq/compound", llm.Usage{InputTokens: 5296, OutputTokens: 387}},
		"a test model name":         {"llama-3.3-70b-versatile-123", llm.Usage{InputTokens: 1}},
		"more cached than input":    {"openai/gpt-oss-120b", llm.Usage{InputTokens: 1, CacheReadTokens: 2}},
		"negative output":           {"llama-3.3-70b-versatile", llm.Usage{OutputTokens: -1}},
		"negative cached, no price": {"llama-3.3-70b-versatile", llm.Usage{CacheReadTokens: -1}},
		"empty model":               {"", llm.Usage{}},
	} {
		_, err := Cost(tt.model, tt.u)
		var ue *llm.UserError
		if !errors.As(err, &ue) {
			t.Errorf("%s: err = %v, want a *llm.UserError", name, err)
		}
	}
	// Cached tokens count at the input price when the model has no cache
	// price (genai-prices prices only leaves it knows).
	got, err := Cost("llama-3.3-70b-versatile", llm.Usage{InputTokens: 100, CacheReadTokens: 100})
	if want := 100 * 0.59 / 1e6; err != nil || got != want {
		t.Errorf("cached without a cache price = %v, %v; want %v", got, err, want)
	}
}

func TestEmbeddedPrices(t *testing.T) {
	p, err := loadPrices()
	if err != nil {
		t.Fatal(err)
	}
	if p.Version == "" || p.Date == "" || len(p.rows) < 10 {
		t.Errorf("embedded prices: version %q date %q, %d rows", p.Version, p.Date, len(p.rows))
	}
	for _, r := range p.rows {
		if len(r.prices) == 0 || r.prices["input_mtok"] == nil || r.prices["output_mtok"] == nil {
			t.Errorf("row %s has prices %v", r.id, r.prices)
		}
		if p.find(r.id) == nil {
			t.Errorf("row %s does not match its own id", r.id)
		}
	}
	if _, err := parsePrices([]byte(`{"provider":{"models":[{"id":"x","match":{"equals":"x"},"prices":{"input_mtok":"1e"}}]}}`)); err == nil {
		t.Error("a price that is not a number was accepted")
	}
}
