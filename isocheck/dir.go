package isocheck

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// File flags of a directory record (ECMA-119 §9.1.6).
const (
	flagHidden     = 1 << 0
	flagDir        = 1 << 1
	flagAssociated = 1 << 2
	flagRecord     = 1 << 3
	flagProtection = 1 << 4
	flagReserved   = 1<<5 | 1<<6
	flagMulti      = 1 << 7
)

// recordMin is the length of a directory record with a one-byte
// identifier (ECMA-119 §9.1): the fixed 33 bytes and the identifier.
const recordMin = 34

// dirJob is a directory waiting to be checked.
type dirJob struct {
	extent    uint32
	size      uint32
	path      string
	parentExt uint32
	parentNum int // path table number of the parent (ECMA-119 §9.4.6)
	depth     int // the root is level 1
	ident     []byte
	recOff    int64 // byte offset of the record naming it
}

// ptEntry is a path table entry (ECMA-119 §9.4), as recorded or as the
// hierarchy implies it.
type ptEntry struct {
	extent uint32
	parent int
	ident  []byte
	path   string // of the directory, for the hierarchy's entries
	off    int64  // of the entry, for a table's entries
}

// tally counts a kind of minor problem over a hierarchy, reported once as
// a warning with the first example.
type tally struct {
	n       int
	off     int64
	example string
}

func (t *tally) note(off int64, path string) {
	if t.n == 0 {
		t.off, t.example = off, path
	}
	t.n++
}

// walker is the state of the walk of one hierarchy.
type walker struct {
	c       *checker
	h       *hierarchy
	ucs2    bool
	sdDir   string // "directory" / "Joliet directory"
	sdRec   string // "directory record" / ...
	visited map[uint32]string
	pt      []ptEntry
	rr      bool     // Rock Ridge entries seen
	er      []string // extension identifiers of the root's ER entries
	cl      []clRef
	chars   tally // identifiers outside the allowed characters
	long    tally // identifiers longer than allowed
	deep    tally // directories deeper than ecmaMaxDepth
	dates   tally // recording dates out of range
	dirs    int
	files   int
}

type clRef struct {
	target uint32
	off    int64
	path   string
}

// checkHierarchies walks every hierarchy and checks its path tables.
func (c *checker) checkHierarchies(hs []*hierarchy) {
	for _, h := range hs {
		if !c.alive() || c.stopped {
			return
		}
		w := &walker{c: c, h: h, ucs2: h.kind == hierJoliet, visited: map[uint32]string{}}
		w.sdDir, w.sdRec = h.label+"directory", h.label+"directory record"
		w.walk()
		if !c.alive() {
			return
		}
		w.summary()
		if h.kind == hierPrimary {
			c.rep.Directories, c.rep.Files = w.dirs, w.files
		}
		if !c.stopped {
			c.checkPathTables(h, w.pt, w.ucs2)
		}
	}
}

// walk checks the hierarchy breadth first, which is also the order of its
// path table (ECMA-119 §9.4.3: by level, then by parent, then by name).
func (w *walker) walk() {
	c, h := w.c, w.h
	root := h.root
	rootOff := h.vdOff + 156
	sd := h.label + "root directory record"
	if root[0] < recordMin || root[32] != 1 || root[33] != 0 {
		c.add(Error, rootOff, sd, "", "not a directory record with identifier 0x00 (ECMA-119 §8.4.18, §9.1)")
		return
	}
	if root[0] != recordMin {
		c.add(Warning, rootOff, sd, "", "record length %d, want 34 (ECMA-119 §8.4.18)", root[0])
	}
	ext, ok1 := both32(root[2:])
	size, ok2 := both32(root[10:])
	if !ok1 || !ok2 {
		c.add(Error, rootOff, sd, "", "both-byte-order fields disagree (ECMA-119 §7.3.3)")
	}
	if root[25]&flagDir == 0 {
		c.add(Error, rootOff+25, sd, "", "the directory flag is not set (ECMA-119 §9.1.6)")
	}
	queue := []dirJob{{extent: ext, size: size, path: "/", parentExt: ext, parentNum: 1, depth: 1, ident: []byte{0}, recOff: rootOff}}
	w.visited[ext] = "/"
	c.progress(0, int64(size))
	for i := 0; i < len(queue) && c.alive() && !c.stopped; i++ {
		d := queue[i]
		w.pt = append(w.pt, ptEntry{extent: d.extent, parent: d.parentNum, ident: d.ident, path: d.path})
		w.dirs++
		queue = w.dir(d, i+1, queue)
		queue[i] = dirJob{} // let its strings go
	}
	for _, r := range w.cl {
		if _, ok := w.visited[r.target]; !ok && !c.stopped {
			c.add(Error, r.off, "SUSP area", r.path, "CL entry points to block %d, where no directory of the hierarchy is (RRIP 1.12 §4.1.5.1)", r.target)
		}
	}
	if w.rr {
		c.rep.RockRidge = true
		found := false
		for _, id := range w.er {
			switch id {
			case "RRIP_1991A", "IEEE_P1282", "IEEE_1282":
				found = true
			}
		}
		if !found {
			c.add(Warning, rootOff, "SUSP area", "/", "Rock Ridge entries are used but the root's first record has no ER entry naming RRIP (SUSP 1.12 §5.5, RRIP 1.12 §4.3)")
		}
	}
}

// summary reports the tallies.
func (w *walker) summary() {
	c := w.c
	what := "d-characters (ECMA-119 §7.4.1, §7.5, §7.6)"
	long := "31 characters (ECMA-119 §7.5.1, §7.6.3)"
	if w.ucs2 {
		what = "the characters Joliet allows (no control characters, * / : ; ? \\)"
		long = "64 UCS-2 characters (Joliet §3.3)"
	}
	for _, t := range []struct {
		tally *tally
		msg   string
	}{
		{&w.chars, "use characters other than " + what},
		{&w.long, "are longer than " + long},
		{&w.deep, fmt.Sprintf("are deeper than %d levels (ECMA-119 §6.8.2.1)", ecmaMaxDepth)},
		{&w.dates, "have a recording date out of range (ECMA-119 §9.1.5)"},
	} {
		if t.tally.n > 0 {
			noun := "identifiers"
			if t.tally == &w.deep {
				noun = "directories"
			} else if t.tally == &w.dates {
				noun = "records"
			}
			c.add(Warning, t.tally.off, w.sdRec, t.tally.example, "this and %d other %s %s", t.tally.n-1, noun, t.msg)
		}
	}
}

// record is a decoded directory record (ECMA-119 §9.1).
type record struct {
	off    int64
	length int
	xa     uint8
	extent uint32
	size   uint32
	flags  byte
	unit   byte
	gap    byte
	ident  []byte
	su     []byte // System Use field (§9.1.13)
	suOff  int64
}

// dir checks directory d (path table number num) and queues its
// subdirectories.
func (w *walker) dir(d dirJob, num int, queue []dirJob) []dirJob {
	c := w.c
	off := int64(d.extent) * BlockSize
	if d.size == 0 {
		c.add(Error, d.recOff, w.sdDir, d.path, "data length 0: a directory holds at least its '.' and '..' records (ECMA-119 §6.8.2.2)")
		return queue
	}
	if d.size > maxDirBytes {
		c.add(Error, d.recOff, w.sdDir, d.path, "data length %d bytes; directories larger than %d bytes are not checked", d.size, maxDirBytes)
		return queue
	}
	if d.size%BlockSize != 0 {
		c.add(Warning, d.recOff, w.sdDir, d.path, "data length %d is not a multiple of the block size (ECMA-119 §6.8.1.1)", d.size)
	}
	n := int(d.size)
	if !c.checkExtent(d.recOff, w.sdDir, d.path, "directory extent", d.extent, 0, d.size) {
		if uint64(d.extent)+uint64((d.size+BlockSize-1)/BlockSize) > uint64(c.vol) {
			return queue
		}
		// Truncated: check the blocks that are there.
		n = int(max(0, (c.size-off)/BlockSize*BlockSize))
		if n == 0 {
			return queue
		}
	}
	c.addExtent(extent{start: off, end: off + int64(d.size), kind: kindDir, what: w.sdDir, path: d.path, off: d.recOff})
	data, err := c.read(off, n)
	if err != nil {
		return queue
	}
	c.progress(int64(len(data)), 0)

	var (
		idx     int    // records seen
		prev    []byte // previous identifier (after ".."), for §9.3 order
		prevFl  byte
		prevOff int64
		order   = newSortCheck(dirRules(w.h.kind))
		pending []byte // identifier of an unfinished multi-extent file
		pendOff int64
		names   map[string]bool // Rock Ridge names
	)
	if w.h.susp {
		names = map[string]bool{}
	}
	for pos := 0; pos < len(data); {
		blockEnd := min((pos/BlockSize+1)*BlockSize, len(data))
		l := int(data[pos])
		roff := off + int64(pos)
		if l == 0 {
			pos = blockEnd // the rest of the block is unused (§6.8.1.1)
			continue
		}
		if l < recordMin {
			c.add(Error, roff, w.sdDir, d.path, "record length %d is less than %d (ECMA-119 §9.1.1); the rest of the block is skipped", l, recordMin)
			pos = blockEnd
			continue
		}
		if pos+l > blockEnd {
			c.add(Error, roff, w.sdDir, d.path, "record of %d bytes crosses a block boundary (ECMA-119 §6.8.1.1); the rest of the block is skipped", l)
			pos = blockEnd
			continue
		}
		pos += l
		if c.records++; c.records > maxRecords {
			c.stop(roff, w.sdDir, d.path, "more than %d directory records", maxRecords)
			return queue
		}
		r, ok := w.decode(data[pos-l:pos], roff, d.path)
		if !ok {
			continue
		}
		idx++
		path := d.path
		single := len(r.ident) == 1 && r.ident[0] <= 1
		if !single || idx > 2 {
			path = joinPath(d.path, display(r.ident, w.ucs2))
		}
		var su suspInfo
		if w.h.susp || (w.h.kind == hierPrimary && num == 1 && idx == 1) {
			su = w.checkSUSP(&r, path, num == 1 && idx == 1)
		}
		switch {
		case idx == 1:
			w.dot(r, d)
			continue
		case idx == 2:
			w.dotdot(r, d, su)
			continue
		case single:
			c.add(Error, roff, w.sdRec, d.path, "a '.' or '..' record (identifier 0x%02X) that is not among the first two records (ECMA-119 §6.8.2.2)", r.ident[0])
			continue
		}
		if !w.ident(r, path) {
			continue
		}
		if su.name != "" && names != nil {
			if names[su.name] {
				c.add(Error, r.suOff, w.sdRec, path, "Rock Ridge name %q is used twice in the directory (RRIP 1.12 §4.1.4)", su.name)
			}
			names[su.name] = true
		}
		cont := pending != nil && bytes.Equal(r.ident, pending)
		if pending != nil && !cont {
			c.add(Error, pendOff, w.sdRec, joinPath(d.path, display(pending, w.ucs2)), "multi-extent file has no final record: the next record names another file (ECMA-119 §6.5.1, §9.1.6 bit 7)")
		}
		if prev != nil && !cont {
			// ECMA-119 §6.8.1.2, §9.3; for Joliet, see sortRule.
			if why := order.next(units(prev, w.ucs2), units(r.ident, w.ucs2), roff); why != "" {
				c.add(Error, roff, w.sdRec, path, "out of order: it follows %q, %s", display(prev, w.ucs2), why)
			} else if bytes.Equal(prev, r.ident) && (prevFl|r.flags)&flagAssociated == 0 {
				c.add(Error, roff, w.sdRec, path, "a second record with the identifier %q, the first at byte %d: a reader that goes by these identifiers sees one file of the two (ECMA-119 §9.3)", display(prev, w.ucs2), prevOff)
			}
		}
		prev, prevFl, prevOff = r.ident, r.flags, roff
		pending = nil
		if r.flags&flagMulti != 0 {
			pending, pendOff = r.ident, roff
			if r.flags&flagDir != 0 {
				c.add(Error, roff, w.sdRec, path, "a directory with the multi-extent flag (ECMA-119 §9.1.6: directories are recorded in one extent)")
				pending = nil
			} else if r.size%BlockSize != 0 {
				c.add(Error, roff, w.sdRec, path, "a multi-extent file's non-final extent of %d bytes is not a whole number of blocks (ECMA-119 §6.5.1)", r.size)
			}
		}
		if r.flags&flagDir == 0 {
			if !cont && r.flags&flagAssociated == 0 {
				w.files++
			}
			w.file(r, path)
			continue
		}
		// A subdirectory.
		if r.size == 0 {
			c.add(Error, roff, w.sdRec, path, "directory with data length 0 (ECMA-119 §6.8.2.2)")
			continue
		}
		if prevPath, seen := w.visited[r.extent]; seen {
			what := "is also the extent of"
			if prevPath == "/" || len(path) > len(prevPath) && path[:len(prevPath)+1] == prevPath+"/" || prevPath == d.path {
				what = "directory loop: it is the extent of its ancestor"
			}
			c.add(Error, roff, w.sdRec, path, "%s %s (block %d); not followed (ECMA-119 §6.8.2)", what, prevPath, r.extent)
			continue
		}
		if d.depth+1 > maxDepth {
			c.add(Error, roff, w.sdRec, path, "nested more than %d levels; not followed", maxDepth)
			continue
		}
		if len(queue) >= maxDirs {
			c.stop(roff, w.sdRec, path, "more than %d directories", maxDirs)
			return queue
		}
		if d.depth+1 > ecmaMaxDepth && w.h.kind == hierPrimary {
			w.deep.note(roff, path)
		}
		w.visited[r.extent] = path
		queue = append(queue, dirJob{extent: r.extent, size: r.size, path: path, parentExt: d.extent, parentNum: num,
			depth: d.depth + 1, ident: r.ident, recOff: roff})
		c.progress(0, int64(r.size))
	}
	if pending != nil {
		c.add(Error, pendOff, w.sdRec, joinPath(d.path, display(pending, w.ucs2)), "multi-extent file has no final record: the directory ends (ECMA-119 §6.5.1, §9.1.6 bit 7)")
	}
	if idx < 2 {
		c.add(Error, off, w.sdDir, d.path, "has %d records; the '.' and '..' records are missing (ECMA-119 §6.8.2.2)", idx)
	}
	return queue
}

// decode checks the fixed fields of a record of length len(b) at off.
func (w *walker) decode(b []byte, off int64, dirPath string) (record, bool) {
	c := w.c
	r := record{off: off, length: len(b), xa: b[1], flags: b[25], unit: b[26], gap: b[27]}
	nl := int(b[32])
	if 33+nl > len(b) || nl == 0 {
		c.add(Error, off, w.sdRec, dirPath, "identifier length %d does not fit the record length %d (ECMA-119 §9.1.10)", nl, len(b))
		return r, false
	}
	r.ident = b[33 : 33+nl]
	path := dirPath
	if nl != 1 || r.ident[0] > 1 {
		path = joinPath(dirPath, display(r.ident, w.ucs2))
	}
	var ok bool
	if r.extent, ok = both32(b[2:]); !ok {
		c.add(Error, off+2, w.sdRec, path, "both-byte-order location of extent disagrees: little-endian %d, big-endian %d (ECMA-119 §7.3.3, §9.1.3)", r.extent, binary.BigEndian.Uint32(b[6:]))
	}
	if r.size, ok = both32(b[10:]); !ok {
		c.add(Error, off+10, w.sdRec, path, "both-byte-order data length disagrees: little-endian %d, big-endian %d (ECMA-119 §7.3.3, §9.1.4)", r.size, binary.BigEndian.Uint32(b[14:]))
	}
	if v, ok := both16(b[28:]); !ok {
		c.add(Error, off+28, w.sdRec, path, "both-byte-order volume sequence number disagrees: little-endian %d, big-endian %d (ECMA-119 §7.2.3, §9.1.9)", v, binary.BigEndian.Uint16(b[30:]))
	}
	if t := b[18:25]; t[1] > 12 || t[2] > 31 || t[3] > 23 || t[4] > 59 || t[5] > 59 || int8(t[6]) < -48 || int8(t[6]) > 52 {
		w.dates.note(off+18, path)
	}
	if r.flags&flagReserved != 0 {
		c.add(Warning, off+25, w.sdRec, path, "reserved file flag bits 5-6 set (0x%02X) (ECMA-119 §9.1.6)", r.flags)
	}
	if r.flags&flagRecord != 0 && r.xa == 0 {
		c.add(Warning, off+25, w.sdRec, path, "the record flag is set but there is no extended attribute record (ECMA-119 §9.1.6 bit 3)")
	}
	su := 33 + nl
	if nl%2 == 0 {
		su++ // padding field (§9.1.12)
	}
	if su <= len(b) {
		r.su, r.suOff = b[su:], off+int64(su)
	}
	return r, true
}

// dot checks the '.' record of directory d (ECMA-119 §6.8.2.2, §9.1.11).
func (w *walker) dot(r record, d dirJob) {
	c := w.c
	if len(r.ident) != 1 || r.ident[0] != 0 {
		c.add(Error, r.off, w.sdDir, d.path, "the first record is not the '.' record (identifier 0x00, ECMA-119 §6.8.2.2)")
		return
	}
	if r.flags&flagDir == 0 {
		c.add(Error, r.off+25, w.sdDir, d.path, "the '.' record lacks the directory flag (ECMA-119 §9.1.6)")
	}
	if r.extent != d.extent {
		c.add(Error, r.off+2, w.sdDir, d.path, "the '.' record points to block %d, not to the directory's own extent at block %d (ECMA-119 §6.8.2.2)", r.extent, d.extent)
	}
	if r.size != d.size {
		c.add(Error, r.off+10, w.sdDir, d.path, "the '.' record gives data length %d, the record naming the directory %d (ECMA-119 §9.1.4)", r.size, d.size)
	}
}

// dotdot checks the '..' record: it must name the parent (the root's own
// extent for the root), unless Rock Ridge relocated the directory and a PL
// entry names the original parent (RRIP 1.12 §4.1.5.2).
func (w *walker) dotdot(r record, d dirJob, su suspInfo) {
	c := w.c
	if len(r.ident) != 1 || r.ident[0] != 1 {
		c.add(Error, r.off, w.sdDir, d.path, "the second record is not the '..' record (identifier 0x01, ECMA-119 §6.8.2.2)")
		return
	}
	if r.flags&flagDir == 0 {
		c.add(Error, r.off+25, w.sdDir, d.path, "the '..' record lacks the directory flag (ECMA-119 §9.1.6)")
	}
	if r.extent == d.extent && d.depth > 1 && w.h.kind != hierPrimary {
		// libisofs writes Joliet trees so; readers go by the parent they
		// came from.
		c.add(Warning, r.off+2, w.sdDir, d.path, "the '..' record points to the directory itself (block %d), not to its parent at block %d (ECMA-119 §6.8.2.2)", r.extent, d.parentExt)
	} else if r.extent == d.extent && d.depth > 1 && !su.pl {
		c.add(Error, r.off+2, w.sdDir, d.path, "the '..' record points to block %d, the directory itself, not to its parent at block %d (ECMA-119 §6.8.2.2)", r.extent, d.parentExt)
	} else if r.extent != d.parentExt && !su.pl {
		c.add(Error, r.off+2, w.sdDir, d.path, "the '..' record points to block %d, not to the parent directory at block %d (ECMA-119 §6.8.2.2)", r.extent, d.parentExt)
	}
}

// ident checks an identifier; false means it is unusable (the record is
// not looked at further).
func (w *walker) ident(r record, path string) bool {
	c := w.c
	if w.ucs2 && len(r.ident)%2 != 0 {
		c.add(Error, r.off+32, w.sdRec, path, "identifier of odd length %d in a Joliet hierarchy (Joliet §3: UCS-2)", len(r.ident))
		return false
	}
	u := units(r.ident, w.ucs2)
	for _, x := range u {
		if x == 0 || x == '/' {
			c.add(Error, r.off+33, w.sdRec, path, "identifier contains %s, which no reader can present as a file name", map[bool]string{true: "NUL", false: "'/'"}[x == 0])
			return false
		}
	}
	if dotName(u) {
		c.add(Error, r.off+33, w.sdRec, path, "identifier reads as %q, which names a directory itself or its parent", display(r.ident, w.ucs2))
		return false
	}
	switch w.h.kind {
	case hierPrimary:
		okChars := true
		name, ext, _ := splitIdent(r.ident)
		for _, part := range [][]byte{name, ext} {
			for _, x := range part {
				if !dChars[x] {
					okChars = false
				}
			}
		}
		if i := bytes.LastIndexByte(r.ident, ';'); i >= 0 && r.flags&flagDir == 0 {
			if _, _, v := splitIdent(r.ident); v < 1 || v > 32767 {
				okChars = false // not a version number (§7.5.2)
			}
		}
		if r.flags&flagDir != 0 && len(ext) > 0 {
			okChars = false // §7.6.1: directory identifiers have no SEPARATOR 1
		}
		if !okChars {
			w.chars.note(r.off+33, path)
		}
		if n := len(name) + len(ext); n > 30 || r.flags&flagDir != 0 && len(r.ident) > 31 {
			w.long.note(r.off+33, path)
		}
	case hierJoliet:
		for _, x := range u {
			if x < 0x20 || x == '*' || x == ':' || x == '?' || x == '\\' {
				w.chars.note(r.off+33, path)
				break
			}
		}
		if len(u) > 64 {
			w.long.note(r.off+33, path)
		}
	}
	return true
}

// file checks a file's extent and records it for the overlap check.
func (w *walker) file(r record, path string) {
	c := w.c
	if r.size == 0 && r.xa == 0 {
		return
	}
	if r.unit != 0 || r.gap != 0 {
		// Interleaved (ECMA-119 §6.4.3): the extent is spread out; check
		// only that it starts inside the volume.
		if r.extent >= c.vol {
			c.add(Error, r.off+2, w.sdRec, path, "interleaved file starts at block %d, beyond the volume space of %d blocks", r.extent, c.vol)
		}
		return
	}
	if !c.checkExtent(r.off+2, w.sdRec, path, "file data", r.extent, r.xa, r.size) {
		return
	}
	start := int64(r.extent) * BlockSize
	c.addExtent(extent{start: start, end: start + int64(r.xa)*BlockSize + int64(r.size), kind: kindFile,
		what: w.h.label + "file", path: path, off: r.off})
}
