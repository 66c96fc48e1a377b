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

func ExampleEncodeSector() {
	// Build the raw Mode 1 sector of LBA 16, damage it, and repair it.
	user := make([]byte, cd.DataSectorSize)
	copy(user, "\x01CD001")
	var raw [cd.RawSectorSize]byte
	if err := cd.EncodeSector(&raw, 16, cd.Mode1, user, [4]byte{}); err != nil {
		panic(err)
	}
	fmt.Printf("header % X\n", raw[12:16])

	raw[1000] ^= 0xFF
	c := cd.CheckSector(&raw, 16)
	fmt.Println(c.Mode, "ok:", c.OK(), "EDC:", c.EDCOK, "errors at", c.Errors)
	n, ok := cd.RepairSector(&raw)
	fmt.Println("repaired", n, ok, cd.CheckSector(&raw, 16).OK())
	// Output:
	// header 00 02 16 01
	// mode 1 ok: false EDC: false errors at [1000]
	// repaired 1 true true
}

func ExampleDecodeQ() {
	q := cd.Q{ADR: 1, Track: 1, Index: 1, Absolute: cd.MSF{M: 0, S: 2, F: 0}}
	frame, _ := q.Encode()
	fmt.Printf("% X\n", frame)
	back, err := cd.DecodeQ(frame)
	fmt.Println(back.Track, back.Index, back.Absolute, err)
	// Output:
	// 01 01 01 00 00 00 00 00 02 00 5A 28
	// 1 1 00:02:00 <nil>
}
