// Package mmctest is the conformance suite of Spindle's device layer: one
// set of checks that any drive behind a scsi.Transport must pass for the
// commands Spindle reads discs with, run against QEMU's emulated drives in
// a Linux guest (and, in later work, against the emulated drive and a real
// drive named by SPINDLE_TEST_DEVICE).
//
// Where a drive is known to deviate from MMC-6, the deviation is a named
// Quirk that the caller declares; the suite then checks that the drive
// deviates exactly that way, so a quirk that goes away, or a new one, fails
// the run instead of being tolerated silently.
package mmctest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"spindle/cd"
	"spindle/mmc"
	"spindle/scsi"
)

// Quirk is a known deviation of a drive from MMC-6.
type Quirk string

// The deviations of QEMU's emulated drives (measured: QEMU-MMC.md of the
// qemu-drive tools).
const (
	// NoResidual: the data-in transfer is zero-padded to the allocation
	// length and no residual is reported (QEMU, many USB bridges).
	NoResidual Quirk = "no residual on data-in"
	// NoTrackInfo: READ TRACK INFORMATION is rejected as an invalid opcode.
	NoTrackInfo Quirk = "READ TRACK INFORMATION rejected"
	// LegacyTOCFormat: READ TOC honours the format only in the SFF-8020
	// field (byte 9), and answers format 0 data otherwise (QEMU's ATAPI).
	LegacyTOCFormat Quirk = "READ TOC format only from byte 9"
	// NoSerialVPD: INQUIRY VPD page 80h (unit serial number) is rejected.
	NoSerialVPD Quirk = "VPD 80h rejected"
	// SessionInfoNoTrack: READ TOC format 1 gives the sessions and the
	// start address, but ADR/CONTROL and the first track number of the
	// last session are zero (QEMU's scsi-cd and ide-cd).
	SessionInfoNoTrack Quirk = "READ TOC format 1 without ADR, CONTROL and track"
)

// Disc is what the medium in the drive is known to hold.
type Disc struct {
	// Image is the disc's data: a single Mode 1 data track of
	// len(Image)/2048 blocks.
	Image []byte
}

func has(qs []Quirk, q Quirk) bool {
	for _, x := range qs {
		if x == q {
			return true
		}
	}
	return false
}

func do(ctx context.Context, t scsi.Transport, cdb []byte, buf []byte) (scsi.Result, error) {
	dir := scsi.FromDevice
	if len(buf) == 0 {
		dir = scsi.None
	}
	res, err := t.Do(ctx, &scsi.Command{CDB: cdb, Direction: dir, Data: buf})
	if err != nil {
		return res, err
	}
	return res, scsi.CheckStatus(res)
}

// Run checks the drive behind tr, holding d, declaring quirks.
func Run(t *testing.T, tr scsi.Transport, d Disc, quirks ...Quirk) {
	ctx := context.Background()
	drive := mmc.NewDrive(tr)
	blocks := len(d.Image) / cd.DataSectorSize

	t.Run("Inquiry", func(t *testing.T) {
		id, err := drive.Identity(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if id.DeviceType != scsi.TypeMMC || !id.Removable {
			t.Errorf("INQUIRY: %+v, want an MMC device with removable medium", id)
		}
		_, err = scsi.UnitSerialNumber(ctx, tr)
		if has(quirks, NoSerialVPD) != (err != nil) {
			t.Errorf("VPD 80h: %v (quirk %q declared: %v)", err, NoSerialVPD, has(quirks, NoSerialVPD))
		}
	})
	t.Run("Ready", func(t *testing.T) {
		if err := drive.Ready(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Capacity", func(t *testing.T) {
		c, err := drive.Capacity(ctx)
		if err != nil || int(c.LastLBA)+1 != blocks || c.BlockSize != cd.DataSectorSize {
			t.Errorf("READ CAPACITY: %+v, %v; the disc has %d blocks", c, err, blocks)
		}
	})
	t.Run("TOC", func(t *testing.T) {
		toc, err := drive.TOC(ctx)
		if err != nil {
			t.Fatal(err)
		}
		lo, ok := toc.LeadOut()
		if len(toc.Entries) != 2 || !toc.Entries[0].IsData() || toc.Entries[0].Start != 0 || !ok || int(lo.Start) != blocks {
			t.Errorf("READ TOC: %+v; want one data track at 0 and the lead-out at %d", toc, blocks)
		}
		// Formats 1, 2 and 4 asked for the MMC way: a drive with the
		// SFF-8020 quirk answers format 0 to each; others answer the
		// format, or reject format 4 (a pressed disc has no ATIP).
		legacy := has(quirks, LegacyTOCFormat)
		for _, f := range []mmc.TOCFormat{mmc.TOCFormatSessionInfo, mmc.TOCFormatFullTOC, mmc.TOCFormatATIP} {
			var number uint8
			if f == mmc.TOCFormatFullTOC {
				number = 1 // the first session
			}
			cdb := mmc.ReadTOC(f, f != mmc.TOCFormatSessionInfo, number, 2048)
			buf := make([]byte, 2048)
			_, err := do(ctx, tr, cdb[:], buf)
			if err != nil && (f != mmc.TOCFormatATIP || !errors.Is(err, scsi.ErrIllegalRequest)) {
				t.Errorf("READ TOC format %d: %v", f, err)
				continue
			}
			if got := err == nil && mmc.IsFormattedTOC(buf); got != legacy {
				t.Errorf("READ TOC format %d answered % x (%v) (quirk %q declared: %v)", f, buf[:24], err, LegacyTOCFormat, legacy)
			}
		}
	})
	t.Run("SessionInfo", func(t *testing.T) {
		si, err := drive.SessionInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if si.FirstSession != 1 || si.LastSession != 1 || si.Start != 0 {
			t.Errorf("READ TOC format 1: %+v; want session 1 of 1 starting at 0", si)
		}
		zero := si.ADR == 0 && si.Control == 0 && si.FirstTrack == 0
		right := si.ADR == 1 && si.Control&mmc.ControlData != 0 && si.FirstTrack == 1
		if q := has(quirks, SessionInfoNoTrack); !(q && zero || !q && right) {
			t.Errorf("READ TOC format 1: %+v (quirk %q declared: %v)", si, SessionInfoNoTrack, q)
		}
	})
	t.Run("FullTOC", func(t *testing.T) {
		// Through the Drive, which asks an SFF-8020 drive the legacy way.
		ft, err := drive.FullTOC(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ss, err := ft.Sessions()
		if err != nil {
			t.Fatal(err)
		}
		if len(ss) != 1 || ss[0].FirstTrack != 1 || ss[0].LastTrack != 1 || int(ss[0].LeadOut) != blocks ||
			len(ss[0].Tracks) != 1 || ss[0].Tracks[0].Start != 0 || !ss[0].Tracks[0].IsData() {
			t.Errorf("READ TOC format 2: %+v; want session 1: data track 1 at 0, lead-out at %d", ss, blocks)
		}
		l, err := drive.Layout(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tr := l.Tracks()
		if len(l.Sessions) != 1 || len(tr) != 1 || tr[0].Start != 0 || int(tr[0].Length) != blocks || !tr[0].Mode.IsData() {
			t.Errorf("layout %+v; want one data track of %d blocks", l, blocks)
		}
	})
	t.Run("ATIPAndCDText", func(t *testing.T) {
		// A pressed data disc has neither; a drive may also answer them
		// (an emulated CD-R), and then they must parse.
		if a, err := drive.ATIP(ctx); err == nil {
			if a.LeadInStart >= 0 || a.LastLeadOut <= 0 {
				t.Errorf("ATIP %v: the lead-in must start before 0 and the last lead-out after it", a)
			}
		} else if !errors.Is(err, mmc.ErrUnsupported) {
			t.Errorf("ATIP: %v", err)
		}
		if ct, err := drive.CDText(ctx); err == nil {
			if len(ct.Blocks) != 0 {
				t.Errorf("CD-TEXT on a data disc: %+v", ct.Blocks)
			}
		} else if !errors.Is(err, mmc.ErrUnsupported) {
			t.Errorf("CD-TEXT: %v", err)
		}
	})
	t.Run("Profile", func(t *testing.T) {
		c, err := drive.Configuration(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.CurrentProfile != 0x0008 && c.CurrentProfile != 0x0010 {
			t.Errorf("current profile %v, want CD-ROM or DVD-ROM", c.CurrentProfile)
		}
	})
	t.Run("DiscInfo", func(t *testing.T) {
		di, err := drive.DiscInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if di.Status.String() != "complete" || di.Erasable {
			t.Errorf("READ DISC INFORMATION: %+v, want a complete, not erasable disc", di)
		}
	})
	t.Run("TrackInfo", func(t *testing.T) {
		cdb := mmc.ReadTrackInfo(mmc.TrackByNumber, 1, false, 48)
		_, err := do(ctx, tr, cdb[:], make([]byte, 48))
		if has(quirks, NoTrackInfo) != errors.Is(err, scsi.ErrIllegalRequest) {
			t.Errorf("READ TRACK INFORMATION: %v (quirk %q declared: %v)", err, NoTrackInfo, has(quirks, NoTrackInfo))
		}
	})
	t.Run("Read", func(t *testing.T) {
		for _, lba := range []int{0, 16, blocks - 3} {
			buf := make([]byte, 3*cd.DataSectorSize)
			if err := drive.Read(ctx, cd.LBA(lba), 3, buf); err != nil {
				t.Fatalf("READ(10) at %d: %v", lba, err)
			}
			if !bytes.Equal(buf, d.Image[lba*cd.DataSectorSize:(lba+3)*cd.DataSectorSize]) {
				t.Errorf("READ(10) at %d: not the disc's bytes", lba)
			}
		}
		err := drive.Read(ctx, cd.LBA(blocks+5), 1, make([]byte, cd.DataSectorSize))
		var se *scsi.SenseError
		if !errors.As(err, &se) || se.Key != scsi.KeyIllegalRequest || se.ASC != 0x21 {
			t.Errorf("READ(10) past the end: %v, want ILLEGAL REQUEST, LBA out of range (21h)", err)
		}
	})
	t.Run("Residual", func(t *testing.T) {
		// Ask for more INQUIRY data than there is.
		cdb := scsi.InquiryCDB(false, 0, 252)
		buf := make([]byte, 252)
		res, err := do(ctx, tr, cdb, buf)
		if err != nil {
			t.Fatal(err)
		}
		full := res.Transferred == len(buf)
		if full != has(quirks, NoResidual) {
			t.Errorf("INQUIRY of %d bytes: %d reported transferred (quirk %q declared: %v)", len(buf), res.Transferred, NoResidual, has(quirks, NoResidual))
		}
	})
}
