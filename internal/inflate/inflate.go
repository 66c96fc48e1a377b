// Package inflate decodes zlib streams (RFC 1950) and the raw DEFLATE data
// they carry (RFC 1951) into a caller-supplied buffer.
//
// It exists for the ISO 9660 reader's zisofs support: every zisofs block is
// one complete zlib stream whose decompressed size is known in advance, so a
// one-shot decoder that writes straight into the destination (which then
// also serves as the LZ77 window) is all that is needed. Using compress/zlib
// instead links compress/flate, whose package initialisation builds encoder
// tables at every program start; this package does no work until it is
// first used (the fixed Huffman tables of RFC 1951 §3.2.6 are built once,
// on demand).
//
// The decoder was written from the RFCs alone. Huffman codes are decoded
// with a 10-bit primary lookup table and a canonical-code search for the
// rare longer codes, from a 64-bit bit buffer.
package inflate

import (
	"encoding/binary"
	"errors"
	"strconv"
)

var (
	// ErrTooLong is returned when the decompressed data would not fit in
	// the destination buffer. Nothing is ever written past its end.
	ErrTooLong = errors.New("inflate: decompressed data exceeds destination buffer")

	// ErrCorrupt is wrapped by every error that reports malformed or
	// truncated input; use errors.Is to test for it.
	ErrCorrupt = errors.New("inflate: corrupt input")
)

// corruptError names what is wrong with the input and where.
type corruptError struct {
	msg string
	off int // input byte offset
}

func (e *corruptError) Error() string {
	return "inflate: corrupt input: " + e.msg + " at input byte " + strconv.Itoa(e.off)
}

func (e *corruptError) Unwrap() error { return ErrCorrupt }

// Zlib decodes the zlib stream (RFC 1950) at the start of src into dst and
// returns the number of bytes written. It checks the two-byte header
// (RFC 1950 §2.2: compression method 8, window size at most 32 KiB, a valid
// FCHECK, and no preset dictionary) and the Adler-32 checksum of the
// decompressed data (§2.2, §8.2). Bytes after the checksum are ignored.
//
// If the data would not fit in dst, Zlib returns ErrTooLong. Any other
// error wraps ErrCorrupt. On error, the returned count is the number of
// bytes written to dst before the problem was found.
func Zlib(dst, src []byte) (int, error) {
	if len(src) < 2 {
		return 0, &corruptError{"truncated zlib header", len(src)}
	}
	cmf, flg := src[0], src[1]
	switch {
	case cmf&0x0f != 8: // CM: 8 is "deflate" (§2.2)
		return 0, &corruptError{"zlib compression method " + strconv.Itoa(int(cmf&0x0f)) + " is not deflate", 0}
	case cmf>>4 > 7: // CINFO: log2(window size) - 8, at most 7 (§2.2)
		return 0, &corruptError{"zlib window size (CINFO " + strconv.Itoa(int(cmf>>4)) + ") too large", 0}
	case (uint(cmf)<<8|uint(flg))%31 != 0: // FCHECK (§2.2)
		return 0, &corruptError{"zlib header check bits (FCHECK) wrong", 1}
	case flg&0x20 != 0: // FDICT: a preset dictionary we cannot know (§2.2)
		return 0, &corruptError{"zlib stream needs a preset dictionary", 1}
	}
	d := decoder{src: src[2:], dst: dst, base: 2}
	if err := d.inflate(); err != nil {
		return d.out, err
	}
	// ADLER32 follows the compressed data, most significant byte first
	// (§2.1, §2.2).
	end := d.used()
	if len(d.src)-end < 4 {
		return d.out, &corruptError{"truncated Adler-32 checksum", 2 + len(d.src)}
	}
	want := binary.BigEndian.Uint32(d.src[end:])
	if got := adler32(dst[:d.out]); got != want {
		return d.out, &corruptError{"Adler-32 checksum mismatch", 2 + end}
	}
	return d.out, nil
}

// Deflate decodes the raw DEFLATE data (RFC 1951) at the start of src into
// dst. It returns the number of bytes written and the number of input bytes
// used, up to and including the byte holding the end of the final block.
// Errors are as for Zlib, with offsets relative to src.
func Deflate(dst, src []byte) (n, used int, err error) {
	d := decoder{src: src, dst: dst}
	err = d.inflate()
	return d.out, d.used(), err
}

// decoder holds the state of one decompression.
//
// Input is read into a 64-bit bit buffer, least significant bit first
// (RFC 1951 §3.1.1): the next unread bit of the stream is bit 0 of bits,
// and nb bits are valid. Bits above nb are either zero or copies of the
// input bytes that follow, never anything else.
type decoder struct {
	src  []byte
	pos  int // next byte of src to load into bits
	bits uint64
	nb   uint

	dst []byte
	out int // bytes written to dst

	base int // offset of src in the caller's input, for error messages

	lit, dist, clen huffman // tables for the current dynamic block
}

// used returns the number of input bytes consumed, counting a partly used
// byte as used.
func (d *decoder) used() int { return d.pos - int(d.nb/8) }

// corrupt returns an error naming the problem and the input byte holding
// the next unread bit.
func (d *decoder) corrupt(msg string) error {
	return &corruptError{msg, d.base + (d.pos*8-int(d.nb))/8}
}

// truncated returns the error for input that ends too soon.
func (d *decoder) truncated() error {
	return &corruptError{"truncated input", d.base + len(d.src)}
}

// refill loads input bytes until at least 56 bits are valid or the input
// is exhausted.
func (d *decoder) refill() {
	if d.pos+8 <= len(d.src) {
		d.bits |= binary.LittleEndian.Uint64(d.src[d.pos:]) << d.nb
		d.pos += int((63 - d.nb) >> 3)
		d.nb |= 56
		return
	}
	for d.nb <= 56 && d.pos < len(d.src) {
		d.bits |= uint64(d.src[d.pos]) << d.nb
		d.pos++
		d.nb += 8
	}
}

// getBits reads an n-bit value (n <= 32) stored least significant bit
// first (RFC 1951 §3.1.1).
func (d *decoder) getBits(n uint) (uint, error) {
	if d.nb < n {
		d.refill()
		if d.nb < n {
			return 0, d.truncated()
		}
	}
	v := uint(d.bits) & (1<<n - 1)
	d.bits >>= n
	d.nb -= n
	return v, nil
}

// decodeSym reads one Huffman-coded symbol with table h.
func (d *decoder) decodeSym(h *huffman) (uint, error) {
	if d.nb < maxCodeLen {
		d.refill()
	}
	sym, n, trunc := h.decode(d.bits, d.nb)
	if n == 0 {
		if trunc {
			return 0, d.truncated()
		}
		return 0, d.corrupt("invalid code length code")
	}
	d.bits >>= n
	d.nb -= n
	return sym, nil
}

// inflate decodes blocks until the final one (RFC 1951 §3.2.3).
func (d *decoder) inflate() error {
	for {
		hdr, err := d.getBits(3)
		if err != nil {
			return err
		}
		final := hdr&1 != 0
		switch hdr >> 1 { // BTYPE
		case 0:
			err = d.stored()
		case 1:
			fixedOnce.Do(buildFixed)
			err = d.huffmanBlock(&fixedLit, &fixedDist)
		case 2:
			err = d.dynamic()
			if err == nil {
				err = d.huffmanBlock(&d.lit, &d.dist)
			}
		default:
			d.unread(3)
			return d.corrupt("reserved block type 3")
		}
		if err != nil {
			return err
		}
		if final {
			return nil
		}
	}
}

// unread moves the read position back over n bits just consumed, so that
// an error report points at them. Only the position is restored: the
// decoder must not be used afterwards.
func (d *decoder) unread(n uint) { d.nb += n }

// stored copies a non-compressed block (RFC 1951 §3.2.4): skip to a byte
// boundary, then LEN and NLEN (its one's complement), then LEN bytes.
func (d *decoder) stored() error {
	d.nb &^= 7
	d.pos -= int(d.nb / 8) // give whole buffered bytes back to src
	d.bits, d.nb = 0, 0
	if len(d.src)-d.pos < 4 {
		return d.truncated()
	}
	n := int(binary.LittleEndian.Uint16(d.src[d.pos:]))
	nn := int(binary.LittleEndian.Uint16(d.src[d.pos+2:]))
	if n != nn^0xffff {
		return d.corrupt("stored block LEN and NLEN do not match")
	}
	d.pos += 4
	if len(d.dst)-d.out < n {
		return ErrTooLong
	}
	if len(d.src)-d.pos < n {
		d.out += copy(d.dst[d.out:], d.src[d.pos:])
		d.pos = len(d.src)
		return d.truncated()
	}
	copy(d.dst[d.out:], d.src[d.pos:d.pos+n])
	d.out += n
	d.pos += n
	return nil
}

// clenOrder is the order in which code length code lengths are stored
// (RFC 1951 §3.2.7).
var clenOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// dynamic reads the code definitions of a dynamic Huffman block
// (RFC 1951 §3.2.7) into d.lit and d.dist.
func (d *decoder) dynamic() error {
	v, err := d.getBits(14)
	if err != nil {
		return err
	}
	nlit := int(v&31) + 257
	ndist := int(v>>5&31) + 1
	nclen := int(v>>10) + 4
	// HLIT may encode up to 288 and HDIST up to 32, but only 286
	// literal/length and 30 distance codes exist (§3.2.5, §3.2.7).
	if nlit > 286 {
		d.unread(14) // report the byte where HLIT starts
		return d.corrupt("too many literal/length codes (HLIT " + strconv.Itoa(nlit) + ")")
	}
	if ndist > 30 {
		d.unread(14)
		return d.corrupt("too many distance codes (HDIST " + strconv.Itoa(ndist) + ")")
	}
	var lengths [286 + 30]uint8
	for i := 0; i < nclen; i++ {
		l, err := d.getBits(3)
		if err != nil {
			return err
		}
		lengths[clenOrder[i]] = uint8(l)
	}
	if msg := d.clen.build(lengths[:19]); msg != "" {
		return d.corrupt(msg + " in code length code")
	}
	lengths = [286 + 30]uint8{}
	n := nlit + ndist
	for i := 0; i < n; {
		sym, err := d.decodeSym(&d.clen)
		if err != nil {
			return err
		}
		if sym < 16 { // a code length (§3.2.7)
			lengths[i] = uint8(sym)
			i++
			continue
		}
		var rep uint
		var val uint8
		switch sym {
		case 16: // copy the previous length 3-6 times
			if i == 0 {
				return d.corrupt("code length repeat with no previous length")
			}
			val = lengths[i-1]
			rep, err = d.getBits(2)
			rep += 3
		case 17: // 3-10 zeros
			rep, err = d.getBits(3)
			rep += 3
		default: // 18: 11-138 zeros
			rep, err = d.getBits(7)
			rep += 11
		}
		if err != nil {
			return err
		}
		if i+int(rep) > n {
			return d.corrupt("code length repeat beyond HLIT+HDIST")
		}
		for ; rep > 0; rep-- {
			lengths[i] = val
			i++
		}
	}
	// The end-of-block code must be usable (§3.2.5: every block ends
	// with it).
	if lengths[256] == 0 {
		return d.corrupt("no code for end of block")
	}
	if msg := d.lit.build(lengths[:nlit]); msg != "" {
		return d.corrupt(msg + " in literal/length code")
	}
	if msg := d.dist.build(lengths[nlit:n]); msg != "" {
		return d.corrupt(msg + " in distance code")
	}
	return nil
}

// Length and distance bases and extra bits (RFC 1951 §3.2.5).
var (
	lengthBase = [29]uint16{
		3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
		35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
	}
	lengthExtra = [29]uint8{
		0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
		3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
	}
	distBase = [32]uint16{
		1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
		257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
	}
	distExtra = [32]uint8{
		0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
		7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
	}
)

// huffmanBlock decodes the compressed data of a block with literal/length
// table lit and distance table dist (RFC 1951 §3.2.5), up to and including
// the end-of-block code. It is the hot loop, so the decoder state is kept
// in local variables.
func (d *decoder) huffmanBlock(lit, dist *huffman) error {
	src, dst := d.src, d.dst
	pos, out := d.pos, d.out
	b, nb := d.bits, d.nb
	for {
		// One literal/length code with its extra bits and one distance
		// code with its extra bits need at most 15+5+15+13 = 48 bits.
		if nb < 48 {
			if pos+8 <= len(src) {
				b |= binary.LittleEndian.Uint64(src[pos:]) << nb
				pos += int((63 - nb) >> 3)
				nb |= 56
			} else {
				for nb <= 56 && pos < len(src) {
					b |= uint64(src[pos]) << nb
					pos++
					nb += 8
				}
			}
		}
		e := lit.primary[b&primaryMask]
		sym, n := uint(e>>4), uint(e&15)
		if n == 0 || n > nb {
			var trunc bool
			sym, n, trunc = lit.decode(b, nb)
			if n == 0 {
				d.pos, d.out, d.bits, d.nb = pos, out, b, nb
				if trunc {
					return d.truncated()
				}
				return d.corrupt("invalid literal/length code")
			}
		}
		b >>= n
		nb -= n
		if sym < 256 { // literal byte
			if out >= len(dst) {
				d.pos, d.out, d.bits, d.nb = pos, out, b, nb
				return ErrTooLong
			}
			dst[out] = byte(sym)
			out++
			continue
		}
		if sym == 256 { // end of block
			d.pos, d.out, d.bits, d.nb = pos, out, b, nb
			return nil
		}
		sym -= 257
		if sym >= 29 {
			d.pos, d.out, d.bits, d.nb = pos, out, b, nb
			d.unread(n)
			return d.corrupt("invalid literal/length symbol " + strconv.Itoa(int(sym+257)))
		}
		length := int(lengthBase[sym])
		if x := uint(lengthExtra[sym]); x != 0 {
			if nb < x {
				d.pos, d.out, d.bits, d.nb = pos, out, b, nb
				return d.truncated()
			}
			length += int(b & (1<<x - 1))
			b >>= x
			nb -= x
		}

		e = dist.primary[b&primaryMask]
		sym, n = uint(e>>4), uint(e&15)
		if n == 0 || n > nb {
			var trunc bool
			sym, n, trunc = dist.decode(b, nb)
			if n == 0 {
				d.pos, d.out, d.bits, d.nb = pos, out, b, nb
				if trunc {
					return d.truncated()
				}
				return d.corrupt("invalid distance code")
			}
		}
		b >>= n
		nb -= n
		if sym >= 30 {
			d.pos, d.out, d.bits, d.nb = pos, out, b, nb
			d.unread(n)
			return d.corrupt("invalid distance symbol " + strconv.Itoa(int(sym)))
		}
		dis := int(distBase[sym])
		if x := uint(distExtra[sym]); x != 0 {
			if nb < x {
				d.pos, d.out, d.bits, d.nb = pos, out, b, nb
				return d.truncated()
			}
			dis += int(b & (1<<x - 1))
			b >>= x
			nb -= x
		}
		if dis > out {
			d.pos, d.out, d.bits, d.nb = pos, out, b, nb
			return d.corrupt("distance " + strconv.Itoa(dis) + " beyond start of output")
		}
		if length > len(dst)-out {
			d.pos, d.out, d.bits, d.nb = pos, out, b, nb
			return ErrTooLong
		}
		// Copy length bytes from dis bytes back (§3.2.3). When they
		// overlap (dis < length) the bytes repeat with period dis, so
		// copying the growing run dst[from:out] stays correct.
		from, end := out-dis, out+length
		if dis >= length {
			copy(dst[out:end], dst[from:out])
			out = end
		} else {
			for out < end {
				out += copy(dst[out:end], dst[from:out])
			}
		}
	}
}
