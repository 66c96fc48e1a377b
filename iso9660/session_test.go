package iso9660_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"spindle/iso9660"
)

// memFile is an image file in memory that can be written at any offset.
type memFile struct{ b []byte }

func (m *memFile) WriteAt(p []byte, off int64) (int, error) {
	if end := off + int64(len(p)); end > int64(len(m.b)) {
		m.b = append(m.b, make([]byte, end-int64(len(m.b)))...)
	}
	return copy(m.b[off:], p), nil
}

func (m *memFile) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(m.b)) {
		return 0, io.EOF
	}
	n := copy(p, m.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func addText(t *testing.T, tree *iso9660.Tree, p, text string) {
	t.Helper()
	err := tree.AddFile(p, iso9660.FileSpec{Mode: 0o644, Size: int64(len(text)), ModTime: time.Unix(1e9, 0),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }})
	if err != nil {
		t.Fatal(err)
	}
}

// growSession appends a session holding the previous tree plus files to
// img, as spindle grow does, and returns the session's start.
func growSession(t *testing.T, img *memFile, files map[string]string) uint32 {
	t.Helper()
	tree := iso9660.NewTree()
	opt := &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, Growable: true, NoPad: true, Now: time.Unix(1e9, 0)}
	if len(img.b) > 0 {
		prev, err := iso9660.Open(img, int64(len(img.b)), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.AddPrevious(prev); err != nil {
			t.Fatal(err)
		}
		opt.SessionStart = iso9660.NextSessionStart(prev.Volume().VolumeSpaceSize)
	}
	for p, text := range files {
		addText(t, tree, p, text)
	}
	w, err := iso9660.NewWriter(tree, opt)
	if err != nil {
		t.Fatal(err)
	}
	start := opt.SessionStart
	if start == 0 {
		start = 32
	}
	if _, err := w.WriteTo(context.Background(), io.NewOffsetWriter(img, int64(start)*iso9660.BlockSize)); err != nil {
		t.Fatal(err)
	}
	img.WriteAt(w.Superblock(), 16*iso9660.BlockSize)
	return start
}

func TestGrowSessions(t *testing.T) {
	img := &memFile{}
	s1 := growSession(t, img, map[string]string{"/a.txt": "first a\n", "/dir/keep.txt": "kept\n", "/dir/sub/deep.txt": "deep\n"})
	after1 := bytes.Clone(img.b)
	s2 := growSession(t, img, map[string]string{"/a.txt": "second a, longer\n", "/dir/new.txt": "new\n"})
	after2 := bytes.Clone(img.b)
	s3 := growSession(t, img, map[string]string{"/dir": "a file where a directory was\n"})
	if s1 != 32 || s2 <= s1 || s3 <= s2 || s2%32 != 0 || s3%32 != 0 {
		t.Fatalf("sessions start at %d, %d, %d: want 32 and later multiples of 32", s1, s2, s3)
	}
	// Earlier sessions are never rewritten, except the copy at block 16.
	if !bytes.Equal(after1[32*iso9660.BlockSize:], img.b[32*iso9660.BlockSize:len(after1)]) {
		t.Error("session 1 changed when sessions were appended")
	}
	if !bytes.Equal(after2[32*iso9660.BlockSize:], img.b[32*iso9660.BlockSize:len(after2)]) {
		t.Error("session 2 changed when session 3 was appended")
	}

	ss, err := iso9660.Sessions(img, int64(len(img.b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 3 || ss[0].Start != s1 || ss[1].Start != s2 || ss[2].Start != s3 {
		t.Fatalf("Sessions = %+v, want starts %d, %d, %d", ss, s1, s2, s3)
	}

	check := func(im *iso9660.Image, want map[string]string) {
		t.Helper()
		for p, text := range want {
			got, err := fs.ReadFile(im, p)
			if err != nil || string(got) != text {
				t.Errorf("%s: %q, %v; want %q", p, got, err, text)
			}
		}
	}
	// The newest tree (through block 16) merges all three.
	im, err := iso9660.Open(img, int64(len(img.b)), nil)
	if err != nil {
		t.Fatal(err)
	}
	check(im, map[string]string{"a.txt": "second a, longer\n", "dir": "a file where a directory was\n"})
	if err := fstest.TestFS(im, "a.txt", "dir"); err != nil {
		t.Error(err)
	}
	// Each session stays readable on its own, with its own tree.
	old, err := iso9660.Open(img, int64(len(img.b)), &iso9660.ReadOptions{SessionStart: int64(s2)})
	if err != nil {
		t.Fatal(err)
	}
	check(old, map[string]string{"a.txt": "second a, longer\n", "dir/keep.txt": "kept\n", "dir/new.txt": "new\n", "dir/sub/deep.txt": "deep\n"})
	if err := fstest.TestFS(old, "a.txt", "dir/keep.txt", "dir/new.txt", "dir/sub/deep.txt"); err != nil {
		t.Error(err)
	}
	// The file carried over is the same extent, not a copy.
	fi1, _ := old.Lstat("dir/keep.txt")
	first, err := iso9660.Open(img, int64(len(img.b)), &iso9660.ReadOptions{SessionStart: int64(s1)})
	if err != nil {
		t.Fatal(err)
	}
	fi0, _ := first.Lstat("dir/keep.txt")
	if a, b := fi0.Sys().(*iso9660.FileInfo).Extents, fi1.Sys().(*iso9660.FileInfo).Extents; len(a) != 1 || len(b) != 1 || a[0] != b[0] {
		t.Errorf("carried-over file's extents %v, first session's %v", b, a)
	}
}

func TestNextSessionStart(t *testing.T) {
	for _, c := range []struct{ in, want uint32 }{{0, 32}, {1, 32}, {32, 32}, {33, 64}, {56, 64}, {89, 96}, {0xFFFFFFF0, 0xFFFFFFE0}} {
		if got := iso9660.NextSessionStart(c.in); got != c.want {
			t.Errorf("NextSessionStart(%d) = %d, want %d", c.in, got, c.want)
		}
	}
}

// TestGrowZisofs carries a zisofs-compressed file xorriso wrote over into a
// new session: its ZF entry comes along (a version 2 ZF or a Z2 entry for
// zisofs2, as the file had), so it still reads decompressed, here and in
// xorriso.
func TestGrowZisofs(t *testing.T) {
	needTool(t, "xorriso")
	for _, tc := range []struct{ name, zisofs, sig string }{
		{"zisofs", "", "ZF"},
		{"zisofs2 Z2", "version_2=on:susp_z2=on", "Z2"},
		{"zisofs2 ZF", "version_2=on:susp_z2=off", "ZF"},
	} {
		t.Run(tc.name, func(t *testing.T) { testGrowZisofs(t, tc.zisofs, tc.sig) })
	}
}

func testGrowZisofs(t *testing.T, zisofs, sig string) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	text := strings.Repeat("compressible line of text\n", 4000)
	os.WriteFile(filepath.Join(src, "z.txt"), []byte(text), 0o644)
	x := filepath.Join(dir, "x.iso")
	args := []string{"-outdev", x, "-map", src, "/"}
	if zisofs != "" {
		args = append(args, "-zisofs", zisofs)
	}
	args = append(args, "-set_filter_r", "--zisofs", "/", "--", "-commit")
	if out, err := exec.Command("xorriso", args...).CombinedOutput(); err != nil {
		t.Fatalf("xorriso: %v\n%s", err, out)
	}
	b, err := os.ReadFile(x)
	if err != nil {
		t.Fatal(err)
	}
	img := &memFile{b: b}
	before, _ := iso9660.Open(img, int64(len(img.b)), nil)
	fi, err := before.Lstat("z.txt")
	if err != nil || fi.Sys().(*iso9660.FileInfo).Zisofs == nil {
		t.Fatalf("xorriso did not compress z.txt (%v)", err)
	}
	z0 := *fi.Sys().(*iso9660.FileInfo).Zisofs
	start := growSession(t, img, map[string]string{"/new.txt": "new\n"})
	im, err := iso9660.Open(img, int64(len(img.b)), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := fs.ReadFile(im, "z.txt")
	if err != nil || string(got) != text {
		t.Fatalf("z.txt after growing: %d bytes, %v", len(got), err)
	}
	fi, err = im.Lstat("z.txt")
	if err != nil {
		t.Fatal(err)
	}
	if z := fi.Sys().(*iso9660.FileInfo).Zisofs; z == nil || *z != z0 {
		t.Errorf("zisofs after growing %+v, before %+v", z, z0)
	}
	// The new session's record carries the same signature.
	if n := bytes.Count(img.b[int(start)*iso9660.BlockSize:], []byte(sig+"\x10")); n == 0 {
		t.Errorf("no %s entry in the new session", sig)
	}
	// xorriso agrees.
	os.WriteFile(x, img.b, 0o644)
	out := filepath.Join(dir, "out")
	cmd := exec.Command("xorriso", "-osirrox", "on", "-indev", x, "-extract", "/", out)
	if o, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xorriso -extract: %v\n%s", err, o)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "z.txt")); string(got) != text {
		t.Errorf("xorriso extracts %d bytes of z.txt, want %d", len(got), len(text))
	}
	if got, _ := os.ReadFile(filepath.Join(out, "new.txt")); string(got) != "new\n" {
		t.Errorf("xorriso extracts new.txt as %q", got)
	}
}

// TestKernelGrown mounts a grown image in a Linux guest: the kernel reads
// the descriptors at block 16 and must see the newest, merged tree.
func TestKernelGrown(t *testing.T) {
	t.Parallel()
	needTool(t, "qemu-system-x86_64")
	img := &memFile{}
	growSession(t, img, map[string]string{"/a.txt": "first a\n", "/dir/keep.txt": "kept\n"})
	growSession(t, img, map[string]string{"/a.txt": "second a\n", "/dir/new.txt": "new\n"})
	p := filepath.Join(t.TempDir(), "grown.iso")
	if err := os.WriteFile(p, img.b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := runGuest(t, []string{p}, `mount -t iso9660 -o ro /dev/sr0 /mnt/cdrom && cd /mnt/cdrom && for f in a.txt dir/keep.txt dir/new.txt; do printf '%s=' $f; cat $f; done`)
	for _, want := range []string{"a.txt=second a\n", "dir/keep.txt=kept\n", "dir/new.txt=new\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("guest output lacks %q:\n%s", want, tail(out))
		}
	}
}
