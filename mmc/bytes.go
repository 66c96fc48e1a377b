package mmc

import (
	"encoding/binary"

	"spindle/cd"
)

// Big-endian field access; MMC stores every multi-byte field most
// significant byte first.

func be16(b []byte) int    { return int(binary.BigEndian.Uint16(b)) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }

func put16(b []byte, v uint16) { binary.BigEndian.PutUint16(b, v) }
func put32(b []byte, v uint32) { binary.BigEndian.PutUint32(b, v) }

// leadInOffset is the number of frames MMC subtracts from an absolute time
// of 90 minutes or more to get the (negative) LBA of a lead-in address:
// 100 minutes of frames plus the two-second offset (the LBA to MSF
// translation MMC gives for CD addresses; absolute times of 90 minutes and
// more are lead-in addresses).
const leadInOffset = 100*cd.FramesPerMinute + cd.MSFOffset

// msfLBA converts an absolute time to an LBA the way MMC does, mapping
// minutes 90..99 to the negative addresses of the lead-in.
func msfLBA(m cd.MSF) cd.LBA {
	if m.M >= 90 {
		return cd.LBA(m.Frames() - leadInOffset)
	}
	return m.LBA()
}

// addrMSF decodes a 4-byte address field in MSF form (reserved, M, S, F).
func addrMSF(b []byte) cd.MSF { return cd.MSF{M: b[1], S: b[2], F: b[3]} }

// response bounds a response by the length field at its start: n is the
// size of the length field (2 or 4), the returned slice holds the header and
// the data the field counts, and nothing after it.
func response(structure string, b []byte, n, min int) ([]byte, error) {
	if len(b) < n {
		return nil, truncErr(structure, 0, "%d bytes, too short for the length field", len(b))
	}
	var l int
	if n == 2 {
		l = be16(b)
	} else {
		v := be32(b)
		if v > 1<<24 {
			return nil, formatErr(structure, 0, "data length %d out of range", v)
		}
		l = int(v)
	}
	total := l + n
	if total < min {
		return nil, formatErr(structure, 0, "data length %d, want at least %d", l, min-n)
	}
	if total > len(b) {
		return nil, truncErr(structure, 0, "data length %d, but only %d bytes transferred", l, len(b)-n)
	}
	return b[:total], nil
}
