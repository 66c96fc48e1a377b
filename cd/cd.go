// Package cd holds the shared vocabulary of compact discs: block addresses
// (LBA), minute/second/frame addresses (MSF), frame counts and sector sizes.
//
// Addresses follow ECMA-130 and MMC-6: a CD is read in frames (sectors) of
// 1/75 s; the logical block address 0 sits two seconds (150 frames) after the
// absolute time 00:00:00 where the program area's pre-gap starts, so
// MSF = LBA + MSFOffset. Blocks of the lead-in have negative LBAs, which is
// why LBA is a signed type.
//
// The package also holds the codec of the 2352-byte sector (ECMA-130 §14,
// and the CD-ROM XA forms of Mode 2): EncodeSector builds sync, header,
// subheader, EDC and the P/Q parity of the Reed-Solomon Product-like Code
// (Annex A); CheckSector and RepairSector verify and correct them; Scramble
// is the scrambler of §15 and Annex B. SwapAudio and DetectAudioByteOrder
// deal with the byte order of CD-DA, and Deinterleave, Interleave, DecodeQ
// and Q.Encode with the P–W subchannels and the Q channel (§22).
package cd

import (
	"fmt"
)

// Sector sizes in bytes.
const (
	// DataSectorSize is the user data of a Mode 1 or Mode 2 Form 1 sector
	// (ECMA-130 §14.3) and the logical block size of ISO 9660 (ECMA-119 §6.1.2).
	DataSectorSize = 2048
	// RawSectorSize is a full sector as READ CD returns it: sync, header and
	// user data with EDC/ECC, or 588 stereo 16-bit samples of audio (ECMA-130 §16).
	RawSectorSize = 2352
	// Mode2SectorSize is the user data of a Mode 2 formless sector, or the
	// subheader plus data of an XA sector (ECMA-130 §14.4).
	Mode2SectorSize = 2336
	// Form2DataSize is the user data of a Mode 2 Form 2 sector.
	Form2DataSize = 2324
	// SubchannelSize is the 96 bytes of P–W subchannel that go with each sector.
	SubchannelSize = 96
)

// Timing of the CD frame clock (ECMA-130 §14.2, §22.2.2).
const (
	FramesPerSecond  = 75
	SecondsPerMinute = 60
	FramesPerMinute  = FramesPerSecond * SecondsPerMinute
	// MSFOffset is the number of frames between absolute time 00:00:00 and
	// LBA 0: the two-second pre-gap of the first track (MMC-6 §6.1.2,
	// ECMA-130 §22.3.3.1). It is the one place the famous "150" lives.
	MSFOffset Frames = 2 * FramesPerSecond
)

// Frames is a count of CD frames (sectors), e.g. a track length or a pregap.
type Frames int64

// LBA is a logical block address. Negative values address the lead-in.
type LBA int32

// MSF is an absolute time address on the disc: minutes, seconds and frames.
type MSF struct {
	M, S, F uint8
}

// Frames returns the number of frames since absolute time 00:00:00.
func (m MSF) Frames() Frames {
	return Frames(m.M)*FramesPerMinute + Frames(m.S)*FramesPerSecond + Frames(m.F)
}

// Valid reports whether seconds and frames are in range.
func (m MSF) Valid() bool { return m.S < SecondsPerMinute && m.F < FramesPerSecond }

// LBA converts an absolute time to a logical block address.
func (m MSF) LBA() LBA { return LBA(m.Frames() - MSFOffset) }

// String formats as MM:SS:FF, the notation of CUE sheets and cdrdao.
func (m MSF) String() string { return fmt.Sprintf("%02d:%02d:%02d", m.M, m.S, m.F) }

// MSFFromFrames converts a frame count to an MSF. It returns an error when
// the value does not fit in MSF's 0..255 minutes.
func MSFFromFrames(f Frames) (MSF, error) {
	if f < 0 || f >= 256*FramesPerMinute {
		return MSF{}, fmt.Errorf("cd: %d frames out of MSF range", f)
	}
	return MSF{
		M: uint8(f / FramesPerMinute),
		S: uint8(f / FramesPerSecond % SecondsPerMinute),
		F: uint8(f % FramesPerSecond),
	}, nil
}

// MSF converts a logical block address to absolute time.
func (l LBA) MSF() (MSF, error) { return MSFFromFrames(Frames(l) + MSFOffset) }

// Add returns the address n frames later.
func (l LBA) Add(n Frames) LBA { return l + LBA(n) }

// Sub returns the number of frames from o to l.
func (l LBA) Sub(o LBA) Frames { return Frames(l) - Frames(o) }

// ParseMSF parses "MM:SS:FF" as written in CUE sheets and TOC files.
func ParseMSF(s string) (MSF, error) {
	var m, sec, f int
	var rest string
	n, _ := fmt.Sscanf(s, "%d:%d:%d%s", &m, &sec, &f, &rest)
	if n != 3 || m < 0 || m > 255 || sec < 0 || sec >= SecondsPerMinute || f < 0 || f >= FramesPerSecond {
		return MSF{}, fmt.Errorf("cd: invalid MSF %q (want MM:SS:FF, SS<60, FF<75)", s)
	}
	return MSF{uint8(m), uint8(sec), uint8(f)}, nil
}

// Bytes returns the size of n sectors of the given sector size.
func (n Frames) Bytes(sectorSize int) int64 { return int64(n) * int64(sectorSize) }

// SectorsFor returns how many sectors of sectorSize bytes hold size bytes.
func SectorsFor(size int64, sectorSize int) Frames {
	return Frames((size + int64(sectorSize) - 1) / int64(sectorSize))
}
