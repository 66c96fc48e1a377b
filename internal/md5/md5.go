// Package md5 implements the MD5 message-digest algorithm as specified in
// RFC 1321, "The MD5 Message-Digest Algorithm" (R. Rivest, April 1992).
//
// It exists so that the program does not have to import crypto/md5: that
// package pulls in a couple of dozen crypto/internal/fips140 packages whose
// init functions run (and page in code) at every program start, even when no
// hash is ever computed. This package has no package-level initialisation at
// all: its only package-level declarations are constants.
//
// The API mirrors the subset of crypto/md5 that the program uses: [New],
// [Sum], [Size] and [BlockSize].
//
// MD5 is cryptographically broken and must not be used for security. It is
// used here only to compute checksums that are compared against published
// MD5 sums (for example of disc images).
package md5

import (
	"encoding/binary"
	"hash"
)

// Size is the size of an MD5 digest in bytes (128 bits, RFC 1321 §3.5).
const Size = 16

// BlockSize is the block size of MD5 in bytes: the message is processed in
// 16-word (512-bit) blocks (RFC 1321 §3.4).
const BlockSize = 64

// Initial values of the four-word buffer A, B, C, D (RFC 1321 §3.3). The RFC
// lists them as bytes, low-order byte first; these are the same words.
const (
	init0 = 0x67452301
	init1 = 0xefcdab89
	init2 = 0x98badcfe
	init3 = 0x10325476
)

// digest is the running state of an MD5 computation.
type digest struct {
	s   [4]uint32       // the MD buffer A, B, C, D (§3.3)
	x   [BlockSize]byte // pending bytes of an incomplete block
	nx  int             // number of valid bytes in x
	len uint64          // total message length in bytes so far
}

// New returns a new hash.Hash computing the MD5 checksum. Its Write method
// never returns an error, and Sum may be called at any point without
// disturbing the running state.
func New() hash.Hash {
	d := new(digest)
	d.Reset()
	return d
}

// Reset restores the initial state (RFC 1321 §3.3).
func (d *digest) Reset() {
	d.s = [4]uint32{init0, init1, init2, init3}
	d.nx = 0
	d.len = 0
}

// Size returns [Size].
func (d *digest) Size() int { return Size }

// BlockSize returns [BlockSize].
func (d *digest) BlockSize() int { return BlockSize }

// Write adds p to the running hash. It always returns len(p), nil.
//
// Full 64-byte blocks are hashed directly from p; only the bytes of an
// incomplete block are copied into the internal buffer.
func (d *digest) Write(p []byte) (int, error) {
	n := len(p)
	d.len += uint64(n)
	if d.nx > 0 {
		c := copy(d.x[d.nx:], p)
		d.nx += c
		p = p[c:]
		if d.nx < BlockSize {
			return n, nil
		}
		block(&d.s, d.x[:])
		d.nx = 0
	}
	if len(p) >= BlockSize {
		m := len(p) &^ (BlockSize - 1)
		block(&d.s, p[:m])
		p = p[m:]
	}
	if len(p) > 0 {
		d.nx = copy(d.x[:], p)
	}
	return n, nil
}

// Sum appends the MD5 digest of the data written so far to b and returns
// the resulting slice. It does not change the state of the hash.
func (d *digest) Sum(b []byte) []byte {
	c := *d // finish on a copy so that writing may continue
	sum := c.checkSum()
	return append(b, sum[:]...)
}

// checkSum pads the message, processes the final block(s) and returns the
// digest. It modifies d.
func (d *digest) checkSum() [Size]byte {
	bitLen := d.len << 3 // message length in bits, modulo 2^64 (§3.2)

	// §3.1: append a single 1 bit followed by 0 bits until the length is
	// congruent to 448 modulo 512, i.e. 56 bytes into a block. At least one
	// bit (here one byte, 0x80) is always appended.
	var pad [BlockSize + 8]byte
	pad[0] = 0x80
	padLen := 56 - d.nx
	if padLen <= 0 {
		padLen += BlockSize
	}
	// §3.2: append the 64-bit length, low-order word first, each word
	// low-order byte first: i.e. a little-endian uint64.
	binary.LittleEndian.PutUint64(pad[padLen:], bitLen)
	d.Write(pad[:padLen+8])
	if d.nx != 0 {
		panic("md5: internal error: padding did not complete a block")
	}

	// §3.5: the digest is A, B, C, D, each low-order byte first.
	var out [Size]byte
	binary.LittleEndian.PutUint32(out[0:], d.s[0])
	binary.LittleEndian.PutUint32(out[4:], d.s[1])
	binary.LittleEndian.PutUint32(out[8:], d.s[2])
	binary.LittleEndian.PutUint32(out[12:], d.s[3])
	return out
}

// Sum returns the MD5 digest of data (RFC 1321 §3.5).
func Sum(data []byte) [Size]byte {
	var d digest
	d.Reset()
	d.Write(data)
	return d.checkSum()
}
