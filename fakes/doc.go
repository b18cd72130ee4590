// Package fakes is a scripted fake Groq server and in-process fake models
// for testing code that talks to Groq.
package fakes
