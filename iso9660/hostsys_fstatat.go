//go:build amd64 || arm64 || riscv64 || ppc64 || ppc64le || s390x || mips64 || mips64le

package iso9660

import (
	"syscall"
	"unsafe"
)

// fstatZ stats path (NUL-terminated) relative to dirfd, following a final
// symbolic link unless flags has atSymlinkNofollow.
func fstatZ(dirfd int, path []byte, st *syscall.Stat_t, flags int) error {
	for {
		_, _, e := syscall.Syscall6(sysFstatat, uintptr(dirfd), uintptr(unsafe.Pointer(&path[0])), uintptr(unsafe.Pointer(st)), uintptr(flags), 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return e
		}
		return nil
	}
}
