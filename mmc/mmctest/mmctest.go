// Package mmctest is the conformance suite of Spindle's device layer: one
// set of checks that any drive behind a scsi.Transport must pass for the
// commands Spindle reads discs with. It runs in every go test against the
// emulated drive (package mmc/emu, holding a pressed CD-ROM and a pressed
// DVD-ROM), against QEMU's emulated drives in a Linux guest (TestQEMU),
// and against a real drive when one is named (TestDevice).
//
// Where a drive is known to deviate from MMC-6, the deviation is a named
// Quirk that the caller declares; the suite then checks that the drive
// deviates exactly that way, so a quirk that goes away, or a new one, fails
// the run instead of being tolerated silently.
//
// # A real drive
//
// No CI machine has an optical drive, so the suite can only be run against
// real hardware by hand. Burn (or press) a disc from an image of 2048-byte
// blocks as one closed session with one data track — spindle master, then
// cdrecord -dao, growisofs -Z /dev/sr0=disc.iso or xorriso -as cdrecord —
// put it in the drive and run, as a user who may open the drive (group
// cdrom):
//
//	SPINDLE_TEST_DEVICE=/dev/sr0 SPINDLE_TEST_IMAGE=disc.iso \
//	    go test ./mmc/mmctest/ -run TestDevice -v
//
// SPINDLE_TEST_DEVICE is the drive's node (/dev/srN, /dev/sgN, or any node
// that takes SG_IO); SPINDLE_TEST_IMAGE is the image the disc was made from.
// SPINDLE_TEST_QUIRKS lists the drive's known deviations by name, comma
// separated (NoResidual,NoSerialVPD: the names of the Quirk constants,
// which QuirkNames lists); a quirk that the drive shows but that is not
// declared fails the run, and so does one declared but not shown. Without
// both SPINDLE_TEST_DEVICE and SPINDLE_TEST_IMAGE, TestDevice is skipped and
// says so.
//
// The disc's profile sets what is checked exactly: a pressed disc (CD-ROM,
// DVD-ROM, BD-ROM) must hold exactly the image's blocks; a disc recorded
// once may hold up to 31 blocks more (the two run-out blocks of a CD track
// written at once, DVD and BD tracks padded to a whole ECC block); a disc
// formatted for random writing (DVD+RW, DVD-RAM, BD-RE, DVD-RW in
// restricted overwrite) may be larger than the image and need not be
// closed; only a rewritable disc may report itself erasable.
package mmctest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
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
	// NoSubChannel: READ SUB-CHANNEL (42h) fails: QEMU's scsi-cd fails it
	// in its transport (its CDB table takes 42h for UNMAP), ide-cd
	// rejects it as an invalid opcode.
	NoSubChannel Quirk = "READ SUB-CHANNEL rejected"
)

// QuirkNames maps the name of each Quirk constant, as SPINDLE_TEST_QUIRKS
// spells it, to the quirk.
var QuirkNames = map[string]Quirk{
	"NoResidual":         NoResidual,
	"NoTrackInfo":        NoTrackInfo,
	"LegacyTOCFormat":    LegacyTOCFormat,
	"NoSerialVPD":        NoSerialVPD,
	"SessionInfoNoTrack": SessionInfoNoTrack,
	"NoSubChannel":       NoSubChannel,
}

// ParseQuirks parses a comma-separated list of quirk names (QuirkNames;
// spaces around them are ignored, an empty list is no quirk).
func ParseQuirks(s string) ([]Quirk, error) {
	var out []Quirk
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		q, ok := QuirkNames[n]
		if !ok {
			names := slices.Sorted(maps.Keys(QuirkNames))
			return nil, fmt.Errorf("mmctest: unknown quirk %q (known: %s)", n, strings.Join(names, ", "))
		}
		out = append(out, q)
	}
	return out, nil
}

// Disc is what the medium in the drive is known to hold.
type Disc struct {
	// Image is the disc's data: a single Mode 1 data track of
	// len(Image)/2048 blocks.
	Image []byte
	// MCN is the disc's media catalog number, "" when it has none (a
	// data disc usually has none). It is checked on CDs only: other
	// media have no Q sub-channel.
	MCN string
}

// ecc is the largest padding a recordable disc's track may have after
// the image: a DVD or BD track padded to its last ECC block (16 blocks on
// DVD, 32 on BD), or the two run-out blocks of a CD track written at once.
const ecc = 31

// pressed reports whether p is a read-only (pressed) disc, and
// overwritable whether it is formatted for random writing, with no track
// ending where the image ends.
func pressed(p mmc.Profile) bool {
	return p == mmc.ProfileCDROM || p == mmc.ProfileDVDROM || p == mmc.ProfileBDROM || p == mmc.ProfileHDDVDROM
}

func overwritable(p mmc.Profile) bool {
	switch p {
	case mmc.ProfileDVDRAM, mmc.ProfileDVDRWOverw, mmc.ProfileDVDPlusRW, mmc.ProfileDVDPlusRWDL, mmc.ProfileBDRE,
		mmc.ProfileBDRRandom, mmc.ProfileHDDVDRAM, mmc.ProfileMO, mmc.ProfileRemovable:
		return true
	}
	return false
}

func erasable(p mmc.Profile) bool {
	switch p {
	case mmc.ProfileCDRW, mmc.ProfileDVDRWSeq, mmc.ProfileDVDRWOverw, mmc.ProfileDVDRWDL, mmc.ProfileDVDPlusRW,
		mmc.ProfileDVDPlusRWDL, mmc.ProfileDVDRAM, mmc.ProfileBDRE, mmc.ProfileHDDVDRW, mmc.ProfileHDDVDRWDL,
		mmc.ProfileHDDVDRAM:
		return true
	}
	return false
}

// sizeOK reports whether n blocks (a capacity, a lead-out, a track
// length) fit a disc of profile p made from an image of blocks blocks.
func sizeOK(p mmc.Profile, blocks, n int) bool {
	switch {
	case pressed(p):
		return n == blocks
	case overwritable(p):
		return n >= blocks
	}
	return n >= blocks && n <= blocks+ecc
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
	// The disc's profile says what to expect of it: CD or not, pressed,
	// recorded once or overwritable. A drive without GET CONFIGURATION
	// (the Profile check fails then) is taken to hold a CD-ROM.
	profile := mmc.ProfileCDROM
	if c, err := drive.Configuration(ctx); err == nil && c.CurrentProfile.Family() != "" {
		profile = c.CurrentProfile
	}
	isCD := profile.Family() == mmc.FamilyCD
	t.Run("Capacity", func(t *testing.T) {
		c, err := drive.Capacity(ctx)
		if err != nil || !sizeOK(profile, blocks, int(c.LastLBA)+1) || c.BlockSize != cd.DataSectorSize {
			t.Errorf("READ CAPACITY: %+v, %v; the %v disc was made from %d blocks", c, err, profile, blocks)
		}
	})
	t.Run("TOC", func(t *testing.T) {
		toc, err := drive.TOC(ctx)
		if err != nil {
			t.Fatal(err)
		}
		lo, ok := toc.LeadOut()
		if len(toc.Entries) != 2 || !toc.Entries[0].IsData() || toc.Entries[0].Start != 0 || !ok || !sizeOK(profile, blocks, int(lo.Start)) {
			t.Errorf("READ TOC: %+v; want one data track at 0 and the lead-out at %d", toc, blocks)
		}
		// Formats 1, 2 and 4 asked for the MMC way: a drive with the
		// SFF-8020 quirk answers format 0 to each; others answer the
		// format, or reject format 4 (a pressed disc has no ATIP), and
		// on other media than CD format 2 too (MMC-6 §6.25 defines the
		// full TOC for CD only).
		legacy := has(quirks, LegacyTOCFormat)
		for _, f := range []mmc.TOCFormat{mmc.TOCFormatSessionInfo, mmc.TOCFormatFullTOC, mmc.TOCFormatATIP} {
			var number uint8
			if f == mmc.TOCFormatFullTOC {
				number = 1 // the first session
			}
			cdb := mmc.ReadTOC(f, f != mmc.TOCFormatSessionInfo, number, 2048)
			buf := make([]byte, 2048)
			_, err := do(ctx, tr, cdb[:], buf)
			mayReject := f == mmc.TOCFormatATIP || f == mmc.TOCFormatFullTOC && !isCD
			if err != nil && (!mayReject || !errors.Is(err, scsi.ErrIllegalRequest)) {
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
		// Other media than CD may have none; the layout then comes from
		// format 0.
		ft, err := drive.FullTOC(ctx)
		switch {
		case err != nil && (isCD || !errors.Is(err, mmc.ErrUnsupported)):
			t.Fatal(err)
		case err == nil:
			ss, err := ft.Sessions()
			if err != nil {
				t.Fatal(err)
			}
			if len(ss) != 1 || ss[0].FirstTrack != 1 || ss[0].LastTrack != 1 || !sizeOK(profile, blocks, int(ss[0].LeadOut)) ||
				len(ss[0].Tracks) != 1 || ss[0].Tracks[0].Start != 0 || !ss[0].Tracks[0].IsData() {
				t.Errorf("READ TOC format 2: %+v; want session 1: data track 1 at 0, lead-out at %d", ss, blocks)
			}
		}
		l, err := drive.Layout(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tr := l.Tracks()
		if len(l.Sessions) != 1 || len(tr) != 1 || tr[0].Start != 0 || !sizeOK(profile, blocks, int(tr[0].Length)) || !tr[0].Mode.IsData() {
			t.Errorf("layout %+v; want one data track of %d blocks", l, blocks)
		}
	})
	t.Run("SubChannel", func(t *testing.T) {
		// The MCN through READ SUB-CHANNEL, and in the layout. A drive
		// that fails the command must say so by the quirk; on media
		// other than CD, which have no Q sub-channel, it may reject it,
		// but must not invent a catalog number.
		q := has(quirks, NoSubChannel)
		mcn, err := drive.MCN(ctx)
		switch {
		case q && err == nil:
			t.Errorf("READ SUB-CHANNEL answered (MCN %q), but quirk %q is declared", mcn, NoSubChannel)
		case q:
		case !isCD:
			if err == nil && mcn != "" {
				t.Errorf("READ SUB-CHANNEL: MCN %q on a %v", mcn, profile)
			}
		case err != nil:
			t.Errorf("READ SUB-CHANNEL: %v (quirk %q not declared)", err, NoSubChannel)
		case mcn != d.MCN:
			t.Errorf("READ SUB-CHANNEL: MCN %q, want %q", mcn, d.MCN)
		}
		l, err := drive.Layout(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := d.MCN; (q || !isCD) && l.MCN != "" || !q && isCD && l.MCN != want {
			t.Errorf("layout MCN %q, want %q", l.MCN, want)
		}
		if tr := l.Tracks(); len(tr) == 1 && tr[0].ISRC != "" {
			t.Errorf("ISRC %q on a data track", tr[0].ISRC)
		}
	})
	t.Run("Capabilities", func(t *testing.T) {
		c, err := drive.Capabilities(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// MMC-6 §5.3.1: the current profile is in the profile list.
		if c.Configured && len(c.Profiles) > 0 && !slices.Contains(c.Profiles, c.Current) {
			t.Errorf("current profile %v is not in the profile list %v", c.Current, c.Profiles)
		}
		if !slices.Contains(c.Read, profile.Family()) {
			t.Errorf("the drive holds a %v, but reads only %q", profile, c.Read)
		}
		if len(c.Write) == 0 && (c.TAO || c.SAO || c.Raw || c.WriteCDText || len(c.WriteKBps) > 0) {
			t.Errorf("a drive that writes nothing: %+v", c)
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
		if c.CurrentProfile.Family() == "" {
			t.Errorf("current profile %v, want a CD, DVD or BD", c.CurrentProfile)
		}
	})
	t.Run("DiscInfo", func(t *testing.T) {
		di, err := drive.DiscInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A disc formatted for random writing has no closed state to
		// check.
		if !overwritable(profile) && di.Status.String() != "complete" || di.Erasable && !erasable(profile) {
			t.Errorf("READ DISC INFORMATION: %+v, want a complete disc, erasable only if a %v is", di, profile)
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
		end := blocks
		if c, err := drive.Capacity(ctx); err == nil {
			end = int(c.LastLBA) + 1
		}
		err := drive.Read(ctx, cd.LBA(end+5), 1, make([]byte, cd.DataSectorSize))
		var se *scsi.SenseError
		if !errors.As(err, &se) || se.Key != scsi.KeyIllegalRequest || se.ASC != 0x21 {
			t.Errorf("READ(10) past the end (%d): %v, want ILLEGAL REQUEST, LBA out of range (21h)", end+5, err)
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
