package cd

import (
	"math/rand/v2"
	"testing"
)

func benchSector(b *testing.B, mode SectorMode) *[RawSectorSize]byte {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	user := make([]byte, mode.UserSize())
	for i := range user {
		user[i] = byte(r.Uint32())
	}
	var s [RawSectorSize]byte
	if err := EncodeSector(&s, 1000, mode, user, [4]byte{0, 0, SubmodeData, 0}); err != nil {
		b.Fatal(err)
	}
	return &s
}

func benchCheck(b *testing.B, mode SectorMode) {
	s := benchSector(b, mode)
	b.SetBytes(RawSectorSize)
	for b.Loop() {
		if c := CheckSector(s, AnyLBA); !c.OK() || c.Mode != mode {
			b.Fatalf("%+v", c)
		}
	}
}

func BenchmarkCheckMode1(b *testing.B)      { benchCheck(b, Mode1) }
func BenchmarkCheckMode2Form1(b *testing.B) { benchCheck(b, Mode2Form1) }
func BenchmarkCheckMode2Form2(b *testing.B) { benchCheck(b, Mode2Form2) }

func BenchmarkEncodeMode1(b *testing.B) {
	user := make([]byte, DataSectorSize)
	var s [RawSectorSize]byte
	b.SetBytes(RawSectorSize)
	for b.Loop() {
		if err := EncodeSector(&s, 1000, Mode1, user, [4]byte{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEDC(b *testing.B) {
	buf := make([]byte, mode1EDCPos)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		EDC(buf)
	}
}

func BenchmarkECCCheck(b *testing.B) {
	s := benchSector(b, Mode1)
	b.SetBytes(RawSectorSize)
	for b.Loop() {
		if !eccOK(s, false) {
			b.Fatal("ecc")
		}
	}
}

func BenchmarkRepairMode1(b *testing.B) {
	s := benchSector(b, Mode1)
	b.SetBytes(RawSectorSize)
	for b.Loop() {
		s[100] ^= 0x5A
		if n, ok := RepairSector(s); !ok || n != 1 {
			b.Fatal(n, ok)
		}
	}
}

func BenchmarkScramble(b *testing.B) {
	s := make([]byte, RawSectorSize)
	b.SetBytes(RawSectorSize)
	for b.Loop() {
		Scramble(s)
	}
}
