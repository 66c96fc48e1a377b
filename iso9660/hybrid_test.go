package iso9660_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"spindle/internal/testtool"
	"spindle/iso9660"
	"spindle/iso9660/eltorito"
	"spindle/iso9660/eltorito/boottest"
)

// hybridTree is a tree with a no-emulation boot image at boot/boot.img.
func hybridTree(t testing.TB, boot []byte) *iso9660.Tree {
	t.Helper()
	tree := iso9660.NewTree()
	for p, b := range map[string][]byte{"boot/boot.img": boot, "data/file.txt": []byte("hello\n")} {
		if err := tree.AddFile(p, iso9660.FileSpec{Mode: 0o644, Size: int64(len(b)), Open: reader(string(b))}); err != nil {
			t.Fatal(err)
		}
	}
	return tree
}

func hybridOptions(tmpl []byte) *iso9660.Options {
	return &iso9660.Options{
		RockRidge: iso9660.RockRidgeRationalize,
		Boot:      []iso9660.BootEntry{{Image: "boot/boot.img", LoadSize: 4, InfoTable: true}},
		HybridMBR: tmpl,
		Now:       time.Date(2001, 7, 4, 12, 0, 0, 0, time.UTC),
	}
}

// TestHybridMBR checks block 0 of an isohybrid image byte by byte: the
// template's code, the boot image's address in 512-byte sectors, the disk
// signature, one bootable partition of type 17h over the whole image with
// its CHS values, the 55AAh signature; and that the image is padded to a
// whole MiB, which its volume descriptor and Writer.Size count.
func TestHybridMBR(t *testing.T) {
	tmpl := bytes.Repeat([]byte{0x90}, 432)
	tmpl[0], tmpl[431] = 0xEB, 0xCC
	tree := hybridTree(t, boottest.SerialImage("hybrid"))
	w, err := iso9660.NewWriter(tree, hybridOptions(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	img := buf.Bytes()
	if int64(len(img)) != w.Size() || len(img)%(1<<20) != 0 {
		t.Fatalf("image of %d bytes (Size %d), want a whole number of MiB", len(img), w.Size())
	}
	if vs := binary.LittleEndian.Uint32(img[16*iso9660.BlockSize+80:]); int(vs)*iso9660.BlockSize != len(img) {
		t.Errorf("volume space size %d blocks, want the whole image (%d bytes)", vs, len(img))
	}
	im := rdOpen(t, img, nil)
	bootLBA := rdInfo(t, im, "boot/boot.img").Extents[0].LBA
	mbr := img[:512]
	if !bytes.Equal(mbr[:432], tmpl) {
		t.Error("the template's 432 bytes are not at the start of block 0")
	}
	if got := binary.LittleEndian.Uint64(mbr[432:]); got != uint64(bootLBA)*4 {
		t.Errorf("boot image address %d, want %d (block %d in 512-byte sectors)", got, bootLBA*4, bootLBA)
	}
	if binary.LittleEndian.Uint32(mbr[440:]) == 0 {
		t.Error("no disk signature")
	}
	sectors := uint32(len(img) / 512)
	cyl := sectors/2048 - 1
	want := []byte{0x80, 0, 1, 0, 0x17, 63, 32 | byte(cyl>>8)<<6, byte(cyl), 0, 0, 0, 0}
	want = binary.LittleEndian.AppendUint32(want, sectors)
	if !bytes.Equal(mbr[446:462], want) {
		t.Errorf("partition entry 1 = % X, want % X", mbr[446:462], want)
	}
	if !bytes.Equal(mbr[462:510], make([]byte, 48)) || mbr[510] != 0x55 || mbr[511] != 0xAA {
		t.Error("partitions 2-4 not empty, or no 55AA signature")
	}
	if !bytes.Equal(img[512:16*iso9660.BlockSize], make([]byte, 16*iso9660.BlockSize-512)) {
		t.Error("the rest of the system area is not zero")
	}
	// The same input gives the same image, signature included.
	if again := rdWrite(t, hybridTree(t, boottest.SerialImage("hybrid")), hybridOptions(tmpl)); !bytes.Equal(again, img) {
		t.Error("two writes of the same tree differ")
	}
}

func TestHybridMBRRefused(t *testing.T) {
	tmpl := make([]byte, 432)
	boot := boottest.SerialImage("x")
	for name, change := range map[string]func(o *iso9660.Options){
		"no boot image":  func(o *iso9660.Options) { o.Boot = nil },
		"short template": func(o *iso9660.Options) { o.HybridMBR = tmpl[:100] },
		"long template":  func(o *iso9660.Options) { o.HybridMBR = make([]byte, 513) },
		"md5":            func(o *iso9660.Options) { o.MD5 = true },
		"later session":  func(o *iso9660.Options) { o.SessionStart = 1000 },
		"efi first":      func(o *iso9660.Options) { o.Boot[0].Platform = eltorito.PlatformEFI },
		"hard disk":      func(o *iso9660.Options) { o.Boot[0].Emulation = eltorito.HardDisk },
	} {
		o := hybridOptions(tmpl)
		change(o)
		if _, err := iso9660.NewWriter(hybridTree(t, boot), o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// isolinuxFiles returns the Syslinux files an isohybrid ISOLINUX image
// needs: the MBR template, isolinux.bin and ldlinux.c32.
func isolinuxFiles(t *testing.T) (mbr, isolinux, ldlinux string) {
	t.Helper()
	return testtool.NeedFile(t, "/usr/lib/ISOLINUX/isohdpfx.bin", "isolinux"),
		testtool.NeedFile(t, "/usr/lib/ISOLINUX/isolinux.bin", "isolinux"),
		testtool.NeedFile(t, "/usr/lib/syslinux/modules/bios/ldlinux.c32", "syslinux-common")
}

// TestHybridISOLINUX masters an ISOLINUX tree with Syslinux's own MBR
// template; xorriso must see an isohybrid MBR with the same partition
// table it would write, and SeaBIOS under QEMU must boot the image as a
// hard disk (no CD-ROM attached) into ISOLINUX, which reads its
// configuration from the ISO 9660 tree and names the kernel it asks for.
func TestHybridISOLINUX(t *testing.T) {
	mbrPath, isolinux, ldlinux := isolinuxFiles(t)
	xorriso := needTool(t, "xorriso")
	qemu := needTool(t, "qemu-system-x86_64")
	tmpl, err := os.ReadFile(mbrPath)
	if err != nil {
		t.Fatal(err)
	}
	tree := iso9660.NewTree()
	for p, src := range map[string]string{"isolinux/isolinux.bin": isolinux, "isolinux/ldlinux.c32": ldlinux} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.AddFile(p, iso9660.FileSpec{Mode: 0o644, Size: int64(len(b)), Open: reader(string(b))}); err != nil {
			t.Fatal(err)
		}
	}
	const kernel = "/spindle-isohybrid-ok"
	cfg := "SERIAL 0 115200\nPROMPT 0\nTIMEOUT 1\nDEFAULT x\nLABEL x\n  KERNEL " + kernel + "\n"
	if err := tree.AddFile("isolinux/isolinux.cfg", iso9660.FileSpec{Mode: 0o644, Size: int64(len(cfg)), Open: reader(cfg)}); err != nil {
		t.Fatal(err)
	}
	img := rdWrite(t, tree, &iso9660.Options{
		RockRidge:   iso9660.RockRidgeRationalize,
		Joliet:      true,
		Boot:        []iso9660.BootEntry{{Image: "isolinux/isolinux.bin", LoadSize: 4, InfoTable: true}},
		BootCatalog: "isolinux/boot.cat",
		HybridMBR:   tmpl,
	})
	out := filepath.Join(t.TempDir(), "hybrid.iso")
	if err := os.WriteFile(out, img, 0o644); err != nil {
		t.Fatal(err)
	}

	rep := runTool(t, xorriso, "-indev", out, "-report_system_area", "plain")
	sectors := len(img) / 512
	for _, want := range []string{`MBR isohybrid cyl-align-on`, `Partition offset\s*:\s*0\n`,
		fmt.Sprintf(`MBR partition\s*:\s*1\s+0x80\s+0x17\s+0\s+%d\n`, sectors)} {
		if !regexp.MustCompile(want).MatchString(rep) {
			t.Errorf("xorriso -report_system_area lacks %q:\n%s", want, rep)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"-nodefaults", "-display", "none", "-serial", "stdio", "-no-reboot", "-m", "64",
		"-drive", "file=" + out + ",format=raw,if=ide", "-boot", "c"}, qemuAccel()...)
	cmd := exec.CommandContext(ctx, qemu, args...)
	var serial testtool.SyncBuffer
	cmd.Stdout, cmd.Stderr = &serial, &serial
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	want := "Loading " + kernel
	for ctx.Err() == nil && !strings.Contains(serial.String(), want) {
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Logf("serial: %q", serial.String())
	if !strings.Contains(serial.String(), "ISOLINUX") || !strings.Contains(serial.String(), want) {
		t.Fatalf("booted as a hard disk, the serial port shows %q; want ISOLINUX loading %s", serial.String(), kernel)
	}
}

// gptOptions adds an EFI boot image recorded as a partition.
func gptOptions(tmpl []byte) *iso9660.Options {
	o := hybridOptions(tmpl)
	o.Boot = append(o.Boot, iso9660.BootEntry{Image: "efi/efi.img", Platform: eltorito.PlatformEFI, HybridPartition: true})
	return o
}

// gptTree is hybridTree with an EFI boot image too.
func gptTree(t testing.TB, efi []byte) *iso9660.Tree {
	t.Helper()
	tree := hybridTree(t, boottest.SerialImage("hybrid"))
	if err := tree.AddFile("efi/efi.img", iso9660.FileSpec{Mode: 0o644, Size: int64(len(efi)), Open: reader(string(efi))}); err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestHybridGPT checks the partitions of an EFI boot image marked
// HybridPartition: MBR entry 2 of type EFh over the image (entry 1 then of
// type 00h), and a GPT whose primary (sectors 1 to 63) and backup (the
// last 63 sectors) headers and entries agree, with valid CRCs, partition 1
// "ISOHybrid" over the volume and partition 2 "ISOHybrid1" over the EFI
// image, both Basic Data, required and read-only.
func TestHybridGPT(t *testing.T) {
	tmpl := make([]byte, 432)
	efi := fatImage(1440 * 1024)
	for _, noPad := range []bool{false, true} {
		o := gptOptions(tmpl)
		o.NoPad = noPad
		img := rdWrite(t, gptTree(t, efi), o)
		if len(img)%(1<<20) != 0 {
			t.Fatalf("image of %d bytes, want whole MiB", len(img))
		}
		sectors := uint64(len(img) / 512)
		efiLBA := uint64(rdInfo(t, rdOpen(t, img, nil), "efi/efi.img").Extents[0].LBA) * 4
		mbr := img[:512]
		if mbr[446] != 0x80 || mbr[446+4] != 0 {
			t.Errorf("MBR entry 1: status %#x type %#x, want 80h and 00h", mbr[446], mbr[450])
		}
		p2 := mbr[462:478]
		if p2[0] != 0 || p2[4] != 0xEF || uint64(binary.LittleEndian.Uint32(p2[8:])) != efiLBA ||
			binary.LittleEndian.Uint32(p2[12:]) != 2880 {
			t.Errorf("MBR entry 2 = % X, want type EFh from sector %d, 2880 sectors", p2, efiLBA)
		}
		check := func(name string, hdr []byte, my, alt, entriesAt uint64) {
			t.Helper()
			if string(hdr[:8]) != "EFI PART" || binary.LittleEndian.Uint32(hdr[12:]) != 92 {
				t.Fatalf("%s GPT header: % X", name, hdr[:16])
			}
			h := slices.Clone(hdr[:92])
			binary.LittleEndian.PutUint32(h[16:], 0)
			if crc32.ChecksumIEEE(h) != binary.LittleEndian.Uint32(hdr[16:]) {
				t.Errorf("%s GPT header CRC wrong", name)
			}
			u := func(off int) uint64 { return binary.LittleEndian.Uint64(hdr[off:]) }
			if u(24) != my || u(32) != alt || u(40) != 64 || u(48) != sectors-64 || u(72) != entriesAt {
				t.Errorf("%s GPT header: my %d alt %d usable %d-%d entries at %d", name, u(24), u(32), u(40), u(48), u(72))
			}
			n, size := binary.LittleEndian.Uint32(hdr[80:]), binary.LittleEndian.Uint32(hdr[84:])
			entries := img[entriesAt*512:][:n*size]
			if crc32.ChecksumIEEE(entries) != binary.LittleEndian.Uint32(hdr[88:]) {
				t.Errorf("%s GPT entries CRC wrong", name)
			}
			for i, want := range []struct {
				first, last uint64
				name        string
			}{{0, sectors - 65, "ISOHybrid"}, {efiLBA, efiLBA + 2879, "ISOHybrid1"}} {
				e := entries[i*128:][:128]
				basic := []byte{0xA2, 0xA0, 0xD0, 0xEB, 0xE5, 0xB9, 0x33, 0x44, 0x87, 0xC0, 0x68, 0xB6, 0xB7, 0x26, 0x99, 0xC7}
				nm := strings.TrimRight(string(bytes.ReplaceAll(e[56:], []byte{0}, nil)), "\x00")
				if !bytes.Equal(e[:16], basic) || binary.LittleEndian.Uint64(e[32:]) != want.first ||
					binary.LittleEndian.Uint64(e[40:]) != want.last || binary.LittleEndian.Uint64(e[48:]) != 1|1<<60 || nm != want.name {
					t.Errorf("%s GPT entry %d = % X", name, i+1, e[:64])
				}
			}
			if !bytes.Equal(entries[2*128:], make([]byte, len(entries)-2*128)) {
				t.Errorf("%s GPT: entries beyond the second are not empty", name)
			}
		}
		check("primary", img[512:1024], 1, sectors-1, 2)
		check("backup", img[len(img)-512:], sectors-1, 1, sectors-63)
		if !bytes.Equal(img[1024:1024+248*128], img[(sectors-63)*512:][:248*128]) {
			t.Error("backup entries differ from the primary ones")
		}
	}
	// Without an isohybrid MBR a partition is refused, as is an empty one.
	if _, err := iso9660.NewWriter(gptTree(t, efi), gptOptions(nil)); err == nil {
		t.Error("HybridPartition without HybridMBR accepted")
	}
	if _, err := iso9660.NewWriter(gptTree(t, nil), gptOptions(tmpl)); err == nil {
		t.Error("an empty boot image accepted as a partition")
	}
}

// TestHybridUEFI masters an image whose EFI boot image (a FAT file system
// holding efitools' HelloWorld.efi as EFI/BOOT/BOOTX64.EFI) is recorded as
// a partition. xorriso must report the GPT it would write, gdisk must
// find a valid MBR and GPT and the partition, mtools must read the FAT
// file system at the partition's offset, and OVMF (UEFI firmware) under
// QEMU must boot the image as a hard disk, with no CD-ROM attached, into
// HelloWorld.
func TestHybridUEFI(t *testing.T) {
	xorriso := needTool(t, "xorriso")
	gdisk := needTool(t, "gdisk")
	qemu := needTool(t, "qemu-system-x86_64")
	for _, tool := range []string{"mkfs.vfat", "mmd", "mcopy", "mdir"} {
		needTool(t, tool)
	}
	hello := testtool.NeedFile(t, "/usr/lib/efitools/x86_64-linux-gnu/HelloWorld.efi", "efitools")
	ovmf := testtool.NeedFile(t, "/usr/share/ovmf/OVMF.fd", "ovmf")
	dir := t.TempDir()
	efiPath := filepath.Join(dir, "efi.img")
	runTool(t, "mkfs.vfat", "-C", efiPath, "1440")
	runTool(t, "mmd", "-i", efiPath, "::/EFI", "::/EFI/BOOT")
	runTool(t, "mcopy", "-i", efiPath, hello, "::/EFI/BOOT/BOOTX64.EFI")
	efi, err := os.ReadFile(efiPath)
	if err != nil {
		t.Fatal(err)
	}
	img := rdWrite(t, gptTree(t, efi), gptOptions(make([]byte, 432)))
	out := filepath.Join(dir, "uefi.iso")
	if err := os.WriteFile(out, img, 0o644); err != nil {
		t.Fatal(err)
	}
	sectors := len(img) / 512
	efiSector := int(rdInfo(t, rdOpen(t, img, nil), "efi/efi.img").Extents[0].LBA) * 4

	rep := runTool(t, xorriso, "-indev", out, "-report_system_area", "plain")
	for _, want := range []string{`MBR (isohybrid )?cyl-align-on GPT`,
		fmt.Sprintf(`MBR partition\s*:\s*2\s+0x00\s+0xef\s+%d\s+2880\n`, efiSector),
		`GPT entry array\s*:\s*2\s+248\s`,
		fmt.Sprintf(`GPT lba range\s*:\s*64\s+%d\s+%d\n`, sectors-64, sectors-1),
		`GPT partname local\s*:\s*2\s+ISOHybrid1\n`,
		`GPT type GUID\s*:\s*2\s+a2a0d0ebe5b9334487c068b6b72699c7\n`,
		`GPT partition flags\s*:\s*2\s+0x1000000000000001\n`,
		fmt.Sprintf(`GPT start and size\s*:\s*2\s+%d\s+2880\n`, efiSector)} {
		if !regexp.MustCompile(want).MatchString(rep) {
			t.Errorf("xorriso -report_system_area lacks %q:\n%s", want, rep)
		}
	}

	cmd := exec.Command(gdisk, "-l", out)
	cmd.Stdin = strings.NewReader("2\n") // use the GPT
	gd, _ := cmd.CombinedOutput()
	for _, want := range []string{`Found valid MBR and GPT`,
		fmt.Sprintf(`\n\s+2\s+%d\s+%d\s.*ISOHybrid1\n`, efiSector, efiSector+2879)} {
		if !regexp.MustCompile(want).Match(gd) {
			t.Errorf("gdisk -l lacks %q:\n%s", want, gd)
		}
	}

	if ls := runTool(t, "mdir", "-i", fmt.Sprintf("%s@@%d", out, efiSector*512), "::/EFI/BOOT"); !strings.Contains(ls, "BOOTX64  EFI") {
		t.Errorf("mtools finds no EFI/BOOT/BOOTX64.EFI in partition 2:\n%s", ls)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	qcmd := exec.CommandContext(ctx, qemu, append([]string{"-nodefaults", "-display", "none", "-serial", "stdio",
		"-no-reboot", "-m", "256", "-bios", ovmf, "-drive", "file=" + out + ",format=raw,if=ide"}, qemuAccel()...)...)
	var serial testtool.SyncBuffer
	qcmd.Stdout, qcmd.Stderr = &serial, &serial
	if err := qcmd.Start(); err != nil {
		t.Fatal(err)
	}
	for ctx.Err() == nil && !strings.Contains(serial.String(), "HelloWorld") {
		time.Sleep(200 * time.Millisecond)
	}
	qcmd.Process.Kill()
	qcmd.Wait()
	if !strings.Contains(serial.String(), "HARDDISK") || !strings.Contains(serial.String(), "HelloWorld") {
		t.Fatalf("OVMF did not start HelloWorld from the disk; serial output:\n%q", serial.String())
	}
}
