package iso9660_test

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"spindle/iso9660"
)

// rdSystemArea is the size of the 16-block system area (ECMA-119 §6.2.1)
// that begins every image. The reader never reads it, so FuzzOpen's inputs
// leave it out: the harness puts it back as zeros. Inputs are then small
// enough for the fuzzer to mutate and minimize quickly.
const rdSystemArea = 16 * iso9660.BlockSize

// rdFuzzSeeds returns small images (without their system area): some of
// our writer's (Rock Ridge, Joliet, relocated directories, continuation
// areas, hard links, both RRIP versions) and the start of every fixture.
func rdFuzzSeeds(t testing.TB) [][]byte {
	tree := iso9660.NewTree()
	when := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	add := func(p string, spec iso9660.FileSpec) {
		spec.ModTime = when
		if err := tree.AddFile(p, spec); err != nil {
			t.Fatal(err)
		}
	}
	add("a/b/c/d/e/f/g/h/i/deep.txt", iso9660.FileSpec{Mode: 0o644, Size: 5, Open: reader("deep\n")})
	add(strings.Repeat("long name ", 20), iso9660.FileSpec{Mode: 0o600, Size: 3000, Open: reader(strings.Repeat("x", 3000))})
	add("link", iso9660.FileSpec{Mode: fs.ModeSymlink | 0o777, Target: strings.Repeat("../t/", 60) + "end"})
	add("dev/null", iso9660.FileSpec{Mode: fs.ModeDevice | fs.ModeCharDevice | 0o666})
	add("empty", iso9660.FileSpec{Mode: 0o644})
	var seeds [][]byte
	for _, opt := range []iso9660.Options{
		{RockRidge: iso9660.RockRidgeKeep, Joliet: true},
		{RockRidge: iso9660.RockRidgeKeep, RRVersion: iso9660.RRIP110},
		{Joliet: true},
		{},
	} {
		opt.NoPad, opt.Now = true, when
		seeds = append(seeds, rdWrite(t, tree, &opt)[rdSystemArea:])
	}
	dir := filepath.Join(rdModuleRoot(t), "..", "shared", "testdata", "iso")
	files, _ := filepath.Glob(filepath.Join(dir, "*.iso.gz"))
	for _, f := range files {
		b := rdFixtureData(t, strings.TrimSuffix(filepath.Base(f), ".iso.gz"))
		if len(b) > rdSystemArea {
			seeds = append(seeds, b[rdSystemArea:min(len(b), rdSystemArea+64<<10)])
		}
	}
	return seeds
}

// rdFuzzOne opens the image (data behind a zero system area) in every
// view it has and reads all of it, with a budget on the bytes read. Every
// error must be a FormatError, or one of the path errors a tree can give
// (a link to nowhere, a link loop).
func rdFuzzOne(t *testing.T, data []byte) {
	data = append(make([]byte, rdSystemArea, rdSystemArea+len(data)), data...)
	start := time.Now()
	// A hang is a crash: the fuzzer then keeps the input.
	watchdog := time.AfterFunc(20*time.Second, func() { panic("FuzzOpen: input still being read after 20s") })
	defer watchdog.Stop()
	// Session discovery reads only descriptors; it must end, and say
	// nothing beyond the image.
	if ss, err := iso9660.Sessions(bytes.NewReader(data), int64(len(data))); err == nil {
		for _, s := range ss {
			if int64(s.Start)*iso9660.BlockSize > int64(len(data)) {
				t.Errorf("session at block %d of a %d-byte image", s.Start, len(data))
			}
		}
	}
	views := []iso9660.NameView{iso9660.NamesAuto, iso9660.NamesPlain, iso9660.NamesJoliet}
	for _, view := range views {
		im, err := iso9660.Open(bytes.NewReader(data), int64(len(data)), &iso9660.ReadOptions{Names: view})
		if err != nil {
			if !errors.Is(err, iso9660.ErrFormat) && !errors.Is(err, iso9660.ErrNoExtension) {
				t.Fatalf("Open(%v): unexpected error %v", view, err)
			}
			if view == iso9660.NamesAuto {
				return
			}
			continue
		}
		_ = im.Volume()
		if err := rdWalkAll(im, 4<<20); err != nil && !errors.Is(err, iso9660.ErrFormat) &&
			!errors.Is(err, fs.ErrNotExist) && !strings.Contains(err.Error(), "symbolic links") {
			t.Fatalf("%v view: unexpected error %v", view, err)
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("reading a %d-byte image took %v", len(data), d)
	}
}

// FuzzOpen feeds arbitrary images to Open and walks whatever opens: no
// panic, no hang, only FormatErrors. The input is the image from block 16
// on (see rdSystemArea).
func FuzzOpen(f *testing.F) {
	for _, s := range rdFuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(rdFuzzOne)
}
