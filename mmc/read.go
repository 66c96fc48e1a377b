package mmc

import (
	"fmt"

	"spindle/cd"
)

// ReadCapacity builds the 10-byte READ CAPACITY CDB (25h; MMC-5 §6.19).
func ReadCapacity() [10]byte { return [10]byte{OpReadCapacity} }

// Capacity is the response of READ CAPACITY: the address of the last
// block and the block length (the READ CAPACITY data).
type Capacity struct {
	LastLBA   cd.LBA // the last readable (recorded) block
	BlockSize uint32
}

// Blocks returns the number of blocks, LastLBA + 1.
func (c Capacity) Blocks() cd.Frames { return cd.Frames(c.LastLBA) + 1 }

// ParseCapacity parses the 8-byte response of READ CAPACITY.
func ParseCapacity(b []byte) (Capacity, error) {
	const s = "READ CAPACITY"
	if len(b) < 8 {
		return Capacity{}, truncErr(s, 0, "%d bytes, want 8", len(b))
	}
	c := Capacity{LastLBA: cd.LBA(int32(be32(b))), BlockSize: be32(b[4:])}
	if c.LastLBA < -1 {
		return Capacity{}, formatErr(s, 0, "last LBA %d", c.LastLBA)
	}
	return c, nil
}

// Read10 builds the 10-byte READ(10) CDB (28h; MMC-5 §6.15): count blocks from lba; fua forces
// the read from the medium rather than the cache.
func Read10(lba cd.LBA, count uint16, fua bool) [10]byte {
	return transfer10(OpRead10, lba, count, fua)
}

// transfer10 is the layout READ(10) and WRITE(10) share: the operation
// code, FUA in byte 1 bit 3, the LBA in bytes 2–5 and the transfer length
// in bytes 7–8.
func transfer10(op byte, lba cd.LBA, count uint16, fua bool) [10]byte {
	var c [10]byte
	c[0] = op
	if fua {
		c[1] = 0x08
	}
	put32(c[2:], uint32(lba))
	put16(c[7:], count)
	return c
}

// Read12 builds the 12-byte READ(12) CDB (A8h; MMC-5 §6.16); streaming asks a DVD or BD drive
// to favour speed over error recovery (the Streaming bit).
func Read12(lba cd.LBA, count uint32, fua, streaming bool) [12]byte {
	return transfer12(OpRead12, lba, count, fua, streaming)
}

// transfer12 is the layout READ(12) and WRITE(12) share: FUA in byte 1
// bit 3, the LBA in bytes 2–5, the transfer length in bytes 6–9 and the
// Streaming bit in byte 10 bit 7.
func transfer12(op byte, lba cd.LBA, count uint32, fua, streaming bool) [12]byte {
	var c [12]byte
	c[0] = op
	if fua {
		c[1] = 0x08
	}
	put32(c[2:], uint32(lba))
	put32(c[6:], count)
	if streaming {
		c[10] = 0x80
	}
	return c
}

// SectorType is the Expected Sector Type field of READ CD (BEh; MMC-5 §6.20).
type SectorType uint8

// Expected sector types.
const (
	SectorAny        SectorType = 0
	SectorCDDA       SectorType = 1
	SectorMode1      SectorType = 2
	SectorMode2      SectorType = 3 // formless
	SectorMode2Form1 SectorType = 4
	SectorMode2Form2 SectorType = 5
)

// HeaderCodes is the Header Codes field of READ CD.
type HeaderCodes uint8

// Header selections.
const (
	HeaderNone      HeaderCodes = 0
	HeaderOnly      HeaderCodes = 1 // the 4-byte header
	SubheaderOnly   HeaderCodes = 2 // the 8-byte subheader of Mode 2 forms
	HeaderAll       HeaderCodes = 3 // header and subheader
	headerCodesMask             = 3
)

// C2Errors is the C2 Error Information field of READ CD.
type C2Errors uint8

// C2 selections.
const (
	C2None       C2Errors = 0
	C2Bits       C2Errors = 1 // 294 bytes: one bit per byte of the sector
	C2BitsAndBlk C2Errors = 2 // 296 bytes: the block error byte, a pad byte and the bits
)

// SubChannel is the Sub-channel Data Selection field of READ CD.
type SubChannel uint8

// Sub-channel selections.
const (
	SubNone SubChannel = 0
	SubRaw  SubChannel = 1 // 96 bytes of raw interleaved P–W
	SubQ    SubChannel = 2 // 16 bytes of formatted Q
	SubRW   SubChannel = 4 // 96 bytes of de-interleaved, corrected R–W
)

// ReadCDOptions selects what READ CD returns of each sector.
type ReadCDOptions struct {
	Type     SectorType
	DAP      bool // digital audio play: conceal errors in CD-DA as play would
	Sync     bool
	Headers  HeaderCodes
	UserData bool
	EDCECC   bool
	C2       C2Errors
	Sub      SubChannel
}

// RawSector asks for the whole 2352-byte sector: sync, all headers, user
// data and EDC/ECC (byte 9 = F8h).
var RawSector = ReadCDOptions{Sync: true, Headers: HeaderAll, UserData: true, EDCECC: true}

// ReadCD builds the 12-byte READ CD CDB (BEh; MMC-5 §6.20): count sectors from
// lba. Byte 9 holds the main channel selection (sync, header codes, user
// data, EDC/ECC, C2 error information), byte 10 the sub-channel selection.
func ReadCD(lba cd.LBA, count uint32, o ReadCDOptions) ([12]byte, error) {
	var c [12]byte
	if count > 0xFFFFFF {
		return c, fmt.Errorf("%w: READ CD transfer length %d exceeds 24 bits", ErrArgument, count)
	}
	if o.Type > SectorMode2Form2 || o.Headers > headerCodesMask || o.C2 > C2BitsAndBlk || o.Sub == 3 || o.Sub > SubRW {
		return c, fmt.Errorf("%w: READ CD options %+v", ErrArgument, o)
	}
	c[0] = OpReadCD
	c[1] = byte(o.Type) << 2
	if o.DAP {
		c[1] |= 0x02
	}
	put32(c[2:], uint32(lba))
	c[6], c[7], c[8] = byte(count>>16), byte(count>>8), byte(count)
	if o.Sync {
		c[9] |= 0x80
	}
	c[9] |= byte(o.Headers) << 5
	if o.UserData {
		c[9] |= 0x10
	}
	if o.EDCECC {
		c[9] |= 0x08
	}
	c[9] |= byte(o.C2) << 1
	c[10] = byte(o.Sub)
	return c, nil
}

// SectorBytes returns the bytes READ CD returns per sector with these
// options, for a sector of type t (which must not be SectorAny unless
// the selection is the whole raw sector or nothing of the main channel).
// ok is false when the size depends on the sector's unknown type.
func (o ReadCDOptions) SectorBytes(t SectorType) (n int, ok bool) {
	main := 0
	whole := o.Sync && o.Headers == HeaderAll && o.UserData && o.EDCECC
	switch {
	case !o.Sync && o.Headers == HeaderNone && !o.UserData && !o.EDCECC:
	case whole && t != SectorMode2Form1 && t != SectorMode2Form2:
		main = cd.RawSectorSize // Mode 2 formless and Mode 1 too: all 2352 bytes
	case t == SectorCDDA:
		if o.UserData {
			main = cd.RawSectorSize
		}
	case t == SectorAny:
		return 0, false
	default:
		var user, edc, sub int
		switch t {
		case SectorMode1:
			user, edc = cd.DataSectorSize, 288
		case SectorMode2:
			user = cd.Mode2SectorSize
		case SectorMode2Form1:
			user, edc, sub = cd.DataSectorSize, 280, 8
		case SectorMode2Form2:
			user, edc, sub = cd.Form2DataSize, 4, 8
		}
		if o.Sync {
			main += 12
		}
		if o.Headers&HeaderOnly != 0 {
			main += 4
		}
		if o.Headers&SubheaderOnly != 0 {
			main += sub
		}
		if o.UserData {
			main += user
		}
		if o.EDCECC {
			main += edc
		}
	}
	switch o.C2 {
	case C2Bits:
		main += 294
	case C2BitsAndBlk:
		main += 296
	}
	switch o.Sub {
	case SubRaw, SubRW:
		main += cd.SubchannelSize
	case SubQ:
		main += 16
	}
	return main, true
}
