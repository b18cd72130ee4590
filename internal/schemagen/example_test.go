package schemagen_test

import (
	"encoding/json"
	"fmt"

	"github.com/llmvcr/llmvcr/internal/schemagen"
)

func ExampleGenerate() {
	schema := json.RawMessage(`{
		"type": "object",
		"properties": {
			"city": {"type": "string"},
			"days": {"type": "integer", "minimum": 1, "maximum": 7},
			"units": {"enum": ["celsius", "fahrenheit"]},
			"note": {"type": "string"}
		},
		"required": ["city", "days", "units"]
	}`)
	args, _ := schemagen.Generate(schema, 3)
	fmt.Println(string(args))
	// Output: {"city":"d","days":4,"units":"fahrenheit"}
}
