package iso9660

// Multi-session images. ECMA-119 knows one volume; multi-session discs
// and growable image files record a new volume descriptor set for each
// session, whose directory tree names the files of the earlier sessions
// by their old block addresses and adds or replaces some (the mkisofs
// -C/-M recipe; xorriso's growing of files and overwritable media).
//
// On a CD the drive's table of contents says where each session starts.
// An image file or an overwritable medium has no such table, so libisofs
// lays sessions out in a way that can be found again, and this package
// does the same:
//
//   - the first session starts at block 32; blocks 0-31 (64 KiB) hold a
//     system area and, at block 16, a copy of the newest session's volume
//     descriptors, so that a reader starting at block 16 (the Linux kernel,
//     any ISO 9660 reader) sees the newest tree;
//   - each session starts on a multiple of 32 blocks and has its own
//     descriptors at its start + 16, recording the session's size (not
//     the volume's: that is in the copy at block 16);
//   - the next session starts at the end of the last one rounded up to 32
//     blocks.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"

	"spindle/isomd5"
)

// growableFirstSession is where the first session of a growable image
// starts, behind the 64 KiB whose descriptors are rewritten by each
// later session.
const growableFirstSession = 32

// sessionAlign is the alignment of growable sessions, in blocks.
const sessionAlign = 32

// NextSessionStart returns the block where a session appended to a
// growable image of volumeBlocks blocks begins. That is libisofs's layout
// for image files and overwritable media; on a CD-R the next session
// begins after the last one's lead-out and its own lead-in, which
// disc.NextSessionStart computes (and a drive reports: cdrecord -msinfo).
func NextSessionStart(volumeBlocks uint32) uint32 {
	s := (uint64(volumeBlocks) + sessionAlign - 1) / sessionAlign * sessionAlign
	if s < growableFirstSession {
		return growableFirstSession
	}
	if s > 0xFFFFFFFF {
		return 0xFFFFFFFF &^ (sessionAlign - 1)
	}
	return uint32(s)
}

// fromPrevious reports whether n was carried over from an earlier session.
func (n *Node) fromPrevious() bool { return n.previous }

// fileParts is the number of directory records (extents) a file needs.
func fileParts(n *Node) int {
	if n.prev != nil {
		return len(n.prev)
	}
	if n.Mode.IsRegular() && n.Size > maxExtent {
		return int((n.Size + maxExtent - 1) / maxExtent)
	}
	return 1
}

// AddPrevious adds the files of an earlier session, read from img, to the
// tree: the next session's directories list them with their recorded
// block addresses, so their data is not written again. Files added later
// under the same name replace them, and directories merge (mkisofs -M).
// img should be read with Rock Ridge names where the session has them.
func (t *Tree) AddPrevious(img *Image) error {
	root, err := img.Lstat(".")
	if err != nil {
		return err
	}
	copyAttrs(t.root, previousNode(root, "."))
	return t.addPrevious(img, ".", t.root, 0)
}

// maxPreviousDepth bounds the recursion over an earlier session; the
// reader refuses loops, this guards against absurd depth.
const maxPreviousDepth = 1000

func (t *Tree) addPrevious(img *Image, dir string, into *Node, depth int) error {
	if depth > maxPreviousDepth {
		return &PathError{Path: "previous session:/" + dir, Err: errors.New("directories nested too deeply")}
	}
	ents, err := img.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		p := path.Join(dir, e.Name())
		fi, err := e.Info()
		if err != nil {
			return err
		}
		n := previousNode(fi, p)
		if n.prev != nil {
			n.open = previousData(img, n.prev)
		}
		placed, err := t.place(into, n)
		if err != nil {
			return err
		}
		if n.IsDir() {
			if err := t.addPrevious(img, p, placed, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// previousNode makes a node that refers to a file of an earlier session.
func previousNode(fi fs.FileInfo, p string) *Node {
	n := &Node{Name: fi.Name(), Mode: fi.Mode(), ModTime: fi.ModTime(), previous: true,
		src: "previous session:/" + p}
	x, _ := fi.Sys().(*FileInfo)
	if x == nil {
		return n
	}
	n.Name = x.Name
	n.AccessTime, n.ChangeTime = x.AccessTime, x.ChangeTime
	n.UID, n.GID = x.UID, x.GID
	n.Target = x.Target
	n.Rdev = mkdev(x.DevMajor, x.DevMinor)
	if n.Mode.IsRegular() {
		n.Size = x.Size
		n.prev = x.Extents
		if len(n.prev) == 0 {
			// An empty file: no extent, nothing to carry.
			n.prev = nil
			n.previous = true
		}
		if x.Zisofs != nil {
			z := *x.Zisofs
			n.zf = &z
		}
		if x.Nlink > 1 {
			// Names that share an extent are hard links of one file.
			n.linkKey = [2]uint64{^uint64(0), x.Ino}
		}
	}
	return n
}

// previousData returns an opener for the data of a file of an earlier
// session as recorded, extent after extent (for the checksums of
// Options.MD5, which cover the data as stored).
func previousData(img *Image, extents []Extent) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		rs := make([]io.Reader, 0, len(extents))
		for _, e := range extents {
			off, err := img.blockOffset(int64(e.LBA)+int64(e.EARBlocks), 0, "file data")
			if err != nil {
				return nil, err
			}
			rs = append(rs, io.NewSectionReader(img.r, off, int64(e.Length)))
		}
		return io.NopCloser(io.MultiReader(rs...)), nil
	}
}

// mkdev is the inverse of devMajor and devMinor: glibc's dev_t encoding.
func mkdev(major, minor uint32) uint64 {
	ma, mi := uint64(major), uint64(minor)
	return mi&0xff | (ma&0xfff)<<8 | (mi&^0xff)<<12 | (ma&^0xfff)<<32
}

// zisofsZF returns the ZF entry of a zisofs file (see read_zisofs.go).
func zisofsZF(z *ZisofsInfo) []byte {
	d := make([]byte, 12)
	for l := 15; l <= 17; l++ {
		if 1<<l == z.BlockSize {
			d[3] = byte(l)
		}
	}
	if z.Version == 2 {
		// zisofs2: algorithm "PZ", a 24-byte header, the size in 64 bits
		// little-endian, entry version 2; signature "Z2" if the file had
		// one (readers of version 1 only then leave the file alone), else
		// "ZF".
		copy(d, "PZ")
		d[2] = 24 / 4
		binary.LittleEndian.PutUint64(d[4:], uint64(z.Size))
		sig := "ZF"
		if z.sig == "Z2" {
			sig = "Z2"
		}
		e := suspBuild(sig, d)
		e[3] = 2
		return e
	}
	copy(d, "pz")
	d[2] = 4 // header size / 4
	putBoth32(d[4:], uint32(z.Size))
	return suspBuild("ZF", d)
}

// Superblock returns the 16 blocks to write at block 16 of a growable
// image (Options.Growable) once the session is in place: the session's
// volume descriptors, recording the whole volume's size, so that readers
// that start at block 16 see this session.
//
// With Options.MD5, for a session appended to an image (not the first
// session of a growable image, whose head WriteTo writes itself), the
// descriptors are followed by libisofs's relocated superblock tag
// ("libisofs_rlsb32_checksum_tag_v1", libisofs doc/checksums.txt): the
// MD5 of blocks 0 to the terminator, pointing to the session's start.
// Superblock takes blocks 0-15 to be zeros; SuperblockWith takes them.
func (w *Writer) Superblock() []byte { return w.SuperblockWith(nil) }

// SuperblockWith is Superblock for an image whose blocks 0-15 (the
// system area, ECMA-119 §6.2.1) hold systemArea (16*BlockSize bytes; nil
// for zeros), which the relocated superblock tag covers.
func (w *Writer) SuperblockWith(systemArea []byte) []byte {
	b := make([]byte, 16*BlockSize)
	w.superblock = true
	defer func() { w.superblock = false }()
	pos := 0
	put := func(d []byte) { pos += copy(b[pos:], d) }
	for _, d := range w.descriptorSet() {
		put(d)
	}
	if w.md5 != nil && !w.head {
		sum := isomd5.NewSessionSum(0)
		sys := make([]byte, 16*BlockSize)
		copy(sys, systemArea)
		sum.Write(sys)
		sum.Write(b[:pos])
		if t, err := sum.Tag(isomd5.TagRelocatedSuperblock, w.opt.SessionStart); err == nil {
			put(t[:])
		}
	}
	return b
}

// Session is one session of a growable image.
type Session struct {
	Start    uint32 // first block
	Blocks   uint32 // size in blocks
	VolumeID string
}

// Sessions finds the sessions of a growable image file as libisofs lays
// them out (see the top of this file): from block 32 on, each session's
// descriptors give its size and the next starts at the following multiple
// of 32 blocks, up to the volume size recorded at block 16. An image
// without that layout has one session, at block 0.
func Sessions(r io.ReaderAt, size int64) ([]Session, error) {
	top, err := readPVD(r, size, 16)
	if err != nil {
		return nil, err
	}
	end := top.blocks
	var out []Session
	for start := uint32(growableFirstSession); start < end && len(out) < 10000; {
		d, err := readPVD(r, size, int64(start)+16)
		if err != nil || d.blocks == 0 {
			break
		}
		out = append(out, Session{Start: start, Blocks: d.blocks, VolumeID: d.volumeID})
		next := NextSessionStart(start + d.blocks)
		if next <= start {
			break
		}
		start = next
	}
	if len(out) == 0 {
		return []Session{{Start: 0, Blocks: top.blocks, VolumeID: top.volumeID}}, nil
	}
	return out, nil
}

type pvdInfo struct {
	blocks   uint32
	volumeID string
}

// readPVD reads the volume space size and identifier of the primary
// volume descriptor in the set starting at block lba.
func readPVD(r io.ReaderAt, size int64, lba int64) (pvdInfo, error) {
	for i := int64(0); i < 64; i++ {
		off := (lba + i) * BlockSize
		if off+BlockSize > size {
			return pvdInfo{}, &FormatError{Offset: off, Structure: "volume descriptor", Msg: "beyond the end of the image"}
		}
		var b [BlockSize]byte
		if _, err := r.ReadAt(b[:], off); err != nil {
			return pvdInfo{}, err
		}
		if string(b[1:6]) != "CD001" {
			return pvdInfo{}, &FormatError{Offset: off, Structure: "volume descriptor", Msg: "no standard identifier CD001"}
		}
		switch b[0] {
		case 1:
			// ECMA-119 §8.4.8: volume space size, both-byte order.
			return pvdInfo{blocks: binary.LittleEndian.Uint32(b[80:]), volumeID: trimA(b[40:72])}, nil
		case 255:
			return pvdInfo{}, &FormatError{Offset: off, Structure: "volume descriptor set", Msg: "no primary volume descriptor"}
		}
	}
	return pvdInfo{}, &FormatError{Offset: lba * BlockSize, Structure: "volume descriptor set", Msg: fmt.Sprintf("no terminator in %d descriptors", 64)}
}

func trimA(b []byte) string {
	end := len(b)
	for end > 0 && (b[end-1] == ' ' || b[end-1] == 0) {
		end--
	}
	return string(b[:end])
}
