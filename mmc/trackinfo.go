package mmc

import (
	"spindle/cd"
)

// TrackAddressType is the Address/Number Type field of READ TRACK
// INFORMATION.
type TrackAddressType uint8

// Ways to name the track of READ TRACK INFORMATION.
const (
	TrackByLBA     TrackAddressType = 0 // the track containing an LBA
	TrackByNumber  TrackAddressType = 1 // a track number; FFh the invisible (incomplete) track
	TrackBySession TrackAddressType = 2 // the first track of a session
)

// InvisibleTrack is the track number that names the invisible or
// incomplete track, where the next recording goes.
const InvisibleTrack = 0xFF

// ReadTrackInfo builds the 10-byte READ TRACK INFORMATION CDB (52h; MMC-6
// §6.26). open asks for the first open track of the session (with
// TrackBySession).
func ReadTrackInfo(typ TrackAddressType, value uint32, open bool, alloc uint16) [10]byte {
	var c [10]byte
	c[0] = OpReadTrackInfo
	c[1] = byte(typ) & 3
	if open {
		c[1] |= 0x04
	}
	put32(c[2:], value)
	put16(c[7:], alloc)
	return c
}

// TrackInfo is the track information block (MMC-6 §6.26).
type TrackInfo struct {
	Track, Session int
	Damage         bool
	Copy           bool
	TrackMode      uint8 // the control nibble: ControlData, ControlCopy, ...
	RT             bool  // reserved track
	Blank          bool
	Packet         bool // packet or incremental recording
	FixedPacket    bool
	DataMode       uint8 // 1: Mode 1, 2: Mode 2, 0Fh: not yet known
	LRAValid       bool
	NWAValid       bool
	Start          cd.LBA
	// NextWritable is the next writable address, meaningful only when
	// NWAValid is set.
	NextWritable  cd.LBA
	FreeBlocks    uint32
	PacketSize    uint32 // fixed packet size or blocking factor
	Size          uint32 // track size in blocks
	LastRecorded  cd.LBA // meaningful when LRAValid
	ReadCompatLBA cd.LBA
	NextLayerJump cd.LBA
	LastLayerJump cd.LBA
}

// ParseTrackInfo parses the response of READ TRACK INFORMATION. Older
// drives return fewer than the 48 bytes of MMC-6; fields they lack stay
// zero, but at least the 28 bytes up to the track size are required.
func ParseTrackInfo(b []byte) (*TrackInfo, error) {
	const s = "track information"
	b, err := response(s, b, 2, 28)
	if err != nil {
		return nil, err
	}
	t := &TrackInfo{
		Track:        int(b[2]),
		Session:      int(b[3]),
		Damage:       b[5]&0x20 != 0,
		Copy:         b[5]&0x10 != 0,
		TrackMode:    b[5] & 0x0F,
		RT:           b[6]&0x80 != 0,
		Blank:        b[6]&0x40 != 0,
		Packet:       b[6]&0x20 != 0,
		FixedPacket:  b[6]&0x10 != 0,
		DataMode:     b[6] & 0x0F,
		LRAValid:     b[7]&0x02 != 0,
		NWAValid:     b[7]&0x01 != 0,
		Start:        cd.LBA(int32(be32(b[8:12]))),
		NextWritable: cd.LBA(int32(be32(b[12:16]))),
		FreeBlocks:   be32(b[16:20]),
		PacketSize:   be32(b[20:24]),
		Size:         be32(b[24:28]),
	}
	if len(b) >= 32 {
		t.LastRecorded = cd.LBA(int32(be32(b[28:32])))
	}
	if len(b) >= 34 {
		t.Track |= int(b[32]) << 8
		t.Session |= int(b[33]) << 8
	}
	if len(b) >= 40 {
		t.ReadCompatLBA = cd.LBA(int32(be32(b[36:40])))
	}
	if len(b) >= 48 {
		t.NextLayerJump = cd.LBA(int32(be32(b[40:44])))
		t.LastLayerJump = cd.LBA(int32(be32(b[44:48])))
	}
	return t, nil
}
