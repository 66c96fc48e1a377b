package iso9660_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
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
	var serial syncBuffer
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

// syncBuffer is a bytes.Buffer that QEMU's output goroutine writes while
// the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
