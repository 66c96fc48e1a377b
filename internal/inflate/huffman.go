package inflate

import (
	"math/bits"
	"sync"
)

const (
	maxCodeLen  = 15 // longest Huffman code (RFC 1951 §3.2.7)
	primaryBits = 10 // codes up to this long are decoded by one lookup
	primarySize = 1 << primaryBits
	primaryMask = primarySize - 1
)

// huffman is a decoding table for one canonical Huffman code
// (RFC 1951 §3.2.2).
//
// Deflate packs Huffman codes starting with their most significant bit
// (§3.1.1), so in the bit buffer a code appears bit-reversed. primary is
// indexed by the next primaryBits bits of the buffer; an entry holds
// symbol<<4 | code length for every code of at most primaryBits bits, and
// zero where the bits start a longer code or no code at all. Longer codes
// are found from count, first and symbols: the codes of each length are
// consecutive integers starting at first[len], given to the symbols of
// that length in increasing order.
type huffman struct {
	primary [primarySize]uint16
	count   [maxCodeLen + 1]uint16 // number of codes of each length
	first   [maxCodeLen + 1]uint16 // first code of each length
	offset  [maxCodeLen + 1]uint16 // index in symbols of the first of each length
	maxLen  uint
	symbols [288]uint16 // symbols ordered by code length, then value
}

// build makes h the table for the code with the given code lengths (zero
// meaning the symbol is unused). It returns a description of the problem
// if the lengths do not define a usable code: if they are over-subscribed,
// or if they leave codes unassigned, except that a code with no symbols or
// with one symbol of one bit is accepted (as zlib and compress/flate do;
// RFC 1951 §3.2.7 allows a single distance code).
func (h *huffman) build(lengths []uint8) string {
	var count [maxCodeLen + 1]int
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	left := 1 // codes still available at the current length
	h.maxLen = 0
	for l := 1; l <= maxCodeLen; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return "over-subscribed code lengths"
		}
		if count[l] != 0 {
			h.maxLen = uint(l)
		}
	}
	if left > 0 && h.maxLen != 0 && !(h.maxLen == 1 && count[1] == 1) {
		return "incomplete code lengths"
	}

	// The first code of each length (§3.2.2, step 2).
	code, off := 0, 0
	for l := 1; l <= maxCodeLen; l++ {
		h.first[l] = uint16(code)
		h.offset[l] = uint16(off)
		h.count[l] = uint16(count[l])
		code = (code + count[l]) << 1
		off += count[l]
	}
	next := h.offset
	for sym, l := range lengths {
		if l != 0 {
			h.symbols[next[l]] = uint16(sym)
			next[l]++
		}
	}

	h.primary = [primarySize]uint16{}
	for l := uint(1); l <= primaryBits && l <= h.maxLen; l++ {
		start := uint(h.offset[l])
		for i := uint(0); i < uint(h.count[l]); i++ {
			c := uint(h.first[l]) + i
			rev := uint(bits.Reverse16(uint16(c))) >> (16 - l)
			e := h.symbols[start+i]<<4 | uint16(l)
			for j := rev; j < primarySize; j += 1 << l {
				h.primary[j] = e
			}
		}
	}
	return ""
}

// decode finds the code at the start of the bit buffer b, of which nb bits
// are valid. It returns the symbol and the code length, or a zero length
// if there is no valid code, with truncated set if that may be because the
// input ended.
func (h *huffman) decode(b uint64, nb uint) (sym, n uint, truncated bool) {
	e := h.primary[b&primaryMask]
	if n := uint(e & 15); n != 0 {
		if n <= nb {
			return uint(e >> 4), n, false
		}
		return 0, 0, true
	}
	rev := uint(bits.Reverse16(uint16(b))) // next 16 bits, first bit highest
	for l := uint(primaryBits + 1); l <= h.maxLen; l++ {
		if l > nb {
			return 0, 0, true
		}
		i := rev>>(16-l) - uint(h.first[l]) // wraps if below first
		if i < uint(h.count[l]) {
			return uint(h.symbols[uint(h.offset[l])+i]), l, false
		}
	}
	return 0, 0, nb < h.maxLen
}

// The fixed Huffman codes (RFC 1951 §3.2.6), built on first use.
var (
	fixedOnce sync.Once
	fixedLit  huffman
	fixedDist huffman
)

func buildFixed() {
	var l [288]uint8
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	fixedLit.build(l[:])
	// Distance codes are five bits; 30 and 31 are invalid but take part
	// in the code (§3.2.6).
	for i := range 32 {
		l[i] = 5
	}
	fixedDist.build(l[:32])
}

// adler32 returns the Adler-32 checksum of p (RFC 1950 §8.2).
func adler32(p []byte) uint32 {
	const (
		mod  = 65521
		nmax = 5552 // most bytes before s2 could overflow 32 bits
	)
	s1, s2 := uint32(1), uint32(0)
	for len(p) > 0 {
		q := p
		if len(q) > nmax {
			q = q[:nmax]
		}
		p = p[len(q):]
		for len(q) >= 8 {
			s1 += uint32(q[0])
			s2 += s1
			s1 += uint32(q[1])
			s2 += s1
			s1 += uint32(q[2])
			s2 += s1
			s1 += uint32(q[3])
			s2 += s1
			s1 += uint32(q[4])
			s2 += s1
			s1 += uint32(q[5])
			s2 += s1
			s1 += uint32(q[6])
			s2 += s1
			s1 += uint32(q[7])
			s2 += s1
			q = q[8:]
		}
		for _, c := range q {
			s1 += uint32(c)
			s2 += s1
		}
		s1 %= mod
		s2 %= mod
	}
	return s2<<16 | s1
}
