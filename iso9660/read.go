package iso9660

// The reader: an ECMA-119 volume (with Rock Ridge, Joliet, zisofs, and High
// Sierra volumes too) presented as an io/fs file system over an io.ReaderAt.
//
// Open reads the volume descriptors (read_volume.go) and the root
// directory's first record; directories (read_dir.go, with their System Use
// entries in read_susp.go) are read when first needed and kept; file
// contents (read_file.go, zisofs in read_zisofs.go) are read on demand.
// Every length, count and location taken from the medium is checked against
// the image size and a fixed bound before it is used.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

// NameView selects which of an image's name spaces the reader presents.
// One ECMA-119 volume can carry up to three: the primary directory
// hierarchy's d-character identifiers (ECMA-119 §7.5, §9.1.11), the POSIX
// names Rock Ridge records on the same hierarchy (RRIP 1.12 §4.1.4 NM), and
// the separate UCS-2 hierarchy of a Joliet supplementary volume descriptor
// (Joliet §3, ECMA-119 §8.5).
type NameView int

const (
	// NamesAuto presents Rock Ridge when the volume has it, else Joliet,
	// else the plain ECMA-119 names (Linux chooses the same way).
	NamesAuto NameView = iota
	// NamesRockRidge presents the primary hierarchy with Rock Ridge names
	// and attributes (RRIP 1.12 §4.1); Open fails with ErrNoExtension if
	// the volume has no Rock Ridge.
	NamesRockRidge
	// NamesJoliet presents the Joliet hierarchy (Joliet §3); Open fails
	// with ErrNoExtension if there is no Joliet descriptor.
	NamesJoliet
	// NamesPlain presents the primary hierarchy's ECMA-119 identifiers
	// (§9.1.11), ignoring Rock Ridge: the version ";1" and an empty
	// extension's "." before it are removed as Linux removes them, and
	// the case is kept (Linux's default map=normal also lowercases).
	NamesPlain
)

// String returns the view's name: "auto", "rockridge", "joliet" or "plain".
func (v NameView) String() string {
	switch v {
	case NamesAuto:
		return "auto"
	case NamesRockRidge:
		return "rockridge"
	case NamesJoliet:
		return "joliet"
	case NamesPlain:
		return "plain"
	}
	return fmt.Sprintf("NameView(%d)", int(v))
}

// ReadOptions configures Open. The zero value (or nil) reads the first
// session of an image that starts at byte 0, in the NamesAuto view.
type ReadOptions struct {
	// Names selects the name space presented (see NameView).
	Names NameView
	// SessionStart is the block (of 2048 bytes) where the session to read
	// begins in the image: its volume descriptors are at SessionStart+16
	// (ECMA-119 §6.2.1: the 16-sector system area comes first). 0 reads
	// the first session. For a multi-session or grown image the caller
	// picks the session (from the disc's table of contents, or the last
	// one that verifies); recorded block addresses are absolute, so no
	// displacement is needed when the image holds the whole medium.
	SessionStart int64
	// Displacement is subtracted from every block address recorded in the
	// volume (extents, continuation areas, relocation entries, the boot
	// catalog). Set it when a session was copied away from the address it
	// was recorded for, such as the data session of a CD-Extra disc saved
	// to a file of its own: the file's block 0 is the disc's block
	// Displacement.
	Displacement int64
}

// ErrFormat is what every *FormatError wraps: the image is not a valid
// ECMA-119 volume, or a structure in it is damaged.
var ErrFormat = errors.New("iso9660: invalid image")

// ErrNoExtension is returned by Open when ReadOptions.Names asks for Rock
// Ridge or Joliet names and the volume does not record them.
var ErrNoExtension = errors.New("iso9660: the requested name space is not recorded on the volume")

// FormatError reports a damaged or invalid structure: which structure, at
// which byte offset of the image (the io.ReaderAt passed to Open), and what
// is wrong with it. errors.Is(err, ErrFormat) holds for every FormatError.
type FormatError struct {
	Offset    int64  // byte offset of the structure in the image
	Structure string // "primary volume descriptor", "directory record", ...
	Msg       string
}

// Error names the structure and its byte offset.
func (e *FormatError) Error() string {
	return fmt.Sprintf("iso9660: %s at byte %d: %s", e.Structure, e.Offset, e.Msg)
}

// Unwrap returns ErrFormat.
func (e *FormatError) Unwrap() error { return ErrFormat }

// rdFormatErr builds a *FormatError. A message that begins with a
// decoder's error keeps it without its "iso9660: " prefix.
func rdFormatErr(off int64, structure string, format string, args ...any) *FormatError {
	msg := fmt.Sprintf(format, args...)
	return &FormatError{Offset: off, Structure: structure, Msg: strings.TrimPrefix(msg, "iso9660: ")}
}

// Bounds on what the reader accepts from a medium. They are far above what
// any writer produces and keep hostile images from costing unbounded
// memory or time.
const (
	// readMaxDescriptors bounds the volume descriptor set (ECMA-119 §8.1):
	// descriptors are read until a terminator, at most this many.
	readMaxDescriptors = 256
	// readMaxDirSize bounds one directory's extent (ECMA-119 §9.1.4):
	// 64 MiB holds about a million records.
	readMaxDirSize = 64 << 20
	// readMaxDepth bounds directory nesting, relocated directories
	// (RRIP 1.12 §4.1.5) included.
	readMaxDepth = 1024
	// readMaxLinks bounds the symbolic links followed while resolving one
	// path, as Linux does (MAXSYMLINKS).
	readMaxLinks = 40
	// readMaxCE bounds the continuation areas chained to one record
	// (SUSP 1.12 §5.1); Linux follows at most 32 as well.
	readMaxCE = 32
	// readMaxSUSP bounds the System Use bytes of one record, its own field
	// and all its continuation areas together.
	readMaxSUSP = 64 << 10
	// readMaxSUSPPerDir is the continuation area bytes one directory's
	// records may use, plus 32 per byte of directory.
	readMaxSUSPPerDir = 1 << 20
)

// Image is an ECMA-119 volume opened for reading. It implements fs.FS,
// fs.StatFS, fs.ReadDirFS, fs.ReadFileFS and fs.ReadLinkFS; it is safe for
// concurrent use. Files opened from it implement io.ReaderAt and io.Seeker.
//
// Paths are resolved as on a mounted disc whose root is the root of the
// file system (as under chroot): Open, Stat, ReadDir and ReadFile follow
// symbolic links, absolute targets lead from the volume's root and ".."
// stops there; Lstat and ReadLink do not follow the final element. A link
// that leads nowhere in the volume gives fs.ErrNotExist.
type Image struct {
	r    io.ReaderAt
	size int64
	disp int64 // ReadOptions.Displacement
	bs   int64 // logical block size (ECMA-119 §6.1.2, §8.4.12)
	hs   bool  // High Sierra record layout
	view NameView
	vol  VolumeDescriptorInfo

	rr     bool // Rock Ridge in use for this view
	rrSkip int  // LEN_SKP (SUSP 1.12 §5.3)

	root *rdEntry

	mu       sync.Mutex
	dirs     map[rdDirKey]*rdDirList
	dirOwner map[int64]int64 // directory extent -> offset of its record
}

type rdDirKey struct{ off, size int64 }

// Open reads the volume descriptors of the image r (size bytes long) and
// the root directory, and returns the volume as a file system. Damaged or
// invalid structures are reported as *FormatError; I/O errors of r are
// returned as they are, wrapped.
func Open(r io.ReaderAt, size int64, opt *ReadOptions) (*Image, error) {
	if opt == nil {
		opt = &ReadOptions{}
	}
	if size < 0 {
		return nil, rdFormatErr(0, "image", "negative size %d", size)
	}
	if opt.SessionStart < 0 || opt.SessionStart > size/BlockSize {
		return nil, rdFormatErr(opt.SessionStart*BlockSize, "session", "session start block %d is outside the %d-byte image", opt.SessionStart, size)
	}
	switch opt.Names {
	case NamesAuto, NamesRockRidge, NamesJoliet, NamesPlain:
	default:
		return nil, fmt.Errorf("iso9660: unknown name view %d", int(opt.Names))
	}
	im := &Image{r: r, size: size, disp: opt.Displacement, dirs: map[rdDirKey]*rdDirList{}, dirOwner: map[int64]int64{}}
	vds, err := im.readDescriptors(opt.SessionStart)
	if err != nil {
		return nil, err
	}
	if err := im.chooseView(vds, opt.Names); err != nil {
		return nil, err
	}
	return im, nil
}

// Volume returns what the volume descriptors record and which extensions
// the reader found (ECMA-119 §8.4, §8.5; SUSP 1.12 §5.3, §5.5; El Torito
// §2.0).
func (im *Image) Volume() VolumeDescriptorInfo {
	v := im.vol
	v.Extensions = append([]ExtensionInfo(nil), v.Extensions...)
	return v
}

// rdEntry is one file of the presented tree: the exported FileInfo plus
// where a directory's records are.
type rdEntry struct {
	FileInfo
	dirOff  int64 // directories: byte offset of the extent in the image
	dirSize int64 // directories: extent length
	bad     error // reading the content fails with this (a *FormatError)
}

func (e *rdEntry) isDir() bool { return e.Mode.IsDir() }

// rdDirList is a directory's contents, sorted by name.
type rdDirList struct {
	entries []*rdEntry
	self    *rdEntry // from the directory's "." record (ECMA-119 §9.1.11)
	// err: the directory is damaged, and entries hold what could be read.
	err error
}

func (d *rdDirList) find(name string) *rdEntry {
	i := sort.Search(len(d.entries), func(i int) bool { return d.entries[i].Name >= name })
	if i < len(d.entries) && d.entries[i].Name == name {
		return d.entries[i]
	}
	return nil
}

// list returns the contents of directory e, reading them the first time.
// For a damaged directory it returns what could be read and the error.
func (im *Image) list(e *rdEntry) (*rdDirList, error) {
	if e.bad != nil {
		return nil, e.bad
	}
	k := rdDirKey{e.dirOff, e.dirSize}
	im.mu.Lock()
	defer im.mu.Unlock()
	if d, ok := im.dirs[k]; ok {
		return d, d.err
	}
	d, err := im.readDir(e.dirOff, e.dirSize)
	if d == nil {
		return nil, err
	}
	im.dirs[k] = d
	return d, err
}

// errReadLinkLoop is returned when a path has too many symbolic links.
var errReadLinkLoop = errors.New("too many levels of symbolic links")

// resolve finds the entry for name (a valid fs path). Symbolic links are
// followed in every element but the last, and in the last if follow is set.
// The directories on the way are checked for loops: a directory whose
// extent is that of one of its ancestors is a FormatError.
func (im *Image) resolve(name string, follow bool) (*rdEntry, error) {
	stack := []*rdEntry{im.root}
	var todo []string
	if name != "." {
		todo = strings.Split(name, "/")
	}
	links := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		dir := stack[len(stack)-1]
		if !dir.isDir() {
			return nil, fs.ErrNotExist
		}
		d, err := im.list(dir)
		if d == nil {
			return nil, err
		}
		child := d.find(c)
		if child == nil {
			if err != nil {
				// The name may have been in the damaged part.
				return nil, err
			}
			return nil, fs.ErrNotExist
		}
		if child.Mode&fs.ModeSymlink != 0 && (len(todo) > 0 || follow) {
			if links++; links > readMaxLinks {
				return nil, errReadLinkLoop
			}
			if child.Target == "" {
				return nil, child.linkErr()
			}
			if strings.HasPrefix(child.Target, "/") {
				stack = stack[:1]
			}
			todo = append(strings.Split(child.Target, "/"), todo...)
			continue
		}
		if child.isDir() && child.bad == nil {
			for _, a := range stack {
				if a.dirOff == child.dirOff {
					return nil, rdFormatErr(child.dirOff, "directory", "directory %q has the extent of its ancestor %q: a directory loop", child.Name, a.Name)
				}
			}
			if len(stack) >= readMaxDepth {
				return nil, rdFormatErr(child.dirOff, "directory", "directories nested deeper than %d levels", readMaxDepth)
			}
		}
		stack = append(stack, child)
	}
	return stack[len(stack)-1], nil
}

// linkErr is the error for a symbolic link whose target could not be read.
func (e *rdEntry) linkErr() error {
	if e.bad != nil {
		return e.bad
	}
	return rdFormatErr(e.Record, "Rock Ridge SL entry", "symbolic link %q has no target", e.Name)
}

func (im *Image) pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

func rdBase(name string) string {
	if name == "." {
		return "."
	}
	return path.Base(name)
}

// Open opens the named file (fs.FS). Regular files implement io.ReaderAt
// and io.Seeker; directories implement fs.ReadDirFile.
func (im *Image) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, im.pathErr("open", name, fs.ErrInvalid)
	}
	e, err := im.resolve(name, true)
	if err != nil {
		return nil, im.pathErr("open", name, err)
	}
	return im.openEntry(name, e)
}

func (im *Image) openEntry(name string, e *rdEntry) (fs.File, error) {
	st := &rdStat{name: rdBase(name), e: e}
	if e.isDir() {
		d, err := im.list(e)
		if err != nil {
			return nil, im.pathErr("open", name, err)
		}
		return &rdDir{im: im, path: name, st: st, list: d.entries}, nil
	}
	f, err := im.newFile(st)
	if err != nil {
		return nil, im.pathErr("open", name, err)
	}
	return f, nil
}

// Stat returns the FileInfo of the named file, following symbolic links
// (fs.StatFS).
func (im *Image) Stat(name string) (fs.FileInfo, error) {
	return im.stat("stat", name, true)
}

// Lstat returns the FileInfo of the named file without following a final
// symbolic link (fs.ReadLinkFS).
func (im *Image) Lstat(name string) (fs.FileInfo, error) {
	return im.stat("lstat", name, false)
}

func (im *Image) stat(op, name string, follow bool) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, im.pathErr(op, name, fs.ErrInvalid)
	}
	e, err := im.resolve(name, follow)
	if err != nil {
		return nil, im.pathErr(op, name, err)
	}
	return &rdStat{name: rdBase(name), e: e}, nil
}

// ReadLink returns the target of the named symbolic link (fs.ReadLinkFS),
// as its Rock Ridge SL entries record it (RRIP 1.12 §4.1.3).
func (im *Image) ReadLink(name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", im.pathErr("readlink", name, fs.ErrInvalid)
	}
	e, err := im.resolve(name, false)
	if err != nil {
		return "", im.pathErr("readlink", name, err)
	}
	if e.Mode&fs.ModeSymlink == 0 {
		return "", im.pathErr("readlink", name, fs.ErrInvalid)
	}
	if e.Target == "" {
		return "", im.pathErr("readlink", name, e.linkErr())
	}
	return e.Target, nil
}

// ReadDir returns the entries of the named directory sorted by name
// (fs.ReadDirFS).
func (im *Image) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, im.pathErr("readdir", name, fs.ErrInvalid)
	}
	e, err := im.resolve(name, true)
	if err != nil {
		return nil, im.pathErr("readdir", name, err)
	}
	if !e.isDir() {
		return nil, im.pathErr("readdir", name, errReadNotDir)
	}
	d, err := im.list(e)
	if d == nil {
		return nil, im.pathErr("readdir", name, err)
	}
	out := make([]fs.DirEntry, len(d.entries))
	for i, c := range d.entries {
		out[i] = &rdStat{name: c.Name, e: c}
	}
	if err != nil {
		// What could be read, and why the rest could not (as
		// fs.ReadDir documents).
		return out, im.pathErr("readdir", name, err)
	}
	return out, nil
}

var errReadNotDir = errors.New("not a directory")

// ReadFile returns the contents of the named file (fs.ReadFileFS).
func (im *Image) ReadFile(name string) ([]byte, error) {
	f, err := im.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rf, ok := f.(*rdFile)
	if !ok {
		return nil, im.pathErr("read", name, errReadIsDir)
	}
	b := make([]byte, rf.size())
	if _, err := rf.ReadAt(b, 0); err != nil && err != io.EOF {
		return nil, im.pathErr("read", name, err)
	}
	return b, nil
}

var errReadIsDir = errors.New("is a directory")

// rdStat is the fs.FileInfo and fs.DirEntry of an entry under a name.
type rdStat struct {
	name string
	e    *rdEntry
}

func (s *rdStat) Name() string { return s.name }

func (s *rdStat) Size() int64 { return s.e.Size }

func (s *rdStat) Mode() fs.FileMode { return s.e.Mode }

func (s *rdStat) ModTime() time.Time { return s.e.ModTime }

func (s *rdStat) IsDir() bool { return s.e.isDir() }

// Sys returns the *FileInfo; it is shared and must not be modified.
func (s *rdStat) Sys() any { return &s.e.FileInfo }

func (s *rdStat) Type() fs.FileMode { return s.e.Mode.Type() }

func (s *rdStat) Info() (fs.FileInfo, error) { return s, nil }

func (s *rdStat) String() string { return fs.FormatFileInfo(s) }
