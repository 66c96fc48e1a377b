package iso9660

// Reading the volume descriptor set (ECMA-119 §8) and choosing the
// directory hierarchy to present.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf16"

	"spindle/iso9660/eltorito"
)

// VolumeDescriptorInfo is what a volume's descriptors record (ECMA-119
// §8.4 primary volume descriptor, §8.5 supplementary, §8.2 boot record,
// §8.6 partition) and which extensions the reader found on it. Strings are
// trimmed of their padding; a zero time means "not specified".
type VolumeDescriptorInfo struct {
	// HighSierra is set for a High Sierra Group volume (the "CDROM"
	// predecessor of ECMA-119); only the identifiers, sizes and root are
	// read from its descriptor.
	HighSierra bool

	SystemID    string // §8.4.5
	VolumeID    string // §8.4.6
	VolumeSetID string // §8.4.19
	Publisher   string // §8.4.20
	Preparer    string // §8.4.21
	Application string // §8.4.22
	// File identifiers of files in the root directory (§8.4.23-25).
	CopyrightFile, AbstractFile, BibliographicFile string
	// Volume dates (§8.4.26-29).
	Created, Modified, Expiration, Effective time.Time

	VolumeSpaceSize      uint32 // §8.4.8, in logical blocks
	VolumeSetSize        uint16 // §8.4.9
	VolumeSequenceNumber uint16 // §8.4.10
	LogicalBlockSize     uint16 // §8.4.12
	PathTableSize        uint32 // §8.4.13, bytes
	FileStructureVersion uint8  // §8.4.31

	// Joliet is the UCS-2 level (1, 2 or 3) of the first supplementary
	// descriptor whose escape sequences are "%/@", "%/C" or "%/E"
	// (Joliet §2.1, ECMA-119 §8.5.6); 0 when there is none.
	Joliet int
	// JolietVolumeID is that descriptor's volume identifier, in UCS-2.
	JolietVolumeID string

	// RockRidge is set when the root's "." record carries an SP entry
	// (SUSP 1.12 §5.3) or an ER entry (SUSP 1.12 §5.5).
	RockRidge bool
	// RockRidgeVersion is RRIP110 when the ER entry identifies
	// "RRIP_1991A" or, without one, when the root's PX entry has the
	// 36-byte RRIP 1.10 form; RRIP112 otherwise. It means nothing when
	// RockRidge is false.
	RockRidgeVersion RRVersion
	// SUSPSkip is the SP entry's LEN_SKP (SUSP 1.12 §5.3): bytes skipped
	// at the start of every System Use field.
	SUSPSkip int
	// Extensions lists the ER entries of the root (SUSP 1.12 §5.5).
	Extensions []ExtensionInfo

	// ElTorito is set when a boot record volume descriptor names the El
	// Torito specification (El Torito 1.0 §2.0); BootCatalog is then the
	// recorded block address of the boot catalog.
	ElTorito    bool
	BootCatalog uint32
	// Partitions counts the volume partition descriptors (§8.6).
	Partitions int
	// Descriptors counts the volume descriptors read, terminator included
	// (§8.1).
	Descriptors int
	// Set lists the volume descriptors in the order recorded (§8.1).
	Set []DescriptorEntry

	// Names is the name space the Image presents (never NamesAuto).
	Names NameView
}

// DescriptorEntry is one volume descriptor of the set (ECMA-119 §8.1).
type DescriptorEntry struct {
	Block   uint32 // where it is recorded
	Type    byte   // §8.1.1: 0 boot record, 1 primary, 2 supplementary, 3 partition, 255 terminator
	Version byte   // §8.1.3 (2 for an ISO 9660:1999 enhanced descriptor)
	// Kind names it: "boot record (El Torito)", "primary", "supplementary
	// (Joliet level 3)", "enhanced", "partition", "terminator", ...
	Kind string
}

// ExtensionInfo is one ER entry (SUSP 1.12 §5.5): the identifier,
// descriptor and source texts of a System Use extension, and its version.
type ExtensionInfo struct {
	ID, Descriptor, Source string
	Version                byte
}

// Volume descriptor types (ECMA-119 §8.1.1).
const (
	rdVDBoot          = 0
	rdVDPrimary       = 1
	rdVDSupplementary = 2
	rdVDPartition     = 3
	rdVDTerminator    = 255
)

// rdDescriptors holds what readDescriptors found.
type rdDescriptors struct {
	primary   []byte // the primary (or High Sierra standard) descriptor
	primOff   int64
	joliet    []byte
	jolietOff int64
}

// readDescriptors reads the descriptor set starting at block
// session+16 (ECMA-119 §6.2.1, §8.1) up to the terminator, at most
// readMaxDescriptors of them.
func (im *Image) readDescriptors(session int64) (*rdDescriptors, error) {
	var ds rdDescriptors
	start := (session + 16) * BlockSize
	for i := 0; i < readMaxDescriptors; i++ {
		off := start + int64(i)*BlockSize
		if off+BlockSize > im.size {
			if ds.primary != nil {
				break // no terminator before the end: take what we have
			}
			if i == 0 {
				return nil, rdFormatErr(off, "volume descriptor", "the %d-byte image ends before block %d, where the volume descriptors begin", im.size, off/BlockSize)
			}
			return nil, rdFormatErr(off, "volume descriptor set", "the image ends after %d descriptors without a primary volume descriptor", i)
		}
		b, err := im.readAt(off, BlockSize, "volume descriptor")
		if err != nil {
			return nil, err
		}
		if i == 0 && string(b[1:6]) != "CD001" && string(b[9:14]) == "CDROM" {
			// High Sierra: an 8-byte block number, then type and "CDROM".
			im.hs = true
			im.vol.HighSierra = true
		}
		typ, id := b[0], string(b[1:6])
		if im.hs {
			typ, id = b[8], string(b[9:14])
		}
		if id != "CD001" && id != "CDROM" || im.hs != (id == "CDROM") {
			if i == 0 {
				return nil, rdFormatErr(off, "volume descriptor", "no ECMA-119 volume descriptor: %s", rdForeign(b))
			}
			// ECMA-119 §8.1: the set ends with a terminator; a block
			// that is not a descriptor ends it too (Linux stops there).
			break
		}
		im.vol.Descriptors++
		im.vol.Set = append(im.vol.Set, DescriptorEntry{Block: uint32(off / BlockSize), Type: typ, Version: b[6], Kind: rdDescriptorKind(typ, b, im.hs)})
		switch typ {
		case rdVDPrimary:
			if ds.primary == nil {
				ds.primary, ds.primOff = b, off
			}
		case rdVDSupplementary:
			if im.hs {
				break
			}
			if lvl := rdJolietLevel(b); lvl > 0 && ds.joliet == nil && b[6] == 1 {
				ds.joliet, ds.jolietOff = b, off
				im.vol.Joliet = lvl
				im.vol.JolietVolumeID = rdUCS2String(b[40:72])
			}
		case rdVDBoot:
			if lba, err := eltorito.ParseBootRecord(b); err == nil && !im.vol.ElTorito {
				im.vol.ElTorito = true
				im.vol.BootCatalog = lba
			}
		case rdVDPartition:
			im.vol.Partitions++
		case rdVDTerminator:
			i = readMaxDescriptors // done
		}
	}
	if ds.primary == nil {
		return nil, rdFormatErr(start, "volume descriptor set", "no primary volume descriptor among %d descriptors", im.vol.Descriptors)
	}
	if err := im.parsePrimary(ds.primary, ds.primOff); err != nil {
		return nil, err
	}
	return &ds, nil
}

// rdDescriptorKind names a volume descriptor for listings.
func rdDescriptorKind(typ byte, b []byte, hs bool) string {
	switch typ {
	case rdVDBoot:
		if !hs {
			if _, err := eltorito.ParseBootRecord(b); err == nil {
				return "boot record (El Torito)"
			}
			return fmt.Sprintf("boot record (%q)", strings.TrimRight(string(b[7:39]), " \x00"))
		}
		return "boot record"
	case rdVDPrimary:
		return "primary"
	case rdVDSupplementary:
		if hs {
			return "secondary"
		}
		if b[6] == 2 {
			return "enhanced (ISO 9660:1999)"
		}
		if lvl := rdJolietLevel(b); lvl > 0 {
			return fmt.Sprintf("supplementary (Joliet level %d)", lvl)
		}
		return "supplementary"
	case rdVDPartition:
		return "partition"
	case rdVDTerminator:
		return "terminator"
	}
	return fmt.Sprintf("type %d", typ)
}

// rdForeign says what a block that is not an ECMA-119 descriptor
// looks like, for the error message.
func rdForeign(b []byte) string {
	switch id := string(b[1:6]); id {
	case "BEA01", "NSR02", "NSR03", "TEA01", "BOOT2":
		return fmt.Sprintf("found UDF volume recognition descriptor %q (ECMA-167) but no ISO 9660 file system", id)
	}
	if bytes.Count(b, []byte{0}) == len(b) {
		return "the block is all zeros"
	}
	return fmt.Sprintf("standard identifier %q, want \"CD001\"", b[1:6])
}

// rdJolietLevel returns the UCS-2 level of a supplementary volume
// descriptor's escape sequences (ECMA-119 §8.5.6; Joliet §2.1: "%/@",
// "%/C", "%/E"), or 0.
func rdJolietLevel(b []byte) int {
	esc := b[88:120]
	for i := 0; i+3 <= len(esc); i++ {
		if esc[i] != '%' || esc[i+1] != '/' {
			continue
		}
		switch esc[i+2] {
		case '@':
			return 1
		case 'C':
			return 2
		case 'E':
			return 3
		}
	}
	return 0
}

// parsePrimary reads the fields of the primary volume descriptor (ECMA-119
// §8.4) or the High Sierra standard file structure descriptor.
func (im *Image) parsePrimary(b []byte, off int64) error {
	v := &im.vol
	bsAt := 128
	if im.hs {
		bsAt = 136
		v.SystemID = rdString(b[16:48])
		v.VolumeID = rdString(b[48:80])
		v.VolumeSpaceSize = binary.LittleEndian.Uint32(b[88:92])
		v.VolumeSetSize = binary.LittleEndian.Uint16(b[128:130])
		v.VolumeSequenceNumber = binary.LittleEndian.Uint16(b[132:134])
		v.PathTableSize = binary.LittleEndian.Uint32(b[140:144])
	} else {
		v.SystemID = rdString(b[8:40])
		v.VolumeID = rdString(b[40:72])
		v.VolumeSpaceSize = binary.LittleEndian.Uint32(b[80:84])
		v.VolumeSetSize = binary.LittleEndian.Uint16(b[120:122])
		v.VolumeSequenceNumber = binary.LittleEndian.Uint16(b[124:126])
		v.PathTableSize = binary.LittleEndian.Uint32(b[132:136])
		v.VolumeSetID = rdString(b[190:318])
		v.Publisher = rdString(b[318:446])
		v.Preparer = rdString(b[446:574])
		v.Application = rdString(b[574:702])
		v.CopyrightFile = rdString(b[702:739])
		v.AbstractFile = rdString(b[739:776])
		v.BibliographicFile = rdString(b[776:813])
		v.Created = rdVolumeTime(b[813:830])
		v.Modified = rdVolumeTime(b[830:847])
		v.Expiration = rdVolumeTime(b[847:864])
		v.Effective = rdVolumeTime(b[864:881])
		v.FileStructureVersion = b[881]
	}
	v.LogicalBlockSize = binary.LittleEndian.Uint16(b[bsAt:])
	switch v.LogicalBlockSize {
	case 512, 1024, 2048:
		// ECMA-119 §6.1.2: 2^(n+9) bytes, at most the sector size.
		im.bs = int64(v.LogicalBlockSize)
	case 0:
		im.bs = BlockSize // some writers leave it empty
	default:
		return rdFormatErr(off+int64(bsAt), "primary volume descriptor", "logical block size %d is not 512, 1024 or 2048", v.LogicalBlockSize)
	}
	return nil
}

// rdString returns an a- or d-character field (ECMA-119 §7.4) without its
// space (or, from careless writers, NUL) padding.
func rdString(b []byte) string {
	return rdLatin1(bytes.TrimRight(b, " \x00"))
}

// rdUCS2String decodes a big-endian UCS-2 field (Joliet §2.1) without its
// padding.
func rdUCS2String(b []byte) string {
	return strings.TrimRight(rdDecodeUCS2(b), " \x00")
}

// rdVolumeTime decodes a 17-byte volume descriptor date (ECMA-119 §8.4.26.1);
// "not specified" and dates that do not decode give the zero time.
func rdVolumeTime(b []byte) time.Time {
	t, err := rrParseLongTime(b)
	if err != nil {
		// A zone offset out of range is ignored, as Linux does.
		c := append([]byte(nil), b...)
		c[16] = 0
		if t, err = rrParseLongTime(c); err != nil {
			return time.Time{}
		}
	}
	return t
}

// chooseView picks the hierarchy for the requested view, reads the root's
// "." record and detects Rock Ridge on it (SUSP 1.12 §5.3).
func (im *Image) chooseView(ds *rdDescriptors, want NameView) error {
	prim, err := im.rootEntry(ds.primary, ds.primOff)
	if err != nil {
		return err
	}
	rrFound, err := im.detectRockRidge(prim)
	if err != nil && (want == NamesAuto || want == NamesRockRidge) {
		return err // a view without Rock Ridge can do without it
	}
	view := want
	switch want {
	case NamesAuto:
		switch {
		case rrFound:
			view = NamesRockRidge
		case ds.joliet != nil:
			view = NamesJoliet
		default:
			view = NamesPlain
		}
	case NamesRockRidge:
		if !rrFound {
			return fmt.Errorf("%w: no Rock Ridge (no SUSP SP or ER entry in the root directory)", ErrNoExtension)
		}
	case NamesJoliet:
		if ds.joliet == nil {
			return fmt.Errorf("%w: no Joliet supplementary volume descriptor", ErrNoExtension)
		}
	}
	im.view = view
	im.vol.Names = view
	im.rr = view == NamesRockRidge
	if view == NamesJoliet {
		jr, err := im.rootEntry(ds.joliet, ds.jolietOff)
		if err != nil {
			return err
		}
		im.root = jr
	} else {
		im.root = prim
	}
	im.dirOwner[im.root.dirOff] = -1 // no record may claim the root's extent
	// The root's attributes come from its own "." record (ECMA-119
	// §6.8.2.2; with Rock Ridge, its PX and TF entries).
	// A damaged root directory still opens: ReadDir gives what could be
	// read of it, with the error.
	d, err := im.list(im.root)
	if d == nil {
		return err
	}
	if d.self != nil && d.self.bad == nil && d.self.dirOff == im.root.dirOff {
		self := *d.self
		self.Name = "."
		im.root = &self
	}
	im.root.Name = "."
	return nil
}

// rootEntry decodes the root directory record of a volume descriptor
// (ECMA-119 §8.4.18; High Sierra keeps it at offset 180).
func (im *Image) rootEntry(vd []byte, vdOff int64) (*rdEntry, error) {
	at := 156
	if im.hs {
		at = 180
	}
	rec := vd[at : at+34]
	r, err := im.parseRecord(rec, vdOff+int64(at), true)
	if err != nil {
		return nil, err
	}
	if r.flags&rdFlagDir == 0 {
		return nil, rdFormatErr(vdOff+int64(at), "root directory record", "not flagged as a directory")
	}
	e := &rdEntry{}
	e.Name = "."
	e.Mode = rdDirMode
	e.Nlink = 1
	e.Record = vdOff + int64(at)
	e.RecordTime, e.ModTime, e.AccessTime, e.ChangeTime = r.date, r.date, r.date, r.date
	if err := im.setDirExtent(e, r); err != nil {
		return nil, err
	}
	return e, nil
}

// detectRockRidge looks for the SP entry at the start of the System Use
// field of the root's "." record (SUSP 1.12 §5.3), and for it 14 bytes in,
// behind CD-XA attributes, as Linux does; then for ER entries (SUSP 1.12
// §5.5) in the record and its continuation areas.
func (im *Image) detectRockRidge(root *rdEntry) (bool, error) {
	if root.dirSize == 0 {
		return false, nil
	}
	n := min(root.dirSize, BlockSize-root.dirOff%BlockSize)
	b, err := im.readAt(root.dirOff, n, "root directory")
	if err != nil {
		return false, err
	}
	if b[0] < 34 || int64(b[0]) > n || b[32] != 1 || b[33] != 0 {
		return false, nil // no "." record first
	}
	rec := b[:b[0]]
	su := rdSystemUse(rec)
	skip := -1
	for _, at := range []int{0, 14} {
		if len(su) >= at+7 && string(su[at:at+2]) == "SP" {
			if s, err := decodeSP(su[at : at+7]); err == nil {
				im.vol.SUSPSkip = int(s)
				skip = at
				break
			}
		}
	}
	budget := int64(readMaxSUSPPerDir)
	entries, err := im.suspEntries(rec, root.dirOff, max(skip, 0), &budget)
	if err != nil {
		if skip < 0 {
			return false, nil // not SUSP after all
		}
		return false, err
	}
	for _, se := range entries {
		switch se.Sig {
		case "ER":
			id, desc, src, ver, err := decodeER(se.encode())
			if err != nil {
				continue
			}
			im.vol.Extensions = append(im.vol.Extensions, ExtensionInfo{ID: id, Descriptor: desc, Source: src, Version: ver})
		case "PX":
			if len(se.Data) == rrPXLen110-suspHeaderLen {
				im.vol.RockRidgeVersion = RRIP110
			}
		}
	}
	for _, x := range im.vol.Extensions {
		switch x.ID {
		case rrip110ExtID:
			im.vol.RockRidgeVersion = RRIP110
		case rrip112ExtID, "IEEE_1282":
			im.vol.RockRidgeVersion = RRIP112
		}
	}
	im.vol.RockRidge = skip >= 0 || len(im.vol.Extensions) > 0
	if im.vol.RockRidge {
		// LEN_SKP applies to every other record; the root's own SP
		// position already accounts for CD-XA data before it.
		// With SP behind CD-XA data (skip 14), every record has that
		// data first, whatever LEN_SKP says.
		im.rrSkip = max(im.vol.SUSPSkip, skip)
	}
	return im.vol.RockRidge, nil
}

// readAt reads n bytes at off, which must lie inside the image; what names
// the structure for the error.
func (im *Image) readAt(off, n int64, what string) ([]byte, error) {
	if off < 0 || n < 0 || off > im.size || n > im.size-off {
		return nil, rdFormatErr(off, what, "%d bytes at byte %d lie outside the %d-byte image", n, off, im.size)
	}
	b := make([]byte, n)
	k, err := im.r.ReadAt(b, off)
	if k == len(b) {
		return b, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return nil, rdFormatErr(off+int64(k), what, "image truncated: read %d of %d bytes", k, n)
	}
	return nil, fmt.Errorf("iso9660: reading %s at byte %d: %w", what, off, err)
}

// blockOffset converts a recorded block address to a byte offset in the
// image, applying the displacement.
func (im *Image) blockOffset(lba int64, at int64, what string) (int64, error) {
	b := lba - im.disp
	if b < 0 {
		return 0, rdFormatErr(at, what, "block %d lies before the displacement of %d blocks", lba, im.disp)
	}
	return b * im.bs, nil
}

// rdDecodeUCS2 decodes big-endian UCS-2/UTF-16 (Joliet §2.2). Unpaired
// surrogates and an odd trailing byte become U+FFFD.
func rdDecodeUCS2(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	s := string(utf16.Decode(u))
	if len(b)%2 != 0 {
		s += "\uFFFD"
	}
	return s
}
