package cd

import "encoding/binary"

// ECC: the Reed-Solomon Product-like Code (RSPC) of Mode 1 and Mode 2 Form 1
// sectors (ECMA-130 §14.3 and Annex A).
//
// The code covers the 2340 bytes from the header (byte 12) to the end of the
// sector. Annex A views them as 1170 16-bit words, each split into a most
// and a least significant byte; the two byte planes are coded independently
// and identically, so in byte terms the 2064 bytes 12..2075 (header, user
// data, EDC and intermediate field) form a matrix of 24 rows by 86 columns,
// row m, column c at byte 12 + 86·m + c.
//
//   - P-parity (bytes 2076..2247): each of the 86 columns is a (26,24)
//     Reed-Solomon codeword whose two check bytes are rows 24 and 25.
//   - Q-parity (bytes 2248..2351): the 26 rows of the P-coded matrix are read
//     along 26 diagonals per byte plane; word N (0..42) of diagonal M (0..25)
//     is the word (43·M + 44·N) mod 1118. Each diagonal with its two check
//     words is a (45,43) Reed-Solomon codeword: 52 codewords in all.
//
// The field is GF(2^8) with the primitive polynomial x^8 + x^4 + x^3 + x^2 + 1
// and primitive element α = x (2). A codeword V of length n satisfies
// H·V = 0 with H = [1 1 … 1; α^(n-1) … α^1 α^0], so it corrects one byte
// error and detects two.
//
// For Mode 2 Form 1 sectors the four header bytes are taken as zero when
// computing and checking the ECC, so that a sector keeps its parity when it
// moves on the disc.

const (
	eccStart  = 12   // the first byte covered by the ECC: the header
	pRowBytes = 86   // bytes per row of the P matrix (43 words)
	pRows     = 24   // data rows of a P codeword
	pParity   = 2076 // start of the P-parity field (rows 24 and 25)
	qParity   = 2248 // start of the Q-parity field
	qWords    = 1118 // words covered by the Q code (26 rows of 43 words)
	qDiags    = 26   // diagonals per byte plane
	qLen      = 45   // length of a Q codeword (43 data + 2 parity)
	pLen      = 26   // length of a P codeword (24 data + 2 parity)
)

// mul2x8 multiplies each of the eight bytes of x by α.
func mul2x8(x uint64) uint64 {
	const hi = 0x8080808080808080
	h := x & hi
	return (x&^hi)<<1 ^ (h>>7)*0x1D
}

// eccParity returns the two check symbols that complete a codeword whose
// data symbols have the sum a and the Horner value h = Σ v_i·α^(k-1-i)
// (k data symbols): with b = α²·h, p0 + p1 = a and α·p0 + p1 = b.
func eccParity(a, h byte) (p0, p1 byte) {
	t := tabs()
	p0 = t.gfMulInv[a^t.gfMulA2[h]]
	return p0, a ^ p0
}

// computeECC writes the P- and Q-parity of s, which must already hold the
// header (or zeros, for Mode 2 Form 1), the data and the EDC.
func computeECC(s *[RawSectorSize]byte) {
	// P: Horner over the 24 data rows, eight columns at a time. The 11th
	// chunk reads two bytes past the end of a row; its extra lanes are
	// never used.
	var a, h [11]uint64
	for m := range pRows {
		row := s[eccStart+pRowBytes*m:]
		for k := range a {
			v := binary.LittleEndian.Uint64(row[8*k:])
			a[k] ^= v
			h[k] = mul2x8(h[k]) ^ v
		}
	}
	var ab, hb [88]byte
	for k := range a {
		binary.LittleEndian.PutUint64(ab[8*k:], a[k])
		binary.LittleEndian.PutUint64(hb[8*k:], h[k])
	}
	for c := range pRowBytes {
		s[pParity+c], s[pParity+pRowBytes+c] = eccParity(ab[c], hb[c])
	}
	// Q: Horner over the 43 columns, for all 52 diagonals at once.
	var qa, qh [7]uint64
	qHorner(s, &qa, &qh, qLen-2, false)
	var qab, qhb [56]byte
	for k := range qa {
		binary.LittleEndian.PutUint64(qab[8*k:], qa[k])
		binary.LittleEndian.PutUint64(qhb[8*k:], qh[k])
	}
	for i := range 2 * qDiags {
		s[qParity+i], s[qParity+2*qDiags+i] = eccParity(qab[i], qhb[i])
	}
}

// qHorner accumulates the first n elements (43 data words, or all 45) of
// the 52 Q codewords: a gets their sum, h their Horner value. Lane i of the
// 56 bytes is diagonal i/2, byte plane i%2; lanes 52..55 are unused.
//
// Element N of diagonal M is row (M+N) mod 26 of column N, so the 26
// diagonals' elements N are column N read from row N mod 26 on, wrapping
// around. qHorner first transposes the 26×43 words into columns (4×4 word
// blocks at a time), each stored twice in a row so that the wrapped read is
// contiguous, then runs Horner's rule over the columns.
func qHorner(s *[RawSectorSize]byte, a, h *[7]uint64, n int, zeroHeader bool) {
	const stride = 2 * 2 * qDiags // bytes per transposed column: 26 words twice
	var t [44*stride + 16]byte
	le := binary.LittleEndian
	for rb := 24; rb >= 0; rb -= 4 { // block 24 (rows 24, 25) first, see below
		for cb := 0; cb < 44; cb += 4 {
			off := eccStart + pRowBytes*rb + 2*cb
			w0 := le.Uint64(s[off:])
			if zeroHeader && off == eccStart {
				w0 &^= 0xFFFFFFFF
			}
			w1 := le.Uint64(s[off+pRowBytes:])
			var w2, w3 uint64
			if rb < 24 {
				w2 = le.Uint64(s[off+2*pRowBytes:])
				w3 = le.Uint64(s[off+3*pRowBytes:])
			}
			const m16, m32 = 0x0000FFFF0000FFFF, 0x00000000FFFFFFFF
			t0 := w0&m16 | (w1&m16)<<16
			t1 := (w0>>16)&m16 | w1&^m16
			t2 := w2&m16 | (w3&m16)<<16
			t3 := (w2>>16)&m16 | w3&^m16
			c0, c1, c2, c3 := t0&m32|t2<<32, t1&m32|t3<<32, t0>>32|t2&^m32, t1>>32|t3&^m32
			// Rows 26 and 27 of block 24 are garbage; the second copy of
			// rows 0 and 1, written later, overwrites them.
			col := t[cb*stride+2*rb : cb*stride+2*rb+3*stride+2*qDiags+8]
			le.PutUint64(col, c0)
			le.PutUint64(col[2*qDiags:], c0)
			le.PutUint64(col[stride:], c1)
			le.PutUint64(col[stride+2*qDiags:], c1)
			le.PutUint64(col[2*stride:], c2)
			le.PutUint64(col[2*stride+2*qDiags:], c2)
			le.PutUint64(col[3*stride:], c3)
			le.PutUint64(col[3*stride+2*qDiags:], c3)
		}
	}
	// Two passes of four and three lanes keep the accumulators in registers.
	for _, k0 := range [2]int{0, 4} {
		var a0, a1, a2, a3, h0, h1, h2, h3 uint64
		for col := range min(n, qLen-2) {
			w := t[col*stride+2*(col%qDiags)+8*k0:]
			w = w[:32:32]
			v0, v1, v2, v3 := le.Uint64(w), le.Uint64(w[8:]), le.Uint64(w[16:]), le.Uint64(w[24:])
			a0, a1, a2, a3 = a0^v0, a1^v1, a2^v2, a3^v3
			h0, h1, h2, h3 = mul2x8(h0)^v0, mul2x8(h1)^v1, mul2x8(h2)^v2, mul2x8(h3)^v3
		}
		a[k0], a[k0+1], a[k0+2], h[k0], h[k0+1], h[k0+2] = a0, a1, a2, h0, h1, h2
		if k0 == 0 {
			a[3], h[3] = a3, h3
		}
	}
	for p := qLen - 2; p < n; p++ {
		var buf [56]byte
		copy(buf[:], s[qParity+2*qDiags*(p-(qLen-2)):][:2*qDiags])
		for k := range 7 {
			v := le.Uint64(buf[8*k:])
			a[k] ^= v
			h[k] = mul2x8(h[k]) ^ v
		}
	}
}

// eccOK reports whether all 86 P and 52 Q codewords of s have zero
// syndromes, with the header taken as zero if zeroHeader is set.
func eccOK(s *[RawSectorSize]byte, zeroHeader bool) bool {
	var a, h [11]uint64
	for m := range pLen {
		row := s[eccStart+pRowBytes*m:]
		for k := range a {
			v := binary.LittleEndian.Uint64(row[8*k:])
			if zeroHeader && m == 0 && k == 0 {
				v &^= 0xFFFFFFFF
			}
			a[k] ^= v
			h[k] = mul2x8(h[k]) ^ v
		}
	}
	var bad uint64
	for k := range 10 {
		bad |= a[k] | h[k]
	}
	bad |= (a[10] | h[10]) & 0xFFFF_FFFF_FFFF // lanes 80..85
	if bad != 0 {
		return false
	}
	var qa, qh [7]uint64
	qHorner(s, &qa, &qh, qLen, zeroHeader)
	for k := range 6 {
		bad |= qa[k] | qh[k]
	}
	bad |= (qa[6] | qh[6]) & 0xFFFF_FFFF // lanes 48..51
	return bad == 0
}

// pSyndromes returns the syndromes S0 = Σ v_i and S1 = Σ v_i·α^(25-i) of
// the 86 P codewords (bytes 86, 87 are unused).
func pSyndromes(s *[RawSectorSize]byte) (s0, s1 [88]byte) {
	var a, h [11]uint64
	for m := range pLen {
		row := s[eccStart+pRowBytes*m:]
		for k := range a {
			v := binary.LittleEndian.Uint64(row[8*k:])
			a[k] ^= v
			h[k] = mul2x8(h[k]) ^ v
		}
	}
	for k := range a {
		binary.LittleEndian.PutUint64(s0[8*k:], a[k])
		binary.LittleEndian.PutUint64(s1[8*k:], h[k])
	}
	return s0, s1
}

// qSyndromes returns the syndromes of the 52 Q codewords, codeword 2·d+b
// being diagonal d of byte plane b (bytes 52..55 are unused).
func qSyndromes(s *[RawSectorSize]byte) (s0, s1 [56]byte) {
	var a, h [7]uint64
	qHorner(s, &a, &h, qLen, false)
	for k := range a {
		binary.LittleEndian.PutUint64(s0[8*k:], a[k])
		binary.LittleEndian.PutUint64(s1[8*k:], h[k])
	}
	return s0, s1
}

// rsLocate turns the syndromes of a codeword of length n into the index of
// a single erroneous symbol; ok is false when the syndromes show more
// errors than one.
func rsLocate(s0, s1 byte, n int) (i int, ok bool) {
	if s0 == 0 || s1 == 0 {
		return 0, false
	}
	t := tabs()
	k := (t.gfLog[s1] - t.gfLog[s0] + 255) % 255 // = n-1-i for an error at i
	if k >= n {
		return 0, false
	}
	return n - 1 - k, true
}

// eccCorrect runs rounds of P then Q single-error correction on s until
// nothing changes (at most maxRounds). A single error in a codeword of
// length n at index i has S0 = e and S1 = e·α^(n-1-i), which gives i and e.
// It reports whether every codeword ends with zero syndromes; the caller
// judges the result with the EDC.
func eccCorrect(s *[RawSectorSize]byte, maxRounds int) bool {
	qOff := &tabs().qOff
	for range maxRounds {
		changed, clean := false, true
		s0, s1 := pSyndromes(s)
		for c := range pRowBytes {
			if s0[c]|s1[c] == 0 {
				continue
			}
			clean = false
			if i, ok := rsLocate(s0[c], s1[c], pLen); ok {
				s[eccStart+pRowBytes*i+c] ^= s0[c]
				changed = true
			}
		}
		q0, q1 := qSyndromes(s)
		for w := range 2 * qDiags {
			if q0[w]|q1[w] == 0 {
				continue
			}
			clean = false
			if i, ok := rsLocate(q0[w], q1[w], qLen); ok {
				s[int(qOff[w/2][i])+w%2] ^= q0[w]
				changed = true
			}
		}
		if clean {
			return true
		}
		if !changed {
			return false
		}
	}
	return eccOK(s, false)
}
