package ci

import "testing"

func TestSet(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{
		{"", false}, {"0", false}, {"false", false}, {"FALSE", false}, {" False ", false}, {" ", false},
		{"1", true}, {"true", true}, {"yes", true}, {"no", true}, {"00", true}, {"woodpecker", true},
	}
	for _, tt := range tests {
		t.Setenv("CI", tt.value)
		if got := Set(); got != tt.want {
			t.Errorf("CI=%q: Set() = %v, want %v", tt.value, got, tt.want)
		}
	}
}
