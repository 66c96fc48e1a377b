package isocheck

import (
	"cmp"
	"slices"
)

// extentKind says what occupies an extent.
type extentKind uint8

const (
	kindFile      extentKind = iota // file data
	kindCatalog                     // the El Torito boot catalog (often also a file)
	kindDir                         // a directory
	kindCE                          // a SUSP continuation area
	kindStructure                   // descriptors, path tables, the system area
)

// extent is a byte range of the image and what occupies it.
type extent struct {
	start, end int64
	kind       extentKind
	what, path string
	off        int64 // where it is recorded, for the report
}

// addExtent records an extent for checkOverlaps.
func (c *checker) addExtent(e extent) {
	if e.end <= e.start {
		return
	}
	if len(c.extents) >= maxExtents {
		c.stop(e.off, e.what, e.path, "more than %d extents", maxExtents)
		return
	}
	c.extents = append(c.extents, e)
}

// shared reports whether two extents may overlap: the same file recorded
// under two names (hard links, identical files stored once, the primary
// and Joliet names of a file) covers exactly the same bytes, and the boot
// catalog may be a file too. Anything else that overlaps is an error: the
// data of one is the data of the other.
func shared(a, b *extent) bool {
	switch {
	case a.kind == kindFile && b.kind == kindFile:
		return a.start == b.start && a.end == b.end
	case a.kind == kindCatalog && b.kind == kindFile, a.kind == kindFile && b.kind == kindCatalog:
		return true
	}
	return false
}

// checkOverlaps reports extents that overlap (ECMA-119 §6.4: each file
// section is recorded in its own extent; directories, path tables and
// descriptors have their own blocks).
func (c *checker) checkOverlaps() {
	// Sorted through an index: a sort of the structs themselves would
	// compile a sorting routine for this one type.
	idx := make([]int32, len(c.extents))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(i, j int32) int {
		a, b := &c.extents[i], &c.extents[j]
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), cmp.Compare(a.kind, b.kind))
	})
	ext := make([]extent, len(idx))
	for i, j := range idx {
		ext[i] = c.extents[j]
	}
	c.extents = ext
	far := -1 // the extent reaching furthest so far
	for i := range ext {
		e := &ext[i]
		if far >= 0 && e.start < ext[far].end {
			f := &ext[far]
			if !shared(f, e) {
				what := f.what
				if f.path != "" {
					what += " " + f.path
				}
				c.add(Error, e.off, e.what, e.path, "bytes %d-%d (blocks %d-%d) overlap %s (blocks %d-%d) (ECMA-119 §6.4)",
					e.start, e.end-1, e.start/BlockSize, (e.end-1)/BlockSize, what, f.start/BlockSize, (f.end-1)/BlockSize)
			}
		}
		if far < 0 || e.end > ext[far].end {
			far = i
		}
	}
	c.extents = nil
}
