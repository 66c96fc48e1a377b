package mmc

import (
	"fmt"

	"spindle/cd"
)

// ReadDiscInfo builds the 10-byte READ DISC INFORMATION CDB (51h; MMC-6
// §6.21)
// for the standard disc information (data type 000b).
func ReadDiscInfo(alloc uint16) [10]byte {
	var c [10]byte
	c[0] = OpReadDiscInfo
	put16(c[7:], alloc)
	return c
}

// DiscStatus is the Disc Status field of the disc information.
type DiscStatus uint8

// Disc statuses.
const (
	DiscEmpty      DiscStatus = 0
	DiscIncomplete DiscStatus = 1 // appendable
	DiscComplete   DiscStatus = 2 // finalised, or not recordable
	DiscOther      DiscStatus = 3 // random-access writable (DVD-RAM, BD-RE, ...)
)

func (s DiscStatus) String() string {
	switch s {
	case DiscEmpty:
		return "empty"
	case DiscIncomplete:
		return "incomplete"
	case DiscComplete:
		return "complete"
	default:
		return "other"
	}
}

// SessionState is the State of Last Session field.
type SessionState uint8

// States of the last session.
const (
	SessionEmpty      SessionState = 0
	SessionIncomplete SessionState = 1
	SessionDamaged    SessionState = 2 // reserved/damaged
	SessionComplete   SessionState = 3
)

func (s SessionState) String() string {
	return [...]string{"empty", "incomplete", "damaged", "complete"}[s&3]
}

// DiscInfo is the standard disc information block (MMC-6 §6.21, Disc
// Information Data Type 000b).
type DiscInfo struct {
	Erasable         bool
	LastSession      SessionState
	Status           DiscStatus
	FirstTrack       int // number of the first track on the disc
	Sessions         int
	FirstTrackInLast int // first track in the last session
	LastTrackInLast  int // last track in the last session
	DIDValid         bool
	DBCValid         bool
	URU              bool
	DACValid         bool
	BGFormatStatus   uint8
	DiscType         uint8 // DiscTypeCDROM, DiscTypeCDI, DiscTypeCDROMXA, DiscTypeUnknown
	DiscID           uint32
	// LastSessionLeadIn and LastLeadOut are the raw 4-byte address
	// fields: on a CD an MSF (00h M S F), otherwise an LBA. FFFFFFFFh
	// means none (a complete disc). Use CDLeadIn and CDLastLeadOut on CDs.
	LastSessionLeadIn uint32
	LastLeadOut       uint32
	BarCode           [8]byte
	ApplicationCode   uint8
	OPCTables         int
}

// CDLeadIn returns the start of the last session's lead-in of a CD, and
// false when the field is FFFFFFFFh (none), zero (as emulated drives report
// for a closed disc; no lead-in or lead-out starts at 00:00:00) or not an
// MSF.
func (d *DiscInfo) CDLeadIn() (cd.LBA, bool) { return cdAddr(d.LastSessionLeadIn) }

// CDLastLeadOut returns the last possible start of the lead-out of a CD,
// and false when the field is FFFFFFFFh, zero or not an MSF.
func (d *DiscInfo) CDLastLeadOut() (cd.LBA, bool) { return cdAddr(d.LastLeadOut) }

func cdAddr(v uint32) (cd.LBA, bool) {
	if v == 0xFFFFFFFF || v == 0 || v>>24 != 0 {
		return 0, false
	}
	m := cd.MSF{M: uint8(v >> 16), S: uint8(v >> 8), F: uint8(v)}
	if !m.Valid() {
		return 0, false
	}
	return msfLBA(m), true
}

// ParseDiscInfo parses the response of READ DISC INFORMATION.
func ParseDiscInfo(b []byte) (*DiscInfo, error) {
	const s = "disc information"
	b, err := response(s, b, 2, 34)
	if err != nil {
		return nil, err
	}
	if t := b[2] >> 5; t != 0 {
		return nil, formatErr(s, 2, "data type %d, want 0 (standard disc information)", t)
	}
	d := &DiscInfo{
		Erasable:          b[2]&0x10 != 0,
		LastSession:       SessionState(b[2] >> 2 & 3),
		Status:            DiscStatus(b[2] & 3),
		FirstTrack:        int(b[3]),
		Sessions:          int(b[9])<<8 | int(b[4]),
		FirstTrackInLast:  int(b[10])<<8 | int(b[5]),
		LastTrackInLast:   int(b[11])<<8 | int(b[6]),
		DIDValid:          b[7]&0x80 != 0,
		DBCValid:          b[7]&0x40 != 0,
		URU:               b[7]&0x20 != 0,
		DACValid:          b[7]&0x10 != 0,
		BGFormatStatus:    b[7] & 3,
		DiscType:          b[8],
		DiscID:            be32(b[12:16]),
		LastSessionLeadIn: be32(b[16:20]),
		LastLeadOut:       be32(b[20:24]),
		ApplicationCode:   b[32],
		OPCTables:         int(b[33]),
	}
	copy(d.BarCode[:], b[24:32])
	return d, nil
}

func (d *DiscInfo) String() string {
	e := ""
	if d.Erasable {
		e = ", erasable"
	}
	return fmt.Sprintf("disc %v, last session %v%s, %d sessions, tracks %d..%d", d.Status, d.LastSession, e, d.Sessions, d.FirstTrack, d.LastTrackInLast)
}
