package scsitest_test

import (
	"context"
	"fmt"

	"spindle/scsi"
	"spindle/scsi/scsitest"
)

func Example() {
	drive := &scsitest.Script{Steps: []scsitest.Step{
		scsitest.CheckCondition([]byte{0, 0, 0, 0, 0, 0}, scsi.KeyUnitAttention, 0x28, 0x00),
		{CDB: []byte{0, 0, 0, 0, 0, 0}},
		{CDB: []byte{0x1b, 0, 0, 0, 0x02, 0}},
	}}
	ctx := context.Background()
	fmt.Println(scsi.TestUnitReady(ctx, drive))
	fmt.Println(scsi.TestUnitReady(ctx, drive))
	fmt.Println(scsi.StartStopUnit(ctx, drive, scsi.Eject, false))
	for _, c := range drive.Calls() {
		fmt.Printf("% x\n", c.CDB)
	}
	fmt.Println(drive.Remaining(), "steps left")
	// Output:
	// scsi: TEST UNIT READY: sense UNIT ATTENTION: not ready to ready change, medium may have changed (28/00)
	// <nil>
	// <nil>
	// 00 00 00 00 00 00
	// 00 00 00 00 00 00
	// 1b 00 00 00 02 00
	// 0 steps left
}
