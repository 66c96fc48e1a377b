package cd

import "encoding/binary"

// EDC: the error detection code of data sectors (ECMA-130 §14.3 for Mode 1;
// the CD-ROM XA specification uses the same code for Mode 2 Form 1 and
// Form 2). It is a 32-bit CRC with the generator polynomial
//
//	P(x) = (x^16 + x^15 + x^2 + 1) · (x^16 + x^2 + x + 1)
//	     = x^32 + x^31 + x^16 + x^15 + x^4 + x^3 + x + 1
//
// computed least significant bit first, with a zero preset and no final
// inversion, and stored least significant byte first in the EDC field.

// edcPoly is P(x) bit-reversed (x^0 in the most significant bit), as a
// least-significant-bit-first CRC register uses it.
const edcPoly = 0xD8018001

// EDC returns the error detection code of b (ECMA-130 §14.3): for a Mode 1
// sector, b is bytes 0..2063 (sync, header and user data); for Mode 2
// Form 1, bytes 16..2071 (subheader and user data); for Mode 2 Form 2,
// bytes 16..2347. The sector stores the result least significant byte first.
func EDC(b []byte) uint32 { return UpdateEDC(0, b) }

// UpdateEDC continues an EDC computation over more bytes: EDC(append(a, b...))
// equals UpdateEDC(EDC(a), b).
func UpdateEDC(crc uint32, b []byte) uint32 {
	t := &tabs().edc
	for len(b) >= 16 {
		x := binary.LittleEndian.Uint64(b) ^ uint64(crc)
		y := binary.LittleEndian.Uint64(b[8:])
		crc = t[15][byte(x)] ^ t[14][byte(x>>8)] ^ t[13][byte(x>>16)] ^ t[12][byte(x>>24)] ^
			t[11][byte(x>>32)] ^ t[10][byte(x>>40)] ^ t[9][byte(x>>48)] ^ t[8][byte(x>>56)] ^
			t[7][byte(y)] ^ t[6][byte(y>>8)] ^ t[5][byte(y>>16)] ^ t[4][byte(y>>24)] ^
			t[3][byte(y>>32)] ^ t[2][byte(y>>40)] ^ t[1][byte(y>>48)] ^ t[0][byte(y>>56)]
		b = b[16:]
	}
	for _, v := range b {
		crc = t[0][byte(crc)^v] ^ crc>>8
	}
	return crc
}
