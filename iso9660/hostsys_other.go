//go:build !(amd64 || arm64 || riscv64 || ppc64 || ppc64le || s390x || mips64 || mips64le)

package iso9660

import (
	"strconv"
	"syscall"
)

// fstatZ stats path (NUL-terminated) relative to dirfd, following a final
// symbolic link unless flags has atSymlinkNofollow. On 32-bit systems the
// kernel's fstatat fills a different structure than syscall.Stat_t, so
// the file is named through /proc instead (one allocation more per file).
func fstatZ(dirfd int, path []byte, st *syscall.Stat_t, flags int) error {
	p := string(path[:len(path)-1])
	if dirfd != atFDCWD && (len(p) == 0 || p[0] != '/') {
		p = "/proc/self/fd/" + strconv.Itoa(dirfd) + "/" + p
	}
	for {
		var err error
		if flags&atSymlinkNofollow != 0 {
			err = syscall.Lstat(p, st)
		} else {
			err = syscall.Stat(p, st)
		}
		if err != syscall.EINTR {
			return err
		}
	}
}
