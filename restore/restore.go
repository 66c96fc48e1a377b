// Package restore writes the files of an fs.FS — an ISO 9660 image, say —
// into a host directory, with their modes, times, owners, symbolic links
// and hard links, and never anywhere else.
//
// Every file is created through an os.Root opened on the destination, so
// neither ".." in a name nor a symbolic link the image planted (a link to
// "/etc" followed by a file "link/passwd") can make it write outside.
// Names that cannot be a single path component ("", ".", "..", names with
// "/" or NUL) and duplicate names in one directory are refused with an
// error naming them, before anything is written for them.
//
// A damaged source does not stop the extraction: an entry that cannot be
// read (a directory whose records are unreadable, a symbolic link whose
// target is garbled, a file whose data cannot be read to its end) is left
// out, reported to Options.Skipped, and everything else is restored; ToDir
// then returns an *IncompleteError. A file whose data fails part way is
// removed, never left truncated. Errors on the destination side (a full
// disk, a permission) stop the extraction as before.
package restore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"spindle/iso9660"
)

// Options controls what is restored. The zero value restores modes,
// times, links and hard links, and owners only when running as root.
type Options struct {
	// Owners: 0 = as root only (like tar), 1 = always try, -1 = never.
	Owners int
	// Devices also creates device files, named pipes and sockets recorded
	// with Rock Ridge (mknod needs root); otherwise they are skipped with
	// a warning.
	Devices bool
	// Overwrite replaces existing files; otherwise an existing file is an
	// error naming it.
	Overwrite bool
	// Warn receives problems that do not stop the extraction.
	Warn func(error)
	// Skipped receives, as it happens, each entry of the source that
	// could not be read and was left out (an *Error naming it).
	Skipped func(error)
	// Progress, if set, is called with the bytes of file data written so
	// far and the total to write.
	Progress func(done, total int64)
}

// Stats counts what was restored.
type Stats struct {
	Files, Dirs, Links, HardLinks, Special int
	Bytes                                  int64
}

// Error reports a problem with one file: its path in the source and what
// went wrong.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// IncompleteError is returned by ToDir when entries of the source could
// not be read and were left out; everything else was restored.
type IncompleteError struct {
	Skipped []error // one *Error per entry left out, in the order met
}

func (e *IncompleteError) Error() string {
	if len(e.Skipped) == 1 {
		return "1 entry could not be read and was not restored: " + e.Skipped[0].Error()
	}
	return fmt.Sprintf("%d entries could not be read and were not restored (the first: %v)", len(e.Skipped), e.Skipped[0])
}

// Unwrap gives the errors of the entries left out.
func (e *IncompleteError) Unwrap() []error { return e.Skipped }

// skipList collects the entries left out; the writers add to it
// concurrently.
type skipList struct {
	mu     sync.Mutex
	errs   []error
	report func(error)
}

func (l *skipList) add(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
	if l.report != nil {
		l.report(err)
	}
}

// result returns the IncompleteError for what was left out, or nil.
func (l *skipList) result() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errs) == 0 {
		return nil
	}
	return &IncompleteError{Skipped: slices.Clone(l.errs)}
}

// ErrUnsafeName is wrapped by errors about names that cannot be written
// safely: empty, ".", "..", containing "/" or NUL, or duplicated.
var ErrUnsafeName = errors.New("unsafe name refused")

type job struct {
	src    string // path in fsys
	dst    string // path relative to the destination root
	fi     fs.FileInfo
	target string
	// dir is the destination directory opened as a root, when known, and
	// base the name in it: a file is then created with one openat rather
	// than one per component of its path.
	dir  *os.Root
	base string
}

// ToDir writes the trees below the given paths of fsys (all of it for
// none or ".") into the existing directory dest. A path that names a file
// writes that file. Directories get their times after their contents.
func ToDir(ctx context.Context, fsys fs.FS, paths []string, dest string, opt *Options) (Stats, error) {
	var st Stats
	if opt == nil {
		opt = &Options{}
	}
	warn := opt.Warn
	if warn == nil {
		warn = func(error) {}
	}
	root, err := os.OpenRoot(dest)
	if err != nil {
		return st, err
	}
	defer root.Close()
	owners := opt.Owners > 0 || (opt.Owners == 0 && os.Geteuid() == 0)
	skipped := &skipList{report: opt.Skipped}

	// First pass: walk, check every name, and plan. Nothing is written
	// before the whole selection is known to be safe.
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var jobs []job
	var total int64
	seenIno := map[uint64]bool{}
	for _, p := range paths {
		p = strings.Trim(path.Clean("/"+p), "/")
		if p == "" {
			p = "."
		}
		err := walk(fsys, p, skipped.add, func(src string, fi fs.FileInfo) error {
			// The destination keeps the selected path's own name (or
			// nothing for the root), like tar -C DIR -x PATH does.
			dst := src
			if dst == "." {
				dst = ""
			}
			j := job{src: src, dst: dst, fi: fi}
			if fi.Mode()&fs.ModeSymlink != 0 {
				if j.target, err = fs.ReadLink(fsys, src); err != nil {
					skipped.add(&Error{Path: "/" + src, Err: fmt.Errorf("symbolic link not restored: %w", err)})
					return nil
				}
			}
			if fi.Mode().IsRegular() {
				// Hard links are written once.
				x, _ := fi.Sys().(*iso9660.FileInfo)
				if x == nil || x.Nlink < 2 || x.Ino == 0 || !seenIno[x.Ino] {
					total += fi.Size()
				}
				if x != nil && x.Nlink > 1 && x.Ino != 0 {
					seenIno[x.Ino] = true
				}
			}
			jobs = append(jobs, j)
			return nil
		})
		if err != nil {
			return st, err
		}
	}

	// Second pass: create, in walk order (parents before children).
	// Regular files go to a pool of writers: creating many small files is
	// system calls, which overlap on several cores and in the disk queue.
	links := map[uint64]string{} // inode -> first destination path
	made := map[string]bool{}    // directories known to exist
	var dirs, later []job        // later: hard links to files being written
	pool := newWriterPool(ctx, fsys, root, owners, total, opt.Progress, warn, skipped)
	dirs2 := &dirRoots{m: map[string]*os.Root{}}
	defer dirs2.close()
	fail := func(err error) (Stats, error) {
		perr := pool.wait()
		st.add(pool.st)
		if perr != nil && !errors.Is(err, context.Canceled) {
			return st, perr
		}
		return st, err
	}
	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		if pool.failed() {
			break
		}
		if j.dst == "" {
			dirs = append(dirs, j)
			continue
		}
		// Parents come before children in walk order, so only the
		// ancestors of a selected path can be missing.
		if parent := path.Dir(j.dst); parent != "." && !made[parent] {
			if err := root.MkdirAll(parent, 0o755); err != nil {
				return fail(&Error{Path: "/" + j.src, Err: err})
			}
			made[parent] = true
		}
		m := j.fi.Mode()
		if !m.IsDir() && opt.Overwrite {
			if _, err := root.Lstat(j.dst); err == nil {
				if err := root.Remove(j.dst); err != nil {
					return fail(&Error{Path: "/" + j.src, Err: err})
				}
			}
		}
		info, _ := j.fi.Sys().(*iso9660.FileInfo)
		switch {
		case m.IsDir():
			if err := root.Mkdir(j.dst, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
				return fail(&Error{Path: "/" + j.src, Err: err})
			}
			made[j.dst] = true
			dirs = append(dirs, j)
			st.Dirs++
			continue
		case m&fs.ModeSymlink != 0:
			if err := root.Symlink(j.target, j.dst); err != nil {
				return fail(&Error{Path: "/" + j.src, Err: err})
			}
			st.Links++
			if owners && info != nil {
				if err := root.Lchown(j.dst, int(info.UID), int(info.GID)); err != nil {
					warn(&Error{Path: "/" + j.src, Err: err})
				}
			}
			continue
		case m.IsRegular():
			if info != nil && info.Nlink > 1 && info.Ino != 0 {
				if first, ok := links[info.Ino]; ok {
					j.target = first
					later = append(later, j)
					continue
				}
				links[info.Ino] = j.dst
			}
			j.dir, j.base = dirs2.get(root, path.Dir(j.dst)), path.Base(j.dst)
			pool.add(j, info)
			continue
		default:
			if !opt.Devices {
				warn(&Error{Path: "/" + j.src, Err: fmt.Errorf("%s not restored (ask for devices to create it)", iso9660.FileKind(m))})
				continue
			}
			if err := mknod(root, dest, j, info); err != nil {
				return fail(err)
			}
			st.Special++
		}
		if err := setAttrs(root, j, info, owners); err != nil {
			warn(err)
		}
	}
	if err := pool.wait(); err != nil {
		st.add(pool.st)
		return st, err
	}
	st.add(pool.st)
	for _, j := range later {
		if pool.lost[j.target] {
			// The first name's data could not be read.
			skipped.add(&Error{Path: "/" + j.src, Err: errors.New("not linked: the data of this hard-linked file could not be read")})
			continue
		}
		if err := root.Link(j.target, j.dst); err != nil {
			return st, &Error{Path: "/" + j.src, Err: err}
		}
		st.HardLinks++
	}
	// Directories last, deepest first, so creating their entries does not
	// change their times again and a read-only directory is filled first.
	slices.Reverse(dirs)
	for _, j := range dirs {
		info, _ := j.fi.Sys().(*iso9660.FileInfo)
		name := j.dst
		if name == "" {
			name = "."
		}
		if err := setAttrs(root, job{src: j.src, dst: name, fi: j.fi}, info, owners); err != nil {
			warn(err)
		}
	}
	return st, skipped.result()
}

// checkNames refuses names that are not a single, unique path component.
func checkNames(dir string, ents []fs.DirEntry) error {
	seen := make(map[string]bool, len(ents))
	for _, e := range ents {
		n := e.Name()
		full := func() string { return "/" + path.Join(dir, n) }
		switch {
		case n == "" || n == "." || n == "..":
			return &Error{Path: full(), Err: fmt.Errorf("%w: the name %q is not a file name", ErrUnsafeName, n)}
		case strings.ContainsAny(n, "/\x00"):
			return &Error{Path: "/" + dir, Err: fmt.Errorf("%w: the name %q contains '/' or NUL", ErrUnsafeName, n)}
		case seen[n]:
			return &Error{Path: full(), Err: fmt.Errorf("%w: two entries named %q in one directory", ErrUnsafeName, n)}
		}
		seen[n] = true
	}
	return nil
}

// sourceError marks a failure to read the source, which leaves one file
// out, as opposed to one writing the destination, which stops ToDir.
type sourceError struct{ err error }

func (e sourceError) Error() string { return e.err.Error() }
func (e sourceError) Unwrap() error { return e.err }

// copyFile writes one regular file and sets its owner, mode and times
// through the open file (fchown, fchmod, futimes: no second path lookup).
// buf is the caller's copy buffer. A failure to read the source is a
// sourceError, after the partly written file is removed.
func copyFile(ctx context.Context, fsys fs.FS, root *os.Root, j job, info *iso9660.FileInfo, owners bool,
	buf []byte, progress func(int64), warn func(error)) (int64, error) {
	in, err := fsys.Open(j.src)
	if err != nil {
		return 0, sourceError{&Error{Path: "/" + j.src, Err: fmt.Errorf("file not restored: %w", err)}}
	}
	defer in.Close()
	var out *os.File
	if j.dir != nil {
		out, err = j.dir.OpenFile(j.base, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	} else {
		out, err = root.OpenFile(j.dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	}
	if err != nil {
		return 0, &Error{Path: "/" + j.src, Err: err}
	}
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			out.Close()
			return n, err
		}
		k, rerr := in.Read(buf)
		if k > 0 {
			if _, err := out.Write(buf[:k]); err != nil {
				out.Close()
				return n, &Error{Path: "/" + j.src, Err: err}
			}
			n += int64(k)
			progress(n)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			out.Close()
			if j.dir != nil {
				err = j.dir.Remove(j.base)
			} else {
				err = root.Remove(j.dst)
			}
			if err != nil {
				return n, &Error{Path: "/" + j.src, Err: fmt.Errorf("%w (and removing the partial copy: %v)", rerr, err)}
			}
			return n, sourceError{&Error{Path: "/" + j.src, Err: fmt.Errorf("file not restored: %w", rerr)}}
		}
	}
	// Owner first: chown clears set-id bits.
	if owners && info != nil {
		if err := out.Chown(int(info.UID), int(info.GID)); err != nil {
			warn(&Error{Path: "/" + j.src, Err: err})
		}
	}
	if err := out.Chmod(j.fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
		warn(&Error{Path: "/" + j.src, Err: err})
	}
	atime, mtime := fileTimes(j, info)
	tv := []syscall.Timeval{syscall.NsecToTimeval(atime.UnixNano()), syscall.NsecToTimeval(mtime.UnixNano())}
	if err := syscall.Futimes(int(out.Fd()), tv); err != nil {
		warn(&Error{Path: "/" + j.src, Err: err})
	}
	if err := out.Close(); err != nil {
		return n, &Error{Path: "/" + j.src, Err: err}
	}
	return n, nil
}

// setAttrs restores owner, mode and times of one created file. Owner
// first: chown clears set-id bits.
func setAttrs(root *os.Root, j job, info *iso9660.FileInfo, owners bool) error {
	if owners && info != nil {
		if err := root.Lchown(j.dst, int(info.UID), int(info.GID)); err != nil {
			return &Error{Path: "/" + j.src, Err: err}
		}
	}
	if err := root.Chmod(j.dst, j.fi.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)); err != nil {
		return &Error{Path: "/" + j.src, Err: err}
	}
	return setTimes(root, j, info)
}

// fileTimes returns the access and modification times to restore.
func fileTimes(j job, info *iso9660.FileInfo) (atime, mtime time.Time) {
	mtime = j.fi.ModTime()
	atime = mtime
	if info != nil && !info.AccessTime.IsZero() {
		atime = info.AccessTime
	}
	return atime, mtime
}

// setTimes restores access and modification times.
func setTimes(root *os.Root, j job, info *iso9660.FileInfo) error {
	atime, mtime := fileTimes(j, info)
	if err := root.Chtimes(j.dst, atime, mtime); err != nil {
		return &Error{Path: "/" + j.src, Err: err}
	}
	return nil
}

// mknod creates a device, pipe or socket node. os.Root has no Mknod, so
// the parent is checked to be a real directory inside the root (no
// symbolic link on the way) before mknod runs on the joined path.
func mknod(root *os.Root, dest string, j job, info *iso9660.FileInfo) error {
	dir := path.Dir(j.dst)
	for p := dir; p != "."; p = path.Dir(p) {
		fi, err := root.Lstat(p)
		if err != nil {
			return &Error{Path: "/" + j.src, Err: err}
		}
		if !fi.IsDir() {
			return &Error{Path: "/" + j.src, Err: fmt.Errorf("%w: %s is not a directory", ErrUnsafeName, p)}
		}
	}
	m := j.fi.Mode()
	mode := uint32(m.Perm())
	var dev uint64
	switch {
	case m&fs.ModeNamedPipe != 0:
		mode |= syscall.S_IFIFO
	case m&fs.ModeSocket != 0:
		mode |= syscall.S_IFSOCK
	case m&fs.ModeCharDevice != 0:
		mode |= syscall.S_IFCHR
	default:
		mode |= syscall.S_IFBLK
	}
	if info != nil {
		dev = mkdev(info.DevMajor, info.DevMinor)
	}
	if err := syscall.Mknod(dest+"/"+j.dst, mode, int(dev)); err != nil {
		return &Error{Path: "/" + j.src, Err: &os.PathError{Op: "mknod", Path: j.dst, Err: err}}
	}
	return nil
}

// mkdev builds a Linux dev_t from major and minor numbers (glibc's
// encoding).
func mkdev(major, minor uint32) uint64 {
	ma, mi := uint64(major), uint64(minor)
	return (ma&0xfff)<<8 | (ma&^0xfff)<<32 | mi&0xff | (mi&^0xff)<<12
}

// walk calls fn for p and everything below it, parents first, reading
// each directory once and refusing unsafe names before anything below
// the directory is visited.
//
// A directory that cannot be read, or an entry whose information cannot,
// goes to skip (the directory is still visited, and its readable entries
// are): only fn's errors and unsafe names stop the walk.
func walk(fsys fs.FS, p string, skip func(error), fn func(src string, fi fs.FileInfo) error) error {
	fi, err := fs.Stat(fsys, p)
	if err != nil {
		return &Error{Path: "/" + p, Err: err}
	}
	if lfi, err := lstat(fsys, p); err == nil {
		fi = lfi
	}
	return walkInfo(fsys, p, fi, skip, fn)
}

func lstat(fsys fs.FS, p string) (fs.FileInfo, error) {
	if l, ok := fsys.(interface {
		Lstat(string) (fs.FileInfo, error)
	}); ok {
		return l.Lstat(p)
	}
	return fs.Stat(fsys, p)
}

func walkInfo(fsys fs.FS, p string, fi fs.FileInfo, skip func(error), fn func(src string, fi fs.FileInfo) error) error {
	if err := fn(p, fi); err != nil {
		return err
	}
	if !fi.IsDir() {
		return nil
	}
	ents, err := fs.ReadDir(fsys, p)
	if err != nil {
		// fs.ReadDir returns what it could read before the error.
		skip(&Error{Path: "/" + p, Err: fmt.Errorf("directory read in part, the entries of its damaged part not restored: %w", err)})
	}
	if err := checkNames(p, ents); err != nil {
		return err
	}
	for _, e := range ents {
		cfi, err := e.Info()
		if err != nil {
			skip(&Error{Path: "/" + path.Join(p, e.Name()), Err: fmt.Errorf("not restored: %w", err)})
			continue
		}
		if err := walkInfo(fsys, path.Join(p, e.Name()), cfi, skip, fn); err != nil {
			return err
		}
	}
	return nil
}

func (s *Stats) add(o Stats) {
	s.Files += o.Files
	s.Dirs += o.Dirs
	s.Links += o.Links
	s.HardLinks += o.HardLinks
	s.Special += o.Special
	s.Bytes += o.Bytes
}

// writers is how many files are written at once.
const writers = 4

// writerPool writes regular files concurrently. The first error (by the
// order the files were added) is kept and stops the pool.
type writerPool struct {
	ctx   context.Context
	jobs  chan poolJob
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error
	errAt int
	next  int
	st    Stats
	done  int64
	stop  chan struct{}
	once  sync.Once
	// lost holds the destination paths of files left out because their
	// data could not be read (read after wait).
	lost map[string]bool
}

type poolJob struct {
	j    job
	info *iso9660.FileInfo
	seq  int
}

func newWriterPool(ctx context.Context, fsys fs.FS, root *os.Root, owners bool, total int64,
	progress func(done, total int64), warn func(error), skipped *skipList) *writerPool {
	p := &writerPool{ctx: ctx, jobs: make(chan poolJob, 64), stop: make(chan struct{}), lost: map[string]bool{}}
	var warnMu sync.Mutex
	lockedWarn := func(err error) {
		warnMu.Lock()
		defer warnMu.Unlock()
		warn(err)
	}
	jobs := p.jobs // wait clears the field
	for range writers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			buf := make([]byte, 256<<10)
			for pj := range jobs {
				if p.failed() {
					continue
				}
				var last int64
				n, err := copyFile(ctx, fsys, root, pj.j, pj.info, owners, buf, func(k int64) {
					if progress == nil {
						return
					}
					p.mu.Lock()
					p.done += k - last
					last = k
					d := p.done
					// Under the lock: callers need not be safe for
					// concurrent use.
					progress(d, total)
					p.mu.Unlock()
				}, lockedWarn)
				var se sourceError
				if errors.As(err, &se) {
					skipped.add(se.err)
					p.mu.Lock()
					p.lost[pj.j.dst] = true
					p.mu.Unlock()
					continue
				}
				p.mu.Lock()
				p.st.Bytes += n
				if err != nil {
					if p.err == nil || pj.seq < p.errAt {
						p.err, p.errAt = err, pj.seq
					}
					p.once.Do(func() { close(p.stop) })
				} else {
					p.st.Files++
				}
				p.mu.Unlock()
			}
		}()
	}
	return p
}

func (p *writerPool) add(j job, info *iso9660.FileInfo) {
	p.next++
	select {
	case p.jobs <- poolJob{j, info, p.next}:
	case <-p.stop:
	case <-p.ctx.Done():
	}
}

func (p *writerPool) failed() bool {
	select {
	case <-p.stop:
		return true
	default:
		return false
	}
}

// wait lets the writers finish and returns the first error. It may be
// called more than once.
func (p *writerPool) wait() error {
	if p.jobs != nil {
		close(p.jobs)
		p.jobs = nil
		p.wg.Wait()
	}
	if p.err == nil && p.ctx.Err() != nil {
		return p.ctx.Err()
	}
	return p.err
}

// maxDirRoots bounds the destination directories kept open; beyond it,
// files are created through the top root by their whole path.
const maxDirRoots = 1024

// dirRoots keeps destination directories open as roots, so each file is
// created relative to its directory. They stay open until every file is
// written (the writers use them), so their number is bounded.
type dirRoots struct {
	m map[string]*os.Root
}

func (d *dirRoots) get(root *os.Root, dir string) *os.Root {
	if dir == "." {
		return root
	}
	if r, ok := d.m[dir]; ok {
		return r
	}
	if len(d.m) >= maxDirRoots {
		return nil
	}
	r, err := root.OpenRoot(dir)
	if err != nil {
		// The file's creation through the top root reports the error.
		return nil
	}
	d.m[dir] = r
	return r
}

func (d *dirRoots) close() {
	for _, r := range d.m {
		r.Close()
	}
}
