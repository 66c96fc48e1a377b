//go:build linux

package fileout

import (
	"os"
	"strconv"
	"syscall"
	"unsafe"
)

// oTmpfile is O_TMPFILE (open(2), Linux 3.11): __O_TMPFILE, which is
// 020000000 on every architecture Go runs Linux on, with O_DIRECTORY,
// which is not. The syscall package does not define it on every port.
const oTmpfile = 0o20000000 | syscall.O_DIRECTORY

// linkat(2) arguments.
const (
	atFDCWD         = -100
	atSymlinkFollow = 0x400
	atEmptyPath     = 0x1000
)

// openUnnamed opens an unnamed regular file in dir, or returns nil where
// the kernel or the file system has none (open fails: EISDIR on kernels
// before 3.11, EOPNOTSUPP on file systems without support).
var openUnnamed = func(dir string, perm os.FileMode) *os.File {
	f, err := os.OpenFile(dir, os.O_RDWR|oTmpfile, perm)
	if err != nil {
		return nil
	}
	return f
}

// linkUnnamed gives the unnamed file f the name name. Linking the file's
// /proc/self/fd entry with AT_SYMLINK_FOLLOW needs no privilege;
// AT_EMPTY_PATH on the descriptor itself (for a system without /proc)
// needs CAP_DAC_READ_SEARCH. An existing name is reported as such, so that
// the caller can link elsewhere and rename.
var linkUnnamed = func(f *os.File, name string) error {
	fd := int(f.Fd())
	err := linkat(atFDCWD, "/proc/self/fd/"+strconv.Itoa(fd), name, atSymlinkFollow)
	if err == syscall.EEXIST {
		return &os.LinkError{Op: "link", Old: f.Name(), New: name, Err: err}
	}
	if err == nil {
		return nil
	}
	switch err2 := linkat(fd, "", name, atEmptyPath); err2 {
	case nil:
		return nil
	case syscall.EEXIST:
		return &os.LinkError{Op: "link", Old: f.Name(), New: name, Err: err2}
	}
	return errCannotLink
}

// linkat is linkat(2) to a name relative to the working directory; the
// syscall package keeps its own unexported.
func linkat(dirfd int, old, name string, flags int) error {
	p0, err := syscall.BytePtrFromString(old)
	if err != nil {
		return err
	}
	p1, err := syscall.BytePtrFromString(name)
	if err != nil {
		return err
	}
	cwd := atFDCWD
	_, _, e := syscall.Syscall6(syscall.SYS_LINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(p0)),
		uintptr(cwd), uintptr(unsafe.Pointer(p1)), uintptr(flags), 0)
	if e != 0 {
		return e
	}
	return nil
}
