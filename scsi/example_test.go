package scsi_test

import (
	"context"
	"errors"
	"fmt"

	"spindle/scsi"
	"spindle/scsi/scsitest"
)

// A drive with its tray open: TEST UNIT READY fails with NOT READY,
// MEDIUM NOT PRESENT - TRAY OPEN, which errors.Is sorts into categories.
func Example() {
	drive := &scsitest.Script{Steps: []scsitest.Step{
		{Data: stdInquiry("QEMU", "QEMU DVD-ROM", "2.5+")},
		scsitest.CheckCondition(nil, scsi.KeyNotReady, 0x3A, 0x02),
	}}
	ctx := context.Background()

	d, err := scsi.Inquiry(ctx, drive)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s %s (%v)\n", d.Vendor, d.Product, d.Revision, d.DeviceType)

	err = scsi.TestUnitReady(ctx, drive)
	switch {
	case errors.Is(err, scsi.ErrNoMedium):
		fmt.Println("no disc:", err)
	case errors.Is(err, scsi.ErrNotReady):
		fmt.Println("not ready yet")
	}
	// Output:
	// QEMU QEMU DVD-ROM 2.5+ (cd/dvd)
	// no disc: scsi: TEST UNIT READY: sense NOT READY: medium not present - tray open (3A/02)
}

func ExampleParseSense() {
	// Fixed-format sense of a failed READ: VALID, MEDIUM ERROR, the LBA
	// in INFORMATION, 11/05 L-EC uncorrectable error.
	b := []byte{0xf0, 0, 0x03, 0x00, 0x00, 0x12, 0x34, 0x0a, 0, 0, 0, 0, 0x11, 0x05, 0, 0, 0, 0}
	s, err := scsi.ParseSense(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Key, s.Valid, s.Info)
	fmt.Println(s)
	// Output:
	// MEDIUM ERROR true 4660
	// MEDIUM ERROR: L-EC uncorrectable error (11/05) info 4660
}

func ExampleParseModeSense10() {
	// MODE SENSE(10) data with the MMC capabilities page 2Ah, zero-padded
	// to the allocation length as QEMU delivers it: the MODE DATA LENGTH
	// field, not the transfer length, says where the data ends.
	buf := make([]byte, 64)
	copy(buf, []byte{0x00, 0x0c, 0, 0, 0, 0, 0, 0, 0x2a, 0x04, 0x3b, 0x00, 0x71, 0x60})
	m, err := scsi.ParseModeSense10(buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := m.Page(0x2a, 0)
	fmt.Printf("%d page(s); page 2Ah: % x\n", len(m.Pages), p.Data)
	// Output:
	// 1 page(s); page 2Ah: 3b 00 71 60
}
