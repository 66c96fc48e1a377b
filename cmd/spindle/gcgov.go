package main

import (
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Mastering builds a tree of small objects (about 1.5 KB per file) and
// then streams. A fixed low GC target keeps the peak heap near the live
// heap but collects dozens of times on a tree of 20,000 files, which costs
// more time than reading the files; a high one doubles the peak. The
// governor takes the middle: the collector is paced by a memory limit of
// 32 MiB, or 1.25 × the live heap plus 8 MiB once that is larger, raised
// as the tree grows, with a high GOGC above it. Small trees then collect a
// few times and stay below the peers' peak RSS; large ones behave as with
// GOGC=25 (measured with bench/compare.sh).
const (
	gcFloor    = 32 << 20
	gcSlack    = 8 << 20
	gcInterval = 10 * time.Millisecond
)

// governGC starts the governor; the process exits without stopping it.
func governGC() {
	debug.SetGCPercent(200)
	debug.SetMemoryLimit(gcFloor)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	go func() {
		cur := int64(gcFloor)
		for range time.Tick(gcInterval) {
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return
			}
			live := int64(sample[0].Value.Uint64())
			if limit := max(gcFloor, live+live/4+gcSlack); limit != cur {
				debug.SetMemoryLimit(limit)
				cur = limit
			}
		}
	}()
}
