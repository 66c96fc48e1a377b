package emu_test

import (
	"bytes"
	"context"
	"fmt"

	"spindle/mmc"
	"spindle/mmc/emu"
	"spindle/scsi"
)

// An emulated drive is a scsi.Transport: package mmc drives it as it
// drives real hardware.
func Example() {
	img := make([]byte, 64*2048)
	copy(img[16*2048:], "\x01CD001")
	disc, err := emu.NewPressed(emu.CDROM, bytes.NewReader(img), int64(len(img)))
	if err != nil {
		panic(err)
	}
	d := emu.New(emu.Config{})
	d.Insert(disc)

	ctx := context.Background()
	for range 3 { // power-on and medium-change unit attentions
		if scsi.TestUnitReady(ctx, d) == nil {
			break
		}
	}
	drive := mmc.NewDrive(d)
	c, _ := drive.Configuration(ctx)
	capacity, _ := drive.Capacity(ctx)
	buf := make([]byte, 2048)
	_ = drive.Read(ctx, 16, 1, buf)
	fmt.Println(c.CurrentProfile, capacity.Blocks(), string(buf[1:6]))
	// Output: CD-ROM 64 CD001
}
