package cd_test

import (
	"fmt"

	"spindle/cd"
)

func Example() {
	// cdrecord -msinfo style: the next session of a CD-R starts at LBA 11702.
	next := cd.LBA(11702)
	msf, _ := next.MSF()
	fmt.Println(msf, "=", msf.Frames(), "frames since 00:00:00")
	fmt.Println(cd.SectorsFor(1_000_000, cd.DataSectorSize), "sectors hold 1 MB")
	// Output:
	// 02:38:02 = 11852 frames since 00:00:00
	// 489 sectors hold 1 MB
}
