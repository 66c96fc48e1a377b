package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"spindle/cd"
	"spindle/disc"
	"spindle/internal/testtool"
	"spindle/mmc"
	"spindle/mmc/emu"
	"spindle/scsi"
	"spindle/scsi/scsitest"
)

// fakeDrives is a machine with three optical drives (one without the sr
// driver, numbers of sr and sg that do not match), a disk, a virtio disk
// and by-id links, in temporary sysfs and /dev trees.
func fakeDrives(t *testing.T) driveEnv {
	t.Helper()
	sys := testtool.FakeSysfs(t, []testtool.FakeUnit{
		{HCTL: "0:0:0:0", Type: "5", Vendor: "QEMU", Model: "QEMU DVD-ROM", Rev: "2.5+", Block: "sr0", Generic: "sg0", Host: "ata1/host0"},
		{HCTL: "1:0:0:0", Type: "0", Vendor: "ATA", Model: "SSD", Rev: "1", Block: "sda", Generic: "sg1", Host: "ata2/host1"},
		{HCTL: "4:0:0:0", Type: "5", Vendor: "ASUS", Model: "DRW-24D5MT", Rev: "1.00", Block: "sr1", Generic: "sg3", Host: "usb1/host4"},
		{HCTL: "10:0:0:0", Type: "5", Vendor: "HL-DT-ST", Model: "BD-RE BH16NS40", Rev: "1.02", Generic: "sg2", Host: "virtio1/host10"},
	}, "vda")
	dev := t.TempDir()
	byID := filepath.Join(dev, "disk", "by-id")
	if err := os.MkdirAll(byID, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		"usb-ASUS_DRW-24D5MT_K0001-0:0": "../../sr1",
		"ata-QEMU_DVD-ROM_QM00001":      "../../sr0",
		"ata-SSD_1234":                  "../../sda",
	} {
		if err := os.Symlink(target, filepath.Join(byID, name)); err != nil {
			t.Fatal(err)
		}
	}
	return driveEnv{sys: sys, dev: dev}
}

func TestDriveDiscovery(t *testing.T) {
	e := fakeDrives(t)
	d := func(p string) string { return filepath.Join(e.dev, p) }
	want := []driveNode{
		{Path: d("sr0"), Generic: d("sg0"), ByID: []string{"ata-QEMU_DVD-ROM_QM00001"}, HCTL: "0:0:0:0"},
		{Path: d("sr1"), Generic: d("sg3"), ByID: []string{"usb-ASUS_DRW-24D5MT_K0001-0:0"}, HCTL: "4:0:0:0"},
		{Path: d("sg2"), Generic: d("sg2"), HCTL: "10:0:0:0"},
	}
	if got := e.drives(); !reflect.DeepEqual(got, want) {
		t.Errorf("drives:\n got %+v\nwant %+v", got, want)
	}
	for _, c := range []struct{ name, want string }{
		{"", d("sr0")},
		{"0", d("sr0")},
		{"1", d("sr1")},
		{"2", d("sg2")},
		{"sg3", d("sg3")},
		{"sr0", d("sr0")},
		{"usb-ASUS_DRW-24D5MT_K0001-0:0", d("disk/by-id/usb-ASUS_DRW-24D5MT_K0001-0:0")},
		{"/dev/vda", "/dev/vda"},
		{"/dev/sg0", "/dev/sg0"},
	} {
		got, err := e.resolve(c.name)
		if err != nil || got != c.want {
			t.Errorf("resolve(%q) = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	for _, bad := range []string{"3", "-1"} {
		var ue usageError
		if _, err := e.resolve(bad); !errors.As(err, &ue) {
			t.Errorf("resolve(%q): %v, want a usage error", bad, err)
		}
	}
	empty := driveEnv{sys: t.TempDir(), dev: t.TempDir()}
	var ue usageError
	if _, err := empty.resolve(""); !errors.As(err, &ue) {
		t.Errorf("no drives: %v, want a usage error", err)
	}
	// Without sysfs, the /dev/sr* nodes are the drives, in number order.
	for _, n := range []string{"sr10", "sr2", "sg0"} {
		os.WriteFile(filepath.Join(empty.dev, n), nil, 0o644)
	}
	if got := empty.drives(); len(got) != 2 || got[0].Path != filepath.Join(empty.dev, "sr2") || got[1].Path != filepath.Join(empty.dev, "sr10") {
		t.Errorf("drives without sysfs: %+v", got)
	}

	// The block node of a drive named by its sg node or by-id name is what
	// /proc/mounts lists.
	for _, p := range []string{d("sg3"), d("disk/by-id/usb-ASUS_DRW-24D5MT_K0001-0:0"), d("sr1")} {
		if got := e.blockNode(p); got != d("sr1") {
			t.Errorf("blockNode(%s) = %s, want %s", p, got, d("sr1"))
		}
	}
	if got := e.blockNode("/dev/vda"); got != "/dev/vda" {
		t.Errorf("blockNode(/dev/vda) = %s", got)
	}
	mounts := "sysfs /sys sysfs rw 0 0\n" + d("sr1") + " /media/cdrom iso9660 ro 0 0\n"
	if at := mountPoint(strings.NewReader(mounts), d("sg3"), e.blockNode(d("sg3"))); at != "/media/cdrom" {
		t.Errorf("mount point of the drive named by its sg node: %q", at)
	}
	if at := mountPoint(strings.NewReader(mounts), d("sg0"), e.blockNode(d("sg0"))); at != "" {
		t.Errorf("mount point of an unmounted drive: %q", at)
	}
}

func TestDriveLine(t *testing.T) {
	for _, c := range []struct {
		d    driveJSON
		want string
	}{
		{driveJSON{Index: 0, Path: "/dev/sr0", Generic: "/dev/sg0", Vendor: "QEMU", Product: "QEMU DVD-ROM", Revision: "2.5+", Disc: true, Profile: "CD-ROM"},
			"0  /dev/sr0   /dev/sg0  QEMU     QEMU DVD-ROM     2.5+  disc: CD-ROM"},
		{driveJSON{Index: 2, Path: "/dev/sg2", Generic: "/dev/sg2", Vendor: "HL-DT-ST", Product: "BD-RE BH16NS40", Revision: "1.02", MountedAt: "/mnt"},
			"2  /dev/sg2   -         HL-DT-ST BD-RE BH16NS40   1.02  no disc  mounted on /mnt"},
		{driveJSON{Index: 0, Path: "/dev/sr0", Generic: "/dev/sg0", Vendor: "QEMU", Product: "QEMU DVD-ROM", Revision: "2.5+", Disc: true, Profile: "CD-ROM",
			Capabilities: &capabilitiesJSON{Reads: []string{"CD", "DVD"}, Writes: []string{}}},
			"0  /dev/sr0   /dev/sg0  QEMU     QEMU DVD-ROM     2.5+  reads CD,DVD  writes none  disc: CD-ROM"},
		{driveJSON{Index: 1, Path: "/dev/sr1", Generic: "/dev/sg3", Vendor: "HL-DT-ST", Product: "BD-RE BH16NS40", Revision: "1.02", Profile: "none",
			Capabilities: &capabilitiesJSON{Reads: []string{"CD", "DVD", "BD"}, Writes: []string{"CD-R", "BD-RE"}}},
			"1  /dev/sr1   /dev/sg3  HL-DT-ST BD-RE BH16NS40   1.02  reads CD,DVD,BD  writes CD-R,BD-RE  no disc"},
		{driveJSON{Index: 1, Path: "/dev/sr1", Capabilities: &capabilitiesJSON{Reads: []string{"CD"}}, Error: "sense NOT READY"},
			"1  /dev/sr1   -                                         sense NOT READY"},
	} {
		if got := driveLine(c.d); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}

func hexb(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cdText builds a READ TOC format 5 answer from 18-byte packs given as
// header bytes and text (the CRC left zero, as some drives return it).
func cdText(packs ...string) []byte {
	b := []byte{0, 0, 0, 0}
	for _, p := range packs {
		pk := make([]byte, 18)
		copy(pk, p)
		b = append(b, pk...)
	}
	b[0], b[1] = byte((len(b)-2)>>8), byte(len(b)-2)
	return b
}

// discInfoScript is a CD writer holding a CD-RW with two audio tracks, a
// catalog number, an ISRC on track 2 and CD-TEXT: the answers at their
// MMC-6 layouts, in the order disc-info asks. READ TRACK INFORMATION is
// rejected (no msinfo of a closed disc). With pressed, the drive rejects
// READ TOC formats 4 and 5 as QEMU's scsi-cd does.
func discInfoScript(t *testing.T, pressed bool) *scsitest.Script {
	steps := []scsitest.Step{
		{CDB: hexb(t, "00 00 00 00 00 00")},
		// GET CONFIGURATION: current profile CD-RW; profiles CD-RW, CD-R,
		// CD-ROM; CD Track at Once (BUF, Test Write, CD-RW); CD
		// Mastering (BUF, SAO).
		{CDB: hexb(t, "46 00 00 00 00 00 00 08 00 00"), Data: hexb(t, `00000024 0000 000A
			0000 03 0C 000A 01 00 0009 00 00 0008 00 00
			002D 08 04 46 00 0000
			002E 04 04 60 000000`)},
		// MODE SENSE page 2Ah (MMC-3 form, after a block descriptor):
		// C2 pointers, 2048 KB buffer, max read 7056 kB/s.
		{CDB: hexb(t, "5A 08 2A 00 00 00 00 08 00 00"), Data: hexb(t, `0036 00 00 0000 0008
			00 00 00 00 00 00 08 00
			2A 26 3B 37 F1 7F 29 00 1B90 0100 0800 1B90 00 00 1B90 1B90 0000 000000 00 1B90 0002
			00 00 1B90 00 01 0B08`)},
		// GET PERFORMANCE write speeds for the CD-RW: 10x and 4x.
		{CDB: hexb(t, "AC 00 00 00 00 00 00 00 00 40 03 00"), Data: hexb(t, `00000024 00 000000
			00 000000 00057DA9 000006E4 000006E4
			00 000000 00057DA9 000002C2 000002C2`)},
		{CDB: hexb(t, "51 00 00 00 00 00 00 08 00 00"), Data: hexb(t, `0020 1E 01 01 01 02 00 00 00 00 00
			00000000 FFFFFFFF FFFFFFFF 0000000000000000 00 00`)},
		{CDB: hexb(t, "25 00 00 00 00 00 00 00 00 00"), Data: hexb(t, "0000752F 00000800")},
		// Full TOC: A0 first track 1, A1 last 2, A2 lead-out 06:42:00
		// (LBA 30000), track 1 at 00:02:00, track 2 at 03:22:00 (15000).
		{CDB: hexb(t, "43 02 02 00 00 00 01 08 00 00"), Data: hexb(t, `0039 01 01
			01 10 00 A0 00 00 00 00 01 00 00
			01 10 00 A1 00 00 00 00 02 00 00
			01 10 00 A2 00 00 00 00 06 2A 00
			01 10 00 01 00 00 00 00 00 02 00
			01 10 00 02 00 00 00 00 03 16 00`)},
		// READ SUB-CHANNEL: MCN 0123456789012; track 1 without an ISRC,
		// track 2 USABC9900001.
		{CDB: hexb(t, "42 00 40 02 00 00 00 00 18 00"), Data: hexb(t, "00 15 0014 02 000000 80 30313233343536373839303132 00 00")},
		{CDB: hexb(t, "42 00 40 03 00 00 01 00 18 00"), Data: hexb(t, "00 15 0014 03 10 01 00 00 000000000000000000000000 00 00 00")},
		{CDB: hexb(t, "42 00 40 03 00 00 02 00 18 00"), Data: hexb(t, "00 15 0014 03 10 02 00 80 555341424339393030303031 00 00 00")},
		{CDB: hexb(t, "43 00 01 00 00 00 00 08 00 00"), Data: hexb(t, "000A 01 01 00 10 01 00 00000000")},
		scsitest.CheckCondition(hexb(t, "52 01 00 00 00 ff 00 08 00 00"), scsi.KeyIllegalRequest, 0x20, 0),
	}
	if pressed {
		steps = append(steps,
			scsitest.CheckCondition(hexb(t, "43 02 04 00 00 00 00 08 00 00"), scsi.KeyIllegalRequest, 0x24, 0),
			scsitest.CheckCondition(hexb(t, "43 00 05 00 00 00 00 08 00 00"), scsi.KeyIllegalRequest, 0x24, 0))
	} else {
		steps = append(steps,
			// ATIP of a CD-RW: writing power 5, reference speed 4, URU,
			// sub-type 2, A1 valid (01 02 03); lead-in 97:26:66, last
			// lead-out 79:59:74.
			scsitest.Step{CDB: hexb(t, "43 02 04 00 00 00 00 08 00 00"), Data: hexb(t, `001E 00 00
				D4 40 D4 00 61 1A 42 00 4F 3B 4A 00 01 02 03 00
				00 00 00 00 00 00 00 00 00 00 00 00`)},
			// CD-TEXT block 0 in ISO 8859-1, English (09h): album "Album"
			// by "Band", tracks "One" and "Two" by the same (a TAB).
			scsitest.Step{CDB: hexb(t, "43 00 05 00 00 00 00 08 00 00"), Data: cdText(
				"\x80\x00\x00\x00Album\x00One\x00Tw",
				"\x80\x02\x01\x02o\x00",
				"\x81\x00\x02\x00Band\x00Band\x00\t\x00",
				"\x8F\x00\x03\x00\x00\x01\x02",
				"\x8F\x01\x04\x00",
				"\x8F\x02\x05\x00\x00\x00\x00\x00\x09",
			)})
	}
	return &scsitest.Script{Steps: steps}
}

func TestDiscInfoATIPCDText(t *testing.T) {
	ctx := context.Background()
	s := discInfoScript(t, false)
	j, err := collectDiscInfo(ctx, mmc.NewDrive(s), "/dev/sg3")
	if err != nil {
		t.Fatal(err)
	}
	if s.Remaining() != 0 {
		t.Errorf("%d commands not asked", s.Remaining())
	}
	var text bytes.Buffer
	if err := writeDiscInfo(&text, j); err != nil {
		t.Fatal(err)
	}
	wantText := `Drive:                  /dev/sg3
Drive capabilities:     reads CD  writes CD-R,CD-RW
Write speeds:           1764, 706 kB/s (10x, 4x)
Media:                  CD-RW
Status:                 complete
Size:                   30000 blocks
Disc class:             audio
MCN:                    0123456789012
Sessions:               1
Track 1:                session 1, audio, start 0, 15000 blocks
Track 2:                session 1, audio, start 15000, 15000 blocks, ISRC USABC9900001
Lead-out:               30000
ATIP disc type:         CD-RW, sub-type 2
ATIP lead-in start:     97:26:66 (-11634)
ATIP last lead-out:     79:59:74 (359849)
ATIP codes:             writing power 5, reference speed 4, A1 010203
CD-TEXT block 0:        language 09h, ISO 8859-1
  Disc:                 title "Album", performer "Band"
  Track 1:              title "One", performer "Band"
  Track 2:              title "Two", performer "Band"
`
	if text.String() != wantText {
		t.Errorf("text:\n%s\nwant:\n%s", text.String(), wantText)
	}
	var js bytes.Buffer
	if err := writeJSON(&js, j); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	wantATIP := map[string]any{"disc_type": "CD-RW", "disc_sub_type": 2.0, "lead_in_start": -11634.0, "lead_in_start_msf": "97:26:66",
		"last_lead_out": 359849.0, "last_lead_out_msf": "79:59:74", "writing_power": 5.0, "reference_speed": 4.0,
		"unrestricted_use": true, "a1": "010203"}
	if !reflect.DeepEqual(got["atip"], wantATIP) {
		t.Errorf("atip: %v\nwant %v", got["atip"], wantATIP)
	}
	wantText2 := []any{map[string]any{"block": 0.0, "language": 9.0, "character_code": "ISO 8859-1",
		"disc": map[string]any{"title": "Album", "performer": "Band"},
		"tracks": []any{
			map[string]any{"number": 1.0, "title": "One", "performer": "Band"},
			map[string]any{"number": 2.0, "title": "Two", "performer": "Band"},
		}}}
	if !reflect.DeepEqual(got["cd_text"], wantText2) {
		t.Errorf("cd_text: %v\nwant %v", got["cd_text"], wantText2)
	}
	wantCaps := map[string]any{"reads": []any{"CD"}, "writes": []any{"CD-R", "CD-RW"}, "write_modes": []any{"TAO", "SAO"},
		"test_write": true, "buffer_underrun_protection": true, "c2_pointers": true, "reads_cd_text": false, "writes_cd_text": false,
		"buffer_kb": 2048.0, "max_read_kbps": 7056.0, "write_kbps": []any{1764.0, 706.0}}
	if !reflect.DeepEqual(got["drive_capabilities"], wantCaps) {
		t.Errorf("drive_capabilities: %v\nwant %v", got["drive_capabilities"], wantCaps)
	}
	wantTracks := []any{
		map[string]any{"number": 1.0, "session": 1.0, "mode": "audio", "start": 0.0, "length": 15000.0},
		map[string]any{"number": 2.0, "session": 1.0, "mode": "audio", "start": 15000.0, "length": 15000.0, "isrc": "USABC9900001"},
	}
	if got["mcn"] != "0123456789012" || !reflect.DeepEqual(got["tracks"], wantTracks) {
		t.Errorf("mcn %v, tracks %v\nwant tracks %v", got["mcn"], got["tracks"], wantTracks)
	}

	// A drive that rejects both: they are left out.
	s = discInfoScript(t, true)
	j, err = collectDiscInfo(ctx, mmc.NewDrive(s), "/dev/sr0")
	if err != nil || s.Remaining() != 0 {
		t.Fatalf("%v, %d commands not asked", err, s.Remaining())
	}
	js.Reset()
	text.Reset()
	writeJSON(&js, j)
	writeDiscInfo(&text, j)
	got = nil
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["atip"]; ok || got["cd_text"] != nil || strings.Contains(text.String(), "ATIP") || strings.Contains(text.String(), "CD-TEXT") {
		t.Errorf("ATIP or CD-TEXT shown for a drive that rejects them:\n%s\n%s", js.String(), text.String())
	}
}

// TestDrivesInGuest runs spindle drives, disc-info, eject and load inside
// a Linux guest against QEMU's emulated drives (virtio scsi-cd and AHCI
// ide-cd) holding the sample image, and compares with what cd-info,
// xorriso -toc, sg_inq and sg_readcap report in the same guest: the same
// identity, capacity, media, sessions and tracks. The drive is named by
// its /dev/sg node as well as /dev/sr0, with the same answers. One boot
// per bus serves every check.
func TestDrivesInGuest(t *testing.T) {
	cdInfo := testtool.Need(t, "cd-info")
	sgInq := testtool.Need(t, "sg_inq")
	sgReadcap := testtool.Need(t, "sg_readcap")
	xorriso := testtool.Need(t, "xorriso")
	harness := testtool.GuestHarness(t)
	dir := t.TempDir()
	img := filepath.Join(dir, "sample.iso")
	if code := run(context.Background(), []string{"master", "--sample", "-q", "-o", img}); code != 0 {
		t.Fatalf("master: exit %d", code)
	}
	fi, _ := os.Stat(img)
	blocks := fi.Size() / 2048
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "spindle"), ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// The guest has one SCSI unit, the drive: its generic node is sg0.
	script := strings.Join([]string{
		"./spindle drives --json",
		"echo '=== drives text'", "./spindle drives",
		"echo '=== profiles'", "xorriso -outdev /dev/sr0 -list_profiles all 2>&1",
		"echo '=== disc-info'", "./spindle disc-info --json",
		"echo '=== disc-info sg'", "./spindle disc-info --json --drive /dev/sg0",
		"echo '=== disc-info text'", "./spindle toc --drive sg0",
		"echo '=== xorriso'", "xorriso -outdev /dev/sr0 -toc 2>&1",
		"echo '=== cd-info'", "cd-info --no-cddb --no-header /dev/sr0",
		"echo '=== sg_inq'", "sg_inq /dev/sr0",
		"echo '=== sg_readcap'", "sg_readcap /dev/sr0",
		"echo '=== eject'", "./spindle eject --drive /dev/sg0; echo status $?",
		"./spindle disc-info --drive /dev/sr0 2>&1; echo status $?",
		"echo '=== load'", "./spindle load --drive 0; echo status $?",
		"./spindle disc-info --json --drive /dev/sg0",
		"echo '=== end'",
	}, "; ")
	for _, bus := range testtool.GuestBuses {
		t.Run(bus, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", harness, "-t", "240", "-B", bus, "-c", img, "-d", bin,
				"-b", cdInfo, "-b", sgInq, "-b", sgReadcap, "-b", xorriso, "--", script)
			raw, err := cmd.CombinedOutput()
			out := string(raw)
			if err != nil {
				t.Fatalf("guest: %v\n%s", err, out)
			}
			t.Logf("guest:\n%s", out)
			sec := guestSections(t, out, "drives text", "profiles", "disc-info", "disc-info sg", "disc-info text", "xorriso", "cd-info", "sg_inq", "sg_readcap", "eject", "load", "end")
			var drives []driveJSON
			if err := json.Unmarshal([]byte(sec[""][strings.Index(sec[""], "["):]), &drives); err != nil {
				t.Fatalf("drives: %v\n%s", err, sec[""])
			}
			if len(drives) != 1 || drives[0].Path != "/dev/sr0" || drives[0].Generic != "/dev/sg0" || drives[0].HCTL == "" ||
				drives[0].Vendor != "QEMU" || !drives[0].Disc {
				t.Errorf("drives: %+v", drives)
			}
			// QEMU's drives are readers of CD and DVD: the profile list
			// names CD-ROM and DVD-ROM, no feature writes.
			if c := drives[0].Capabilities; c == nil || strings.Join(c.Reads, ",") != "CD,DVD" || c.Writes == nil || len(c.Writes) != 0 ||
				len(c.WriteModes) != 0 || len(c.WriteKBps) != 0 {
				t.Errorf("drives: capabilities %+v, want reads CD,DVD, writes none", drives[0].Capabilities)
			}
			if !strings.Contains(sec["drives text"], "reads CD,DVD  writes none  disc: CD-ROM") {
				t.Errorf("spindle drives:\n%s", sec["drives text"])
			}
			// xorriso lists the same profiles.
			var xp []string
			for _, m := range regexp.MustCompile(`(?m)^Profile\s*:\s*0x[0-9a-fA-F]{4}\s*\(([^)]*)\)`).FindAllStringSubmatch(sec["profiles"], -1) {
				xp = append(xp, m[1])
			}
			if !reflect.DeepEqual(xp, drives[0].Profiles) {
				t.Errorf("profiles: xorriso %q, spindle %q\n%s", xp, drives[0].Profiles, sec["profiles"])
			}
			info := parseDiscInfo(t, sec["disc-info"])
			if info.Drive != "/dev/sr0" || info.Blocks != blocks || len(info.Tracks) != 1 || info.Tracks[0].Start != 0 ||
				info.Tracks[0].Length != blocks || info.Class != "data" || int64(info.LeadOut) != blocks ||
				info.Profile != "CD-ROM" || info.Status != "complete" {
				t.Errorf("disc-info: %+v; the image has %d blocks", info, blocks)
			}
			// A pressed disc in QEMU's drives: neither ATIP (scsi-cd
			// rejects format 4, ide-cd answers format 0) nor CD-TEXT, nor
			// a catalog number (READ SUB-CHANNEL fails: scsi-cd in its
			// transport, ide-cd as an invalid opcode). The drive's
			// capabilities are those spindle drives shows.
			if info.ATIP != nil || info.CDText != nil || info.MCN != "" {
				t.Errorf("disc-info shows ATIP %+v, CD-TEXT %+v or MCN %q", info.ATIP, info.CDText, info.MCN)
			}
			if !reflect.DeepEqual(info.Capabilities, drives[0].Capabilities) {
				t.Errorf("disc-info: drive capabilities %+v; spindle drives: %+v", info.Capabilities, drives[0].Capabilities)
			}
			// Named by its SCSI generic node, the drive answers the same.
			sg := parseDiscInfo(t, sec["disc-info sg"])
			if sg.Drive != "/dev/sg0" {
				t.Errorf("disc-info --drive /dev/sg0 names %q", sg.Drive)
			}
			sg.Drive = info.Drive
			if !reflect.DeepEqual(sg, info) {
				t.Errorf("disc-info through /dev/sg0:\n%+v\nthrough /dev/sr0:\n%+v", sg, info)
			}
			if !strings.Contains(sec["disc-info text"], "Drive:                  /dev/sg0\nDrive capabilities:     reads CD,DVD  writes none\nMedia:") ||
				!regexp.MustCompile(`Track 1:\s+session 1, mode1, start 0, `+strconv.FormatInt(blocks, 10)+` blocks`).MatchString(sec["disc-info text"]) {
				t.Errorf("spindle toc --drive sg0:\n%s", sec["disc-info text"])
			}

			compareXorriso(t, sec["xorriso"], info)

			// cd-info: "  1: 00:02:00  000000 data ..." and "170: ... LSN leadout".
			cdi := sec["cd-info"]
			m := regexp.MustCompile(`(?m)^\s*170: \S+\s+0*(\d+) leadout`).FindStringSubmatch(cdi)
			if m == nil {
				t.Fatalf("cd-info lists no lead-out:\n%s", cdi)
			}
			if lo, _ := strconv.Atoi(m[1]); int32(lo) != info.LeadOut {
				t.Errorf("lead-out: cd-info %d, spindle %d", lo, info.LeadOut)
			}
			if !regexp.MustCompile(`(?m)^\s*1: 00:02:00\s+000000 data`).MatchString(cdi) {
				t.Errorf("cd-info's track 1 differs from spindle's (data at 0):\n%s", cdi)
			}
			// sg3_utils: the same identity and capacity.
			inq := regexp.MustCompile(`(?m)Vendor identification: (.*)\n\s*Product identification: (.*)\n\s*Product revision level: (.*)`).FindStringSubmatch(sec["sg_inq"])
			if inq == nil || strings.TrimSpace(inq[1]) != drives[0].Vendor || strings.TrimSpace(inq[2]) != drives[0].Product || strings.TrimSpace(inq[3]) != drives[0].Revision {
				t.Errorf("sg_inq identity %q, spindle %+v", inq, drives[0])
			}
			rc := regexp.MustCompile(`Last LBA=(\d+)`).FindStringSubmatch(sec["sg_readcap"])
			if rc == nil {
				t.Fatalf("sg_readcap printed no last LBA:\n%s", sec["sg_readcap"])
			}
			if last, _ := strconv.ParseInt(rc[1], 10, 64); last+1 != info.Blocks {
				t.Errorf("sg_readcap: last LBA %d; spindle: %d blocks", last, info.Blocks)
			}

			// eject and load through the generic node and by index.
			ej := sec["eject"]
			if !strings.Contains(ej, "status 0\n") || !strings.Contains(ej, "no disc in the drive") || !regexp.MustCompile(`status [1-9]`).MatchString(ej) {
				t.Errorf("eject --drive /dev/sg0, then disc-info:\n%s", ej)
			}
			ld := sec["load"]
			if !strings.HasPrefix(strings.TrimSpace(ld), "status 0") {
				t.Errorf("load --drive 0:\n%s", ld)
			}
			if again := parseDiscInfo(t, ld[strings.Index(ld, "\n"):]); again.Blocks != blocks || len(again.Tracks) != 1 {
				t.Errorf("disc-info after load: %+v", again)
			}
		})
	}
}

// guestSections splits the guest's output at the "=== NAME" lines that
// the script echoes; "" is what comes before the first. Every name must
// be there, in order.
func guestSections(t *testing.T, out string, names ...string) map[string]string {
	t.Helper()
	sec := map[string]string{}
	cur, rest := "", out
	for _, n := range names {
		before, after, ok := strings.Cut(rest, "=== "+n+"\n")
		if !ok {
			t.Fatalf("guest output lacks %q:\n%s", "=== "+n, out)
		}
		sec[cur], cur, rest = before, n, after
	}
	sec[cur] = rest
	return sec
}

func parseDiscInfo(t *testing.T, s string) discInfoJSON {
	t.Helper()
	var j discInfoJSON
	i := strings.Index(s, "{")
	if i < 0 {
		t.Fatalf("no disc-info JSON in:\n%s", s)
	}
	if err := json.Unmarshal([]byte(s[i:]), &j); err != nil {
		t.Fatalf("disc-info: %v\n%s", err, s)
	}
	return j
}

// xorrisoStatus is how xorriso -toc words disc-info's statuses.
var xorrisoStatus = map[string]string{"complete": "is closed", "incomplete": "is appendable", "empty": "is blank"}

// compareXorriso checks spindle's disc-info against xorriso -toc: media
// type and status, readable blocks, and each session's start block and
// size ("ISO session  :   1 ,         0 ,       219s , VOLID").
func compareXorriso(t *testing.T, x string, info discInfoJSON) {
	t.Helper()
	field := func(name string) string {
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s*: (.*)$`).FindStringSubmatch(x)
		if m == nil {
			t.Fatalf("xorriso -toc printed no %q:\n%s", name, x)
		}
		return strings.TrimSpace(m[1])
	}
	if media := field("Media current"); media != info.Profile {
		t.Errorf("media: xorriso %q, spindle %q", media, info.Profile)
	}
	if st := field("Media status"); !strings.Contains(st, xorrisoStatus[info.Status]) {
		t.Errorf("status: xorriso %q, spindle %q", st, info.Status)
	}
	if b := field("Media blocks"); !strings.HasPrefix(b, strconv.FormatInt(info.Blocks, 10)+" readable") {
		t.Errorf("blocks: xorriso %q, spindle %d", b, info.Blocks)
	}
	sessions := regexp.MustCompile(`(?m)^\w+ session\s*:\s*(\d+)\s*,\s*(-?\d+)\s*,\s*(\d+)s`).FindAllStringSubmatch(x, -1)
	if len(sessions) != info.Sessions {
		t.Fatalf("xorriso lists %d sessions, spindle %d:\n%s", len(sessions), info.Sessions, x)
	}
	for _, m := range sessions {
		n, _ := strconv.Atoi(m[1])
		start, _ := strconv.ParseInt(m[2], 10, 64)
		size, _ := strconv.ParseInt(m[3], 10, 64)
		var first int64 = -1
		var total int64
		for _, tr := range info.Tracks {
			if tr.Session == n {
				if first < 0 {
					first = int64(tr.Start)
				}
				total += tr.Length
			}
		}
		if first != start || total != size {
			t.Errorf("session %d: xorriso start %d, %d blocks; spindle start %d, %d blocks", n, start, size, first, total)
		}
	}
}

// A blank CD-R has no TOC: disc-info shows its status, free space, the
// msinfo of a first session, and the ATIP.
func TestDiscInfoBlank(t *testing.T) {
	rejected := func(cdb string) scsitest.Step {
		return scsitest.CheckCondition(hexb(t, cdb), scsi.KeyIllegalRequest, 0x24, 0)
	}
	s := &scsitest.Script{Steps: []scsitest.Step{
		{CDB: hexb(t, "00 00 00 00 00 00")},
		// A drive that answers GET CONFIGURATION with the header only and
		// rejects MODE SENSE page 2Ah: what it reads is not known.
		{CDB: hexb(t, "46 00 00 00 00 00 00 08 00 00"), Data: hexb(t, "00000004 0000 0009")},
		rejected("5A 08 2A 00 00 00 00 08 00 00"),
		{CDB: hexb(t, "51 00 00 00 00 00 00 08 00 00"), Data: hexb(t, `0020 00 01 01 01 01 20 00 00 00 00
			00000000 00610000 004F3B4A 0000000000000000 00 00`)},
		{CDB: hexb(t, "25 00 00 00 00 00 00 00 00 00"), Data: hexb(t, "00000000 00000800")},
		rejected("43 02 02 00 00 00 01 08 00 00"),
		rejected("43 00 00 00 00 00 01 08 00 00"),
		rejected("43 00 01 00 00 00 00 08 00 00"),
		{CDB: hexb(t, "52 01 00 00 00 ff 00 08 00 00"), Data: hexb(t, `002E 01 01 00 07 4F 01
			00000000 00000000 00057DA9 00000000 00057DA9 00000000
			00 00 0000 00000000 00000000 00000000`)},
		// A CD-R: writing power 5, sub-type 2, lead-in 97:26:66.
		{CDB: hexb(t, "43 02 04 00 00 00 00 08 00 00"), Data: hexb(t, `001E 00 00
			D0 00 90 00 61 1A 42 00 4F 3B 4A 00 00 00 00 00
			00 00 00 00 00 00 00 00 00 00 00 00`)},
		rejected("43 00 05 00 00 00 00 08 00 00"),
	}}
	j, err := collectDiscInfo(context.Background(), mmc.NewDrive(s), "/dev/sr0")
	if err != nil || s.Remaining() != 0 {
		t.Fatalf("%v; %d commands not asked", err, s.Remaining())
	}
	var text bytes.Buffer
	writeDiscInfo(&text, j)
	want := `Drive:                  /dev/sr0
Media:                  CD-R
Status:                 empty
Size:                   0 blocks
Disc class:             blank
Sessions:               0
Free:                   359849 blocks
msinfo:                 0,0
ATIP disc type:         CD-R, sub-type 2
ATIP lead-in start:     97:26:66 (-11634)
ATIP last lead-out:     79:59:74 (359849)
ATIP codes:             writing power 5, reference speed 0, restricted use
`
	if text.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", text.String(), want)
	}
}

// emuWriter is the emulated drive's identity and capabilities as spindle
// drives shows them (package emu's feature list and page 2Ah).
const emuWriter = "0  emu:x      -         SPINDLE  EMULATED BURNER  1.0   reads CD,DVD,BD  " +
	"writes CD-R,CD-RW,DVD-R,DVD-RW,DVD+R,DVD+RW,BD-R,BD-RE"

// What spindle drives says of the emulated drive, in process: a writer of
// every medium, with and without a disc; with one, the write speeds are
// those GET PERFORMANCE gives for it, without, those of page 2Ah.
func TestDrivesEmu(t *testing.T) {
	ctx := context.Background()
	img := make([]byte, 300*2048)
	m, err := emu.NewPressed(emu.CDROM, bytes.NewReader(img), int64(len(img)))
	if err != nil {
		t.Fatal(err)
	}
	full := emu.New(emu.Config{})
	full.Insert(m)
	caps := func(speeds ...uint32) *capabilitiesJSON {
		for i := range speeds {
			speeds[i] *= 176
		}
		return &capabilitiesJSON{Reads: []string{"CD", "DVD", "BD"},
			Writes:     []string{"CD-R", "CD-RW", "DVD-R", "DVD-RW", "DVD+R", "DVD+RW", "BD-R", "BD-RE"},
			WriteModes: []string{"TAO", "SAO", "raw"}, TestWrite: true, BUF: true, C2: true, CDText: true, WriteText: true,
			BufferKB: 4096, MaxReadKBps: 8448, WriteKBps: speeds}
	}
	profiles := []string{"BD-RE", "BD-R sequential recording", "BD-ROM", "DVD+R", "DVD+RW", "DVD-RW sequential recording",
		"DVD-RW restricted overwrite", "DVD-R sequential recording", "DVD-ROM", "CD-RW", "CD-R", "CD-ROM"}
	for _, c := range []struct {
		name string
		d    *emu.Drive
		want driveJSON
		line string
	}{
		{"CD-ROM", full, driveJSON{Path: "emu:x", Vendor: "SPINDLE", Product: "EMULATED BURNER", Revision: "1.0",
			Profile: "CD-ROM", Profiles: profiles, Capabilities: caps(48, 32, 16, 8), Disc: true}, emuWriter + "  disc: CD-ROM"},
		{"no disc", emu.New(emu.Config{}), driveJSON{Path: "emu:x", Vendor: "SPINDLE", Product: "EMULATED BURNER", Revision: "1.0",
			Profile: "none", Profiles: profiles, Capabilities: caps(48, 40, 32, 24, 16, 8, 4)}, emuWriter + "  no disc"},
	} {
		t.Run(c.name, func(t *testing.T) {
			j := driveJSON{Path: "emu:x"}
			describe(ctx, mmc.NewDrive(c.d), &j)
			if !reflect.DeepEqual(j, c.want) {
				t.Errorf("got  %+v\nwant %+v", j, c.want)
			}
			if got := driveLine(j); got != c.line {
				t.Errorf("line:\n got %q\nwant %q", got, c.line)
			}
			var js bytes.Buffer
			if err := writeJSON(&js, []driveJSON{j}); err != nil {
				t.Fatal(err)
			}
			var back []driveJSON
			if err := json.Unmarshal(js.Bytes(), &back); err != nil || !reflect.DeepEqual(back[0], j) {
				t.Errorf("JSON round trip: %v\n%s", err, js.String())
			}
		})
	}
}

// The MCN and the ISRCs of an audio CD pressed from a layout come back
// through the drive: in Layout, and in disc-info's text and JSON.
func TestDiscInfoEmuCodes(t *testing.T) {
	ctx := context.Background()
	const mcn = "0724349831628"
	seg := func(file string, n cd.Frames) []disc.Segment {
		return []disc.Segment{{File: file, Sectors: n, Storage: disc.StoreRaw, SectorSize: cd.RawSectorSize}}
	}
	l := &disc.Layout{MCN: mcn, Sessions: []disc.Session{{Number: 1, LeadOut: 900, Tracks: []disc.Track{
		{Number: 1, Mode: disc.Audio, Start: 0, Length: 300, Data: seg("a.bin", 300)},
		{Number: 2, Mode: disc.Audio, Start: 300, Length: 300, ISRC: "GBAYE6800011", Data: seg("", 300)},
		{Number: 3, Mode: disc.Audio, Start: 600, Length: 300, ISRC: "USRC17607839", Data: seg("a.bin", 300)},
	}}}}
	audio := make([]byte, 300*cd.RawSectorSize)
	for i := range audio {
		audio[i] = byte(i * 7)
	}
	m, err := emu.NewPressedLayout(l, func(string) (io.ReaderAt, error) { return bytes.NewReader(audio), nil })
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	e := emu.New(emu.Config{})
	e.Insert(m)
	d := mmc.NewDrive(e)
	if err := d.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := d.Layout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := &disc.Layout{MCN: mcn, Sessions: []disc.Session{{Number: 1, LeadOut: 900, Tracks: []disc.Track{
		{Number: 1, Mode: disc.Audio, Start: 0, Length: 300},
		{Number: 2, Mode: disc.Audio, Start: 300, Length: 300, ISRC: "GBAYE6800011"},
		{Number: 3, Mode: disc.Audio, Start: 600, Length: 300, ISRC: "USRC17607839"},
	}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("layout:\n got %+v\nwant %+v", got, want)
	}

	j, err := collectDiscInfo(ctx, d, "emu:x")
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := writeDiscInfo(&text, j); err != nil {
		t.Fatal(err)
	}
	wantText := `Drive:                  emu:x
Drive capabilities:     reads CD,DVD,BD  writes CD-R,CD-RW,DVD-R,DVD-RW,DVD+R,DVD+RW,BD-R,BD-RE
Write speeds:           8448, 5632, 2816, 1408 kB/s (48x, 32x, 16x, 8x)
Media:                  CD-ROM
Status:                 complete
Size:                   900 blocks
Disc class:             audio
MCN:                    0724349831628
Sessions:               1
Track 1:                session 1, audio, start 0, 300 blocks
Track 2:                session 1, audio, start 300, 300 blocks, ISRC GBAYE6800011
Track 3:                session 1, audio, start 600, 300 blocks, ISRC USRC17607839
Lead-out:               900
`
	if text.String() != wantText {
		t.Errorf("text:\n%s\nwant:\n%s", text.String(), wantText)
	}
	var js bytes.Buffer
	if err := writeJSON(&js, j); err != nil {
		t.Fatal(err)
	}
	var back struct {
		MCN    string `json:"mcn"`
		Tracks []struct {
			Number int    `json:"number"`
			ISRC   string `json:"isrc"`
		} `json:"tracks"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.MCN != mcn || len(back.Tracks) != 3 || back.Tracks[0].ISRC != "" || back.Tracks[1].ISRC != "GBAYE6800011" || back.Tracks[2].ISRC != "USRC17607839" {
		t.Errorf("JSON: %+v\n%s", back, js.String())
	}
}

// spindle disc-info --drive emu:DIR on the blank CD-R that spindle
// emulate --create-only makes: the drive's capabilities, with the write
// speeds for the disc, and the blank disc.
func TestDiscInfoEmuDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cdr")
	runCmd := func(args ...string) string {
		t.Helper()
		root := newRootCmd()
		var out, errb bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&errb)
		root.SetArgs(args)
		if err := root.ExecuteContext(context.Background()); err != nil {
			t.Fatalf("spindle %s: %v\n%s", strings.Join(args, " "), err, errb.String())
		}
		return out.String()
	}
	runCmd("emulate", "--dir", dir, "--media", "cd-r", "--create-only")
	var j struct {
		Capabilities capabilitiesJSON `json:"drive_capabilities"`
		Profile      string           `json:"profile"`
		Class        string           `json:"class"`
		FreeBlocks   int64            `json:"free_blocks"`
	}
	if err := json.Unmarshal([]byte(runCmd("disc-info", "--drive", "emu:"+dir, "--json")), &j); err != nil {
		t.Fatal(err)
	}
	c := j.Capabilities
	if strings.Join(c.Reads, ",") != "CD,DVD,BD" || strings.Join(c.Writes, ",") != "CD-R,CD-RW,DVD-R,DVD-RW,DVD+R,DVD+RW,BD-R,BD-RE" ||
		!reflect.DeepEqual(c.WriteKBps, []uint32{8448, 5632, 2816, 1408}) || j.Profile != "CD-R" || j.Class != "blank" || j.FreeBlocks != 359849 {
		t.Errorf("disc-info --json: %+v", j)
	}
	text := runCmd("disc-info", "--drive", "emu:"+dir)
	for _, want := range []string{
		"Drive capabilities:     reads CD,DVD,BD  writes CD-R,CD-RW,DVD-R,DVD-RW,DVD+R,DVD+RW,BD-R,BD-RE\n",
		"Write speeds:           8448, 5632, 2816, 1408 kB/s (48x, 32x, 16x, 8x)\n",
		"Media:                  CD-R\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("disc-info lacks %q:\n%s", want, text)
		}
	}
}
