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
		// Format 1 (session info), asked for the MMC way.
		cdb := mmc.ReadTOC(mmc.TOCFormatSessionInfo, false, 0, 12)
		buf := make([]byte, 12)
		if _, err := do(ctx, tr, cdb[:], buf); err != nil {
			t.Fatalf("READ TOC format 1: %v", err)
		}
		// Format 0 data for one track is 20 bytes (length field 18);
		// session info is 12 (length field 10).
		gotFormat0 := buf[0] == 0 && buf[1] == 18
		if gotFormat0 != has(quirks, LegacyTOCFormat) {
			t.Errorf("READ TOC format 1 answered % x (quirk %q declared: %v)", buf, LegacyTOCFormat, has(quirks, LegacyTOCFormat))
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
