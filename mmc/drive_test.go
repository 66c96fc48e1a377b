package mmc

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"spindle/disc"
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

// QEMU's answers, as measured in the guest (QEMU-MMC.md of the qemu-drive
// tools, appendix A, and the raw READ TOC bytes of a 219-block image).
var (
	// Format 0 in MSF form: track 1 (ADR 1, data) at 00:02:00, the
	// lead-out (QEMU gives it control 6) at 00:04:69.
	qemuTOC0MSF = hexb(`0012 01 01 00 14 01 00 00 00 02 00 00 16 AA 00 00 00 04 45`)
	// Format 0 in LBA form: lead-out at 219.
	qemuTOC0LBA = hexb(`0012 01 01 00 14 01 00 00000000 00 16 AA 00 000000DB`)
	// Format 2: points A0 (first track 1, disc type 00), A1, A2 (00:04:69)
	// and track 1 at 00:02:00; no B0 or C0.
	qemuFullTOC = hexb(`002E 01 01
		01 14 00 A0 00 00 00 00 01 00 00
		01 14 00 A1 00 00 00 00 01 00 00
		01 14 00 A2 00 00 00 00 00 04 45
		01 14 00 01 00 00 00 00 00 02 00`)
	// Format 1: sessions 1..1, but ADR/CONTROL and the first track of the
	// last session zero (QEMU's deviation); start 0.
	qemuSessionInfo = hexb(`000A 01 01 00 00 00 00 00000000`)
)

func cdb(c [10]byte) []byte { return c[:] }

// checkQEMULayout checks the layout of the 219-block image.
func checkQEMULayout(t *testing.T, l *disc.Layout) {
	t.Helper()
	want := &disc.Layout{Sessions: []disc.Session{{Number: 1, LeadOut: 219,
		Tracks: []disc.Track{{Number: 1, Mode: disc.Mode1, Start: 0, Length: 219}}}}}
	if !reflect.DeepEqual(l, want) {
		t.Errorf("layout %+v\nwant %+v", l, want)
	}
}

// QEMU's ide-cd (ATAPI through libata) reads the READ TOC format only from
// the SFF-8020 field of byte 9: asked the MMC way for formats 1 to 5 it
// answers the formatted TOC. The Drive sees the shape, asks formats 1 and 2
// again the legacy way and keeps doing so, and reports ATIP and CD-TEXT
// as not provided.
func TestDriveLegacyTOC(t *testing.T) {
	ctx := context.Background()
	s := &scsitest.Script{Steps: []scsitest.Step{
		{CDB: hexb("43 02 02 00 00 00 01 08 00 00"), Data: qemuTOC0MSF},
		{CDB: hexb("43 02 02 00 00 00 01 08 00 80"), Data: qemuFullTOC},
		{CDB: hexb("43 00 01 00 00 00 00 08 00 40"), Data: qemuSessionInfo},
		{CDB: hexb("43 02 04 00 00 00 00 08 00 00"), Data: qemuTOC0MSF},
		{CDB: hexb("43 00 05 00 00 00 00 08 00 00"), Data: qemuTOC0LBA},
		{CDB: hexb("43 02 02 00 00 00 01 08 00 80"), Data: qemuFullTOC},
	}}
	d := NewDrive(s)
	l, err := d.Layout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkQEMULayout(t, l)
	si, err := d.SessionInfo(ctx)
	if err != nil || si.FirstSession != 1 || si.LastSession != 1 || si.Start != 0 {
		t.Errorf("session info %+v, %v", si, err)
	}
	if a, err := d.ATIP(ctx); !errors.Is(err, ErrUnsupported) {
		t.Errorf("ATIP: %+v, %v; want ErrUnsupported", a, err)
	}
	if ct, err := d.CDText(ctx); !errors.Is(err, ErrUnsupported) {
		t.Errorf("CD-TEXT: %+v, %v; want ErrUnsupported", ct, err)
	}
	ft, err := d.FullTOC(ctx)
	if err != nil || len(ft.Entries) != 4 {
		t.Errorf("full TOC, second time: %+v, %v", ft, err)
	}
	if s.Remaining() != 0 {
		t.Errorf("%d steps not sent", s.Remaining())
	}

	// A drive that answers the formatted TOC to the legacy form as well
	// provides no full TOC: the layout comes from format 0.
	s = &scsitest.Script{Steps: []scsitest.Step{
		{CDB: hexb("43 02 02 00 00 00 01 08 00 00"), Data: qemuTOC0MSF},
		{CDB: hexb("43 02 02 00 00 00 01 08 00 80"), Data: qemuTOC0MSF},
		{CDB: hexb("43 00 00 00 00 00 01 08 00 00"), Data: qemuTOC0LBA},
	}}
	d = NewDrive(s)
	if l, err = d.Layout(ctx); err != nil {
		t.Fatal(err)
	}
	checkQEMULayout(t, l)
	if d.legacyTOC || s.Remaining() != 0 {
		t.Errorf("legacy %v, %d steps left", d.legacyTOC, s.Remaining())
	}
}

// QEMU's scsi-cd answers formats 0 to 2 the MMC way and rejects formats 3
// to 5 with ILLEGAL REQUEST, INVALID FIELD IN CDB.
func TestDriveSCSICD(t *testing.T) {
	ctx := context.Background()
	s := &scsitest.Script{Steps: []scsitest.Step{
		{CDB: hexb("43 02 02 00 00 00 01 08 00 00"), Data: qemuFullTOC},
		{CDB: hexb("43 00 01 00 00 00 00 08 00 00"), Data: qemuSessionInfo},
		scsitest.CheckCondition(hexb("43 02 04 00 00 00 00 08 00 00"), scsi.KeyIllegalRequest, 0x24, 0),
		scsitest.CheckCondition(hexb("43 00 05 00 00 00 00 08 00 00"), scsi.KeyIllegalRequest, 0x24, 0),
	}}
	d := NewDrive(s)
	l, err := d.Layout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkQEMULayout(t, l)
	if si, err := d.SessionInfo(ctx); err != nil || si.Start != 0 || si.LastSession != 1 {
		t.Errorf("session info %+v, %v", si, err)
	}
	for name, f := range map[string]func() error{
		"ATIP":    func() error { _, err := d.ATIP(ctx); return err },
		"CD-TEXT": func() error { _, err := d.CDText(ctx); return err },
	} {
		err := f()
		if !errors.Is(err, ErrUnsupported) || !errors.Is(err, scsi.ErrIllegalRequest) {
			t.Errorf("%s: %v; want ErrUnsupported wrapping the ILLEGAL REQUEST", name, err)
		}
	}
	if s.Remaining() != 0 || d.legacyTOC {
		t.Errorf("%d steps not sent; legacy %v", s.Remaining(), d.legacyTOC)
	}
}

// A burner with a CD-RW answers the ATIP, and a pressed audio CD with
// CD-TEXT its packs, at their MMC-6 layouts; a long answer is asked for
// again with the length it claims.
func TestDriveATIPAndCDText(t *testing.T) {
	ctx := context.Background()
	text := vecCDText()
	big := make([]byte, 0, 4+150*cdTextPackSize)
	big = append(big, 0, 0, 0, 0)
	for i := range 150 {
		big = append(big, pack(0x80, byte(i%99), byte(i), 0, "x")...)
	}
	put16(big, uint16(len(big)-2))
	s := &scsitest.Script{Steps: []scsitest.Step{
		{CDB: hexb("43 02 04 00 00 00 00 08 00 00"), Data: vecATIP},
		{CDB: hexb("43 00 05 00 00 00 00 08 00 00"), Data: text},
		{CDB: hexb("43 00 05 00 00 00 00 08 00 00"), Data: big},
		{CDB: cdb(ReadTOC(TOCFormatCDText, false, 0, uint16(len(big)))), Data: big},
		{CDB: hexb("43 00 05 00 00 00 00 08 00 00"), Data: hexb("0002 00 00")},
	}}
	d := NewDrive(s)
	a, err := d.ATIP(ctx)
	if err != nil || !a.Erasable || a.LeadInStart != -11634 || a.LastLeadOut != 359849 {
		t.Errorf("ATIP %+v, %v", a, err)
	}
	ct, err := d.CDText(ctx)
	if err != nil || len(ct.Blocks) != 2 || ct.Blocks[0].Disc.Title != "Album" || ct.Blocks[0].Tracks[2].Title != "Café" {
		t.Errorf("CD-TEXT %+v, %v", ct, err)
	}
	if ct, err = d.CDText(ctx); err != nil || len(ct.Packs) != 150 {
		t.Errorf("long CD-TEXT: %v, %v", ct, err)
	}
	if ct, err = d.CDText(ctx); err != nil || len(ct.Packs) != 0 || len(ct.Blocks) != 0 {
		t.Errorf("no CD-TEXT: %+v, %v", ct, err)
	}
	if s.Remaining() != 0 {
		t.Errorf("%d steps not sent", s.Remaining())
	}
}

// MSInfo of an appendable disc, of a blank one (which has no session
// information to read), and of a closed one.
func TestDriveMSInfo(t *testing.T) {
	ctx := context.Background()
	si := hexb("43 00 01 00 00 00 00 08 00 00")
	ti := hexb("52 01 00 00 00 ff 00 08 00 00")
	// The blank CD-R's invisible track: track 1 of session 1, blank,
	// NWA valid at 0, 359849 blocks free.
	blankTrack := hexb(`002E 01 01 00 07 4F 01
		00000000 00000000 00057DA9 00000000 00057DA9 00000000
		00 00 0000 00000000 00000000 00000000`)
	closedTrack := hexb(`002E 01 01 00 04 01 00
		00000000 00000000 00000000 00000000 000000DB 000000DA
		00 00 0000 00000000 00000000 00000000`)
	for _, c := range []struct {
		name  string
		steps []scsitest.Step
		want  MSInfo
		err   error
	}{
		{"appendable", []scsitest.Step{{CDB: si, Data: vecSessionInfo}, {CDB: ti, Data: vecTrackInfo}},
			MSInfo{LastSessionStart: 21400, NextWritable: 21400, Free: 338449}, nil},
		{"blank", []scsitest.Step{scsitest.CheckCondition(si, scsi.KeyIllegalRequest, 0x24, 0), {CDB: ti, Data: blankTrack}},
			MSInfo{NextWritable: 0, Free: 359849}, nil},
		{"closed", []scsitest.Step{{CDB: si, Data: vecSessionInfo}, {CDB: ti, Data: closedTrack}}, MSInfo{}, ErrNotAppendable},
		{"no session info", []scsitest.Step{scsitest.CheckCondition(si, scsi.KeyIllegalRequest, 0x24, 0), {CDB: ti, Data: closedTrack}}, MSInfo{}, ErrUnsupported},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &scsitest.Script{Steps: c.steps}
			m, err := NewDrive(s).MSInfo(ctx)
			if m != c.want || !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
				t.Errorf("MSInfo = %+v, %v; want %+v, %v", m, err, c.want, c.err)
			}
			if s.Remaining() != 0 {
				t.Errorf("%d steps not sent", s.Remaining())
			}
		})
	}
}
