package md5

import (
	"encoding/binary"
	"math/bits"
)

// block processes len(p)/BlockSize whole 64-byte blocks of p, updating the
// MD buffer s (RFC 1321 §3.4). len(p) must be a multiple of BlockSize.
//
// The 64 steps are fully unrolled. In the RFC's notation each step is
//
//	a = b + ((a + f(b,c,d) + X[k] + T[i]) <<< s)
//
// with the auxiliary functions of §3.4, written here in equivalent forms
// that need fewer operations:
//
//	F(X,Y,Z) = XY v not(X) Z   = ((Y xor Z) and X) xor Z
//	G(X,Y,Z) = XZ v Y not(Z)   = (Y and not Z) + (X and Z)
//	H(X,Y,Z) = X xor Y xor Z
//	I(X,Y,Z) = Y xor (X v not(Z))
//
// (The two terms of G never have a 1 bit in the same position, so their OR
// equals their sum.)
//
// The sum is arranged for speed. Only f(b,c,d) depends on b, the register
// produced by the previous step; X[k] + T[i] + a does not, so it is computed
// first, off the serial dependency chain, leaving a single addition between
// f and the rotation. Written plainly, the compiler would reassociate the
// constant T[i] to the outermost addition and put it back on the chain;
// doing the addition of a in 64 bits and truncating,
//
//	uint32(uint64(X[k]+T[i]) + uint64(a))
//
// which is the same value modulo 2^32, keeps it where it is. In round 2 the
// term of G that depends on b is likewise added last, on its own.
func block(s *[4]uint32, p []byte) {
	a, b, c, d := s[0], s[1], s[2], s[3]

	for len(p) >= BlockSize {
		q := p[:BlockSize:BlockSize]
		p = p[BlockSize:]

		// Copy block i into X (§3.4): 16 words, each low-order byte first.
		x0 := binary.LittleEndian.Uint32(q[0:4])
		x1 := binary.LittleEndian.Uint32(q[4:8])
		x2 := binary.LittleEndian.Uint32(q[8:12])
		x3 := binary.LittleEndian.Uint32(q[12:16])
		x4 := binary.LittleEndian.Uint32(q[16:20])
		x5 := binary.LittleEndian.Uint32(q[20:24])
		x6 := binary.LittleEndian.Uint32(q[24:28])
		x7 := binary.LittleEndian.Uint32(q[28:32])
		x8 := binary.LittleEndian.Uint32(q[32:36])
		x9 := binary.LittleEndian.Uint32(q[36:40])
		x10 := binary.LittleEndian.Uint32(q[40:44])
		x11 := binary.LittleEndian.Uint32(q[44:48])
		x12 := binary.LittleEndian.Uint32(q[48:52])
		x13 := binary.LittleEndian.Uint32(q[52:56])
		x14 := binary.LittleEndian.Uint32(q[56:60])
		x15 := binary.LittleEndian.Uint32(q[60:64])

		// Save A as AA, B as BB, C as CC, and D as DD (§3.4).
		aa, bb, cc, dd := a, b, c, d

		// Round 1 (§3.4): [abcd k s i] a = b + ((a + F(b,c,d) + X[k] + T[i]) <<< s).
		a = b + bits.RotateLeft32(uint32(uint64(x0+0xd76aa478)+uint64(a))+(((c^d)&b)^d), 7)
		d = a + bits.RotateLeft32(uint32(uint64(x1+0xe8c7b756)+uint64(d))+(((b^c)&a)^c), 12)
		c = d + bits.RotateLeft32(uint32(uint64(x2+0x242070db)+uint64(c))+(((a^b)&d)^b), 17)
		b = c + bits.RotateLeft32(uint32(uint64(x3+0xc1bdceee)+uint64(b))+(((d^a)&c)^a), 22)
		a = b + bits.RotateLeft32(uint32(uint64(x4+0xf57c0faf)+uint64(a))+(((c^d)&b)^d), 7)
		d = a + bits.RotateLeft32(uint32(uint64(x5+0x4787c62a)+uint64(d))+(((b^c)&a)^c), 12)
		c = d + bits.RotateLeft32(uint32(uint64(x6+0xa8304613)+uint64(c))+(((a^b)&d)^b), 17)
		b = c + bits.RotateLeft32(uint32(uint64(x7+0xfd469501)+uint64(b))+(((d^a)&c)^a), 22)
		a = b + bits.RotateLeft32(uint32(uint64(x8+0x698098d8)+uint64(a))+(((c^d)&b)^d), 7)
		d = a + bits.RotateLeft32(uint32(uint64(x9+0x8b44f7af)+uint64(d))+(((b^c)&a)^c), 12)
		c = d + bits.RotateLeft32(uint32(uint64(x10+0xffff5bb1)+uint64(c))+(((a^b)&d)^b), 17)
		b = c + bits.RotateLeft32(uint32(uint64(x11+0x895cd7be)+uint64(b))+(((d^a)&c)^a), 22)
		a = b + bits.RotateLeft32(uint32(uint64(x12+0x6b901122)+uint64(a))+(((c^d)&b)^d), 7)
		d = a + bits.RotateLeft32(uint32(uint64(x13+0xfd987193)+uint64(d))+(((b^c)&a)^c), 12)
		c = d + bits.RotateLeft32(uint32(uint64(x14+0xa679438e)+uint64(c))+(((a^b)&d)^b), 17)
		b = c + bits.RotateLeft32(uint32(uint64(x15+0x49b40821)+uint64(b))+(((d^a)&c)^a), 22)

		// Round 2 (§3.4): [abcd k s i] a = b + ((a + G(b,c,d) + X[k] + T[i]) <<< s).
		a = b + bits.RotateLeft32(uint32(uint64(x1+0xf61e2562)+uint64(a))+(c&^d)+(b&d), 5)
		d = a + bits.RotateLeft32(uint32(uint64(x6+0xc040b340)+uint64(d))+(b&^c)+(a&c), 9)
		c = d + bits.RotateLeft32(uint32(uint64(x11+0x265e5a51)+uint64(c))+(a&^b)+(d&b), 14)
		b = c + bits.RotateLeft32(uint32(uint64(x0+0xe9b6c7aa)+uint64(b))+(d&^a)+(c&a), 20)
		a = b + bits.RotateLeft32(uint32(uint64(x5+0xd62f105d)+uint64(a))+(c&^d)+(b&d), 5)
		d = a + bits.RotateLeft32(uint32(uint64(x10+0x02441453)+uint64(d))+(b&^c)+(a&c), 9)
		c = d + bits.RotateLeft32(uint32(uint64(x15+0xd8a1e681)+uint64(c))+(a&^b)+(d&b), 14)
		b = c + bits.RotateLeft32(uint32(uint64(x4+0xe7d3fbc8)+uint64(b))+(d&^a)+(c&a), 20)
		a = b + bits.RotateLeft32(uint32(uint64(x9+0x21e1cde6)+uint64(a))+(c&^d)+(b&d), 5)
		d = a + bits.RotateLeft32(uint32(uint64(x14+0xc33707d6)+uint64(d))+(b&^c)+(a&c), 9)
		c = d + bits.RotateLeft32(uint32(uint64(x3+0xf4d50d87)+uint64(c))+(a&^b)+(d&b), 14)
		b = c + bits.RotateLeft32(uint32(uint64(x8+0x455a14ed)+uint64(b))+(d&^a)+(c&a), 20)
		a = b + bits.RotateLeft32(uint32(uint64(x13+0xa9e3e905)+uint64(a))+(c&^d)+(b&d), 5)
		d = a + bits.RotateLeft32(uint32(uint64(x2+0xfcefa3f8)+uint64(d))+(b&^c)+(a&c), 9)
		c = d + bits.RotateLeft32(uint32(uint64(x7+0x676f02d9)+uint64(c))+(a&^b)+(d&b), 14)
		b = c + bits.RotateLeft32(uint32(uint64(x12+0x8d2a4c8a)+uint64(b))+(d&^a)+(c&a), 20)

		// Round 3 (§3.4): [abcd k s i] a = b + ((a + H(b,c,d) + X[k] + T[i]) <<< s).
		a = b + bits.RotateLeft32(uint32(uint64(x5+0xfffa3942)+uint64(a))+(b^(c^d)), 4)
		d = a + bits.RotateLeft32(uint32(uint64(x8+0x8771f681)+uint64(d))+(a^(b^c)), 11)
		c = d + bits.RotateLeft32(uint32(uint64(x11+0x6d9d6122)+uint64(c))+(d^(a^b)), 16)
		b = c + bits.RotateLeft32(uint32(uint64(x14+0xfde5380c)+uint64(b))+(c^(d^a)), 23)
		a = b + bits.RotateLeft32(uint32(uint64(x1+0xa4beea44)+uint64(a))+(b^(c^d)), 4)
		d = a + bits.RotateLeft32(uint32(uint64(x4+0x4bdecfa9)+uint64(d))+(a^(b^c)), 11)
		c = d + bits.RotateLeft32(uint32(uint64(x7+0xf6bb4b60)+uint64(c))+(d^(a^b)), 16)
		b = c + bits.RotateLeft32(uint32(uint64(x10+0xbebfbc70)+uint64(b))+(c^(d^a)), 23)
		a = b + bits.RotateLeft32(uint32(uint64(x13+0x289b7ec6)+uint64(a))+(b^(c^d)), 4)
		d = a + bits.RotateLeft32(uint32(uint64(x0+0xeaa127fa)+uint64(d))+(a^(b^c)), 11)
		c = d + bits.RotateLeft32(uint32(uint64(x3+0xd4ef3085)+uint64(c))+(d^(a^b)), 16)
		b = c + bits.RotateLeft32(uint32(uint64(x6+0x04881d05)+uint64(b))+(c^(d^a)), 23)
		a = b + bits.RotateLeft32(uint32(uint64(x9+0xd9d4d039)+uint64(a))+(b^(c^d)), 4)
		d = a + bits.RotateLeft32(uint32(uint64(x12+0xe6db99e5)+uint64(d))+(a^(b^c)), 11)
		c = d + bits.RotateLeft32(uint32(uint64(x15+0x1fa27cf8)+uint64(c))+(d^(a^b)), 16)
		b = c + bits.RotateLeft32(uint32(uint64(x2+0xc4ac5665)+uint64(b))+(c^(d^a)), 23)

		// Round 4 (§3.4): [abcd k s i] a = b + ((a + I(b,c,d) + X[k] + T[i]) <<< s).
		a = b + bits.RotateLeft32(uint32(uint64(x0+0xf4292244)+uint64(a))+(c^(b|^d)), 6)
		d = a + bits.RotateLeft32(uint32(uint64(x7+0x432aff97)+uint64(d))+(b^(a|^c)), 10)
		c = d + bits.RotateLeft32(uint32(uint64(x14+0xab9423a7)+uint64(c))+(a^(d|^b)), 15)
		b = c + bits.RotateLeft32(uint32(uint64(x5+0xfc93a039)+uint64(b))+(d^(c|^a)), 21)
		a = b + bits.RotateLeft32(uint32(uint64(x12+0x655b59c3)+uint64(a))+(c^(b|^d)), 6)
		d = a + bits.RotateLeft32(uint32(uint64(x3+0x8f0ccc92)+uint64(d))+(b^(a|^c)), 10)
		c = d + bits.RotateLeft32(uint32(uint64(x10+0xffeff47d)+uint64(c))+(a^(d|^b)), 15)
		b = c + bits.RotateLeft32(uint32(uint64(x1+0x85845dd1)+uint64(b))+(d^(c|^a)), 21)
		a = b + bits.RotateLeft32(uint32(uint64(x8+0x6fa87e4f)+uint64(a))+(c^(b|^d)), 6)
		d = a + bits.RotateLeft32(uint32(uint64(x15+0xfe2ce6e0)+uint64(d))+(b^(a|^c)), 10)
		c = d + bits.RotateLeft32(uint32(uint64(x6+0xa3014314)+uint64(c))+(a^(d|^b)), 15)
		b = c + bits.RotateLeft32(uint32(uint64(x13+0x4e0811a1)+uint64(b))+(d^(c|^a)), 21)
		a = b + bits.RotateLeft32(uint32(uint64(x4+0xf7537e82)+uint64(a))+(c^(b|^d)), 6)
		d = a + bits.RotateLeft32(uint32(uint64(x11+0xbd3af235)+uint64(d))+(b^(a|^c)), 10)
		c = d + bits.RotateLeft32(uint32(uint64(x2+0x2ad7d2bb)+uint64(c))+(a^(d|^b)), 15)
		b = c + bits.RotateLeft32(uint32(uint64(x9+0xeb86d391)+uint64(b))+(d^(c|^a)), 21)

		// Add each register to the value it had before this block (§3.4).
		a += aa
		b += bb
		c += cc
		d += dd
	}

	s[0], s[1], s[2], s[3] = a, b, c, d
}
