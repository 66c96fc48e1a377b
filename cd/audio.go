package cd

import "encoding/binary"

// SwapAudio swaps the two bytes of every 16-bit sample in b, converting
// CD-DA between little-endian (the order of the disc and of READ CD,
// ECMA-130 §16 / IEC 60908) and big-endian (as some drives and image tools
// deliver it). A trailing odd byte is left alone.
func SwapAudio(b []byte) {
	for len(b) >= 8 {
		v := binary.LittleEndian.Uint64(b)
		v = (v&0x00FF00FF00FF00FF)<<8 | (v>>8)&0x00FF00FF00FF00FF
		binary.LittleEndian.PutUint64(b, v)
		b = b[8:]
	}
	for len(b) >= 2 {
		b[0], b[1] = b[1], b[0]
		b = b[2:]
	}
}

// AudioByteOrder is the byte order of 16-bit audio samples.
type AudioByteOrder int

// Byte orders that DetectAudioByteOrder can report.
const (
	AudioOrderUnknown AudioByteOrder = iota // silence, too little data, or no clear answer
	AudioLittleEndian                       // as on the disc
	AudioBigEndian                          // swapped
)

func (o AudioByteOrder) String() string {
	switch o {
	case AudioLittleEndian:
		return "little-endian"
	case AudioBigEndian:
		return "big-endian"
	}
	return "unknown"
}

// DetectAudioByteOrder guesses the byte order of raw stereo 16-bit audio.
// Real audio changes little from one sample to the next within a channel;
// read with the wrong byte order, the low byte lands in the high one and the
// signal turns to noise. The guess is the order under which the signal is
// clearly smoother (its mean absolute difference between successive samples
// of a channel at most half that of the other order); otherwise, and for
// silence or less than a few hundred samples, it is AudioOrderUnknown.
func DetectAudioByteOrder(b []byte) AudioByteOrder {
	const minSamples = 256
	n := len(b) / 4 // stereo frames
	if n < minSamples {
		return AudioOrderUnknown
	}
	var le, be uint64
	var pl, pr, ql, qr int16
	for i := range n {
		f := b[4*i:]
		l, r := int16(f[0])|int16(f[1])<<8, int16(f[2])|int16(f[3])<<8
		sl, sr := int16(f[1])|int16(f[0])<<8, int16(f[3])|int16(f[2])<<8
		if i > 0 {
			le += absDiff(l, pl) + absDiff(r, pr)
			be += absDiff(sl, ql) + absDiff(sr, qr)
		}
		pl, pr, ql, qr = l, r, sl, sr
	}
	switch {
	case le == be:
		return AudioOrderUnknown
	case 2*le <= be:
		return AudioLittleEndian
	case 2*be <= le:
		return AudioBigEndian
	}
	return AudioOrderUnknown
}

func absDiff(a, b int16) uint64 {
	d := int32(a) - int32(b)
	if d < 0 {
		d = -d
	}
	return uint64(d)
}
