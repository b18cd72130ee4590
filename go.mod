module github.com/llmvcr/llmvcr

go 1.24

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/stretchr/testify v1.11.1 // indirect
	gopkg.in/dnaeon/go-vcr.v3 v3.2.0 // indirect
)
