package emu_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"spindle/cd"
	"spindle/disc"
	"spindle/internal/testtool"
	"spindle/mmc"
	"spindle/mmc/emu"
	"spindle/scsi"
	"spindle/scsi/iscsi"
)

// guestRun serves drives over iSCSI (LUN i is drives[i]), boots a Linux
// guest that attaches them as pass-through SCSI devices (/dev/sr0, sr1,
// ... in order), copies payload and progs in, runs script, and returns its
// output. Every command each drive executed is logged to the test log on
// failure, which is how a disagreement with a real program is diagnosed.
func guestRun(t *testing.T, drives []*emu.Drive, logs []*cmdLog, payload string, progs []string, script string) string {
	t.Helper()
	if testing.Short() {
		// The race run of CI is -short; the full run boots the guest.
		t.Skip("boots a guest: not in -short")
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("the guest is x86-64")
	}
	harness := testtool.ISCSIGuestHarness(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := &iscsi.Target{Name: "iqn.2025-01.org.spindle:test"}
	for _, d := range drives {
		target.LUNs = append(target.LUNs, d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); target.Serve(ctx, ln) }()
	defer func() { cancel(); wg.Wait() }()

	args := []string{harness, "-t", "600", "-d", payload}
	for i := range drives {
		args = append(args, "-g", target.URL(ln.Addr().String(), i))
	}
	for _, p := range progs {
		args = append(args, "-b", testtool.Need(t, p))
	}
	// run-guest.sh joins its arguments into one command line, so the
	// script goes in as a file.
	if err := os.WriteFile(filepath.Join(payload, "run.sh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	args = append(args, "--", "sh", "run.sh")
	tctx, tcancel := context.WithTimeout(ctx, 11*time.Minute)
	defer tcancel()
	out, err := exec.CommandContext(tctx, "bash", args...).CombinedOutput()
	if err != nil || t.Failed() {
		for i, l := range logs {
			t.Logf("drive %d command log:\n%s", i, l)
		}
		t.Fatalf("guest: %v\n%s", err, out)
	}
	return string(out)
}

// cmdLog records a drive's commands.
type cmdLog struct {
	mu sync.Mutex
	e  []emu.Entry
}

func (l *cmdLog) add(e emu.Entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.e = append(l.e, e)
}

func (l *cmdLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, e := range l.e {
		fmt.Fprintln(&b, e)
	}
	return b.String()
}

var update = flag.Bool("update", false, "rewrite the command log fixtures in testdata/guest from the guest runs")

// saveLogs records, with -update, the command log of each drive of a
// passing guest run as testdata/guest/NAME-N.KIND.jsonl: what a real
// program sent and how the emulator answered, which TestReplay replays
// in every go test.
func saveLogs(t *testing.T, name string, kinds []emu.Kind, logs []*cmdLog) {
	t.Helper()
	if !*update || t.Failed() {
		return
	}
	dir := filepath.Join("testdata", "guest")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, l := range logs {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		l.mu.Lock()
		for _, e := range l.e {
			if err := enc.Encode(e); err != nil {
				t.Fatal(err)
			}
		}
		l.mu.Unlock()
		p := filepath.Join(dir, fmt.Sprintf("%s-%d.%v.jsonl", name, i, kinds[i]))
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func blankDrive(t *testing.T, k emu.Kind) (*emu.Drive, *cmdLog) {
	m, err := emu.NewBlank(k)
	if err != nil {
		t.Fatal(err)
	}
	l := &cmdLog{}
	d := emu.New(emu.Config{Log: l.add})
	d.Insert(m)
	return d, l
}

// mkiso masters an ISO of a few files with xorriso.
func mkiso(t *testing.T, out string, files map[string]string) {
	t.Helper()
	src := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(testtool.Need(t, "xorriso"), "-as", "mkisofs", "-quiet", "-R", "-o", out, src)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xorriso: %v\n%s", err, b)
	}
}

// readTrack reads n blocks from lba through package mmc, in-process.
func readTrack(t *testing.T, d *emu.Drive, lba cd.LBA, n int) []byte {
	t.Helper()
	ctx := context.Background()
	for range 3 {
		if scsi.TestUnitReady(ctx, d) == nil {
			break
		}
	}
	buf := make([]byte, n*cd.DataSectorSize)
	if err := mmc.NewDrive(d).Read(ctx, lba, uint16(n), buf); err != nil {
		t.Fatal(err)
	}
	return buf
}

// TestGuestBurnCDR: real burning programs in a Linux guest write an ISO
// to a blank CD-R in the emulated drive, track at once; the disc reads
// back byte-identical and the guest kernel mounts it.
func TestGuestBurnCDR(t *testing.T) {
	payload := t.TempDir()
	iso := filepath.Join(payload, "x.iso")
	mkiso(t, iso, map[string]string{"hello.txt": "hello from the emulated burner\n"})
	img, err := os.ReadFile(iso)
	if err != nil {
		t.Fatal(err)
	}
	blocks := len(img) / cd.DataSectorSize
	d0, l0 := blankDrive(t, emu.CDR)
	d1, l1 := blankDrive(t, emu.CDR)
	script := fmt.Sprintf(`set -e
cdrskin -v dev=/dev/sr0 -tao x.iso
wodim -v dev=/dev/sr1 -tao -data x.iso
sleep 1
for n in 0 1; do
  echo "md5 sr$n $(dd if=/dev/sr$n bs=2048 count=%d 2>/dev/null | md5sum | cut -d' ' -f1)"
done
mkdir -p /mnt/a
mount -t iso9660 -o ro /dev/sr0 /mnt/a
echo "mounted: $(cat /mnt/a/hello.txt)"
umount /mnt/a
`, blocks)
	out := guestRun(t, []*emu.Drive{d0, d1}, []*cmdLog{l0, l1}, payload, []string{"cdrskin", "wodim"}, script)
	t.Logf("guest:\n%s", out)
	want := fmt.Sprintf("%x", md5.Sum(img))
	for _, n := range []string{"sr0", "sr1"} {
		if !strings.Contains(out, "md5 "+n+" "+want) {
			t.Errorf("%s does not read back the ISO (md5 %s):\n%s", n, want, out)
		}
	}
	if !strings.Contains(out, "mounted: hello from the emulated burner") {
		t.Errorf("the guest kernel did not mount the burned disc:\n%s", out)
	}
	for i, d := range []*emu.Drive{d0, d1} {
		if got := readTrack(t, d, 0, blocks); !bytes.Equal(got, img) {
			t.Errorf("drive %d: the disc's track differs from the ISO", i)
		}
	}
	saveLogs(t, "burn-cdrskin-wodim", []emu.Kind{emu.CDR, emu.CDR}, []*cmdLog{l0, l1})
}

// TestGuestMultiSession: seeds 001 and 004 in a guest — wodim writes a
// first session with -multi, genisoimage -C/-M masters a second from
// wodim -msinfo, wodim appends it, and the kernel mounts the disc and sees
// both sessions' files; then xorriso -dev adds twice to CD-R, DVD+R and
// BD-R, and to DVD+RW and BD-RE (its emulated multi-session on
// overwritable media), lists the sessions with -toc and checks its MD5s
// (seed 003).
func TestGuestMultiSession(t *testing.T) {
	payload := t.TempDir()
	mkiso(t, filepath.Join(payload, "s1.iso"), map[string]string{"first.txt": "first session\n"})
	if err := os.MkdirAll(filepath.Join(payload, "d2"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"d2/second.txt": "second session\n", "a.txt": "add one\n", "b.txt": "add two\n"} {
		if err := os.WriteFile(filepath.Join(payload, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kinds := []emu.Kind{emu.CDR, emu.CDR, emu.DVDPlusR, emu.BDR, emu.DVDPlusRW, emu.BDRE}
	var drives []*emu.Drive
	var logs []*cmdLog
	for _, k := range kinds {
		d, l := blankDrive(t, k)
		drives, logs = append(drives, d), append(logs, l)
	}
	script := `set -e
mkdir -p /mnt/a
wodim -s dev=/dev/sr0 -multi -tao -data s1.iso
M=$(wodim dev=/dev/sr0 -msinfo)
echo "msinfo $M"
genisoimage -quiet -R -C "$M" -M /dev/sr0 -o s2.iso d2
wodim -s dev=/dev/sr0 -multi -tao -data s2.iso
sleep 1
mount -t iso9660 -o ro /dev/sr0 /mnt/a
echo "wodim sessions: $(ls /mnt/a | tr '\n' ' ')"
umount /mnt/a
xorriso -outdev /dev/sr5 -list_formats 2>&1 | sed -n "s/^/formats sr5: /p"
xorriso -outdev /dev/sr5 -format as_needed 2>&1 | sed -n "s/^/format sr5: /p"
for n in 1 2 3 4 5; do
  xorriso -md5 on -dev /dev/sr$n -add a.txt -- -commit >/dev/null 2>&1
  xorriso -md5 on -dev /dev/sr$n -add b.txt -- -commit >/dev/null 2>&1
  xorriso -indev /dev/sr$n -toc 2>&1 | sed -n "s/^/toc sr$n: /p"
  xorriso -md5 on -indev /dev/sr$n -check_md5_r sorry / -- 2>&1 | sed -n "s/^/md5 sr$n: /p"
  mount -t iso9660 -o ro /dev/sr$n /mnt/a
  echo "files sr$n: $(ls /mnt/a | tr '\n' ' ')"
  umount /mnt/a
done
`
	out := guestRun(t, drives, logs, payload, []string{"wodim", "genisoimage", "xorriso"}, script)
	t.Logf("guest:\n%s", out)
	if !strings.Contains(out, "wodim sessions: d2 first.txt second.txt") && !strings.Contains(out, "wodim sessions: first.txt second.txt") {
		t.Errorf("the kernel does not see both sessions written by wodim")
	}
	for n := 1; n <= 5; n++ {
		if !strings.Contains(out, fmt.Sprintf("files sr%d: a.txt b.txt", n)) {
			t.Errorf("sr%d (%v): the kernel does not see both files xorriso added", n, kinds[n])
		}
		if !strings.Contains(out, fmt.Sprintf("md5 sr%d: File contents and their MD5 checksums match", n)) {
			t.Errorf("sr%d (%v): xorriso's MD5 check did not report a match", n, kinds[n])
		}
	}
	saveLogs(t, "multisession-wodim-xorriso", kinds, logs)
}

// TestGuestBlankFormat: seed 003's media preparation in a guest —
// xorriso -blank as_needed and fast on a written CD-RW, -format
// as_needed on DVD-RW (to restricted overwrite) and DVD+RW with
// -list_formats, each then written and read back by the kernel.
func TestGuestBlankFormat(t *testing.T) {
	payload := t.TempDir()
	for name, body := range map[string]string{"a.txt": "add one\n", "b.txt": "add two\n"} {
		if err := os.WriteFile(filepath.Join(payload, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kinds := []emu.Kind{emu.CDRW, emu.DVDRW, emu.DVDPlusRW}
	var drives []*emu.Drive
	var logs []*cmdLog
	for _, k := range kinds {
		d, l := blankDrive(t, k)
		drives, logs = append(drives, d), append(logs, l)
	}
	script := `x() { xorriso "$@" 2>&1; }
x -dev /dev/sr0 -add a.txt -- -commit >/dev/null
x -outdev /dev/sr0 -toc | sed -n "s/^/before sr0: /p" | grep "Media status"
x -outdev /dev/sr0 -blank as_needed | sed -n "s/^/blank sr0: /p"
x -outdev /dev/sr0 -toc | sed -n "s/^/after sr0: /p" | grep "Media status"
x -dev /dev/sr0 -add b.txt -- -commit >/dev/null
x -outdev /dev/sr0 -blank fast | sed -n "s/^/fast sr0: /p" | grep -i "blank\|fail" 
x -outdev /dev/sr0 -toc | sed -n "s/^/fast sr0: /p" | grep "Media status"
x -outdev /dev/sr1 -format as_needed | sed -n "s/^/format sr1: /p"
x -outdev /dev/sr2 -list_formats | sed -n "s/^/formats sr2: /p"
x -outdev /dev/sr2 -format as_needed | sed -n "s/^/format sr2: /p"
for n in 1 2; do
  x -dev /dev/sr$n -add a.txt -- -commit >/dev/null
  x -outdev /dev/sr$n -toc | sed -n "s/^/toc sr$n: /p"
  mkdir -p /mnt/b && mount -t iso9660 -o ro /dev/sr$n /mnt/b && echo "files sr$n: $(ls /mnt/b | tr '\n' ' ')" && umount /mnt/b
done
true
`
	out := guestRun(t, drives, logs, payload, []string{"xorriso"}, script)
	t.Logf("guest:\n%s", out)
	for _, want := range []string{
		"before sr0: Media status : is written , is appendable",
		"after sr0: Media status : is blank",
		"fast sr0: Media status : is blank",
		"toc sr1: Media current: DVD-RW restricted overwrite",
		"files sr1: a.txt",
		"formats sr2: Format idx 0 : 26h",
		"files sr2: a.txt",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("guest output lacks %q", want)
		}
	}
	if t.Failed() {
		for i, l := range logs {
			t.Logf("drive %d command log:\n%s", i, l)
		}
	}
	saveLogs(t, "blank-format-xorriso", kinds, logs)
}

// wav writes a RIFF WAVE file of CD audio holding pcm.
func wav(t *testing.T, path string, pcm []byte) {
	t.Helper()
	h := make([]byte, 44)
	copy(h, "RIFF")
	le32 := func(b []byte, v uint32) { b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24) }
	le32(h[4:], uint32(36+len(pcm)))
	copy(h[8:], "WAVEfmt ")
	le32(h[16:], 16)
	h[20], h[22] = 1, 2 // PCM, stereo
	le32(h[24:], 44100)
	le32(h[28:], 44100*4)
	h[32], h[34] = 4, 16
	copy(h[36:], "data")
	le32(h[40:], uint32(len(pcm)))
	if err := os.WriteFile(path, append(h, pcm...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// daoTOC is the cdrdao TOC file TestGuestAudioDAO burns: two audio tracks
// and CD-TEXT (the second title in ISO 8859-1, as an octal escape, and
// longer than a pack). cdrdao requires a field given for one track to be
// given for the disc and every track.
const daoTOC = `CD_DA
CD_TEXT {
  LANGUAGE_MAP { 0 : EN }
  LANGUAGE 0 {
    TITLE "Spindle Sessions"
    PERFORMER "The Emulated Drives"
  }
}
TRACK AUDIO
CD_TEXT { LANGUAGE 0 { TITLE "Lead-in Blues" PERFORMER "The Emulated Drives" } }
FILE "t1.wav" 0
TRACK AUDIO
CD_TEXT { LANGUAGE 0 { TITLE "Caf\351 Sub-Code Orchestra" PERFORMER "Guest" } }
FILE "t2.wav" 0
`

// daoText is daoTOC's CD-TEXT as a layout with its tracks.
func daoText() *disc.Layout {
	return &disc.Layout{
		Text: disc.Text{Title: "Spindle Sessions", Performer: "The Emulated Drives"},
		Sessions: []disc.Session{{Number: 1, Tracks: []disc.Track{
			{Number: 1, Mode: disc.Audio, Start: 0, Length: 600, Text: disc.Text{Title: "Lead-in Blues", Performer: "The Emulated Drives"}},
			{Number: 2, Mode: disc.Audio, Start: 600, Length: 600, Text: disc.Text{Title: "Café Sub-Code Orchestra", Performer: "Guest"}},
		}}},
	}
}

// daoTextFixture holds the CD-TEXT packs cdrdao wrote in
// TestGuestAudioDAO, as the emulated drive kept them (one pack a line,
// hex): TestCdrdaoCDTextPacks compares the encoder with it in every go
// test.
var daoTextFixture = filepath.Join("testdata", "guest", "dao-cdrdao-cdtext.hex")

// TestGuestAudioDAO: cdrdao writes a TOC of two audio tracks with CD-TEXT
// disc-at-once; cdrdao read-toc and cd-info read the layout and the text
// back, and cdparanoia rips the tracks from a drive that reads 30 samples
// early, corrected with -O 30. The PCM matches what was written, except
// the disc's last 30 samples, which only a drive that reads into the
// lead-out can return. The CD-TEXT packs cdrdao wrote into the lead-in
// are byte for byte those mmc.EncodeCDText makes of the same text.
//
// cdrdao 1.2.4 (Debian 12) writes CD-TEXT only with the driver option
// 0x10 (OPT_MMC_CD_TEXT), which it takes from its table of known drives
// or from --driver generic-mmc:0x10, as users of other drives must give
// it; 1.2.5 and later also turn it on when GET CONFIGURATION reports the
// R-W bit of feature 002Eh, which the emulator sets (see
// TestCDTextWriterCapability).
func TestGuestAudioDAO(t *testing.T) {
	payload := t.TempDir()
	const sectors = 600 // 8 s per track
	var pcm [2][]byte
	for i := range pcm {
		pcm[i] = make([]byte, sectors*cd.RawSectorSize)
		for j := range pcm[i] {
			pcm[i][j] = byte(j*7 + i*13 + j>>9)
		}
		wav(t, filepath.Join(payload, fmt.Sprintf("t%d.wav", i+1)), pcm[i])
	}
	if err := os.WriteFile(filepath.Join(payload, "audio.toc"), []byte(daoTOC), 0o644); err != nil {
		t.Fatal(err)
	}
	gconvLatin1(t, payload)
	m, err := emu.NewBlank(emu.CDR)
	if err != nil {
		t.Fatal(err)
	}
	l := &cmdLog{}
	const offset = -30
	d := emu.New(emu.Config{ReadOffset: offset, Log: l.add})
	d.Insert(m)
	script := fmt.Sprintf(`cdrdao write --device /dev/sg0 --driver generic-mmc:0x10 -n --speed 8 audio.toc 2>&1 | tail -2
cdrdao read-toc --device /dev/sg0 back.toc 2>&1 | tail -1
sed -n 's/^/toc: /p' back.toc
GCONV_PATH=/work/gconv cd-info --no-device-info --no-cddb /dev/sr0 2>&1 | sed -n 's/^/cd-info: /p'
cdparanoia -d /dev/sr0 -O %d -B -w 2>&1 | tail -1
echo "rip track01.cdda.wav $(tail -c +45 track01.cdda.wav | md5sum | cut -d' ' -f1)"
echo "rip track02.cdda.wav $(tail -c +45 track02.cdda.wav | head -c %d | md5sum | cut -d' ' -f1)"
`, -offset, len(pcm[1])+4*offset)
	out := guestRun(t, []*emu.Drive{d}, []*cmdLog{l}, payload, []string{"cdrdao", "cd-info", "cdparanoia"}, script)
	t.Logf("guest:\n%s", out)
	for i, p := range pcm {
		if i == 1 {
			p = p[:len(p)+4*offset]
		}
		want := fmt.Sprintf("rip track%02d.cdda.wav %x", i+1, md5.Sum(p))
		if !strings.Contains(out, want) {
			t.Errorf("track %d does not rip back as written (want %q)", i+1, want)
		}
	}
	for _, want := range []string{
		`toc: FILE "data.wav" 0 00:08:00`, `toc: FILE "data.wav" 00:08:00 00:08:00`,
		`toc:     TITLE "Spindle Sessions"`, `toc:     PERFORMER "The Emulated Drives"`,
		`toc:     TITLE "Lead-in Blues"`, `toc:     PERFORMER "Guest"`,
		"cd-info: CD-TEXT for Disc:", "cd-info: \tTITLE: Spindle Sessions", "cd-info: \tPERFORMER: The Emulated Drives",
		"cd-info: CD-TEXT for Track  1:", "cd-info: \tTITLE: Lead-in Blues",
		"cd-info: CD-TEXT for Track  2:", "cd-info: \tTITLE: Café Sub-Code Orchestra", "cd-info: \tPERFORMER: Guest",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the guest's output lacks %q", want)
		}
	}
	if !strings.Contains(out, `toc:     TITLE "Caf\351 Sub-Code Orchestra"`) && !strings.Contains(out, `toc:     TITLE "Café Sub-Code Orchestra"`) {
		t.Error("cdrdao read-toc lacks the title of track 2")
	}
	if strings.Contains(out, "toc: START") {
		t.Error("cdrdao read-toc found a pre-gap the disc does not have")
	}
	// What was burned, read back in-process without a read offset.
	d0 := emu.New(emu.Config{})
	d0.Insert(d.Remove())
	for range 3 {
		if scsi.TestUnitReady(context.Background(), d0) == nil {
			break
		}
	}
	for i, p := range pcm {
		c, _ := mmc.ReadCD(cd.LBA(i*sectors), sectors/2, mmc.ReadCDOptions{Type: mmc.SectorCDDA, UserData: true})
		buf := make([]byte, sectors/2*cd.RawSectorSize)
		res, err := d0.Do(context.Background(), &scsi.Command{CDB: c[:], Direction: scsi.FromDevice, Data: buf})
		if err == nil {
			err = scsi.CheckStatus(res)
		}
		if err != nil || !bytes.Equal(buf, p[:len(buf)]) {
			t.Errorf("track %d as burned differs from its WAV: %v", i+1, err)
		}
	}
	// The CD-TEXT as burned: READ TOC format 5 decodes to the TOC's
	// text, and its packs are the encoder's.
	c := mmc.ReadTOC(mmc.TOCFormatCDText, false, 0, 0xFFFF)
	buf := make([]byte, 0xFFFF)
	res, err := d0.Do(context.Background(), &scsi.Command{CDB: c[:], Direction: scsi.FromDevice, Data: buf})
	if err == nil {
		err = scsi.CheckStatus(res)
	}
	if err != nil {
		t.Fatalf("READ TOC format 5: %v", err)
	}
	buf = buf[:res.Transferred]
	ct, err := mmc.ParseCDText(buf)
	if err != nil {
		t.Fatal(err)
	}
	want := daoText()
	got := daoText()
	for _, tr := range got.Tracks() {
		tr.Text = disc.Text{}
	}
	got.Text = disc.Text{}
	ct.Apply(got, 0)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CD-TEXT as burned: %+v, want %+v", got, want)
	}
	packs := buf[4:]
	if enc, err := mmc.EncodeCDText(want, mmc.CDTextOptions{}); err != nil || !bytes.Equal(packs, enc) {
		t.Errorf("cdrdao wrote\n%swhere mmc.EncodeCDText writes\n%s(%v)", hexLines(packs), hexLines(enc), err)
	}
	if t.Failed() {
		t.Logf("command log:\n%s", l)
	}
	saveLogs(t, "dao-cdrdao-cdparanoia", []emu.Kind{emu.CDR}, []*cmdLog{l})
	if *update && !t.Failed() {
		if err := os.WriteFile(daoTextFixture, []byte(hexLines(packs)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// gconvLatin1 puts into payload/gconv what glibc's iconv needs to convert
// from ISO 8859-1 (which libcdio does to print CD-TEXT, and the guest's
// minimal root file system lacks): the host's ISO8859-1.so module, found
// beside the C library cd-info uses, and a gconv-modules file naming it.
// The guest runs cd-info with GCONV_PATH pointing there.
func gconvLatin1(t *testing.T, payload string) {
	t.Helper()
	out, err := exec.Command("ldd", testtool.Need(t, "cd-info")).Output()
	if err != nil {
		t.Fatalf("ldd cd-info: %v", err)
	}
	var module []byte
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && strings.HasPrefix(f[0], "libc.so") && f[1] == "=>" {
			module, err = os.ReadFile(filepath.Join(filepath.Dir(f[2]), "gconv", "ISO8859-1.so"))
		}
	}
	if module == nil {
		t.Fatalf("glibc's gconv module ISO8859-1.so not found beside the C library of cd-info (%v)", err)
	}
	dir := filepath.Join(payload, "gconv")
	conf := "alias\tISO8859-1//\tISO-8859-1//\nalias\tLATIN1//\tISO-8859-1//\n" +
		"module\tISO-8859-1//\tINTERNAL\tISO8859-1\t1\nmodule\tINTERNAL\tISO-8859-1//\tISO8859-1\t1\n"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ISO8859-1.so"), module, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gconv-modules"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hexLines writes CD-TEXT packs in hex, one 18-byte pack a line.
func hexLines(packs []byte) string {
	var b strings.Builder
	for i := 0; i+18 <= len(packs); i += 18 {
		fmt.Fprintf(&b, "% x\n", packs[i:i+18])
	}
	return b.String()
}

// TestCdrdaoCDTextPacks compares the CD-TEXT encoder with what cdrdao
// wrote into the lead-in of TestGuestAudioDAO's disc (testdata, refreshed
// by that test with -update): an independent encoder's packs for the same
// text, byte for byte: pack order, track numbers, character positions,
// size information and CRCs.
func TestCdrdaoCDTextPacks(t *testing.T) {
	b, err := os.ReadFile(daoTextFixture)
	if err != nil {
		t.Fatal(err)
	}
	var packs []byte
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		p, err := hex.DecodeString(strings.ReplaceAll(line, " ", ""))
		if err != nil || len(p) != 18 {
			t.Fatalf("%s: bad line %q", daoTextFixture, line)
		}
		packs = append(packs, p...)
	}
	enc, err := mmc.EncodeCDText(daoText(), mmc.CDTextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc, packs) {
		t.Errorf("mmc.EncodeCDText writes\n%swhere cdrdao wrote\n%s", hexLines(enc), hexLines(packs))
	}
}

// TestGuestConformance serves a pressed CD-ROM over iSCSI to a guest in
// which the mmctest suite runs through the guest kernel's /dev/sr0, and
// Spindle's own drives and disc-info report what cd-info and xorriso
// -toc report of the same drive.
func TestGuestConformance(t *testing.T) {
	payload := t.TempDir()
	const blocks = 2000
	img := make([]byte, blocks*cd.DataSectorSize)
	for i := range img {
		img[i] = byte(i*31 + i>>11)
	}
	if err := os.WriteFile(filepath.Join(payload, "disc.img"), img, 0o644); err != nil {
		t.Fatal(err)
	}
	build := func(args ...string) {
		cmd := exec.Command("go", args...)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, b)
		}
	}
	build("test", "-c", "-o", filepath.Join(payload, "emu.test"), ".")
	build("build", "-o", filepath.Join(payload, "spindle"), "spindle/cmd/spindle")
	m, err := emu.NewPressed(emu.CDROM, bytes.NewReader(img), int64(len(img)))
	if err != nil {
		t.Fatal(err)
	}
	l := &cmdLog{}
	d := emu.New(emu.Config{Log: l.add})
	d.Insert(m)
	script := `SPINDLE_EMU_GUEST=1 ./emu.test -test.run TestInGuest -test.v 2>&1 | tail -25
./spindle drives | sed 's/^/drives: /'
./spindle disc-info --drive /dev/sr0 | sed 's/^/ours: /'
cd-info --no-device-info --no-cddb --no-analyze /dev/sr0 2>&1 | sed -n 's/^/cd-info: /p' | grep -i "track\|leadout\|CD-ROM\|  1:"
xorriso -indev /dev/sr0 -toc 2>&1 | sed -n 's/^/xorriso: /p' | grep "Media\|session"
`
	out := guestRun(t, []*emu.Drive{d}, []*cmdLog{l}, payload, []string{"cd-info", "xorriso"}, script)
	t.Logf("guest:\n%s", out)
	for _, want := range []string{
		"--- PASS: TestInGuest",
		"drives: 0  /dev/sr0",
		"SPINDLE  EMULATED BURNER",
		"ours: Media:                  CD-ROM",
		"ours: Size:                   2000 blocks",
		"xorriso: Media current: CD-ROM",
		"xorriso: Media blocks : 2000 readable",
		"xorriso: Other session:   1 ,         0 ,      2000s",
		"cd-info: CD-ROM Track List (1 - 1)",
		"cd-info:   1: 00:02:00  000000 data",
		"002000 leadout",
		"ours: Track 1:                session 1, mode1, start 0, 2000 blocks",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("guest output lacks %q", want)
		}
	}
}
