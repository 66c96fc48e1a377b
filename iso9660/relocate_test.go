package iso9660_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"spindle/iso9660"
	"spindle/iso9660/eltorito"
)

// relocTree is a tree whose image holds every kind of recorded address:
// deep directories (Rock Ridge CL/PL and RR_MOVED), a long symbolic link
// (continuation areas), Joliet, and an El Torito boot image.
func relocTree(t *testing.T) *iso9660.Tree {
	tree := iso9660.NewTree()
	add := func(p string, spec iso9660.FileSpec) {
		spec.ModTime = time.Unix(1e9, 0)
		if err := tree.AddFile(p, spec); err != nil {
			t.Fatal(err)
		}
	}
	text := func(s string) iso9660.FileSpec {
		return iso9660.FileSpec{Mode: 0o644, Size: int64(len(s)), Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }}
	}
	add("a/b/c/d/e/f/g/h/i/j/deep.txt", text("deep\n"))
	add("top.txt", text(strings.Repeat("top ", 1000)))
	add("boot/boot.img", text(strings.Repeat("\x90", 2048)))
	add("link", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, Target: strings.Repeat("./", 150) + "top.txt"})
	add("empty", iso9660.FileSpec{Mode: 0o644})
	return tree
}

// TestRelocate makes a session whose addresses start at block 11400 (the
// data session of a CD-Extra disc), relocates it to block 0, and reads it
// without any displacement: the same tree as reading the original with one.
func TestRelocate(t *testing.T) {
	const start = 11400
	opt := &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, SessionStart: start, Now: time.Unix(1e9, 0),
		Boot: []iso9660.BootEntry{{Image: "boot/boot.img", Emulation: eltorito.NoEmulation, LoadSize: 4}}}
	w, err := iso9660.NewWriter(relocTree(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	var session bytes.Buffer
	if _, err := w.WriteTo(context.Background(), &session); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := iso9660.Relocate(&out, bytes.NewReader(session.Bytes()), int64(session.Len()), start); err != nil {
		t.Fatal(err)
	}
	if out.Len() != session.Len() {
		t.Fatalf("relocated image has %d bytes, want %d", out.Len(), session.Len())
	}
	orig, err := iso9660.Open(bytes.NewReader(session.Bytes()), int64(session.Len()), &iso9660.ReadOptions{Displacement: start})
	if err != nil {
		t.Fatal(err)
	}
	for _, view := range []iso9660.NameView{iso9660.NamesRockRidge, iso9660.NamesJoliet, iso9660.NamesPlain} {
		moved, err := iso9660.Open(bytes.NewReader(out.Bytes()), int64(out.Len()), &iso9660.ReadOptions{Names: view})
		if err != nil {
			t.Fatalf("%v: %v", view, err)
		}
		want := []string{"top.txt", "a/b/c/d/e/f/g/h/i/j/deep.txt", "boot/boot.img"}
		if view == iso9660.NamesPlain {
			want = []string{"TOP.TXT", "BOOT/BOOT.IMG"}
		}
		if err := fstest.TestFS(moved, want...); err != nil {
			t.Errorf("%v: %v", view, err)
		}
		if view != iso9660.NamesRockRidge {
			continue
		}
		for _, p := range []string{"a/b/c/d/e/f/g/h/i/j/deep.txt", "top.txt", "boot/boot.img"} {
			a, err1 := fs.ReadFile(orig, p)
			b, err2 := fs.ReadFile(moved, p)
			if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
				t.Errorf("%s: %v, %v, equal %v", p, err1, err2, bytes.Equal(a, b))
			}
		}
		if target, err := fs.ReadLink(moved, "link"); err != nil || !strings.HasSuffix(target, "top.txt") {
			t.Errorf("link: %q, %v", target, err)
		}
		v := moved.Volume()
		if v.VolumeSpaceSize != uint32(out.Len()/iso9660.BlockSize) {
			t.Errorf("volume space size %d, image %d blocks", v.VolumeSpaceSize, out.Len()/iso9660.BlockSize)
		}
		if !v.ElTorito || v.BootCatalog >= v.VolumeSpaceSize {
			t.Fatalf("boot catalog at %d", v.BootCatalog)
		}
		cat, err := eltorito.Parse(out.Bytes()[int(v.BootCatalog)*iso9660.BlockSize:][:iso9660.BlockSize])
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := moved.Lstat("boot/boot.img")
		if got, want := cat.Entries[0].LoadRBA, fi.Sys().(*iso9660.FileInfo).Extents[0].LBA; got != want {
			t.Errorf("boot entry loads block %d, the boot image is at %d", got, want)
		}
	}
	// An address before the session is refused, and nothing is written.
	var none bytes.Buffer
	err = iso9660.Relocate(&none, bytes.NewReader(session.Bytes()), int64(session.Len()), start+100)
	if !errors.Is(err, iso9660.ErrFormat) || none.Len() != 0 {
		t.Errorf("relocating past the addresses: %v, %d bytes written", err, none.Len())
	}
}

// TestKernelRelocated mounts a relocated session in a Linux guest.
func TestKernelRelocated(t *testing.T) {
	t.Parallel()
	needTool(t, "qemu-system-x86_64")
	const start = 11400
	w, err := iso9660.NewWriter(relocTree(t), &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, SessionStart: start})
	if err != nil {
		t.Fatal(err)
	}
	var session bytes.Buffer
	if _, err := w.WriteTo(context.Background(), &session); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := iso9660.Relocate(&out, bytes.NewReader(session.Bytes()), int64(session.Len()), start); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "relocated.iso")
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got := runGuest(t, []string{p}, `mount -t iso9660 -o ro /dev/sr0 /mnt/cdrom && cat /mnt/cdrom/a/b/c/d/e/f/g/h/i/j/deep.txt && cat /mnt/cdrom/link | head -c 8`)
	if !strings.Contains(got, "deep\n") || !strings.Contains(got, "top top ") {
		t.Errorf("guest did not read the relocated tree:\n%s", tail(got))
	}
}

// TestRelocateXorriso relocates a second session xorriso wrote for block
// 11400 (mkisofs -C) and reads it back on its own.
func TestRelocateXorriso(t *testing.T) {
	needTool(t, "xorriso")
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	makeTree(t, src)
	sess := filepath.Join(dir, "s.iso")
	runTool(t, "xorriso", "-as", "mkisofs", "-R", "-J", "-C", "0,11400", "-o", sess, src)
	b, err := os.ReadFile(sess)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := iso9660.Relocate(&out, bytes.NewReader(b), int64(len(b)), 11400); err != nil {
		t.Fatal(err)
	}
	orig, err := iso9660.Open(bytes.NewReader(b), int64(len(b)), &iso9660.ReadOptions{Displacement: 11400})
	if err != nil {
		t.Fatal(err)
	}
	moved, err := iso9660.Open(bytes.NewReader(out.Bytes()), int64(out.Len()), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = fs.WalkDir(orig, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		a, err1 := fs.ReadFile(orig, p)
		c, err2 := fs.ReadFile(moved, p)
		if err1 != nil || err2 != nil || !bytes.Equal(a, c) {
			t.Errorf("%s: %v, %v, equal %v", p, err1, err2, bytes.Equal(a, c))
		}
		n++
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walk: %v, %d files", err, n)
	}
	p := filepath.Join(dir, "moved.iso")
	os.WriteFile(p, out.Bytes(), 0o644)
	if got := runTool(t, "xorriso", "-indev", p, "-find", "/", "-type", "f"); !strings.Contains(got, "'/") {
		t.Errorf("xorriso lists nothing in the relocated image:\n%s", tail(got))
	}
}

// FuzzRelocate: hostile images give errors, never a panic or a hang.
func FuzzRelocate(f *testing.F) {
	for _, s := range rdFuzzSeeds(f) {
		f.Add(s, uint16(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, disp uint16) {
		data = append(make([]byte, 16*iso9660.BlockSize, 16*iso9660.BlockSize+len(data)), data...)
		rdWithin(t, 20*time.Second, func() {
			_ = iso9660.Relocate(io.Discard, bytes.NewReader(data), int64(len(data)), uint32(disp))
		})
	})
}

func TestDetectDisplacement(t *testing.T) {
	for _, start := range []uint32{0, 32, 11400} {
		w, err := iso9660.NewWriter(relocTree(t), &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, SessionStart: start})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := w.WriteTo(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		got, err := iso9660.DetectDisplacement(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil || got != start {
			t.Errorf("session written for block %d: detected %d, %v", start, got, err)
		}
	}
	if _, err := iso9660.DetectDisplacement(bytes.NewReader(make([]byte, 40000)), 40000); !errors.Is(err, iso9660.ErrFormat) {
		t.Errorf("zeros: %v", err)
	}
}
