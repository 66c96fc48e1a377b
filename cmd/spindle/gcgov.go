package main

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Mastering builds a tree of small objects (about 1.5 KB per file) and
// then streams. A fixed GC target of 25% keeps the peak heap near the live
// heap, but while the tree is small it collects again and again (dozens of
// times for 20,000 files), which costs more time than reading the files.
// So while the live heap is small the collector is paced by a memory limit
// of 32 MiB instead (with a high GOGC under it), and once the live heap
// passes 1/1.25 of that the governor hands over to GOGC=25 for good. Small
// trees then collect a few times and stay below the peers' peak RSS; large
// ones behave as with GOGC=25 (measured with bench/compare.sh).
const (
	gcFloor    = 32 << 20
	gcInterval = 5 * time.Millisecond
)

// governGC starts the governor; the process exits without stopping it.
func governGC() {
	debug.SetGCPercent(1000)
	debug.SetMemoryLimit(gcFloor)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	go func() {
		for range time.Tick(gcInterval) {
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				break
			}
			if live := sample[0].Value.Uint64(); live+live/4 < gcFloor {
				continue
			}
			break
		}
		debug.SetGCPercent(25)
		debug.SetMemoryLimit(math.MaxInt64)
	}()
}
