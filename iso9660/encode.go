package iso9660

import (
	"encoding/binary"
	"fmt"
	"time"
	"unicode/utf16"
)

// BlockSize is the logical block size of every image Spindle writes
// (ECMA-119 §6.1.2 allows others; every reader in use expects 2048).
const BlockSize = 2048

// putBoth32 writes v in both-byte order (ECMA-119 §7.3.3): little-endian
// followed by big-endian, 8 bytes.
func putBoth32(b []byte, v uint32) {
	binary.LittleEndian.PutUint32(b, v)
	binary.BigEndian.PutUint32(b[4:], v)
}

// putBoth16 writes v in both-byte order (ECMA-119 §7.2.3), 4 bytes.
func putBoth16(b []byte, v uint16) {
	binary.LittleEndian.PutUint16(b, v)
	binary.BigEndian.PutUint16(b[2:], v)
}

// recordDate encodes t in the 7-byte form of a directory record
// (ECMA-119 §9.1.5). Times are recorded in UTC (offset 0) so that an image
// does not depend on the time zone of the machine that made it. Years
// outside 1900..2155 are clamped to the representable range.
func recordDate(b []byte, t time.Time) {
	if t.IsZero() {
		clear(b[:7])
		return
	}
	t = t.UTC()
	y := t.Year()
	switch {
	case y < 1900:
		t = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	case y > 2155:
		t = time.Date(2155, 12, 31, 23, 59, 59, 0, time.UTC)
	}
	b[0] = byte(t.Year() - 1900)
	b[1] = byte(t.Month())
	b[2] = byte(t.Day())
	b[3] = byte(t.Hour())
	b[4] = byte(t.Minute())
	b[5] = byte(t.Second())
	b[6] = 0
}

// volumeDate encodes t in the 17-byte form of a volume descriptor
// (ECMA-119 §8.4.26.1): sixteen ASCII digits YYYYMMDDHHMMSShh and a GMT
// offset. The zero time is "not specified": all digits '0' and offset 0.
func volumeDate(b []byte, t time.Time) {
	if t.IsZero() {
		for i := range 16 {
			b[i] = '0'
		}
		b[16] = 0
		return
	}
	t = t.UTC()
	y := min(max(t.Year(), 1), 9999)
	copy(b, fmt.Sprintf("%04d%02d%02d%02d%02d%02d%02d", y, t.Month(), t.Day(), t.Hour(), t.Minute(),
		t.Second(), t.Nanosecond()/10_000_000))
	b[16] = 0
}

// fillA copies s into the fixed-length field b and pads it with spaces, as
// ECMA-119 §8.4 requires for a-character and d-character fields.
func fillA(b []byte, s string) {
	n := copy(b, s)
	for i := n; i < len(b); i++ {
		b[i] = ' '
	}
}

// fillUCS2 stores s as big-endian UCS-2 in b, padded with U+0020 (Joliet
// §5: the supplementary descriptor's identifiers are UCS-2). Characters
// outside the BMP become '_' because UCS-2 cannot hold them.
func fillUCS2(b []byte, s string) {
	i := 0
	for _, r := range s {
		if i+2 > len(b) {
			break
		}
		if r > 0xFFFF || utf16.IsSurrogate(r) {
			r = '_'
		}
		binary.BigEndian.PutUint16(b[i:], uint16(r))
		i += 2
	}
	for ; i+1 < len(b); i += 2 {
		b[i], b[i+1] = 0, ' '
	}
}
