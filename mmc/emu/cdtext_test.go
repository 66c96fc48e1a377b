package emu

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"testing"

	"spindle/cd"
	"spindle/disc"
	"spindle/mmc"
	"spindle/scsi"
)

// cdTextLayout is two audio tracks with CD-TEXT, the second track's title
// in ISO 8859-1 and longer than a pack.
func cdTextLayout() *disc.Layout {
	return &disc.Layout{
		Text: disc.Text{Title: "Spindle Sessions", Performer: "The Emulated Drives", UPC: "0123456789012"},
		Sessions: []disc.Session{{Number: 1, Tracks: []disc.Track{
			{Number: 1, Mode: disc.Audio, Start: 0, Length: 300, Text: disc.Text{Title: "Lead-in Blues", Performer: "The Emulated Drives", ISRC: "USABC1234567"}},
			{Number: 2, Mode: disc.Audio, Start: 300, Length: 300, Text: disc.Text{Title: "Café Sub-Code Orchestra", Performer: "Guest"}},
		}}},
	}
}

// readCDText reads READ TOC format 5 from d: the packs after the header.
func readCDText(t *testing.T, d *Drive) []byte {
	t.Helper()
	cdb := mmc.ReadTOC(mmc.TOCFormatCDText, false, 0, 0xFFFF)
	buf := make([]byte, 0xFFFF)
	res, err := do(t, d, cdb[:], scsi.FromDevice, buf)
	if err != nil {
		t.Fatalf("READ TOC format 5: %v", err)
	}
	buf = buf[:res.Transferred]
	if n := int(buf[0])<<8 | int(buf[1]); n+2 != len(buf) {
		t.Fatalf("READ TOC format 5: length field %d, %d bytes", n, len(buf))
	}
	return buf[4:]
}

// checkText decodes packs and checks that they carry l's texts.
func checkText(t *testing.T, packs []byte, l *disc.Layout) {
	t.Helper()
	n := len(packs) + 2
	ct, err := mmc.ParseCDText(append([]byte{byte(n >> 8), byte(n), 0, 0}, packs...))
	if err != nil {
		t.Fatal(err)
	}
	got := &disc.Layout{Sessions: []disc.Session{{Number: 1}}}
	for _, tr := range l.Tracks() {
		got.Sessions[0].Tracks = append(got.Sessions[0].Tracks, disc.Track{Number: tr.Number})
	}
	ct.Apply(got, 0)
	if !reflect.DeepEqual(got.Text, l.Text) {
		t.Errorf("disc text %+v, want %+v", got.Text, l.Text)
	}
	for _, tr := range l.Tracks() {
		if g := got.Track(tr.Number).Text; !reflect.DeepEqual(g, tr.Text) {
			t.Errorf("track %d text %+v, want %+v", tr.Number, g, tr.Text)
		}
	}
}

// TestPressedCDText: a pressed disc made from a layout with CD-TEXT
// answers READ TOC format 5 with the packs mmc.EncodeCDText makes of it;
// one without text answers with the header alone.
func TestPressedCDText(t *testing.T) {
	l := cdTextLayout()
	open := func(string) (io.ReaderAt, error) { return bytes.NewReader(nil), nil }
	d := pressedDrive(t, l)
	packs := readCDText(t, d)
	want, err := mmc.EncodeCDText(l, mmc.CDTextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(packs, want) {
		t.Errorf("READ TOC format 5 gives %d bytes of packs, EncodeCDText %d", len(packs), len(want))
	}
	checkText(t, packs, l)
	ct, err := mmc.NewDrive(d).CDText(context.Background())
	if err != nil || len(ct.Blocks) != 1 || ct.Blocks[0].Disc.Title != "Spindle Sessions" {
		t.Errorf("Drive.CDText: %+v, %v", ct, err)
	}

	// Text outside ISO 8859-1 reads back as '?'.
	l.Sessions[0].Tracks[1].Text.Title = "日本"
	m, err := NewPressedLayout(l, open)
	if err != nil {
		t.Fatal(err)
	}
	d.Insert(m)
	ready(t, d)
	l.Sessions[0].Tracks[1].Text.Title = "??"
	checkText(t, readCDText(t, d), l)

	for i := range l.Sessions[0].Tracks {
		l.Sessions[0].Tracks[i].Text = disc.Text{}
	}
	l.Text = disc.Text{}
	if m, err = NewPressedLayout(l, open); err != nil {
		t.Fatal(err)
	}
	d.Insert(m)
	ready(t, d)
	if packs := readCDText(t, d); len(packs) != 0 {
		t.Errorf("a disc without CD-TEXT: %d bytes of packs", len(packs))
	}
}

// saoSetup puts d (a blank CD-R or CD-RW) into session at once with the
// data block type of page 05h given, and sends the cue sheet of l with
// CD-TEXT in the lead-in starting at leadIn.
func saoSetup(t *testing.T, d *Drive, l *disc.Layout, block BlockType, test bool, leadIn cd.LBA) error {
	t.Helper()
	ctx := context.Background()
	wp, err := scsi.ModeSense10(ctx, d, 0, 0x05, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := wp.Page(0x05, 0)
	p.Data[0] = p.Data[0]&0xE0 | writeSAO
	if test {
		p.Data[0] |= 0x10
	}
	p.Data[2] = p.Data[2]&0xF0 | byte(block)
	wp.Pages = []scsi.ModePage{p}
	if err := scsi.ModeSelect10(ctx, d, &wp, false); err != nil {
		t.Fatalf("MODE SELECT of page 05h, SAO, block type %d: %v", block, err)
	}
	sheet, err := mmc.NewCueSheet(l, 1, mmc.CueOptions{CDText: true, LeadIn: leadIn})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sheet.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	cdb, _ := mmc.SendCueSheet(uint32(len(raw)))
	_, err = do(t, d, cdb[:], scsi.ToDevice, raw)
	return err
}

// writeRun writes n blocks of size bytes from lba, taking them from src
// in turn, 27 blocks a WRITE.
func writeRun(t *testing.T, d *Drive, lba cd.LBA, n, size int, src func(i int) []byte) error {
	t.Helper()
	for i := 0; i < n; i += 27 {
		k := min(27, n-i)
		var buf []byte
		for j := range k {
			buf = append(buf, src(i+j)...)
		}
		if _, err := do(t, d, cdb10(0x2A, uint32(int32(lba)+int32(i)), uint16(k)), scsi.ToDevice, buf); err != nil {
			return err
		}
	}
	return nil
}

// leadInStart reads the lead-in start a host writes CD-TEXT from: READ
// DISC INFORMATION bytes 17–19, as cdrdao reads it.
func leadInStart(t *testing.T, d *Drive) cd.LBA {
	t.Helper()
	di, err := mmc.NewDrive(d).DiscInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lead, ok := di.CDLeadIn()
	if !ok {
		t.Fatalf("no lead-in start in %+v", di)
	}
	return lead
}

// TestSAOCDText records a session at once with CD-TEXT in its lead-in as
// cdrdao and libburn do: the cue sheet's lead-in entry has data form 41h
// and the lead-in's start, the host writes from there to the first
// pre-gap 96 bytes of raw R–W a block, the packs in cycles; READ TOC
// format 5 then returns one copy of each pack.
func TestSAOCDText(t *testing.T) {
	l := cdTextLayout()
	packs, err := mmc.EncodeCDText(l, mmc.CDTextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cycle, err := mmc.CDTextSubchannel(packs)
	if err != nil {
		t.Fatal(err)
	}
	sectors := len(cycle) / cd.SubchannelSize
	audio := make([]byte, 600*cd.RawSectorSize)
	for i := range audio {
		audio[i] = byte(i * 7)
	}
	record := func(t *testing.T, block BlockType, test bool, phase int) *Drive {
		m, _ := NewBlank(CDR)
		d := New(Config{})
		d.Insert(m)
		ready(t, d)
		lead := leadInStart(t, d)
		if lead != atipLeadIn {
			t.Fatalf("lead-in start %d, want the ATIP's %d", lead, atipLeadIn)
		}
		if err := saoSetup(t, d, l, block, test, lead); err != nil {
			t.Fatalf("SEND CUE SHEET: %v", err)
		}
		// The lead-in, starting the cycle at sector phase.
		err := writeRun(t, d, lead, int(-cd.LBA(cd.MSFOffset)-lead), cd.SubchannelSize, func(i int) []byte {
			k := (i + phase) % sectors
			return cycle[k*cd.SubchannelSize : (k+1)*cd.SubchannelSize]
		})
		if err != nil {
			t.Fatalf("WRITE of the lead-in: %v", err)
		}
		if err := writeRun(t, d, -cd.LBA(cd.MSFOffset), int(cd.MSFOffset), cd.RawSectorSize, func(int) []byte { return make([]byte, cd.RawSectorSize) }); err != nil {
			t.Fatalf("WRITE of the pre-gap: %v", err)
		}
		if err := writeRun(t, d, 0, 600, cd.RawSectorSize, func(i int) []byte { return audio[i*cd.RawSectorSize : (i+1)*cd.RawSectorSize] }); err != nil {
			t.Fatalf("WRITE of the tracks: %v", err)
		}
		if _, err := do(t, d, []byte{0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}, scsi.None, nil); err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		name  string
		block BlockType
		phase int
	}{
		{"block type 3, from the first pack", BlockRawRW, 0},
		{"block type 0, from the middle of the cycle", BlockRaw, sectors / 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := record(t, tc.block, false, tc.phase)
			got := readCDText(t, d)
			if !bytes.Equal(got, packs) {
				t.Errorf("READ TOC format 5 after recording: %d bytes of packs, want the %d written", len(got), len(packs))
			}
			checkText(t, got, l)
			c, _ := mmc.ReadCD(100, 1, mmc.ReadCDOptions{Type: mmc.SectorCDDA, UserData: true})
			buf := make([]byte, cd.RawSectorSize)
			if _, err := do(t, d, c[:], scsi.FromDevice, buf); err != nil || !bytes.Equal(buf, audio[100*cd.RawSectorSize:101*cd.RawSectorSize]) {
				t.Errorf("READ CD of the audio: %v", err)
			}
			// The text stays with the disc in another drive, and in its
			// directory.
			d2 := New(Config{})
			d2.Insert(d.Remove())
			ready(t, d2)
			if got := readCDText(t, d2); !bytes.Equal(got, packs) {
				t.Error("the CD-TEXT did not move with the disc")
			}
		})
	}
	t.Run("test write", func(t *testing.T) {
		d := record(t, BlockRawRW, true, 0)
		if got := readCDText(t, d); len(got) != 0 {
			t.Errorf("a simulated write recorded %d bytes of CD-TEXT", len(got))
		}
	})
	t.Run("lead-in time 00:00:00", func(t *testing.T) {
		m, _ := NewBlank(CDR)
		d := New(Config{})
		d.Insert(m)
		ready(t, d)
		if err := saoSetup(t, d, l, BlockRawRW, false, 0); err != nil {
			t.Fatalf("SEND CUE SHEET: %v", err)
		}
		// The host writes from the lead-in's start all the same.
		err := writeRun(t, d, -cd.LBA(cd.MSFOffset), 1, cd.RawSectorSize, func(int) []byte { return make([]byte, cd.RawSectorSize) })
		if s, _ := senseOf(err); s.ASC != 0x21 || s.ASCQ != 0x02 {
			t.Errorf("WRITE of the pre-gap before the lead-in: %v, want 21h/02h", err)
		}
		if err := writeRun(t, d, atipLeadIn, 10, cd.SubchannelSize, func(i int) []byte { return cycle[:cd.SubchannelSize] }); err != nil {
			t.Errorf("WRITE of the lead-in: %v", err)
		}
	})
	t.Run("lead-in elsewhere", func(t *testing.T) {
		m, _ := NewBlank(CDR)
		d := New(Config{})
		d.Insert(m)
		ready(t, d)
		err := saoSetup(t, d, l, BlockRawRW, false, atipLeadIn+1)
		if s, _ := senseOf(err); s.ASC != 0x26 {
			t.Errorf("a cue sheet with the lead-in at %d: %v, want 26h/00h", atipLeadIn+1, err)
		}
	})
}

// TestCDTextWriterCapability checks what programs read to decide whether
// the drive writes CD-TEXT, asked as they ask it.
func TestCDTextWriterCapability(t *testing.T) {
	m, _ := NewBlank(CDR)
	d := New(Config{})
	d.Insert(m)
	ready(t, d)
	// cdrdao 1.2.5 and later (GenericMMC's constructor): GET
	// CONFIGURATION, RT 2, feature 002Eh (CD Mastering), 8 bytes to
	// learn the length, then the descriptor; bit 0 of its byte 4, R-W
	// (R–W sub-channel in session at once), turns CD-TEXT writing on.
	hdr := make([]byte, 8)
	if _, err := do(t, d, []byte{0x46, 0x02, 0x00, 0x2E, 0, 0, 0, 0, 8, 0}, scsi.FromDevice, hdr); err != nil {
		t.Fatal(err)
	}
	n := int(hdr[0])<<24 | int(hdr[1])<<16 | int(hdr[2])<<8 | int(hdr[3])
	if n < 8 {
		t.Fatalf("GET CONFIGURATION 002Eh: data length %d", n)
	}
	buf := make([]byte, min(n-4, 8)+8)
	if _, err := do(t, d, []byte{0x46, 0x02, 0x00, 0x2E, 0, 0, 0, 0, byte(len(buf)), 0}, scsi.FromDevice, buf); err != nil {
		t.Fatal(err)
	}
	if buf[8] != 0x00 || buf[9] != 0x2E || buf[12]&0x01 == 0 {
		t.Errorf("feature 002Eh % x: no R-W bit", buf[8:])
	}
	// cdrdao's session at once with CD-TEXT: page 05h with data block
	// type 3 (raw with raw P–W); cdrecord's probes of SAO/R96P and
	// SAO/R96R: types 2 and 3.
	ctx := context.Background()
	for _, bt := range []BlockType{BlockRawPQ, BlockRawPW, BlockRawRW} {
		wp, _ := scsi.ModeSense10(ctx, d, 0, 0x05, 0)
		p, _ := wp.Page(0x05, 0)
		p.Data[0] = p.Data[0]&0xF0 | writeSAO
		p.Data[2] = p.Data[2]&0xF0 | byte(bt)
		wp.Pages = []scsi.ModePage{p}
		if err := scsi.ModeSelect10(ctx, d, &wp, false); err != nil {
			t.Errorf("page 05h, SAO, data block type %d: %v", bt, err)
		}
	}
}

// TestTAORawSubchannel: track at once with a raw block type carrying
// sub-channel (2448 bytes a block) records the main channel.
func TestTAORawSubchannel(t *testing.T) {
	m, _ := NewBlank(CDR)
	d := New(Config{})
	d.Insert(m)
	ready(t, d)
	ctx := context.Background()
	wp, _ := scsi.ModeSense10(ctx, d, 0, 0x05, 0)
	p, _ := wp.Page(0x05, 0)
	p.Data[0] = p.Data[0]&0xF0 | writeTAO
	p.Data[1] = p.Data[1] & 0xF0 // audio
	p.Data[2] = p.Data[2]&0xF0 | byte(BlockRawRW)
	wp.Pages = []scsi.ModePage{p}
	if err := scsi.ModeSelect10(ctx, d, &wp, false); err != nil {
		t.Fatal(err)
	}
	audio := make([]byte, 300*cd.RawSectorSize)
	for i := range audio {
		audio[i] = byte(i*3 + i>>10)
	}
	err := writeRun(t, d, 0, 300, cd.RawSectorSize+cd.SubchannelSize, func(i int) []byte {
		return append(bytes.Clone(audio[i*cd.RawSectorSize:(i+1)*cd.RawSectorSize]), make([]byte, cd.SubchannelSize)...)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := do(t, d, []byte{0x5B, 0, 1, 0, 0, 0, 0, 0, 0, 0}, scsi.None, nil); err != nil {
		t.Fatal(err)
	}
	c, _ := mmc.ReadCD(0, 300, mmc.ReadCDOptions{Type: mmc.SectorCDDA, UserData: true})
	buf := make([]byte, len(audio))
	if _, err := do(t, d, c[:], scsi.FromDevice, buf); err != nil || !bytes.Equal(buf, audio) {
		t.Errorf("READ CD of the track: %v", err)
	}
	if tr := m.Tracks()[0]; tr.Block != BlockRaw || tr.Control&0x4 != 0 {
		t.Errorf("track %+v", tr)
	}
}

// atipLeadIn is a constant for program start's sake; it must stay the
// LBA of the MSF the ATIP announces.
func TestATIPLeadInConstant(t *testing.T) {
	if want := (cd.MSF{M: 97, S: 26, F: 66}).LBA() - 450000; atipLeadIn != want {
		t.Fatalf("atipLeadIn = %d, want %d", atipLeadIn, want)
	}
}

// TestPressedCDI: a pressed disc whose data track is a CD-i one reports
// the CD-i disc type (10h) in READ DISC INFORMATION and the full TOC, and
// the layout read back from the drive marks the track CD-i; a Mode 2 track
// of another disc gives CD-ROM XA (20h).
func TestPressedCDI(t *testing.T) {
	for _, cdi := range []bool{true, false} {
		l := &disc.Layout{Sessions: []disc.Session{{Number: 1, Tracks: []disc.Track{
			{Number: 1, Mode: disc.Mode2, Start: 0, Length: 600, CDI: cdi},
			{Number: 2, Mode: disc.Audio, Start: 600, Length: 300},
		}}}}
		d := pressedDrive(t, l)
		want := uint8(mmc.DiscTypeCDROMXA)
		if cdi {
			want = mmc.DiscTypeCDI
		}
		drv := mmc.NewDrive(d)
		di, err := drv.DiscInfo(context.Background())
		if err != nil || di.DiscType != want {
			t.Errorf("CDI %v: disc information type %#x, %v; want %#x", cdi, di.DiscType, err, want)
		}
		back, err := drv.Layout(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if tr := back.Track(1); tr == nil || tr.CDI != cdi || back.Track(2).CDI {
			t.Errorf("CDI %v: layout read back: %+v", cdi, back.Tracks())
		}
	}
}

// pressedDrive returns a ready drive holding a pressed disc of layout l
// whose sectors read as zeros.
func pressedDrive(t *testing.T, l *disc.Layout) *Drive {
	t.Helper()
	m, err := NewPressedLayout(l, func(string) (io.ReaderAt, error) { return bytes.NewReader(nil), nil })
	if err != nil {
		t.Fatal(err)
	}
	d := New(Config{})
	d.Insert(m)
	ready(t, d)
	return d
}
