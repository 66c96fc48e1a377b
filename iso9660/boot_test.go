package iso9660_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"spindle/iso9660"
	"spindle/iso9660/eltorito"
	"spindle/iso9660/eltorito/boottest"
)

// TestBootSeaBIOS makes El Torito images with the writer, checks their
// boot catalogs with xorriso and isoinfo, and boots them in QEMU
// (SeaBIOS, "-cdrom"), where the boot code of boottest.SerialImage prints
// a line on the serial port and ends QEMU through isa-debug-exit.
//
// Every case boots the catalog's default entry, the only one a PC BIOS
// considers: the EFI entry of "hidden catalog + EFI" is checked in the
// catalog but cannot run under SeaBIOS (its image is a dummy FAT file
// system, and firmware only boots an EFI entry from a real ESP with a
// \EFI\BOOT\BOOTX64.EFI).
func TestBootSeaBIOS(t *testing.T) {
	t.Parallel()
	for _, tc := range bootCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			img := filepath.Join(t.TempDir(), "boot.iso")
			image := tc.master(t, img)
			t.Run("xorriso", func(t *testing.T) { tc.checkXorriso(t, img, image) })
			t.Run("isoinfo", func(t *testing.T) { tc.checkIsoinfo(t, img, image) })
			t.Run("qemu", func(t *testing.T) { bootQEMU(t, img, tc.msg) })
		})
	}
}

// bootFile is one file of a boot test image.
type bootFile struct {
	path string
	data []byte
}

// wantBoot is an entry as xorriso -report_el_torito plain lists it.
type wantBoot struct {
	path     string // boot image path
	platform string // "BIOS" or "UEFI"
	emul     string // "none", "fd1.4", "hd"
	hdpt     string // system type, e.g. "0x00"
	ldsiz    int    // sectors loaded
}

type bootCase struct {
	name    string
	msg     string
	files   []bootFile
	catalog string
	boot    []iso9660.BootEntry
	want    []wantBoot
}

func bootCases(t *testing.T) []bootCase {
	const fdMsg, hdMsg = "spindle floppy emulation boot", "spindle hard disk emulation boot"
	efi := fatImage(32 << 10)
	return []bootCase{
		{
			name:    "no emulation",
			msg:     "spindle no-emulation boot",
			files:   []bootFile{{"/boot/boot.img", boottest.SerialImage("spindle no-emulation boot")}},
			catalog: "boot/boot.catalog",
			boot: []iso9660.BootEntry{{Image: "/boot/boot.img", Platform: eltorito.PlatformX86,
				Emulation: eltorito.NoEmulation, LoadSize: boottest.LoadSectors, InfoTable: true}},
			want: []wantBoot{{"/boot/boot.img", "BIOS", "none", "0x00", boottest.LoadSectors}},
		},
		{
			name: "hidden catalog and EFI",
			msg:  "spindle hidden catalog boot",
			files: []bootFile{
				{"/boot/boot.img", boottest.SerialImage("spindle hidden catalog boot")},
				{"/boot/efi.img", efi},
			},
			boot: []iso9660.BootEntry{
				{Image: "/boot/boot.img", Platform: eltorito.PlatformX86, Emulation: eltorito.NoEmulation,
					LoadSize: boottest.LoadSectors, InfoTable: true},
				{Image: "/boot/efi.img", Platform: eltorito.PlatformEFI, Emulation: eltorito.NoEmulation},
			},
			want: []wantBoot{
				{"/boot/boot.img", "BIOS", "none", "0x00", boottest.LoadSectors},
				// LoadSize 0 loads the whole file, counted in 512-byte sectors.
				{"/boot/efi.img", "UEFI", "none", "0x00", len(efi) / 512},
			},
		},
		{
			name:  "floppy emulation",
			msg:   fdMsg,
			files: []bootFile{{"/boot/floppy.img", floppyImage(t, fdMsg)}},
			// The catalog in the root, as mkisofs -c boot.cat.
			catalog: "boot.cat",
			boot:    []iso9660.BootEntry{{Image: "/boot/floppy.img", Platform: eltorito.PlatformX86, Floppy: true}},
			want:    []wantBoot{{"/boot/floppy.img", "BIOS", "fd1.4", "0x00", 1}},
		},
		{
			name:    "hard disk emulation",
			msg:     hdMsg,
			files:   []bootFile{{"/boot/hd.img", hardDiskImage(t, hdMsg)}},
			catalog: "boot/boot.catalog",
			boot: []iso9660.BootEntry{{Image: "/boot/hd.img", Platform: eltorito.PlatformX86,
				Emulation: eltorito.HardDisk}},
			want: []wantBoot{{"/boot/hd.img", "BIOS", "hd", "0x83", 1}},
		},
	}
}

// serialCodeEnd returns how many leading bytes of SerialImage(msg) hold
// its code and message; the rest is padding.
func serialCodeEnd(t *testing.T, msg string) (img []byte, end int) {
	t.Helper()
	img = boottest.SerialImage(msg)
	i := bytes.Index(img, []byte(msg+"\r\n\x00"))
	if i < 0 {
		t.Fatalf("message not found in SerialImage(%q)", msg)
	}
	return img, i + len(msg) + 3
}

// floppyImage returns a 1.44 MB diskette whose boot sector is the serial
// boot code. In floppy emulation the BIOS loads only the first 512-byte
// sector (to 0000:7C00), so code and message must fit in it, before the
// 55 AA signature at 510.
func floppyImage(t *testing.T, msg string) []byte {
	code, end := serialCodeEnd(t, msg)
	if end > 510 {
		t.Fatalf("SerialImage(%q) needs %d bytes: more than a 512-byte boot sector holds", msg, end)
	}
	img := make([]byte, eltorito.Floppy144Size)
	copy(img, code[:510])
	img[510], img[511] = 0x55, 0xAA
	// Fill the rest with HLT so that nothing beyond the boot sector could
	// pass for working code.
	for i := 512; i < len(img); i++ {
		img[i] = 0xF4
	}
	return img
}

// Geometry of the hard disk image: 2 cylinders of 16 heads of 63
// sectors, the first track reserved, one partition on the rest.
const (
	hdCyls, hdHeads, hdSPT = 2, 16, 63
	hdSectors              = hdCyls * hdHeads * hdSPT
)

// hardDiskImage returns a small disk whose MBR holds the serial boot code
// (in the 446 bytes before the partition table) and one Linux (83h)
// partition. SeaBIOS takes the emulated geometry from the ending CHS of
// partition entry 1.
func hardDiskImage(t *testing.T, msg string) []byte {
	code, end := serialCodeEnd(t, msg)
	if end > 446 {
		t.Fatalf("SerialImage(%q) needs %d bytes: more than an MBR's 446 bytes of code", msg, end)
	}
	img := make([]byte, hdSectors*512)
	copy(img, code[:446])
	pe := img[446:462]
	pe[0] = 0x80                     // active
	pe[1], pe[2], pe[3] = 1, 1, 0    // start CHS 0/1/1
	pe[4] = 0x83                     // Linux
	pe[5] = hdHeads - 1              // end head
	pe[6] = hdSPT | (hdCyls-1)>>8<<6 // end sector, cylinder bits 8-9
	pe[7] = byte(hdCyls - 1)         // end cylinder bits 0-7
	binary.LittleEndian.PutUint32(pe[8:], hdSPT)
	binary.LittleEndian.PutUint32(pe[12:], hdSectors-hdSPT)
	img[510], img[511] = 0x55, 0xAA
	// A recognisable first partition sector.
	copy(img[hdSPT*512:], "spindle test partition")
	return img
}

// fatImage returns a size-byte dummy FAT12 file system: a boot sector
// with a BIOS parameter block, two FATs and an empty root directory,
// enough for tools that look at an EFI boot image.
func fatImage(size int) []byte {
	b := make([]byte, size)
	copy(b, []byte{0xEB, 0x3C, 0x90})
	copy(b[3:], "SPINDLE ")
	binary.LittleEndian.PutUint16(b[11:], 512)              // bytes per sector
	b[13] = 1                                               // sectors per cluster
	binary.LittleEndian.PutUint16(b[14:], 1)                // reserved sectors
	b[16] = 2                                               // FATs
	binary.LittleEndian.PutUint16(b[17:], 16)               // root directory entries
	binary.LittleEndian.PutUint16(b[19:], uint16(size/512)) // sectors
	b[21] = 0xF8                                            // media
	binary.LittleEndian.PutUint16(b[22:], 1)                // sectors per FAT
	b[38] = 0x29                                            // extended boot signature
	copy(b[43:], "EFI        ")
	copy(b[54:], "FAT12   ")
	b[510], b[511] = 0x55, 0xAA
	for _, fat := range []int{512, 1024} {
		copy(b[fat:], []byte{0xF8, 0xFF, 0xFF})
	}
	return b
}

var bootTime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// master writes the case's image with the writer and returns its bytes.
func (tc *bootCase) master(t *testing.T, out string) []byte {
	t.Helper()
	tree := iso9660.NewTree()
	files := append([]bootFile{{"/README", []byte("El Torito test image\n")}}, tc.files...)
	for _, f := range files {
		data := f.data
		err := tree.AddFile(f.path, iso9660.FileSpec{Mode: 0o644, Size: int64(len(data)), ModTime: bootTime,
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }})
		if err != nil {
			t.Fatal(err)
		}
	}
	writeImage(t, tree, out, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true,
		Boot: tc.boot, BootCatalog: tc.catalog, Now: bootTime})
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (tc *bootCase) data(p string) []byte {
	for _, f := range tc.files {
		if f.path == p {
			return f.data
		}
	}
	return nil
}

var (
	xorrisoCatalog = regexp.MustCompile(`(?m)^El Torito catalog\s*:\s*(\d+)\s+(\d+)\s*$`)
	xorrisoCatPath = regexp.MustCompile(`(?m)^El Torito cat path\s*:\s*(.*?)\s*$`)
	xorrisoImg     = regexp.MustCompile(`(?m)^El Torito boot img\s*:\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s*$`)
	xorrisoImgPath = regexp.MustCompile(`(?m)^El Torito img path\s*:\s*(\d+)\s+(.*?)\s*$`)
	xorrisoImgOpts = regexp.MustCompile(`(?m)^El Torito img opts\s*:\s*(\d+)\s+(.*?)\s*$`)
	xorrisoLBA     = regexp.MustCompile(`(?m)^File data lba:\s*\d+\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*'(.*)'\s*$`)
)

// checkXorriso compares xorriso's reading of the boot catalog with the
// entries asked for, and each entry's LBA with where xorriso finds the
// boot file's data; the data there must be the boot file (with its boot
// information table when one was asked for).
func (tc *bootCase) checkXorriso(t *testing.T, img string, image []byte) {
	rep := runTool(t, "xorriso", "-indev", img, "-report_el_torito", "plain")
	lbas := runTool(t, "xorriso", "-indev", img, "-find", "/", "-type", "f", "-exec", "report_lba", "--")
	where := map[string]int{}
	for _, m := range xorrisoLBA.FindAllStringSubmatch(lbas, -1) {
		lba, _ := strconv.Atoi(m[1])
		where[m[4]] = lba
	}
	cat := xorrisoCatalog.FindStringSubmatch(rep)
	if cat == nil {
		t.Fatalf("xorriso reports no El Torito catalog:\n%s", rep)
	}
	catLBA, _ := strconv.Atoi(cat[1])
	if cat[2] != "1" {
		t.Errorf("catalog of %s blocks, want 1", cat[2])
	}
	if sector := image[catLBA*2048:]; sector[0] != 1 || sector[0x1E] != 0x55 || sector[0x1F] != 0xAA {
		t.Errorf("no validation entry at the catalog LBA %d: % X", catLBA, sector[:32])
	}
	cp := xorrisoCatPath.FindStringSubmatch(rep)
	switch {
	case tc.catalog == "" && cp != nil:
		t.Errorf("hidden catalog has a path: %q", cp[1])
	case tc.catalog == "" && len(where) != len(tc.files)+1:
		t.Errorf("hidden catalog: the tree has files %v, want only README and the boot files", where)
	case tc.catalog != "" && (cp == nil || cp[1] != "/"+tc.catalog):
		t.Errorf("catalog path %v, want /%s\n%s", cp, tc.catalog, rep)
	}
	rows := xorrisoImg.FindAllStringSubmatch(rep, -1)
	if len(rows) != len(tc.want) {
		t.Fatalf("xorriso lists %d boot images, want %d:\n%s", len(rows), len(tc.want), rep)
	}
	paths := map[string]string{}
	for _, m := range xorrisoImgPath.FindAllStringSubmatch(rep, -1) {
		paths[m[1]] = m[2]
	}
	opts := map[string]string{}
	for _, m := range xorrisoImgOpts.FindAllStringSubmatch(rep, -1) {
		opts[m[1]] = m[2]
	}
	for i, w := range tc.want {
		r := rows[i] // N Pltf B Emul Ld_seg Hdpt Ldsiz LBA
		n := strconv.Itoa(i + 1)
		ldsiz, _ := strconv.Atoi(r[7])
		lba, _ := strconv.Atoi(r[8])
		got := fmt.Sprintf("#%s %s boot=%s %s seg=%s hdpt=%s ldsiz=%d path=%s", r[1], r[2], r[3], r[4], r[5], r[6], ldsiz, paths[n])
		exp := fmt.Sprintf("#%s %s boot=y %s seg=0x0000 hdpt=%s ldsiz=%d path=%s", n, w.platform, w.emul, w.hdpt, w.ldsiz, w.path)
		if got != exp {
			t.Errorf("boot image %s:\n got  %s\n want %s", n, got, exp)
		}
		fileLBA, ok := where[w.path]
		if !ok {
			t.Errorf("xorriso -find does not report %s:\n%s", w.path, lbas)
		} else if lba != fileLBA {
			t.Errorf("boot image %s: catalog LBA %d, but %s's data is at LBA %d", n, lba, w.path, fileLBA)
		}
		data := tc.data(w.path)
		if lba*2048+len(data) > len(image) {
			t.Errorf("boot image %s: LBA %d beyond the image", n, lba)
			continue
		}
		onDisc := image[lba*2048 : lba*2048+len(data)]
		info := tc.boot[i].InfoTable
		if info {
			patched := bytes.Clone(data)
			if err := eltorito.PatchBootInfoTable(patched, 16, uint32(lba)); err != nil {
				t.Fatal(err)
			}
			data = patched
			if !strings.Contains(opts[n], "boot-info-table") {
				t.Errorf("boot image %s: xorriso does not recognise the boot info table (opts %q)", n, opts[n])
			}
		}
		if !bytes.Equal(onDisc, data) {
			t.Errorf("boot image %s: the data at LBA %d is not %s (boot info table: %v)", n, lba, w.path, info)
		}
	}
	t.Logf("xorriso -report_el_torito plain:\n%s", bootGrep(rep, "El Torito"))
}

// checkIsoinfo checks isoinfo's reading of the El Torito boot record and
// of the default entry (isoinfo shows only that one). The catalog and
// image LBAs come from the image's own boot record and catalog, which the
// xorriso subtest checks independently.
func (tc *bootCase) checkIsoinfo(t *testing.T, img string, image []byte) {
	out := runTool(t, "isoinfo", "-d", "-i", img)
	catLBA, err := eltorito.ParseBootRecord(image[eltorito.BootRecordLBA*2048:][:2048])
	if err != nil {
		t.Fatalf("boot record: %v", err)
	}
	if int64(catLBA)*2048+2048 > int64(len(image)) {
		t.Fatalf("catalog LBA %d beyond the image", catLBA)
	}
	c, err := eltorito.Parse(image[catLBA*2048:][:2048])
	if err != nil {
		t.Fatalf("boot catalog: %v", err)
	}
	if len(c.Entries) != len(tc.boot) {
		t.Fatalf("catalog has %d entries, want %d", len(c.Entries), len(tc.boot))
	}
	first := tc.boot[0]
	media := map[eltorito.Emulation]string{eltorito.NoEmulation: "0", eltorito.Floppy144: "2", eltorito.HardDisk: "4"}[first.Emulation]
	if first.Floppy {
		media = "2"
	}
	lba := c.Entries[0].LoadRBA
	for _, want := range []string{
		fmt.Sprintf("El Torito VD version 1 found, boot catalog is in sector %d\n", catLBA),
		"Arch 0 (x86)",
		"Key 55 AA",
		"Bootid 88 (bootable)",
		"Boot media " + media + " (",
		"Load segment 0\n",
		fmt.Sprintf("Sys type %X\n", map[string]int{"0x00": 0, "0x83": 0x83}[tc.want[0].hdpt]),
		fmt.Sprintf("Nsect %X\n", tc.want[0].ldsiz),
		fmt.Sprintf("Bootoff %X %d", lba, lba),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("isoinfo -d lacks %q:\n%s", want, out)
		}
	}
}

func bootGrep(s, sub string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		if strings.Contains(line, sub) {
			b.WriteString(line)
		}
	}
	return b.String()
}

// qemuAccel returns the accelerator arguments: KVM (with TCG as QEMU's
// fallback) when /dev/kvm works, TCG otherwise. Like run-guest.sh it
// avoids kvm_pvm, a nested KVM on which a BIOS boot takes seconds instead
// of a fraction of one; BOOTTEST_NO_KVM=1 forces TCG.
func qemuAccel() []string {
	if os.Getenv("BOOTTEST_NO_KVM") == "1" {
		return nil
	}
	if _, err := os.Stat("/sys/module/kvm_pvm"); err == nil {
		return nil
	}
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	f.Close()
	return []string{"-accel", "kvm", "-accel", "tcg"}
}

// bootQEMU boots img as a CD-ROM under SeaBIOS and wants msg on the
// serial port and the isa-debug-exit status of boottest's image.
func bootQEMU(t *testing.T, img, msg string) {
	qemu := needTool(t, "qemu-system-x86_64")
	args := []string{
		"-nodefaults", "-display", "none", "-serial", "stdio", "-no-reboot", "-m", "64",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
		"-cdrom", img, "-boot", "d",
	}
	args = append(args, qemuAccel()...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	t.Logf("qemu %s ran %v; serial output %q", strings.Join(qemuAccel(), " "), time.Since(start).Round(time.Millisecond), stdout.String())
	if ctx.Err() != nil {
		t.Fatalf("qemu timed out (the boot code never reached isa-debug-exit); serial %q; stderr:\n%s", stdout.String(), stderr.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != boottest.QEMUExitStatus {
		t.Errorf("qemu exit = %v, want status %d (guest wrote %#x to isa-debug-exit); stderr:\n%s",
			err, boottest.QEMUExitStatus, boottest.ExitValue, stderr.String())
	}
	if !strings.Contains(stdout.String(), msg+"\r\n") {
		t.Errorf("serial output %q lacks %q", stdout.String(), msg+"\r\n")
	}
}
