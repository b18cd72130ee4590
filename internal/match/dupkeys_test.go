package match

import (
	"errors"
	"testing"
)

// A request body that gives a key twice is not the value it would decode
// to: it matches only a recording of the same text, never one of the
// value that decoding would keep.
func TestDuplicateKeysMatchOnlyTheirOwnText(t *testing.T) {
	x := NewIndex("c.yaml", []*Interaction{chat(`{"model":"b"}`), chat(`{"model":"a","model":"b"}`)})
	i, err := post(t, x, `{"model": "a", "model": "b"}`)
	if err != nil || i.Request.Body != `{"model":"a","model":"b"}` {
		t.Fatalf("the duplicate-key request matched %v, %v; want its own recording", i, err)
	}
	_, err = post(t, x, `{"model":"x","model":"b"}`)
	var miss *MissError
	if !errors.As(err, &miss) {
		t.Fatalf("a request with other duplicate values matched (%v), want a *MissError", err)
	}
	if i, err := post(t, x, `{"model":"b"}`); err != nil || i.Request.Body != `{"model":"b"}` {
		t.Fatalf("the plain request matched %v, %v", i, err)
	}
}
