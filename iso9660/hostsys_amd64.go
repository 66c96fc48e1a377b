package iso9660

import "syscall"

// sysFstatat is fstatat(2), which this architecture calls newfstatat.
const sysFstatat = syscall.SYS_NEWFSTATAT
