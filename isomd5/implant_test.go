package isomd5_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"spindle/iso9660"
	"spindle/isomd5"
)

func implantFile(t testing.TB, path string, opt *isomd5.ImplantOptions) error {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return isomd5.Implant(context.Background(), f, st.Size(), opt)
}

func checkFile(t testing.TB, path string) *isomd5.ImplantResult {
	t.Helper()
	f, size := openImage(t, path)
	res, err := isomd5.CheckImplanted(context.Background(), f, size, nil)
	if err != nil {
		t.Fatalf("CheckImplanted %s: %v", filepath.Base(path), err)
	}
	return res
}

// checkisomd5 runs the reference checker and reports whether it passed.
func checkisomd5(t testing.TB, path string) bool {
	t.Helper()
	out, rc := toolResult(t, "", "checkisomd5", "--verbose", path)
	switch {
	case rc == 0 && strings.Contains(out, "the result is: PASS"):
		return true
	case rc == 1:
		return false
	}
	t.Fatalf("checkisomd5 %s: exit status %d\n%s", filepath.Base(path), rc, tail(out))
	return false
}

// genImage makes an image of a tree with bigKB kB in its largest file.
func genImage(t testing.TB, bigKB int) string {
	t.Helper()
	src := makeTree(t, bigKB)
	out := filepath.Join(t.TempDir(), "gen.iso")
	runTool(t, "genisoimage", "-quiet", "-R", "-J", "-o", out, src)
	return out
}

// ourImage makes an image of a tree with spindle's writer.
func ourImage(t testing.TB, bigKB int) string {
	t.Helper()
	src := makeTree(t, bigKB)
	tree := iso9660.NewTree()
	if err := tree.AddFS("", os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	w, err := iso9660.NewWriter(tree, &iso9660.Options{RockRidge: iso9660.RockRidgeRationalize, Joliet: true,
		Now: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "ours.iso")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteTo(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImplantInterop(t *testing.T) {
	needTool(t, "implantisomd5")
	needTool(t, "checkisomd5")
	for _, tc := range []struct {
		name  string
		make  func(testing.TB, int) string
		bigKB int
		// small images have fragments no 32 KiB chunk starts in:
		// implantisomd5 then packs its fragment sums and checkisomd5
		// rejects the result; ours places them where checkisomd5 looks.
		small bool
	}{
		// genisoimage writes the Application Use field as spaces,
		// spindle as zero bytes, which implantisomd5 takes for a field
		// in use (--force).
		{"genisoimage/small", genImage, 1, true},
		{"genisoimage/1MB", genImage, 1000, false},
		{"genisoimage/5MB", genImage, 5000, false},
		{"spindle/small", ourImage, 100, true},
		{"spindle/3MB", ourImage, 3000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := tc.make(t, tc.bigKB)
			dir := t.TempDir()
			theirs, ours := filepath.Join(dir, "theirs.iso"), filepath.Join(dir, "ours.iso")
			copyFile(t, base, theirs)
			copyFile(t, base, ours)
			if strings.HasPrefix(tc.name, "spindle") {
				runTool(t, "implantisomd5", "--force", theirs)
			} else {
				runTool(t, "implantisomd5", theirs)
			}
			if err := implantFile(t, ours, nil); err != nil {
				t.Fatal(err)
			}

			// Same MD5; the same field byte for byte where implantisomd5
			// gets its fragment sums right.
			rt, ro := checkFile(t, theirs), checkFile(t, ours)
			if !rt.Found || !ro.Found {
				t.Fatalf("found: theirs %v ours %v", rt.Found, ro.Found)
			}
			if rt.Expected != ro.Expected {
				t.Errorf("implanted MD5: implantisomd5 %s, ours %s", rt.Expected, ro.Expected)
			}
			bt, _ := os.ReadFile(theirs)
			bo, _ := os.ReadFile(ours)
			if !tc.small && !bytes.Equal(bt, bo) {
				t.Errorf("images differ after implanting:\nimplantisomd5: %q\nours:          %q",
					bt[16*2048+883:16*2048+883+230], bo[16*2048+883:16*2048+883+230])
			}

			// Both checkers agree on both images.
			if !ro.Pass {
				t.Errorf("our check of our implant failed: %+v", ro)
			}
			if !checkisomd5(t, ours) {
				t.Errorf("checkisomd5 rejects our implant")
			}
			if got, want := rt.Pass, checkisomd5(t, theirs); got != want || got == tc.small {
				t.Errorf("implantisomd5's implant: our verdict %v, checkisomd5 %v (small image %v)", got, want, tc.small)
			}

			// Our own field, checked a second time with --md5sumonly: the
			// values checkisomd5 reads are the ones we parse.
			out := runTool(t, "checkisomd5", "--md5sumonly", ours)
			if !strings.Contains(out, ro.AppUse.MD5) || !strings.Contains(out, "Fragment sums: "+ro.AppUse.FragmentSums) ||
				!strings.Contains(out, "Fragment count: 20") || !strings.Contains(out, "Supported ISO: no") {
				t.Errorf("checkisomd5 --md5sumonly:\n%s\nours: %+v", out, ro.AppUse)
			}

			// A damaged byte in the checksummed range fails both checks;
			// one in the 15 skipped blocks at the end fails neither.
			size := int64(len(bo))
			volume := ro.VolumeSize
			for _, c := range []struct {
				name string
				off  int64
				pass bool
			}{
				{"first block", 100, false},
				{"middle", volume / 2, false},
				{"last checked byte", volume - 15*2048 - 1, false},
				{"skipped blocks", volume - 15*2048 + 10, true},
			} {
				if c.off >= size {
					continue
				}
				bad := filepath.Join(dir, "bad.iso")
				copyFile(t, ours, bad)
				flipByte(t, bad, c.off)
				if got := checkFile(t, bad).Pass; got != c.pass {
					t.Errorf("%s (byte %d): our verdict %v, want %v", c.name, c.off, got, c.pass)
				}
				if got := checkisomd5(t, bad); got != c.pass {
					t.Errorf("%s (byte %d): checkisomd5 verdict %v, want %v", c.name, c.off, got, c.pass)
				}
			}

			// A second implant is refused unless forced; forced, it gives
			// the same field.
			if err := implantFile(t, ours, nil); !errors.Is(err, isomd5.ErrAppUseInUse) {
				t.Errorf("second Implant: %v, want ErrAppUseInUse", err)
			}
			if err := implantFile(t, ours, &isomd5.ImplantOptions{Force: true}); err != nil {
				t.Fatal(err)
			}
			if again, _ := os.ReadFile(ours); !bytes.Equal(again, bo) {
				t.Errorf("forced implant changed the image")
			}
			out, rc := toolResult(t, "", "implantisomd5", ours)
			if rc == 0 {
				t.Errorf("implantisomd5 overwrote our implant without --force:\n%s", out)
			}
		})
	}
}

func TestImplantSupported(t *testing.T) {
	needTool(t, "implantisomd5")
	base := genImage(t, 1000)
	dir := t.TempDir()
	theirs, ours := filepath.Join(dir, "theirs.iso"), filepath.Join(dir, "ours.iso")
	copyFile(t, base, theirs)
	copyFile(t, base, ours)
	runTool(t, "implantisomd5", "--supported-iso", theirs)
	if err := implantFile(t, ours, &isomd5.ImplantOptions{Supported: true}); err != nil {
		t.Fatal(err)
	}
	bt, _ := os.ReadFile(theirs)
	bo, _ := os.ReadFile(ours)
	if !bytes.Equal(bt, bo) {
		t.Errorf("--supported-iso: images differ")
	}
	if r := checkFile(t, ours); !r.Pass || r.AppUse.Supported != 1 || !r.AppUse.HasSupported {
		t.Errorf("check: %+v %+v", r, r.AppUse)
	}
}

// TestImplantHasherStreaming checks that a writer streaming an image
// through ImplantHasher gets the field Implant records.
func TestImplantHasherStreaming(t *testing.T) {
	for _, blocks := range []uint32{10, 20, 200, 400, 1000, 5000} {
		img := syntheticImage(blocks, 0)
		h := isomd5.NewImplantHasher(16*2048, blocks)
		for p := img; len(p) > 0; {
			n := min(len(p), 1+len(p)%7777)
			h.Write(p[:n])
			p = p[n:]
		}
		field, err := h.AppUse(false)
		if err != nil {
			t.Fatal(err)
		}
		f := &memFile{b: append([]byte(nil), img...)}
		if err := isomd5.Implant(context.Background(), f, int64(len(img)), nil); err != nil {
			t.Fatal(err)
		}
		if got := f.b[16*2048+883 : 16*2048+883+512]; !bytes.Equal(got, field[:]) {
			t.Errorf("%d blocks: streamed field\n%q\nImplant\n%q", blocks, field[:], got)
		}
		res, err := isomd5.CheckImplanted(context.Background(), f, int64(len(f.b)), nil)
		if err != nil || !res.Pass {
			t.Errorf("%d blocks: check %+v, %v", blocks, res, err)
		}
		// The whole-image MD5 matches an independent computation.
		want := md5.New()
		covered := max(int64(blocks)-15, 0) * 2048
		blank := append([]byte(nil), img[:covered]...)
		if covered > 16*2048+883 {
			copy(blank[16*2048+883:], bytes.Repeat([]byte(" "), 512))
		}
		want.Write(blank)
		if got := hex.EncodeToString(want.Sum(nil)); res.Computed != got {
			t.Errorf("%d blocks: MD5 %s, want %s", blocks, res.Computed, got)
		}
	}
}

// syntheticImage is a volume of blocks blocks (plus extra bytes after
// it): pseudo-random bytes with a primary volume descriptor at block 16
// recording the volume size and an Application Use field of spaces.
func syntheticImage(blocks uint32, extra int) []byte {
	n := max(int(blocks), 18)*2048 + extra
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	pvd := b[16*2048 : 17*2048]
	pvd[0] = 1
	copy(pvd[1:], "CD001")
	pvd[6] = 1
	pvd[80], pvd[81], pvd[82], pvd[83] = byte(blocks), byte(blocks>>8), byte(blocks>>16), byte(blocks>>24)
	pvd[84], pvd[85], pvd[86], pvd[87] = byte(blocks>>24), byte(blocks>>16), byte(blocks>>8), byte(blocks)
	copy(pvd[883:883+512], bytes.Repeat([]byte(" "), 512))
	term := b[17*2048 : 18*2048]
	term[0] = 255
	copy(term[1:], "CD001")
	return b
}

type memFile struct{ b []byte }

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

func (m *memFile) WriteAt(p []byte, off int64) (int, error) {
	if end := off + int64(len(p)); end > int64(len(m.b)) {
		m.b = append(m.b, make([]byte, end-int64(len(m.b)))...)
	}
	return copy(m.b[off:], p), nil
}

func TestCheckImplantedNotFound(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		img  []byte
	}{
		{"empty", nil},
		{"short", make([]byte, 1000)},
		{"zeros, no terminator", make([]byte, 300*2048)},
		{"no implant", syntheticImage(100, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := isomd5.CheckImplanted(ctx, bytes.NewReader(tc.img), int64(len(tc.img)), nil)
			if err != nil || res.Found || res.Pass {
				t.Errorf("got %+v, %v; want not found", res, err)
			}
		})
	}
	// Implant refuses images without a descriptor and truncated images.
	if err := isomd5.Implant(ctx, &memFile{b: make([]byte, 40*2048)}, 40*2048, nil); !errors.Is(err, isomd5.ErrNoPVD) {
		t.Errorf("Implant without PVD: %v", err)
	}
	img := syntheticImage(1000, 0)
	if err := isomd5.Implant(ctx, &memFile{b: img[:500*2048]}, 500*2048, nil); !errors.Is(err, isomd5.ErrTruncated) {
		t.Errorf("Implant of a truncated image: %v", err)
	}
}

// TestCheckImplantedTruncated: an image shorter than its volume space is
// hashed as far as it goes and fails, as with checkisomd5.
func TestCheckImplantedTruncated(t *testing.T) {
	f := &memFile{b: syntheticImage(2000, 0)}
	if err := isomd5.Implant(context.Background(), f, int64(len(f.b)), nil); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1000 * 2048, 1985*2048 - 1} {
		res, err := isomd5.CheckImplanted(context.Background(), bytes.NewReader(f.b[:n]), int64(n), nil)
		if err != nil || !res.Found || res.Pass || res.Hashed > int64(n) {
			t.Errorf("%d bytes: %+v, %v", n, res, err)
		}
	}
}

func TestCheckImplantedCancel(t *testing.T) {
	f := &memFile{b: syntheticImage(3000, 0)}
	if err := isomd5.Implant(context.Background(), f, int64(len(f.b)), nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := isomd5.CheckImplanted(ctx, f, int64(len(f.b)), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled check: %v", err)
	}
	var last, total int64
	res, err := isomd5.CheckImplanted(context.Background(), f, int64(len(f.b)), func(d, t int64) { last, total = d, t })
	if err != nil || !res.Pass || last != total || total != (3000-15)*2048 {
		t.Errorf("progress %d/%d, %+v, %v", last, total, res, err)
	}
}

func TestParseAppUse(t *testing.T) {
	md5s := strings.Repeat("0123456789abcdef", 2)
	sums := strings.Repeat("abc", 20)
	pad := func(s string) []byte {
		b := bytes.Repeat([]byte(" "), 512)
		copy(b, s)
		return b
	}
	for _, tc := range []struct {
		name string
		text string
		want *isomd5.AppUse // nil: not implanted
	}{
		{"implantisomd5", "ISO MD5SUM = " + md5s + ";SKIPSECTORS = 15;RHLISOSTATUS=1;FRAGMENT SUMS = " + sums + ";FRAGMENT COUNT = 20;THIS IS NOT THE SAME",
			&isomd5.AppUse{MD5: md5s, SkipSectors: 15, Supported: 1, HasSupported: true, FragmentSums: sums, FragmentCount: 20, HasFragmentCount: true}},
		{"old, no fragments", "ISO MD5SUM = " + md5s + ";SKIPSECTORS = 15;",
			&isomd5.AppUse{MD5: md5s, SkipSectors: 15, FragmentCount: 20}},
		{"keys anywhere, any order", "xxSKIPSECTORS = 0;yy ISO MD5SUM = " + md5s + "trailing;FRAGMENT COUNT = 3;",
			&isomd5.AppUse{MD5: md5s, SkipSectors: 0, FragmentCount: 3, HasFragmentCount: true}},
		{"strtol: space and sign", "ISO MD5SUM = " + md5s + ";SKIPSECTORS =  -2;",
			&isomd5.AppUse{MD5: md5s, SkipSectors: -2, FragmentCount: 20}},
		{"strtol: empty is 0", "ISO MD5SUM = " + md5s + ";SKIPSECTORS = ;",
			&isomd5.AppUse{MD5: md5s, SkipSectors: 0, FragmentCount: 20}},
		{"bad number is no key", "ISO MD5SUM = " + md5s + ";SKIPSECTORS = 1x;", nil},
		{"no skip", "ISO MD5SUM = " + md5s + ";", nil},
		{"no md5", "SKIPSECTORS = 15;", nil},
		{"spaces", "", nil},
		{"md5 runs off the field", strings.Repeat(" ", 470) + "ISO MD5SUM = " + md5s + ";SKIPSECTORS = 1;", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := isomd5.ParseAppUse(pad(tc.text))
			if tc.want == nil {
				if !errors.Is(err, isomd5.ErrNotImplanted) {
					t.Errorf("got %+v, %v; want ErrNotImplanted", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *got != *tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
