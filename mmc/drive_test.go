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
		{CDB: mcnCDB, Data: noMCN}, // no ISRC is asked of a data track
	}}
	l, err := NewDrive(s).Layout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tr := l.Tracks()
	if len(tr) != 1 || tr[0].Start != 0 || tr[0].Length != 1000 || !tr[0].Mode.IsData() || l.Sessions[0].LeadOut != 1000 || l.MCN != "" {
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
		scsitest.CheckCondition(mcnCDB, scsi.KeyIllegalRequest, 0x20, 0), // READ SUB-CHANNEL: invalid opcode
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
		scsitest.CheckCondition(mcnCDB, scsi.KeyIllegalRequest, 0x20, 0),
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
		// READ SUB-CHANNEL fails in QEMU's transport (DID_ERROR): no sense.
		{CDB: mcnCDB, Err: errQEMUTransport},
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
	for _, c := range []struct {
		name string
		f    func() error
	}{
		{"ATIP", func() error { _, err := d.ATIP(ctx); return err }},
		{"CD-TEXT", func() error { _, err := d.CDText(ctx); return err }},
	} {
		name, err := c.name, c.f()
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

// READ SUB-CHANNEL (42h) as the Drive sends it: MCN (format 02h) and the
// ISRC (format 03h) of a track, SubQ set, 24 bytes allocated.
var (
	mcnCDB = hexb("42 00 40 02 00 00 00 00 18 00")
	// noMCN is the answer for a disc without a catalog number: MCVAL
	// clear.
	noMCN = hexb("00 15 0014 02 000000 00 00000000000000000000000000 00 00")
	// errQEMUTransport stands for the host error (DID_ERROR) of QEMU's
	// scsi-cd, whose CDB table takes 42h for UNMAP.
	errQEMUTransport = errors.New("sgio: host status DID_ERROR")
)

// The MCN and the ISRCs of an audio CD come back with its layout: a
// track without an ISRC, or one the drive rejects the request for, keeps
// none; the ISRC of another track than asked for is not taken. A drive
// that does not know READ SUB-CHANNEL is asked once.
func TestDriveCodes(t *testing.T) {
	ctx := context.Background()
	full := cdb(ReadTOC(TOCFormatFullTOC, true, 1, 2048))
	toc := cdb(ReadTOC(TOCFormatTOC, false, 1, 2048))
	isrc := func(track byte) []byte { c := ReadSubChannel(SubQISRC, false, track, 24); return c[:] }
	// The ISRC answer of track n with TCVAL set.
	isrcOf := func(n byte, code string) []byte {
		b := hexb("00 15 0014 03 10 00 00 80 000000000000000000000000 00 00 00")
		b[6] = n
		copy(b[9:], code)
		return b
	}
	noISRC := hexb("00 15 0014 03 10 01 00 00 000000000000000000000000 00 00 00")
	audio := []scsitest.Step{
		scsitest.CheckCondition(full, scsi.KeyIllegalRequest, 0x24, 0),
		{CDB: toc, Data: vecTOC0Audio},
	}
	for _, c := range []struct {
		name  string
		steps []scsitest.Step
		mcn   string
		isrcs []string
	}{
		{"codes", []scsitest.Step{
			{CDB: mcnCDB, Data: vecSubMCN},
			{CDB: isrc(1), Data: noISRC},
			{CDB: isrc(2), Data: vecSubISRC},
			scsitest.CheckCondition(isrc(3), scsi.KeyIllegalRequest, 0x24, 0),
		}, "0123456789012", []string{"", "USABC9900001", ""}},
		{"other track", []scsitest.Step{
			{CDB: mcnCDB, Data: noMCN},
			{CDB: isrc(1), Data: isrcOf(1, "GBAAA0000001")},
			{CDB: isrc(2), Data: isrcOf(3, "GBAAA0000003")},
			{CDB: isrc(3), Data: isrcOf(3, "GBAAA0000003")},
		}, "", []string{"GBAAA0000001", "", "GBAAA0000003"}},
		{"header only", []scsitest.Step{
			{CDB: mcnCDB, Data: hexb("00 15 0000")},
			{CDB: isrc(1), Data: hexb("00 15 0000")},
			{CDB: isrc(2), Data: vecSubISRC},
			{CDB: isrc(3), Data: hexb("00 15 0000")},
		}, "", []string{"", "USABC9900001", ""}},
		{"invalid opcode", []scsitest.Step{scsitest.CheckCondition(mcnCDB, scsi.KeyIllegalRequest, 0x20, 0)}, "", []string{"", "", ""}},
		{"transport error", []scsitest.Step{{CDB: mcnCDB, Err: errQEMUTransport}}, "", []string{"", "", ""}},
		{"ISRC unknown", []scsitest.Step{
			{CDB: mcnCDB, Data: vecSubMCN},
			scsitest.CheckCondition(isrc(1), scsi.KeyIllegalRequest, 0x20, 0),
		}, "0123456789012", []string{"", "", ""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &scsitest.Script{Steps: append(append([]scsitest.Step(nil), audio...), c.steps...)}
			l, err := NewDrive(s).Layout(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var isrcs []string
			for _, tr := range l.Tracks() {
				isrcs = append(isrcs, tr.ISRC)
			}
			if l.MCN != c.mcn || !reflect.DeepEqual(isrcs, c.isrcs) {
				t.Errorf("MCN %q, ISRCs %q; want %q, %q", l.MCN, isrcs, c.mcn, c.isrcs)
			}
			if err := l.Validate(); err != nil {
				t.Error(err)
			}
			if s.Remaining() != 0 {
				t.Errorf("%d steps not sent", s.Remaining())
			}
		})
	}

	s := &scsitest.Script{Steps: []scsitest.Step{
		scsitest.CheckCondition(mcnCDB, scsi.KeyIllegalRequest, 0x24, 0),
		{CDB: isrc(2), Data: hexb("00 15 0000")},
	}}
	d := NewDrive(s)
	if m, err := d.MCN(ctx); !errors.Is(err, ErrUnsupported) || !errors.Is(err, scsi.ErrIllegalRequest) {
		t.Errorf("MCN rejected: %q, %v", m, err)
	}
	if i, err := d.ISRC(ctx, 2); !errors.Is(err, ErrUnsupported) {
		t.Errorf("ISRC, header only: %q, %v", i, err)
	}
	for _, n := range []int{0, 100} {
		if _, err := d.ISRC(ctx, n); !errors.Is(err, ErrArgument) {
			t.Errorf("ISRC of track %d: %v", n, err)
		}
	}
	if s.Remaining() != 0 {
		t.Errorf("%d steps not sent", s.Remaining())
	}
}

// Capability test vectors: QEMU's answers (QEMU-MMC.md of the qemu-drive
// tools: GET CONFIGURATION of scsi-cd holds features 0000h, 0001h and
// 0003h, that of ide-cd the profile list only, both listing DVD-ROM and
// CD-ROM; page 2Ah is the 20-byte MMC-2 page, reading 3Bh, writing 00h),
// and a BD burner's, built field by field from the feature descriptors
// of MMC-6 §5.3.
var (
	qemuConfig = hexb(`00000024 0000 0008
		0000 03 08 0010 00 00 0008 01 00
		0001 0B 08 00000001 01 000000
		0003 0B 04 39 000000`)
	qemuATAPIConfig = hexb(`00000010 0000 0008
		0000 03 08 0010 00 00 0008 01 00`)
	// Page 2Ah: reads CD-R, CD-RW, DVD-ROM, DVD-R, DVD-RAM; writes
	// nothing; C2 pointers (byte 5 bit 4); max read 8800 kB/s (50x),
	// two volume levels, buffer 2048 KB, current read 2816 kB/s, max and
	// current write 2816 kB/s (obsolete fields).
	qemuCaps = hexb(`001C 00 00 0000 0000
		2A 14 3B 00 7F FF 2D 00 2260 0002 0800 0B00 0000 0B00 0B00`)
	// A BD burner holding a BD-R: thirteen profiles (BD-RE, BD-R
	// sequential current, BD-ROM, DVD+R, DVD+RW, DVD-RW sequential and
	// restricted overwrite, DVD-R, DVD-ROM, DVD-RAM, CD-RW, CD-R, CD-ROM);
	// Core; CD Read (CD-Text, C2); Random Writable; DVD+RW and DVD+R
	// (Write); CD Track at Once (BUF, R-W raw and pack, Test Write, CD-RW,
	// R-W); CD Mastering (BUF, SAO, raw MS, raw, Test Write, CD-RW, R-W;
	// cue sheets of 4096 bytes); DVD-R/-RW Write (BUF, RDL, Test Write,
	// DVD-RW); DVD+R DL (Write); BD Write (SVNR, class 0 BD-RE and BD-R
	// versions 1 and 2).
	bdConfig = hexb(`000000CC 0000 0041
		0000 03 34 0043 00 00 0041 01 00 0040 00 00 001B 00 00 001A 00 00
			0014 00 00 0013 00 00 0011 00 00 0010 00 00 0012 00 00 000A 00 00 0009 00 00 0008 00 00
		0001 0B 08 00000001 01 000000
		001E 08 04 03 000000
		0020 04 0C 00000000 00000800 0010 00 00
		002A 04 04 01 00 0000
		002B 00 04 01 000000
		002D 08 04 5F 00 FFFF
		002E 04 04 7F 001000
		002F 08 04 4E 000000
		003B 00 04 01 000000
		0041 09 18 01 000000 0006 0000 0000 0000 0006 0000 0000 0000`)
	// Its page 2Ah in the MMC-3 form without write speed descriptors and
	// with no buffer size: max read 8467 kB/s.
	bdCaps = hexb(`0026 00 00 0000 0000
		2A 1E 3F 37 F1 77 29 00 2113 0100 0000 2113 0000 0000 0000 0000 00 00 00 00 0000 0000`)
	// READ BUFFER CAPACITY: a 4 MiB buffer, nearly empty.
	bdBuffer = hexb("000A 00 00 00400000 003F0000")
	// GET PERFORMANCE type 03h for a 25 GB BD-R (last LBA 12219391): 6x,
	// 4x twice (as read and write defaults), 2x (1x BD is 4495 kB/s).
	bdSpeeds = hexb(`00000044 00 000000
		00 000000 00BA7FFF 0000695A 0000695A
		04 000000 00BA7FFF 0000463C 0000463C
		00 000000 00BA7FFF 0000463C 0000463C
		00 000000 00BA7FFF 0000231E 0000231E`)
)

func TestDriveCapabilities(t *testing.T) {
	ctx := context.Background()
	getConfig := hexb("46 00 00 00 00 00 00 08 00 00")
	modeSense := hexb("5A 08 2A 00 00 00 00 08 00 00")
	getSpeeds := hexb("AC 00 00 00 00 00 00 00 00 40 03 00")
	bufCap := hexb("5C 00 00 00 00 00 00 00 0C 00")
	qemu := &DriveCapabilities{Configured: true, Current: ProfileCDROM, Profiles: []Profile{ProfileDVDROM, ProfileCDROM},
		Read: []string{"CD", "DVD"}, C2Pointers: true, BufferKB: 2048, MaxReadKBps: 8800}
	for _, c := range []struct {
		name  string
		steps []scsitest.Step
		want  *DriveCapabilities
	}{
		{"QEMU scsi-cd", []scsitest.Step{{CDB: getConfig, Data: qemuConfig}, {CDB: modeSense, Data: qemuCaps}}, qemu},
		{"QEMU ide-cd", []scsitest.Step{{CDB: getConfig, Data: qemuATAPIConfig}, {CDB: modeSense, Data: qemuCaps}}, qemu},
		// An MMC-1 writer: no GET CONFIGURATION, no GET PERFORMANCE;
		// page 2Ah says it all.
		{"old writer", []scsitest.Step{
			scsitest.CheckCondition(getConfig, scsi.KeyIllegalRequest, 0x20, 0),
			{CDB: modeSense, Data: vecCapsWriter},
			scsitest.CheckCondition(getSpeeds, scsi.KeyIllegalRequest, 0x20, 0),
		}, &DriveCapabilities{Read: []string{"CD", "DVD"}, Write: []string{"CD-R", "CD-RW", "DVD-R", "DVD-RAM"},
			TestWrite: true, BUF: true, C2Pointers: true, BufferKB: 2048, MaxReadKBps: 7056, WriteKBps: []uint32{7056, 2824}}},
		// A unit attention (the disc was changed) is waited out.
		{"BD burner", []scsitest.Step{
			{CDB: getConfig, Data: bdConfig},
			scsitest.CheckCondition(modeSense, scsi.KeyUnitAttention, 0x28, 0),
			{CDB: modeSense, Data: bdCaps},
			{CDB: getSpeeds, Data: bdSpeeds},
			{CDB: bufCap, Data: bdBuffer},
		}, &DriveCapabilities{Configured: true, Current: ProfileBDRSeq,
			Profiles: []Profile{ProfileBDRE, ProfileBDRSeq, ProfileBDROM, ProfileDVDPlusR, ProfileDVDPlusRW, ProfileDVDRWSeq,
				ProfileDVDRWOverw, ProfileDVDR, ProfileDVDROM, ProfileDVDRAM, ProfileCDRW, ProfileCDR, ProfileCDROM},
			Read: []string{"CD", "DVD", "BD"},
			Write: []string{"CD-R", "CD-RW", "DVD-R", "DVD-RW", "DVD-R DL", "DVD+R", "DVD+RW", "DVD+R DL",
				"DVD-RAM", "BD-R", "BD-RE"},
			TAO: true, SAO: true, Raw: true, TestWrite: true, BUF: true, C2Pointers: true, CDText: true, WriteCDText: true,
			BufferKB: 4096, MaxReadKBps: 8467, WriteKBps: []uint32{26970, 17980, 8990}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &scsitest.Script{Steps: c.steps}
			got, err := NewDrive(s).Capabilities(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
			if s.Remaining() != 0 {
				t.Errorf("%d steps not sent", s.Remaining())
			}
		})
	}

	// A device that answers neither is no MMC drive.
	s := &scsitest.Script{Steps: []scsitest.Step{
		scsitest.CheckCondition(getConfig, scsi.KeyIllegalRequest, 0x20, 0),
		scsitest.CheckCondition(modeSense, scsi.KeyIllegalRequest, 0x24, 0),
	}}
	if c, err := NewDrive(s).Capabilities(ctx); !errors.Is(err, scsi.ErrIllegalRequest) {
		t.Errorf("neither answered: %+v, %v", c, err)
	}
}

// The rules of NewDriveCapabilities one by one, on configurations built
// in memory.
func TestNewDriveCapabilities(t *testing.T) {
	feature := func(code Feature, data ...byte) FeatureDescriptor {
		return FeatureDescriptor{Code: code, Data: data}
	}
	profiles := func(ps ...Profile) FeatureDescriptor {
		var b []byte
		for _, p := range ps {
			b = append(b, byte(p>>8), byte(p), 0, 0)
		}
		return feature(FeatureProfileList, b...)
	}
	for _, c := range []struct {
		name  string
		cfg   *Configuration
		page  *Capabilities
		read  []string
		write []string
	}{
		{"nothing", nil, nil, nil, nil},
		{"CD-R without the CD-RW profile", &Configuration{Features: []FeatureDescriptor{
			profiles(ProfileCDR, ProfileCDROM), feature(FeatureCDTAO, 0x02)}}, nil,
			[]string{"CD"}, []string{"CD-R"}},
		{"DVD-R without DVD-RW", &Configuration{Features: []FeatureDescriptor{
			profiles(ProfileDVDR, ProfileDVDROM), feature(FeatureDVDRWrite, 0x40)}}, nil,
			[]string{"DVD"}, []string{"DVD-R"}},
		{"layer jump", &Configuration{Features: []FeatureDescriptor{
			profiles(ProfileDVDRDLJump), feature(FeatureDVDRWrite), feature(FeatureLayerJump)}}, nil,
			[]string{"DVD"}, []string{"DVD-R", "DVD-R DL"}},
		{"DVD+ features without the Write bit", &Configuration{Features: []FeatureDescriptor{
			profiles(ProfileDVDPlusRW, ProfileDVDPlusR), feature(FeatureDVDPlusRW, 0, 0, 0, 0), feature(FeatureDVDPlusR),
			feature(FeatureDVDPlusRWDL, 1, 0, 0, 0)}}, nil,
			[]string{"DVD"}, []string{"DVD+RW DL"}},
		{"random writable without DVD-RAM", &Configuration{Features: []FeatureDescriptor{
			profiles(ProfileBDRE, ProfileBDROM), feature(FeatureRandomWritable), feature(FeatureBDWrite)}}, nil,
			[]string{"BD"}, []string{"BD-RE"}},
		{"HD DVD", &Configuration{Features: []FeatureDescriptor{
			profiles(ProfileHDDVDROM, ProfileHDDVDR, ProfileHDDVDRAM), feature(FeatureHDDVDWrite, 1, 0, 1, 0)}}, nil,
			[]string{"HD DVD"}, []string{"HD DVD-R", "HD DVD-RAM"}},
		{"other profiles", &Configuration{Features: []FeatureDescriptor{
			profiles(ProfileRemovable, ProfileMO, 0x0020, ProfileNonConforming)}}, nil, nil, nil},
		// Without a profile list, page 2Ah gives the media; with one, it
		// does not.
		{"no profile list", &Configuration{}, &Capabilities{ReadCDR: true, WriteCDR: true}, []string{"CD"}, []string{"CD-R"}},
		{"profile list first", &Configuration{Features: []FeatureDescriptor{profiles(ProfileCDROM)}},
			&Capabilities{ReadDVDROM: true, WriteCDR: true, WriteDVDR: true}, []string{"CD"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := NewDriveCapabilities(c.cfg, c.page, nil)
			if !reflect.DeepEqual(got.Read, c.read) || !reflect.DeepEqual(got.Write, c.write) {
				t.Errorf("reads %q, writes %q; want %q, %q", got.Read, got.Write, c.read, c.write)
			}
		})
	}

	// Speeds: only for a drive that writes; GET PERFORMANCE first, then
	// the page's descriptors, then its maximum; fastest first, once
	// each, no zero.
	writer := &Configuration{Features: []FeatureDescriptor{profiles(ProfileCDR), feature(FeatureCDTAO)}}
	page := &Capabilities{MaxWriteSpeed: 7056, WriteSpeeds: []WriteSpeed{{0, 2824}, {0, 7056}, {0, 2824}}}
	for _, c := range []struct {
		name   string
		cfg    *Configuration
		page   *Capabilities
		speeds []WriteSpeedDescriptor
		want   []uint32
	}{
		{"performance", writer, page, []WriteSpeedDescriptor{{WriteKBps: 1411}, {WriteKBps: 0}, {WriteKBps: 5645}}, []uint32{5645, 1411}},
		{"page descriptors", writer, page, nil, []uint32{7056, 2824}},
		{"page maximum", writer, &Capabilities{MaxWriteSpeed: 7056}, nil, []uint32{7056}},
		{"reader", &Configuration{}, &Capabilities{MaxWriteSpeed: 2816}, []WriteSpeedDescriptor{{WriteKBps: 1411}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := NewDriveCapabilities(c.cfg, c.page, c.speeds).WriteKBps; !reflect.DeepEqual(got, c.want) {
				t.Errorf("write speeds %v, want %v", got, c.want)
			}
		})
	}
}

func TestProfileFamily(t *testing.T) {
	for p, want := range map[Profile]string{
		ProfileNone: "", ProfileRemovable: "", ProfileMO: "", ProfileCDROM: "CD", ProfileCDRW: "CD",
		ProfileDVDROM: "DVD", ProfileDVDPlusR: "DVD", 0x001C: "", 0x0020: "", 0x0022: "",
		ProfileDVDPlusRWDL: "DVD", ProfileDVDPlusRDL: "DVD", 0x003F: "", ProfileBDROM: "BD", ProfileBDRE: "BD",
		0x0044: "", ProfileHDDVDROM: "HD DVD", ProfileHDDVDRWDL: "HD DVD", ProfileNonConforming: "",
	} {
		if got := p.Family(); got != want {
			t.Errorf("%v (%04Xh): %q, want %q", p, uint16(p), got, want)
		}
	}
}
