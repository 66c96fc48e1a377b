package cd

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"spindle/internal/testtool"
)

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func encoded(t testing.TB, lba LBA, mode SectorMode, user []byte, sub [4]byte) *[RawSectorSize]byte {
	t.Helper()
	var s [RawSectorSize]byte
	if err := EncodeSector(&s, lba, mode, user, sub); err != nil {
		t.Fatal(err)
	}
	return &s
}

// checkImage verifies every sector of a raw image with CheckSector and that
// re-encoding its user data reproduces it byte for byte; it returns how
// many sectors of each mode it saw.
func checkImage(t *testing.T, img []byte, firstLBA LBA) map[SectorMode]int {
	t.Helper()
	if len(img)%RawSectorSize != 0 {
		t.Fatalf("image size %d is not a multiple of %d", len(img), RawSectorSize)
	}
	modes := map[SectorMode]int{}
	for i := range len(img) / RawSectorSize {
		raw := (*[RawSectorSize]byte)(img[i*RawSectorSize:])
		want := AnyLBA
		if firstLBA != AnyLBA {
			want = firstLBA + LBA(i)
		}
		c := CheckSector(raw, want)
		if !c.OK() {
			t.Fatalf("sector %d: %+v", i, c)
		}
		modes[c.Mode]++
		user, err := UserData(raw[:], c.Mode)
		if err != nil {
			t.Fatal(err)
		}
		re := encoded(t, c.Address.LBA(), c.Mode, user, c.Subheader)
		if *re != *raw {
			d := diffOffsets(re, raw)
			t.Fatalf("sector %d (%v): re-encoded sector differs at %d bytes, first at %d", i, c.Mode, len(d), d[0])
		}
	}
	return modes
}

// TestLibcdioMode1Image checks every sector of libcdio's isofs-m1.bin, a
// MODE1/2352 track written by another encoder: sync, header address, EDC
// and ECC must pass, and re-encoding each sector's user data must give the
// same 2352 bytes.
func TestLibcdioMode1Image(t *testing.T) {
	img := fixture(t, "cuetoc/libcdio/isofs-m1.bin")
	modes := checkImage(t, img, 0)
	if modes[Mode1] != len(img)/RawSectorSize {
		t.Fatalf("modes %v", modes)
	}
	// The volume descriptor at LBA 16 says CD001.
	user, _ := UserData(img[16*RawSectorSize:17*RawSectorSize], Mode1)
	if !bytes.Equal(user[1:6], []byte("CD001")) {
		t.Errorf("LBA 16 user data starts % X", user[:8])
	}
}

// TestVCDImagerMode2 checks sectors of a Video CD that GNU VCDImager's
// vcdxbuild wrote (see testdata/README.md): Mode 2 Form 1 sectors of its
// ISO 9660 file system and Form 2 sectors of its MPEG track, each with the
// EDC (and ECC) of that independent encoder.
func TestVCDImagerMode2(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "vcdimager-mode2.bin.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	img, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	modes := checkImage(t, img, AnyLBA)
	if modes[Mode2Form1] != 5 || modes[Mode2Form2] != 7 {
		t.Fatalf("modes %v", modes)
	}
}

// TestVCDImagerLive builds a whole Video CD with vcdxbuild (from an MPEG-1
// clip made by ffmpeg) and checks all of its sectors. It needs both tools.
func TestVCDImagerLive(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	for _, tool := range []string{"vcdxbuild", "ffmpeg"} {
		testtool.Need(t, tool)
	}
	dir := t.TempDir()
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	run("ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=352x288:rate=25",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "1", "-target", "pal-vcd", "m.mpg")
	r := rand.New(rand.NewPCG(3, 4))
	if err := os.WriteFile(filepath.Join(dir, "a.dat"), randomBytes(r, 100000), 0o644); err != nil {
		t.Fatal(err)
	}
	xml := `<?xml version="1.0"?>
<!DOCTYPE videocd PUBLIC "-//GNU//DTD VideoCD//EN" "http://www.gnu.org/software/vcdimager/videocd.dtd">
<videocd xmlns="http://www.gnu.org/software/vcdimager/1.0/" class="vcd" version="2.0">
  <info><album-id>TEST</album-id><volume-count>1</volume-count><volume-number>1</volume-number><restriction>0</restriction></info>
  <pvd><volume-id>TEST</volume-id><system-id>CD-RTOS CD-BRIDGE</system-id></pvd>
  <filesystem><folder><name>DATA</name><file src="a.dat"><name>A.DAT</name></file></folder></filesystem>
  <sequence-items><sequence-item src="m.mpg" id="seq-00"/></sequence-items>
</videocd>
`
	if err := os.WriteFile(filepath.Join(dir, "v.xml"), []byte(xml), 0o644); err != nil {
		t.Fatal(err)
	}
	run("vcdxbuild", "--cue-file=v.cue", "--bin-file=v.bin", "v.xml")
	img, err := os.ReadFile(filepath.Join(dir, "v.bin"))
	if err != nil {
		t.Fatal(err)
	}
	modes := checkImage(t, img, 0)
	if modes[Mode2Form1] == 0 || modes[Mode2Form2] == 0 {
		t.Fatalf("modes %v", modes)
	}
	t.Logf("modes %v", modes)
}

func TestEncodeCheckAllModes(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, mode := range []SectorMode{Mode0, Mode1, Mode2Formless, Mode2Form1, Mode2Form2} {
		t.Run(mode.String(), func(t *testing.T) {
			for _, lba := range []LBA{-150, 0, 16, 333000, -151, -45150} {
				user := randomBytes(r, mode.UserSize())
				sub := [4]byte{1, 2, SubmodeData, 0}
				s := encoded(t, lba, mode, user, sub)
				c := CheckSector(s, lba)
				wantMode := mode
				if !c.OK() || c.Mode != wantMode || len(c.Errors) != 0 {
					t.Fatalf("LBA %d: %+v", lba, c)
				}
				if c2 := CheckSector(s, lba+1); c2.HeaderOK {
					t.Fatalf("LBA %d: header matches LBA+1", lba)
				}
				got, err := UserData(s[:], mode)
				if err != nil || !bytes.Equal(got, user) {
					t.Fatalf("UserData: %v", err)
				}
				if n, ok := RepairSector(s); n != 0 || !ok {
					t.Fatalf("RepairSector of an intact sector: %d, %v", n, ok)
				}
				if mode == Mode2Form1 || mode == Mode2Form2 {
					wantSub := sub
					if mode == Mode2Form2 {
						wantSub[2] |= SubmodeForm2
					}
					if c.Subheader != wantSub || !bytes.Equal(s[16:20], s[20:24]) {
						t.Fatalf("subheader % X", s[16:24])
					}
				}
			}
		})
	}
	// The header of LBA 0 is 00:02:00 in BCD, mode 1; LBA -151 is in the
	// lead-in at 99:59:74.
	s := encoded(t, 0, Mode1, make([]byte, DataSectorSize), [4]byte{})
	if !bytes.Equal(s[:16], []byte{0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0x00, 0x02, 0x00, 0x01}) {
		t.Fatalf("sync/header % X", s[:16])
	}
	s = encoded(t, -151, Mode1, make([]byte, DataSectorSize), [4]byte{})
	if !bytes.Equal(s[12:16], []byte{0x99, 0x59, 0x74, 0x01}) {
		t.Fatalf("lead-in header % X", s[12:16])
	}
	// Audio is copied as is.
	audio := randomBytes(r, RawSectorSize)
	if s := encoded(t, 0, Audio, audio, [4]byte{}); !bytes.Equal(s[:], audio) {
		t.Fatal("audio not copied")
	}
}

func TestEncodeErrors(t *testing.T) {
	var s [RawSectorSize]byte
	cases := []struct {
		name string
		lba  LBA
		mode SectorMode
		n    int
	}{
		{"short mode 1", 0, Mode1, 2047},
		{"long form 2", 0, Mode2Form2, 2336},
		{"mode 0 with data", 0, Mode0, 1},
		{"unknown mode", 0, SectorMode(42), 2048},
		{"lba too far", 449850, Mode1, 2048},
		{"lba before lead-in", -45151, Mode1, 2048},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := EncodeSector(&s, tc.lba, tc.mode, make([]byte, tc.n), [4]byte{}); err == nil {
				t.Fatal("no error")
			}
		})
	}
	if err := EncodeSector(&s, 0, SectorMode(42), nil, [4]byte{}); !errors.Is(err, ErrSectorMode) {
		t.Fatalf("err = %v", err)
	}
	if _, err := UserData(s[:100], Mode1); err == nil {
		t.Fatal("UserData of a short sector")
	}
	if _, err := UserData(s[:], ModeUnknown); err == nil {
		t.Fatal("UserData of an unknown mode")
	}
}

// TestSingleByteErrors flips one byte at every offset of Mode 1 and
// Mode 2 Form 1 sectors: CheckSector must name that offset and
// RepairSector restore the sector, except where the format leaves bytes
// unprotected (the Form 1 header address).
func TestSingleByteErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, mode := range []SectorMode{Mode1, Mode2Form1} {
		t.Run(mode.String(), func(t *testing.T) {
			const lba = 1234
			orig := encoded(t, lba, mode, randomBytes(r, mode.UserSize()), [4]byte{0, 0, SubmodeData, 0})
			for pos := range RawSectorSize {
				s := *orig
				s[pos] ^= byte(1 + r.IntN(255))
				c := CheckSector(&s, lba)
				if c.OK() {
					t.Fatalf("offset %d: damage not seen", pos)
				}
				if mode == Mode2Form1 && pos >= syncSize && pos < syncSize+3 {
					// Address bytes: neither EDC nor ECC covers them.
					if c.HeaderOK || !c.EDCOK || !c.ECCOK || c.Mode != mode || len(c.Errors) != 0 {
						t.Fatalf("offset %d: %+v", pos, c)
					}
					continue
				}
				if !c.Repairable || !slices.Equal(c.Errors, []int{pos}) || c.Mode != mode {
					t.Fatalf("offset %d: %+v", pos, c)
				}
				switch {
				case pos < syncSize:
					if c.SyncOK {
						t.Fatalf("offset %d: SyncOK", pos)
					}
				case pos < syncSize+headerSize:
					if c.HeaderOK {
						t.Fatalf("offset %d: HeaderOK", pos)
					}
				case mode == Mode2Form1 && pos < xaDataStart:
					if c.SubheaderOK {
						t.Fatalf("offset %d: SubheaderOK", pos)
					}
				}
				if n, ok := RepairSector(&s); n != 1 || !ok || s != *orig {
					t.Fatalf("offset %d: RepairSector = %d, %v; restored %v", pos, n, ok, s == *orig)
				}
			}
		})
	}
}

// TestForm2Errors: Form 2 has only an EDC, so damage is seen but not
// repaired.
func TestForm2Errors(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	orig := encoded(t, 50, Mode2Form2, randomBytes(r, Form2DataSize), [4]byte{})
	for _, pos := range []int{16, 100, 2000, 2347, 2348, 2351} {
		s := *orig
		s[pos] ^= 0x10
		c := CheckSector(&s, 50)
		if c.OK() || c.Repairable || c.EDCOK {
			t.Fatalf("offset %d: %+v", pos, c)
		}
		if n, ok := RepairSector(&s); n != 0 || ok || s[pos] == orig[pos] {
			t.Fatalf("offset %d: RepairSector = %d, %v", pos, n, ok)
		}
	}
	// Without an EDC, a Form 2 sector is accepted as it is.
	s := *orig
	clear(s[form2EDCPos:])
	if c := CheckSector(&s, 50); !c.OK() || c.HasEDC || c.Mode != Mode2Form2 {
		t.Fatalf("no EDC: %+v", c)
	}
	// Sync damage is repaired.
	s = *orig
	s[5] = 0
	if n, ok := RepairSector(&s); n != 1 || !ok || s != *orig {
		t.Fatalf("sync: %d, %v", n, ok)
	}
}

// TestMultipleErrors: the product code corrects any two errors (two in one
// P codeword lie in two Q codewords), and a "rectangle" of four errors,
// two in each of two P and two Q codewords, defeats single-error
// correction: it must be reported, the sector left untouched.
func TestMultipleErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	orig := encoded(t, 7, Mode1, randomBytes(r, DataSectorSize), [4]byte{})
	at := func(row, col int) int { return eccStart + pRowBytes*row + col } // col in bytes
	t.Run("two in one P codeword", func(t *testing.T) {
		s := *orig
		s[at(3, 10)] ^= 0x01
		s[at(17, 10)] ^= 0x80
		c := CheckSector(&s, 7)
		if !c.Repairable || !slices.Equal(c.Errors, []int{at(3, 10), at(17, 10)}) {
			t.Fatalf("%+v", c)
		}
		if n, ok := RepairSector(&s); n != 2 || !ok || s != *orig {
			t.Fatalf("RepairSector = %d, %v", n, ok)
		}
	})
	t.Run("rectangle", func(t *testing.T) {
		// Word (row, n) is on diagonal (row-n) mod 26: rows r1, r2 of
		// column n and rows r1+k, r2+k of column n+k share P and Q
		// codewords pairwise.
		for _, tc := range [][4]int{{2, 9, 4, 3}, {0, 23, 0, 1}, {5, 6, 40, 2}, {10, 20, 0, 26}} {
			r1, r2, n, k := tc[0], tc[1], tc[2], tc[3]
			s := *orig
			for _, p := range []int{at(r1, 2*n), at(r2, 2*n), at(r1+k%26, 2*(n+k)), at(r2+k%26, 2*(n+k))} {
				if r1+k%26 >= pLen || r2+k%26 >= pLen {
					t.Fatalf("bad case %v", tc)
				}
				s[p] ^= 0x5A
			}
			damaged := s
			c := CheckSector(&s, 7)
			if c.OK() || c.Repairable || c.EDCOK || c.ECCOK || len(c.Errors) != 0 {
				t.Fatalf("%v: %+v", tc, c)
			}
			if n, ok := RepairSector(&s); n != 0 || ok || s != damaged {
				t.Fatalf("%v: RepairSector = %d, %v, changed %v", tc, n, ok, s != damaged)
			}
		}
	})
	t.Run("random", func(t *testing.T) {
		fixed, refused := 0, 0
		for range 3000 {
			s := *orig
			for range 1 + r.IntN(60) {
				s[r.IntN(RawSectorSize)] ^= byte(1 + r.IntN(255))
			}
			damaged := s
			c := CheckSector(&s, AnyLBA)
			n, ok := RepairSector(&s)
			if ok != c.Repairable || (ok && n != len(c.Errors)) {
				t.Fatalf("CheckSector %+v disagrees with RepairSector %d, %v", c, n, ok)
			}
			switch {
			case ok && s != *orig:
				t.Fatalf("repaired wrongly: %v", diffOffsets(&s, orig))
			case !ok && s != damaged:
				t.Fatal("failed repair changed the sector")
			case ok:
				fixed++
			default:
				refused++
			}
		}
		t.Logf("%d repaired, %d refused", fixed, refused)
	})
}

// TestModeByteDamage: a Mode 1 mode byte is covered by the ECC; a Form 1
// one is not, but the EDC identifies the form.
func TestModeByteDamage(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, mode := range []SectorMode{Mode1, Mode2Form1, Mode2Form2} {
		orig := encoded(t, 99, mode, randomBytes(r, mode.UserSize()), [4]byte{})
		for _, v := range []byte{0, 1, 2, 3, 0xFF} {
			if v == orig[15] {
				continue
			}
			s := *orig
			s[15] = v
			c := CheckSector(&s, 99)
			if c.OK() || c.HeaderOK || c.Mode != mode || !c.Repairable || !slices.Equal(c.Errors, []int{15}) {
				t.Fatalf("%v with mode byte %d: %+v", mode, v, c)
			}
			if n, ok := RepairSector(&s); n != 1 || !ok || s != *orig {
				t.Fatalf("%v with mode byte %d: RepairSector = %d, %v", mode, v, n, ok)
			}
		}
	}
}

func TestMode0AndAudio(t *testing.T) {
	orig := encoded(t, 3, Mode0, nil, [4]byte{})
	s := *orig
	s[100], s[2000] = 1, 2
	c := CheckSector(&s, 3)
	if c.Mode != Mode0 || c.OK() || !c.Repairable || !slices.Equal(c.Errors, []int{100, 2000}) {
		t.Fatalf("%+v", c)
	}
	if n, ok := RepairSector(&s); n != 2 || !ok || s != *orig {
		t.Fatalf("RepairSector = %d, %v", n, ok)
	}
	// Without a sync field a sector is audio, with nothing to check.
	r := rand.New(rand.NewPCG(15, 16))
	var a [RawSectorSize]byte
	copy(a[:], randomBytes(r, RawSectorSize))
	a[1] = 0
	if c := CheckSector(&a, AnyLBA); c.Mode != Audio || c.SyncOK {
		t.Fatalf("%+v", c)
	}
	// A sync field with an unknown mode byte and nothing that checks out.
	copy(a[:], syncPattern[:])
	a[15] = 7
	if c := CheckSector(&a, AnyLBA); c.Mode != ModeUnknown || c.OK() || c.Repairable {
		t.Fatalf("%+v", c)
	}
	if n, ok := RepairSector(&a); n != 0 || ok {
		t.Fatal("repaired an unknown sector")
	}
}

func TestModeStrings(t *testing.T) {
	for m, want := range map[SectorMode]string{Mode1: "mode 1", Mode2Form2: "mode 2 form 2", SectorMode(99): "SectorMode(99)"} {
		if m.String() != want {
			t.Errorf("%d: %q", int(m), m.String())
		}
	}
	if Mode0.UserSize() != 0 || Mode2Formless.UserSize() != Mode2SectorSize || Mode2Form2.UserSize() != Form2DataSize || SectorMode(-1).UserSize() != -1 {
		t.Error("UserSize")
	}
}

func TestBCD(t *testing.T) {
	for v := range uint8(100) {
		b := ToBCD(v)
		if got, ok := FromBCD(b); !ok || got != v {
			t.Fatalf("%d -> %02X -> %d, %v", v, b, got, ok)
		}
	}
	if _, ok := FromBCD(0x1A); ok {
		t.Error("FromBCD(1A) ok")
	}
	if _, err := MSFFromBCD([3]byte{0x00, 0x60, 0x00}); err == nil {
		t.Error("MSFFromBCD(00 60 00) ok")
	}
	if m, err := MSFFromBCD([3]byte{0x74, 0x59, 0x74}); err != nil || m != (MSF{74, 59, 74}) || m.BCD() != [3]byte{0x74, 0x59, 0x74} {
		t.Errorf("%v, %v", m, err)
	}
}

// edcBitwise computes the EDC from its definition: the sector's bits, least
// significant bit of each byte first, as a polynomial divided by P(x).
func edcBitwise(b []byte) uint32 {
	const poly = 1<<31 | 1<<16 | 1<<15 | 1<<4 | 1<<3 | 1<<1 | 1 // P(x) without x^32
	var reg uint32                                              // bit 31 holds x^31
	for _, v := range b {
		for i := range 8 {
			in := uint32(v>>i) & 1
			top := reg >> 31
			reg <<= 1
			if top^in != 0 {
				reg ^= poly
			}
		}
	}
	// The EDC field is sent in the same order, x^31 first: bit 0 of its
	// first byte holds x^31, so the stored value is reg bit-reversed.
	var out uint32
	for i := range 32 {
		out |= (reg >> i & 1) << (31 - i)
	}
	return out
}

func TestEDC(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, n := range []int{0, 1, 7, 8, 15, 16, 17, 100, mode1EDCPos, form2EDCPos - 16} {
		b := randomBytes(r, n)
		if got, want := EDC(b), edcBitwise(b); got != want {
			t.Fatalf("len %d: EDC %08X, bitwise %08X", n, got, want)
		}
		if n > 10 {
			if got := UpdateEDC(EDC(b[:10]), b[10:]); got != EDC(b) {
				t.Fatalf("UpdateEDC chain: %08X", got)
			}
		}
	}
}
