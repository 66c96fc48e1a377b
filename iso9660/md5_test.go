package iso9660_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"spindle/internal/fileout"
	"spindle/iso9660"
	"spindle/isomd5"
)

// masterMD5 writes src with MD5 checksums to out and patches in the
// isomd5sum checksum, as the CLI does.
func masterMD5(t testing.TB, src, out string, opt *iso9660.Options) *iso9660.Writer {
	t.Helper()
	tree := iso9660.NewTree()
	if err := tree.AddHost("", src, nil); err != nil {
		t.Fatal(err)
	}
	w, err := iso9660.NewWriter(tree, opt)
	if err != nil {
		t.Fatal(err)
	}
	err = fileout.Write(out, 0o644, func(wr io.Writer) error {
		if _, err := w.WriteTo(context.Background(), wr); err != nil {
			return err
		}
		field, off, err := w.ImplantAppUse()
		if err != nil || field == nil {
			return err
		}
		_, err = wr.(io.WriterAt).WriteAt(field, off)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() != w.Size() {
		t.Fatalf("image: %v, %d bytes laid out", err, w.Size())
	}
	return w
}

// checksumTree is the interop tree plus a file of several MiB (copied by the
// writing goroutine rather than read ahead).
func checksumTree(t testing.TB) string {
	src := filepath.Join(t.TempDir(), "src")
	makeTree(t, src)
	big := make([]byte, 5<<20+123)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	if err := os.WriteFile(filepath.Join(src, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	return src
}

// checkMD5 verifies both kinds of checksums with the isomd5 package.
func checkMD5(t testing.TB, img string, session uint32, implanted bool) *isomd5.LibisofsResult {
	t.Helper()
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	res, err := isomd5.CheckLibisofs(context.Background(), f, fi.Size(), session)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK {
		t.Errorf("CheckLibisofs: not OK: %+v", res)
	}
	for _, s := range res.Sessions {
		if !s.OK || len(s.Tags) != 3 {
			t.Errorf("session at %d: %d tags, %s", s.Start, len(s.Tags), s.Problem)
		}
	}
	ir, err := isomd5.CheckImplanted(context.Background(), f, fi.Size(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ir.Found != implanted || implanted && !ir.Pass {
		t.Errorf("CheckImplanted: found %v (want %v), pass %v: %s", ir.Found, implanted, ir.Pass, ir.Problem)
	}
	return res
}

func toolStatus(t testing.TB, name string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, needTool(t, name), args...)
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	}
	t.Fatalf("%s: %v", name, err)
	return "", 0
}

// xorrisoCheck runs xorriso's file check (-check_md5_r) and its tag check
// (-check_media) and fails unless both report every checksum matching.
func xorrisoCheck(t testing.TB, img string) {
	t.Helper()
	out, rc := toolStatus(t, "xorriso", "-md5", "on", "-indev", img, "-check_md5_r", "sorry", "/", "--")
	if rc != 0 || !strings.Contains(out, "File contents and their MD5 checksums match.") ||
		strings.Contains(out, "have no MD5") || strings.Contains(out, "MISMATCH") {
		t.Errorf("xorriso -check_md5_r: exit %d\n%s", rc, tail(out))
	}
	out, rc = toolStatus(t, "xorriso", "-md5", "on", "-indev", img, "-check_media", "--")
	if rc != 0 || !strings.Contains(out, "Found matching MD5 session tag") || !strings.Contains(out, "+ md5_match") ||
		strings.Contains(out, "mismatch") {
		t.Errorf("xorriso -check_media: exit %d\n%s", rc, tail(out))
	}
}

func TestMD5Interop(t *testing.T) {
	src := checksumTree(t)
	img := filepath.Join(t.TempDir(), "md5.iso")
	opt := &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, MD5: true, Names: iso9660.ISONameOptions{Level: 3}}
	w := masterMD5(t, src, img, opt)

	res := checkMD5(t, img, 32, true)
	if res.Area == nil || res.Area.Start != 32 || len(res.Files) == 0 || res.Unindexed != 0 {
		t.Fatalf("checksum area %+v, %d files, %d without an index", res.Area, len(res.Files), res.Unindexed)
	}
	var bigIndex uint32
	for _, f := range res.Files {
		if f.Path == "/big.bin" {
			bigIndex = f.Index
		}
	}
	if bigIndex == 0 {
		t.Fatal("big.bin has no checksum index")
	}
	if out, rc := toolStatus(t, "checkisomd5", img); rc != 0 {
		t.Errorf("checkisomd5: exit %d\n%s", rc, tail(out))
	}
	xorrisoCheck(t, img)

	// One changed byte of big.bin: both checkers notice, and xorriso
	// names the file.
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	im, err := iso9660.Open(f, w.Size(), nil)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := im.Stat("big.bin")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	lba := fi.Sys().(*iso9660.FileInfo).Extents[0].LBA
	flipImageByte(t, img, int64(lba)*iso9660.BlockSize+1<<20)
	if out, rc := toolStatus(t, "checkisomd5", img); rc == 0 {
		t.Errorf("checkisomd5 passes a damaged image\n%s", tail(out))
	}
	out, rc := toolStatus(t, "xorriso", "-md5", "on", "-indev", img, "-check_md5_r", "sorry", "/", "--")
	if rc == 0 || !strings.Contains(out, "MD5 MISMATCH: '/big.bin'") {
		t.Errorf("xorriso -check_md5_r on a damaged file: exit %d\n%s", rc, tail(out))
	}
}

func flipImageByte(t testing.TB, path string, off int64) {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	b := make([]byte, 1)
	if _, err := fh.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xff
	if _, err := fh.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

// TestMD5Library checks the checksums for the option combinations that
// change the layout.
func TestMD5Library(t *testing.T) {
	src := checksumTree(t)
	for _, tc := range []struct {
		name string
		opt  iso9660.Options
	}{
		{"rr", iso9660.Options{RockRidge: iso9660.RockRidgeRationalize}},
		{"rr-joliet-nopad", iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, NoPad: true}},
		{"rrip110-transtbl", iso9660.Options{RockRidge: iso9660.RockRidgeKeep, RRVersion: iso9660.RRIP110, TransTable: true}},
		{"boot", iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Boot: []iso9660.BootEntry{{Image: "sizes/block", InfoTable: true}}, BootCatalog: "boot.cat"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := filepath.Join(t.TempDir(), "x.iso")
			opt := tc.opt
			opt.MD5 = true
			opt.Names.Level = 3
			masterMD5(t, src, img, &opt)
			res := checkMD5(t, img, 32, true)
			if res.Area == nil || res.Unindexed != 0 {
				t.Errorf("checksum area %+v, %d files without an index", res.Area, res.Unindexed)
			}
			xorrisoCheck(t, img)
		})
	}
}

// TestMD5Reproducible: with a fixed time the image is byte-identical
// between runs, and the size promised before writing is the size written.
func TestMD5Reproducible(t *testing.T) {
	src := checksumTree(t)
	var images [2][]byte
	for i := range images {
		img := filepath.Join(t.TempDir(), "r.iso")
		w := masterMD5(t, src, img, &iso9660.Options{RockRidge: iso9660.RockRidgeRationalize, Joliet: true, MD5: true,
			Now: time.Unix(1e9, 0), ClampTimes: true})
		b, err := os.ReadFile(img)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(b)) != w.Size() || int64(w.Blocks())*iso9660.BlockSize != w.Size() {
			t.Fatalf("%d bytes written, Size %d, Blocks %d", len(b), w.Size(), w.Blocks())
		}
		images[i] = b
	}
	if !bytes.Equal(images[0], images[1]) {
		t.Error("two runs with the same time differ")
	}
}

// TestMD5NoRockRidge: without Rock Ridge there is no place for the
// attributes; the tags and the isomd5sum checksum are still recorded,
// with a warning.
func TestMD5NoRockRidge(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "A.TXT"), []byte("plain\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tree := iso9660.NewTree()
	var warnings []string
	tree.Warn = func(err error) { warnings = append(warnings, err.Error()) }
	if err := tree.AddHost("", src, nil); err != nil {
		t.Fatal(err)
	}
	w, err := iso9660.NewWriter(tree, &iso9660.Options{MD5: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "Rock Ridge") {
		t.Errorf("warnings %q, want one about Rock Ridge", warnings)
	}
	img := filepath.Join(t.TempDir(), "plain.iso")
	masterMD5(t, src, img, &iso9660.Options{MD5: true})
	res := checkMD5(t, img, 32, true)
	if res.Area != nil || len(res.Files) != 0 {
		t.Errorf("checksum area %+v and %d file checksums without Rock Ridge", res.Area, len(res.Files))
	}
	if w.Blocks() == 0 {
		t.Fatal("no layout")
	}
	if out, rc := toolStatus(t, "checkisomd5", img); rc != 0 {
		t.Errorf("checkisomd5: exit %d\n%s", rc, tail(out))
	}
}

// TestMD5Layout: MD5 adds the 32-block head, three tags and the array;
// without it nothing changes (other tests compare those images' bytes).
func TestMD5Layout(t *testing.T) {
	build := func(md5, growable bool) *iso9660.Writer {
		tree := iso9660.NewTree()
		for i, name := range []string{"a", "b", "c"} {
			data := bytes.Repeat([]byte{byte(i)}, 3000)
			if err := tree.AddFile(name, iso9660.FileSpec{Mode: 0o644, Size: int64(len(data)),
				Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}); err != nil {
				t.Fatal(err)
			}
		}
		w, err := iso9660.NewWriter(tree, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, MD5: md5, Growable: growable, Now: time.Unix(0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	plain, growable, sums := build(false, false), build(false, true), build(true, false)
	// The growable session is the plain one moved to block 32; MD5 adds
	// to it three tags and one array block (3 files + 2 entries).
	if growable.Blocks() != plain.Blocks() || sums.Blocks() != plain.Blocks()+32+3+1 {
		t.Errorf("blocks: plain %d, growable session %d, MD5 image %d", plain.Blocks(), growable.Blocks(), sums.Blocks())
	}
	var b bytes.Buffer
	if _, err := sums.WriteTo(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	// Without a file to patch, the Application Use field keeps its
	// spaces; ImplantAppUse has the text for it.
	field, off, err := sums.ImplantAppUse()
	if err != nil || off != 16*iso9660.BlockSize+883 || len(field) != 512 {
		t.Fatalf("ImplantAppUse: %d bytes at %d, %v", len(field), off, err)
	}
	if got := b.Bytes()[off : off+512]; !bytes.Equal(got, bytes.Repeat([]byte{' '}, 512)) {
		t.Errorf("Application Use field before patching: %q", got)
	}
	if !bytes.HasPrefix(field, []byte("ISO MD5SUM = ")) {
		t.Errorf("Application Use field %q", field[:40])
	}
}

// TestMD5LaterSession: a session at a given block (mkisofs -C) has tags
// whose ranges start there, and no isomd5sum checksum.
func TestMD5LaterSession(t *testing.T) {
	const start = 64
	tree := iso9660.NewTree()
	data := []byte("second session\n")
	if err := tree.AddFile("s2.txt", iso9660.FileSpec{Mode: 0o644, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}); err != nil {
		t.Fatal(err)
	}
	w, err := iso9660.NewWriter(tree, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, MD5: true, SessionStart: start})
	if err != nil {
		t.Fatal(err)
	}
	disc := bytes.NewBuffer(make([]byte, start*iso9660.BlockSize))
	if _, err := w.WriteTo(context.Background(), disc); err != nil {
		t.Fatal(err)
	}
	if field, _, err := w.ImplantAppUse(); field != nil || err != nil {
		t.Errorf("ImplantAppUse for a later session: %d bytes, %v", len(field), err)
	}
	img := filepath.Join(t.TempDir(), "disc.iso")
	if err := os.WriteFile(img, disc.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	res := checkMD5(t, img, start, false)
	if res.Area == nil || res.Area.Start != start || len(res.Files) != 1 {
		t.Errorf("checksum area %+v, %d files", res.Area, len(res.Files))
	}
}
