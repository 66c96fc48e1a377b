package cd

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

func TestScramble(t *testing.T) {
	var s [RawSectorSize]byte
	Scramble(s[:])
	// ECMA-130 Annex B: the sequence starts 0x01, 0x80, 0x00, 0x60, ...
	want := []byte{0x01, 0x80, 0x00, 0x60, 0x00, 0x28, 0x00, 0x1E, 0x80, 0x08}
	if !bytes.Equal(s[:syncSize], make([]byte, syncSize)) || !bytes.Equal(s[syncSize:syncSize+len(want)], want) {
		t.Fatalf("scrambled zeros: % X", s[:24])
	}
	// The register has period 2^15-1: the sequence does not repeat within a
	// sector, and is balanced.
	ones := 0
	for _, v := range tabs().scramble {
		for ; v != 0; v &= v - 1 {
			ones++
		}
	}
	if n := len(tabs().scramble) * 8; math.Abs(float64(ones)/float64(n)-0.5) > 0.02 {
		t.Fatalf("%d ones of %d bits", ones, n)
	}
	r := rand.New(rand.NewPCG(31, 32))
	img := randomBytes(r, 3*RawSectorSize+100)
	orig := bytes.Clone(img)
	Scramble(img)
	for i := range 4 {
		if !bytes.Equal(img[i*RawSectorSize:i*RawSectorSize+syncSize], orig[i*RawSectorSize:i*RawSectorSize+syncSize]) {
			t.Fatalf("sector %d: sync changed", i)
		}
	}
	if bytes.Equal(img[3*RawSectorSize:], orig[3*RawSectorSize:]) {
		t.Fatal("partial sector not scrambled")
	}
	Scramble(img)
	if !bytes.Equal(img, orig) {
		t.Fatal("Scramble twice is not the identity")
	}
}

func TestSwapAudio(t *testing.T) {
	b := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	SwapAudio(b)
	if !bytes.Equal(b, []byte{2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 13}) {
		t.Fatalf("% X", b)
	}
}

func TestDetectAudioByteOrder(t *testing.T) {
	// A 440 Hz / 660 Hz stereo tone, little-endian.
	tone := make([]byte, 4*4410)
	for i := range 4410 {
		l := int16(8000 * math.Sin(2*math.Pi*440*float64(i)/44100))
		r := int16(6000 * math.Sin(2*math.Pi*660*float64(i)/44100))
		tone[4*i], tone[4*i+1] = byte(l), byte(l>>8)
		tone[4*i+2], tone[4*i+3] = byte(r), byte(r>>8)
	}
	if got := DetectAudioByteOrder(tone); got != AudioLittleEndian {
		t.Errorf("tone: %v", got)
	}
	SwapAudio(tone)
	if got := DetectAudioByteOrder(tone); got != AudioBigEndian {
		t.Errorf("swapped tone: %v", got)
	}
	if got := DetectAudioByteOrder(make([]byte, 10000)); got != AudioOrderUnknown {
		t.Errorf("silence: %v", got)
	}
	if got := DetectAudioByteOrder(tone[:100]); got != AudioOrderUnknown {
		t.Errorf("short: %v", got)
	}
	// Real CD audio: libcdio's cdda.bin.
	cdda := fixture(t, "cuetoc/libcdio/cdda.bin")
	if got := DetectAudioByteOrder(cdda); got != AudioLittleEndian {
		t.Errorf("cdda.bin: %v", got)
	}
	SwapAudio(cdda)
	if got := DetectAudioByteOrder(cdda); got != AudioBigEndian {
		t.Errorf("swapped cdda.bin: %v", got)
	}
	for o, s := range map[AudioByteOrder]string{AudioLittleEndian: "little-endian", AudioBigEndian: "big-endian", AudioOrderUnknown: "unknown"} {
		if o.String() != s {
			t.Errorf("%d: %s", int(o), o.String())
		}
	}
}

func TestSyncPattern(t *testing.T) {
	p := SyncPattern()
	if p[0] != 0 || p[11] != 0 || bytes.Count(p[:], []byte{0xFF}) != 10 {
		t.Fatalf("% X", p)
	}
}

func FuzzCheckSector(f *testing.F) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, mode := range []SectorMode{Mode0, Mode1, Mode2Formless, Mode2Form1, Mode2Form2} {
		var s [RawSectorSize]byte
		_ = EncodeSector(&s, 16, mode, randomBytes(r, mode.UserSize()), [4]byte{})
		f.Add(s[:])
		s[100] ^= 1
		s[15] = 9
		f.Add(s[:])
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s [RawSectorSize]byte
		copy(s[:], b)
		if len(b) > 0 && len(b) < RawSectorSize {
			// Short inputs: grow them into plausible sectors.
			copy(s[:], syncPattern[:])
			copy(s[syncSize:], b)
		}
		orig := s
		c := CheckSector(&s, 16)
		if s != orig {
			t.Fatal("CheckSector modified the sector")
		}
		n, ok := RepairSector(&s)
		if ok != c.Repairable || (ok && n != len(c.Errors)) || (!ok && s != orig) {
			t.Fatalf("check %+v, repair %d %v", c, n, ok)
		}
		if ok && c.Mode != Audio {
			if c2 := CheckSector(&s, AnyLBA); !c2.Repairable || len(c2.Errors) != 0 || !c2.EDCOK || !c2.ECCOK || !c2.SyncOK {
				t.Fatalf("after repair: %+v (before %+v)", c2, c)
			}
		}
		if c.Mode != Audio && c.Mode != ModeUnknown {
			if _, err := UserData(s[:], c.Mode); err != nil {
				t.Fatal(err)
			}
		}
	})
}
