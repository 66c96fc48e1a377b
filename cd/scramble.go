package cd

import "encoding/binary"

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
			sec, tab := b[syncSize:n], tabs().scramble[:n-syncSize]
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
