package isocheck

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"spindle/iso9660/eltorito"
)

// Volume descriptor types (ECMA-119 §8.1.1).
const (
	vdBoot       = 0
	vdPrimary    = 1
	vdSupplement = 2
	vdPartition  = 3
	vdTerminator = 255
)

// Kinds of directory hierarchy.
const (
	hierPrimary = iota
	hierJoliet
	hierSupplementary // an SVD without Joliet escapes, or an enhanced one (ISO 9660:1999)
)

// hierarchy is one directory hierarchy to check: the primary one or that of
// a supplementary volume descriptor, with its path table fields.
type hierarchy struct {
	kind   int
	label  string // prefix of structure names: "", "Joliet ", "supplementary "
	vdOff  int64
	root   []byte // the descriptor's root directory record (ECMA-119 §8.4.18)
	ptSize uint32
	pt     [4]uint32 // L, optional L, M, optional M (§8.4.14-17)
	susp   bool      // SUSP in use (SP in the root's "." record, SUSP §5.3)
	skip   int       // SUSP LEN_SKP
}

// both32 decodes a 32-bit both-byte-order field (ECMA-119 §7.3.3): the
// little-endian value, and whether the big-endian half agrees.
func both32(b []byte) (uint32, bool) {
	le := binary.LittleEndian.Uint32(b)
	return le, le == binary.BigEndian.Uint32(b[4:])
}

// both16 decodes a 16-bit both-byte-order field (ECMA-119 §7.2.3).
func both16(b []byte) (uint16, bool) {
	le := binary.LittleEndian.Uint16(b)
	return le, le == binary.BigEndian.Uint16(b[2:])
}

// checkDescriptors reads the volume descriptor set (ECMA-119 §6.7.1, §8)
// from block SessionStart+16 to its terminator, checks every descriptor,
// the image's size against the volume space size, and the El Torito boot
// catalog, and returns the hierarchies to check.
func (c *checker) checkDescriptors() ([]*hierarchy, error) {
	first := (int64(c.opt.SessionStart) + 16) * BlockSize
	b, err := c.read(first, BlockSize)
	if err != nil {
		return nil, err
	}
	if len(b) < BlockSize {
		return nil, fmt.Errorf("%w: the image ends at byte %d, before the volume descriptor set at byte %d", ErrNotISO, c.size, first)
	}
	if string(b[1:6]) != "CD001" {
		if string(b[9:14]) == "CDROM" {
			return nil, fmt.Errorf("%w: a High Sierra volume (byte %d), not ECMA-119", ErrNotISO, first)
		}
		return nil, fmt.Errorf("%w: no volume descriptor at byte %d", ErrNotISO, first)
	}
	const sdVDS = "volume descriptor set"
	var hs []*hierarchy
	var pvd *hierarchy
	seenPVD := false
	var boots []int64
	var svdSizes []int64 // offsets of SVDs, to compare their volume space size
	end := first
	terminated := false
	for i := 0; i < maxDescriptors && !terminated; i++ {
		off := first + int64(i)*BlockSize
		if i > 0 {
			if b, err = c.read(off, BlockSize); err != nil {
				return nil, err
			}
		}
		if len(b) < BlockSize {
			c.add(Error, off, sdVDS, "", "the image ends inside the volume descriptor set, before its terminator (truncated image)")
			break
		}
		if string(b[1:6]) != "CD001" {
			c.add(Error, off, sdVDS, "", "block %d holds no volume descriptor (standard identifier %q), and no terminator came before it (ECMA-119 §8.3)", off/BlockSize, b[1:6])
			break
		}
		end = off + BlockSize
		switch t := b[0]; t {
		case vdTerminator:
			terminated = true
			c.checkVersion(b, off, "volume descriptor set terminator", 1)
			if !allZero(b[7:]) {
				c.add(Warning, off+7, "volume descriptor set terminator", "", "reserved bytes 8-2048 are not zero (ECMA-119 §8.3.4)")
			}
		case vdPrimary:
			if seenPVD {
				c.add(Warning, off, "primary volume descriptor", "", "a second primary volume descriptor; only the first is checked")
				continue
			}
			seenPVD = true
			if pvd = c.checkVolumeDescriptor(b, off, hierPrimary); pvd != nil {
				hs = append([]*hierarchy{pvd}, hs...)
			}
		case vdSupplement:
			svdSizes = append(svdSizes, off)
			h := c.checkVolumeDescriptor(b, off, hierSupplementary)
			if h == nil {
				continue
			}
			if len(hs) > maxHierarchies {
				c.add(Warning, off, h.label+"volume descriptor", "", "more than %d supplementary volume descriptors; this one is not checked", maxHierarchies)
				continue
			}
			hs = append(hs, h)
		case vdBoot:
			c.checkVersion(b, off, "boot record", 1)
			if bytes.HasPrefix(b[7:39], []byte("EL TORITO SPECIFICATION")) {
				boots = append(boots, off)
			}
		case vdPartition:
			c.checkVersion(b, off, "volume partition descriptor", 1)
		default:
			c.add(Warning, off, "volume descriptor", "", "reserved volume descriptor type %d (ECMA-119 §8.1.1)", t)
		}
	}
	if !terminated && len(b) == BlockSize && string(b[1:6]) == "CD001" {
		c.add(Error, end, sdVDS, "", "no terminator among the first %d volume descriptors (ECMA-119 §8.3)", maxDescriptors)
	}
	c.addExtent(extent{start: first, end: end, kind: kindStructure, what: sdVDS, off: first})
	sys := int64(c.opt.SessionStart) * BlockSize
	c.addExtent(extent{start: sys, end: first, kind: kindStructure, what: "system area", off: sys})
	if !seenPVD {
		c.add(Error, first, sdVDS, "", "no primary volume descriptor (ECMA-119 §6.7.1.1)")
		return nil, nil
	}
	if pvd == nil {
		return nil, nil // a block size other than 2048: nothing more is checked
	}
	hs = dropShared(hs)
	for _, off := range svdSizes {
		vb, err := c.read(off+80, 8)
		if err != nil {
			return nil, err
		}
		if n, _ := both32(vb); n != c.vol {
			c.add(Warning, off+80, "supplementary volume descriptor", "", "volume space size %d differs from the primary volume descriptor's %d (ECMA-119 §8.5.7)", n, c.vol)
		}
	}
	for _, off := range boots {
		if err := c.checkBoot(off); err != nil {
			return nil, err
		}
	}
	return hs, nil
}

// dropShared drops from hs the supplementary hierarchies that are the
// primary one described again. ISO 9660:1999 §8.5 (level 4, as
// genisoimage -iso-level 4 writes it) adds an enhanced volume descriptor,
// a supplementary descriptor of version 2 and file structure version 2
// without escape sequences, and lets it record the same root directory
// and path tables as the primary volume descriptor: the structures are
// then shared, which is not the overlap ECMA-119 §6.4 forbids, and
// checking them a second time would only repeat what the primary
// hierarchy's check says. Only a descriptor that records exactly the
// primary root directory (location and data length) and path table
// fields is dropped; a Joliet one never is (UCS-2 identifiers cannot be
// the primary hierarchy's), nor one sharing only part of the primary
// hierarchy, whose overlaps are reported.
func dropShared(hs []*hierarchy) []*hierarchy {
	if len(hs) == 0 || hs[0].kind != hierPrimary {
		return hs
	}
	p := hs[0]
	out := hs[:1]
	for _, h := range hs[1:] {
		if h.kind == hierSupplementary && string(h.root[2:18]) == string(p.root[2:18]) &&
			h.ptSize == p.ptSize && h.pt == p.pt {
			continue
		}
		out = append(out, h)
	}
	return out
}

// checkVersion checks a descriptor's version byte (ECMA-119 §8.1.2).
func (c *checker) checkVersion(b []byte, off int64, structure string, want byte) {
	if b[6] != want {
		c.add(Warning, off+6, structure, "", "volume descriptor version %d, want %d (ECMA-119 §8.1.2)", b[6], want)
	}
}

// checkVolumeDescriptor checks a primary (ECMA-119 §8.4) or supplementary
// (§8.5) volume descriptor. For the primary one it sets the volume space
// size and checks the image's size against it.
func (c *checker) checkVolumeDescriptor(b []byte, off int64, kind int) *hierarchy {
	h := &hierarchy{kind: kind, vdOff: off, root: append([]byte(nil), b[156:190]...)}
	sd := "primary volume descriptor"
	if kind != hierPrimary {
		esc := b[88:120]
		switch {
		case bytes.HasPrefix(esc, []byte("%/@")), bytes.HasPrefix(esc, []byte("%/C")), bytes.HasPrefix(esc, []byte("%/E")):
			h.kind, h.label = hierJoliet, "Joliet "
			c.rep.Joliet = true
			if !allZero(esc[3:]) {
				c.add(Warning, off+91, "Joliet volume descriptor", "", "escape sequences field holds more than the Joliet escape sequence")
			}
		default:
			h.label = "supplementary "
		}
		sd = h.label + "volume descriptor"
	}
	switch {
	case kind == hierPrimary || h.kind == hierJoliet:
		c.checkVersion(b, off, sd, 1)
		if b[881] != 1 {
			c.add(Warning, off+881, sd, "", "file structure version %d, want 1 (ECMA-119 §8.4.31)", b[881])
		}
	case b[6] != 1 && b[6] != 2: // 2: enhanced volume descriptor (ISO 9660:1999 §8.5.2)
		c.add(Warning, off+6, sd, "", "volume descriptor version %d, want 1 or 2 (ECMA-119 §8.5.2)", b[6])
	}
	if kind == hierPrimary && b[7] != 0 {
		c.add(Warning, off+7, sd, "", "unused byte 8 is 0x%02X, not zero (ECMA-119 §8.4.3)", b[7])
	}
	type field struct {
		at    int
		name  string
		width int // 2 or 4
	}
	for _, f := range []field{{80, "volume space size (§8.4.8)", 4}, {120, "volume set size (§8.4.10)", 2},
		{124, "volume sequence number (§8.4.11)", 2}, {128, "logical block size (§8.4.12)", 2},
		{132, "path table size (§8.4.13)", 4}} {
		ok := true
		var le, be uint32
		if f.width == 4 {
			_, ok = both32(b[f.at:])
			le, be = binary.LittleEndian.Uint32(b[f.at:]), binary.BigEndian.Uint32(b[f.at+4:])
		} else {
			_, ok = both16(b[f.at:])
			le, be = uint32(binary.LittleEndian.Uint16(b[f.at:])), uint32(binary.BigEndian.Uint16(b[f.at+2:]))
		}
		if !ok {
			c.add(Error, off+int64(f.at), sd, "", "both-byte-order field %s disagrees: little-endian %d, big-endian %d (ECMA-119 §7.2.3, §7.3.3)", f.name, le, be)
		}
	}
	vss, _ := both32(b[80:])
	bs, _ := both16(b[128:])
	h.ptSize, _ = both32(b[132:])
	h.pt = [4]uint32{binary.LittleEndian.Uint32(b[140:]), binary.LittleEndian.Uint32(b[144:]),
		binary.BigEndian.Uint32(b[148:]), binary.BigEndian.Uint32(b[152:])}
	if vsn, _ := both16(b[124:]); vsn == 0 {
		c.add(Warning, off+124, sd, "", "volume sequence number 0 (ECMA-119 §8.4.11: 1 or more)")
	}
	if bs != BlockSize {
		c.add(Error, off+128, sd, "", "logical block size %d; only %d-byte blocks are checked (ECMA-119 §6.1.2, §8.4.12)", bs, BlockSize)
		if kind == hierPrimary {
			c.vol, c.rep.Blocks = vss, vss
		}
		return nil
	}
	if kind == hierPrimary {
		c.vol = vss
		c.rep.Blocks = vss
		c.rep.VolumeBytes = int64(vss) * BlockSize
		c.checkSize(off)
		if !validIdent(b[40:72], dChars) {
			c.add(Warning, off+40, sd, "", "volume identifier %q has characters other than d-characters (ECMA-119 §7.4.1, §8.4.6)", trimSpace(b[40:72]))
		}
	}
	if min := (off+BlockSize)/BlockSize + 1; int64(vss) < min {
		c.add(Error, off+80, sd, "", "volume space size %d blocks does not even hold the volume descriptors (%d blocks)", vss, min)
	}
	var bad []string
	for i, name := range []string{"creation", "modification", "expiration", "effective"} {
		if at := 813 + 17*i; !validDate17(b[at : at+17]) {
			bad = append(bad, name)
		}
	}
	if len(bad) > 0 {
		c.add(Warning, off+813, sd, "", "volume %s date not 16 digits and an offset of -48..52 (ECMA-119 §8.4.26.1)", strings.Join(bad, ", "))
	}
	return h
}

// checkSize compares the image's size with the volume space size.
func (c *checker) checkSize(off int64) {
	want := c.rep.VolumeBytes
	switch {
	case c.size < want:
		miss := want - c.size
		c.rep.Truncated, c.rep.MissingBytes = true, miss
		c.add(Error, c.size, "image", "", "truncated: the volume space size (ECMA-119 §8.4.8, byte %d) is %d blocks (%d bytes) but the image has %d bytes: %d bytes (%s blocks) missing",
			off+80, c.vol, want, c.size, miss, blockCount(miss))
	case c.size > want:
		c.rep.PaddingBytes = c.size - want
	}
}

// blockCount formats n bytes as a number of blocks.
func blockCount(n int64) string {
	if n%BlockSize == 0 {
		return fmt.Sprint(n / BlockSize)
	}
	return fmt.Sprintf("%.1f", float64(n)/BlockSize)
}

// checkBoot checks an El Torito boot record (El Torito 1.0 §2.0) and the
// boot catalog it points to: readable, inside the volume, and every boot
// image's load extent inside the volume and the image.
func (c *checker) checkBoot(off int64) error {
	const sd = "boot record"
	b, err := c.read(off, BlockSize)
	if err != nil {
		return err
	}
	lba, perr := eltorito.ParseBootRecord(b)
	if perr != nil {
		c.add(Error, off, sd, "", "%v (El Torito 1.0 §2.0)", perr)
		return nil
	}
	c.rep.ElTorito = true
	if !c.checkExtent(off+0x47, sd, "", "boot catalog", lba, 0, BlockSize) {
		return nil
	}
	catOff := int64(lba) * BlockSize
	// A catalog normally fits in one block; read a few more in case it
	// does not, within the volume.
	n := min(16, int64(c.vol)-int64(lba)) * BlockSize
	cat, err := c.read(catOff, int(n))
	if err != nil {
		return err
	}
	c.addExtent(extent{start: catOff, end: catOff + BlockSize, kind: kindCatalog, what: "boot catalog", off: catOff})
	parsed, perr := eltorito.Parse(cat)
	if perr != nil {
		var pe *eltorito.ParseError
		at := catOff
		if errors.As(perr, &pe) {
			at += int64(pe.Offset)
		}
		c.add(Error, at, "boot catalog", "", "%v (El Torito 1.0 §2)", perr)
		return nil
	}
	for i, e := range parsed.Entries {
		size := uint32(e.SectorCount) * eltorito.VirtualSectorSize
		switch e.Emulation {
		case eltorito.Floppy12:
			size = 1228800
		case eltorito.Floppy144:
			size = 1474560
		case eltorito.Floppy288:
			size = 2949120
		}
		size = max(size, 1)
		c.checkExtent(catOff+int64(catalogRecordOffset(i)), "boot catalog", "", fmt.Sprintf("boot entry %d's load extent", i+1), e.LoadRBA, 0, size)
	}
	return nil
}

// catalogRecordOffset returns the offset in the catalog of entry i's record,
// approximately: entries follow the validation entry, and later ones each
// a section header. It only places problems.
func catalogRecordOffset(i int) int {
	if i == 0 {
		return eltorito.RecordSize
	}
	return (2 + 2*i) * eltorito.RecordSize
}

// dChars are the d-characters (ECMA-119 §7.4.1), written out so that the
// set is static data rather than work at program start.
var dChars = [256]bool{
	'A': true, 'B': true, 'C': true, 'D': true, 'E': true, 'F': true, 'G': true, 'H': true, 'I': true,
	'J': true, 'K': true, 'L': true, 'M': true, 'N': true, 'O': true, 'P': true, 'Q': true, 'R': true,
	'S': true, 'T': true, 'U': true, 'V': true, 'W': true, 'X': true, 'Y': true, 'Z': true,
	'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true,
	'_': true,
}

func validIdent(b []byte, set [256]bool) bool {
	for _, x := range trimSpace(b) {
		if !set[x] {
			return false
		}
	}
	return true
}

func trimSpace(b []byte) []byte { return bytes.TrimRight(b, " ") }

// validDate17 checks a volume descriptor date (ECMA-119 §8.4.26.1): 16
// digits and an offset from GMT in 15-minute steps (-48..52).
func validDate17(b []byte) bool {
	for _, x := range b[:16] {
		if x < '0' || x > '9' {
			return false
		}
	}
	o := int8(b[16])
	return o >= -48 && o <= 52
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
