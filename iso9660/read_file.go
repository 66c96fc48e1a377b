package iso9660

// Open files of an Image: regular files read through their extents
// (ECMA-119 §6.5, multi-extent §6.5.1, interleaved §6.4.3), zisofs files
// decompressed on the fly (read_zisofs.go), and directories.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"sync"
	"sync/atomic"
)

// rdFile is an open file of an Image. Besides fs.File it implements
// io.ReaderAt (safe for concurrent use) and io.Seeker.
type rdFile struct {
	st   *rdStat
	data io.ReaderAt // extents, or the zisofs decompressor over them
	n    int64       // content size

	mu     sync.Mutex // Read and Seek
	off    int64
	closed atomic.Bool
}

var _ interface {
	fs.File
	io.ReaderAt
	io.Seeker
} = (*rdFile)(nil)

// newFile opens the content of a non-directory entry.
func (im *Image) newFile(st *rdStat) (*rdFile, error) {
	e := st.e
	if e.bad != nil {
		return nil, e.bad
	}
	f := &rdFile{st: st, n: e.Size}
	if !e.Mode.IsRegular() {
		f.n = 0 // symbolic links, devices: no content
		f.data = rdEOF{}
		return f, nil
	}
	raw, err := im.extentReader(e)
	if err != nil {
		return nil, err
	}
	f.data = raw
	if e.Zisofs != nil {
		f.data = rdNewZisofs(raw, e.Zisofs)
	}
	return f, nil
}

func (f *rdFile) size() int64 { return f.n }

// Stat returns the file's FileInfo.
func (f *rdFile) Stat() (fs.FileInfo, error) { return f.st, nil }

// Read reads from the current offset.
func (f *rdFile) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed.Load() {
		return 0, f.err("read", fs.ErrClosed)
	}
	if f.off >= f.n {
		return 0, io.EOF
	}
	if int64(len(p)) > f.n-f.off {
		p = p[:f.n-f.off]
	}
	k, err := f.data.ReadAt(p, f.off)
	f.off += int64(k)
	if err == io.EOF && k > 0 {
		err = nil
	}
	if err != nil && err != io.EOF {
		err = f.err("read", err)
	}
	return k, err
}

// ReadAt reads len(p) bytes at offset off (io.ReaderAt). It does not use
// or change the offset of Read and Seek, and it may be called
// concurrently.
func (f *rdFile) ReadAt(p []byte, off int64) (int, error) {
	if f.closed.Load() {
		return 0, f.err("read", fs.ErrClosed)
	}
	if off < 0 {
		return 0, f.err("read", errors.New("negative offset"))
	}
	if off >= f.n {
		return 0, io.EOF
	}
	want := len(p)
	if int64(want) > f.n-off {
		p = p[:f.n-off]
	}
	k, err := f.data.ReadAt(p, off)
	if err == nil && k < want {
		err = io.EOF
	}
	if err != nil && err != io.EOF {
		err = f.err("read", err)
	}
	return k, err
}

// Seek sets the offset for the next Read (io.Seeker).
func (f *rdFile) Seek(offset int64, whence int) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed.Load() {
		return 0, f.err("seek", fs.ErrClosed)
	}
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += f.off
	case io.SeekEnd:
		offset += f.n
	default:
		return 0, f.err("seek", fs.ErrInvalid)
	}
	if offset < 0 {
		return 0, f.err("seek", fs.ErrInvalid)
	}
	f.off = offset
	return offset, nil
}

// Close releases the file; later calls fail with fs.ErrClosed.
func (f *rdFile) Close() error {
	if f.closed.Swap(true) {
		return f.err("close", fs.ErrClosed)
	}
	return nil
}

func (f *rdFile) err(op string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return err
	}
	return &fs.PathError{Op: op, Path: f.st.name, Err: err}
}

type rdEOF struct{}

func (rdEOF) ReadAt([]byte, int64) (int, error) { return 0, io.EOF }

// rdExtents reads a file's extents as one stream of bytes.
type rdExtents struct {
	im    *Image
	size  int64
	parts []rdExtentPart
}

type rdExtentPart struct {
	start int64 // offset of the extent's first byte in the file
	len   int64
	img   int64 // image offset of the data (after the EAR)
	unit  int64 // interleaving, in bytes (0: contiguous)
	gap   int64
}

// extentReader maps e's extents into the image. Block addresses before the
// displacement are errors now; data past the end of the image only when
// it is read.
func (im *Image) extentReader(e *rdEntry) (*rdExtents, error) {
	d := &rdExtents{im: im}
	for _, x := range e.Extents {
		if x.Length == 0 {
			continue
		}
		off, err := im.blockOffset(int64(x.LBA)+int64(x.EARBlocks), e.Record, "file extent")
		if err != nil {
			return nil, err
		}
		p := rdExtentPart{start: d.size, len: int64(x.Length), img: off}
		if x.UnitSize != 0 {
			p.unit, p.gap = int64(x.UnitSize)*im.bs, int64(x.Gap)*im.bs
		}
		d.parts = append(d.parts, p)
		d.size += p.len
	}
	return d, nil
}

// ReadAt reads from the extents, in order.
func (d *rdExtents) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) && off < d.size {
		x := &d.parts[0]
		if len(d.parts) > 1 {
			i := sort.Search(len(d.parts), func(i int) bool { return d.parts[i].start+d.parts[i].len > off })
			x = &d.parts[i] // i < len(parts) since off < size
		}
		within := off - x.start
		img, run := x.img+within, x.len-within
		if x.unit > 0 {
			// Interleaved (ECMA-119 §6.4.3): units of x.unit bytes,
			// each followed by a gap of x.gap bytes.
			u, in := within/x.unit, within%x.unit
			img = x.img + u*(x.unit+x.gap) + in
			run = min(run, x.unit-in)
		}
		k := int(min(int64(len(p)-n), run))
		if img > d.im.size-int64(k) {
			return n, rdFormatErr(img, "file extent", "file data at byte %d (%d bytes) lies outside the %d-byte image", img, k, d.im.size)
		}
		got, err := d.im.r.ReadAt(p[n:n+k], img)
		n += got
		off += int64(got)
		if got < k {
			if err == nil || errors.Is(err, io.EOF) {
				return n, rdFormatErr(img+int64(got), "file extent", "image truncated in file data")
			}
			return n, fmt.Errorf("iso9660: reading file data at byte %d: %w", img+int64(got), err)
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// imageOffset returns the image offset of byte off of the data, for error
// messages.
func (d *rdExtents) imageOffset(off int64) int64 {
	for _, x := range d.parts {
		if off < x.start+x.len {
			return x.img + off - x.start
		}
	}
	return 0
}

// rdDir is an open directory (fs.ReadDirFile).
type rdDir struct {
	im     *Image
	path   string
	st     *rdStat
	list   []*rdEntry
	pos    int
	closed bool
}

func (d *rdDir) Stat() (fs.FileInfo, error) { return d.st, nil }

func (d *rdDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.path, Err: errReadIsDir}
}

func (d *rdDir) Close() error {
	if d.closed {
		return &fs.PathError{Op: "close", Path: d.path, Err: fs.ErrClosed}
	}
	d.closed = true
	return nil
}

// ReadDir returns the next n entries (all remaining ones if n <= 0), in
// name order (fs.ReadDirFile).
func (d *rdDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.closed {
		return nil, &fs.PathError{Op: "readdir", Path: d.path, Err: fs.ErrClosed}
	}
	rest := d.list[d.pos:]
	if n > 0 {
		if len(rest) == 0 {
			return nil, io.EOF
		}
		rest = rest[:min(n, len(rest))]
	}
	out := make([]fs.DirEntry, len(rest))
	for i, e := range rest {
		out[i] = &rdStat{name: e.Name, e: e}
	}
	d.pos += len(rest)
	return out, nil
}
