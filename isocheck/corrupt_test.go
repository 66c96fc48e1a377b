package isocheck_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"spindle/iso9660"
	"spindle/iso9660/eltorito"
	"spindle/isocheck"
)

// corruptLongName needs an NM entry continued in a continuation area, and
// corruptLongTarget an SL entry too long for the directory record.
var (
	corruptLongName   = strings.Repeat("a rather long file name ", 9)
	corruptLongTarget = strings.Repeat("very/long/symbolic/link/target/", 12) + "end"
)

// corruptBase builds the small image TestCorruptTargeted corrupts: a
// subdirectory, a name and a symbolic link target that need continuation
// areas, and a no-emulation El Torito boot entry, with Rock Ridge and Joliet.
func corruptBase(t *testing.T) []byte {
	t.Helper()
	tree := iso9660.NewTree()
	add := func(p string, spec iso9660.FileSpec) {
		t.Helper()
		spec.ModTime = when
		if spec.Mode.IsRegular() {
			spec.Open = content(strings.Repeat("y", int(spec.Size)))
		}
		if err := tree.AddFile(p, spec); err != nil {
			t.Fatal(err)
		}
	}
	add("top.txt", iso9660.FileSpec{Mode: 0o644, Size: 100})
	add("sub/inner.txt", iso9660.FileSpec{Mode: 0o644, Size: 3000})
	add("sub/deeper/leaf.txt", iso9660.FileSpec{Mode: 0o644, Size: 10})
	add(corruptLongName, iso9660.FileSpec{Mode: 0o644, Size: 5})
	add("longlink", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, Target: corruptLongTarget})
	for i := range 40 {
		add(fmt.Sprintf("many/file%02d.txt", i), iso9660.FileSpec{Mode: 0o644, Size: 1})
	}
	add("boot.img", iso9660.FileSpec{Mode: 0o644, Size: 2048})
	return write(t, tree, &iso9660.Options{
		RockRidge: iso9660.RockRidgeKeep, Joliet: true, NoPad: true, Now: when,
		Boot:        []iso9660.BootEntry{{Image: "boot.img", Emulation: eltorito.NoEmulation}},
		BootCatalog: "boot.cat",
	})
}

// descriptor returns the byte offset of the first volume descriptor of
// type typ (ECMA-119 §8.1.1) in the set that starts at block 16.
func descriptor(t *testing.T, img []byte, typ byte) int64 {
	t.Helper()
	for blk := int64(16); (blk+1)*bs <= int64(len(img)); blk++ {
		off := blk * bs
		if string(img[off+1:off+6]) != "CD001" || img[off] == 255 {
			break
		}
		if img[off] == typ {
			return off
		}
	}
	t.Fatalf("no volume descriptor of type %d", typ)
	return 0
}

// suspEntries returns the offsets of all System Use entries sig of the
// record at rec, in its System Use field and the continuation areas its
// CE entries name (SUSP 1.12 §5.1).
func suspEntries(img []byte, rec int64, sig string) []int64 {
	var found []int64
	off, n := systemUse(img, rec)
	for hop := 0; hop < 8; hop++ {
		var next int64 = -1
		var nextLen int
		for p := off; p+4 <= off+int64(n) && img[p+2] >= 4; p += int64(img[p+2]) {
			if string(img[p:p+2]) == sig {
				found = append(found, p)
			}
			if string(img[p:p+2]) == "CE" {
				next = int64(binary.LittleEndian.Uint32(img[p+4:]))*bs + int64(binary.LittleEndian.Uint32(img[p+12:]))
				nextLen = int(binary.LittleEndian.Uint32(img[p+20:]))
			}
		}
		if next < 0 {
			break
		}
		off, n = next, nextLen
	}
	return found
}

// TestCorruptTargeted applies one corruption per case to a small valid
// image and checks that Check reports it as an error, and where the case
// knows the byte concerned, at that offset.
func TestCorruptTargeted(t *testing.T) {
	base := corruptBase(t)
	if r := check(t, base); !r.OK() || r.Warnings != 0 || !r.RockRidge || !r.Joliet || !r.ElTorito {
		logProblems(t, r)
		t.Fatalf("the base image: %+v", r)
	}
	// Where things are, found from the image itself (ECMA-119 §8.4).
	pvd := descriptor(t, base, 1)
	svd := descriptor(t, base, 2)
	bootRec := descriptor(t, base, 0)
	vol := binary.LittleEndian.Uint32(base[pvd+80:])
	rootExt := binary.LittleEndian.Uint32(base[pvd+156+2:])
	lTable := int64(binary.LittleEndian.Uint32(base[pvd+140:])) * bs
	catalog := int64(binary.LittleEndian.Uint32(base[bootRec+0x47:])) * bs
	top := info(t, base, iso9660.NamesPlain, "TOP.TXT")
	sub := info(t, base, iso9660.NamesPlain, "SUB")
	inner := info(t, base, iso9660.NamesPlain, "SUB/INNER.TXT")
	long := info(t, base, iso9660.NamesRockRidge, corruptLongName)
	link := info(t, base, iso9660.NamesRockRidge, "longlink")
	subDot := int64(sub.Extents[0].LBA) * bs
	ce := findSUSP(t, base, long.Record, "CE")
	if su, n := systemUse(base, long.Record); len(suspEntries(base, long.Record, "NM")) == 0 ||
		slices.Max(suspEntries(base, long.Record, "NM")) < su+int64(n) {
		t.Fatal("the long name is not continued in a continuation area")
	}
	sls := suspEntries(base, link.Record, "SL")
	if len(sls) == 0 {
		t.Fatal("no SL entry")
	}
	// The path table's second entry (ECMA-119 §9.4): after the root's,
	// whose identifier is 1 byte long, padded to 2.
	pt2 := lTable + 8 + 2
	// The last record in the first block of MANY, and where the records
	// of that block end (ECMA-119 §6.8.1.1: a record does not cross a
	// block boundary); lengthening that record by the free bytes plus one
	// takes it past the block's end.
	many := int64(info(t, base, iso9660.NamesPlain, "MANY").Extents[0].LBA) * bs
	lastInBlock, endOfRecords := many, int64(0)
	for p := int64(0); p < bs && base[many+p] != 0; p += int64(base[many+p]) {
		lastInBlock, endOfRecords = many+p, p+int64(base[many+p])
	}
	if n := int(base[lastInBlock]) + bs - int(endOfRecords) + 1; n > 255 {
		t.Fatalf("the last record of MANY's first block cannot reach the block's end (%d bytes)", n)
	}
	const anywhere = -1

	for _, tc := range []struct {
		name      string
		corrupt   func(img []byte)
		sev       isocheck.Severity
		structure string
		at        int64 // the problem's offset, or anywhere
	}{
		{"volume space size too small", func(img []byte) {
			// The volume ends where INNER.TXT's data begins.
			put32(img[pvd+80:], inner.Extents[0].LBA+1)
		}, isocheck.Error, "directory record", inner.Record + 2},
		{"volume space size below the descriptors", func(img []byte) {
			put32(img[pvd+80:], 17)
		}, isocheck.Error, "primary volume descriptor", pvd + 80},
		{"volume space size too large", func(img []byte) {
			put32(img[pvd+80:], vol+10)
		}, isocheck.Error, "image", int64(len(base))},
		{"path table L beyond the volume", func(img []byte) {
			binary.LittleEndian.PutUint32(img[pvd+140:], vol+5)
		}, isocheck.Error, "primary volume descriptor", pvd + 140},
		{"path table M beyond the volume", func(img []byte) {
			binary.BigEndian.PutUint32(img[pvd+148:], vol+5)
		}, isocheck.Error, "primary volume descriptor", pvd + 148},
		{"root extent beyond the volume", func(img []byte) {
			put32(img[pvd+156+2:], vol+1)
		}, isocheck.Error, "directory", pvd + 156},
		{"path table parent out of range", func(img []byte) {
			binary.LittleEndian.PutUint16(img[pt2+6:], 99)
		}, isocheck.Error, "path table (L)", pt2},
		{"dot record length 0", func(img []byte) {
			img[subDot] = 0
		}, isocheck.Error, "directory", subDot},
		{"record length past the block end", func(img []byte) {
			img[lastInBlock] += byte(bs - endOfRecords + 1)
		}, isocheck.Error, "directory", lastInBlock},
		{"directory extent beyond the volume", func(img []byte) {
			put32(img[sub.Record+2:], vol+4)
		}, isocheck.Error, "directory", sub.Record},
		{"file data length beyond the volume", func(img []byte) {
			put32(img[inner.Record+10:], (vol+1)*bs)
		}, isocheck.Error, "directory record", inner.Record + 2},
		{"dot record points elsewhere", func(img []byte) {
			put32(img[subDot+2:], rootExt)
		}, isocheck.Error, "directory", subDot + 2},
		{"identifier longer than the record", func(img []byte) {
			img[top.Record+32] = 200
		}, isocheck.Error, "directory record", top.Record},
		{"SUSP entry length 0", func(img []byte) {
			img[findSUSP(t, img, top.Record, "PX")+2] = 0
		}, isocheck.Error, "SUSP area", findSUSP(t, base, top.Record, "PX") + 2},
		{"SUSP entry past the System Use area", func(img []byte) {
			img[findSUSP(t, img, top.Record, "TF")+2] = 200
		}, isocheck.Error, "SUSP area", findSUSP(t, base, top.Record, "TF") + 2},
		{"CE beyond the volume", func(img []byte) {
			put32(img[ce+4:], vol+1)
		}, isocheck.Error, "continuation area", ce + 4},
		// Reported as a Warning by design (susp.go: Linux ignores such
		// areas, others read them); the overlaps it causes here are
		// errors of their own.
		{"CE length past its block", func(img []byte) {
			put32(img[ce+20:], bs)
		}, isocheck.Warning, "SUSP area", ce},
		{"NM with CURRENT and a name", func(img []byte) {
			img[findSUSP(t, img, top.Record, "NM")+4] = 0x02
		}, isocheck.Error, "SUSP area", findSUSP(t, base, top.Record, "NM") + 4},
		{"NM with CURRENT and PARENT", func(img []byte) {
			nm := findSUSP(t, img, top.Record, "NM")
			img[nm+4] = 0x06
		}, isocheck.Error, "SUSP area", findSUSP(t, base, top.Record, "NM") + 4},
		{"NM with PARENT in a file's record", func(img []byte) {
			// A 5-byte NM "..", the rest of the old entry an unknown one.
			nm := findSUSP(t, img, top.Record, "NM")
			n := img[nm+2]
			copy(img[nm:], []byte{'N', 'M', 5, 1, 0x04, 'Z', 'Z', n - 5, 1})
		}, isocheck.Error, "SUSP area", findSUSP(t, base, top.Record, "NM") + 4},
		{"SL component past its entry", func(img []byte) {
			img[sls[0]+5+1] = 250 // the first component's length
		}, isocheck.Error, "SUSP area", sls[0] + 5},
		{"Joliet escape sequence missing", func(img []byte) {
			// Without it the descriptor is a plain supplementary one, whose
			// UCS-2 identifiers hold NUL bytes.
			copy(img[svd+88:svd+91], []byte{0, 0, 0})
		}, isocheck.Error, "supplementary directory record", anywhere},
		{"validation entry checksum", func(img []byte) {
			img[catalog+28] ^= 0x55
		}, isocheck.Error, "boot catalog", catalog + 28},
		{"validation entry header ID", func(img []byte) {
			img[catalog] = 2
			img[catalog+28]-- // keep the checksum
		}, isocheck.Error, "boot catalog", catalog},
		{"default entry boot indicator", func(img []byte) {
			img[catalog+32] = 0x12
		}, isocheck.Error, "boot catalog", catalog + 32},
		{"validation entry key bytes", func(img []byte) {
			img[catalog+30] = 0
		}, isocheck.Error, "boot catalog", catalog + 30},
		{"boot catalog pointer beyond the volume", func(img []byte) {
			binary.LittleEndian.PutUint32(img[bootRec+0x47:], vol+1)
		}, isocheck.Error, "boot record", bootRec + 0x47},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := bytes.Clone(base)
			tc.corrupt(img)
			r := check(t, img)
			found := false
			for _, p := range r.Problems {
				if p.Severity == tc.sev && strings.Contains(p.Structure, tc.structure) && (tc.at == anywhere || p.Offset == tc.at) {
					found = true
					break
				}
			}
			if !found || testing.Verbose() {
				logProblems(t, r)
			}
			if !found {
				t.Errorf("no %v in %q at byte %d", tc.sev, tc.structure, tc.at)
			}
			if tc.sev == isocheck.Error && r.OK() {
				t.Error("OK() on a corrupted image")
			}
		})
	}
}
