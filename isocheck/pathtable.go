package isocheck

import (
	"bytes"
	"encoding/binary"
)

// maxPathTableReports bounds the mismatches reported per path table.
const maxPathTableReports = 10

// checkPathTables checks the type L and type M path tables of hierarchy h
// and their optional copies (ECMA-119 §6.9, §9.4): readable, inside the
// volume, the same content in both byte orders, in the order §9.4.3
// requires, and entry by entry what the hierarchy (want, in path table
// order) holds.
func (c *checker) checkPathTables(h *hierarchy, want []ptEntry, ucs2 bool) {
	sdL, sdM := h.label+"path table (L)", h.label+"path table (M)"
	sdVD := "primary volume descriptor"
	if h.kind != hierPrimary {
		sdVD = h.label + "volume descriptor"
	}
	size := h.ptSize
	if size == 0 {
		c.add(Error, h.vdOff+132, sdVD, "", "path table size 0 (ECMA-119 §8.4.13: the table holds at least the root)")
		return
	}
	if size > maxPathTable {
		c.add(Error, h.vdOff+132, sdVD, "", "path table size %d bytes; tables larger than %d bytes are not checked", size, maxPathTable)
		return
	}
	var tables [4][]byte
	names := [4]string{sdL, "optional " + sdL, sdM, "optional " + sdM}
	for i, loc := range h.pt {
		at := h.vdOff + 140 + 4*int64(i)
		if loc == 0 {
			if i == 0 || i == 2 {
				c.add(Error, at, sdVD, "", "no location for the %s (ECMA-119 §8.4.14, §8.4.16)", names[i])
			}
			continue
		}
		if !c.checkExtent(at, sdVD, "", names[i], loc, 0, size) {
			continue
		}
		off := int64(loc) * BlockSize
		c.addExtent(extent{start: off, end: off + int64(size), kind: kindStructure, what: names[i], off: at})
		b, err := c.read(off, int(size))
		if err != nil {
			return
		}
		c.progress(int64(len(b)), int64(len(b)))
		tables[i] = b
	}
	for _, i := range []int{1, 3} {
		if tables[i] != nil && tables[i-1] != nil && !bytes.Equal(tables[i], tables[i-1]) {
			c.add(Error, int64(h.pt[i])*BlockSize, names[i], "", "differs from the mandatory table at block %d (ECMA-119 §6.9.2)", h.pt[i-1])
		}
	}
	var l, m []ptEntry
	if tables[0] != nil {
		l = c.parsePathTable(tables[0], int64(h.pt[0])*BlockSize, sdL, binary.LittleEndian, h.kind)
	}
	if tables[2] != nil {
		m = c.parsePathTable(tables[2], int64(h.pt[2])*BlockSize, sdM, binary.BigEndian, h.kind)
	}
	if l != nil && m != nil {
		if !samePathTable(l, m) {
			c.add(Error, int64(h.pt[2])*BlockSize, sdM, "", "records other entries than the type L path table at block %d (ECMA-119 §6.9.2)", h.pt[0])
		}
	}
	for i, t := range [][]ptEntry{l, m} {
		if t == nil {
			continue
		}
		sd, base := sdL, int64(h.pt[0])*BlockSize
		if i == 1 {
			sd, base = sdM, int64(h.pt[2])*BlockSize
			if samePathTable(l, m) {
				break // the same mismatches as L
			}
		}
		c.comparePathTable(t, want, sd, base, ucs2)
	}
}

// parsePathTable decodes a path table (ECMA-119 §9.4) and checks its
// order (§6.9.1): by level, then by parent number, then by directory
// identifier (see sortRule for the orders admitted).
func (c *checker) parsePathTable(b []byte, base int64, sd string, order binary.ByteOrder, kind int) []ptEntry {
	ucs2 := kind == hierJoliet
	var t []ptEntry
	var sorted *sortCheck // the entries with the parent of the last one
	for p := 0; p < len(b); {
		off := base + int64(p)
		if len(t) > maxDirs {
			c.add(Error, off, sd, "", "more than %d entries; the rest is not checked", maxDirs)
			break
		}
		n := int(b[p])
		if n == 0 {
			c.add(Error, off, sd, "", "entry %d has directory identifier length 0 (ECMA-119 §9.4.1); the rest is not checked", len(t)+1)
			break
		}
		need := 8 + n + n%2
		if p+need > len(b) {
			c.add(Error, off, sd, "", "entry %d of %d bytes runs past the path table size %d (ECMA-119 §8.4.13, §9.4)", len(t)+1, need, len(b))
			break
		}
		e := ptEntry{extent: order.Uint32(b[p+2:]), parent: int(order.Uint16(b[p+6:])), ident: b[p+8 : p+8+n], off: off}
		num := len(t) + 1
		if num <= 2 || e.parent != t[num-2].parent {
			sorted = newSortCheck(pathTableRules(kind))
		}
		switch {
		case num == 1 && (n != 1 || e.ident[0] != 0 || e.parent != 1):
			c.add(Error, off, sd, "", "the first entry is not the root (identifier 0x00, parent 1; ECMA-119 §6.9.1, §9.4.4)")
		case num > 1 && (e.parent < 1 || e.parent >= num):
			c.add(Error, off, sd, "", "entry %d names parent %d, which is not an earlier entry (ECMA-119 §6.9.1, §9.4.4)", num, e.parent)
		case num > 1 && e.parent < t[num-2].parent:
			c.add(Error, off, sd, "", "entry %d (parent %d) follows one with parent %d: not ordered by parent number (ECMA-119 §6.9.1)", num, e.parent, t[num-2].parent)
		case num > 2 && e.parent == t[num-2].parent:
			if why := sorted.next(units(t[num-2].ident, ucs2), units(e.ident, ucs2), off); why != "" {
				c.add(Error, off, sd, "", "entry %d %q follows %q of the same parent: not ordered by identifier, %s", num, display(e.ident, ucs2), display(t[num-2].ident, ucs2), why)
			}
		}
		t = append(t, e)
		p += need
	}
	return t
}

func samePathTable(a, b []ptEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].extent != b[i].extent || a[i].parent != b[i].parent || !bytes.Equal(a[i].ident, b[i].ident) {
			return false
		}
	}
	return true
}

// comparePathTable reports where a path table differs from the
// hierarchy's directories (want, in the walk's order, which is the
// records' order). Entries are matched by parent and identifier rather
// than by position, so that a table whose siblings follow another order
// than the directory records (both may be right, see sortRule; a wrong
// order is reported by parsePathTable) is not reported entry by entry.
func (c *checker) comparePathTable(t, want []ptEntry, sd string, base int64, ucs2 bool) {
	if len(t) != len(want) {
		c.add(Error, base, sd, "", "%d entries, but the hierarchy has %d directories (ECMA-119 §6.9.1)", len(t), len(want))
	}
	if len(t) == 0 || len(want) == 0 {
		return
	}
	type key struct {
		parent int // index in want
		ident  string
	}
	children := make(map[key][]int, len(want))
	for i := 1; i < len(want); i++ {
		k := key{want[i].parent - 1, string(want[i].ident)}
		children[k] = append(children[k], i)
	}
	matched := make([]bool, len(want))
	index := make([]int, len(t)) // entry -> index in want, -1 if none
	index[0], matched[0] = 0, true
	reported := 0
	report := func(off int64, format string, args ...any) {
		if reported < maxPathTableReports {
			c.add(Error, off, sd, "", format, args...)
		}
		reported++
	}
	if t[0].extent != want[0].extent {
		report(t[0].off, "entry 1 points to block %d, but the root directory is at block %d (ECMA-119 §9.4.3)", t[0].extent, want[0].extent)
	}
	for i := 1; i < len(t); i++ {
		g := t[i]
		index[i] = -1
		if g.parent < 1 || g.parent > i || index[g.parent-1] < 0 {
			continue // a bad parent number (reported) or an entry matching nothing
		}
		parent := want[index[g.parent-1]]
		k := key{index[g.parent-1], string(g.ident)}
		cands := children[k]
		if len(cands) == 0 {
			report(g.off, "entry %d %q names parent %d, %s, which has no subdirectory of that name (ECMA-119 §9.4.4, §9.4.5)", i+1, display(g.ident, ucs2), g.parent, parent.path)
			continue
		}
		w := cands[0]
		children[k] = cands[1:]
		index[i], matched[w] = w, true
		if g.extent != want[w].extent {
			report(g.off, "entry %d points to block %d, but directory %s is at block %d (ECMA-119 §9.4.3)", i+1, g.extent, want[w].path, want[w].extent)
		}
	}
	for i, ok := range matched {
		if !ok {
			report(base, "directory %s (block %d) has no entry (ECMA-119 §6.9.3)", want[i].path, want[i].extent)
		}
	}
}
