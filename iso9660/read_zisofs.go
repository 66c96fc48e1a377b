package iso9660

// zisofs: transparently compressed files (zisofs-tools' mkzftree, mkisofs
// -z, xorriso --zisofs). A "ZF" System Use entry marks the file; its data
// is a 16-byte header, a table of block pointers and one zlib stream
// (RFC 1950) per block of 2^15..2^17 bytes:
//
//	header:  magic 37 E4 53 96 C9 DB D6 07, uncompressed size (LE32),
//	         header size / 4 (= 4), log2(block size), 2 reserved bytes
//	table:   blocks+1 LE32 offsets from the start of the file; block i is
//	         stored in [table[i], table[i+1]), and an empty range is a
//	         block of zeros
//	ZF entry: "ZF", 16, 1, algorithm "pz", header size / 4, log2(block
//	         size), uncompressed size (both-byte order, ECMA-119 §7.3.3)
//
// zisofs2 (libisofs doc/zisofs2_format.txt; xorriso -zisofs version_2=on)
// widens it for files of 4 GiB and more, with the same block layout:
//
//	header:  magic EF 22 55 A1 BC 1B 95 A0, header version (0), header
//	         size / 4 (= 6), algorithm id (1 = zlib), log2(block size),
//	         uncompressed size (LE64), 4 bytes of padding
//	table:   blocks+1 LE64 offsets
//	entry:   "ZF" or "Z2" (which readers of version 1 ignore), 16,
//	         version 2, algorithm "PZ", header size / 4, log2(block size),
//	         uncompressed size (LE64)
//
// Everything is checked before it is used: the table must fit in the
// stored data, offsets must be ordered and inside it, and a block must
// inflate to exactly its size.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"sync"

	"spindle/internal/inflate"
)

// ZisofsInfo describes a zisofs-compressed file: its "ZF" System Use entry
// (the zisofs format of zisofs-tools, also written by mkisofs -z and
// xorriso; it extends RRIP 1.12 rather than being part of it). Reading
// such a file in the Rock Ridge view decompresses it.
type ZisofsInfo struct {
	// Version is 1 for zisofs, 2 for zisofs2 (a version 2 "ZF" or "Z2"
	// entry).
	Version    int
	Algorithm  string // "pz" (zlib), or "PZ" (zlib) in zisofs2
	BlockSize  int    // 32768, 65536 or 131072
	Size       int64  // uncompressed size
	StoredSize int64  // compressed size, as recorded in the directory
	// sig is the entry's signature ("ZF", or "Z2" for zisofs2), so that
	// a file carried into a new session is recorded as it was.
	sig string
}

var (
	rdZisofsMagic  = []byte{0x37, 0xE4, 0x53, 0x96, 0xC9, 0xDB, 0xD6, 0x07}
	rdZisofs2Magic = []byte{0xEF, 0x22, 0x55, 0xA1, 0xBC, 0x1B, 0x95, 0xA0}
)

const (
	rdZisofsHeaderLen  = 16
	rdZisofs2HeaderLen = 24
	rdZisofs2MaxSize   = 1 << 62 // beyond any medium; keeps offsets in int64
	rdZisofsMinLog2    = 15
	rdZisofsMaxLog2    = 17
)

// setZisofs checks a ZF or Z2 entry against the stored size and, if it
// makes sense, makes e a zisofs file. If not, the file keeps its stored
// size and reading it fails.
func (im *Image) setZisofs(e *rdEntry, zf suspEntry, at int64) {
	what := "zisofs " + zf.Sig + " entry"
	stored := e.Size
	d := zf.Data
	if len(d) != 12 {
		e.bad = rdFormatErr(at, what, "%s entry is %d bytes, want 16", zf.Sig, len(d)+suspHeaderLen)
		return
	}
	alg, hdr, log2 := string(d[0:2]), int(d[2])*4, d[3]
	info := &ZisofsInfo{Version: int(zf.Version), Algorithm: alg, StoredSize: stored, sig: zf.Sig}
	var size uint64
	var ptr int64 // bytes per block pointer
	switch {
	case zf.Version == 2:
		// zisofs2: a 64-bit size in little-endian order only.
		size, ptr = binary.LittleEndian.Uint64(d[4:12]), 8
		switch {
		case alg != "PZ":
			e.bad = rdFormatErr(at, what, "unsupported zisofs2 compression algorithm %q", alg)
		case hdr != rdZisofs2HeaderLen:
			e.bad = rdFormatErr(at, what, "header size %d, want %d", hdr, rdZisofs2HeaderLen)
		case size > rdZisofs2MaxSize:
			e.bad = rdFormatErr(at, what, "implausible uncompressed size %d", size)
		}
	case zf.Sig == "Z2":
		e.bad = rdFormatErr(at, what, "Z2 entry of version %d, want 2", zf.Version)
	default:
		s32, err := suspReadBoth32(d[4:12])
		size, ptr = uint64(s32), 4
		info.Version = 1
		switch {
		case err != nil:
			e.bad = rdFormatErr(at, what, "uncompressed size: %v", err)
		case alg != "pz":
			e.bad = rdFormatErr(at, what, "unsupported compression algorithm %q", alg)
		case hdr != rdZisofsHeaderLen:
			e.bad = rdFormatErr(at, what, "header size %d, want %d", hdr, rdZisofsHeaderLen)
		}
	}
	if e.bad != nil {
		return
	}
	if log2 < rdZisofsMinLog2 || log2 > rdZisofsMaxLog2 {
		e.bad = rdFormatErr(at, what, "block size 2^%d is outside 2^%d..2^%d", log2, rdZisofsMinLog2, rdZisofsMaxLog2)
		return
	}
	blocks := (int64(size) + 1<<log2 - 1) >> log2
	if blocks+1 > stored/ptr {
		e.bad = rdFormatErr(at, what, "uncompressed size %d needs a %d-byte block table, but only %d bytes are stored", size, int64(hdr)+ptr*(blocks+1), stored)
		return
	}
	if need := int64(hdr) + ptr*(blocks+1); need > stored {
		e.bad = rdFormatErr(at, what, "uncompressed size %d needs a %d-byte block table, but only %d bytes are stored", size, need, stored)
		return
	}
	info.BlockSize, info.Size = 1<<log2, int64(size)
	e.Zisofs = info
	e.Size = int64(size)
}

// rdZisofs decompresses a zisofs file, one block at a time, keeping
// the last block.
type rdZisofs struct {
	raw  *rdExtents
	info *ZisofsInfo

	mu       sync.Mutex
	table    []int64
	tableErr error
	cached   int64 // block index in buf, or -1
	buf      []byte
}

func rdNewZisofs(raw *rdExtents, info *ZisofsInfo) *rdZisofs {
	return &rdZisofs{raw: raw, info: info, cached: -1}
}

func (z *rdZisofs) fail(off int64, format string, args ...any) error {
	return rdFormatErr(z.raw.imageOffset(off), "zisofs data", format, args...)
}

// load reads and checks the header and the block table.
func (z *rdZisofs) load() error {
	if z.table != nil || z.tableErr != nil {
		return z.tableErr
	}
	z.tableErr = z.loadTable()
	return z.tableErr
}

func (z *rdZisofs) loadTable() error {
	hlen, ptr, magic := int64(rdZisofsHeaderLen), int64(4), rdZisofsMagic
	if z.info.Version == 2 {
		hlen, ptr, magic = rdZisofs2HeaderLen, 8, rdZisofs2Magic
	}
	h := make([]byte, hlen)
	if _, err := z.raw.ReadAt(h, 0); err != nil {
		return rdNoEOF(err, z.fail(0, "header truncated"))
	}
	bs := int64(z.info.BlockSize)
	if !bytes.Equal(h[:8], magic) {
		return z.fail(0, "bad magic % X", h[:8])
	}
	if z.info.Version == 2 {
		switch size := binary.LittleEndian.Uint64(h[12:20]); {
		case h[8] != 0:
			return z.fail(8, "header version %d, want 0", h[8])
		case h[10] != 1:
			return z.fail(10, "algorithm %d, want 1 (zlib)", h[10])
		case size != uint64(z.info.Size):
			return z.fail(12, "header size %d differs from the %s entry's %d", size, "zisofs2", z.info.Size)
		case int64(h[9])*4 != hlen || int64(1)<<h[11] != bs:
			return z.fail(9, "header sizes (%d, 2^%d) differ from the entry's", int(h[9])*4, h[11])
		}
	} else {
		switch {
		case int64(binary.LittleEndian.Uint32(h[8:12])) != z.info.Size:
			return z.fail(8, "header size %d differs from the ZF entry's %d", binary.LittleEndian.Uint32(h[8:12]), z.info.Size)
		case int64(h[12])*4 != hlen || int64(1)<<h[13] != bs:
			return z.fail(12, "header sizes (%d, 2^%d) differ from the ZF entry's", int(h[12])*4, h[13])
		}
	}
	blocks := (z.info.Size + bs - 1) / bs
	tb := make([]byte, ptr*(blocks+1)) // setZisofs checked it fits the stored data
	if _, err := z.raw.ReadAt(tb, hlen); err != nil {
		return rdNoEOF(err, z.fail(hlen, "block table truncated"))
	}
	t := make([]int64, blocks+1)
	end := hlen + int64(len(tb))
	for i := range t {
		if ptr == 8 {
			v := binary.LittleEndian.Uint64(tb[8*i:])
			if v > uint64(z.raw.size) {
				return z.fail(hlen+ptr*int64(i), "block offset %d is past the %d stored bytes", v, z.raw.size)
			}
			t[i] = int64(v)
		} else {
			t[i] = int64(binary.LittleEndian.Uint32(tb[4*i:]))
		}
		at := hlen + ptr*int64(i)
		switch {
		case i == 0 && t[0] < end:
			return z.fail(hlen, "block 0 starts at %d, inside the header or table (%d bytes)", t[0], end)
		case i > 0 && t[i] < t[i-1]:
			return z.fail(at, "block table offsets decrease (%d after %d)", t[i], t[i-1])
		case i > 0 && t[i]-t[i-1] > 2*bs+1024:
			return z.fail(at, "block %d is %d bytes compressed, more than any %d-byte block needs", i-1, t[i]-t[i-1], bs)
		case t[i] > z.raw.size:
			return z.fail(at, "block offset %d is past the %d stored bytes", t[i], z.raw.size)
		}
	}
	z.table = t
	return nil
}

// rdNoEOF turns the io.EOF of a short read into err.
func rdNoEOF(got, err error) error {
	if got == io.EOF {
		return err
	}
	return got
}

// block returns the decompressed block i.
func (z *rdZisofs) block(i int64) ([]byte, error) {
	if z.cached == i {
		return z.buf, nil
	}
	bs := int64(z.info.BlockSize)
	want := min(bs, z.info.Size-i*bs)
	if cap(z.buf) < int(bs) {
		z.buf = make([]byte, bs)
	}
	out := z.buf[:want]
	z.cached = -1
	lo, hi := z.table[i], z.table[i+1]
	if lo == hi {
		clear(out) // a block of zeros
		z.cached = i
		return out, nil
	}
	comp := make([]byte, hi-lo)
	if _, err := z.raw.ReadAt(comp, int64(lo)); err != nil {
		return nil, rdNoEOF(err, z.fail(int64(lo), "block %d truncated", i))
	}
	// Each block is a whole zlib stream (RFC 1950) of exactly want bytes;
	// the decoder checks its Adler-32.
	n, err := inflate.Zlib(out, comp)
	switch {
	case errors.Is(err, inflate.ErrTooLong):
		return nil, z.fail(int64(lo), "block %d inflates to more than %d bytes", i, want)
	case err != nil:
		return nil, z.fail(int64(lo), "block %d: %v", i, err)
	case int64(n) < want:
		return nil, z.fail(int64(lo), "block %d inflates to less than %d bytes: %d", i, want, n)
	}
	z.cached = i
	return out, nil
}

// ReadAt reads decompressed data.
func (z *rdZisofs) ReadAt(p []byte, off int64) (int, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if err := z.load(); err != nil {
		return 0, err
	}
	bs := int64(z.info.BlockSize)
	n := 0
	for n < len(p) && off < z.info.Size {
		b, err := z.block(off / bs)
		if err != nil {
			return n, err
		}
		k := copy(p[n:], b[off%bs:])
		n += k
		off += int64(k)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
