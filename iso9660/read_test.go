package iso9660_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"spindle/iso9660"
)

// rdMaster builds an image of host directory src with our writer, in
// memory.
func rdMaster(t testing.TB, src string, opt *iso9660.Options) []byte {
	t.Helper()
	tree := iso9660.NewTree()
	if err := tree.AddHost("", src, nil); err != nil {
		t.Fatal(err)
	}
	return rdWrite(t, tree, opt)
}

func rdWrite(t testing.TB, tree *iso9660.Tree, opt *iso9660.Options) []byte {
	t.Helper()
	w, err := iso9660.NewWriter(tree, opt)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func rdOpen(t testing.TB, img []byte, opt *iso9660.ReadOptions) *iso9660.Image {
	t.Helper()
	im, err := iso9660.Open(bytes.NewReader(img), int64(len(img)), opt)
	if err != nil {
		t.Fatal(err)
	}
	return im
}

// rdInfo returns the reader's FileInfo of a file.
func rdInfo(t testing.TB, fsys *iso9660.Image, name string) *iso9660.FileInfo {
	t.Helper()
	fi, err := fsys.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*iso9660.FileInfo)
}

// rdScan walks an image into path -> entry, as scan does for a host tree.
func rdScan(t testing.TB, fsys *iso9660.Image) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		fi, err := fsys.Lstat(p)
		if err != nil {
			return err
		}
		x := fi.Sys().(*iso9660.FileInfo)
		e := entry{Perm: fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky),
			UID: x.UID, GID: x.GID, MTime: fi.ModTime().Unix(), Ino: x.Ino}
		switch {
		case fi.IsDir():
			e.Type = "dir"
		case fi.Mode()&fs.ModeSymlink != 0:
			e.Type = "link"
			if e.Target, err = fsys.ReadLink(p); err != nil {
				return err
			}
			e.MTime, e.Perm = 0, 0
		case fi.Mode().IsRegular():
			e.Type = "file"
			e.Size = fi.Size()
			b, err := fsys.ReadFile(p)
			if err != nil {
				return err
			}
			if int64(len(b)) != e.Size {
				t.Errorf("%s: read %d bytes, Stat says %d", p, len(b), e.Size)
			}
			e.Sum = crc32.Checksum(b, castagnoli)
		default:
			e.Type = "special"
		}
		out["/"+p] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rdContents is the multiset of regular files' sizes and checksums, for
// views whose names differ from the source's.
func rdContents(m map[string]entry) map[[2]int64]int {
	c := map[[2]int64]int{}
	for _, e := range m {
		if e.Type == "file" && e.Size > 0 { // links become empty files
			c[[2]int64{e.Size, int64(e.Sum)}]++
		}
	}
	return c
}

// rdTroublesome are the files of makeTree that fstest.TestFS cannot
// accept: a backslash in a name (TestFS rejects it for Windows' sake) and
// symbolic links that do not resolve inside the image (TestFS opens every
// entry, and Open follows links).
var rdTroublesome = []string{"names/back\\slash", "links/abs", "links/dangling", "links/long350", "links/long1000", "links/loopA", "links/loopB"}

// TestReadOwnImages reads images of makeTree's hostile tree made by our
// writer, in every name view: fstest.TestFS on each, and in the Rock Ridge
// view the names, types, modes, owners, times, link targets, contents and
// hard links must be the source's.
func TestReadOwnImages(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	makeTree(t, src)
	want := scan(t, src)
	full := map[iso9660.RRVersion][]byte{}
	for _, v := range []iso9660.RRVersion{iso9660.RRIP112, iso9660.RRIP110} {
		full[v] = rdMaster(t, src, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, RRVersion: v, Joliet: true, JolietLong: true})
	}
	for _, p := range rdTroublesome {
		if err := os.Remove(filepath.Join(src, p)); err != nil {
			t.Fatal(err)
		}
	}
	reduced := rdMaster(t, src, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, JolietLong: true})
	wantReduced := scan(t, src)

	for v, img := range full {
		t.Run("compare/"+v.String(), func(t *testing.T) {
			im := rdOpen(t, img, nil)
			vol := im.Volume()
			if vol.Names != iso9660.NamesRockRidge || !vol.RockRidge || vol.RockRidgeVersion != v || vol.Joliet != 3 {
				t.Errorf("Volume() = names %v, Rock Ridge %v %v, Joliet %d; want rockridge, true, %v, 3", vol.Names, vol.RockRidge, vol.RockRidgeVersion, vol.Joliet, v)
			}
			compareTrees(t, "reader", want, rdScan(t, im), compareOpts{dirTimes: true, owners: true, relocDir: true})
			// Hard links: one serial (RRIP 1.12) and the link count.
			a, b, c := rdInfo(t, im, "hard/a"), rdInfo(t, im, "hard/b"), rdInfo(t, im, "hard/sub/c")
			if a.Nlink != 3 || b.Nlink != 3 || a.Ino != c.Ino || a.Serial != b.Serial || a.Serial != c.Serial {
				t.Errorf("hard links: nlink %d %d, ino %x %x, serial %d %d %d", a.Nlink, b.Nlink, a.Ino, c.Ino, a.Serial, b.Serial, c.Serial)
			}
			if (v == iso9660.RRIP112) != (a.Serial != 0) {
				t.Errorf("%v: serial %d", v, a.Serial)
			}
			// The deep directories are relocated (RRIP §4.1.5) and shown
			// in place; the relocation directory stays visible, empty.
			deep := rdInfo(t, im, "deep/level01/level02/level03/level04/level05/level06/level07")
			if !deep.Relocated {
				t.Errorf("level07 is not marked relocated: %+v", deep)
			}
			if ents, err := im.ReadDir(".rr_moved"); err != nil || len(ents) != 0 {
				t.Errorf("ReadDir(.rr_moved) = %v, %v; want it empty", ents, err)
			}
		})
	}

	views := []struct {
		view   iso9660.NameView
		expect []string
	}{
		{iso9660.NamesAuto, []string{"README", "names/Grüße aus Köln.txt", "links/rel", "deep/level01/level02/level03/level04/level05/level06/level07/level08/level09/level10/level11/level12/bottom.txt"}},
		{iso9660.NamesRockRidge, []string{"README", "names/emoji 😀 outside the BMP.txt", "hard/sub/c"}},
		{iso9660.NamesJoliet, []string{"README", "names/Grüße aus Köln.txt", "hard/sub/c"}},
		{iso9660.NamesPlain, []string{"README", "HARD/SUB/C"}},
	}
	for _, v := range views {
		t.Run("fstest/"+v.view.String(), func(t *testing.T) {
			im := rdOpen(t, reduced, &iso9660.ReadOptions{Names: v.view})
			if err := fstest.TestFS(im, v.expect...); err != nil {
				t.Fatal(err)
			}
			got := rdScan(t, im)
			if v.view == iso9660.NamesRockRidge || v.view == iso9660.NamesAuto {
				compareTrees(t, "reader", wantReduced, got, compareOpts{dirTimes: true, owners: true, relocDir: true})
				return
			}
			// Other views have other names (and no attributes): the same
			// contents must be there.
			w, g := rdContents(wantReduced), rdContents(got)
			for k, n := range w {
				if g[k] != n {
					t.Errorf("%d file(s) of %d bytes with CRC %08x in the source, %d in the image", n, k[0], k[1], g[k])
				}
			}
		})
	}
}

// TestReadOwnImagesPlainAndJoliet checks which view NamesAuto picks, and
// that asking for a missing name space fails with ErrNoExtension.
func TestReadOwnImagesViews(t *testing.T) {
	tree := iso9660.NewTree()
	when := time.Date(2020, 2, 29, 12, 0, 0, 0, time.UTC)
	for _, p := range []string{"Dir/Sub/file.txt", "ReadMe"} {
		if err := tree.AddFile(p, iso9660.FileSpec{Mode: 0o644, Size: int64(len(p)), ModTime: when, Open: reader(p)}); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		opt  iso9660.Options
		auto iso9660.NameView
		name string // how "Dir/Sub/file.txt" shows in the auto view
		bad  []iso9660.NameView
	}{
		{iso9660.Options{}, iso9660.NamesPlain, "DIR/SUB/FILE.TXT", []iso9660.NameView{iso9660.NamesRockRidge, iso9660.NamesJoliet}},
		{iso9660.Options{Joliet: true}, iso9660.NamesJoliet, "Dir/Sub/file.txt", []iso9660.NameView{iso9660.NamesRockRidge}},
		{iso9660.Options{RockRidge: iso9660.RockRidgeRationalize}, iso9660.NamesRockRidge, "Dir/Sub/file.txt", []iso9660.NameView{iso9660.NamesJoliet}},
	}
	for _, tc := range cases {
		tc.opt.Now = when
		img := rdWrite(t, tree, &tc.opt)
		im := rdOpen(t, img, nil)
		if got := im.Volume().Names; got != tc.auto {
			t.Errorf("%+v: auto view %v, want %v", tc.opt, got, tc.auto)
		}
		if b, err := im.ReadFile(tc.name); err != nil || string(b) != "Dir/Sub/file.txt" {
			t.Errorf("%+v: ReadFile(%q) = %q, %v", tc.opt, tc.name, b, err)
		}
		fi, err := im.Stat(tc.name)
		if err != nil || !fi.ModTime().Equal(when) {
			t.Errorf("%+v: Stat(%q) = %v, %v; want time %v", tc.opt, tc.name, fi, err, when)
		}
		for _, v := range tc.bad {
			_, err := iso9660.Open(bytes.NewReader(img), int64(len(img)), &iso9660.ReadOptions{Names: v})
			if !errors.Is(err, iso9660.ErrNoExtension) {
				t.Errorf("%+v: Open(Names: %v) = %v, want ErrNoExtension", tc.opt, v, err)
			}
		}
	}
}

// TestReadFileInterfaces checks the fs.File of a regular file: ReadAt and
// Seek (needed by extraction), and reads after Close.
func TestReadFileInterfaces(t *testing.T) {
	data := make([]byte, 3*iso9660.BlockSize+100)
	for i := range data {
		data[i] = byte(i * 7)
	}
	tree := iso9660.NewTree()
	if err := tree.AddFile("f", iso9660.FileSpec{Mode: 0o644, Size: int64(len(data)), Open: reader(string(data))}); err != nil {
		t.Fatal(err)
	}
	im := rdOpen(t, rdWrite(t, tree, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep}), nil)
	f, err := im.Open("f")
	if err != nil {
		t.Fatal(err)
	}
	ra, ok := f.(interface {
		io.ReaderAt
		io.Seeker
	})
	if !ok {
		t.Fatalf("%T implements neither io.ReaderAt nor io.Seeker", f)
	}
	buf := make([]byte, 300)
	if n, err := ra.ReadAt(buf, 2000); n != 300 || err != nil || !bytes.Equal(buf, data[2000:2300]) {
		t.Errorf("ReadAt(300 at 2000) = %d, %v", n, err)
	}
	if n, err := ra.ReadAt(buf, int64(len(data))-100); n != 100 || err != io.EOF || !bytes.Equal(buf[:100], data[len(data)-100:]) {
		t.Errorf("ReadAt at the end = %d, %v; want 100, EOF", n, err)
	}
	if pos, err := ra.Seek(-10, io.SeekEnd); pos != int64(len(data))-10 || err != nil {
		t.Errorf("Seek = %d, %v", pos, err)
	}
	if rest, err := io.ReadAll(f); err != nil || !bytes.Equal(rest, data[len(data)-10:]) {
		t.Errorf("read after Seek = %d bytes, %v", len(rest), err)
	}
	f.Close()
	if _, err := f.Read(buf); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Read after Close = %v, want ErrClosed", err)
	}
	if _, err := im.ReadDir("f"); err == nil {
		t.Error("ReadDir of a file succeeded")
	}
	if _, err := im.Open("f/x"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(f/x) = %v, want ErrNotExist", err)
	}
	if _, err := im.Open("/f"); err == nil {
		t.Error("Open(/f) succeeded")
	}
}

// TestReadSymlinkResolution checks that Open, Stat and ReadDir follow
// symbolic links (absolute ones from the volume's root, ".." stopping at
// the root) and Lstat and ReadLink do not, and that link loops end.
func TestReadSymlinkResolution(t *testing.T) {
	tree := iso9660.NewTree()
	add := func(p string, spec iso9660.FileSpec) {
		t.Helper()
		if err := tree.AddFile(p, spec); err != nil {
			t.Fatal(err)
		}
	}
	add("d/f", iso9660.FileSpec{Mode: 0o644, Size: 5, Open: reader("hello")})
	add("abs", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, Target: "/d/f"})
	add("up", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, Target: "../../../d"})
	add("d/self", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, Target: "."})
	add("via", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, Target: "up/self/../d/f"})
	add("loop1", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, Target: "loop2"})
	add("loop2", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, Target: "loop1"})
	im := rdOpen(t, rdWrite(t, tree, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep}), nil)
	for _, p := range []string{"abs", "up/f", "d/self/self/f", "via"} {
		if b, err := fs.ReadFile(im, p); err != nil || string(b) != "hello" {
			t.Errorf("ReadFile(%q) = %q, %v", p, b, err)
		}
	}
	if fi, err := im.Stat("up"); err != nil || !fi.IsDir() || fi.Name() != "up" {
		t.Errorf("Stat(up) = %v, %v; want the directory, named up", fi, err)
	}
	if fi, err := im.Lstat("up"); err != nil || fi.Mode()&fs.ModeSymlink == 0 || fi.Size() != int64(len("../../../d")) {
		t.Errorf("Lstat(up) = %v, %v; want the link", fi, err)
	}
	if ents, err := im.ReadDir("up"); err != nil || len(ents) != 2 {
		t.Errorf("ReadDir(up) = %v, %v", ents, err)
	}
	if target, err := im.ReadLink("d/self"); err != nil || target != "." {
		t.Errorf("ReadLink(d/self) = %q, %v", target, err)
	}
	if _, err := im.ReadLink("d"); err == nil {
		t.Error("ReadLink of a directory succeeded")
	}
	if _, err := im.Open("loop1"); err == nil || !strings.Contains(err.Error(), "symbolic links") {
		t.Errorf("Open(loop1) = %v, want a link loop error", err)
	}
	if _, err := im.Lstat("loop1"); err != nil {
		t.Errorf("Lstat(loop1) = %v", err)
	}
}

// rdEditDir calls edit for every directory record of the primary tree of
// img (found with the reader itself), in place.
func rdEditDir(t testing.TB, img []byte, dir string, edit func(rec []byte)) {
	t.Helper()
	rdEditDirAt(t, img, dir, func(rec []byte, _ int) { edit(rec) })
}

// rdEditDirAt is rdEditDir passing each record's offset in the directory.
func rdEditDirAt(t testing.TB, img []byte, dir string, edit func(rec []byte, pos int)) {
	t.Helper()
	im := rdOpen(t, img, &iso9660.ReadOptions{Names: iso9660.NamesPlain})
	x := rdInfo(t, im, dir).Extents[0]
	b := img[int64(x.LBA)*iso9660.BlockSize:][:x.Length]
	for pos := 0; pos < len(b); {
		n := int(b[pos])
		if n == 0 {
			pos = (pos/iso9660.BlockSize + 1) * iso9660.BlockSize
			continue
		}
		edit(b[pos:pos+n], pos)
		pos += n
	}
}

// rdIdent returns a directory record's identifier.
func rdIdent(rec []byte) string { return string(rec[33 : 33+int(rec[32])]) }

func rdSetLBA(rec []byte, lba uint32) {
	for i := range 4 {
		rec[2+i] = byte(lba >> (8 * i))
		rec[9-i] = byte(lba >> (8 * i))
	}
}

// TestReadDamaged checks that damaged structures give a *FormatError
// naming the structure and offset: a directory loop, a record crossing a
// sector, a bad identifier length, a missing descriptor, a block size out
// of range, data outside the image.
func TestReadDamaged(t *testing.T) {
	tree := iso9660.NewTree()
	files := []string{"A/B/C/file", "A/other"}
	for i := range 60 {
		files = append(files, fmt.Sprintf("A/F%02d", i))
	}
	for _, p := range files {
		if err := tree.AddFile(p, iso9660.FileSpec{Mode: 0o644, Size: 3, Open: reader("abc")}); err != nil {
			t.Fatal(err)
		}
	}
	good := rdWrite(t, tree, &iso9660.Options{NoPad: true})
	im := rdOpen(t, good, nil)
	rootLBA := rdInfo(t, im, ".").Extents[0].LBA
	aLBA := rdInfo(t, im, "A").Extents[0].LBA

	cases := []struct {
		name   string
		damage func(img []byte) []byte
		open   string // path whose Open must fail; "" means iso9660.Open fails
		what   string // in the error
	}{
		{"loop to root", func(img []byte) []byte {
			rdEditDir(t, img, "A/B", func(rec []byte) {
				if rdIdent(rec) == "C" {
					rdSetLBA(rec, rootLBA)
				}
			})
			return img
		}, "A/B/C", "loop"},
		{"loop to parent", func(img []byte) []byte {
			rdEditDir(t, img, "A/B", func(rec []byte) {
				if rdIdent(rec) == "C" {
					rdSetLBA(rec, aLBA)
				}
			})
			return img
		}, "A/B/C/B", "loop"},
		{"record crosses a sector", func(img []byte) []byte {
			done := false
			rdEditDirAt(t, img, "A", func(rec []byte, pos int) {
				if pos+255 > iso9660.BlockSize && !done {
					rec[0], done = 255, true
				}
			})
			return img
		}, "A", "crosses a sector boundary"},
		{"identifier too long", func(img []byte) []byte {
			rdEditDir(t, img, "A", func(rec []byte) {
				if rdIdent(rec) == "OTHER.;1" {
					rec[32] = 200
				}
			})
			return img
		}, "A", "identifier length"},
		{"record too short", func(img []byte) []byte {
			rdEditDir(t, img, "A", func(rec []byte) {
				if rdIdent(rec) == "OTHER.;1" {
					rec[0] = 20
				}
			})
			return img
		}, "A", "below the minimum"},
		{"directory outside image", func(img []byte) []byte {
			rdEditDir(t, img, ".", func(rec []byte) {
				if rdIdent(rec) == "A" {
					rdSetLBA(rec, 1<<30)
				}
			})
			return img
		}, "A", "outside"},
		{"file outside image", func(img []byte) []byte {
			rdEditDir(t, img, "A", func(rec []byte) {
				if rdIdent(rec) == "OTHER.;1" {
					rdSetLBA(rec, 1<<30)
				}
			})
			return img
		}, "A/OTHER", "outside"},
		{"no descriptors", func(img []byte) []byte { return img[:16*iso9660.BlockSize] }, "", "ends before block 16"},
		{"not ECMA-119", func(img []byte) []byte { img[16*iso9660.BlockSize+1] = 'X'; return img }, "", "standard identifier"},
		{"no primary", func(img []byte) []byte { img[16*iso9660.BlockSize] = 255; return img }, "", "no primary volume descriptor"},
		{"block size", func(img []byte) []byte { img[16*iso9660.BlockSize+128] = 3; return img }, "", "logical block size"},
		{"root outside", func(img []byte) []byte { rdSetLBA(img[16*iso9660.BlockSize+156:], 1<<31); return img }, "", "outside"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img := tc.damage(slices.Clone(good))
			im, err := iso9660.Open(bytes.NewReader(img), int64(len(img)), &iso9660.ReadOptions{Names: iso9660.NamesPlain})
			if tc.open != "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				var f fs.File
				if f, err = im.Open(tc.open); err == nil {
					_, err = io.ReadAll(f)
				}
			}
			var fe *iso9660.FormatError
			if !errors.As(err, &fe) || !errors.Is(err, iso9660.ErrFormat) || !strings.Contains(err.Error(), tc.what) {
				t.Fatalf("err = %v; want a FormatError about %q", err, tc.what)
			}
			if !strings.Contains(err.Error(), fe.Structure) || !strings.Contains(err.Error(), " at byte ") {
				t.Errorf("%q does not name the structure and offset", err)
			}
		})
	}
}

// rdPlainIdent is the plain-view name of a record's file identifier.
func rdPlainIdent(rec []byte) string {
	return strings.TrimSuffix(strings.TrimSuffix(rdIdent(rec), ";1"), ".")
}

// TestReadDamagedDirectoryPartly checks that a directory with one damaged
// sector, or cut off by the end of a truncated image, gives the entries of
// its other sectors with the error, that those entries still open, and
// that a name lost in the damage is that error, not fs.ErrNotExist.
func TestReadDamagedDirectoryPartly(t *testing.T) {
	tree := iso9660.NewTree()
	const n = 150 // about 30 records per 2048-byte sector: 5 sectors
	for i := range n {
		if err := tree.AddFile(fmt.Sprintf("D/file%03d", i), iso9660.FileSpec{Mode: 0o644, Size: 3, Open: reader("abc")}); err != nil {
			t.Fatal(err)
		}
	}
	good := rdWrite(t, tree, &iso9660.Options{NoPad: true})
	x := rdInfo(t, rdOpen(t, good, &iso9660.ReadOptions{Names: iso9660.NamesPlain}), "D").Extents[0]
	if x.Length < 4*iso9660.BlockSize {
		t.Fatalf("directory of %d bytes, want at least 4 sectors", x.Length)
	}
	dirAt := int64(x.LBA) * iso9660.BlockSize

	check := func(t *testing.T, img []byte, lost string, data bool) {
		im := rdOpen(t, img, &iso9660.ReadOptions{Names: iso9660.NamesPlain})
		ents, err := im.ReadDir("D")
		var fe *iso9660.FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("ReadDir: %v, want a FormatError with the entries read", err)
		}
		if len(ents) == 0 || len(ents) >= n {
			t.Fatalf("ReadDir gave %d of %d entries", len(ents), n)
		}
		for _, e := range ents {
			if _, err := im.Stat("D/" + e.Name()); err != nil {
				t.Fatal(err)
			}
			if !data {
				continue
			}
			b, err := fs.ReadFile(im, "D/"+e.Name())
			if err != nil || string(b) != "abc" {
				t.Fatalf("%s: %q, %v", e.Name(), b, err)
			}
		}
		if _, err := im.Stat("D/" + lost); err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat of lost name %q: %v, want the directory's damage", lost, err)
		}
		// A second look gives the same (the list is kept with its error).
		again, err2 := im.ReadDir("D")
		if len(again) != len(ents) || err2 == nil {
			t.Errorf("second ReadDir: %d entries, %v", len(again), err2)
		}
	}
	t.Run("damaged sector", func(t *testing.T) {
		img := slices.Clone(good)
		sec := img[dirAt+2*iso9660.BlockSize:][:iso9660.BlockSize]
		lost := ""
		for pos := 0; pos < len(sec) && sec[pos] != 0; pos += int(sec[pos]) {
			if lost == "" {
				lost = rdPlainIdent(sec[pos:])
			}
		}
		sec[32] = 200 // an identifier longer than its record
		check(t, img, lost, true)
	})
	t.Run("truncated image", func(t *testing.T) {
		// The directory is followed by the file data; cut in its third
		// sector, the data is gone.
		img := slices.Clone(good[:dirAt+2*iso9660.BlockSize+100])
		sec := good[dirAt+3*iso9660.BlockSize:][:iso9660.BlockSize]
		check(t, img, rdPlainIdent(sec), false)
	})
}

// TestReadHighSierra converts an image of our writer into High Sierra
// form (descriptor fields moved, the record flags at byte 24, 6-byte
// dates) and reads it.
func TestReadHighSierra(t *testing.T) {
	tree := iso9660.NewTree()
	when := time.Date(1989, 5, 6, 7, 8, 9, 0, time.UTC)
	files := map[string]string{"README.TXT": "high sierra\n", "SUB/DATA.BIN": strings.Repeat("x", 3000)}
	for p, s := range files {
		if err := tree.AddFile(p, iso9660.FileSpec{Mode: 0o644, Size: int64(len(s)), ModTime: when, Open: reader(s)}); err != nil {
			t.Fatal(err)
		}
	}
	img := rdWrite(t, tree, &iso9660.Options{Now: when, Volume: iso9660.VolumeInfo{VolumeID: "HSGVOL"}})
	im := rdOpen(t, img, nil)
	var dirs []string
	fs.WalkDir(im, ".", func(p string, d fs.DirEntry, err error) error {
		if d != nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return err
	})
	for _, d := range dirs {
		rdEditDir(t, img, d, func(rec []byte) {
			rec[24], rec[25] = rec[25], 0 // flags; the 7th date byte goes
		})
	}
	const vd = 16 * iso9660.BlockSize
	pvd := slices.Clone(img[vd : vd+iso9660.BlockSize])
	h := img[vd : vd+iso9660.BlockSize]
	clear(h)
	h[8] = 1
	copy(h[9:], "CDROM")
	h[14] = 1
	copy(h[16:48], pvd[8:40])      // system identifier
	copy(h[48:80], pvd[40:72])     // volume identifier
	copy(h[88:96], pvd[80:88])     // volume space size
	copy(h[128:144], pvd[120:136]) // set size, sequence, block size, path table size
	copy(h[180:214], pvd[156:190]) // root directory record
	h[180+24], h[180+25] = h[180+25], 0
	term := img[vd+iso9660.BlockSize : vd+2*iso9660.BlockSize]
	clear(term)
	term[8] = 255
	copy(term[9:], "CDROM")
	term[14] = 1

	hs := rdOpen(t, img, nil)
	if v := hs.Volume(); !v.HighSierra || v.VolumeID != "HSGVOL" || v.Names != iso9660.NamesPlain {
		t.Errorf("Volume() = %+v", v)
	}
	if err := fstest.TestFS(hs, "README.TXT", "SUB/DATA.BIN"); err != nil {
		t.Fatal(err)
	}
	for p, s := range files {
		b, err := hs.ReadFile(p)
		if err != nil || string(b) != s {
			t.Errorf("ReadFile(%s) = %d bytes, %v", p, len(b), err)
		}
		if fi, err := hs.Stat(p); err != nil || !fi.ModTime().Equal(when) {
			t.Errorf("Stat(%s) = %v, %v; want time %v", p, fi, err, when)
		}
	}
}

// TestReadOptionsBad checks option validation.
func TestReadOptionsBad(t *testing.T) {
	img := rdWrite(t, iso9660.NewTree(), nil)
	for _, opt := range []iso9660.ReadOptions{{SessionStart: -1}, {SessionStart: 1 << 40}, {Names: 42}, {Displacement: 1 << 40}} {
		if _, err := iso9660.Open(bytes.NewReader(img), int64(len(img)), &opt); err == nil {
			t.Errorf("Open(%+v) succeeded", opt)
		}
	}
}

// rdModuleRoot returns the directory holding go.mod, so that ../shared
// can be found from any package.
func rdModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("go.mod not found")
		}
		dir = up
	}
}

// TestReadRecordFields checks directory record fields writers rarely set:
// the Existence (hidden) and Associated flags (ECMA-119 §9.1.6), an
// extended attribute record before the data (§9.1.2), and interleaving
// (§9.1.7, §9.1.8); and the El Torito boot record.
func TestReadRecordFields(t *testing.T) {
	blocks := make([]byte, 4*iso9660.BlockSize)
	for i := range blocks {
		blocks[i] = 'A' + byte(i/iso9660.BlockSize)
	}
	tree := iso9660.NewTree()
	for _, p := range []string{"HIDDEN", "ASSOC", "EAR", "INTERLV", "BOOT.IMG"} {
		if err := tree.AddFile(p, iso9660.FileSpec{Mode: 0o644, Size: int64(len(blocks)), Open: reader(string(blocks))}); err != nil {
			t.Fatal(err)
		}
	}
	img := rdWrite(t, tree, &iso9660.Options{Boot: []iso9660.BootEntry{{Image: "BOOT.IMG", LoadSize: 4}}, BootCatalog: "BOOT.CAT"})
	rdEditDir(t, img, ".", func(rec []byte) {
		switch strings.TrimSuffix(rdIdent(rec), ".;1") {
		case "HIDDEN":
			rec[25] |= 1
		case "ASSOC":
			rec[25] |= 4
		case "EAR":
			rec[1] = 1 // the first block is the extended attribute record
			rec[10], rec[17] = 0, 0
			rec[11], rec[16] = 8, 8 // 2048 bytes of data
		case "INTERLV":
			rec[26], rec[27] = 1, 1 // units of 1 block, gaps of 1 block
			rec[11], rec[16] = 16, 16
			rec[10], rec[17] = 0, 0 // 4096 bytes
		}
	})
	im := rdOpen(t, img, nil)
	if fi := rdInfo(t, im, "HIDDEN"); !fi.Hidden {
		t.Error("HIDDEN is not marked hidden")
	}
	if _, err := im.Stat("ASSOC"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the associated file is shown: %v", err)
	}
	for name, want := range map[string]string{
		"EAR":     strings.Repeat("B", 2048),
		"INTERLV": strings.Repeat("A", 2048) + strings.Repeat("C", 2048),
		"HIDDEN":  string(blocks),
	} {
		if b, err := im.ReadFile(name); err != nil || string(b) != want {
			t.Errorf("%s = %.10q... (%d bytes), %v; want %.10q... (%d bytes)", name, b, len(b), err, want, len(want))
		}
	}
	if x := rdInfo(t, im, "INTERLV").Extents; len(x) != 1 || x[0].UnitSize != 1 || x[0].Gap != 1 {
		t.Errorf("INTERLV extents %+v", x)
	}
	v := im.Volume()
	cat := rdInfo(t, im, "BOOT.CAT").Extents[0].LBA
	if !v.ElTorito || v.BootCatalog != cat {
		t.Errorf("El Torito %v, catalog at %d; want true, %d", v.ElTorito, v.BootCatalog, cat)
	}
}

// TestReadDevices reads device nodes and a FIFO made on the host: their
// types, modes and PN device numbers (RRIP 1.12 §4.1.2).
func TestReadDevices(t *testing.T) {
	src := t.TempDir()
	nodes := []struct {
		name         string
		mode         uint32
		major, minor uint32
		want         fs.FileMode
	}{
		{"null", syscall.S_IFCHR | 0o666, 1, 3, fs.ModeDevice | fs.ModeCharDevice | 0o666},
		{"sda1", syscall.S_IFBLK | 0o660, 8, 1, fs.ModeDevice | 0o660},
		{"big", syscall.S_IFCHR | 0o600, 300, 70000, fs.ModeDevice | fs.ModeCharDevice | 0o600},
		{"fifo", syscall.S_IFIFO | 0o640, 0, 0, fs.ModeNamedPipe | 0o640},
	}
	for _, n := range nodes {
		dev := int(n.minor&0xff | n.major<<8 | (n.minor&^0xff)<<12)
		if err := syscall.Mknod(filepath.Join(src, n.name), n.mode, dev); err != nil {
			t.Skipf("mknod: %v (needs root)", err)
		}
		if err := os.Chmod(filepath.Join(src, n.name), fs.FileMode(n.mode&0o777)); err != nil {
			t.Fatal(err)
		}
	}
	im := rdOpen(t, rdMaster(t, src, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep}), nil)
	for _, n := range nodes {
		fi, err := im.Lstat(n.name)
		if err != nil {
			t.Fatal(err)
		}
		x := fi.Sys().(*iso9660.FileInfo)
		if fi.Mode() != n.want || x.DevMajor != n.major || x.DevMinor != n.minor || fi.Size() != 0 {
			t.Errorf("%s: mode %v, device %d,%d, size %d; want %v, %d,%d, 0", n.name, fi.Mode(), x.DevMajor, x.DevMinor, fi.Size(), n.want, n.major, n.minor)
		}
		if b, err := im.ReadFile(n.name); err != nil || len(b) != 0 {
			t.Errorf("%s: ReadFile = %d bytes, %v", n.name, len(b), err)
		}
	}
	if err := fstest.TestFS(im, "null", "fifo"); err != nil {
		t.Error(err)
	}
}

// TestReadConcurrent reads one Image from several goroutines at once
// (directories are read and cached under a lock; zisofs blocks are kept
// per open file; ReadAt may be called concurrently on one file).
func TestReadConcurrent(t *testing.T) {
	img := rdFixtureData(t, "test_read_format_iso_zisofs")
	im := rdOpen(t, img, nil)
	f, err := im.Open("file")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ra := f.(io.ReaderAt)
	want, err := im.ReadFile("hardlink")
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			buf := make([]byte, 5000)
			for i := range 200 {
				off := int64((g*7919 + i*104729) % (len(want) - len(buf)))
				if _, err := ra.ReadAt(buf, off); err != nil || !bytes.Equal(buf, want[off:off+int64(len(buf))]) {
					errs <- fmt.Errorf("ReadAt(%d): %v", off, err)
					return
				}
			}
			errs <- rdWalkAll(im, 1<<20)
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
