package cd

import "encoding/binary"

// scrambleTable is the scrambler's output for the 2340 bytes that follow the
// sync field (ECMA-130 §15 and Annex B): a 15-bit shift register with the
// feedback polynomial x^15 + x + 1, preset to 0000 0000 0000 001 at the
// first bit of byte 12, each output bit taken from the register's last stage
// and the bits of a byte sent least significant first. Its first bytes are
// 01 80 00 60 00 28 00 1E.
var scrambleTable = func() (t [RawSectorSize - syncSize]byte) {
	r := uint16(1)
	for i := range t {
		var b byte
		for bit := range 8 {
			b |= byte(r&1) << bit
			fb := (r ^ r>>1) & 1
			r = r>>1 | fb<<14
		}
		t[i] = b
	}
	return t
}()

// Scramble applies the CD-ROM scrambler (ECMA-130 §15, Annex B) to the raw
// sectors in b: bytes 12..2351 of each 2352-byte sector are XORed with the
// scrambler sequence, the sync field is left as it is. Scrambling is its own
// inverse, so the same call descrambles. b holds whole sectors, starting
// at a sync field; a trailing partial sector is scrambled as far as it goes.
//
// Drives descramble data sectors before they return them; images read from
// audio tracks, or with a "raw" read that skips descrambling, need this.
func Scramble(b []byte) {
	for len(b) > 0 {
		n := min(len(b), RawSectorSize)
		if n > syncSize {
			sec, tab := b[syncSize:n], scrambleTable[:n-syncSize]
			for len(sec) >= 8 {
				le := binary.LittleEndian
				le.PutUint64(sec, le.Uint64(sec)^le.Uint64(tab))
				sec, tab = sec[8:], tab[8:]
			}
			for i := range sec {
				sec[i] ^= tab[i]
			}
		}
		b = b[n:]
	}
}
