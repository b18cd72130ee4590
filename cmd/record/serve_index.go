package main

import (
	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/match"
)

// The matching index record serve answers from (replay's), named in this
// one file so that serve.go's own "match" names do not shadow the package.

// matchIndex matches requests to a cassette's recordings, as replay does.
type matchIndex = match.Index

// missError is the report of a request that no recording matches.
type missError = match.MissError

// newIndex indexes c's recordings.
func newIndex(c *cassettes.Cassette, opts ...cassettes.MatchOption) *matchIndex {
	return match.NewIndex(c.Path, c.Interactions, opts...)
}

// checkMatchOptions returns the first malformed -ignore path as an error.
func checkMatchOptions(opts ...cassettes.MatchOption) error {
	return match.CheckOptions(opts...)
}
