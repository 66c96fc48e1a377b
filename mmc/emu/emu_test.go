package emu

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"spindle/cd"
	"spindle/disc"
	"spindle/mmc"
	"spindle/mmc/mmctest"
	"spindle/scsi"
)

func image(blocks int) []byte {
	b := make([]byte, blocks*cd.DataSectorSize)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func pressed(t *testing.T, k Kind, img []byte) *Drive {
	t.Helper()
	m, err := NewPressed(k, bytes.NewReader(img), int64(len(img)))
	if err != nil {
		t.Fatal(err)
	}
	d := New(Config{})
	d.Insert(m)
	return d
}

// TestConformance runs the conformance suite of the device layer against
// the emulator: it must pass with no quirk declared.
func TestConformance(t *testing.T) {
	img := image(1000)
	mmctest.Run(t, pressed(t, CDROM, img), mmctest.Disc{Image: img})
}

func do(t *testing.T, d *Drive, cdb []byte, dir scsi.Direction, data []byte) (scsi.Result, error) {
	t.Helper()
	res, err := d.Do(context.Background(), &scsi.Command{CDB: cdb, Direction: dir, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return res, scsi.CheckStatus(res)
}

// ready consumes the unit attentions of power-on and disc insertion.
func ready(t *testing.T, d *Drive) {
	t.Helper()
	var err error
	for range 3 {
		if err = scsi.TestUnitReady(context.Background(), d); err == nil {
			return
		}
	}
	t.Fatal(err)
}

func senseOf(err error) (scsi.Sense, bool) {
	var se *scsi.SenseError
	if errors.As(err, &se) {
		return se.Sense, true
	}
	return scsi.Sense{}, false
}

func TestNoMediumAndTray(t *testing.T) {
	d := New(Config{})
	_, err := do(t, d, scsi.TestUnitReadyCDB(), scsi.None, nil)
	if s, ok := senseOf(err); !ok || s.Key != scsi.KeyUnitAttention || s.ASC != 0x29 {
		t.Fatalf("first command: %v, want the power-on unit attention", err)
	}
	_, err = do(t, d, scsi.TestUnitReadyCDB(), scsi.None, nil)
	if !errors.Is(err, scsi.ErrNoMedium) {
		t.Fatalf("TUR without a disc: %v", err)
	}
	// READ CAPACITY with no disc fails; INQUIRY works.
	if _, err := do(t, d, scsi.InquiryCDB(true, 0, 64), scsi.FromDevice, make([]byte, 64)); err != nil {
		t.Fatal(err)
	}
	img := image(20)
	m, _ := NewPressed(CDROM, bytes.NewReader(img), int64(len(img)))
	d.Insert(m)
	_, err = do(t, d, scsi.TestUnitReadyCDB(), scsi.None, nil)
	if s, ok := senseOf(err); !ok || s.ASC != 0x28 {
		t.Fatalf("after insertion: %v, want medium may have changed", err)
	}
	// GESN reports NewMedia once.
	gesn := []byte{0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8, 0}
	buf := make([]byte, 8)
	if _, err := do(t, d, gesn, scsi.FromDevice, buf); err != nil || buf[4] != 2 || buf[5]&2 == 0 {
		t.Fatalf("GESN: % x, %v", buf, err)
	}
	if _, err := do(t, d, gesn, scsi.FromDevice, buf); err != nil || buf[4] != 0 {
		t.Fatalf("GESN again: % x, %v", buf, err)
	}
	// Eject: tray open, no medium.
	if err := scsi.StartStopUnit(context.Background(), d, scsi.StartStop(2), false); err != nil {
		t.Fatal(err)
	}
	_, err = do(t, d, scsi.TestUnitReadyCDB(), scsi.None, nil)
	if s, ok := senseOf(err); !ok || s.ASC != 0x3A || s.ASCQ != 0x02 {
		t.Fatalf("tray open: %v", err)
	}
	if err := scsi.StartStopUnit(context.Background(), d, scsi.StartStop(3), false); err != nil {
		t.Fatal(err)
	}
	ready(t, d)
}

func TestUnknownOpcode(t *testing.T) {
	d := New(Config{})
	_, err := do(t, d, []byte{0xFF, 0, 0, 0, 0, 0}, scsi.None, nil)
	if s, ok := senseOf(err); !ok || s.Key != scsi.KeyIllegalRequest || s.ASC != 0x20 {
		t.Fatalf("%v", err)
	}
	_, err = do(t, d, []byte{0x28, 0}, scsi.None, nil)
	if s, ok := senseOf(err); !ok || s.ASC != 0x24 {
		t.Fatalf("short CDB: %v", err)
	}
}

func TestConfigurationAndProfiles(t *testing.T) {
	for _, k := range []Kind{CDR, CDRW, DVDR, DVDPlusRW, BDR, BDRE} {
		t.Run(k.String(), func(t *testing.T) {
			m, err := NewBlank(k)
			if err != nil {
				t.Fatal(err)
			}
			d := New(Config{})
			d.Insert(m)
			ready(t, d)
			c, err := mmc.NewDrive(d).Configuration(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if c.CurrentProfile != k.Profile() {
				t.Errorf("current profile %v, want %v", c.CurrentProfile, k.Profile())
			}
			cur := 0
			for _, p := range c.Profiles() {
				if p.Current {
					cur++
				}
			}
			if cur != 1 {
				t.Errorf("%d current profiles", cur)
			}
			if k.IsCD() {
				if f, ok := c.Feature(mmc.FeatureCDTAO); !ok || !f.Current {
					t.Errorf("CD TAO feature: %+v %v", f, ok)
				}
			}
			di, err := mmc.NewDrive(d).DiscInfo(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if di.Status.String() != "empty" {
				t.Errorf("blank %v: disc status %v", k, di.Status)
			}
		})
	}
}

func cdb10(op byte, lba uint32, n uint16) []byte {
	c := make([]byte, 10)
	c[0] = op
	binary.BigEndian.PutUint32(c[2:], lba)
	binary.BigEndian.PutUint16(c[7:], n)
	return c
}

func trackInfo(t *testing.T, d *Drive, track uint32) *mmc.TrackInfo {
	t.Helper()
	cdb := mmc.ReadTrackInfo(mmc.TrackByNumber, track, false, 48)
	buf := make([]byte, 48)
	if _, err := do(t, d, cdb[:], scsi.FromDevice, buf); err != nil {
		t.Fatalf("READ TRACK INFORMATION %d: %v", track, err)
	}
	ti, err := mmc.ParseTrackInfo(buf)
	if err != nil {
		t.Fatal(err)
	}
	return ti
}

// burnTAO writes img as one track at once at the next writable address
// and closes the track and, with multi, the session leaving the disc open.
func burnTAO(t *testing.T, d *Drive, img []byte, multi bool) cd.LBA {
	t.Helper()
	// Write parameters: TAO, Mode 1, multi-session field 3 (next session
	// allowed) or 0.
	ms, err := scsi.ModeSense10(context.Background(), d, 0, 0x05, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := ms.Page(0x05, 0)
	if !ok {
		t.Fatal("no page 05h")
	}
	p.Data[0] = p.Data[0]&0xF0 | writeTAO
	p.Data[1] = 0x04
	if multi {
		p.Data[1] |= 0xC0
	}
	p.Data[2] = byte(BlockMode1)
	ms.Pages = []scsi.ModePage{p}
	if err := scsi.ModeSelect10(context.Background(), d, &ms, false); err != nil {
		t.Fatal(err)
	}
	ti := trackInfo(t, d, 0xFF)
	if !ti.NWAValid {
		t.Fatal("no next writable address")
	}
	nwa := ti.NextWritable
	const chunk = 16
	for i := 0; i < len(img); i += chunk * cd.DataSectorSize {
		n := min(chunk, (len(img)-i)/cd.DataSectorSize)
		if _, err := do(t, d, cdb10(0x2A, uint32(nwa)+uint32(i/cd.DataSectorSize), uint16(n)), scsi.ToDevice, img[i:i+n*cd.DataSectorSize]); err != nil {
			t.Fatalf("WRITE at %d: %v", int(nwa)+i/cd.DataSectorSize, err)
		}
	}
	if _, err := do(t, d, []byte{0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}, scsi.None, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := do(t, d, []byte{0x5B, 0, 1, 0, 0, byte(ti.Track), 0, 0, 0, 0}, scsi.None, nil); err != nil {
		t.Fatalf("CLOSE TRACK: %v", err)
	}
	if _, err := do(t, d, []byte{0x5B, 0, 2, 0, 0, 0, 0, 0, 0, 0}, scsi.None, nil); err != nil {
		t.Fatalf("CLOSE SESSION: %v", err)
	}
	return nwa
}

func TestBurnCDRMultiSession(t *testing.T) {
	m, err := NewBlank(CDR)
	if err != nil {
		t.Fatal(err)
	}
	d := New(Config{})
	d.Insert(m)
	ready(t, d)
	ctx := context.Background()
	drv := mmc.NewDrive(d)

	img1 := image(300)
	if nwa := burnTAO(t, d, img1, true); nwa != 0 {
		t.Fatalf("first NWA %d", nwa)
	}
	// The first session: one track of 300 blocks and two run-out blocks.
	ti := trackInfo(t, d, 1)
	if ti.Start != 0 || ti.Size != 302 {
		t.Errorf("track 1: start %d size %d, want 0 and 302 (two run-out blocks)", ti.Start, ti.Size)
	}
	ms, err := drv.MSInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ms.LastSessionStart != 0 || ms.NextWritable != 302+11400 {
		t.Errorf("msinfo %v, want 0,%d", ms, 302+11400)
	}
	// The run-out cannot be read; the track can.
	buf := make([]byte, 300*cd.DataSectorSize)
	if err := drv.Read(ctx, 0, 300, buf); err != nil || !bytes.Equal(buf, img1) {
		t.Fatalf("read back: %v", err)
	}
	err = drv.Read(ctx, 300, 1, buf[:cd.DataSectorSize])
	if s, ok := senseOf(err); !ok || s.Key != scsi.KeyMediumError {
		t.Errorf("run-out read: %v, want a medium error", err)
	}

	img2 := image(100)
	if nwa := burnTAO(t, d, img2, true); nwa != 302+11400 {
		t.Fatalf("second NWA %d", nwa)
	}
	ms2, err := drv.MSInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ms2.LastSessionStart != 302+11400 || ms2.NextWritable != 302+11400+102+6900 {
		t.Errorf("msinfo after two sessions %v", ms2)
	}
	l, err := drv.Layout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Sessions) != 2 || l.Sessions[1].Tracks[0].Start != 302+11400 {
		t.Errorf("layout %+v", l)
	}
	di, err := drv.DiscInfo(ctx)
	if err != nil || di.Status.String() != "incomplete" || di.Sessions != 3 {
		t.Errorf("disc info %+v %v", di, err)
	}
	// READ CD gives the raw sector with a valid EDC and ECC.
	cdb, err := mmc.ReadCD(302+11400+5, 1, mmc.ReadCDOptions{Sync: true, Headers: mmc.HeaderAll, UserData: true, EDCECC: true})
	if err != nil {
		t.Fatal(err)
	}
	var raw [cd.RawSectorSize]byte
	if _, err := do(t, d, cdb[:], scsi.FromDevice, raw[:]); err != nil {
		t.Fatal(err)
	}
	if c := cd.CheckSector(&raw, 302+11400+5); !c.OK() {
		t.Errorf("raw sector: %+v", c)
	}
	if !bytes.Equal(raw[16:2064], img2[5*2048:6*2048]) {
		t.Error("raw sector user data differs")
	}
}

func TestTestWriteRecordsNothing(t *testing.T) {
	m, _ := NewBlank(CDR)
	d := New(Config{})
	d.Insert(m)
	ready(t, d)
	ms, _ := scsi.ModeSense10(context.Background(), d, 0, 0x05, 0)
	p, _ := ms.Page(0x05, 0)
	p.Data[0] |= 0x10
	ms.Pages = []scsi.ModePage{p}
	if err := scsi.ModeSelect10(context.Background(), d, &ms, false); err != nil {
		t.Fatal(err)
	}
	if _, err := do(t, d, cdb10(0x2A, 0, 1), scsi.ToDevice, make([]byte, 2048)); err != nil {
		t.Fatal(err)
	}
	if ti := trackInfo(t, d, 1); !ti.Blank || ti.NextWritable != 0 {
		t.Errorf("after a test write: %+v", ti)
	}
}

func TestOverwritableMedia(t *testing.T) {
	for _, k := range []Kind{DVDPlusRW, BDRE} {
		t.Run(k.String(), func(t *testing.T) {
			m, _ := NewBlank(k)
			d := New(Config{})
			d.Insert(m)
			ready(t, d)
			_, err := do(t, d, cdb10(0x2A, 0, 1), scsi.ToDevice, make([]byte, 2048))
			if err == nil {
				t.Fatal("write to an unformatted disc succeeded")
			}
			typ := byte(0x26)
			if k == BDRE {
				typ = 0x30
			}
			param := []byte{0, 0x02, 0, 8, 0xFF, 0xFF, 0xFF, 0xFF, typ << 2, 0, 0, 0}
			if _, err := do(t, d, []byte{0x04, 0x11, 0, 0, 0, 0}, scsi.ToDevice, param); err != nil {
				t.Fatalf("FORMAT UNIT: %v", err)
			}
			data := image(32)
			if _, err := do(t, d, cdb10(0x2A, 1000, 32), scsi.ToDevice, data); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len(data))
			if err := mmc.NewDrive(d).Read(context.Background(), 1000, 32, got); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("read back: %v", err)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	img := image(100)
	m, _ := NewPressed(CDROM, bytes.NewReader(img), int64(len(img)))
	d := New(Config{Faults: Faults{
		Unreadable: []Extent{{Start: 10, Length: 2}},
		Retry:      []RetryFault{{Extent: Extent{Start: 20, Length: 1}, Attempts: 3}},
	}})
	d.Insert(m)
	ready(t, d)
	drv := mmc.NewDrive(d)
	buf := make([]byte, 2048)
	err := drv.Read(context.Background(), 11, 1, buf)
	if s, ok := senseOf(err); !ok || s.Key != scsi.KeyMediumError || s.ASC != 0x11 || s.Info != 11 {
		t.Fatalf("unreadable: %v", err)
	}
	for i := 1; i <= 3; i++ {
		err := drv.Read(context.Background(), 20, 1, buf)
		if (err == nil) != (i == 3) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	// Another drive reads the same disc.
	d2 := New(Config{})
	d2.Insert(d.Remove())
	ready(t, d2)
	if err := mmc.NewDrive(d2).Read(context.Background(), 11, 1, buf); err != nil || !bytes.Equal(buf, img[11*2048:12*2048]) {
		t.Fatalf("second drive: %v", err)
	}
}

func TestLog(t *testing.T) {
	var log []Entry
	d := New(Config{Log: func(e Entry) { log = append(log, e) }})
	do(t, d, scsi.TestUnitReadyCDB(), scsi.None, nil)
	if len(log) != 1 || log[0].Status != scsi.StatusCheckCondition || log[0].ASC != 0x29 {
		t.Fatalf("log %v", log)
	}
}

func TestDirPersists(t *testing.T) {
	dir := t.TempDir()
	m, err := CreateDir(dir, CDR)
	if err != nil {
		t.Fatal(err)
	}
	d := New(Config{})
	d.Insert(m)
	ready(t, d)
	img := image(40)
	burnTAO(t, d, img, true)
	if err := d.Remove().Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateDir(dir, CDR); err == nil {
		t.Fatal("CreateDir over an existing disc succeeded")
	}
	m2, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	d2 := New(Config{})
	d2.Insert(m2)
	ready(t, d2)
	drv := mmc.NewDrive(d2)
	ms, err := drv.MSInfo(context.Background())
	if err != nil || ms.NextWritable != 42+11400 {
		t.Fatalf("msinfo %v %v", ms, err)
	}
	buf := make([]byte, len(img))
	if err := drv.Read(context.Background(), 0, 40, buf); err != nil || !bytes.Equal(buf, img) {
		t.Fatalf("read back: %v", err)
	}
	if _, err := OpenDir(t.TempDir()); !errors.Is(err, ErrNoMediumDir) {
		t.Fatalf("empty dir: %v", err)
	}
}

// TestSAO writes a session at once from a cue sheet built by package mmc:
// two audio tracks and a data track, then reads the TOC, the audio
// samples through READ CD and the data through READ(10).
func TestSAO(t *testing.T) {
	m, _ := NewBlank(CDR)
	d := New(Config{})
	d.Insert(m)
	ready(t, d)
	ctx := context.Background()
	l := &disc.Layout{MCN: "0123456789012", Sessions: []disc.Session{{Number: 1, LeadOut: 750 + 150 + 300, Tracks: []disc.Track{
		{Number: 1, Mode: disc.Audio, Start: 0, Length: 450, ISRC: "USABC1234567", Indexes: []disc.Index{{Number: 2, LBA: 300}}},
		{Number: 2, Mode: disc.Audio, Start: 450, Length: 300, Flags: disc.Flags{PreEmphasis: true}},
		{Number: 3, Mode: disc.Mode1, Start: 900, Pregap: 150, Length: 300},
	}}}}
	sheet, err := mmc.NewCueSheet(l, 1, mmc.CueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sheet.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	wp, _ := scsi.ModeSense10(ctx, d, 0, 0x05, 0)
	p, _ := wp.Page(0x05, 0)
	p.Data[0] = p.Data[0]&0xF0 | writeSAO
	wp.Pages = []scsi.ModePage{p}
	if err := scsi.ModeSelect10(ctx, d, &wp, false); err != nil {
		t.Fatal(err)
	}
	cdb, _ := mmc.SendCueSheet(uint32(len(raw)))
	if _, err := do(t, d, cdb[:], scsi.ToDevice, raw); err != nil {
		t.Fatalf("SEND CUE SHEET: %v", err)
	}
	audio := image(750*cd.RawSectorSize/cd.DataSectorSize + 1)[:750*cd.RawSectorSize]
	data := image(300)
	// Pre-gap of track 1 (150 audio sectors of silence), the audio, the
	// data track's pre-gap and the data, in that order.
	writes := []struct {
		lba  cd.LBA
		n    int
		size int
		buf  []byte
	}{
		{-150, 150, cd.RawSectorSize, make([]byte, 150*cd.RawSectorSize)},
		{0, 750, cd.RawSectorSize, audio},
		{750, 150, cd.DataSectorSize, make([]byte, 150*cd.DataSectorSize)},
		{900, 300, cd.DataSectorSize, data},
	}
	for _, w := range writes {
		for i := 0; i < w.n; i += 25 {
			k := min(25, w.n-i)
			if _, err := do(t, d, cdb10(0x2A, uint32(w.lba)+uint32(i), uint16(k)), scsi.ToDevice, w.buf[i*w.size:(i+k)*w.size]); err != nil {
				t.Fatalf("WRITE at %d: %v", int(w.lba)+i, err)
			}
		}
	}
	if _, err := do(t, d, []byte{0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}, scsi.None, nil); err != nil {
		t.Fatal(err)
	}
	drv := mmc.NewDrive(d)
	got, err := drv.Layout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tr := got.Tracks()
	if len(tr) != 3 || tr[0].Mode != disc.Audio || tr[2].Mode != disc.Mode1 || tr[2].Start != 900 || !tr[1].Flags.PreEmphasis || got.Sessions[0].LeadOut != 1200 {
		t.Fatalf("layout after SAO: %+v", got)
	}
	di, _ := drv.DiscInfo(ctx)
	if di.Status.String() != "complete" {
		t.Errorf("disc status %v, want complete (finalized)", di.Status)
	}
	c, _ := mmc.ReadCD(100, 2, mmc.ReadCDOptions{Type: mmc.SectorCDDA, UserData: true})
	buf := make([]byte, 2*cd.RawSectorSize)
	if _, err := do(t, d, c[:], scsi.FromDevice, buf); err != nil || !bytes.Equal(buf, audio[100*cd.RawSectorSize:102*cd.RawSectorSize]) {
		t.Fatalf("READ CD of audio: %v", err)
	}
	// The Q sub-channel: index 2 from LBA 300, the MCN where the absolute
	// frame is a multiple of 100, the ISRC 50 frames later.
	for _, c := range []struct {
		lba       cd.LBA
		adr, idx  uint8
		mcn, isrc string
	}{{10, 1, 1, "", ""}, {310, 1, 2, "", ""}, {250, 2, 0, "0123456789012", ""}, {300, 3, 0, "", "USABC1234567"}} {
		q, err := cd.DecodeQ(d.qFrame(c.lba))
		if err != nil || q.ADR != c.adr || c.adr == 1 && q.Index != c.idx || q.MCN != c.mcn || q.ISRC != c.isrc {
			t.Errorf("Q at %d: %+v %v", c.lba, q, err)
		}
	}
	// MCN and ISRC through READ SUB-CHANNEL.
	for _, f := range []mmc.SubChannelFormat{mmc.SubQMCN, mmc.SubQISRC} {
		cdb := mmc.ReadSubChannel(f, false, 1, 48)
		sb := make([]byte, 48)
		if _, err := do(t, d, cdb[:], scsi.FromDevice, sb); err != nil {
			t.Fatalf("READ SUB-CHANNEL %v: %v", f, err)
		}
		info, err := mmc.ParseSubChannel(sb, false)
		if err != nil {
			t.Fatal(err)
		}
		if f == mmc.SubQMCN && info.MCN != "0123456789012" || f == mmc.SubQISRC && info.ISRC != "USABC1234567" {
			t.Errorf("READ SUB-CHANNEL %v: %+v", f, info)
		}
	}
	// The same disc in a drive with a read offset of +6 samples and C2
	// errors on sector 200.
	d2 := New(Config{ReadOffset: 6, Faults: Faults{C2: []Extent{{Start: 200, Length: 1}}}})
	d2.Insert(d.Remove())
	ready(t, d2)
	if _, err := do(t, d2, c[:], scsi.FromDevice, buf); err != nil || !bytes.Equal(buf, audio[100*cd.RawSectorSize+24:102*cd.RawSectorSize+24]) {
		t.Fatalf("READ CD with a read offset: %v", err)
	}
	c2cdb, _ := mmc.ReadCD(200, 1, mmc.ReadCDOptions{Type: mmc.SectorCDDA, UserData: true, C2: mmc.C2Bits})
	c2buf := make([]byte, cd.RawSectorSize+294)
	if _, err := do(t, d2, c2cdb[:], scsi.FromDevice, c2buf); err != nil || c2buf[cd.RawSectorSize] != 0xFF || bytes.Equal(c2buf[:cd.RawSectorSize], audio[200*cd.RawSectorSize+24:201*cd.RawSectorSize+24]) {
		t.Fatalf("READ CD with C2 errors: %v", err)
	}
	drv = mmc.NewDrive(d2)
	rd := make([]byte, 300*cd.DataSectorSize)
	if err := drv.Read(ctx, 900, 300, rd); err != nil || !bytes.Equal(rd, data) {
		t.Fatalf("READ(10) of the data track: %v", err)
	}
	if err := drv.Read(ctx, 10, 1, rd[:2048]); err == nil {
		t.Error("READ(10) of an audio sector succeeded")
	}
}

func TestBecomingReadyAndLostMedium(t *testing.T) {
	img := image(10)
	m, _ := NewPressed(DVDROM, bytes.NewReader(img), int64(len(img)))
	d := New(Config{Faults: Faults{BecomingReady: 2, LoseMediumAfter: 8, Slow: []SlowFault{{Extent: Extent{Start: 3, Length: 1}, Delay: time.Millisecond}}}})
	d.Insert(m)
	var got []string
	for range 8 {
		_, err := do(t, d, scsi.TestUnitReadyCDB(), scsi.None, nil)
		s, _ := senseOf(err)
		got = append(got, fmt.Sprintf("%02X/%02X", s.ASC, s.ASCQ))
	}
	want := "29/00 28/00 04/01 04/01 00/00 00/00 00/00 00/00"
	if strings.Join(got, " ") != want {
		t.Errorf("TUR sequence %v, want %s", got, want)
	}
	_, err := do(t, d, scsi.TestUnitReadyCDB(), scsi.None, nil)
	if !errors.Is(err, scsi.ErrNoMedium) {
		t.Errorf("after the medium was lost: %v", err)
	}
}

// TestPressedLayout: a CD-Extra disc made from an image (an audio session,
// then a data session) reads as the image says: two sessions in the TOC,
// the audio through READ CD, the data through READ(10), and the raw data
// sectors with a valid EDC/ECC.
func TestPressedLayout(t *testing.T) {
	audio := image(300 * cd.RawSectorSize / cd.DataSectorSize)
	data := image(200)
	second := disc.NextSessionStart(300, true)
	l := &disc.Layout{Sessions: []disc.Session{
		{Number: 1, LeadOut: 300, Tracks: []disc.Track{{Number: 1, Mode: disc.Audio, Start: 0, Length: 300,
			Data: []disc.Segment{{File: "a.bin", Sectors: 300, Storage: disc.StoreRaw, SectorSize: cd.RawSectorSize}}}}},
		{Number: 2, LeadOut: second + 200, Tracks: []disc.Track{{Number: 2, Mode: disc.Mode1, Start: second, Length: 200, Pregap: 150,
			Data: []disc.Segment{{Sectors: 150, Storage: disc.StoreUser, SectorSize: cd.DataSectorSize},
				{File: "d.iso", Sectors: 200, Storage: disc.StoreUser, SectorSize: cd.DataSectorSize}}}}},
	}}
	files := map[string][]byte{"a.bin": audio, "d.iso": data}
	m, err := NewPressedLayout(l, func(name string) (io.ReaderAt, error) { return bytes.NewReader(files[name]), nil })
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	d := New(Config{})
	d.Insert(m)
	ready(t, d)
	ctx := context.Background()
	drv := mmc.NewDrive(d)
	got, err := drv.Layout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sessions) != 2 || got.Sessions[1].Tracks[0].Start != second || got.Sessions[0].Tracks[0].Mode != disc.Audio {
		t.Fatalf("layout %+v", got)
	}
	c, _ := mmc.ReadCD(10, 3, mmc.ReadCDOptions{Type: mmc.SectorCDDA, UserData: true})
	buf := make([]byte, 3*cd.RawSectorSize)
	if _, err := do(t, d, c[:], scsi.FromDevice, buf); err != nil || !bytes.Equal(buf, audio[10*cd.RawSectorSize:13*cd.RawSectorSize]) {
		t.Fatalf("audio: %v", err)
	}
	rd := make([]byte, 200*cd.DataSectorSize)
	if err := drv.Read(ctx, second, 200, rd); err != nil || !bytes.Equal(rd, data) {
		t.Fatalf("data: %v", err)
	}
	c, _ = mmc.ReadCD(second+7, 1, mmc.RawSector)
	var raw [cd.RawSectorSize]byte
	if _, err := do(t, d, c[:], scsi.FromDevice, raw[:]); err != nil {
		t.Fatal(err)
	}
	if chk := cd.CheckSector(&raw, second+7); !chk.OK() {
		t.Errorf("raw data sector: %+v", chk)
	}
	si, err := drv.SessionInfo(ctx)
	if err != nil || si.Start != second || si.LastSession != 2 || si.FirstTrack != 2 {
		t.Errorf("session info %+v %v", si, err)
	}
}

// TestBlankTypes: BLANK of the last track, of a reservation and unclosing
// the last session, on a CD-RW.
func TestBlankTypes(t *testing.T) {
	m, _ := NewBlank(CDRW)
	d := New(Config{})
	d.Insert(m)
	ready(t, d)
	burnTAO(t, d, image(50), true)
	blankCDB := func(typ byte) []byte { return []byte{0xA1, typ, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0} }
	// Unclose the session: it is open again, its track stays.
	if _, err := do(t, d, blankCDB(5), scsi.None, nil); err != nil {
		t.Fatalf("unclose: %v", err)
	}
	di, _ := mmc.NewDrive(d).DiscInfo(context.Background())
	if di.Sessions != 1 || di.LastSession.String() == "complete" {
		t.Errorf("after unclose: %+v", di)
	}
	// Blank the last track: track 1 is invisible again at 0.
	if _, err := do(t, d, blankCDB(2), scsi.None, nil); err != nil {
		t.Fatalf("blank track: %v", err)
	}
	if ti := trackInfo(t, d, 0xFF); ti.Track != 1 || ti.NextWritable != 0 || !ti.Blank {
		t.Errorf("after blanking the track: %+v", ti)
	}
	// Reserve 100 blocks, then unreserve.
	if _, err := do(t, d, []byte{0x53, 0, 0, 0, 0, 0, 0, 0, 100, 0}, scsi.None, nil); err != nil {
		t.Fatalf("RESERVE TRACK: %v", err)
	}
	if ti := trackInfo(t, d, 1); !ti.RT || ti.Size != 100 {
		t.Errorf("reserved: %+v", ti)
	}
	if _, err := do(t, d, blankCDB(3), scsi.None, nil); err != nil {
		t.Fatalf("unreserve: %v", err)
	}
	if ti := trackInfo(t, d, 0xFF); ti.Track != 1 || ti.RT {
		t.Errorf("after unreserve: %+v", ti)
	}
}
