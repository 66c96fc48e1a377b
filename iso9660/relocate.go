package iso9660

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Relocation of a session to block 0.
//
// Every address ECMA-119 records counts from the start of the medium. The
// data session of a multi-session disc (the second session of a CD-Extra
// disc, say) therefore records addresses thousands of blocks past the start
// of its own track, and an image of that track alone does not mount. Relocate
// rewrites every recorded address so that the session stands on its own:
//
//   - volume descriptors (ECMA-119 §8.4, §8.5): volume space size, the
//     locations of the path tables, the root directory record;
//   - the El Torito boot record and catalog (El Torito 1.0 §2): the
//     catalog's address and every entry's load RBA;
//   - the path tables (§9.4): each directory's extent;
//   - every directory record of every hierarchy (§9.1): the extents;
//   - SUSP and Rock Ridge (SUSP 1.12 §5.1 CE, RRIP 1.12 §4.1.5 CL and PL):
//     continuation areas and relocated directories.
//
// File data is copied as it is: only the structures that hold addresses
// change.

// Relocate copies the ISO 9660 session in src (size bytes, its volume
// descriptors at block 16) to dst with every recorded block address
// reduced by displacement blocks: src's recorded addresses are taken to
// count from displacement blocks before src's first block. An address that
// would fall before the start of src is an error; nothing is written then.
func Relocate(dst io.Writer, src io.ReaderAt, size int64, displacement uint32) error {
	rl := &relocator{r: src, size: size, disp: displacement, patches: map[int64][]byte{}, seenDirs: map[uint32]bool{}}
	if err := rl.collect(); err != nil {
		return err
	}
	return rl.copy(dst)
}

type relocator struct {
	r        io.ReaderAt
	size     int64
	disp     uint32
	patches  map[int64][]byte // byte offset in src -> replacement bytes
	seenDirs map[uint32]bool
	work     int // structures visited, bounded
}

// relocateMaxWork bounds the directories and continuation areas visited,
// so that a hostile image cannot make Relocate loop.
const relocateMaxWork = 1 << 22

func (rl *relocator) read(off, n int64, what string) ([]byte, error) {
	if off < 0 || n < 0 || off+n > rl.size {
		return nil, &FormatError{Offset: off, Structure: what, Msg: fmt.Sprintf("%d bytes at byte %d lie outside the %d-byte image", n, off, rl.size)}
	}
	b := make([]byte, n)
	if _, err := rl.r.ReadAt(b, off); err != nil && err != io.EOF {
		return nil, err
	}
	return b, nil
}

// moved returns a recorded block address relocated, or an error naming
// the structure if it points before the session.
func (rl *relocator) moved(lba uint32, at int64, what string) (uint32, error) {
	if lba < rl.disp {
		return 0, &FormatError{Offset: at, Structure: what, Msg: fmt.Sprintf("block address %d lies before the session, which starts at block %d", lba, rl.disp)}
	}
	return lba - rl.disp, nil
}

// both32 patches a both-byte-order 32-bit address (§7.3.3) at off, whose
// current bytes are b.
func (rl *relocator) both32(b []byte, off int64, what string) (uint32, error) {
	v := binary.LittleEndian.Uint32(b)
	n, err := rl.moved(v, off, what)
	if err != nil {
		return 0, err
	}
	p := make([]byte, 8)
	putBoth32(p, n)
	rl.patches[off] = p
	return v, nil
}

func (rl *relocator) le32(b []byte, off int64, what string) (uint32, error) {
	v := binary.LittleEndian.Uint32(b)
	if v == 0 {
		return 0, nil // an optional table that is not recorded
	}
	n, err := rl.moved(v, off, what)
	if err != nil {
		return 0, err
	}
	p := make([]byte, 4)
	binary.LittleEndian.PutUint32(p, n)
	rl.patches[off] = p
	return v, nil
}

func (rl *relocator) be32(b []byte, off int64, what string) (uint32, error) {
	v := binary.BigEndian.Uint32(b)
	if v == 0 {
		return 0, nil
	}
	n, err := rl.moved(v, off, what)
	if err != nil {
		return 0, err
	}
	p := make([]byte, 4)
	binary.BigEndian.PutUint32(p, n)
	rl.patches[off] = p
	return v, nil
}

// local is where recorded block lba lies in src.
func (rl *relocator) local(lba uint32) int64 { return int64(lba-rl.disp) * BlockSize }

func (rl *relocator) collect() error {
	foundPrimary := false
	for i := int64(0); i < readMaxDescriptors; i++ {
		off := (16 + i) * BlockSize
		b, err := rl.read(off, BlockSize, "volume descriptor")
		if err != nil {
			return err
		}
		if string(b[1:6]) != "CD001" {
			if i == 0 {
				return &FormatError{Offset: off, Structure: "volume descriptor", Msg: "no ECMA-119 volume descriptor"}
			}
			break
		}
		switch b[0] {
		case rdVDPrimary, rdVDSupplementary:
			if err := rl.descriptor(b, off); err != nil {
				return err
			}
			foundPrimary = foundPrimary || b[0] == rdVDPrimary
		case rdVDBoot:
			if err := rl.bootRecord(b, off); err != nil {
				return err
			}
		}
		if b[0] == rdVDTerminator {
			break
		}
	}
	if !foundPrimary {
		return &FormatError{Offset: 16 * BlockSize, Structure: "volume descriptor set", Msg: "no primary volume descriptor"}
	}
	return nil
}

// descriptor relocates a primary or supplementary volume descriptor
// (ECMA-119 §8.4, §8.5) and everything it leads to.
func (rl *relocator) descriptor(b []byte, off int64) error {
	const what = "volume descriptor"
	// §8.4.8 volume space size: the session's blocks only, once moved.
	if vss := binary.LittleEndian.Uint32(b[80:]); vss > rl.disp {
		p := make([]byte, 8)
		putBoth32(p, vss-rl.disp)
		rl.patches[off+80] = p
	}
	ptSize := binary.LittleEndian.Uint32(b[132:])
	if ptSize > 1<<24 {
		return &FormatError{Offset: off + 132, Structure: what, Msg: fmt.Sprintf("path table size %d", ptSize)}
	}
	// §8.4.14-17: type L tables (little-endian), type M (big-endian).
	for _, f := range []struct {
		at int64
		le bool
	}{{140, true}, {144, true}, {148, false}, {152, false}} {
		var lba uint32
		var err error
		if f.le {
			lba, err = rl.le32(b[f.at:], off+f.at, what)
		} else {
			lba, err = rl.be32(b[f.at:], off+f.at, what)
		}
		if err != nil {
			return err
		}
		if lba != 0 {
			if err := rl.pathTable(lba, ptSize, f.le); err != nil {
				return err
			}
		}
	}
	// §8.4.18: the root directory record.
	root := b[156:190]
	lba, err := rl.both32(root[2:], off+158, "root directory record")
	if err != nil {
		return err
	}
	return rl.directory(lba, binary.LittleEndian.Uint32(root[10:]), 0)
}

// pathTable relocates each entry's extent (ECMA-119 §9.4.3).
func (rl *relocator) pathTable(lba, size uint32, le bool) error {
	base := rl.local(lba)
	b, err := rl.read(base, int64(size), "path table")
	if err != nil {
		return err
	}
	for p := 0; p+8 <= len(b); {
		n := int(b[p])
		if n == 0 {
			break
		}
		var err error
		if le {
			_, err = rl.le32(b[p+2:], base+int64(p)+2, "path table")
		} else {
			_, err = rl.be32(b[p+2:], base+int64(p)+2, "path table")
		}
		if err != nil {
			return err
		}
		p += 8 + n + n%2
	}
	return nil
}

// directory relocates the records of the directory at recorded block lba
// and, recursively, its subdirectories.
func (rl *relocator) directory(lba, size uint32, depth int) error {
	if rl.seenDirs[lba] {
		return nil
	}
	rl.seenDirs[lba] = true
	if rl.work++; rl.work > relocateMaxWork || depth > 1000 {
		return &FormatError{Offset: rl.local(lba), Structure: "directory", Msg: "too many directories, or nested too deeply"}
	}
	base := rl.local(lba)
	b, err := rl.read(base, int64(size), "directory")
	if err != nil {
		return err
	}
	type sub struct{ lba, size uint32 }
	var subs []sub
	for p := 0; p < len(b); {
		n := int(b[p])
		if n == 0 {
			// §6.8.1.1: the rest of the block is unused.
			p = (p/BlockSize + 1) * BlockSize
			continue
		}
		if n < 34 || p+n > len(b) {
			return &FormatError{Offset: base + int64(p), Structure: "directory record", Msg: fmt.Sprintf("length %d", n)}
		}
		rec := b[p : p+n]
		at := base + int64(p)
		ext, length := binary.LittleEndian.Uint32(rec[2:]), binary.LittleEndian.Uint32(rec[10:])
		// An empty file may record block 0 (§9.1.3 leaves it unspecified).
		if !(length == 0 && ext < rl.disp) {
			if _, err := rl.both32(rec[2:], at+2, "directory record"); err != nil {
				return err
			}
		}
		idLen := int(rec[32])
		if 33+idLen > n {
			return &FormatError{Offset: at, Structure: "directory record", Msg: fmt.Sprintf("identifier of %d bytes in a %d-byte record", idLen, n)}
		}
		dot := idLen == 1 && (rec[33] == 0 || rec[33] == 1)
		if rec[25]&2 != 0 && !dot {
			subs = append(subs, sub{ext, length})
		}
		su := 33 + idLen
		if idLen%2 == 0 {
			su++
		}
		if su < n {
			if err := rl.susp(rec[su:], at+int64(su), 0); err != nil {
				return err
			}
		}
		p += n
	}
	for _, s := range subs {
		if err := rl.directory(s.lba, s.size, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// susp relocates the CE, CL and PL entries of a System Use area and of the
// continuation areas it leads to (SUSP 1.12 §5.1, RRIP 1.12 §4.1.5).
func (rl *relocator) susp(area []byte, at int64, chain int) error {
	if chain > 32 {
		return &FormatError{Offset: at, Structure: "SUSP area", Msg: "more than 32 continuation areas in one chain"}
	}
	if rl.work++; rl.work > relocateMaxWork {
		return &FormatError{Offset: at, Structure: "SUSP area", Msg: "too many continuation areas"}
	}
	for p := 0; p+4 <= len(area); {
		if area[p] == 0 {
			break
		}
		n := int(area[p+2])
		if n < 4 || p+n > len(area) {
			break // the reader reports malformed entries; nothing to move
		}
		sig := string(area[p : p+2])
		e := area[p : p+n]
		switch {
		case sig == "ST":
			return nil
		case sig == "CE" && n == 28:
			block, err := rl.both32(e[4:], at+int64(p)+4, "CE entry")
			if err != nil {
				return err
			}
			offset, length := binary.LittleEndian.Uint32(e[12:]), binary.LittleEndian.Uint32(e[20:])
			if offset >= BlockSize || length > 64<<10 {
				return &FormatError{Offset: at + int64(p), Structure: "CE entry", Msg: fmt.Sprintf("continuation area at offset %d of %d bytes", offset, length)}
			}
			ce := rl.local(block) + int64(offset)
			cb, err := rl.read(ce, int64(length), "continuation area")
			if err != nil {
				return err
			}
			if err := rl.susp(cb, ce, chain+1); err != nil {
				return err
			}
		case (sig == "CL" || sig == "PL") && n == 12:
			if _, err := rl.both32(e[4:], at+int64(p)+4, sig+" entry"); err != nil {
				return err
			}
		}
		p += n
	}
	return nil
}

// bootRecord relocates the El Torito boot catalog's address and its
// entries' load RBAs (El Torito 1.0 §2.0-2.5).
func (rl *relocator) bootRecord(b []byte, off int64) error {
	if string(b[7:30]) != "EL TORITO SPECIFICATION" {
		return nil
	}
	lba, err := rl.le32(b[71:], off+71, "boot record")
	if err != nil || lba == 0 {
		return err
	}
	base := rl.local(lba)
	cat, err := rl.read(base, BlockSize, "boot catalog")
	if err != nil {
		return err
	}
	// 32-byte entries: validation (01h), initial/default, then sections
	// (header 90h/91h followed by entries; extensions 44h carry no address).
	for p := 32; p+32 <= len(cat); p += 32 {
		e := cat[p : p+32]
		switch {
		case p == 32 || e[0] == 0x88 || e[0] == 0x00 && !allZeroBytes(e):
			if _, err := rl.le32(e[8:], base+int64(p)+8, "boot catalog entry"); err != nil {
				return err
			}
		case e[0] == 0x90 || e[0] == 0x91 || e[0] == 0x44:
		default:
			if allZeroBytes(e) {
				return nil
			}
		}
	}
	return nil
}

func allZeroBytes(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// copy writes src with the patches applied, in one pass.
func (rl *relocator) copy(dst io.Writer) error {
	offs := make([]int64, 0, len(rl.patches))
	for off := range rl.patches {
		offs = append(offs, off)
	}
	sort.Slice(offs, func(i, j int) bool { return offs[i] < offs[j] })
	buf := make([]byte, 1<<20)
	next := 0
	for pos := int64(0); pos < rl.size; {
		n := int(min(int64(len(buf)), rl.size-pos))
		k, err := rl.r.ReadAt(buf[:n], pos)
		if k < n {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		for next < len(offs) && offs[next] < pos+int64(n) {
			p := rl.patches[offs[next]]
			start := offs[next] - pos
			if start < 0 || start+int64(len(p)) > int64(n) {
				// A patch that straddles the buffer: structures are
				// never split across 1 MiB boundaries that are multiples
				// of the block size, so this is an internal error.
				return errors.New("iso9660: internal error: relocation patch crosses a buffer boundary")
			}
			copy(buf[start:], p)
			next++
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return err
		}
		pos += int64(n)
	}
	return nil
}

// DetectDisplacement finds how far the recorded addresses of the session
// in r (its volume descriptors at block 16) lie beyond where its blocks
// are: the data track of a later session, copied out of a disc image,
// records addresses that count from the start of the disc. The root
// directory's "." record names the root's own extent (ECMA-119 §6.8.2.2),
// so the block where that record is found, against the address it records,
// gives the displacement. It is 0 for an image whose addresses hold.
func DetectDisplacement(r io.ReaderAt, size int64) (uint32, error) {
	var pvd []byte
	for i := int64(16); i < 16+readMaxDescriptors; i++ {
		b := make([]byte, BlockSize)
		if (i+1)*BlockSize > size {
			break
		}
		if _, err := r.ReadAt(b, i*BlockSize); err != nil && err != io.EOF {
			return 0, err
		}
		if string(b[1:6]) != "CD001" || b[0] == rdVDTerminator {
			break
		}
		if b[0] == rdVDPrimary {
			pvd = b
			break
		}
	}
	if pvd == nil {
		return 0, &FormatError{Offset: 16 * BlockSize, Structure: "volume descriptor set", Msg: "no primary volume descriptor"}
	}
	root := binary.LittleEndian.Uint32(pvd[158:])
	isRoot := func(blk int64) (bool, error) {
		var rec [34]byte
		if (blk+1)*BlockSize > size {
			return false, nil
		}
		if _, err := r.ReadAt(rec[:], blk*BlockSize); err != nil && err != io.EOF {
			return false, err
		}
		return rec[0] >= 34 && rec[32] == 1 && rec[33] == 0 && rec[25]&2 != 0 &&
			binary.LittleEndian.Uint32(rec[2:]) == root && binary.BigEndian.Uint32(rec[6:]) == root, nil
	}
	if ok, err := isRoot(int64(root)); err != nil || ok {
		return 0, err
	}
	// The root directory follows the descriptors and path tables, which
	// are small: look at the blocks after the set first, then everywhere.
	limit := min(int64(root), size/BlockSize)
	for blk := int64(17); blk < limit; blk++ {
		ok, err := isRoot(blk)
		if err != nil {
			return 0, err
		}
		if ok {
			return root - uint32(blk), nil
		}
	}
	return 0, &FormatError{Offset: 16 * BlockSize, Structure: "root directory", Msg: fmt.Sprintf("the root directory's recorded block %d is not in the image, and no block holds its \".\" record", root)}
}
