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
	"syscall"

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

// ErrUnsafeName is wrapped by errors about names that cannot be written
// safely: empty, ".", "..", containing "/" or NUL, or duplicated.
var ErrUnsafeName = errors.New("unsafe name refused")

type job struct {
	src    string // path in fsys
	dst    string // path relative to the destination root
	fi     fs.FileInfo
	target string
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

	// First pass: walk, check every name, and plan. Nothing is written
	// before the whole selection is known to be safe.
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var jobs []job
	var total int64
	for _, p := range paths {
		p = strings.Trim(path.Clean("/"+p), "/")
		if p == "" {
			p = "."
		}
		err := fs.WalkDir(fsys, p, func(src string, d fs.DirEntry, err error) error {
			if err != nil {
				return &Error{Path: "/" + src, Err: err}
			}
			if d.IsDir() {
				ents, err := fs.ReadDir(fsys, src)
				if err != nil {
					return &Error{Path: "/" + src, Err: err}
				}
				if err := checkNames(src, ents); err != nil {
					return err
				}
			}
			fi, err := d.Info()
			if err != nil {
				return &Error{Path: "/" + src, Err: err}
			}
			// The destination keeps the selected path's own name (or
			// nothing for the root), like tar -C DIR -x PATH does.
			dst := src
			if dst == "." {
				dst = ""
			}
			j := job{src: src, dst: dst, fi: fi}
			if fi.Mode()&fs.ModeSymlink != 0 {
				if j.target, err = fs.ReadLink(fsys, src); err != nil {
					return &Error{Path: "/" + src, Err: err}
				}
			}
			if fi.Mode().IsRegular() {
				total += fi.Size()
			}
			jobs = append(jobs, j)
			return nil
		})
		if err != nil {
			return st, err
		}
	}

	// Second pass: create, in walk order (parents before children).
	links := map[uint64]string{} // inode -> first destination path
	made := map[string]bool{}    // directories known to exist
	var dirs []job
	var done int64
	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if j.dst == "" {
			dirs = append(dirs, j)
			continue
		}
		// Parents come before children in walk order, so only the
		// ancestors of a selected path can be missing.
		if parent := path.Dir(j.dst); parent != "." && !made[parent] {
			if err := root.MkdirAll(parent, 0o755); err != nil {
				return st, &Error{Path: "/" + j.src, Err: err}
			}
			made[parent] = true
		}
		m := j.fi.Mode()
		if !m.IsDir() && opt.Overwrite {
			if _, err := root.Lstat(j.dst); err == nil {
				if err := root.Remove(j.dst); err != nil {
					return st, &Error{Path: "/" + j.src, Err: err}
				}
			}
		}
		info, _ := j.fi.Sys().(*iso9660.FileInfo)
		switch {
		case m.IsDir():
			if err := root.Mkdir(j.dst, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
				return st, &Error{Path: "/" + j.src, Err: err}
			}
			made[j.dst] = true
			dirs = append(dirs, j)
			st.Dirs++
			continue
		case m&fs.ModeSymlink != 0:
			if err := root.Symlink(j.target, j.dst); err != nil {
				return st, &Error{Path: "/" + j.src, Err: err}
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
					if err := root.Link(first, j.dst); err != nil {
						return st, &Error{Path: "/" + j.src, Err: err}
					}
					st.HardLinks++
					done += j.fi.Size()
					continue
				}
				links[info.Ino] = j.dst
			}
			n, err := copyFile(ctx, fsys, root, j, info, owners, func(k int64) {
				if opt.Progress != nil {
					opt.Progress(done+k, total)
				}
			}, warn)
			done += n
			st.Bytes += n
			if err != nil {
				return st, err
			}
			st.Files++
			if err := setTimes(root, j, info); err != nil {
				warn(err)
			}
			continue
		default:
			if !opt.Devices {
				warn(&Error{Path: "/" + j.src, Err: fmt.Errorf("%s not restored (ask for devices to create it)", iso9660.FileKind(m))})
				continue
			}
			if err := mknod(root, dest, j, info); err != nil {
				return st, err
			}
			st.Special++
		}
		if err := setAttrs(root, j, info, owners); err != nil {
			warn(err)
		}
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
	return st, nil
}

// checkNames refuses names that are not a single, unique path component.
func checkNames(dir string, ents []fs.DirEntry) error {
	seen := make(map[string]bool, len(ents))
	for _, e := range ents {
		n := e.Name()
		full := "/" + path.Join(dir, n)
		switch {
		case n == "" || n == "." || n == "..":
			return &Error{Path: full, Err: fmt.Errorf("%w: the name %q is not a file name", ErrUnsafeName, n)}
		case strings.ContainsAny(n, "/\x00"):
			return &Error{Path: "/" + dir, Err: fmt.Errorf("%w: the name %q contains '/' or NUL", ErrUnsafeName, n)}
		case seen[n]:
			return &Error{Path: full, Err: fmt.Errorf("%w: two entries named %q in one directory", ErrUnsafeName, n)}
		}
		seen[n] = true
	}
	return nil
}

// copyFile writes one regular file and sets its owner and mode through the
// open file (fchown/fchmod: no second path lookup).
func copyFile(ctx context.Context, fsys fs.FS, root *os.Root, j job, info *iso9660.FileInfo, owners bool,
	progress func(int64), warn func(error)) (int64, error) {
	in, err := fsys.Open(j.src)
	if err != nil {
		return 0, &Error{Path: "/" + j.src, Err: err}
	}
	defer in.Close()
	out, err := root.OpenFile(j.dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, &Error{Path: "/" + j.src, Err: err}
	}
	buf := make([]byte, 256<<10)
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
			return n, &Error{Path: "/" + j.src, Err: rerr}
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

// setTimes restores access and modification times.
func setTimes(root *os.Root, j job, info *iso9660.FileInfo) error {
	mtime := j.fi.ModTime()
	atime := mtime
	if info != nil && !info.AccessTime.IsZero() {
		atime = info.AccessTime
	}
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
