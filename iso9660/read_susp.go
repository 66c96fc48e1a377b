package iso9660

// Reading System Use entries (SUSP 1.12) and turning Rock Ridge entries
// (RRIP 1.12 §4.1) into file attributes. The entry decoders are those of
// susp.go and rockridge.go; this file gathers entries across continuation
// areas, bounded, and decides what to do with entries that do not decode:
// a broken continuation chain (a loop, an area outside the image, too many
// areas) is an error of that file, which is listed under its ECMA-119 name
// and cannot be opened, since the entries behind the break, names
// included, cannot be found; an entry whose content does not decode is
// ignored and the attribute falls back to what ECMA-119 records, as Linux
// does.

import (
	"io/fs"
	"strings"
)

// suspEntries returns the SUSP entries of directory record rec (at image
// offset recOff): those of its System Use field after skip bytes (SUSP 1.12
// §5.3 LEN_SKP) and those of the chain of continuation areas its CE
// entries point to (SUSP 1.12 §5.1). The chain is bounded in length
// (readMaxCE), in total size (readMaxSUSP) and may not visit an area twice.
// Entries that do not parse end their area (Linux stops there too).
func (im *Image) suspEntries(rec []byte, recOff int64, skip int, budget *int64) ([]suspEntry, error) {
	su := rdSystemUse(rec)
	if skip >= len(su) {
		return nil, nil
	}
	area := su[skip:]
	all, _ := parseSUSP(area)
	latest := all
	total := len(area)
	var seen map[int64]bool
	for hops := 0; ; hops++ {
		var ce *suspEntry
		for i := range latest {
			if latest[i].Sig == "CE" {
				ce = &latest[i]
				break
			}
		}
		if ce == nil {
			return all, nil
		}
		const what = "SUSP continuation area"
		block, offset, length, err := decodeCE(ce.encode())
		if err != nil {
			return nil, rdFormatErr(recOff, "SUSP CE entry", "%v", err)
		}
		if hops >= readMaxCE {
			return nil, rdFormatErr(recOff, what, "more than %d continuation areas for one record", readMaxCE)
		}
		base, err := im.blockOffset(int64(block), recOff, "SUSP CE entry")
		if err != nil {
			return nil, err
		}
		loc := base + int64(offset)
		if seen == nil {
			seen = map[int64]bool{}
		}
		if seen[loc] {
			return nil, rdFormatErr(loc, what, "continuation loop: the area at block %d offset %d is reached twice from the record at byte %d", block, offset, recOff)
		}
		seen[loc] = true
		if total += int(length); length > readMaxSUSP || total > readMaxSUSP {
			return nil, rdFormatErr(loc, what, "%d bytes of System Use for one record exceed the limit of %d", total, readMaxSUSP)
		}
		if *budget -= int64(length); *budget < 0 {
			return nil, rdFormatErr(loc, what, "too many continuation areas for the size of the directory")
		}
		b, err := im.readAt(loc, int64(length), what)
		if err != nil {
			return nil, err
		}
		latest, _ = parseSUSP(b)
		all = append(all, latest...)
	}
}

// rdRR is what a record's Rock Ridge entries say.
type rdRR struct {
	px     *rrPosixAttrs
	tf     *rrTimestamps
	nm, sl [][]byte
	pn     *[2]uint32
	cl     *uint32
	re     bool
	zf     *suspEntry // zisofs ZF (or zisofs2 Z2) entry
}

// rockRidge gathers the Rock Ridge entries of record r (RRIP 1.12 §4.1).
// Of repeated PX, PN, TF, CL and ZF entries the first counts; NM and SL
// entries are kept in order for reassembly.
func (im *Image) rockRidge(r rdRecord, budget *int64) (*rdRR, error) {
	entries, err := im.suspEntries(r.rec, r.off, im.rrSkip, budget)
	if err != nil {
		return nil, err
	}
	rr := &rdRR{}
	for _, se := range entries {
		switch se.Sig {
		case "PX":
			if px, err := decodePX(se.encode()); err == nil && rr.px == nil {
				rr.px = &px
			}
		case "TF":
			if tf, err := decodeTF(se.encode()); err == nil && rr.tf == nil {
				rr.tf = &tf
			}
		case "NM":
			rr.nm = append(rr.nm, se.encode())
		case "SL":
			rr.sl = append(rr.sl, se.encode())
		case "PN":
			if hi, lo, err := decodePN(se.encode()); err == nil && rr.pn == nil {
				rr.pn = &[2]uint32{hi, lo}
			}
		case "CL":
			if b, err := decodeCL(se.encode()); err == nil && rr.cl == nil {
				rr.cl = &b
			}
		case "RE":
			rr.re = true
		case "ZF", "Z2":
			// zisofs2 writes "Z2" where "ZF" would trouble readers
			// that know only version 1 (zisofs2_format.txt).
			if rr.zf == nil {
				rr.zf = &se
			}
		}
	}
	return rr, nil
}

// name returns the NM name (RRIP 1.12 §4.1.4), if there is a usable one.
func (rr *rdRR) name() (string, bool) {
	if len(rr.nm) == 0 {
		return "", false
	}
	n, err := decodeNM(rr.nm)
	if err != nil || n == "." || n == ".." || strings.ContainsAny(n, "/\x00") {
		return "", false
	}
	return n, true
}

// applyRR sets e's attributes from its Rock Ridge entries. A placeholder
// with a CL entry (RRIP 1.12 §4.1.5.1) becomes the directory it points to,
// with that directory's attributes (from its "." record, as Linux takes
// them) and the placeholder's name.
func (im *Image) applyRR(e *rdEntry, rr *rdRR, r rdRecord, budget *int64) {
	if rr.cl != nil && !e.isDir() {
		im.relocate(e, *rr.cl, r.off, budget)
		return
	}
	if rr.px != nil {
		m := ModeFromPOSIX(rr.px.Mode)
		switch {
		case e.isDir():
			// The record's directory flag decides what the extent holds.
			m = fs.ModeDir | m&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)
		case m.IsDir():
			m &^= fs.ModeDir
		}
		e.Mode = m
		e.UID, e.GID, e.Nlink = rr.px.UID, rr.px.GID, rr.px.Nlink
		if rr.px.HasSerial {
			e.Serial = rr.px.Serial
		}
	} else if len(rr.sl) > 0 && !e.isDir() {
		e.Mode = fs.ModeSymlink | 0o777
	}
	if tf := rr.tf; tf != nil {
		if !tf.Modify.IsZero() {
			e.ModTime = tf.Modify
		}
		e.AccessTime, e.ChangeTime = e.ModTime, e.ModTime
		if !tf.Access.IsZero() {
			e.AccessTime = tf.Access
		}
		if !tf.Attributes.IsZero() {
			e.ChangeTime = tf.Attributes
		}
		e.CreationTime = tf.Creation
	}
	switch {
	case e.Mode&fs.ModeSymlink != 0:
		e.Size = 0
		if len(rr.sl) == 0 {
			e.bad = rdFormatErr(r.off, "Rock Ridge SL entry", "symbolic link without SL entries")
			break
		}
		t, err := decodeSL(rr.sl)
		if err != nil {
			e.bad = rdFormatErr(r.off, "Rock Ridge SL entry", "%v", err)
			break
		}
		e.Target = t
		e.Size = int64(len(t))
	case e.Mode&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeIrregular) != 0:
		e.Size = 0
		if rr.pn != nil {
			e.DevMajor, e.DevMinor = rr.pn[0], rr.pn[1]
		}
	case e.Mode.IsRegular() && rr.zf != nil:
		im.setZisofs(e, *rr.zf, r.off)
	}
}

// relocate makes placeholder e the directory relocated to block (RRIP
// 1.12 §4.1.5.1), reading that directory's "." record.
func (im *Image) relocate(e *rdEntry, block uint32, at int64, budget *int64) {
	const what = "Rock Ridge CL entry"
	e.Mode = rdDirMode
	e.Extents, e.Size = nil, 0
	e.Relocated = true
	fail := func(err error) { e.bad = err }
	loc, err := im.blockOffset(int64(block), at, what)
	if err != nil {
		fail(err)
		return
	}
	if loc >= im.size {
		fail(rdFormatErr(at, what, "relocated directory at block %d lies outside the image", block))
		return
	}
	b, err := im.readAt(loc, min(im.size-loc, BlockSize-loc%BlockSize), "relocated directory")
	if err != nil {
		fail(err)
		return
	}
	n := int(b[0])
	if n < 34 || n > len(b) {
		fail(rdFormatErr(loc, "relocated directory", "no \".\" record at block %d", block))
		return
	}
	r, err := im.parseRecord(b[:n], loc, false)
	if err != nil {
		fail(err)
		return
	}
	if len(r.ident) != 1 || r.ident[0] != 0 || r.flags&rdFlagDir == 0 {
		fail(rdFormatErr(loc, "relocated directory", "the first record at block %d is not a directory's \".\" record", block))
		return
	}
	self := im.selfEntry(r, budget)
	name, rrName, rec, iso := e.Name, e.RRName, e.Record, e.ISOName
	e.FileInfo = self.FileInfo
	e.Name, e.RRName, e.Record, e.ISOName, e.Relocated = name, rrName, rec, iso, true
	e.dirOff, e.dirSize, e.bad = self.dirOff, self.dirSize, self.bad
}

// ModeFromPOSIX converts a POSIX st_mode (RRIP 1.12 §4.1.1 PX "file mode",
// or chmod's octal digits) to fs.FileMode. A mode without type bits is a
// regular file; unknown types are irregular.
func ModeFromPOSIX(p uint32) fs.FileMode {
	m := fs.FileMode(p & 0o777)
	if p&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if p&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if p&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	switch p & 0o170000 {
	case 0o100000, 0:
	case 0o040000:
		m |= fs.ModeDir
	case 0o120000:
		m |= fs.ModeSymlink
	case 0o010000:
		m |= fs.ModeNamedPipe
	case 0o140000:
		m |= fs.ModeSocket
	case 0o020000:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case 0o060000:
		m |= fs.ModeDevice
	default:
		m |= fs.ModeIrregular
	}
	return m
}
