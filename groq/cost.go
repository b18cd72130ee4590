package groq

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/llmvcr/llmvcr/llm"
)

// pricesJSON is the Groq provider of genai-prices' data, the source
// pydantic-ai computes usage.cost with; its version, commit and date are in
// the file. Refresh it from the groq directory with
//
//	go run ./internal/genprices -version V -commit C -date YYYY-MM-DD
//
// (the package version and the commit and date of genai-prices' main
// branch; -src takes a local data.json instead of the download). It
// refuses rows Cost could not price.
//
//go:embed prices_groq.json
var pricesJSON []byte

// Cost returns what usage cost on the Groq model, in US dollars, with the
// prices of genai-prices (the version and date in prices_groq.json), as
// pydantic-ai's usage.cost: input tokens not read from cache at the input
// price, cached ones at the cache-read price when the model has one (else
// the input price), output tokens (reasoning included) at the output price.
// The sum is exact, rounded once to a float64, so it equals the float64 of
// pydantic-ai's Decimal. The model name is matched as genai-prices does
// (case-insensitive, first matching row). An unknown model, or a usage
// whose cached tokens exceed its input tokens, is an *llm.UserError.
func Cost(model string, u llm.Usage) (float64, error) {
	p, err := loadPrices()
	if err != nil {
		return 0, err
	}
	row := p.find(model)
	if row == nil {
		return 0, &llm.UserError{Message: fmt.Sprintf("groq: no price for model %q in genai-prices %s (%s)", model, p.Version, p.Date)}
	}
	input := int64(u.InputTokens)
	if row.prices["cache_read_mtok"] != nil {
		input -= int64(u.CacheReadTokens)
	}
	if row.prices["cache_write_mtok"] != nil {
		input -= int64(u.CacheWriteTokens)
	}
	if input < 0 || u.OutputTokens < 0 || u.CacheReadTokens < 0 || u.CacheWriteTokens < 0 {
		return 0, &llm.UserError{Message: fmt.Sprintf("groq: invalid usage for a price: input %d, cache read %d, cache write %d, output %d tokens",
			u.InputTokens, u.CacheReadTokens, u.CacheWriteTokens, u.OutputTokens)}
	}
	counts := map[string]int64{
		"input_mtok":       input,
		"cache_read_mtok":  int64(u.CacheReadTokens),
		"cache_write_mtok": int64(u.CacheWriteTokens),
		"output_mtok":      int64(u.OutputTokens),
	}
	total := new(big.Rat)
	for unit, price := range row.prices {
		total.Add(total, new(big.Rat).Mul(price, new(big.Rat).SetInt64(counts[unit])))
	}
	total.Quo(total, big.NewRat(1_000_000, 1))
	f, _ := total.Float64()
	return f, nil
}

// priceData is prices_groq.json, decoded.
type priceData struct {
	Version string
	Date    string
	rows    []priceRow
}

type priceRow struct {
	id     string
	match  matchClause
	prices map[string]*big.Rat // per million tokens, exact
}

// matchClause is one of genai-prices' match clauses.
type matchClause struct {
	Equals     *string       `json:"equals"`
	StartsWith *string       `json:"starts_with"`
	EndsWith   *string       `json:"ends_with"`
	Contains   *string       `json:"contains"`
	Or         []matchClause `json:"or"`
	And        []matchClause `json:"and"`
}

// matches reports whether the lower-cased model name matches.
func (c *matchClause) matches(model string) bool {
	switch {
	case c.Equals != nil:
		return model == strings.ToLower(*c.Equals)
	case c.StartsWith != nil:
		return strings.HasPrefix(model, strings.ToLower(*c.StartsWith))
	case c.EndsWith != nil:
		return strings.HasSuffix(model, strings.ToLower(*c.EndsWith))
	case c.Contains != nil:
		return strings.Contains(model, strings.ToLower(*c.Contains))
	case c.Or != nil:
		for i := range c.Or {
			if c.Or[i].matches(model) {
				return true
			}
		}
		return false
	case c.And != nil:
		for i := range c.And {
			if !c.And[i].matches(model) {
				return false
			}
		}
		return true
	}
	return false
}

func (p *priceData) find(model string) *priceRow {
	model = strings.ToLower(model)
	for i := range p.rows {
		if p.rows[i].match.matches(model) {
			return &p.rows[i]
		}
	}
	return nil
}

var loadPrices = sync.OnceValues(func() (*priceData, error) { return parsePrices(pricesJSON) })

// parsePrices decodes the embedded file; prices are read as exact decimals.
func parsePrices(raw []byte) (*priceData, error) {
	var doc struct {
		Version  string `json:"version"`
		Date     string `json:"date"`
		Provider struct {
			Models []struct {
				ID     string                 `json:"id"`
				Match  matchClause            `json:"match"`
				Prices map[string]json.Number `json:"prices"`
			} `json:"models"`
		} `json:"provider"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("groq: embedded prices: %w", err)
	}
	p := &priceData{Version: doc.Version, Date: doc.Date}
	for _, m := range doc.Provider.Models {
		row := priceRow{id: m.ID, match: m.Match, prices: map[string]*big.Rat{}}
		for unit, n := range m.Prices {
			r, ok := new(big.Rat).SetString(n.String())
			if !ok {
				return nil, fmt.Errorf("groq: embedded prices: model %s: %s is not a number", m.ID, unit)
			}
			row.prices[unit] = r
		}
		p.rows = append(p.rows, row)
	}
	return p, nil
}
