package iso9660

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"
)

// Node is one file, directory, symbolic link or special file of a Tree.
// Its fields describe the file as Rock Ridge records it (RRIP 1.12 §4.1.1
// PX, §4.1.6 TF); the primary and Joliet names are derived when the image
// is laid out.
type Node struct {
	// Name is the file's name in its directory, as bytes of the source
	// file system (normally UTF-8). It is the Rock Ridge NM name.
	Name string
	// Mode holds the type and permission bits.
	Mode fs.FileMode
	// Size of a regular file in bytes.
	Size                            int64
	ModTime, AccessTime, ChangeTime time.Time
	UID, GID                        uint32
	// Rdev is the device number of a device node.
	Rdev uint64
	// Target is a symbolic link's target.
	Target string
	// Hide says which hierarchies leave the node (and, for a directory,
	// its subtree) out, or mark it hidden (mkisofs -hide, -hide-joliet,
	// -hidden). Its data is written all the same.
	Hide HideFlags

	// src names where the content comes from, for error messages. Empty
	// for a host file whose path is its parent's plus its name: storing
	// every full path would take more memory than the rest of the node.
	src string
	// open returns the content; nil for host files, which are opened by
	// Source (one closure per file would cost an allocation each).
	open func() (io.ReadCloser, error)
	host bool

	parent   *Node
	children []*Node

	// linkKey identifies hard links of the source (device and inode);
	// nodes that share a non-zero key share one extent.
	linkKey [2]uint64
	// first is the node holding the data when this node is a hard link.
	first *Node
	// nlink counts the links to this data that are in the image.
	nlink uint32

	// prev holds the extents of a file carried over from an earlier
	// session (Tree.AddPrevious): its data stays where it is. zf is its
	// zisofs entry, when the data is compressed.
	prev     []Extent
	zf       *ZisofsInfo
	previous bool // carried over from an earlier session

	// layout state
	lba    uint32 // first block of a file's data
	serial uint32 // Rock Ridge file serial number
}

// content opens the node's data.
func (n *Node) content() (io.ReadCloser, error) {
	if n.host {
		return os.Open(n.Source())
	}
	if n.open == nil {
		return nil, errors.New("no content")
	}
	return n.open()
}

// HideFlags select how a node is hidden in the image's hierarchies.
type HideFlags uint8

const (
	// HidePrimary leaves the node out of the ISO 9660 (and Rock Ridge)
	// hierarchy (mkisofs -hide).
	HidePrimary HideFlags = 1 << iota
	// HideJoliet leaves the node out of the Joliet hierarchy (mkisofs
	// -hide-joliet).
	HideJoliet
	// HideExistence sets the Existence bit of the node's directory records
	// (ECMA-119 §9.1.6 bit 0) in the hierarchies that hold it (mkisofs
	// -hidden).
	HideExistence
)

// Source returns where the node comes from: a host path, or a description.
func (n *Node) Source() string {
	if n.src != "" || n.parent == nil {
		return n.src
	}
	return string(n.appendSource(nil))
}

// appendSource appends the node's source path to buf: the path of the
// nearest ancestor that knows its own, then the names below it. Readers of
// many small files build the paths in one buffer they reuse.
func (n *Node) appendSource(buf []byte) []byte {
	if n.src != "" || n.parent == nil {
		return append(buf, n.src...)
	}
	size := 0
	top := n
	for ; top.src == "" && top.parent != nil; top = top.parent {
		size += 1 + len(top.Name)
	}
	buf = append(buf, top.src...)
	buf = slices.Grow(buf, size)[:len(buf)+size]
	end := len(buf)
	for p := n; p != top; p = p.parent {
		end -= len(p.Name)
		copy(buf[end:], p.Name)
		end--
		buf[end] = '/'
	}
	return buf
}

// IsDir reports whether n is a directory.
func (n *Node) IsDir() bool { return n.Mode.IsDir() }

// Path returns the node's absolute path in the image.
func (n *Node) Path() string {
	if n.parent == nil {
		return "/"
	}
	var parts []string
	for p := n; p.parent != nil; p = p.parent {
		parts = append(parts, p.Name)
	}
	slices.Reverse(parts)
	return "/" + strings.Join(parts, "/")
}

// Children returns the entries of a directory in byte order of their names.
func (n *Node) Children() []*Node {
	return n.children
}

// Tree is the file hierarchy an image is made of. Build it with AddHost,
// AddFS and AddFile, then lay it out with NewWriter.
type Tree struct {
	root *Node
	// Warn receives problems that do not stop the image (a socket skipped,
	// an invalid UTF-8 name kept as bytes); nil discards them.
	Warn func(error)
}

// NewTree returns a tree holding an empty root directory.
func NewTree() *Tree {
	now := time.Now()
	return &Tree{
		root: &Node{Mode: fs.ModeDir | 0o755, ModTime: now, AccessTime: now, ChangeTime: now},
	}
}

// Root returns the root directory.
func (t *Tree) Root() *Node { return t.root }

// PathError reports a problem with one file of the source tree.
type PathError struct {
	Path string // host path or image path
	Err  error
}

func (e *PathError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *PathError) Unwrap() error { return e.Err }

// ErrExists is returned when two sources claim the same image path.
var ErrExists = errors.New("already in the image")

// HostOptions controls how AddHost reads the host file system.
type HostOptions struct {
	// Exclude reports whether a host path (and its subtree) is left out.
	// name is the base name, path the full host path.
	Exclude func(path, name string) bool
	// FollowLinks stores what symbolic links point to instead of the links
	// (mkisofs -f). Loops are detected and reported.
	FollowLinks bool
	// Hide, when set, gives each host file its Node.Hide flags; path and
	// name as for Exclude.
	Hide func(path, name string) HideFlags
}

// mkdirAll returns the directory at image path p, creating missing
// directories with the attributes of tmpl (mkisofs gives graft-point
// directories the attributes of the root).
func (t *Tree) mkdirAll(p string, tmpl *Node) (*Node, error) {
	cur := t.root
	for _, part := range splitPath(p) {
		next := cur.child(part)
		if next == nil {
			next = &Node{Name: part, Mode: tmpl.Mode&^fs.ModeType | fs.ModeDir, ModTime: tmpl.ModTime,
				AccessTime: tmpl.AccessTime, ChangeTime: tmpl.ChangeTime, UID: tmpl.UID, GID: tmpl.GID,
				src: "(graft point " + p + ")"}
			cur.add(next)
		} else if !next.IsDir() {
			return nil, &PathError{Path: "/" + strings.Join(splitPath(p), "/"), Err: fmt.Errorf("not a directory in the image (from %s)", next.Source())}
		}
		cur = next
	}
	return cur, nil
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" && s != "." {
			out = append(out, s)
		}
	}
	return out
}

// child returns the entry called name, or nil. Children are kept sorted by
// name, so a binary search finds it without a map per directory.
func (n *Node) child(name string) *Node {
	i, ok := slices.BinarySearchFunc(n.children, name, func(a *Node, name string) int { return strings.Compare(a.Name, name) })
	if !ok {
		return nil
	}
	return n.children[i]
}

func (n *Node) add(c *Node) {
	c.parent = n
	i, _ := slices.BinarySearchFunc(n.children, c.Name, func(a *Node, name string) int { return strings.Compare(a.Name, name) })
	n.children = slices.Insert(n.children, i, c)
}

// place puts c into dir, merging directories of the same name (mkisofs
// merges the trees of several pathspecs) and refusing any other clash.
func (t *Tree) place(dir *Node, c *Node) (*Node, error) {
	if old := dir.child(c.Name); old != nil {
		if old.IsDir() && c.IsDir() {
			return old, nil
		}
		if old.fromPrevious() {
			// A later session replaces what an earlier one recorded
			// under the same name (mkisofs -M).
			c.parent = dir
			i := slices.Index(dir.children, old)
			dir.children[i] = c
			return c, nil
		}
		return nil, &PathError{Path: c.Source(), Err: fmt.Errorf("%w as %s (from %s)", ErrExists, old.Path(), old.Source())}
	}
	dir.add(c)
	return c, nil
}

// AddHost adds the host file or directory src at image path dest, with
// mkisofs pathspec semantics: a directory's contents go into dest when dest
// ends in "/" or is empty, otherwise the directory itself becomes dest; a
// file becomes dest, or dest/basename when dest ends in "/".
func (t *Tree) AddHost(dest, src string, opt *HostOptions) error {
	src = filepath.Clean(src)
	if opt == nil {
		opt = &HostOptions{}
	}
	st := new(syscall.Stat_t)
	srcZ := cString(nil, src)
	if err := statHost(atFDCWD, srcZ, opt.FollowLinks, st); err != nil {
		return &PathError{Path: src, Err: err}
	}
	intoDir := dest == "" || strings.HasSuffix(dest, "/")
	w := &hostWalker{t: t, opt: opt}
	name := filepath.Base(src)
	if st.Mode&syscall.S_IFMT == syscall.S_IFDIR {
		n, err := w.node(hostRef{dirfd: atFDCWD, nameZ: srcZ, path: src}, name, st)
		if err != nil {
			return err
		}
		n.src = src
		var dir *Node
		if intoDir {
			// The source directory's contents go into dest, which takes
			// the attributes of the source when it is the root (mkisofs
			// behaviour) and otherwise of the source directory.
			if len(splitPath(dest)) == 0 {
				copyAttrs(t.root, n)
				// The root names the source only while it holds nothing
				// else, since its children derive their paths from it.
				if len(t.root.children) == 0 {
					t.root.src = src
				}
				dir = t.root
			} else if dir, err = t.mkdirAll(dest, n); err != nil {
				return err
			}
		} else {
			parent, err := t.mkdirAll(path.Dir("/"+strings.Trim(dest, "/")), t.root)
			if err != nil {
				return err
			}
			n.Name = path.Base("/" + strings.Trim(dest, "/"))
			if opt.Hide != nil {
				n.Hide = opt.Hide(src, name)
			}
			if dir, err = t.place(parent, n); err != nil {
				return err
			}
		}
		return w.walk(src, dir, []fileID{idOf(st)})
	}
	dirPath := dest
	if !intoDir {
		name = path.Base("/" + dest)
		dirPath = path.Dir("/" + dest)
	}
	parent, err := t.mkdirAll(dirPath, t.root)
	if err != nil {
		return err
	}
	n, err := w.node(hostRef{dirfd: atFDCWD, nameZ: srcZ, path: src}, name, st)
	if err != nil || n == nil {
		return err
	}
	n.src = src
	if opt.Hide != nil {
		n.Hide = opt.Hide(src, filepath.Base(src))
	}
	n.Name = name
	_, err = t.place(parent, n)
	return err
}

func copyAttrs(dst, src *Node) {
	dst.Mode, dst.ModTime, dst.AccessTime, dst.ChangeTime = src.Mode, src.ModTime, src.AccessTime, src.ChangeTime
	dst.UID, dst.GID = src.UID, src.GID
}

type fileID [2]uint64

func idOf(st *syscall.Stat_t) fileID { return fileID{uint64(st.Dev), uint64(st.Ino)} }

// statHost stats a host file, following a symbolic link when follow is
// set (a dangling link is then stored as a link rather than refused).
// Paths are relative to dirfd (atFDCWD for the working directory), and
// nameZ is the NUL-terminated name (see hostsys.go for why).
func statHost(dirfd int, nameZ []byte, follow bool, st *syscall.Stat_t) error {
	if follow {
		err := fstatZ(dirfd, nameZ, st, 0)
		if err == nil {
			return nil
		}
		if lerr := fstatZ(dirfd, nameZ, st, atSymlinkNofollow); lerr == nil && st.Mode&syscall.S_IFMT == syscall.S_IFLNK {
			return nil
		}
		return err
	}
	return fstatZ(dirfd, nameZ, st, atSymlinkNofollow)
}

func ignoringEINTR(f func() error) error {
	for {
		if err := f(); err != syscall.EINTR {
			return err
		}
	}
}

type hostWalker struct {
	t   *Tree
	opt *HostOptions
	mu  sync.Mutex // serializes Tree.Warn
}

func (w *hostWalker) warn(err error) {
	if w.t.Warn != nil {
		w.mu.Lock()
		w.t.Warn(err)
		w.mu.Unlock()
	}
}

// hostRef names a host file for the walk: by a name relative to an open
// directory for the system calls, and by its path for messages, made only
// when one is needed.
type hostRef struct {
	dirfd int
	nameZ []byte // NUL-terminated name relative to dirfd
	path  string // the full path, if known
	dir   string // else the directory's path, to join with the name
}

func (h hostRef) fullPath(name string) string {
	if h.path != "" {
		return h.path
	}
	return joinHost(h.dir, name)
}

// joinHost joins a directory path and a name read from that directory;
// such a name is one component, so no cleaning (filepath.Join's cleaning
// is a cost per file).
func joinHost(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// node makes a Node from a host file. It does not set the node's source
// path: the caller knows whether it is derived from the parent's.
func (w *hostWalker) node(h hostRef, name string, st *syscall.Stat_t) (*Node, error) {
	mode := fileMode(st.Mode)
	n := &Node{Name: name, Mode: mode, ModTime: time.Unix(st.Mtim.Unix()), AccessTime: time.Unix(st.Atim.Unix()),
		ChangeTime: time.Unix(st.Ctim.Unix()), UID: st.Uid, GID: st.Gid, Rdev: uint64(st.Rdev)}
	if st.Nlink > 1 && !mode.IsDir() {
		n.linkKey = [2]uint64{uint64(st.Dev), uint64(st.Ino)}
	}
	if !utf8.ValidString(n.Name) {
		w.warn(&PathError{Path: strconv.Quote(h.fullPath(name)), Err: errors.New("name is not valid UTF-8: Rock Ridge keeps its bytes; Joliet and ISO 9660 names replace them")})
	}
	switch {
	case mode.IsRegular():
		n.Size = st.Size
		n.host = true
	case mode&fs.ModeSymlink != 0:
		t, err := readlinkZ(h.dirfd, h.nameZ)
		if err != nil {
			p := h.fullPath(name)
			return nil, &PathError{Path: p, Err: &os.PathError{Op: "readlink", Path: p, Err: err}}
		}
		if t == "" {
			return nil, &PathError{Path: h.fullPath(name), Err: errors.New("symbolic link with an empty target")}
		}
		n.Target = t
		if w.opt.FollowLinks {
			w.warn(&PathError{Path: h.fullPath(name), Err: fmt.Errorf("dangling symbolic link to %q kept as a link", t)})
		}
	}
	return n, nil
}

// fileMode converts POSIX st_mode bits to Go's fs.FileMode.
func fileMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & syscall.S_IFMT {
	case syscall.S_IFDIR:
		mode |= fs.ModeDir
	case syscall.S_IFLNK:
		mode |= fs.ModeSymlink
	case syscall.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		mode |= fs.ModeSocket
	case syscall.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		mode |= fs.ModeDevice
	}
	if m&syscall.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&syscall.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&syscall.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

// subdir is a directory found by readDir that is still to be walked.
type subdir struct {
	path string
	node *Node
	id   fileID
}

// readDir adds the entries of host directory p to dir and returns its
// subdirectories.
func (w *hostWalker) readDir(p string, dir *Node) ([]subdir, error) {
	fd, names, err := readDirNames(p)
	if err != nil {
		return nil, &PathError{Path: p, Err: err}
	}
	defer syscall.Close(fd)
	// Children of dir name their host path through dir unless dir stands
	// for another host directory too (merged sources, graft points).
	derive := dir.Source() == p
	var subs []subdir
	var st syscall.Stat_t
	nameZ := make([]byte, 0, 256)
	for _, name := range names {
		h := hostRef{dirfd: fd, dir: p}
		if w.opt.Exclude != nil || w.opt.Hide != nil {
			h.path = joinHost(p, name)
		}
		if w.opt.Exclude != nil && w.opt.Exclude(h.path, name) {
			continue
		}
		nameZ = cString(nameZ, name)
		h.nameZ = nameZ
		if err := statHost(fd, nameZ, w.opt.FollowLinks, &st); err != nil {
			return nil, &PathError{Path: h.fullPath(name), Err: err}
		}
		n, err := w.node(h, name, &st)
		if err != nil {
			return nil, err
		}
		if w.opt.Hide != nil {
			n.Hide = w.opt.Hide(h.path, name)
		}
		if derive {
			n.parent = dir // so that Source works before n is placed
		} else {
			n.src = h.fullPath(name)
		}
		placed, err := w.t.place(dir, n)
		if err != nil {
			return nil, err
		}
		if n.IsDir() {
			subs = append(subs, subdir{h.fullPath(name), placed, idOf(&st)})
		}
	}
	return subs, nil
}

// readDirNames opens a directory and lists its names (without "." and
// ".."), sorted, with getdents directly: os.ReadDir makes a DirEntry per
// name that the walk does not use (it stats every entry anyway). The
// caller closes the returned descriptor.
func readDirNames(p string) (int, []string, error) {
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = syscall.Open(p, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return -1, nil, &os.PathError{Op: "open", Path: p, Err: err}
	}
	buf := direntBufs.Get().(*[]byte)
	defer direntBufs.Put(buf)
	var names []string
	for {
		n, err := syscall.ReadDirent(fd, *buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			syscall.Close(fd)
			return -1, nil, &os.PathError{Op: "readdirent", Path: p, Err: err}
		}
		if n <= 0 {
			break
		}
		_, _, names = syscall.ParseDirent((*buf)[:n], -1, names)
	}
	slices.Sort(names)
	return fd, names, nil
}

var direntBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// walk adds the tree below host directory p to dir. stack holds the
// identities of the directories on the current path, to catch loops made
// by followed symbolic links.
func (w *hostWalker) walk(p string, dir *Node, stack []fileID) error {
	if !w.opt.FollowLinks {
		return w.walkParallel(p, dir)
	}
	subs, err := w.readDir(p, dir)
	if err != nil {
		return err
	}
	for _, s := range subs {
		if s.id != (fileID{}) && slices.Contains(stack, s.id) {
			return &PathError{Path: s.path, Err: errors.New("symbolic link loop: directory contains itself")}
		}
		if err := w.walk(s.path, s.node, append(stack, s.id)); err != nil {
			return err
		}
	}
	return nil
}

// walkWorkers is how many directories are read at once. Listing a tree is
// one lstat per file; with the tree in the page cache that is CPU-bound
// system call work, which spreads over cores (and over a disk's queue
// when it is not cached).
const (
	walkWorkers    = 8
	walkSerialDirs = 16 // directories found before workers start
)

// walkParallel walks without following links (so without loops), reading
// directories concurrently. Each directory is filled by exactly one
// goroutine; the nodes' order does not depend on timing because children
// are kept sorted by name. Of several errors, the one with the smallest
// path is reported, so the result is deterministic too.
func (w *hostWalker) walkParallel(p string, dir *Node) error {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		firstP  string
		first   error
		workers = make(chan struct{}, walkWorkers-1)
	)
	fail := func(path string, err error) {
		mu.Lock()
		if first == nil || path < firstP {
			first, firstP = err, path
		}
		mu.Unlock()
	}
	// The first directories are read by this goroutine alone: a tree of a
	// few directories is done before extra goroutines would pay for their
	// stacks.
	var seen atomic.Int64
	var visit func(p string, dir *Node)
	visit = func(p string, dir *Node) {
		defer wg.Done()
		subs, err := w.readDir(p, dir)
		if err != nil {
			fail(p, err)
			return
		}
		serial := seen.Add(int64(len(subs))) < walkSerialDirs
		for _, s := range subs {
			wg.Add(1)
			if serial {
				visit(s.path, s.node)
				continue
			}
			select {
			case workers <- struct{}{}:
				go func() {
					visit(s.path, s.node)
					<-workers
				}()
			default:
				visit(s.path, s.node)
			}
		}
	}
	wg.Add(1)
	visit(p, dir)
	wg.Wait()
	return first
}

// FileSpec describes a file added with AddFile.
type FileSpec struct {
	Mode     fs.FileMode
	Size     int64
	ModTime  time.Time
	UID, GID uint32
	Target   string // symbolic links
	Open     func() (io.ReadCloser, error)
}

// AddFile adds one file, directory or symbolic link at image path p,
// creating missing parent directories.
func (t *Tree) AddFile(p string, spec FileSpec) error {
	parts := splitPath(p)
	if len(parts) == 0 {
		return &PathError{Path: p, Err: errors.New("empty path")}
	}
	// Missing parents get the file's time rather than the time of day, so
	// the same files give the same image.
	tmpl := &Node{Mode: fs.ModeDir | 0o755, ModTime: spec.ModTime, AccessTime: spec.ModTime, ChangeTime: spec.ModTime}
	parent, err := t.mkdirAll(strings.Join(parts[:len(parts)-1], "/"), tmpl)
	if err != nil {
		return err
	}
	n := &Node{Name: parts[len(parts)-1], Mode: spec.Mode, Size: spec.Size, ModTime: spec.ModTime,
		AccessTime: spec.ModTime, ChangeTime: spec.ModTime, UID: spec.UID, GID: spec.GID,
		Target: spec.Target, open: spec.Open, src: p}
	if n.Mode.IsRegular() && n.open == nil {
		if n.Size != 0 {
			return &PathError{Path: p, Err: errors.New("regular file without content")}
		}
		n.open = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("")), nil }
	}
	_, err = t.place(parent, n)
	return err
}

// AddFS adds the whole of fsys below image path dest.
func (t *Tree) AddFS(dest string, fsys fs.FS) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &PathError{Path: p, Err: err}
		}
		if p == "." {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return &PathError{Path: p, Err: err}
		}
		spec := FileSpec{Mode: fi.Mode(), Size: fi.Size(), ModTime: fi.ModTime()}
		if fi.Mode().IsRegular() {
			name := p
			spec.Open = func() (io.ReadCloser, error) { return fsys.Open(name) }
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if rl, ok := fsys.(fs.ReadLinkFS); ok {
				if spec.Target, err = rl.ReadLink(p); err != nil {
					return &PathError{Path: p, Err: err}
				}
			}
		}
		return t.AddFile(path.Join(dest, p), spec)
	})
}
