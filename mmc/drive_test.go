package mmc

import (
	"context"
	"errors"
	"testing"

	"spindle/scsi"
	"spindle/scsi/scsitest"
)

// Drive waits out a unit attention, refuses to go on without a disc, and
// builds the layout from the formatted TOC when the drive has no full TOC.
func TestDrive(t *testing.T) {
	ctx := context.Background()
	tur := []byte{0, 0, 0, 0, 0, 0}
	s := &scsitest.Script{Steps: []scsitest.Step{
		scsitest.CheckCondition(tur, scsi.KeyUnitAttention, 0x28, 0), // medium may have changed
		{CDB: tur},
	}}
	if err := NewDrive(s).Ready(ctx); err != nil || s.Remaining() != 0 {
		t.Fatalf("Ready after a unit attention: %v (%d steps left)", err, s.Remaining())
	}
	s = &scsitest.Script{Steps: []scsitest.Step{scsitest.CheckCondition(tur, scsi.KeyNotReady, 0x3A, 0)}}
	if err := NewDrive(s).Ready(ctx); !errors.Is(err, ErrNoDisc) {
		t.Errorf("no medium: %v", err)
	}

	full := ReadTOC(TOCFormatFullTOC, true, 1, 2048)
	toc := ReadTOC(TOCFormatTOC, false, 1, 2048)
	// One data track at 0, lead-out at 1000 (READ TOC format 0, LBA form).
	answer := []byte{0, 18, 1, 1,
		0, 0x14, 1, 0, 0, 0, 0, 0,
		0, 0x14, 0xAA, 0, 0, 0, 0x03, 0xE8}
	s = &scsitest.Script{Steps: []scsitest.Step{
		scsitest.CheckCondition(full[:], scsi.KeyIllegalRequest, 0x24, 0),
		{CDB: toc[:], Data: answer},
	}}
	l, err := NewDrive(s).Layout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tr := l.Tracks()
	if len(tr) != 1 || tr[0].Start != 0 || tr[0].Length != 1000 || !tr[0].Mode.IsData() || l.Sessions[0].LeadOut != 1000 {
		t.Errorf("layout: %+v", l)
	}
	if s.Remaining() != 0 {
		t.Errorf("%d steps not sent", s.Remaining())
	}
}
