// Package fileout writes output files safely: as an unnamed file (or under
// a temporary name beside the target where the system has no unnamed
// files) given its name only when complete, and sparse where the content
// is zeros (an image of a sparse 5 GiB file then costs no disk).
package fileout

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
)

// Write creates path by calling fn with a writer to a temporary file in
// the same directory. If fn fails, the temporary file is removed and path
// is left as it was. Runs of zero blocks become holes.
//
// A path that names something other than a regular file (a device such as
// /dev/null or a disk, a FIFO, /dev/stdout) is written directly: renaming
// a temporary file over it would replace the device node with a file.
func Write(path string, perm os.FileMode, fn func(io.Writer) error) error {
	return WriteWith(path, Options{Perm: perm}, fn)
}

// Options tune WriteWith.
type Options struct {
	// Perm is the new file's mode.
	Perm os.FileMode
	// Named, if set, is called before the unfinished output is given a
	// name in the directory (the file system has no unnamed files). Until
	// then nothing needs cleaning up if the process dies; from then on a
	// process killed by a signal leaves the temporary file behind unless
	// it stops through an error from fn, so a caller that otherwise lets
	// a signal end it arms its interrupt handling here.
	Named func()
}

// WriteWith is Write with options.
//
// Where the system allows (Linux: open(2) with O_TMPFILE), the output is
// an unnamed file until it is complete: a process killed at any moment,
// even by SIGKILL, leaves nothing behind. It is then linked into place.
// Elsewhere it is written under a temporary name beside path and renamed.
func WriteWith(path string, o Options, fn func(io.Writer) error) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return &Error{Path: path, Err: fmt.Errorf("is a directory")}
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return &Error{Path: path, Err: err}
		}
		if err := fn(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return &Error{Path: path, Err: err}
		}
		return nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp := openUnnamed(dir, o.Perm)
	unnamed := tmp != nil
	if !unnamed {
		if o.Named != nil {
			o.Named()
		}
		var err error
		if tmp, err = os.CreateTemp(dir, "."+base+".tmp-*"); err != nil {
			return &Error{Path: path, Err: err}
		}
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			if !unnamed {
				os.Remove(tmp.Name())
			}
		}
	}()
	sw := &SparseWriter{f: tmp}
	if err := fn(sw); err != nil {
		return err
	}
	if err := sw.Close(); err != nil {
		return &Error{Path: path, Err: err}
	}
	if err := tmp.Chmod(o.Perm); err != nil {
		return &Error{Path: path, Err: err}
	}
	if unnamed {
		if err := publish(tmp, dir, base, path, o); err != nil {
			return &Error{Path: path, Err: err}
		}
		ok = true
		if err := tmp.Close(); err != nil {
			return &Error{Path: path, Err: err}
		}
		return nil
	}
	if err := tmp.Close(); err != nil {
		return &Error{Path: path, Err: err}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return &Error{Path: path, Err: err}
	}
	ok = true
	return nil
}

// publish gives the complete unnamed file f its name. It links f straight
// to path when path does not exist, else under a fresh temporary name that
// is then renamed over path (rename(2) replaces atomically; link(2) would
// refuse). If the system cannot link f at all, f's content is copied to a
// named temporary file instead.
func publish(f *os.File, dir, base, path string, o Options) error {
	err := linkUnnamed(f, path)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errCannotLink):
		return copyToNamed(f, dir, base, path, o)
	case !errors.Is(err, fs.ErrExist):
		return err
	}
	for try := 0; ; try++ {
		name := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%d-%d", base, os.Getpid(), tempSeq.Add(1)))
		err := linkUnnamed(f, name)
		if errors.Is(err, fs.ErrExist) && try < 100 {
			continue
		}
		if err != nil {
			return err
		}
		if err := os.Rename(name, path); err != nil {
			os.Remove(name)
			return err
		}
		return nil
	}
}

// errCannotLink is linkUnnamed's answer when the system offers no way to
// name an unnamed file (no /proc, and no privilege for AT_EMPTY_PATH).
var errCannotLink = errors.New("cannot link an unnamed file")

// tempSeq makes the temporary names of one process distinct.
var tempSeq atomic.Uint64

// copyToNamed is publish's last resort: the content of f, copied by the
// kernel where it can, under a temporary name renamed to path.
func copyToNamed(f *os.File, dir, base, path string, o Options) error {
	dst, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			dst.Close()
			os.Remove(dst.Name())
		}
	}()
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := dst.ReadFrom(f); err != nil {
		return err
	}
	if err := dst.Chmod(o.Perm); err != nil {
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	if err := os.Rename(dst.Name(), path); err != nil {
		os.Remove(dst.Name())
		done = true
		return err
	}
	done = true
	return nil
}

// Error reports a failure creating or finishing an output file.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("writing %s: %v", e.Path, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// holeBlock is the granularity at which zeros become holes: the common
// file system block size.
const holeBlock = 4096

// SparseWriter writes to a file sequentially, seeking over whole blocks of
// zeros instead of writing them. Close sets the final size.
type SparseWriter struct {
	f   *os.File
	off int64 // logical size written so far
	end int64 // bytes actually on the file (position after last real write)
}

// NewSparseWriter returns a SparseWriter that writes f from its start.
func NewSparseWriter(f *os.File) *SparseWriter { return &SparseWriter{f: f} }

func (s *SparseWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		// Keep writes aligned to holeBlock so a zero block is recognised
		// wherever a caller's buffers happen to split.
		k := min(len(p), holeBlock-int(s.off%holeBlock))
		chunk := p[:k]
		if k == holeBlock && allZero(chunk) {
			s.off += int64(k)
		} else {
			if s.end != s.off {
				if _, err := s.f.Seek(s.off, io.SeekStart); err != nil {
					return n, err
				}
			}
			// Write as many following non-zero blocks at once as possible.
			j := k
			for j < len(p) {
				e := min(len(p), j+holeBlock)
				if e-j == holeBlock && allZero(p[j:e]) {
					break
				}
				j = e
			}
			chunk = p[:j]
			w, err := s.f.Write(chunk)
			s.off += int64(w)
			s.end = s.off
			n += w
			if err != nil {
				return n, err
			}
			p = p[j:]
			continue
		}
		n += k
		p = p[k:]
	}
	return n, nil
}

// Hole appends n zero bytes without writing them: the file gets a hole
// there (or is extended by Close if the hole is at its end).
func (s *SparseWriter) Hole(n int64) error {
	if n < 0 {
		return fmt.Errorf("fileout: negative hole of %d bytes", n)
	}
	s.off += n
	return nil
}

// CopyFile appends n bytes of src, read from offset off. The copy is made
// by the kernel where it can (copy_file_range, splice), without passing
// through this process's memory. It returns how many bytes were copied:
// fewer than n only with an error or when src ends early.
func (s *SparseWriter) CopyFile(src *os.File, off, n int64) (int64, error) {
	if s.end != s.off {
		if _, err := s.f.Seek(s.off, io.SeekStart); err != nil {
			return 0, err
		}
		s.end = s.off
	}
	if _, err := src.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	// ReadFrom with a LimitedReader over an *os.File is what lets the os
	// package use copy_file_range.
	got, err := s.f.ReadFrom(&io.LimitedReader{R: src, N: n})
	s.off += got
	s.end = s.off
	return got, err
}

// WriteAt writes p at offset off of the file, over what was written
// before (to patch a header once the rest is known). It does not move
// the sequential position; p must lie within what has been written.
func (s *SparseWriter) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(p)) > s.off {
		return 0, fmt.Errorf("fileout: write of %d bytes at %d outside the %d bytes written", len(p), off, s.off)
	}
	// pwrite(2) leaves the file offset, which Write relies on, alone.
	return s.f.WriteAt(p, off)
}

// Close extends the file over a trailing hole. It does not close the file.
func (s *SparseWriter) Close() error {
	if s.end != s.off {
		return s.f.Truncate(s.off)
	}
	return nil
}

func allZero(b []byte) bool {
	for len(b) >= 8 {
		if b[0]|b[1]|b[2]|b[3]|b[4]|b[5]|b[6]|b[7] != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
