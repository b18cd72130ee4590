// Command genprices refreshes groq/prices_groq.json, the Groq rows of
// genai-prices' data (github.com/pydantic/genai-prices, prices/data.json),
// the price source pydantic-ai computes usage.cost with.
//
// From the groq directory:
//
//	go run ./internal/genprices -src https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/data.json \
//	    -version 0.1.4 -commit 47df840a5ab1 -date 2026-08-21
//
// -src may also be a local copy of data.json. The Groq provider entry is
// copied verbatim; the command fails if it uses a match clause or a price
// shape that groq.Cost does not understand, so a refresh never silently
// drops a price.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	src := flag.String("src", "https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/data.json", "data.json: a URL or a file")
	out := flag.String("o", "prices_groq.json", "output file")
	version := flag.String("version", "", "genai-prices package version the data belongs to (required)")
	commit := flag.String("commit", "", "genai-prices commit the data was taken from (required)")
	date := flag.String("date", "", "date of that commit, YYYY-MM-DD (required)")
	flag.Parse()
	if err := run(*src, *out, *version, *commit, *date); err != nil {
		fmt.Fprintln(os.Stderr, "genprices:", err)
		os.Exit(1)
	}
}

func run(src, out, version, commit, date string) error {
	if version == "" || commit == "" || date == "" {
		return errors.New("-version, -commit and -date are required")
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return fmt.Errorf("-date: %w", err)
	}
	raw, err := read(src)
	if err != nil {
		return err
	}
	var providers []json.RawMessage
	if err := json.Unmarshal(raw, &providers); err != nil {
		return fmt.Errorf("%s: not a list of providers: %w", src, err)
	}
	var groq json.RawMessage
	for _, p := range providers {
		var head struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(p, &head) == nil && head.ID == "groq" {
			groq = p
		}
	}
	if groq == nil {
		return fmt.Errorf("%s: no provider with id groq", src)
	}
	if err := check(groq); err != nil {
		return err
	}
	doc := struct {
		Source   string          `json:"source"`
		Version  string          `json:"version"`
		Commit   string          `json:"commit"`
		Date     string          `json:"date"`
		Provider json.RawMessage `json:"provider"`
	}{"github.com/pydantic/genai-prices prices/data.json", version, commit, date, groq}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}

func read(src string) ([]byte, error) {
	if !strings.HasPrefix(src, "https://") {
		return os.ReadFile(src)
	}
	resp, err := http.Get(src)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", src, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
}

// check refuses what groq.Cost cannot price: every model needs a match of
// known clauses and flat prices in known units.
func check(provider json.RawMessage) error {
	var p struct {
		Models []struct {
			ID     string          `json:"id"`
			Match  json.RawMessage `json:"match"`
			Prices json.RawMessage `json:"prices"`
		} `json:"models"`
	}
	if err := json.Unmarshal(provider, &p); err != nil {
		return err
	}
	if len(p.Models) == 0 {
		return errors.New("the groq provider lists no models")
	}
	for _, m := range p.Models {
		if err := checkMatch(m.Match); err != nil {
			return fmt.Errorf("model %s: %w", m.ID, err)
		}
		var prices map[string]json.RawMessage
		d := json.NewDecoder(bytes.NewReader(m.Prices))
		if err := d.Decode(&prices); err != nil {
			return fmt.Errorf("model %s: prices are not flat (tiered or time-constrained prices need groq.Cost to learn them): %w", m.ID, err)
		}
		for k, v := range prices {
			switch k {
			case "input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok":
			default:
				return fmt.Errorf("model %s: price %q is not one groq.Cost knows", m.ID, k)
			}
			var n json.Number
			if json.Unmarshal(v, &n) != nil {
				return fmt.Errorf("model %s: price %s is not a number", m.ID, k)
			}
		}
	}
	return nil
}

func checkMatch(raw json.RawMessage) error {
	var c map[string]json.RawMessage
	if err := json.Unmarshal(raw, &c); err != nil || len(c) != 1 {
		return fmt.Errorf("match %s is not one clause", raw)
	}
	for k, v := range c {
		switch k {
		case "equals", "starts_with", "ends_with", "contains":
			var s string
			if json.Unmarshal(v, &s) != nil {
				return fmt.Errorf("match %s is not a string", k)
			}
		case "or", "and":
			var subs []json.RawMessage
			if json.Unmarshal(v, &subs) != nil {
				return fmt.Errorf("match %s is not a list", k)
			}
			for _, s := range subs {
				if err := checkMatch(s); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("match clause %q is not one groq.Cost knows", k)
		}
	}
	return nil
}
