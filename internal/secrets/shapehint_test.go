package secrets

import "testing"

// FindShapes skips a text in which hintMask finds no shape's hint: a shape
// without one would never be found.
func TestEveryShapeHasAHint(t *testing.T) {
	for n, sh := range shapes {
		if sh.hint == "" {
			t.Errorf("shape %d has no hint", n)
		}
	}
}
