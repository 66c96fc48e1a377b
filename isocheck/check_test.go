package isocheck_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"
	"time"

	"spindle/iso9660"
	"spindle/iso9660/eltorito"
	"spindle/isocheck"
)

const bs = isocheck.BlockSize

var when = time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)

func content(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

// testTree is the tree the corruption tests start from: small files,
// nested directories, a name long enough for a continuation area, a
// symbolic link, a boot image, and a large file last.
func testTree(t testing.TB) *iso9660.Tree {
	tree := iso9660.NewTree()
	add := func(p string, spec iso9660.FileSpec) {
		spec.ModTime = when
		if spec.Open == nil && spec.Mode.IsRegular() {
			spec.Open = content(strings.Repeat("x", int(spec.Size)))
		}
		if err := tree.AddFile(p, spec); err != nil {
			t.Fatal(err)
		}
	}
	add("a.txt", iso9660.FileSpec{Mode: 0o644, Size: 3000})
	add("b.txt", iso9660.FileSpec{Mode: 0o644, Size: 5000})
	add("dir/c.txt", iso9660.FileSpec{Mode: 0o644, Size: 100})
	add("dir/sub/d.txt", iso9660.FileSpec{Mode: 0o644, Size: 10})
	add(strings.Repeat("long name ", 20), iso9660.FileSpec{Mode: 0o600, Size: 20})
	add("link", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, Target: "dir/c.txt"})
	add("empty", iso9660.FileSpec{Mode: 0o644})
	add("boot.img", iso9660.FileSpec{Mode: 0o644, Size: 2048, Open: content(string(make([]byte, 2048)))})
	for i := range 60 {
		add(fmt.Sprintf("many/f%02d.txt", i), iso9660.FileSpec{Mode: 0o644, Size: 1})
	}
	add("zz/big.bin", iso9660.FileSpec{Mode: 0o644, Size: 200 << 10})
	return tree
}

func write(t testing.TB, tree *iso9660.Tree, opt *iso9660.Options) []byte {
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

// testImage is testTree with Rock Ridge, Joliet and El Torito, without the
// trailing padding, so that the large file ends the image.
func testImage(t testing.TB) []byte {
	return write(t, testTree(t), &iso9660.Options{
		RockRidge: iso9660.RockRidgeKeep, Joliet: true, NoPad: true, Now: when,
		Boot: []iso9660.BootEntry{{Image: "boot.img", Emulation: eltorito.NoEmulation}}, BootCatalog: "boot.cat",
	})
}

func check(t testing.TB, img []byte) *isocheck.Report {
	t.Helper()
	r, err := isocheck.Check(context.Background(), bytes.NewReader(img), int64(len(img)), nil)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return r
}

func logProblems(t testing.TB, r *isocheck.Report) {
	t.Helper()
	for _, p := range r.Problems {
		t.Log(p)
	}
}

// info returns the reader's view of a file (NamesPlain: the primary
// hierarchy; NamesJoliet: the Joliet one).
func info(t testing.TB, img []byte, view iso9660.NameView, name string) *iso9660.FileInfo {
	t.Helper()
	im, err := iso9660.Open(bytes.NewReader(img), int64(len(img)), &iso9660.ReadOptions{Names: view})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := im.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*iso9660.FileInfo)
}

func put32(b []byte, v uint32) {
	binary.LittleEndian.PutUint32(b, v)
	binary.BigEndian.PutUint32(b[4:], v)
}

// systemUse returns the offset and length of a record's System Use field.
func systemUse(img []byte, rec int64) (int64, int) {
	l := int64(img[rec])
	n := int64(img[rec+32])
	su := 33 + n
	if n%2 == 0 {
		su++
	}
	return rec + su, int(l - su)
}

// findSUSP returns the offset of the first entry sig in the record's
// System Use field.
func findSUSP(t testing.TB, img []byte, rec int64, sig string) int64 {
	t.Helper()
	off, n := systemUse(img, rec)
	for p := off; p+4 <= off+int64(n) && img[p+2] >= 4; p += int64(img[p+2]) {
		if string(img[p:p+2]) == sig {
			return p
		}
	}
	t.Fatalf("no %s entry in the record at byte %d", sig, rec)
	return 0
}

func TestGoodImages(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  iso9660.Options
	}{
		{"plain", iso9660.Options{}},
		{"rr", iso9660.Options{RockRidge: iso9660.RockRidgeKeep}},
		{"rr110-joliet", iso9660.Options{RockRidge: iso9660.RockRidgeRationalize, RRVersion: iso9660.RRIP110, Joliet: true}},
		{"joliet-long", iso9660.Options{Joliet: true, JolietLong: true}},
		{"rr-joliet-boot", iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true,
			Boot: []iso9660.BootEntry{{Image: "boot.img", Emulation: eltorito.NoEmulation}}, BootCatalog: "boot.cat"}},
		{"trans-table", iso9660.Options{RockRidge: iso9660.RockRidgeKeep, TransTable: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := tc.opt
			opt.Now = when
			img := write(t, testTree(t), &opt)
			r := check(t, img)
			logProblems(t, r)
			warnings := 0
			if opt.JolietLong {
				warnings = 1 // names longer than Joliet's 64 characters
			}
			if !r.OK() || r.Warnings != warnings {
				t.Errorf("%d errors, %d warnings in a good image", r.Errors, r.Warnings)
			}
			if r.Truncated || r.PaddingBytes != 0 || r.Blocks*bs != uint32(len(img)) {
				t.Errorf("size: %+v, image %d bytes", r, len(img))
			}
			if r.Directories != 5 || r.Files < 68 {
				t.Errorf("%d directories, %d files, want 5 and 68 or more", r.Directories, r.Files)
			}
		})
	}
}

func TestDeepAndHardLinks(t *testing.T) {
	tree := iso9660.NewTree()
	if err := tree.AddFile("a/b/c/d/e/f/g/h/i/j/deep.txt", iso9660.FileSpec{Mode: 0o644, Size: 5, Open: content("deep\n"), ModTime: when}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"one", "two"} { // identical content: stored once
		if err := tree.AddFile(n, iso9660.FileSpec{Mode: 0o644, Size: 4, Open: content("same"), ModTime: when}); err != nil {
			t.Fatal(err)
		}
	}
	img := write(t, tree, &iso9660.Options{RockRidge: iso9660.RockRidgeKeep, Joliet: true, Now: when})
	r := check(t, img)
	logProblems(t, r)
	if !r.OK() {
		t.Errorf("%d errors", r.Errors)
	}
}

// hasProblem reports whether r has a problem of severity sev whose
// structure and message contain the given texts.
func hasProblem(r *isocheck.Report, sev isocheck.Severity, structure, msg string) bool {
	for _, p := range r.Problems {
		if p.Severity == sev && strings.Contains(p.Structure, structure) && strings.Contains(p.Msg, msg) {
			return true
		}
	}
	return false
}

func TestCorrupt(t *testing.T) {
	base := testImage(t)
	if r := check(t, base); !r.OK() || r.Warnings != 0 || !r.RockRidge || !r.Joliet || !r.ElTorito {
		logProblems(t, r)
		t.Fatalf("the base image: %+v", r)
	}
	const pvd = 16 * bs
	vol := binary.LittleEndian.Uint32(base[pvd+80:])
	// Where things are in the base image.
	a := info(t, base, iso9660.NamesPlain, "A.TXT")
	b := info(t, base, iso9660.NamesPlain, "B.TXT")
	dir := info(t, base, iso9660.NamesPlain, "DIR")
	sub := info(t, base, iso9660.NamesPlain, "DIR/SUB")
	many := info(t, base, iso9660.NamesPlain, "MANY")
	aRR := info(t, base, iso9660.NamesRockRidge, "a.txt")
	longRR := info(t, base, iso9660.NamesRockRidge, strings.Repeat("long name ", 20))
	aJ := info(t, base, iso9660.NamesJoliet, "a.txt")
	rootExt := binary.LittleEndian.Uint32(base[pvd+156+2:])
	rootDot := int64(rootExt) * bs
	lTable := int64(binary.LittleEndian.Uint32(base[pvd+140:])) * bs
	mTable := int64(binary.BigEndian.Uint32(base[pvd+148:])) * bs
	catalog := int64(binary.LittleEndian.Uint32(base[17*bs+0x47:])) * bs

	for _, tc := range []struct {
		name      string
		corrupt   func(img []byte) []byte
		structure string
		msg       string
	}{
		{"volume space size halves", func(img []byte) []byte {
			binary.BigEndian.PutUint32(img[pvd+84:], vol+1)
			return img
		}, "primary volume descriptor", "both-byte-order field volume space size"},
		{"block size", func(img []byte) []byte {
			binary.LittleEndian.PutUint16(img[pvd+128:], 1024)
			binary.BigEndian.PutUint16(img[pvd+130:], 1024)
			return img
		}, "primary volume descriptor", "logical block size 1024"},
		{"no terminator", func(img []byte) []byte {
			for blk := 17; blk < 32; blk++ {
				if img[blk*bs] == 255 {
					copy(img[blk*bs+1:], "XXXXX")
				}
			}
			return img
		}, "volume descriptor set", "no terminator"},
		{"no primary volume descriptor", func(img []byte) []byte {
			img[pvd] = 3
			return img
		}, "volume descriptor set", "no primary volume descriptor"},
		{"record crosses a block", func(img []byte) []byte {
			// Lengthen the last record of the first block of "many"
			// past the block's end, or add one there.
			d := int64(many.Extents[0].LBA) * bs
			p, last := int64(0), int64(0)
			for p < bs && img[d+p] != 0 {
				last = p
				p += int64(img[d+p])
			}
			free := bs - p
			if n := int64(img[d+last]) + free + 2; n <= 254 {
				img[d+last] = byte(n)
			} else {
				copy(img[d+p:], img[d+last:d+last+34])
				img[d+p] = byte(free + 2)
			}
			return img
		}, "directory", "crosses a block boundary"},
		{"record too short", func(img []byte) []byte {
			img[b.Record] = 20
			return img
		}, "directory", "less than 34"},
		{"extent halves", func(img []byte) []byte {
			binary.BigEndian.PutUint32(img[a.Record+6:], 12345)
			return img
		}, "directory record", "location of extent disagrees"},
		{"extent beyond the volume", func(img []byte) []byte {
			put32(img[a.Record+2:], vol+10)
			return img
		}, "directory record", "beyond the volume space"},
		{"overlapping files", func(img []byte) []byte {
			put32(img[b.Record+2:], a.Extents[0].LBA+1)
			return img
		}, "file", "overlap"},
		{"file over a directory", func(img []byte) []byte {
			put32(img[b.Record+2:], rootExt)
			return img
		}, "directory", "overlap"},
		{"directory loop", func(img []byte) []byte {
			put32(img[sub.Record+2:], dir.Extents[0].LBA)
			return img
		}, "directory record", "directory loop"},
		{"dot", func(img []byte) []byte {
			put32(img[int64(dir.Extents[0].LBA)*bs+2:], rootExt)
			return img
		}, "directory", "the '.' record points to block"},
		{"dotdot", func(img []byte) []byte {
			d := int64(dir.Extents[0].LBA) * bs
			put32(img[d+int64(img[d])+2:], dir.Extents[0].LBA)
			return img
		}, "directory", "the '..' record points to block"},
		{"order", func(img []byte) []byte {
			img[a.Record+33] = 'C' // "C.TXT;1" before "B.TXT;1"
			return img
		}, "directory record", "out of order"},
		{"slash in a name", func(img []byte) []byte {
			img[a.Record+34] = '/'
			return img
		}, "directory record", "'/'"},
		{"dot name", func(img []byte) []byte {
			img[a.Record+32] = 4
			copy(img[a.Record+33:], "..;1")
			return img
		}, "directory record", "names a directory itself"},
		{"multi-extent without final record", func(img []byte) []byte {
			img[a.Record+25] |= 0x80
			return img
		}, "directory record", "multi-extent file has no final record"},
		{"path table entry", func(img []byte) []byte {
			// Entry 2's extent in the L table.
			n := int64(img[lTable])
			e2 := lTable + 8 + n + n%2
			binary.LittleEndian.PutUint32(img[e2+2:], 7)
			return img
		}, "path table (L)", "points to block 7"},
		{"path tables differ", func(img []byte) []byte {
			img[mTable+10+5] ^= 0x40 // entry 2's extent
			return img
		}, "path table (M)", "other entries than the type L"},
		{"path table size halves", func(img []byte) []byte {
			binary.BigEndian.PutUint32(img[pvd+136:], 1)
			return img
		}, "primary volume descriptor", "path table size"},
		{"SP check bytes", func(img []byte) []byte {
			su, _ := systemUse(img, rootDot)
			img[su+4] = 0
			return img
		}, "SUSP area", "SP check bytes"},
		{"SUSP entry length", func(img []byte) []byte {
			img[findSUSP(t, img, aRR.Record, "NM")+2] = 250
			return img
		}, "SUSP area", "runs past the end"},
		{"SUSP entry too short", func(img []byte) []byte {
			img[findSUSP(t, img, aRR.Record, "NM")+2] = 2
			return img
		}, "SUSP area", "less than 4"},
		{"CE loop", func(img []byte) []byte {
			ce := findSUSP(t, img, longRR.Record, "CE")
			su, n := systemUse(img, longRR.Record)
			put32(img[ce+4:], uint32(su/bs))
			put32(img[ce+12:], uint32(su%bs))
			put32(img[ce+20:], uint32(n))
			return img
		}, "SUSP area", "continuation area loop"},
		{"CE beyond the volume", func(img []byte) []byte {
			put32(img[findSUSP(t, img, longRR.Record, "CE")+4:], vol+3)
			return img
		}, "continuation area", "beyond the volume space"},
		{"NM with a slash", func(img []byte) []byte {
			img[findSUSP(t, img, aRR.Record, "NM")+5] = '/'
			return img
		}, "SUSP area", "contains '/'"},
		{"TF length", func(img []byte) []byte {
			img[findSUSP(t, img, aRR.Record, "TF")+4] ^= 0x08 // one stamp more or less
			return img
		}, "SUSP area", "TF entry of length"},
		{"boot catalog checksum", func(img []byte) []byte {
			img[catalog+4] ^= 1
			return img
		}, "boot catalog", "checksum"},
		{"boot image beyond the volume", func(img []byte) []byte {
			binary.LittleEndian.PutUint32(img[catalog+32+8:], vol+100)
			return img
		}, "boot catalog", "load extent"},
		{"Joliet extent halves", func(img []byte) []byte {
			binary.BigEndian.PutUint32(img[aJ.Record+6:], 99)
			return img
		}, "Joliet directory record", "disagrees"},
		{"Joliet slash", func(img []byte) []byte {
			img[aJ.Record+34] = '/'
			return img
		}, "Joliet directory record", "'/'"},
		{"Joliet overlap", func(img []byte) []byte {
			put32(img[aJ.Record+2:], a.Extents[0].LBA+1)
			return img
		}, "Joliet file", "overlap"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := tc.corrupt(bytes.Clone(base))
			r := check(t, img)
			if !hasProblem(r, isocheck.Error, tc.structure, tc.msg) {
				logProblems(t, r)
				t.Errorf("no error in %q saying %q", tc.structure, tc.msg)
			}
			if r.OK() {
				t.Error("OK() on a corrupted image")
			}
		})
	}
}

func TestTruncated(t *testing.T) {
	base := testImage(t)
	blocks := len(base) / bs
	for _, cut := range []int{1, 2, 50, 100, blocks - 30, blocks - 20} {
		t.Run("", func(t *testing.T) {
			img := base[:len(base)-cut*bs]
			r := check(t, img)
			if !r.Truncated || r.MissingBytes != int64(cut*bs) {
				t.Errorf("cut %d blocks: Truncated %v, MissingBytes %d", cut, r.Truncated, r.MissingBytes)
			}
			if !hasProblem(r, isocheck.Error, "image", "truncated") || !hasProblem(r, isocheck.Error, "", " bytes missing") {
				logProblems(t, r)
				t.Errorf("cut %d blocks: truncation not reported", cut)
			}
			if cut <= 100 && !hasProblem(r, isocheck.Error, "directory record", "lies beyond the end of the image") {
				logProblems(t, r)
				t.Errorf("cut %d blocks: the large file's missing data not reported", cut)
			}
		})
	}
	// Cut inside a block, and padding.
	r := check(t, base[:len(base)-100])
	if !r.Truncated || r.MissingBytes != 100 {
		t.Errorf("cut 100 bytes: %+v", r)
	}
	r = check(t, append(bytes.Clone(base), make([]byte, 150*bs)...))
	if !r.OK() || r.PaddingBytes != 150*bs || r.Truncated {
		t.Errorf("padded: %+v", r)
	}
	// Too short for the volume descriptors: not an ISO image.
	if _, err := isocheck.Check(context.Background(), bytes.NewReader(base[:16*bs]), 16*bs, nil); !errors.Is(err, isocheck.ErrNotISO) {
		t.Errorf("16 blocks: err %v, want ErrNotISO", err)
	}
}

func TestNotISO(t *testing.T) {
	for _, b := range [][]byte{nil, make([]byte, 100), make([]byte, 40*bs)} {
		if _, err := isocheck.Check(context.Background(), bytes.NewReader(b), int64(len(b)), nil); !errors.Is(err, isocheck.ErrNotISO) {
			t.Errorf("%d bytes: err %v, want ErrNotISO", len(b), err)
		}
	}
}

func TestIOError(t *testing.T) {
	img := testImage(t)
	_, err := isocheck.Check(context.Background(), readerAt{bytes.NewReader(img), 20 * bs}, int64(len(img)), nil)
	if err == nil || !strings.Contains(err.Error(), "medium error") {
		t.Errorf("err %v, want the read error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := isocheck.Check(ctx, bytes.NewReader(img), int64(len(img)), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v", err)
	}
}

// readerAt fails reads from byte at on.
type readerAt struct {
	r  io.ReaderAt
	at int64
}

func (r readerAt) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > r.at {
		return 0, errors.New("medium error")
	}
	return r.r.ReadAt(p, off)
}

func TestMaxProblemsAndOrder(t *testing.T) {
	base := testImage(t)
	img := base[:len(base)-100*bs]
	r1, err := isocheck.Check(context.Background(), bytes.NewReader(img), int64(len(img)), &isocheck.Options{MaxProblems: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(r1.Problems) != 1 || r1.Omitted != r1.Errors+r1.Warnings-1 || r1.Omitted == 0 {
		t.Errorf("MaxProblems 1: %d listed, %d omitted, %d errors", len(r1.Problems), r1.Omitted, r1.Errors)
	}
	a, b := check(t, img), check(t, img)
	if len(a.Problems) != len(b.Problems) {
		t.Fatal("different problems on two runs")
	}
	for i := range a.Problems {
		if a.Problems[i] != b.Problems[i] {
			t.Errorf("problem %d differs: %v / %v", i, a.Problems[i], b.Problems[i])
		}
	}
	var calls int
	var last int64
	_, err = isocheck.Check(context.Background(), bytes.NewReader(base), int64(len(base)), &isocheck.Options{Progress: func(done, total int64) {
		calls++
		if done > total || done < last {
			t.Errorf("progress %d of %d after %d", done, total, last)
		}
		last = done
	}})
	if err != nil || calls == 0 {
		t.Errorf("progress: %d calls, err %v", calls, err)
	}
}

func TestProblemString(t *testing.T) {
	p := isocheck.Problem{Severity: isocheck.Error, Offset: 47104, Structure: "directory", Path: "/A", Msg: "record crosses a block boundary"}
	if got, want := p.String(), "error: directory /A (block 23, byte 47104): record crosses a block boundary"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if b, _ := isocheck.Warning.MarshalText(); string(b) != "warning" {
		t.Errorf("Warning is %q", b)
	}
}
