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
// Everything is checked before it is used: the table must fit in the
// stored data, offsets must be ordered and inside it, and a block must
// inflate to exactly its size.

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
	"sync"
)

// ZisofsInfo describes a zisofs-compressed file: its "ZF" System Use entry
// (the zisofs format of zisofs-tools, also written by mkisofs -z and
// xorriso; it extends RRIP 1.12 rather than being part of it). Reading
// such a file in the Rock Ridge view decompresses it.
type ZisofsInfo struct {
	Algorithm  string // "pz" (zlib)
	BlockSize  int    // 32768, 65536 or 131072
	Size       int64  // uncompressed size
	StoredSize int64  // compressed size, as recorded in the directory
}

var rdZisofsMagic = []byte{0x37, 0xE4, 0x53, 0x96, 0xC9, 0xDB, 0xD6, 0x07}

const (
	rdZisofsHeaderLen = 16
	rdZisofsMinLog2   = 15
	rdZisofsMaxLog2   = 17
)

// setZisofs checks a ZF entry (data after the 4-byte header) against the
// stored size and, if it makes sense, makes e a zisofs file. If not, the
// file keeps its stored size and reading it fails.
func (im *Image) setZisofs(e *rdEntry, zf []byte, at int64) {
	const what = "zisofs ZF entry"
	stored := e.Size
	if len(zf) != 12 {
		e.bad = rdFormatErr(at, what, "ZF entry is %d bytes, want 16", len(zf)+suspHeaderLen)
		return
	}
	alg, hdr, log2 := string(zf[0:2]), zf[2], zf[3]
	size, err := suspReadBoth32(zf[4:12])
	switch {
	case err != nil:
		e.bad = rdFormatErr(at, what, "uncompressed size: %v", err)
	case alg != "pz":
		e.bad = rdFormatErr(at, what, "unsupported compression algorithm %q", alg)
	case int(hdr)*4 != rdZisofsHeaderLen:
		e.bad = rdFormatErr(at, what, "header size %d, want %d", int(hdr)*4, rdZisofsHeaderLen)
	case log2 < rdZisofsMinLog2 || log2 > rdZisofsMaxLog2:
		e.bad = rdFormatErr(at, what, "block size 2^%d is outside 2^%d..2^%d", log2, rdZisofsMinLog2, rdZisofsMaxLog2)
	default:
		blocks := (int64(size) + 1<<log2 - 1) >> log2
		if need := rdZisofsHeaderLen + 4*(blocks+1); need > stored {
			e.bad = rdFormatErr(at, what, "uncompressed size %d needs a %d-byte block table, but only %d bytes are stored", size, need, stored)
			return
		}
		e.Zisofs = &ZisofsInfo{Algorithm: alg, BlockSize: 1 << log2, Size: int64(size), StoredSize: stored}
		e.Size = int64(size)
	}
}

// rdZisofs decompresses a zisofs file, one block at a time, keeping
// the last block.
type rdZisofs struct {
	raw  *rdExtents
	info *ZisofsInfo

	mu       sync.Mutex
	table    []uint32
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
	var h [rdZisofsHeaderLen]byte
	if _, err := z.raw.ReadAt(h[:], 0); err != nil {
		return rdNoEOF(err, z.fail(0, "header truncated"))
	}
	bs := int64(z.info.BlockSize)
	switch {
	case !bytes.Equal(h[:8], rdZisofsMagic):
		return z.fail(0, "bad magic % X", h[:8])
	case int64(binary.LittleEndian.Uint32(h[8:12])) != z.info.Size:
		return z.fail(8, "header size %d differs from the ZF entry's %d", binary.LittleEndian.Uint32(h[8:12]), z.info.Size)
	case int(h[12])*4 != rdZisofsHeaderLen || int64(1)<<h[13] != bs:
		return z.fail(12, "header sizes (%d, 2^%d) differ from the ZF entry's", int(h[12])*4, h[13])
	}
	blocks := (z.info.Size + bs - 1) / bs
	tb := make([]byte, 4*(blocks+1)) // setZisofs checked it fits the stored data
	if _, err := z.raw.ReadAt(tb, rdZisofsHeaderLen); err != nil {
		return rdNoEOF(err, z.fail(rdZisofsHeaderLen, "block table truncated"))
	}
	t := make([]uint32, blocks+1)
	end := uint32(rdZisofsHeaderLen + len(tb))
	for i := range t {
		t[i] = binary.LittleEndian.Uint32(tb[4*i:])
		switch {
		case i == 0 && t[0] < end:
			return z.fail(rdZisofsHeaderLen, "block 0 starts at %d, inside the header or table (%d bytes)", t[0], end)
		case i > 0 && t[i] < t[i-1]:
			return z.fail(rdZisofsHeaderLen+4*int64(i), "block table offsets decrease (%d after %d)", t[i], t[i-1])
		case i > 0 && int64(t[i]-t[i-1]) > 2*bs+1024:
			return z.fail(rdZisofsHeaderLen+4*int64(i), "block %d is %d bytes compressed, more than any %d-byte block needs", i-1, t[i]-t[i-1], bs)
		case int64(t[i]) > z.raw.size:
			return z.fail(rdZisofsHeaderLen+4*int64(i), "block offset %d is past the %d stored bytes", t[i], z.raw.size)
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
	zr, err := zlib.NewReader(bytes.NewReader(comp))
	if err != nil {
		return nil, z.fail(int64(lo), "block %d: %v", i, err)
	}
	if _, err := io.ReadFull(zr, out); err != nil {
		return nil, z.fail(int64(lo), "block %d inflates to less than %d bytes: %v", i, want, err)
	}
	// Reading on to the end checks the Adler-32 and that the block holds
	// no more than its size.
	var one [1]byte
	if k, err := zr.Read(one[:]); k != 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			return nil, z.fail(int64(lo), "block %d inflates to more than %d bytes", i, want)
		}
		return nil, z.fail(int64(lo), "block %d: %v", i, err)
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
