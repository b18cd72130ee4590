//go:build race

package secrets

// raceEnabled: the race detector allocates, so allocation counts are not checked.
const raceEnabled = true
