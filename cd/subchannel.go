package cd

import (
	"errors"
	"fmt"
)

// Subchannels: every sector carries 96 bytes of the eight subcode channels
// P, Q, R, S, T, U, V and W (ECMA-130 §22, "control bytes"): each of the 98
// control bytes of a section gives one bit to each channel, the first two
// being sync patterns S0 and S1, so a channel has 96 bits, 12 bytes, per
// sector.

// Subchannel indexes into the result of Deinterleave.
const (
	ChannelP = iota
	ChannelQ
	ChannelR
	ChannelS
	ChannelT
	ChannelU
	ChannelV
	ChannelW
)

// Deinterleave splits raw P–W subchannel data, as READ CD returns it with
// sub-channel selection 001b (each byte holding one bit of each channel,
// P in bit 7 down to W in bit 0), into the eight channels, 12 bytes each,
// first bit in the most significant bit.
func Deinterleave(raw [SubchannelSize]byte) [8][12]byte {
	var ch [8][12]byte
	for i := range 12 {
		var acc [8]byte
		for _, v := range raw[8*i : 8*i+8] {
			for c := range 8 {
				acc[c] = acc[c]<<1 | v>>(7-c)&1
			}
		}
		for c := range 8 {
			ch[c][i] = acc[c]
		}
	}
	return ch
}

// Interleave is the inverse of Deinterleave.
func Interleave(ch [8][12]byte) [SubchannelSize]byte {
	var raw [SubchannelSize]byte
	for k := range raw {
		var v byte
		for c := range 8 {
			v |= (ch[c][k/8] >> (7 - k%8) & 1) << (7 - c)
		}
		raw[k] = v
	}
	return raw
}

// ErrQCRC is returned by DecodeQ when a Q frame's CRC does not match.
var ErrQCRC = errors.New("cd: Q subchannel CRC mismatch")

// LeadOutTrack is the track number (AA) of the Q frames of the lead-out.
const LeadOutTrack = 0xAA

// Q is a decoded Q subchannel frame (ECMA-130 §22.3).
type Q struct {
	// Control is the 4-bit control field (§22.3.1): 0x8 four-channel
	// audio, 0x4 data track, 0x2 digital copy permitted, 0x1 pre-emphasis
	// (audio) or incremental recording (data).
	Control uint8
	// ADR is the 4-bit q-mode (§22.3.2): 1 position, 2 media catalogue
	// number, 3 ISRC; other modes (such as 5 in multisession lead-ins)
	// are kept in Data only.
	ADR uint8

	// Mode 1 fields. Track and Index are decoded from BCD when they are
	// BCD (00..99) and kept as stored otherwise, so the lead-out track
	// AA and lead-in POINT values A0..C1 stay what they are. In the
	// lead-in (Track 0), Index is the POINT and Absolute the
	// PMIN:PSEC:PFRAME of a TOC entry; Relative counts down in a pre-gap.
	Track, Index uint8
	Relative     MSF
	Zero         uint8 // byte 6 of mode 1 (ZERO; in the lead-in, 0)
	Absolute     MSF

	// MCN is the 13-digit media catalogue number (mode 2).
	MCN string
	// ISRC is the 12-character ISRC (mode 3).
	ISRC string
	// AFrame is the absolute frame number carried by modes 2 and 3.
	AFrame uint8

	// Data is the 9-byte q-data field as stored.
	Data [9]byte
}

// QCRC returns the CRC field for the first ten bytes of a Q frame as it is
// stored in bytes 10 and 11 (§22.3.4): the CCITT CRC-16 (generator
// x^16 + x^12 + x^5 + 1, zero preset), inverted, most significant byte
// first.
func QCRC(frame [12]byte) uint16 {
	var c uint16
	q := &tabs().qCRC
	for _, v := range frame[:10] {
		c = c<<8 ^ q[byte(c>>8)^v]
	}
	return ^c
}

// bcdOrRaw decodes a BCD byte and keeps a byte from A0 up as it is (see
// Q.Track); ok is false for other bytes, which are kept as they are too.
func bcdOrRaw(b byte) (v uint8, ok bool) {
	if v, ok := FromBCD(b); ok {
		return v, true
	}
	return b, b >= 0xA0
}

// rawOrBCD is the inverse of bcdOrRaw for values 0..99 and >= 0xA0.
func rawOrBCD(v uint8) byte {
	if v < 100 {
		return ToBCD(v)
	}
	return v
}

// DecodeQ decodes a deinterleaved 12-byte Q frame. It returns an error
// wrapping ErrQCRC, with the fields still decoded, when the CRC does not
// match, and an error for a mode 1, 2 or 3 frame whose fields are not
// valid BCD or characters.
func DecodeQ(frame [12]byte) (Q, error) {
	q := Q{Control: frame[0] >> 4, ADR: frame[0] & 0xF, Data: [9]byte(frame[1:10])}
	var err error
	if got, want := uint16(frame[10])<<8|uint16(frame[11]), QCRC(frame); got != want {
		err = fmt.Errorf("%w: stored %04X, computed %04X", ErrQCRC, got, want)
	}
	d := q.Data
	var ferr error
	switch q.ADR {
	case 1:
		var okT, okI bool
		q.Track, okT = bcdOrRaw(d[0])
		q.Index, okI = bcdOrRaw(d[1])
		q.Zero = d[5]
		var e1, e2 error
		if !okT || !okI {
			ferr = fmt.Errorf("cd: Q track %02X or index %02X is not BCD", d[0], d[1])
		}
		q.Relative, e1 = MSFFromBCD([3]byte(d[2:5]))
		q.Absolute, e2 = MSFFromBCD([3]byte(d[6:9]))
		ferr = errors.Join(ferr, e1, e2)
	case 2:
		var digits [13]byte
		for i := range digits {
			n := d[i/2] >> (4 * (1 - i%2)) & 0xF
			if n > 9 {
				ferr = fmt.Errorf("cd: Q MCN digit %d is %X", i+1, n)
			}
			digits[i] = '0' + n
		}
		q.MCN = string(digits[:])
		q.AFrame, _ = bcdOrRaw(d[8])
	case 3:
		// 5 six-bit characters, 2 zero bits, 7 BCD digits, 4 zero bits.
		bits := uint64(d[0])<<56 | uint64(d[1])<<48 | uint64(d[2])<<40 | uint64(d[3])<<32 |
			uint64(d[4])<<24 | uint64(d[5])<<16 | uint64(d[6])<<8 | uint64(d[7])
		var s [12]byte
		for i := range 5 {
			v := byte(bits>>(58-6*i)) & 0x3F
			switch {
			case v <= 9:
				s[i] = '0' + v
			case v >= 0x11 && v <= 0x2A:
				s[i] = 'A' + v - 0x11
			default:
				s[i] = '?'
				ferr = fmt.Errorf("cd: Q ISRC character %d is %02X", i+1, v)
			}
		}
		for i := range 7 {
			v := byte(bits>>(28-4*i)) & 0xF
			if v > 9 {
				ferr = fmt.Errorf("cd: Q ISRC digit %d is %X", i+6, v)
			}
			s[5+i] = '0' + v
		}
		q.ISRC = string(s[:])
		q.AFrame, _ = bcdOrRaw(d[8])
	}
	return q, errors.Join(err, ferr)
}

// Encode builds the 12-byte Q frame, CRC included. For ADR 1, 2 and 3 the
// q-data comes from the mode's fields (Track..Absolute, MCN, ISRC with
// AFrame); for other modes from Data.
func (q Q) Encode() ([12]byte, error) {
	var f [12]byte
	if q.Control > 0xF || q.ADR > 0xF {
		return f, fmt.Errorf("cd: Q control %X or ADR %X out of range", q.Control, q.ADR)
	}
	f[0] = q.Control<<4 | q.ADR
	d := q.Data
	switch q.ADR {
	case 1:
		if !q.Relative.Valid() || !q.Absolute.Valid() || q.Relative.M > 99 || q.Absolute.M > 99 {
			return f, fmt.Errorf("cd: Q times %v, %v out of range", q.Relative, q.Absolute)
		}
		if (q.Track >= 100 && q.Track < 0xA0) || (q.Index >= 100 && q.Index < 0xA0) {
			return f, fmt.Errorf("cd: Q track %d or index %d not encodable", q.Track, q.Index)
		}
		r, a := q.Relative.BCD(), q.Absolute.BCD()
		d = [9]byte{rawOrBCD(q.Track), rawOrBCD(q.Index), r[0], r[1], r[2], q.Zero, a[0], a[1], a[2]}
	case 2:
		if len(q.MCN) != 13 {
			return f, fmt.Errorf("cd: MCN %q is not 13 digits", q.MCN)
		}
		d = [9]byte{}
		for i := range 13 {
			c := q.MCN[i]
			if c < '0' || c > '9' {
				return f, fmt.Errorf("cd: MCN %q is not 13 digits", q.MCN)
			}
			d[i/2] |= (c - '0') << (4 * (1 - i%2))
		}
		d[8] = rawOrBCD(q.AFrame)
	case 3:
		if len(q.ISRC) != 12 {
			return f, fmt.Errorf("cd: ISRC %q is not 12 characters", q.ISRC)
		}
		var bits uint64
		for i := range 5 {
			c := q.ISRC[i]
			var v byte
			switch {
			case c >= '0' && c <= '9':
				v = c - '0'
			case c >= 'A' && c <= 'Z':
				v = c - 'A' + 0x11
			default:
				return f, fmt.Errorf("cd: ISRC %q: character %d is not 0-9 or A-Z", q.ISRC, i+1)
			}
			bits |= uint64(v) << (58 - 6*i)
		}
		for i := range 7 {
			c := q.ISRC[5+i]
			if c < '0' || c > '9' {
				return f, fmt.Errorf("cd: ISRC %q: character %d is not a digit", q.ISRC, i+6)
			}
			bits |= uint64(c-'0') << (28 - 4*i)
		}
		d = [9]byte{}
		for i := range 8 {
			d[i] = byte(bits >> (56 - 8*i))
		}
		d[8] = rawOrBCD(q.AFrame)
	}
	copy(f[1:10], d[:])
	crc := QCRC(f)
	f[10], f[11] = byte(crc>>8), byte(crc)
	return f, nil
}
