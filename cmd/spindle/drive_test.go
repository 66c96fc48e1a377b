package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"spindle/internal/testtool"
	"spindle/mmc"
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

// discInfoScript is a drive holding a CD-RW with two audio tracks and
// CD-TEXT: the answers at their MMC-6 layouts, in the order disc-info
// asks. READ TRACK INFORMATION is rejected (no msinfo of a closed disc).
// With pressed, the drive rejects READ TOC formats 4 and 5 as QEMU's
// scsi-cd does.
func discInfoScript(t *testing.T, pressed bool) *scsitest.Script {
	steps := []scsitest.Step{
		{CDB: hexb(t, "00 00 00 00 00 00")},
		{CDB: hexb(t, "46 00 00 00 00 00 00 08 00 00"), Data: hexb(t, "00000004 0000 000A")},
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
Media:                  CD-RW
Status:                 complete
Size:                   30000 blocks
Disc class:             audio
Sessions:               1
Track 1:                session 1, audio, start 0, 15000 blocks
Track 2:                session 1, audio, start 15000, 15000 blocks
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
	if strings.Contains(js.String(), "atip") || strings.Contains(js.String(), "cd_text") || strings.Contains(text.String(), "ATIP") || strings.Contains(text.String(), "CD-TEXT") {
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
			sec := guestSections(t, out, "disc-info", "disc-info sg", "disc-info text", "xorriso", "cd-info", "sg_inq", "sg_readcap", "eject", "load", "end")
			var drives []driveJSON
			if err := json.Unmarshal([]byte(sec[""][strings.Index(sec[""], "["):]), &drives); err != nil {
				t.Fatalf("drives: %v\n%s", err, sec[""])
			}
			if len(drives) != 1 || drives[0].Path != "/dev/sr0" || drives[0].Generic != "/dev/sg0" || drives[0].HCTL == "" ||
				drives[0].Vendor != "QEMU" || !drives[0].Disc {
				t.Errorf("drives: %+v", drives)
			}
			info := parseDiscInfo(t, sec["disc-info"])
			if info.Drive != "/dev/sr0" || info.Blocks != blocks || len(info.Tracks) != 1 || info.Tracks[0].Start != 0 ||
				info.Tracks[0].Length != blocks || info.Class != "data" || int64(info.LeadOut) != blocks ||
				info.Profile != "CD-ROM" || info.Status != "complete" {
				t.Errorf("disc-info: %+v; the image has %d blocks", info, blocks)
			}
			// A pressed disc in QEMU's drives: neither ATIP (scsi-cd
			// rejects format 4, ide-cd answers format 0) nor CD-TEXT.
			if info.ATIP != nil || info.CDText != nil {
				t.Errorf("disc-info shows ATIP %+v or CD-TEXT %+v", info.ATIP, info.CDText)
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
			if !strings.Contains(sec["disc-info text"], "Drive:                  /dev/sg0") ||
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
		{CDB: hexb(t, "46 00 00 00 00 00 00 08 00 00"), Data: hexb(t, "00000004 0000 0009")},
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
