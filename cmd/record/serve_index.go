package main

import "github.com/llmvcr/llmvcr/cassettes"

// The matching index record serve answers from, named in this one file:
// if the index moves to another package (internal/match), only these
// lines change.

// matchIndex matches requests to a cassette's recordings, as replay does.
type matchIndex = cassettes.Index

// missError is the report of a request that no recording matches.
type missError = cassettes.MissError

// newIndex indexes c's recordings.
func newIndex(c *cassettes.Cassette, opts ...cassettes.MatchOption) *matchIndex {
	return cassettes.NewIndex(c, opts...)
}

// checkMatchOptions returns the first malformed -ignore path as an error.
func checkMatchOptions(opts ...cassettes.MatchOption) error {
	return cassettes.CheckMatchOptions(opts...)
}
