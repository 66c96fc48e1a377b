package iso9660

import (
	"syscall"
	"unsafe"
)

// The host walk and the reading of small files make a few system calls per
// file. Package syscall takes paths as strings and copies each into a new
// NUL-terminated byte slice; with tens of thousands of files those copies
// were a third of all the memory a run allocated, and so of its garbage
// collection. These wrappers take the NUL-terminated bytes from a buffer
// the caller reuses, and name files relative to an open directory so the
// kernel does not walk the whole path again for each of them.

const (
	atSymlinkNofollow = 0x100 // AT_SYMLINK_NOFOLLOW, fcntl.h
	atFDCWD           = -100  // AT_FDCWD: relative to the working directory
)

// cString returns buf holding s followed by a NUL byte.
func cString(buf []byte, s string) []byte {
	buf = append(buf[:0], s...)
	return append(buf, 0)
}

func openZ(dirfd int, path []byte, flags int) (int, error) {
	for {
		r, _, e := syscall.Syscall6(syscall.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(&path[0])), uintptr(flags), 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return -1, e
		}
		return int(r), nil
	}
}

// readlinkZ returns the target of the symbolic link path relative to dirfd.
func readlinkZ(dirfd int, path []byte) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		r, _, e := syscall.Syscall6(syscall.SYS_READLINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(&path[0])), uintptr(unsafe.Pointer(&buf[0])), uintptr(size), 0, 0)
		if e == syscall.EINTR {
			size /= 2
			continue
		}
		if e != 0 {
			return "", e
		}
		if int(r) < size {
			return string(buf[:r]), nil
		}
	}
}
