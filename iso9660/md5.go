package iso9660

// MD5 checksums recorded in the image (Options.MD5), in the two forms
// that readers check:
//
//   - libisofs's (libisofs doc/checksums.txt; what xorriso -md5 on and
//     xorriso -as mkisofs --md5 write): checksum tags after the volume
//     descriptor set, after the directory trees and at the end of the
//     session, each the MD5 of the session up to it; a checksum array
//     after the file data with each data file's MD5; AAIP 2.0 attributes
//     (libisofs doc/susp_aaip_2_0.txt, doc/susp_aaip_isofs_names.txt) in
//     SUSP "AL" entries: "isofs.ca" on the root's "." record locates the
//     array, "isofs.cx" on each data file gives its entry.
//   - isomd5sum's (implantisomd5, checkisomd5): an MD5 of the whole image
//     as text in the Application Use field of the primary volume
//     descriptor (ECMA-119 §8.4.32). It covers the descriptor, so it can
//     only be patched in once the image is written (ImplantAppUse).
//
// The layout with MD5 (S the session's first block):
//
//	S+16 ..         volume descriptors, terminator at T
//	T+1             superblock tag (next= the tree tag)
//	                path tables, directories and their continuation areas
//	                (the primary tree, then the Joliet tree)
//	                tree tag (next= the session tag)
//	                boot catalog, file data
//	E               checksum array: ceil((N+2)/128) blocks (with Rock Ridge)
//	                session tag
//	                padding
//
// Without Rock Ridge there is no System Use field for the attributes, so
// only the tags are recorded: a reader could not find the array.
//
// The two kinds cannot cover each other: the isomd5sum text holds an MD5
// of the image, tags included, and a tag holds an MD5 of the blocks
// before it. A session at block 0 would have its superblock tag cover the
// primary volume descriptor, so patching the text in would break every
// tag (xorriso then refuses to load the tree). So a single-session image
// with MD5 is laid out as libisofs lays out image files that can grow
// (see session.go): the session, with its tags, starts at block 32, and
// the 64 KiB head before it holds, at block 16, the copy of its volume
// descriptors that readers start from; the isomd5sum text goes into that
// copy, outside every tag's range. (libisofs records a tag after that
// copy too, "libisofs_rlsb32_checksum_tag_v1"; it would cover the text, so
// it is left out; xorriso finds the session's tags without it.)

import (
	"errors"
	"fmt"
	"hash"
	"io"

	"spindle/internal/md5"
	"spindle/isomd5"
)

// md5Plan is where the checksums go and what they hold.
type md5Plan struct {
	// index maps each checksummed file (the first name of hard links)
	// to its entry in the checksum array, 1 .. N.
	index map[*Node]uint32
	// array is nil without Rock Ridge (no attributes, no array).
	array                             *isomd5.ChecksumArray
	previous                          []*Node // files of earlier sessions, to read back
	sbTag, treeTag, arrayLBA, sessTag uint32
	// implant is the isomd5sum hasher of a single-session image, once
	// WriteTo has run.
	implant *isomd5.ImplantHasher
}

// errMD5NoRockRidge is the warning for MD5 without Rock Ridge.
var errMD5NoRockRidge = errors.New("MD5 without Rock Ridge: only the checksum tags are recorded; file checksums need Rock Ridge's System Use field for their AAIP attributes (use -R or -r)")

// planMD5 numbers the checksummed files: the data files in the order
// their data is written, then the files of earlier sessions and the empty
// files (libisofs gives those an entry too). The data of earlier
// sessions' files is read back to checksum it (xorriso copies their
// checksums from the earlier session's array where it has one).
func (w *Writer) planMD5() {
	p := &md5Plan{}
	w.md5 = p
	if !w.rr() {
		w.warn(errMD5NoRockRidge)
		return
	}
	p.index = map[*Node]uint32{}
	var later []*Node
	count := uint32(0)
	for _, d := range w.primary.dirs {
		for _, r := range d.recs {
			n := r.node
			if r.kind != recFile || r.part != 0 || !n.Mode.IsRegular() {
				continue
			}
			if n.first != nil {
				n = n.first
			}
			if p.index[n] != 0 || n.previous && n.Size > 0 && n.open == nil {
				continue
			}
			if n.Size == 0 || n.prev != nil {
				later = append(later, n)
				p.index[n] = ^uint32(0) // numbered below
				continue
			}
			count++
			p.index[n] = count
		}
	}
	for _, n := range later {
		count++
		p.index[n] = count
	}
	p.array = isomd5.NewChecksumArray(count)
	none := md5.Sum(nil)
	for _, n := range later {
		if n.Size == 0 {
			_ = p.array.Set(p.index[n], none)
		} else {
			p.previous = append(p.previous, n)
		}
	}
}

// previousSums checksums the files carried over from earlier sessions.
func (s *stream) previousSums() error {
	bp := streamBuf.Get().(*[]byte)
	defer streamBuf.Put(bp)
	for _, n := range s.w.md5.previous {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		r, err := n.content()
		if err != nil {
			return &PathError{Path: n.Source(), Err: err}
		}
		h := md5.New()
		k, err := io.CopyBuffer(h, r, *bp)
		r.Close()
		if err == nil && k != n.Size {
			err = fmt.Errorf("%d of %d bytes of data in the earlier session", k, n.Size)
		}
		if err != nil {
			return &PathError{Path: n.Source(), Err: err}
		}
		var sum [16]byte
		h.Sum(sum[:0])
		if err := s.w.setSum(n, sum); err != nil {
			return err
		}
	}
	return nil
}

// md5Index is the checksum array entry of a file's data; 0 for none.
func (w *Writer) md5Index(n *Node) uint32 {
	if w.md5 == nil || w.md5.index == nil {
		return 0
	}
	if n.first != nil {
		n = n.first
	}
	return w.md5.index[n]
}

// aaipEntries returns the AL entries (AAIP 2.0) of a primary record:
// "isofs.ca" on the root's "." record, "isofs.cx" on every record of a
// checksummed file. xorriso records no "AAIP_0200" ER entry by default,
// and neither does this writer: SUSP 1.12 §5.5 would then ask for ES
// entries in every record.
func (w *Writer) aaipEntries(d *wdir, r *wrec) [][]byte {
	p := w.md5
	if p.array == nil {
		return nil
	}
	switch {
	case r.kind == recSelf && d.parent == d:
		area := p.array.Area(w.opt.SessionStart, p.arrayLBA)
		return isomd5.EncodeAL(isomd5.Attr{Name: isomd5.AttrChecksumArea, Value: area.Encode()})
	case r.kind == recFile:
		if i := w.md5Index(r.node); i != 0 {
			return isomd5.EncodeAL(isomd5.Attr{Name: isomd5.AttrChecksumIndex, Value: isomd5.EncodeChecksumIndex(i)})
		}
	}
	return nil
}

// setSum records the MD5 of a file's data in the checksum array.
func (w *Writer) setSum(n *Node, sum [16]byte) error {
	if i := w.md5Index(n); i != 0 {
		return w.md5.array.Set(i, sum)
	}
	return nil
}

// wantsSum reports whether the MD5 of n's data goes into the array.
func (w *Writer) wantsSum(n *Node) bool { return w.md5Index(n) != 0 }

// implants reports whether WriteTo computes the isomd5sum checksum: it
// covers the image from block 0, so only an image that WriteTo writes
// whole, head included, can have it.
func (w *Writer) implants() bool { return w.head && !w.opt.NoImplant }

// ImplantAppUse returns the isomd5sum checksum (implantisomd5's format)
// of the image WriteTo wrote and the byte offset in the image where it
// belongs: the Application Use field of the primary volume descriptor at
// block 16 (ECMA-119 §8.4.32). Written there, over the spaces WriteTo
// wrote, it makes checkisomd5 accept the image. It lies in the image's
// 64 KiB head, which no libisofs checksum covers (see Options.MD5).
//
// field is nil when the image has no isomd5sum checksum: without
// Options.MD5, with Options.NoImplant, or for a session that does not
// start the image (Options.SessionStart).
func (w *Writer) ImplantAppUse() (field []byte, offset int64, err error) {
	if w.md5 == nil || w.md5.implant == nil {
		return nil, 0, nil
	}
	f, err := w.md5.implant.AppUse(false)
	if err != nil {
		return nil, 0, err
	}
	return f[:], 16*BlockSize + appUseOffset, nil
}

// Application Use field of the primary volume descriptor (ECMA-119
// §8.4.32: BP 884 to 1395).
const (
	appUseOffset = isomd5.AppUseOffset
	appUseSize   = isomd5.AppUseSize
)

// md5Writer hashes everything the stream writes, in order, on its way to
// the output: the session MD5 for the tags and the array, and the
// isomd5sum MD5 of a single-session image. The second runs on its own
// goroutine for large writes, so the two cost one MD5's time.
type md5Writer struct {
	w io.Writer
	// session is set once the head (if any) is written: the session
	// MD5 starts at the session's first block.
	session bool
	sum     *isomd5.SessionSum
	implant *isomd5.ImplantHasher
	side    *sideHasher
}

func (w *Writer) newMD5Writer(out io.Writer) *md5Writer {
	m := &md5Writer{w: out, sum: isomd5.NewSessionSum(w.opt.SessionStart), session: !w.head}
	if w.implants() {
		m.implant = isomd5.NewImplantHasher(16*BlockSize, w.Blocks())
		m.side = newSideHasher()
		w.md5.implant = m.implant
	}
	return m
}

// sideMin is the size from which a write's second MD5 is handed to the
// side goroutine.
const sideMin = 32 << 10

func (m *md5Writer) Write(p []byte) (int, error) {
	if m.implant == nil {
		if m.session {
			m.sum.Write(p)
		}
		return m.w.Write(p)
	}
	if len(p) < sideMin {
		if m.session {
			m.sum.Write(p)
		}
		m.implant.Write(p)
		return m.w.Write(p)
	}
	// The output and both hashes only read p.
	m.side.start(m.implant, p)
	if m.session {
		m.sum.Write(p)
	}
	n, err := m.w.Write(p)
	m.side.wait()
	return n, err
}

func (m *md5Writer) close() {
	if m.side != nil {
		m.side.close()
	}
}

// sideHasher runs hash writes on a goroutine of its own.
type sideHasher struct {
	in   chan sideJob
	done chan struct{}
}

type sideJob struct {
	h io.Writer
	p []byte
}

func newSideHasher() *sideHasher {
	s := &sideHasher{in: make(chan sideJob), done: make(chan struct{})}
	go func() {
		for j := range s.in {
			j.h.Write(j.p)
			s.done <- struct{}{}
		}
	}()
	return s
}

// start hashes p into h on the side goroutine; p must stay unchanged
// until wait returns.
func (s *sideHasher) start(h io.Writer, p []byte) { s.in <- sideJob{h, p} }

func (s *sideHasher) wait() { <-s.done }

func (s *sideHasher) close() { close(s.in) }

// tag writes the checksum tag of the given kind at block lba: the MD5 of
// the session up to it (libisofs doc/checksums.txt).
func (s *stream) tag(lba uint32, kind isomd5.TagKind, next uint32) error {
	if err := s.at(lba, kind.String()); err != nil {
		return err
	}
	// Everything before the tag must have passed the hash.
	if err := s.bw.Flush(); err != nil {
		return err
	}
	b, err := s.md5.sum.Tag(kind, next)
	if err != nil {
		return err
	}
	return s.write(b[:])
}

// md5End writes the checksum array (entry 0 the MD5 of the session up to
// it) and the session tag.
func (s *stream) md5End() error {
	p := s.w.md5
	if p.array != nil {
		if err := s.previousSums(); err != nil {
			return err
		}
		if err := s.at(p.arrayLBA, "checksum array"); err != nil {
			return err
		}
		if err := s.bw.Flush(); err != nil {
			return err
		}
		if err := s.write(p.array.Encode(s.md5.sum.Sum())); err != nil {
			return err
		}
	}
	return s.tag(p.sessTag, isomd5.TagSession, 0)
}

// fileHasher computes a file's MD5 while the stream copies it, on a side
// goroutine; nil when the file gets no checksum.
type fileHasher struct {
	h    hash.Hash
	side *sideHasher
}

func (s *stream) newFileHasher(n *Node) *fileHasher {
	if !s.w.wantsSum(n) {
		return nil
	}
	return &fileHasher{h: md5.New(), side: newSideHasher()}
}

// write hashes p while the stream writes it.
func (f *fileHasher) write(s *stream, p []byte) error {
	if f == nil {
		return s.write(p)
	}
	f.side.start(f.h, p)
	err := s.write(p)
	f.side.wait()
	return err
}

// finish records the file's MD5.
func (f *fileHasher) finish(w *Writer, n *Node) error {
	if f == nil {
		return nil
	}
	var sum [16]byte
	f.h.Sum(sum[:0])
	return w.setSum(n, sum)
}

// writeHead writes the head of a growable image (session.go): 16 blocks
// of zeros and the copy of the session's volume descriptors, up to the
// session's start, outside the session's checksums.
func (s *stream) writeHead() error {
	if err := s.zeros(16 * BlockSize); err != nil {
		return err
	}
	sb := s.w.Superblock()
	if err := s.write(sb[:(s.w.opt.SessionStart-16)*BlockSize]); err != nil {
		return err
	}
	if s.md5 != nil {
		if err := s.bw.Flush(); err != nil {
			return err
		}
		s.md5.session = true
	}
	return nil
}

// close ends the side goroutine.
func (f *fileHasher) close() {
	if f != nil {
		f.side.close()
	}
}
