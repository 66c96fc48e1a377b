package iso9660

// Reading directories: directory records (ECMA-119 §9.1), their placement
// in logical sectors (§6.8.1.1), multi-extent files (§6.5.1), names in the
// three name spaces, and the per-file FileInfo.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// FileInfo describes one file of an Image: what its directory record
// (ECMA-119 §9.1) and, in the Rock Ridge view, its System Use entries
// (RRIP 1.12 §4.1) record. fs.FileInfo.Sys returns a *FileInfo; it is
// shared by all callers and must not be modified.
type FileInfo struct {
	// Name is the file's name in the Image's name view.
	Name string
	// ISOName is the file identifier as recorded (ECMA-119 §9.1.11,
	// version included; Joliet identifiers decoded from UCS-2).
	ISOName string
	// RRName is the Rock Ridge name (RRIP 1.12 §4.1.4 NM) as recorded,
	// byte for byte; empty without one. Name is RRName with bytes that are
	// not UTF-8 read as Latin-1.
	RRName string

	Mode fs.FileMode
	// Size is the content size: the sum of the extents' data lengths
	// (§9.1.4), or the uncompressed size of a zisofs file; for a
	// symbolic link, the length of its target.
	Size int64
	// Extents are where the data is recorded, in order: one per
	// directory record of a multi-extent file (§6.5.1).
	Extents []Extent

	// Attributes from the Rock Ridge PX entry (RRIP 1.12 §4.1.1). Without
	// Rock Ridge, UID and GID are 0 and Nlink 1.
	UID, GID uint32
	Nlink    uint32
	// Serial is the PX file serial number (RRIP 1.12 only; 0 otherwise).
	Serial uint32
	// Ino identifies the file within the Image: names with the same Ino
	// are hard links. A regular file with data is identified by its first
	// extent, other files by their PX serial number, and otherwise by
	// their directory record.
	Ino uint64
	// DevMajor and DevMinor are the PN entry's high and low device
	// numbers (RRIP 1.12 §4.1.2) of a device file.
	DevMajor, DevMinor uint32
	// Target is a symbolic link's target, reassembled from its SL entries
	// (RRIP 1.12 §4.1.3).
	Target string

	// Times from the TF entry (RRIP 1.12 §4.1.6). Modify, access and
	// attribute change fall back to RecordTime, the directory record's
	// date (ECMA-119 §9.1.5); CreationTime is zero when not recorded.
	ModTime, AccessTime, ChangeTime, CreationTime time.Time
	RecordTime                                    time.Time

	// Hidden is the record's Existence flag (ECMA-119 §9.1.6 bit 0): the
	// file need not be shown to users. Such files are listed (as Linux
	// does by default); associated files (bit 2) are not listed.
	Hidden bool
	// Relocated is set for a directory that Rock Ridge moved and that is
	// shown in its original place through a CL entry (RRIP 1.12 §4.1.5.1).
	Relocated bool
	// Zisofs describes the compression of a zisofs file (RRIP "ZF"
	// entry); nil for other files. Reading such a file decompresses it.
	Zisofs *ZisofsInfo
	// Record is the byte offset in the image of the file's (first)
	// directory record.
	Record int64
}

// Extent is one extent of a file's data (ECMA-119 §6.5, §9.1.3-9.1.4).
type Extent struct {
	// LBA is the block address as recorded (before ReadOptions'
	// Displacement is applied). The data begins EARBlocks blocks later,
	// after the extended attribute record (§9.1.2).
	LBA       uint32
	EARBlocks uint8
	// Length is the data length in bytes (§9.1.4).
	Length uint32
	// UnitSize and Gap describe an interleaved extent (§9.1.7, §9.1.8):
	// data in units of UnitSize blocks separated by Gap blocks. Both are
	// zero for a contiguous extent.
	UnitSize, Gap uint8
}

// File flags (ECMA-119 §9.1.6).
const (
	rdFlagHidden = 1 << 0
	rdFlagDir    = 1 << 1
	rdFlagAssoc  = 1 << 2
	rdFlagMulti  = 1 << 7
)

const (
	rdDirMode  = fs.ModeDir | 0o555 // directories without Rock Ridge
	rdFileMode = 0o444              // files without Rock Ridge
)

// rdRecord is a decoded directory record (ECMA-119 §9.1).
type rdRecord struct {
	off   int64 // byte offset in the image
	rec   []byte
	ear   uint8
	lba   uint32
	size  uint32
	date  time.Time
	flags byte
	unit  uint8
	gap   uint8
	ident []byte
}

// parseRecord decodes the directory record b found at image offset off
// (ECMA-119 §9.1; High Sierra has the flags at byte 24 and a 6-byte date).
// The root record of a volume descriptor may claim any length: only its
// 34 bytes are used (libarchive's test images have one of 68).
func (im *Image) parseRecord(b []byte, off int64, fromVD bool) (rdRecord, error) {
	const what = "directory record"
	n := int(b[0])
	if fromVD {
		n = len(b)
	}
	if n < 34 || n > len(b) {
		return rdRecord{}, rdFormatErr(off, what, "length %d is below the minimum of 34", n)
	}
	idLen := int(b[32])
	if idLen == 0 || 33+idLen > n {
		return rdRecord{}, rdFormatErr(off, what, "identifier length %d does not fit the %d-byte record", idLen, n)
	}
	r := rdRecord{
		off:   off,
		rec:   b[:n:n],
		ear:   b[1],
		lba:   binary.LittleEndian.Uint32(b[2:6]),
		size:  binary.LittleEndian.Uint32(b[10:14]),
		flags: b[25],
		unit:  b[26],
		gap:   b[27],
		ident: b[33 : 33+idLen],
	}
	stamp := b[18:25]
	if im.hs {
		r.flags = b[24]
		stamp = append(b[18:24:24], 0)
	}
	r.date = rdRecordTime(stamp)
	return r, nil
}

// rdRecordTime decodes a 7-byte directory record date (ECMA-119 §9.1.5);
// all zeros or an invalid date give the zero time, and an offset from GMT
// outside -48..52 is ignored (as Linux does).
func rdRecordTime(b []byte) time.Time {
	t, err := rrParseShortTime(b)
	if err != nil {
		c := [7]byte(b)
		c[6] = 0
		if t, err = rrParseShortTime(c[:]); err != nil {
			return time.Time{}
		}
	}
	return t
}

// rdSystemUse returns a record's System Use field (ECMA-119 §9.1.13): what
// follows the identifier and its padding byte (§9.1.12).
func rdSystemUse(rec []byte) []byte {
	at := 33 + int(rec[32])
	if rec[32]%2 == 0 {
		at++
	}
	if at >= len(rec) {
		return nil
	}
	return rec[at:]
}

// setDirExtent records where directory e's records are. A block address
// before the displacement makes the directory unreadable (e.bad).
func (im *Image) setDirExtent(e *rdEntry, r rdRecord) error {
	e.Extents = []Extent{{LBA: r.lba, EARBlocks: r.ear, Length: r.size}}
	e.Size = int64(r.size)
	off, err := im.blockOffset(int64(r.lba)+int64(r.ear), r.off, "directory record")
	if err != nil {
		return err
	}
	e.dirOff, e.dirSize = off, int64(r.size)
	return nil
}

// readDir reads the directory whose extent is size bytes at image offset
// off. Records never cross a logical sector boundary; the rest of a sector
// after the last record is zero (ECMA-119 §6.8.1.1).
//
// A damaged directory is read as far as it can be: since no record crosses
// a sector boundary, a malformed record costs only the rest of its sector,
// and a directory cut off by the end of a truncated image keeps the
// sectors inside it. The list then holds what was read, and the error
// (the first problem met) is returned with it and kept in it.
func (im *Image) readDir(off, size int64) (*rdDirList, error) {
	if size > readMaxDirSize {
		return nil, rdFormatErr(off, "directory", "extent of %d bytes exceeds the reader's limit of %d", size, readMaxDirSize)
	}
	buf, firstErr := im.readAt(off, size, "directory")
	if firstErr != nil {
		avail := (im.size - off) / BlockSize * BlockSize
		if off < 0 || avail <= 0 || avail >= size {
			return nil, firstErr
		}
		var err error
		if buf, err = im.readAt(off, avail, "directory"); err != nil {
			return nil, firstErr
		}
	}
	var recs []rdRecord
	for pos := 0; pos < len(buf); {
		abs := off + int64(pos)
		left := int(BlockSize - abs%BlockSize)
		n := int(buf[pos])
		var err error
		switch {
		case n == 0:
			pos += left // padding to the next sector
			continue
		case n > left:
			err = rdFormatErr(abs, "directory record", "the %d-byte record crosses a sector boundary", n)
		case n > len(buf)-pos:
			err = rdFormatErr(abs, "directory record", "the %d-byte record runs past the end of the %d-byte directory", n, size)
		}
		var r rdRecord
		if err == nil {
			r, err = im.parseRecord(buf[pos:pos+n], abs, false)
		}
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			pos += left // the rest of this sector cannot be trusted
			continue
		}
		recs = append(recs, r)
		pos += n
	}

	// Continuation areas read for this directory's records, at most
	// readMaxSUSPPerDir plus 32 bytes per byte of directory, keep the
	// work linear in the directory's size however the areas chain.
	budget := readMaxSUSPPerDir + 32*size
	d := &rdDirList{}
	for i := 0; i < len(recs); i++ {
		r := recs[i]
		if len(r.ident) == 1 && r.ident[0] <= 1 {
			// "." and ".." (ECMA-119 §6.8.2.2, §9.1.11).
			if r.ident[0] == 0 && i == 0 && r.flags&rdFlagDir != 0 {
				d.self = im.selfEntry(r, &budget)
			}
			continue
		}
		// A multi-extent file is recorded as consecutive records with the
		// same identifier, all but the last flagged (ECMA-119 §6.5.1,
		// §9.1.6 bit 7).
		parts := recs[i : i+1]
		if r.flags&rdFlagDir == 0 {
			for j := i; j+1 < len(recs) && recs[j].flags&rdFlagMulti != 0 && bytes.Equal(recs[j+1].ident, r.ident); j++ {
				parts = recs[i : j+2]
			}
		}
		i += len(parts) - 1
		e := im.newEntry(parts, &budget)
		if e == nil {
			continue
		}
		if e.isDir() && e.bad == nil {
			// A directory extent belongs to one record: more would
			// make the tree a graph as large as the records' product.
			if owner, ok := im.dirOwner[e.dirOff]; ok && owner != e.Record {
				other := fmt.Sprintf("the directory recorded at byte %d", owner)
				if owner < 0 {
					other = "the root directory"
				}
				e.bad = rdFormatErr(e.Record, "directory record", "directory %q has the extent of %s: a directory recorded twice, or a loop", e.Name, other)
			} else {
				im.dirOwner[e.dirOff] = e.Record
			}
		}
		d.entries = append(d.entries, e)
	}
	d.entries = rdUniqueNames(d.entries)
	// Sorted by name, as fs.ReadDirFS requires.
	slices.SortFunc(d.entries, func(a, b *rdEntry) int { return strings.Compare(a.Name, b.Name) })
	d.err = firstErr
	return d, firstErr
}

// rdUniqueNames makes the names of a directory's entries unique: where the
// view's name of a file repeats an earlier one (a file "A.;1" next to a
// directory "A" in the plain view, or different versions of one file),
// the file keeps its identifier as recorded, version included; an entry
// whose name is still taken is left out.
func rdUniqueNames(es []*rdEntry) []*rdEntry {
	seen := make(map[string]bool, len(es))
	out := es[:0]
	for _, e := range es {
		if seen[e.Name] {
			alt := rdSanitize(e.ISOName)
			if alt == "" || seen[alt] {
				continue
			}
			e.Name = alt
		}
		seen[e.Name] = true
		out = append(out, e)
	}
	clear(es[len(out):])
	return out
}

// rdSanitize makes name a valid fs path element: "/" and NUL become
// "_"; "", "." and ".." yield "".
func rdSanitize(name string) string {
	name = strings.Map(func(c rune) rune {
		if c == '/' || c == 0 {
			return '_'
		}
		return c
	}, name)
	if name == "." || name == ".." {
		return ""
	}
	return name
}

// newEntry builds the entry for the records of one file, or returns nil
// for a record that is not shown: an associated file (ECMA-119 §9.1.6
// bit 2), a directory relocated by Rock Ridge (RE, RRIP 1.12 §4.1.5.3), or
// a name that cannot be an fs path element.
func (im *Image) newEntry(parts []rdRecord, budget *int64) *rdEntry {
	r := parts[0]
	if r.flags&rdFlagAssoc != 0 {
		return nil
	}
	e := &rdEntry{}
	e.Record = r.off
	e.Hidden = r.flags&rdFlagHidden != 0
	e.Nlink = 1
	e.RecordTime, e.ModTime, e.AccessTime, e.ChangeTime = r.date, r.date, r.date, r.date
	var name string
	if im.view == NamesJoliet {
		e.ISOName = rdDecodeUCS2(r.ident)
		name = rdJolietName(e.ISOName)
	} else {
		e.ISOName = rdLatin1(r.ident)
		name = rdPlainName(e.ISOName)
	}
	if r.flags&rdFlagDir != 0 {
		e.Mode = rdDirMode
		if err := im.setDirExtent(e, r); err != nil {
			e.bad = err
		}
	} else {
		e.Mode = rdFileMode
		for _, p := range parts {
			e.Extents = append(e.Extents, Extent{LBA: p.lba, EARBlocks: p.ear, Length: p.size, UnitSize: p.unit, Gap: p.gap})
			e.Size += int64(p.size)
		}
	}
	if im.rr {
		rr, err := im.rockRidge(r, budget)
		if err != nil {
			// A broken continuation chain: the file is listed under its
			// ECMA-119 name, and opening it reports the error.
			e.bad, rr = err, &rdRR{}
		}
		if rr.re {
			return nil
		}
		if rrName, ok := rr.name(); ok {
			e.RRName = rrName
			name = rdLatin1([]byte(rrName))
		}
		im.applyRR(e, rr, r, budget)
	}
	if name = rdSanitize(name); name == "" {
		return nil
	}
	e.Name = name
	e.setIno()
	return e
}

// selfEntry builds the entry of a directory from its "." record: its
// extent and, with Rock Ridge, its PX and TF attributes.
func (im *Image) selfEntry(r rdRecord, budget *int64) *rdEntry {
	e := &rdEntry{}
	e.Name = "."
	e.Record = r.off
	e.Mode = rdDirMode
	e.Nlink = 1
	e.RecordTime, e.ModTime, e.AccessTime, e.ChangeTime = r.date, r.date, r.date, r.date
	if err := im.setDirExtent(e, r); err != nil {
		e.bad = err
	}
	if im.rr {
		rr, err := im.rockRidge(r, budget)
		if err != nil {
			e.bad, rr = err, &rdRR{}
		}
		rr.cl = nil // a "." record is never a placeholder
		im.applyRR(e, rr, r, budget)
	}
	e.setIno()
	return e
}

// setIno derives the hard-link identity (see FileInfo.Ino).
func (e *rdEntry) setIno() {
	const (
		byExtent = 1 << 56
		bySerial = 2 << 56
		byDir    = 3 << 56
		byRecord = 4 << 56
	)
	switch {
	case e.isDir():
		e.Ino = byDir | uint64(e.dirOff)&(1<<56-1)
	case e.Mode.IsRegular() && e.Size > 0 && len(e.Extents) > 0:
		x := e.Extents[0]
		e.Ino = byExtent | uint64(x.LBA) + uint64(x.EARBlocks)
	case e.Serial != 0:
		e.Ino = bySerial | uint64(e.Serial)
	default:
		e.Ino = byRecord | uint64(e.Record)&(1<<56-1)
	}
}

// rdPlainName turns an ECMA-119 file identifier (§7.5, §9.1.11) into a
// name as Linux shows it: the version ";1" and an empty extension's
// separator before it are dropped ("README.;1" is "README"). Other
// versions are kept.
func rdPlainName(id string) string {
	if base, ok := strings.CutSuffix(id, ";1"); ok {
		id = base
		if len(id) > 1 {
			id = strings.TrimSuffix(id, ".")
		}
	}
	return id
}

// rdJolietName turns a Joliet identifier into a name as Linux shows it: the
// version ";1" (which some writers add) and trailing dots are dropped.
func rdJolietName(id string) string {
	id = strings.TrimSuffix(id, ";1")
	for len(id) >= 2 && id[len(id)-1] == '.' {
		id = id[:len(id)-1]
	}
	return id
}

// rdLatin1 returns b as a string, reading bytes that are not part of valid
// UTF-8 as Latin-1 characters: names on older discs are often Latin-1, and
// this keeps names valid fs paths without merging different ones.
func rdLatin1(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		c, n := utf8.DecodeRune(b)
		if c == utf8.RuneError && n == 1 {
			c = rune(b[0])
		}
		sb.WriteRune(c)
		b = b[n:]
	}
	return sb.String()
}
