package isomd5

// A small reader of the ECMA-119 directory hierarchy that keeps what the
// libisofs checksums need and the general reader does not expose: the
// AAIP attributes in each record's System Use entries. Directory records
// are ECMA-119 §9.1; System Use entries SUSP 1.12 §4 (entry layout), §5.1
// (CE continuation areas), §5.3 (SP and LEN_SKP), §5.4 (ST); Rock Ridge
// names RRIP 1.12 §4.1.4 (NM).

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Bounds on what the walker accepts from an image.
const (
	walkMaxDirSize  = 64 << 20  // one directory's extent
	walkMaxDirBytes = 256 << 20 // all directories together
	walkMaxDirs     = 1 << 20
	walkMaxRecords  = 1 << 24
	walkMaxCE       = 32       // continuation areas chained to one record
	walkMaxSUSP     = 64 << 10 // System Use bytes of one record
	walkMaxExtents  = 1 << 16  // extents of one multi-extent file
	walkMaxNameLen  = 4096
)

// ErrImage is wrapped by errors for damaged structures found while
// walking an image's directory tree.
var ErrImage = errors.New("isomd5: damaged image")

type walkExtent struct {
	lba    uint32 // first data block (after any extended attribute record)
	length uint32
}

// walkFile is one file (not a directory) of the tree.
type walkFile struct {
	path    string
	extents []walkExtent
	size    int64
	attrs   []Attr
	al      [][]byte // the AL entries as recorded
	attrErr error
	record  int64 // byte offset of its (first) directory record
}

type walkResult struct {
	rootAttrs   []Attr
	rootAL      [][]byte
	rootAttrErr error
	files       []walkFile
}

type walker struct {
	r       io.ReaderAt
	size    int64
	skip    int // LEN_SKP
	dirRead int64
	records int
	// ceBudget is what continuation areas may still cost: 1 MiB plus 32
	// bytes per byte of directory, as the iso9660 reader allows.
	ceBudget int64
}

func walkErr(off int64, format string, args ...any) error {
	return fmt.Errorf("%w: byte %d: %s", ErrImage, off, fmt.Sprintf(format, args...))
}

func (w *walker) read(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off > w.size || n > w.size-off {
		return nil, walkErr(off, "%d bytes outside the %d-byte image", n, w.size)
	}
	b := make([]byte, n)
	if _, err := w.r.ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && off+n == w.size) {
		return nil, fmt.Errorf("isomd5: reading byte %d: %w", off, err)
	}
	return b, nil
}

// findDescriptors returns the primary volume descriptor of the session at
// block start and the block of its Volume Descriptor Set Terminator.
func findDescriptors(r io.ReaderAt, size int64, start uint32) (pvd []byte, term uint32, err error) {
	b := make([]byte, BlockSize)
	for i := int64(0); i < maxDescriptors; i++ {
		blk := int64(start) + vdsStart + i
		off := blk * BlockSize
		if off+BlockSize > size {
			break
		}
		if _, err := r.ReadAt(b, off); err != nil {
			return nil, 0, fmt.Errorf("isomd5: reading volume descriptor at byte %d: %w", off, err)
		}
		if string(b[1:6]) != "CD001" {
			break
		}
		switch b[0] {
		case 1:
			if pvd == nil {
				pvd = append([]byte(nil), b...)
			}
		case 255:
			if pvd == nil {
				return nil, 0, ErrNoPVD
			}
			return pvd, uint32(blk), nil
		}
	}
	if pvd == nil {
		return nil, 0, ErrNoPVD
	}
	return nil, 0, walkErr(int64(start+vdsStart)*BlockSize, "no volume descriptor set terminator")
}

// record is a decoded directory record.
type record struct {
	lba    uint32
	ear    uint8
	length uint32
	flags  byte
	name   []byte
	su     []byte // System Use field
}

const (
	flagDir   = 1 << 1
	flagMulti = 1 << 7
)

func parseRecord(b []byte, off int64) (record, error) {
	var r record
	if len(b) < 34 || int(b[0]) > len(b) || b[0] < 34 {
		return r, walkErr(off, "directory record of %d bytes", b[0])
	}
	b = b[:b[0]]
	nl := int(b[32])
	if 33+nl > len(b) {
		return r, walkErr(off, "file identifier of %d bytes overruns the %d-byte record", nl, len(b))
	}
	r.ear = b[1]
	r.lba = binary.LittleEndian.Uint32(b[2:])
	r.length = binary.LittleEndian.Uint32(b[10:])
	r.flags = b[25]
	r.name = b[33 : 33+nl]
	suStart := 33 + nl
	if nl%2 == 0 {
		suStart++ // padding field (ECMA-119 §9.1.12)
	}
	if suStart < len(b) {
		r.su = b[suStart:]
	}
	return r, nil
}

// suspInfo is what the walker keeps of a record's System Use entries.
type suspInfo struct {
	al     [][]byte
	nm     []byte
	hasNM  bool
	spSkip int // from an SP entry, -1 without one
}

// systemUse gathers the record's System Use entries, following CE
// continuation areas (bounded in number, size and without loops).
func (w *walker) systemUse(su []byte, off int64) (suspInfo, error) {
	info := suspInfo{spSkip: -1}
	if w.skip > 0 {
		if w.skip >= len(su) {
			return info, nil
		}
		su = su[w.skip:]
	}
	area, total := su, len(su)
	seen := map[int64]bool{}
	for hops := 0; ; hops++ {
		var ce []byte
		for p := 0; p+4 <= len(area); {
			n := int(area[p+2])
			if n < 4 || p+n > len(area) {
				break
			}
			e := area[p : p+n]
			p += n
			switch string(e[:2]) {
			case "ST":
				p = len(area)
			case "CE":
				if n >= 28 && ce == nil {
					ce = e
				}
			case "SP":
				if n >= 7 && e[4] == 0xbe && e[5] == 0xef {
					info.spSkip = int(e[6])
				}
			case "AL":
				info.al = append(info.al, e)
			case "NM":
				if n >= 5 && e[4]&^1 == 0 && len(info.nm)+n <= walkMaxNameLen {
					info.nm = append(info.nm, e[5:]...)
					info.hasNM = true
				}
			}
		}
		if ce == nil {
			return info, nil
		}
		if hops >= walkMaxCE {
			return info, walkErr(off, "more than %d continuation areas", walkMaxCE)
		}
		loc := int64(binary.LittleEndian.Uint32(ce[4:]))*BlockSize + int64(binary.LittleEndian.Uint32(ce[12:]))
		length := int64(binary.LittleEndian.Uint32(ce[20:]))
		if seen[loc] {
			return info, walkErr(off, "continuation area at byte %d reached twice", loc)
		}
		seen[loc] = true
		if total += int(min(length, walkMaxSUSP+1)); total > walkMaxSUSP {
			return info, walkErr(off, "more than %d bytes of System Use entries", walkMaxSUSP)
		}
		if w.ceBudget -= length; w.ceBudget < 0 {
			return info, walkErr(off, "too many continuation areas for the size of the directories")
		}
		b, err := w.read(loc, length)
		if err != nil {
			return info, err
		}
		area = b
	}
}

// walkTree reads the directory hierarchy of the volume described by pvd.
func walkTree(r io.ReaderAt, size int64, pvd []byte) (*walkResult, error) {
	w := &walker{r: r, size: size, ceBudget: 1 << 20}
	root, err := parseRecord(pvd[156:190], int64(pvd[156]))
	if err != nil {
		return nil, err
	}
	res := &walkResult{}
	type dir struct {
		path   string
		lba    uint32
		length uint32
	}
	queue := []dir{{"/", root.lba + uint32(root.ear), root.length}}
	seen := map[uint32]bool{}
	first := true
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		if seen[d.lba] {
			continue
		}
		seen[d.lba] = true
		if len(seen) > walkMaxDirs {
			return res, walkErr(int64(d.lba)*BlockSize, "more than %d directories", walkMaxDirs)
		}
		if d.length > walkMaxDirSize {
			return res, walkErr(int64(d.lba)*BlockSize, "directory of %d bytes", d.length)
		}
		w.ceBudget += 32 * int64(d.length)
		if w.dirRead += int64(d.length); w.dirRead > walkMaxDirBytes {
			return res, walkErr(int64(d.lba)*BlockSize, "more than %d bytes of directories", walkMaxDirBytes)
		}
		base := int64(d.lba) * BlockSize
		data, err := w.read(base, int64(d.length))
		if err != nil {
			return res, err
		}
		var multi *walkFile
		for p := 0; p < len(data); {
			if data[p] == 0 { // records do not cross block boundaries (§6.8.1.1)
				p = (p/BlockSize + 1) * BlockSize
				continue
			}
			off := base + int64(p)
			if w.records++; w.records > walkMaxRecords {
				return res, walkErr(off, "more than %d directory records", walkMaxRecords)
			}
			rec, err := parseRecord(data[p:], off)
			if err != nil {
				return res, err
			}
			p += int(data[p])
			dot := len(rec.name) == 1 && rec.name[0] <= 1
			if dot && first && rec.name[0] == 0 {
				// The root's "." record: SP gives LEN_SKP for every
				// record (SUSP 1.12 §5.3), and libisofs puts isofs.ca
				// here.
				first = false
				info, err := w.systemUse(rec.su, off)
				if info.spSkip > 0 {
					w.skip = info.spSkip // for all other records
				}
				if err != nil {
					res.rootAttrErr = err
				} else if len(info.al) > 0 {
					res.rootAL = info.al
					res.rootAttrs, _, res.rootAttrErr = DecodeAL(info.al)
				}
				continue
			}
			if dot {
				continue
			}
			info, suErr := w.systemUse(rec.su, off)
			name := string(rec.name)
			if info.hasNM {
				name = string(info.nm)
			} else if i := strings.LastIndexByte(name, ';'); i >= 0 {
				name = strings.TrimSuffix(name[:i], ".")
			}
			name = strings.ReplaceAll(name, "/", "_")
			full := path.Join(d.path, name)
			if rec.flags&flagDir != 0 {
				queue = append(queue, dir{full, rec.lba + uint32(rec.ear), rec.length})
				continue
			}
			if multi == nil {
				multi = &walkFile{path: full, record: off}
			}
			f := multi
			if len(f.extents) >= walkMaxExtents {
				return res, walkErr(off, "more than %d extents for one file", walkMaxExtents)
			}
			f.extents = append(f.extents, walkExtent{lba: rec.lba + uint32(rec.ear), length: rec.length})
			f.size += int64(rec.length)
			if suErr != nil && f.attrErr == nil {
				f.attrErr = suErr
			}
			if f.attrs == nil && len(info.al) > 0 {
				var err error
				f.al = info.al
				f.attrs, _, err = DecodeAL(info.al)
				if err != nil && f.attrErr == nil {
					f.attrErr = err
				}
			}
			if rec.flags&flagMulti == 0 {
				res.files = append(res.files, *f)
				multi = nil
			}
		}
		if multi != nil { // a multi-extent file whose last record is missing
			res.files = append(res.files, *multi)
		}
		first = false
	}
	return res, nil
}

func attr(attrs []Attr, name string) ([]byte, bool) {
	for _, a := range attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return nil, false
}
