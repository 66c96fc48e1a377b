package isocheck

import (
	"bytes"
	"math/bits"
	"slices"
)

// suspInfo is what the System Use entries of one record say that the
// directory checks need.
type suspInfo struct {
	name string // Rock Ridge name (NM), "" if none
	pl   bool   // PL: the '..' record of a relocated directory
}

// Flags of NM (RRIP 1.12 §4.1.4) and SL component records (§4.1.3.1).
const (
	rrContinue = 1 << 0
	rrCurrent  = 1 << 1
	rrParent   = 1 << 2
	rrRoot     = 1 << 3
)

// maxNameBytes bounds a Rock Ridge name assembled from NM entries.
const maxNameBytes = 1024

// checkSUSP checks the System Use field of record r and the continuation
// areas chained to it (SUSP 1.12 §4, §5), and the Rock Ridge entries in
// them (RRIP 1.12 §4). rootDot marks the root's '.' record, where the SP
// entry says whether SUSP is in use at all (SUSP 1.12 §5.3).
func (w *walker) checkSUSP(r *record, path string, rootDot bool) (info suspInfo) {
	c, h := w.c, w.h
	const sd = "SUSP area"
	area, areaOff := r.su, r.suOff
	if rootDot && !h.susp {
		if len(area) < 4 || area[0] != 'S' || area[1] != 'P' {
			return info // SUSP not in use
		}
		h.susp = true
		if area[2] != 7 || len(area) < 7 {
			c.add(Error, areaOff, sd, path, "SP entry of length %d, want 7 (SUSP 1.12 §5.3)", area[2])
		} else {
			if area[4] != 0xBE || area[5] != 0xEF {
				c.add(Error, areaOff+4, sd, path, "SP check bytes %02X %02X, want BE EF (SUSP 1.12 §5.3)", area[4], area[5])
			}
			h.skip = int(area[6])
		}
	}
	if !rootDot {
		if h.skip > len(area) {
			return info
		}
		area, areaOff = area[h.skip:], areaOff+int64(h.skip)
	}
	var (
		seen    []int64 // continuation areas of this record, for loops
		total   = len(area)
		nm      []byte
		nmOpen  bool // the last NM had CONTINUE
		nmDot   bool
		nmFirst int64 = -1
	)
	for hop := 0; ; hop++ {
		var ce []byte // the CE entry of this area
		var ceOff int64
	entries:
		for p := 0; p+4 <= len(area); {
			e := area[p:]
			eo := areaOff + int64(p)
			if e[0] == 0 && e[1] == 0 && e[2] == 0 {
				break // padding (SUSP 1.12 §4: the field may end with unused bytes)
			}
			sig, l := string(e[:2]), int(e[2])
			if l < 4 {
				c.add(Error, eo+2, sd, path, "%s entry of length %d, less than 4 (SUSP 1.12 §4)", printable(e[:2]), l)
				break
			}
			if p+l > len(area) {
				c.add(Error, eo+2, sd, path, "%s entry of %d bytes runs past the end of its System Use area (%d bytes left, SUSP 1.12 §4)", printable(e[:2]), l, len(area)-p)
				break
			}
			d := e[4:l]
			p += l
			known := true
			switch sig {
			case "SP":
				if !(rootDot && eo == r.suOff) {
					c.add(Warning, eo, sd, path, "SP entry outside the start of the root's first record (SUSP 1.12 §5.3)")
				}
			case "CE":
				if l != 28 {
					c.add(Error, eo, sd, path, "CE entry of length %d, want 28 (SUSP 1.12 §5.1)", l)
					continue
				}
				if ce != nil {
					c.add(Warning, eo, sd, path, "a second CE entry in one System Use area (SUSP 1.12 §5.1); the last is followed")
				}
				ce, ceOff = d, eo
			case "ST":
				break entries
			case "ER":
				if l < 8 || 8+int(d[0])+int(d[1])+int(d[2]) > l {
					c.add(Error, eo, sd, path, "ER entry of length %d does not hold its identifier, descriptor and source (SUSP 1.12 §5.5)", l)
					continue
				}
				if rootDot {
					w.er = append(w.er, string(d[4:4+int(d[0])]))
				}
			case "PD", "ES":
			case "RR":
				w.rr = true
			case "PX":
				w.rr = true
				if l != 36 && l != 44 {
					c.add(Error, eo, sd, path, "PX entry of length %d, want 44 (RRIP 1.12 §4.1.1) or 36 (RRIP 1.10)", l)
				}
			case "PN":
				w.rr = true
				if l != 20 {
					c.add(Error, eo, sd, path, "PN entry of length %d, want 20 (RRIP 1.12 §4.1.2)", l)
				}
			case "SL":
				w.rr = true
				w.checkSL(d, eo, path)
			case "NM":
				w.rr = true
				if l < 5 {
					c.add(Error, eo, sd, path, "NM entry of length %d, less than 5 (RRIP 1.12 §4.1.4)", l)
					continue
				}
				if f := d[0] & (rrCurrent | rrParent); f != 0 {
					// RRIP 1.12 §4.1.4: CURRENT and PARENT name the
					// directory itself ('.') and its parent ('..'),
					// one of them, without name content.
					dotRec := len(r.ident) == 1 && r.ident[0] <= 1
					switch {
					case f == rrCurrent|rrParent:
						c.add(Error, eo+4, sd, path, "NM entry with both the CURRENT and the PARENT flag (RRIP 1.12 §4.1.4)")
					case l > 5:
						c.add(Error, eo+4, sd, path, "NM entry with the %s flag has %d bytes of name content, want none (RRIP 1.12 §4.1.4)", map[bool]string{true: "CURRENT", false: "PARENT"}[f == rrCurrent], l-5)
					case !dotRec:
						c.add(Error, eo+4, sd, path, "NM entry with the %s flag in a record that is not a '.' or '..' record: it names the file after a directory itself or its parent (RRIP 1.12 §4.1.4)", map[bool]string{true: "CURRENT", false: "PARENT"}[f == rrCurrent])
					}
					nmDot = true
					continue
				}
				if nmFirst < 0 {
					nmFirst = eo
				} else if !nmOpen {
					c.add(Error, eo, sd, path, "a second NM entry after one without the CONTINUE flag (RRIP 1.12 §4.1.4)")
				}
				if len(nm)+len(d)-1 > maxNameBytes {
					c.add(Error, eo, sd, path, "Rock Ridge name longer than %d bytes", maxNameBytes)
					nm, nmOpen = nil, false
					continue
				}
				nm = append(nm, d[1:]...)
				nmOpen = d[0]&rrContinue != 0
			case "CL", "PL":
				w.rr = true
				if l != 12 {
					c.add(Error, eo, sd, path, "%s entry of length %d, want 12 (RRIP 1.12 §4.1.5)", sig, l)
					continue
				}
				loc, ok := both32(d)
				if !ok {
					c.add(Error, eo+4, sd, path, "%s entry's both-byte-order location disagrees (RRIP 1.12 §4.1.5, ECMA-119 §7.3.3)", sig)
					continue
				}
				if !c.checkExtent(eo+4, sd, path, sig+" target directory", loc, 0, BlockSize) {
					continue
				}
				if sig == "PL" {
					info.pl = true
				} else {
					w.cl = append(w.cl, clRef{target: loc, off: eo, path: path})
				}
			case "RE":
				w.rr = true
			case "TF":
				w.rr = true
				if l < 5 {
					c.add(Error, eo, sd, path, "TF entry of length %d, less than 5 (RRIP 1.12 §4.1.6)", l)
					continue
				}
				stamp := 7
				if d[0]&0x80 != 0 {
					stamp = 17
				}
				if want := 5 + bits.OnesCount8(d[0]&0x7F)*stamp; l != want {
					c.add(Error, eo, sd, path, "TF entry of length %d, but its flags 0x%02X call for %d (RRIP 1.12 §4.1.6)", l, d[0], want)
				}
			case "SF":
				w.rr = true
			default:
				known = false
			}
			if known && e[3] != 1 {
				c.add(Warning, eo+3, sd, path, "%s entry version %d, want 1 (SUSP 1.12 §4)", sig, e[3])
			}
		}
		if ce == nil {
			break
		}
		// Follow the continuation area (SUSP 1.12 §5.1).
		blk, ok1 := both32(ce[0:])
		offset, ok2 := both32(ce[8:])
		length, ok3 := both32(ce[16:])
		if !ok1 || !ok2 || !ok3 {
			c.add(Error, ceOff, sd, path, "CE entry's both-byte-order fields disagree (SUSP 1.12 §5.1, ECMA-119 §7.3.3)")
			break
		}
		if hop+1 > maxCE {
			c.add(Error, ceOff, sd, path, "more than %d continuation areas chained to one record", maxCE)
			break
		}
		if length == 0 {
			c.add(Warning, ceOff, sd, path, "CE entry names a continuation area of length 0 (SUSP 1.12 §5.1)")
			break
		}
		loc := int64(blk)*BlockSize + int64(offset)
		if slices.Contains(seen, loc) || loc == r.suOff {
			c.add(Error, ceOff, sd, path, "continuation area loop: the CE entry leads back to byte %d (SUSP 1.12 §5.1)", loc)
			break
		}
		if int64(total)+int64(length) > maxSUSPBytes {
			c.add(Error, ceOff, sd, path, "System Use entries of more than %d bytes for one record", maxSUSPBytes)
			break
		}
		if offset >= BlockSize || int64(offset)+int64(length) > BlockSize {
			c.add(Warning, ceOff, sd, path, "continuation area at byte %d of block %d, %d bytes long, crosses a block boundary (SUSP 1.12 §5.1; Linux ignores such areas)", offset, blk, length)
		}
		if !c.checkExtent(ceOff+4, "continuation area", path, "continuation area", blk, 0, uint32(min(uint64(offset)+uint64(length), 1<<32-1))) {
			break
		}
		seen = append(seen, loc)
		total += int(length)
		if k := [2]int64{loc, int64(length)}; !c.ceSeen[k] {
			c.ceSeen[k] = true
			c.addExtent(extent{start: loc, end: loc + int64(length), kind: kindCE, what: "continuation area", path: path, off: ceOff})
		}
		var err error
		if area, err = c.read(loc, int(length)); err != nil {
			return info
		}
		areaOff = loc
	}
	if nmOpen {
		c.add(Error, nmFirst, sd, path, "the last NM entry has the CONTINUE flag but no NM follows (RRIP 1.12 §4.1.4)")
	}
	if nmFirst >= 0 && !nmDot {
		switch {
		case len(nm) == 0:
			c.add(Error, nmFirst, sd, path, "empty Rock Ridge name (RRIP 1.12 §4.1.4)")
		case bytes.IndexByte(nm, '/') >= 0 || bytes.IndexByte(nm, 0) >= 0:
			c.add(Error, nmFirst, sd, path, "Rock Ridge name %q contains '/' or NUL (RRIP 1.12 §4.1.4)", nm)
		case string(nm) == "." || string(nm) == "..":
			c.add(Error, nmFirst, sd, path, "Rock Ridge name %q names a directory itself or its parent (RRIP 1.12 §4.1.4)", nm)
		default:
			if len(nm) > 255 {
				c.add(Warning, nmFirst, sd, path, "Rock Ridge name of %d bytes, longer than the 255 most systems allow", len(nm))
			}
			info.name = string(nm)
		}
	}
	return info
}

// checkSL checks the component records of an SL entry's data d (RRIP 1.12
// §4.1.3, §4.1.3.1).
func (w *walker) checkSL(d []byte, off int64, path string) {
	c := w.c
	const sd = "SUSP area"
	if len(d) < 1 {
		c.add(Error, off, sd, path, "SL entry without a flags byte (RRIP 1.12 §4.1.3)")
		return
	}
	for p := 1; p < len(d); {
		if p+2 > len(d) {
			c.add(Error, off+4+int64(p), sd, path, "SL component record header runs past the entry (RRIP 1.12 §4.1.3.1)")
			return
		}
		fl, n := d[p], int(d[p+1])
		if p+2+n > len(d) {
			c.add(Error, off+4+int64(p), sd, path, "SL component of %d bytes runs past the entry (RRIP 1.12 §4.1.3.1)", n)
			return
		}
		comp := d[p+2 : p+2+n]
		switch {
		case fl&^(rrContinue|rrCurrent|rrParent|rrRoot) != 0:
			c.add(Warning, off+4+int64(p), sd, path, "SL component flags 0x%02X use reserved or deprecated bits (RRIP 1.12 §4.1.3.1)", fl)
		case fl&(rrCurrent|rrParent|rrRoot) != 0 && n != 0:
			c.add(Warning, off+4+int64(p), sd, path, "SL component with flags 0x%02X has %d content bytes, want 0 (RRIP 1.12 §4.1.3.1)", fl, n)
		case bytes.IndexByte(comp, '/') >= 0 || bytes.IndexByte(comp, 0) >= 0:
			c.add(Error, off+4+int64(p), sd, path, "SL component %q contains '/' or NUL (RRIP 1.12 §4.1.3.1)", comp)
		}
		p += 2 + n
	}
}

// printable renders a signature for a message.
func printable(b []byte) string { return display(b, false) }
