package main

import (
	"math"
	"runtime"
	"runtime/debug"
)

// Mastering builds a tree of small objects (about 1.2 KB per file) and
// then streams. A fixed GC target of 25% keeps the peak heap near the live
// heap, but while the tree is small it collects again and again (dozens of
// times for 20,000 files), which costs more time than reading the files.
// So while the live heap is small the collector is paced by a memory limit
// of 32 MiB instead (with a high GOGC under it). Once a collection finds
// half of that live, the governor hands over to GOGC=25 for good: waiting
// longer makes the limit collect back to back as the live heap nears it
// (ten collections for 20,300 files instead of four). Small trees then
// collect a few times and stay below the peers' peak RSS; large ones
// behave as with GOGC=25 (measured with bench/compare.sh).
//
// The governor looks at the heap only when a collection ends (through a
// cleanup on an object that only the collector frees), so a run that
// never collects does no work for it.
const (
	gcFloor  = 32 << 20
	gcSwitch = gcFloor / 2
)

// governGC starts the governor; the process exits without stopping it.
func governGC() {
	debug.SetGCPercent(1000)
	debug.SetMemoryLimit(gcFloor)
	armGC()
}

// gcToken is what the collector frees at the end of each cycle. It is
// larger than 16 bytes so that it is not batched with other tiny objects
// (which would keep it alive).
type gcToken [4]uintptr

func armGC() {
	runtime.AddCleanup(new(gcToken), func(struct{}) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc < gcSwitch {
			armGC()
			return
		}
		debug.SetGCPercent(25)
		debug.SetMemoryLimit(math.MaxInt64)
	}, struct{}{})
}
