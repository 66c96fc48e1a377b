package mmc

import (
	"encoding/hex"
	"strings"
)

// hexb decodes hex with spaces and newlines, as the tables of MMC-6 and
// the measurements in the drive notes write bytes; it panics on a typo in
// a test vector.
func hexb(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// pad appends zeros up to n bytes, as drives and emulators that report no
// residual deliver a response padded to the allocation length.
func pad(b []byte, n int) []byte {
	out := make([]byte, n)
	copy(out, b)
	return out
}

// Test vectors, built field by field from the response tables of MMC-6.
var (
	// READ TOC format 0, LBA form: one data track (ADR 1, control 4) at
	// LBA 0 and the lead-out at 1650, as a 1650-block CD-ROM answers.
	vecTOC0LBA = hexb(`0012 01 01
		00 14 01 00 00000000
		00 14 AA 00 00000672`)
	// The same in MSF form: 00:02:00 and 00:24:00.
	vecTOC0MSF = hexb(`0012 01 01
		00 14 01 00 00 00 02 00
		00 14 AA 00 00 00 18 00`)
	// An audio CD of three tracks: copy permitted on track 2, pre-emphasis
	// on track 3; lead-out at 45000.
	vecTOC0Audio = hexb(`0022 01 03
		00 10 01 00 00000000
		00 12 02 00 00003A98
		00 11 03 00 00007530
		00 10 AA 00 0000AFC8`)
	// READ TOC format 1 of a two-session disc: last complete session 2,
	// its first track 2 starting at LBA 21400.
	vecSessionInfo = hexb(`000A 01 02 00 14 02 00 00005398`)
	// READ TOC format 2 of a closed single-session CD-ROM (as QEMU
	// answers it): A0 (first track 1, disc type 00), A1 (last track 1),
	// A2 (lead-out 00:24:00), track 1 at 00:02:00.
	vecFullTOC1 = hexb(`002E 01 01
		01 14 00 A0 00 00 00 00 01 00 00
		01 14 00 A1 00 00 00 00 01 00 00
		01 14 00 A2 00 00 00 00 00 18 00
		01 14 00 01 00 00 00 00 00 02 00`)
	// A two-session disc. Session 1: track 1 (data) at 00:02:00, lead-out
	// 02:15:25 (LBA 10000), B0 next program area 04:47:25 (LBA 21400) with
	// 2 pointers and last possible lead-out 79:59:74, C0 with power 08h,
	// application code 00 and first lead-in 97:26:66 (LBA −11634).
	// Session 2: CD-ROM XA, track 2 at 04:47:25, lead-out 06:42:00
	// (LBA 30000).
	vecFullTOC2 = hexb(`0070 01 02
		01 14 00 A0 00 00 00 00 01 00 00
		01 14 00 A1 00 00 00 00 01 00 00
		01 14 00 A2 00 00 00 00 02 0F 19
		01 14 00 01 00 00 00 00 00 02 00
		01 54 00 B0 04 2F 19 02 4F 3B 4A
		01 54 00 C0 08 00 00 00 61 1A 42
		02 14 00 A0 00 00 00 00 02 20 00
		02 14 00 A1 00 00 00 00 02 00 00
		02 14 00 A2 00 00 00 00 06 2A 00
		02 14 00 02 00 00 00 00 04 2F 19`)
	// READ TOC format 4: CD-RW (disc type 1, sub-type 2), writing power 5,
	// reference speed 4, URU, A1 valid; lead-in 97:26:66, last possible
	// lead-out 79:59:74; A1 01 02 03.
	vecATIP = hexb(`001E 00 00
		D4 40 D4 00
		61 1A 42 00
		4F 3B 4A 00
		01 02 03 00
		00 00 00 00
		00 00 00 00
		00 00 00 00`)
	// READ DISC INFORMATION of a closed CD-ROM (status byte 0Eh: last
	// session complete, disc complete), as QEMU answers it.
	vecDiscInfoQEMU = hexb(`0020 0E 01 01 01 01 00 00 00 00 00
		00000000 00000000 00000000 0000000000000000 00 00`)
	// An appendable CD-RW: erasable, last session empty, disc incomplete;
	// first track 1, 2 sessions, last session holds track 3; URU; disc
	// type CD-ROM; next lead-in 04:45:25 (LBA 21250), last possible
	// lead-out 79:59:74 (LBA 359849).
	vecDiscInfoRW = hexb(`0020 11 01 02 03 03 20 00 00 00 00
		00000000 00042D19 004F3B4A 0000000000000000 00 00`)
	// READ TRACK INFORMATION of the invisible track 3 of session 2: data
	// (mode 7: data, copy, incremental), blank, data mode 1, NWA valid,
	// start 21400 = NWA, 338449 free blocks, size 338449.
	vecTrackInfo = hexb(`002E 03 02 00 07 41 01
		00005398 00005398 00052A11 00000000 00052A11 00000000
		00 00 0000 00000000 00000000 00000000`)
	// GET CONFIGURATION: current profile CD-ROM; profile list (DVD-ROM,
	// CD-ROM current), core (version 2, interface 1 = SCSI), removable
	// medium (tray, eject, lock); data length 36, 40 bytes in all.
	vecConfig = hexb(`00000024 0000 0008
		0000 03 08 0010 00 00 0008 01 00
		0001 0B 08 00000001 00 000000
		0003 03 04 29 000000`)
	// READ CAPACITY: last LBA 1649, block size 2048.
	vecCapacity = hexb(`00000671 00000800`)
	// MODE SENSE(10) page 2Ah of a read-only drive (the 20-byte MMC-2
	// page): reads CD-R, CD-RW, DVD-ROM, DVD-R, DVD-RAM (3Bh), writes
	// nothing; audio play, mode 2 forms, multi-session; CD-DA commands,
	// accurate stream; tray, eject, lock; max read 7056 kB/s, 256 volume
	// levels, 512 KB buffer.
	vecCaps = hexb(`001C 00 00 0000 0000
		2A 14 3B 00 71 03 29 03 1B90 0100 0200 1B90 00 00 0000 0000`)
	// A writer's page 2Ah (MMC-3 form, 28 bytes plus two write speed
	// descriptors), with an 8-byte block descriptor before it.
	vecCapsWriter = hexb(`0036 00 00 0000 0008
		00 00 00 00 00 00 08 00
		2A 26 3B 37 F1 7F 29 00 1B90 0100 0800 1B90 00 00 1B90 1B90 0000 000000 00 1B90 0002
		00 00 1B90 00 01 0B08`)
)
