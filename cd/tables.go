package cd

import "sync"

// codeTables are the lookup tables of the codes this package computes.
// They are built on first use, not at program start: a program that links
// the package but never codes a sector (most runs of the CLI) pays nothing
// for them. Code reads them only through tabs.
type codeTables struct {
	// edc holds the slicing-by-16 tables of the EDC (ECMA-130 §14.3):
	// edc[0] is the ordinary byte-at-a-time table, edc[k][b] is the CRC of
	// byte b followed by k zero bytes.
	edc [16][256]uint32
	// scramble is the scrambler's output for the 2340 bytes that follow
	// the sync field (ECMA-130 §15 and Annex B): a 15-bit shift register
	// with the feedback polynomial x^15 + x + 1, preset to
	// 0000 0000 0000 001 at the first bit of byte 12, each output bit
	// taken from the register's last stage and the bits of a byte sent
	// least significant first. Its first bytes are 01 80 00 60 00 28 00 1E.
	scramble [RawSectorSize - syncSize]byte
	// qCRC is the table of the Q subchannel CRC: CCITT, generator
	// x^16 + x^12 + x^5 + 1, most significant bit first.
	qCRC [256]uint16
	// GF(2^8) antilog and log tables of the RSPC (ECMA-130 Annex A).
	gfExp [512]byte
	gfLog [256]int
	// gfMulA2[x] = α²·x; gfMulInv[x] = x/(1+α): the two constants of the
	// parity equations (see eccParity).
	gfMulA2, gfMulInv [256]byte
	// qOff[d][n] is the byte offset of element n of the Q codeword of
	// diagonal d in byte plane 0 (add 1 for plane 1).
	qOff [qDiags][qLen]uint16
}

var (
	tablesOnce sync.Once
	tables     codeTables
)

// tabs returns the tables, building them on the first call.
func tabs() *codeTables {
	tablesOnce.Do(tables.build)
	return &tables
}

func (t *codeTables) build() {
	// EDC: P(x) bit-reversed, as a least-significant-bit-first register
	// uses it.
	for i := range 256 {
		c := uint32(i)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ edcPoly
			} else {
				c >>= 1
			}
		}
		t.edc[0][i] = c
	}
	for i := range 256 {
		c := t.edc[0][i]
		for k := 1; k < 16; k++ {
			c = t.edc[0][c&0xFF] ^ c>>8
			t.edc[k][i] = c
		}
	}

	r := uint16(1)
	for i := range t.scramble {
		var b byte
		for bit := range 8 {
			b |= byte(r&1) << bit
			fb := (r ^ r>>1) & 1
			r = r>>1 | fb<<14
		}
		t.scramble[i] = b
	}

	for i := range t.qCRC {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t.qCRC[i] = c
	}

	x := 1
	for i := range 255 {
		t.gfExp[i] = byte(x)
		t.gfLog[x] = i
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11D // x^8 + x^4 + x^3 + x^2 + 1
		}
	}
	for i := 255; i < len(t.gfExp); i++ {
		t.gfExp[i] = t.gfExp[i-255]
	}
	inv := 255 - t.gfLog[1^2] // log of 1/(1+α)
	for v := 1; v < 256; v++ {
		t.gfMulA2[v] = t.gfExp[t.gfLog[v]+2]
		t.gfMulInv[v] = t.gfExp[t.gfLog[v]+inv]
	}
	for d := range qDiags {
		for n := range qLen - 2 {
			t.qOff[d][n] = uint16(eccStart + 2*((43*d+44*n)%qWords))
		}
		t.qOff[d][qLen-2] = uint16(qParity + 2*d)
		t.qOff[d][qLen-1] = uint16(qParity + 2*qDiags + 2*d)
	}
}
