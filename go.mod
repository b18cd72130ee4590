module github.com/llmvcr/llmvcr

go 1.24

require (
	github.com/google/go-cmp v0.7.0
	github.com/stretchr/testify v1.11.1
	gopkg.in/dnaeon/go-vcr.v3 v3.2.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
)
