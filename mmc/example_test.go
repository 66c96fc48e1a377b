package mmc_test

import (
	"context"
	"fmt"

	"spindle/mmc"
	"spindle/scsi/scsitest"
)

func Example() {
	// The CDB of READ TOC format 0 in MSF form, from track 1.
	cdb := mmc.ReadTOC(mmc.TOCFormatTOC, true, 1, 2048)
	fmt.Printf("% X\n", cdb)

	// What a drive answers for a one-track CD-ROM: the header's length
	// field bounds the response, the zero padding after it is ignored.
	resp := make([]byte, 2048)
	copy(resp, []byte{
		0x00, 0x12, 1, 1, // data length 18, tracks 1..1
		0, 0x14, 1, 0, 0, 0, 2, 0, // track 1, data, 00:02:00
		0, 0x14, 0xAA, 0, 0, 0, 24, 0, // lead-out at 00:24:00
	})
	toc, err := mmc.ParseTOC(resp, true)
	if err != nil {
		panic(err)
	}
	l, err := toc.Layout()
	if err != nil {
		panic(err)
	}
	for _, t := range l.Tracks() {
		fmt.Printf("track %d %v at LBA %d, %d sectors\n", t.Number, t.Mode, t.Start, t.Length)
	}
	// Output:
	// 43 02 00 00 00 00 01 08 00 00
	// track 1 mode1 at LBA 0, 1650 sectors
}

func ExampleParseConfiguration() {
	resp := []byte{
		0, 0, 0, 16, 0, 0, 0x00, 0x0A, // data length 16, current profile CD-RW
		0x00, 0x00, 0x03, 0x08, // feature 0000h, persistent, current, 8 bytes
		0x00, 0x0A, 0x01, 0x00, // CD-RW, current
		0x00, 0x09, 0x00, 0x00, // CD-R
	}
	c, err := mmc.ParseConfiguration(resp)
	if err != nil {
		panic(err)
	}
	fmt.Println("current:", c.CurrentProfile)
	for _, p := range c.Profiles() {
		fmt.Println(p.Profile, p.Current)
	}
	// Output:
	// current: CD-RW
	// CD-RW true
	// CD-R false
}

func ExampleMultiSession() {
	// READ TOC format 1: the last session's first track starts at LBA 0.
	si, _ := mmc.ParseSessionInfo([]byte{0, 10, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0}, false)
	// READ TRACK INFORMATION of the invisible track: NWA 11702, valid.
	ti := &mmc.TrackInfo{NWAValid: true, NextWritable: 11702}
	m, err := mmc.MultiSession(si, ti)
	if err != nil {
		panic(err)
	}
	fmt.Println(m)
	// Output: 0,11702
}

// An ATAPI drive that reads the READ TOC/PMA/ATIP format only from the
// SFF-8020 field (QEMU's ide-cd answers the full TOC request with a
// formatted TOC): Drive asks again the legacy way.
func ExampleDrive_FullTOC() {
	toc0 := []byte{0, 0x12, 1, 1, 0, 0x14, 1, 0, 0, 0, 2, 0, 0, 0x14, 0xAA, 0, 0, 0, 24, 0}
	full := []byte{0, 0x2E, 1, 1,
		1, 0x14, 0, 0xA0, 0, 0, 0, 0, 1, 0, 0, // first track 1, disc type 00
		1, 0x14, 0, 0xA1, 0, 0, 0, 0, 1, 0, 0, // last track 1
		1, 0x14, 0, 0xA2, 0, 0, 0, 0, 0, 24, 0, // lead-out at 00:24:00
		1, 0x14, 0, 0x01, 0, 0, 0, 0, 0, 2, 0, // track 1 at 00:02:00
	}
	legacy := mmc.ReadTOCLegacy(mmc.TOCFormatFullTOC, true, 1, 2048)
	drive := mmc.NewDrive(&scsitest.Script{Steps: []scsitest.Step{
		{Data: toc0},                 // the MMC way: format 0 data
		{CDB: legacy[:], Data: full}, // format 2 in byte 9 bits 7–6 too
	}})
	ft, err := drive.FullTOC(context.Background())
	if err != nil {
		panic(err)
	}
	ss, _ := ft.Sessions()
	fmt.Printf("% X\n", legacy)
	fmt.Println("session", ss[0].Number, "tracks", ss[0].FirstTrack, "to", ss[0].LastTrack, "lead-out", ss[0].LeadOut)
	// Output:
	// 43 02 02 00 00 00 01 08 00 80
	// session 1 tracks 1 to 1 lead-out 1650
}

func ExampleNewDriveCapabilities() {
	// GET CONFIGURATION of a DVD writer holding nothing (MMC-6 §5.3).
	resp := []byte{
		0, 0, 0, 52, 0, 0, 0x00, 0x00, // data length 52, no current profile
		0x00, 0x00, 0x03, 20, // feature 0000h, the profile list
		0x00, 0x1B, 0, 0, // DVD+R
		0x00, 0x11, 0, 0, // DVD-R sequential recording
		0x00, 0x10, 0, 0, // DVD-ROM
		0x00, 0x09, 0, 0, // CD-R
		0x00, 0x08, 0, 0, // CD-ROM
		0x00, 0x2B, 0x00, 4, 0x01, 0, 0, 0, // DVD+R: Write
		0x00, 0x2D, 0x08, 4, 0x44, 0, 0, 0, // CD Track at Once: BUF, Test Write
		0x00, 0x2F, 0x04, 4, 0x44, 0, 0, 0, // DVD-R/-RW Write: BUF, Test Write
	}
	cfg, err := mmc.ParseConfiguration(resp)
	if err != nil {
		panic(err)
	}
	c := mmc.NewDriveCapabilities(cfg, nil, nil)
	fmt.Println("reads", c.Read)
	fmt.Println("writes", c.Write)
	fmt.Println("TAO", c.TAO, "SAO", c.SAO, "BUF", c.BUF, "test write", c.TestWrite)
	// Output:
	// reads [CD DVD]
	// writes [CD-R DVD-R DVD+R]
	// TAO true SAO false BUF true test write true
}
