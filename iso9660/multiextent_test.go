package iso9660_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"spindle/iso9660"
)

// This file checks files of 4 GiB and more, which the writer records in
// several extents (ECMA-119 §6.5.1, §9.1.6 bit 7), against independent
// readers, and holds a small reader of raw directory records that
// interop_list_test.go uses too.
//
// Reader support for multi-extent files, as found with the tools installed:
//
//   - bsdtar (libarchive 3.6.2), 7z (7-Zip 25.01, Joliet tree) and xorriso
//     1.5.4 read the whole file and list its exact size.
//   - isoinfo (cdrkit 1.1.11) lists every extent as its own entry. Its -x
//     cannot extract such a file: extract_file() holds the extent length
//     in an int, so an extent of 0xFFFFF800 bytes reads as -2048 and is
//     skipped, and -x writes only the last extent (3147899 of 4298113147
//     bytes here). isoinfo -x is therefore not used. isoinfo also prints
//     the flags byte as a sign-extended char: 0x80 shows as "FFFF" (the
//     rest of "FFFFFF80" is cut off by the fixed-width line).
//   - iso-info (libcdio 2.1.0) lists every extent as its own entry.
//   - isovfy (cdrkit 1.1.11) counts any flag bit outside 0x0A as an error,
//     so it reports "Flags=(80)" for each record but the last of the file;
//     it checks nothing else about multi-extent files.

const (
	meBigSize int64 = 4<<30 + 3<<20 + 123 // just over 4 GiB: two extents
	meChunk         = 1 << 20
	// maxExtentBytes is the largest extent: the largest multiple of 2048
	// that fits the 32-bit Data Length field (ECMA-119 §9.1.4).
	maxExtentBytes = 0xFFFFF800
	// sparseLimit bounds the disk space a sparse file of this test may
	// take; several GB means something wrote the zeros.
	sparseLimit = 64 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// allocated returns the bytes of disk a file occupies.
func allocated(t testing.TB, p string) int64 {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Blocks * 512
}

func checkSparse(t testing.TB, what, p string, size int64) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != size {
		t.Errorf("%s: %d bytes, want %d", what, fi.Size(), size)
	}
	if a := allocated(t, p); a > sparseLimit {
		t.Fatalf("%s takes %d bytes of disk: not sparse", what, a)
	}
}

// crcOf returns the CRC-32C and length of everything r delivers.
func crcOf(r io.Reader) (uint32, int64, error) {
	h := crc32.New(castagnoli)
	n, err := io.CopyBuffer(h, r, make([]byte, 1<<20))
	return h.Sum32(), n, err
}

// toolCommand prepares an external program with a fixed locale and time
// zone, so that names and dates print the same everywhere.
func toolCommand(ctx context.Context, t testing.TB, name string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, needTool(t, name), args...)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TZ=UTC")
	return cmd
}

// toolRun runs a program and returns its standard output and standard
// error separately (runTool mixes them, which listings cannot have).
func toolRun(t testing.TB, name string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := toolCommand(ctx, t, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, tail(out.String()), tail(errb.String()))
	}
	return out.String(), errb.String()
}

// toolCRC runs a program that writes a file's content to its standard
// output and hashes the stream as it comes (nothing is stored).
func toolCRC(t testing.TB, name string, args ...string) (uint32, int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := toolCommand(ctx, t, name, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sum, n, cerr := crcOf(out)
	werr := cmd.Wait()
	if err := errors.Join(cerr, werr); err != nil {
		t.Fatalf("%s %s: %v\nstderr:\n%s", name, strings.Join(args, " "), err, tail(errb.String()))
	}
	return sum, n
}

// makeBigTree writes the multi-extent test tree: a sparse file just over
// 4 GiB with distinct random 1 MiB chunks at its start, across the 4 GiB
// boundary (which is also 2 KiB past the end of the first extent) and at
// its end, and a few small files.
func makeBigTree(t testing.TB, root string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "dir"), 0o755))
	f, err := os.Create(filepath.Join(root, "big.img"))
	must(err)
	must(f.Truncate(meBigSize))
	rng := rand.New(rand.NewPCG(4, 2))
	var chunks [][]byte
	for _, off := range []int64{0, 4<<30 - 512<<10, meBigSize - meChunk} {
		b := make([]byte, meChunk)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		for _, c := range chunks {
			if bytes.Equal(b, c) {
				t.Fatal("random chunks repeat")
			}
		}
		chunks = append(chunks, b)
		_, err := f.WriteAt(b, off)
		must(err)
	}
	must(f.Close())
	must(os.WriteFile(filepath.Join(root, "small.txt"), []byte("after the big file\n"), 0o644))
	must(os.WriteFile(filepath.Join(root, "a-first.txt"), []byte("before the big file\n"), 0o644))
	must(os.WriteFile(filepath.Join(root, "dir", "block"), bytes.Repeat([]byte{0xA5}, 2048), 0o644))
	for _, p := range []string{"big.img", "small.txt", "a-first.txt", "dir/block", "dir", "."} {
		must(os.Chtimes(filepath.Join(root, p), old, old))
	}
}

func TestMultiExtent(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 4 GiB several times")
	}
	// Each subtest needs its own tool; without any, the 4 GiB image is not
	// worth making.
	if !slices.ContainsFunc([]string{"bsdtar", "7z", "xorriso", "isoinfo", "iso-info", "isovfy"}, func(tool string) bool {
		_, err := exec.LookPath(tool)
		return err == nil
	}) {
		needTool(t, "bsdtar")
	}
	start := time.Now()
	lap := func(what string) {
		t.Logf("%-28s %6.2fs", what, time.Since(start).Seconds())
		start = time.Now()
	}
	src := filepath.Join(t.TempDir(), "src")
	makeBigTree(t, src)
	big := filepath.Join(src, "big.img")
	if a := allocated(t, big); a > sparseLimit {
		t.Skipf("the file system of %s does not keep sparse files (%d bytes allocated)", src, a)
	}
	want := scan(t, src)
	wantBig := want["/big.img"]
	if wantBig.Size != meBigSize {
		t.Fatalf("source is %d bytes", wantBig.Size)
	}
	lap("source + CRC")

	img := filepath.Join(t.TempDir(), "big.iso")
	opt := &iso9660.Options{Names: iso9660.ISONameOptions{Level: 3}, RockRidge: iso9660.RockRidgeKeep, Joliet: true,
		Now: time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)}
	w := master(t, src, img, opt)
	checkSparse(t, "image", img, w.Size())
	lap("master (sparse output)")

	// The extents as recorded, read from the image bytes.
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ours := multiExtentLayout(t, "spindle", f, meBigSize)
	lap("raw records")

	t.Run("bsdtar", func(t *testing.T) {
		sum, n := toolCRC(t, "bsdtar", "-xOf", img, "big.img")
		if n != meBigSize || sum != wantBig.Sum {
			t.Errorf("bsdtar -xO: %d bytes, CRC %08x; want %d bytes, CRC %08x", n, sum, int64(meBigSize), wantBig.Sum)
		}
		out, _ := toolRun(t, "bsdtar", "-tvf", img)
		sizes := map[string]string{}
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			// -rw-r--r--  1 0      0  4298113147 Feb  3  2001 big.img
			if fs := strings.Fields(l); len(fs) >= 9 {
				sizes[strings.Join(fs[8:], " ")] = fs[4]
			}
		}
		if got := sizes["big.img"]; got != strconv.FormatInt(meBigSize, 10) {
			t.Errorf("bsdtar -tv: big.img size %q, want %d\n%s", got, meBigSize, out)
		}
		lap("bsdtar")
	})
	t.Run("7z", func(t *testing.T) {
		sum, n := toolCRC(t, "7z", "e", "-so", img, "big.img")
		if n != meBigSize || sum != wantBig.Sum {
			t.Errorf("7z e -so: %d bytes, CRC %08x; want %d bytes, CRC %08x", n, sum, int64(meBigSize), wantBig.Sum)
		}
		// The small files, small.txt stored beyond 4 GiB into the image.
		for _, p := range []string{"a-first.txt", "small.txt", "dir/block"} {
			if sum, n := toolCRC(t, "7z", "e", "-so", img, p); n != want["/"+p].Size || sum != want["/"+p].Sum {
				t.Errorf("7z e -so %s: %d bytes, CRC %08x; want %d bytes, CRC %08x", p, n, sum, want["/"+p].Size, want["/"+p].Sum)
			}
		}
		items := parse7z(t, toolOut(t, "7z", "l", "-slt", img))
		if it, ok := items["big.img"]; !ok || it["Size"] != strconv.FormatInt(meBigSize, 10) {
			t.Errorf("7z l: big.img is %v, want Size %d", it, meBigSize)
		}
		lap("7z")
	})
	t.Run("xorriso", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "big.img")
		// sparse=1m: without it xorriso writes every zero (4 GiB of disk).
		toolRun(t, "xorriso", "-osirrox", "on:sparse=1m", "-indev", img, "-extract", "/big.img", dst)
		checkSparse(t, "xorriso -extract", dst, meBigSize)
		ef, err := os.Open(dst)
		if err != nil {
			t.Fatal(err)
		}
		sum, n, err := crcOf(ef)
		ef.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(dst); err != nil {
			t.Fatal(err)
		}
		if n != meBigSize || sum != wantBig.Sum {
			t.Errorf("xorriso -extract: %d bytes, CRC %08x; want %d bytes, CRC %08x", n, sum, int64(meBigSize), wantBig.Sum)
		}
		ls := parseLsdl(t, toolOut(t, "xorriso", "-indev", img, "-find", "/", "-exec", "lsdl"))
		if e, ok := ls["/big.img"]; !ok || e.Size != meBigSize {
			t.Errorf("xorriso lsdl: /big.img is %+v, want size %d", e, meBigSize)
		}
		lap("xorriso")
	})
	t.Run("isoinfo", func(t *testing.T) {
		// isoinfo -x reads single-extent files anywhere in the image.
		if sum, n := toolCRC(t, "isoinfo", "-R", "-i", img, "-x", "/small.txt"); n != want["/small.txt"].Size || sum != want["/small.txt"].Sum {
			t.Errorf("isoinfo -x /small.txt: %d bytes, CRC %08x; want %d bytes, CRC %08x", n, sum, want["/small.txt"].Size, want["/small.txt"].Sum)
		}
		// One listing entry per extent, flags "FFFF" (0x80, see above) on
		// all but the last.
		dirs := parseIsoinfo(t, toolOut(t, "isoinfo", "-R", "-l", "-i", img))
		var parts []isoinfoEntry
		for _, e := range dirs["/"] {
			if e.Name == "big.img" {
				parts = append(parts, e)
			}
		}
		if len(parts) != len(ours) {
			t.Fatalf("isoinfo -R -l lists big.img %d times, want once per extent (%d)", len(parts), len(ours))
		}
		for i, p := range parts {
			flags := "00"
			if i < len(parts)-1 {
				flags = "FFFF"
			}
			size, _ := strconv.ParseInt(strings.TrimSpace(p.Line[30:40]), 10, 64)
			if p.Extent != ours[i].Extent || size != int64(ours[i].Size) || p.Flags != flags {
				t.Errorf("isoinfo -R -l: extent %d of big.img is [%d %s] %d bytes, want [%d %s] %d bytes", i, p.Extent, p.Flags, size,
					ours[i].Extent, flags, ours[i].Size)
			}
		}
		lap("isoinfo")
	})
	t.Run("iso-info", func(t *testing.T) {
		// The Joliet tree, one entry per extent.
		l := parseIsoInfo(t, toolOut(t, "iso-info", "-i", img, "-l", "--no-header"), false)
		var sizes []int64
		for _, e := range l.Dirs["/"] {
			if e.Name == "big.img" {
				sizes = append(sizes, e.Size)
			}
		}
		var wantSizes []int64
		for _, r := range ours {
			wantSizes = append(wantSizes, int64(r.Size))
		}
		if !slices.Equal(sizes, wantSizes) {
			t.Errorf("iso-info -l: big.img entries of %v bytes, want %v", sizes, wantSizes)
		}
		lap("iso-info")
	})
	t.Run("isovfy", func(t *testing.T) {
		out := toolOut(t, "isovfy", img)
		var wantGoofs []string
		for _, r := range ours[:len(ours)-1] {
			wantGoofs = append(wantGoofs, fmt.Sprintf("%x", r.Extent))
		}
		var goofs []string
		for _, l := range isovfyProblems(out) {
			// "17: 124    1a    -2048       Flags=(80)  RRlen=82 [PX,TF,NM]"
			fs := strings.Fields(l)
			if len(fs) < 5 || !strings.Contains(l, "Flags=(80)") || strings.Count(l, "Flags=") != 1 {
				t.Errorf("isovfy: %s", l)
				continue
			}
			goofs = append(goofs, fs[2])
		}
		if !slices.Equal(goofs, wantGoofs) {
			t.Errorf("isovfy reports Flags=(80) for extents %v, want %v (all but the last of big.img)\n%s", goofs, wantGoofs, out)
		}
		lap("isovfy")
	})
	t.Run("xorriso-mkisofs", func(t *testing.T) {
		// The reference layout: xorriso -as mkisofs -iso-level 3 -R -J on
		// the same tree. Its image is read from a pipe only as far as the
		// directories; the 4 GiB of data are never written anywhere.
		head := imageHead(t, 4<<20, "xorriso", "-as", "mkisofs", "-quiet", "-iso-level", "3", "-R", "-J", "-o", "-", src)
		theirs := multiExtentLayout(t, "xorriso -as mkisofs", bytes.NewReader(head), meBigSize)
		if len(theirs) != len(ours) {
			t.Errorf("xorriso uses %d extents, spindle %d", len(theirs), len(ours))
		}
		for i := range min(len(ours), len(theirs)) {
			if theirs[i].Size != ours[i].Size || theirs[i].Flags != ours[i].Flags {
				t.Errorf("extent %d: xorriso %d bytes flags %#x, spindle %d bytes flags %#x", i,
					theirs[i].Size, theirs[i].Flags, ours[i].Size, ours[i].Flags)
			}
		}
		lap("xorriso -as mkisofs")
	})
}

// toolOut is toolRun's standard output.
func toolOut(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, _ := toolRun(t, name, args...)
	return out
}

// imageHead runs an image writer that writes to its standard output and
// returns the first n bytes, then kills it.
func imageHead(t testing.TB, n int, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := toolCommand(ctx, t, name, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, n)
	_, rerr := io.ReadFull(out, b)
	cmd.Process.Kill()
	cmd.Wait()
	if rerr != nil {
		t.Fatalf("%s %s: reading the first %d bytes: %v\n%s", name, strings.Join(args, " "), n, rerr, tail(errb.String()))
	}
	return b
}

// multiExtentLayout checks the records of /big.img in the primary and the
// Joliet directory of an image and returns the primary ones.
func multiExtentLayout(t testing.TB, who string, img io.ReaderAt, size int64) []rawRecord {
	t.Helper()
	vols := readVolumes(t, img)
	var out []rawRecord
	for _, v := range vols {
		ident := []byte("BIG.IMG;1")
		if v.Joliet {
			ident = ucs2("big.img")
		}
		recs := readDir(t, img, v.Root.Extent, v.Root.Size)
		parts := checkExtents(t, who, v.Kind(), recs, ident, size)
		var desc []string
		for _, r := range parts {
			d := fmt.Sprintf("[lba %d, %d bytes, flags %#02x", r.Extent, r.Size, r.Flags)
			if !v.Joliet {
				// Every record of the file carries its Rock Ridge name:
				// readers group the records of a file by name.
				es := allSUSP(t, img, r)
				if name, _ := rrName(es); name != "big.img" {
					t.Errorf("%s: %s: record at %d of big.img is named %q in Rock Ridge", who, v.Kind(), r.Off, name)
				}
				var sigs []string
				for _, e := range es {
					sigs = append(sigs, fmt.Sprintf("%s%d", e.Sig, len(e.Data)+4))
				}
				d += ", SUSP " + strings.Join(sigs, ",")
			}
			desc = append(desc, d+"]")
		}
		t.Logf("%s: %s: big.img: %s", who, v.Kind(), strings.Join(desc, " "))
		if v.Joliet {
			if len(out) != len(parts) {
				t.Errorf("%s: %d primary records but %d Joliet records for big.img", who, len(out), len(parts))
			}
			for i := range min(len(out), len(parts)) {
				if out[i].Extent != parts[i].Extent || out[i].Size != parts[i].Size {
					t.Errorf("%s: extent %d of big.img: primary [%d, %d], Joliet [%d, %d]", who, i,
						out[i].Extent, out[i].Size, parts[i].Extent, parts[i].Size)
				}
			}
		} else {
			out = parts
		}
	}
	return out
}

// checkExtents finds the records of the file named ident in a directory
// and checks that they describe a file of size bytes: consecutive records
// (ECMA-119 §9.3), the Multi-Extent flag (§9.1.6 bit 7) on all but the
// last, extents of at most 0xFFFFF800 bytes, whole blocks but for the last,
// each starting where the previous one ends.
func checkExtents(t testing.TB, who, tree string, recs []rawRecord, ident []byte, size int64) []rawRecord {
	t.Helper()
	first := slices.IndexFunc(recs, func(r rawRecord) bool { return bytes.Equal(r.Ident, ident) })
	if first < 0 {
		t.Fatalf("%s: %s: no record %q", who, tree, ident)
	}
	end := first
	for end < len(recs) && bytes.Equal(recs[end].Ident, ident) {
		end++
	}
	for _, r := range recs[end:] {
		if bytes.Equal(r.Ident, ident) {
			t.Errorf("%s: %s: records of %q are not consecutive", who, tree, ident)
		}
	}
	parts := recs[first:end]
	var total int64
	for i, r := range parts {
		last := i == len(parts)-1
		if want := byte(0x80); last {
			if r.Flags != 0 {
				t.Errorf("%s: %s: last record of %q has flags %#x, want 0", who, tree, ident, r.Flags)
			}
		} else if r.Flags != want {
			t.Errorf("%s: %s: record %d of %q has flags %#x, want %#x (Multi-Extent)", who, tree, i, ident, r.Flags, want)
		}
		if r.Size > maxExtentBytes {
			t.Errorf("%s: %s: extent %d of %q is %d bytes, over %d", who, tree, i, ident, r.Size, int64(maxExtentBytes))
		}
		if !last && r.Size%2048 != 0 {
			t.Errorf("%s: %s: extent %d of %q is %d bytes, not whole blocks", who, tree, i, ident, r.Size)
		}
		if i > 0 {
			p := parts[i-1]
			if r.Extent != p.Extent+p.Size/2048 {
				t.Errorf("%s: %s: extent %d of %q starts at block %d, previous ends at %d", who, tree, i, ident, r.Extent, p.Extent+p.Size/2048)
			}
		}
		total += int64(r.Size)
	}
	if total != size {
		t.Errorf("%s: %s: extents of %q hold %d bytes, want %d", who, tree, ident, total, size)
	}
	if len(parts) < 2 {
		t.Errorf("%s: %s: %q has %d extent(s), want at least 2", who, tree, ident, len(parts))
	}
	return parts
}

// ---- A small reader of raw ECMA-119 structures. ----

// rawRecord is a directory record as found in the image (ECMA-119 §9.1).
type rawRecord struct {
	Off    int64 // byte offset in the image
	Extent uint32
	Size   uint32
	Date   [7]byte
	Flags  byte
	Ident  []byte
	SU     []byte // System Use field
}

// rawVolume is a primary or Joliet volume descriptor (ECMA-119 §8.4, §8.5).
type rawVolume struct {
	Joliet   bool
	VolumeID []byte
	Blocks   uint32
	Root     rawRecord
}

func (v rawVolume) Kind() string {
	if v.Joliet {
		return "Joliet"
	}
	return "primary"
}

func readFull(t testing.TB, img io.ReaderAt, off int64, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := img.ReadAt(b, off); err != nil {
		t.Fatalf("reading %d bytes at %d: %v", n, off, err)
	}
	return b
}

func both32(b []byte) (uint32, error) {
	le, be := binary.LittleEndian.Uint32(b), binary.BigEndian.Uint32(b[4:])
	if le != be {
		return 0, fmt.Errorf("both-byte-order field: %d little-endian, %d big-endian", le, be)
	}
	return le, nil
}

// readVolumes reads the volume descriptor set (ECMA-119 §8.1).
func readVolumes(t testing.TB, img io.ReaderAt) []rawVolume {
	t.Helper()
	var vols []rawVolume
	for lba := int64(16); ; lba++ {
		b := readFull(t, img, lba*2048, 2048)
		if string(b[1:6]) != "CD001" || b[6] != 1 {
			t.Fatalf("block %d: not a volume descriptor", lba)
		}
		switch b[0] {
		case 255:
			if len(vols) == 0 || vols[0].Joliet {
				t.Fatal("no primary volume descriptor first")
			}
			return vols
		case 1, 2:
			joliet := b[0] == 2 && (string(b[88:91]) == "%/@" || string(b[88:91]) == "%/C" || string(b[88:91]) == "%/E")
			if b[0] == 2 && !joliet {
				continue
			}
			blocks, err := both32(b[80:])
			if err != nil {
				t.Fatalf("block %d: volume space size: %v", lba, err)
			}
			root, _, err := parseRecord(b[156:190], lba*2048+156)
			if err != nil {
				t.Fatalf("block %d: root record: %v", lba, err)
			}
			vols = append(vols, rawVolume{Joliet: joliet, VolumeID: b[40:72], Blocks: blocks, Root: root})
		}
	}
}

// parseRecord decodes the directory record at the start of b.
func parseRecord(b []byte, off int64) (rawRecord, int, error) {
	n := int(b[0])
	if n < 34 || n > len(b) {
		return rawRecord{}, 0, fmt.Errorf("record at %d: length %d", off, n)
	}
	r := rawRecord{Off: off, Flags: b[25]}
	var err error
	if r.Extent, err = both32(b[2:]); err != nil {
		return r, 0, fmt.Errorf("record at %d: extent: %v", off, err)
	}
	if r.Size, err = both32(b[10:]); err != nil {
		return r, 0, fmt.Errorf("record at %d: data length: %v", off, err)
	}
	copy(r.Date[:], b[18:25])
	if b[26] != 0 || b[27] != 0 {
		return r, 0, fmt.Errorf("record at %d: interleaving %d/%d", off, b[26], b[27])
	}
	if seq := b[28:32]; binary.LittleEndian.Uint16(seq) != 1 || binary.BigEndian.Uint16(seq[2:]) != 1 {
		return r, 0, fmt.Errorf("record at %d: volume sequence number % x", off, seq)
	}
	idLen := int(b[32])
	suStart := 33 + idLen + (1 - idLen%2)
	if suStart > n {
		return r, 0, fmt.Errorf("record at %d: identifier of %d bytes in a record of %d", off, idLen, n)
	}
	r.Ident = b[33 : 33+idLen]
	r.SU = b[suStart:n]
	return r, n, nil
}

// readDir returns the records of a directory extent in order. A record
// never crosses a block boundary (ECMA-119 §6.8.1.1); the bytes after the
// last record of a block are zero.
func readDir(t testing.TB, img io.ReaderAt, extent, size uint32) []rawRecord {
	t.Helper()
	if size == 0 || size%2048 != 0 {
		t.Fatalf("directory at block %d: size %d", extent, size)
	}
	data := readFull(t, img, int64(extent)*2048, int(size))
	var recs []rawRecord
	for blk := 0; blk < len(data); blk += 2048 {
		b := data[blk : blk+2048]
		for p := 0; p < len(b) && b[p] != 0; {
			r, n, err := parseRecord(b[p:], int64(extent)*2048+int64(blk+p))
			if err != nil {
				t.Fatalf("directory at block %d: %v", extent, err)
			}
			recs = append(recs, r)
			p += n
		}
	}
	if len(recs) < 2 || !bytes.Equal(recs[0].Ident, []byte{0}) || !bytes.Equal(recs[1].Ident, []byte{1}) {
		t.Fatalf("directory at block %d does not start with . and ..", extent)
	}
	return recs
}

// suspEntry is one System Use entry (SUSP 1.12 §4.1).
type suspEntry struct {
	Sig  string
	Ver  byte
	Data []byte
}

// parseSUSP splits a System Use area into entries; fewer than 4 bytes left
// are padding.
func parseSUSP(area []byte) ([]suspEntry, error) {
	var out []suspEntry
	for len(area) >= 4 {
		n := int(area[2])
		if n < 4 || n > len(area) {
			return out, fmt.Errorf("SUSP entry %q of length %d with %d bytes left", area[:2], n, len(area))
		}
		e := suspEntry{Sig: string(area[:2]), Ver: area[3], Data: area[4:n]}
		if e.Sig == "ST" {
			break
		}
		out = append(out, e)
		area = area[n:]
	}
	return out, nil
}

// allSUSP returns the System Use entries of a record, following CE
// entries into continuation areas (SUSP 1.12 §5.1).
func allSUSP(t testing.TB, img io.ReaderAt, r rawRecord) []suspEntry {
	t.Helper()
	area := r.SU
	var out []suspEntry
	for range 64 {
		es, err := parseSUSP(area)
		if err != nil {
			t.Fatalf("record at %d: %v", r.Off, err)
		}
		var next []byte
		for _, e := range es {
			if e.Sig == "CE" && len(e.Data) == 24 {
				blk, err1 := both32(e.Data)
				off, err2 := both32(e.Data[8:])
				n, err3 := both32(e.Data[16:])
				if err := errors.Join(err1, err2, err3); err != nil || off+n > 2048 {
					t.Fatalf("record at %d: CE %v", r.Off, e.Data)
				}
				next = readFull(t, img, int64(blk)*2048+int64(off), int(n))
				continue
			}
			out = append(out, e)
		}
		if next == nil {
			return out
		}
		area = next
	}
	t.Fatalf("record at %d: CE loop", r.Off)
	return nil
}

// rrName joins the NM entries (RRIP 1.12 §4.1.4) of es.
func rrName(es []suspEntry) (string, bool) {
	var b []byte
	found := false
	for _, e := range es {
		if e.Sig == "NM" && len(e.Data) >= 1 && e.Data[0]&0x06 == 0 {
			b = append(b, e.Data[1:]...)
			found = true
		}
	}
	return string(b), found
}

func ucs2(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.BigEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// isovfyProblems returns the lines of isovfy's output that report a
// problem: isovfy exits 0 whatever it finds and prints "No errors found"
// only when it counted none; besides its problem lines it prints "Root at
// extent ...", progress lines "[dirs blocks]" every 100 directories and
// "********Directory has unusual size" (which it does not count).
func isovfyProblems(out string) []string {
	var bad []string
	sc := bufio.NewScanner(strings.NewReader(out))
	progress := regexp.MustCompile(`^\[\d+ \d+\]$`)
	ok := false
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "Root at extent "), progress.MatchString(l):
		case l == "No errors found":
			ok = true
		default:
			bad = append(bad, l)
		}
	}
	if !ok && len(bad) == 0 {
		bad = append(bad, "(no \"No errors found\")")
	}
	if ok && len(bad) > 0 {
		bad = append(bad, "(and yet \"No errors found\")")
	}
	return bad
}
