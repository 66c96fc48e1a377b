//go:build linux

package sgio_test

import (
	"context"
	"fmt"

	"spindle/scsi"
	"spindle/scsi/sgio"
)

// List the optical drives with both their nodes, and ask each for its
// identity through its SCSI generic node.
func ExampleUnits() {
	units, err := sgio.Units("/sys")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range units {
		if u.Type != int(scsi.TypeMMC) || u.Generic == "" {
			continue
		}
		dev, err := sgio.Open(u.Generic, &sgio.Options{ReadOnly: true})
		if err != nil {
			fmt.Println(err)
			continue
		}
		id, err := scsi.Inquiry(context.Background(), dev)
		dev.Close()
		fmt.Println(u.HCTL, u.Block, u.Generic, id.Vendor, id.Product, err)
	}
}

// The drive that a user named by any of its names.
func ExampleFindUnit() {
	u, err := sgio.FindUnit("/sys", "/dev/cdrom")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("mount", u.Block, "or send commands to", u.Generic)
}
