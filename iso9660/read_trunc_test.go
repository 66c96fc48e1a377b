package iso9660_test

import (
	"testing"
	"time"
)

// TestReadTruncatedEverywhere cuts images of our writer (with Rock Ridge,
// deep directories relocated, continuation areas, Joliet) at every block
// boundary and in the middle of every block, and reads what is left the
// way the fuzz target does: Open and a walk of everything either succeed
// or fail with a format error, within bounded time, and never panic.
func TestReadTruncatedEverywhere(t *testing.T) {
	for i, seed := range rdFuzzSeeds(t)[:4] {
		// The seeds start after the system area, as the fuzz inputs do.
		for cut := 0; cut <= len(seed); cut += 1024 {
			rdWithin(t, 20*time.Second, func() { rdFuzzOne(t, seed[:cut]) })
			if t.Failed() {
				t.Fatalf("image %d cut at byte %d of %d", i, cut, len(seed))
			}
		}
	}
}
