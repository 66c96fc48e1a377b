package mmc

import (
	"fmt"
	"sort"
	"spindle/cd"
)

// Operation codes (MMC-6 clause 6 describes one command per sub-clause).
const (
	OpReadCapacity      = 0x25
	OpRead10            = 0x28
	OpReadTOC           = 0x43
	OpGetConfiguration  = 0x46
	OpReadDiscInfo      = 0x51
	OpReadTrackInfo     = 0x52
	OpModeSense10       = 0x5A
	OpRead12            = 0xA8
	OpReadCD            = 0xBE
	defaultControlByte  = 0x00
	leadOutTrackNumber  = cd.LeadOutTrack
	maxCDTrackNumber    = 99
	tocDescriptorSize   = 8
	fullTOCDescriptorSz = 11
)

// TOCFormat is the Format field of READ TOC/PMA/ATIP (43h; MMC-6 §6.25,
// MMC-5 §6.26).
type TOCFormat uint8

// READ TOC/PMA/ATIP formats.
const (
	TOCFormatTOC         TOCFormat = 0 // formatted TOC: one descriptor per track and the lead-out
	TOCFormatSessionInfo TOCFormat = 1 // first and last session, start of the last session's first track
	TOCFormatFullTOC     TOCFormat = 2 // the Q sub-channel entries of the lead-ins (points A0..C1)
	TOCFormatPMA         TOCFormat = 3 // the program memory area of a recordable disc
	TOCFormatATIP        TOCFormat = 4 // absolute time in pre-groove of a CD-R/RW
	TOCFormatCDText      TOCFormat = 5 // CD-TEXT packs of the lead-in
)

// ReadTOC builds the 10-byte READ TOC/PMA/ATIP CDB (MMC-6 §6.25.2): msf asks
// for addresses as MSF instead of LBA (formats 0 and 1; format 2 always
// reports MSF and the bit is set for it, as MMC requires), number is the
// starting track (format 0) or session (format 2), alloc the allocation
// length.
func ReadTOC(format TOCFormat, msf bool, number uint8, alloc uint16) [10]byte {
	var c [10]byte
	c[0] = OpReadTOC
	if msf || format == TOCFormatFullTOC {
		c[1] = 0x02
	}
	c[2] = byte(format) & 0x0F
	c[6] = number
	put16(c[7:], alloc)
	c[9] = defaultControlByte
	return c
}

// ReadTOCLegacy is ReadTOC with the format also written in bits 7–6 of the
// control byte, the field SFF-8020 ATAPI drives used before MMC moved it to
// byte 2 (MMC-6, T10/1836-D r2g, still documents it for legacy hosts). Some
// ATAPI drives and emulators honour only the old field for formats 1 and 2,
// and answer format-0 data otherwise (QEMU's ide-cd does; see
// IsFormattedTOC). The old field has no code for formats 3 to 5.
func ReadTOCLegacy(format TOCFormat, msf bool, number uint8, alloc uint16) [10]byte {
	c := ReadTOC(format, msf, number, alloc)
	if format == TOCFormatSessionInfo || format == TOCFormatFullTOC {
		c[9] |= byte(format) << 6
	}
	return c
}

// Control field bits (the Q sub-channel CONTROL, ECMA-130 §22.3.1, as READ
// TOC reports it).
const (
	ControlPreEmphasis = 0x1 // audio with pre-emphasis
	ControlIncremental = 0x1 // data recorded incrementally
	ControlCopy        = 0x2 // digital copy permitted
	ControlData        = 0x4 // data track
	ControlFourChannel = 0x8 // four-channel audio
)

// TOCEntry is a track descriptor of READ TOC format 0.
type TOCEntry struct {
	ADR     uint8 // Q sub-channel mode of the entry (1: position)
	Control uint8 // ControlData, ControlCopy, ...
	Track   uint8 // 1..99, or 0xAA for the lead-out
	// Start is the track's start address. In the MSF form it is converted
	// from MSF, which is kept.
	Start cd.LBA
	MSF   cd.MSF // only in the MSF form
}

// IsData reports whether the control field marks a data track.
func (e TOCEntry) IsData() bool { return e.Control&ControlData != 0 }

// TOC is the formatted table of contents (READ TOC format 0).
type TOC struct {
	FirstTrack, LastTrack uint8
	Entries               []TOCEntry // tracks in order, then the lead-out
}

// LeadOut returns the lead-out entry, if there is one.
func (t *TOC) LeadOut() (TOCEntry, bool) {
	for _, e := range t.Entries {
		if e.Track == leadOutTrackNumber {
			return e, true
		}
	}
	return TOCEntry{}, false
}

// ParseTOC parses the response of READ TOC format 0; msf says whether the
// CDB asked for MSF addresses.
func ParseTOC(b []byte, msf bool) (*TOC, error) {
	const s = "READ TOC format 0"
	b, err := response(s, b, 2, 4)
	if err != nil {
		return nil, err
	}
	t := &TOC{FirstTrack: b[2], LastTrack: b[3]}
	n := (len(b) - 4) / tocDescriptorSize
	if n > maxCDTrackNumber+1 {
		return nil, formatErr(s, 0, "%d track descriptors, at most 100 allowed", n)
	}
	t.Entries = make([]TOCEntry, 0, n)
	for i := range n {
		off := 4 + i*tocDescriptorSize
		d := b[off : off+tocDescriptorSize]
		e := TOCEntry{ADR: d[1] >> 4, Control: d[1] & 0x0F, Track: d[2]}
		if e.Track == 0 || e.Track > maxCDTrackNumber && e.Track != leadOutTrackNumber {
			return nil, formatErr(s, off+2, "track number %d", e.Track)
		}
		if msf {
			e.MSF = addrMSF(d[4:8])
			if !e.MSF.Valid() {
				return nil, formatErr(s, off+4, "address %v is not a valid MSF", e.MSF)
			}
			e.Start = msfLBA(e.MSF)
		} else {
			e.Start = cd.LBA(int32(be32(d[4:8])))
		}
		t.Entries = append(t.Entries, e)
	}
	return t, nil
}

// IsFormattedTOC reports whether b, a response to READ TOC/PMA/ATIP of
// another format, has the shape of a formatted TOC (format 0) instead: a
// length field that counts whole 8-byte descriptors, at least one track and
// the lead-out; first and last track numbers in 1..99; descriptors whose
// reserved bytes 0 and 3 are zero and whose track numbers rise within that
// range, the last one being the lead-out (AAh). No response of formats 1 to
// 5 has that shape: format 1 has a single descriptor, the first byte of a
// format 2 or PMA descriptor is a session number or its third a POINT,
// bit 7 of the first ATIP byte is one, and CD-TEXT packs start with a pack
// type 80h..8Fh. Drives that read the format only from the SFF-8020 field
// of the control byte answer such data (see ReadTOCLegacy). Whenever
// IsFormattedTOC is true, ParseTOC accepts b in both address forms except
// for invalid MSF addresses, which the shape does not examine.
func IsFormattedTOC(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	total := be16(b) + 2
	if total > len(b) || total < 4+2*tocDescriptorSize || (total-4)%tocDescriptorSize != 0 {
		return false
	}
	first, last := b[2], b[3]
	if first == 0 || first > last || last > maxCDTrackNumber {
		return false
	}
	n := (total - 4) / tocDescriptorSize
	if n > maxCDTrackNumber+1 {
		return false
	}
	prev := 0
	for i := range n {
		d := b[4+i*tocDescriptorSize:]
		if d[0] != 0 || d[3] != 0 {
			return false
		}
		tr := d[2]
		if i == n-1 {
			return tr == leadOutTrackNumber
		}
		if tr < first || tr > last || int(tr) <= prev {
			return false
		}
		prev = int(tr)
	}
	return false
}

// SessionInfo is the response of READ TOC format 1 (multi-session
// information).
type SessionInfo struct {
	FirstSession, LastSession uint8 // first and last complete session
	ADR, Control              uint8
	// FirstTrack is the first track of the last complete session and
	// Start its start address.
	FirstTrack uint8
	Start      cd.LBA
	MSF        cd.MSF // only in the MSF form
}

// ParseSessionInfo parses the response of READ TOC format 1.
func ParseSessionInfo(b []byte, msf bool) (*SessionInfo, error) {
	const s = "READ TOC format 1"
	b, err := response(s, b, 2, 4+tocDescriptorSize)
	if err != nil {
		return nil, err
	}
	d := b[4:12]
	si := &SessionInfo{FirstSession: b[2], LastSession: b[3], ADR: d[1] >> 4, Control: d[1] & 0x0F, FirstTrack: d[2]}
	if msf {
		si.MSF = addrMSF(d[4:8])
		if !si.MSF.Valid() {
			return nil, formatErr(s, 8, "address %v is not a valid MSF", si.MSF)
		}
		si.Start = msfLBA(si.MSF)
	} else {
		si.Start = cd.LBA(int32(be32(d[4:8])))
	}
	return si, nil
}

// Full TOC POINT values of the lead-in (ECMA-130 §22.3.4.2; MMC-6 §6.25,
// the Raw TOC response format 0010b).
const (
	PointFirstTrack  = 0xA0 // PMIN: first track of the session; PSEC: disc type
	PointLastTrack   = 0xA1 // PMIN: last track of the session
	PointLeadOut     = 0xA2 // PMIN:PSEC:PFRAME: start of the session's lead-out
	PointNextSession = 0xB0 // ADR 5: next possible program area and last possible lead-out
	PointSkipOnce    = 0xB1 // ADR 5: skipped intervals and tracks
	PointSkipTracks1 = 0xB2
	PointSkipTracks2 = 0xB3
	PointSkipTracks3 = 0xB4
	PointFirstLeadIn = 0xC0 // ADR 5: recording power, application code, start of the first lead-in
	PointATIPCopy    = 0xC1 // ADR 5: a copy of the ATIP's additional information
)

// Disc types, the PSEC of point A0 and byte 8 of the disc information.
const (
	DiscTypeCDROM   = 0x00 // CD-DA or CD-ROM
	DiscTypeCDI     = 0x10
	DiscTypeCDROMXA = 0x20
	DiscTypeUnknown = 0xFF
)

// FullTOCEntry is one 11-byte descriptor of READ TOC format 2: a lead-in Q
// sub-channel entry with its times converted from the drive's binary form.
type FullTOCEntry struct {
	Session      uint8
	ADR, Control uint8
	TNO          uint8 // 0 in the lead-in
	Point        uint8
	Time         cd.MSF // MIN:SEC:FRAME
	Zero         uint8  // for point B0, the number of ADR 5 pointers
	PTime        cd.MSF // PMIN:PSEC:PFRAME
}

// PLBA is the LBA of PTime, for the points that hold an address (tracks,
// A2, the B0 maximum lead-out and the C0 first lead-in).
func (e FullTOCEntry) PLBA() cd.LBA { return msfLBA(e.PTime) }

// FullTOC is the response of READ TOC format 2.
type FullTOC struct {
	FirstSession, LastSession uint8 // first and last complete session
	Entries                   []FullTOCEntry
}

// ParseFullTOC parses the response of READ TOC format 2.
func ParseFullTOC(b []byte) (*FullTOC, error) {
	const s = "READ TOC format 2"
	b, err := response(s, b, 2, 4)
	if err != nil {
		return nil, err
	}
	t := &FullTOC{FirstSession: b[2], LastSession: b[3]}
	n := (len(b) - 4) / fullTOCDescriptorSz // at most 65535/11
	t.Entries = make([]FullTOCEntry, 0, n)
	for i := range n {
		off := 4 + i*fullTOCDescriptorSz
		d := b[off : off+fullTOCDescriptorSz]
		t.Entries = append(t.Entries, FullTOCEntry{
			Session: d[0], ADR: d[1] >> 4, Control: d[1] & 0x0F, TNO: d[2], Point: d[3],
			Time: cd.MSF{M: d[4], S: d[5], F: d[6]}, Zero: d[7],
			PTime: cd.MSF{M: d[8], S: d[9], F: d[10]},
		})
	}
	return t, nil
}

// FullTOCSession is what the lead-in of one session says about it.
type FullTOCSession struct {
	Number                uint8
	FirstTrack, LastTrack uint8      // points A0 and A1
	DiscType              uint8      // PSEC of point A0
	LeadOut               cd.LBA     // point A2
	Tracks                []TOCEntry // points 01..99, in order
	// NextProgramArea is the start of the next possible session's program
	// area (point B0), valid when HasNext is set; an unfinalised disc has
	// it, a finalised one does not. MaxLeadOut is the B0 last possible
	// start of the lead-out and Pointers the number of ADR 5 pointers.
	HasNext         bool
	NextProgramArea cd.LBA
	MaxLeadOut      cd.LBA
	Pointers        uint8
	// FirstLeadIn is the start of the disc's first lead-in (point C0, the
	// first session of a multi-session disc), valid when HasC0 is set;
	// ApplicationCode and Power are its other fields.
	HasC0           bool
	FirstLeadIn     cd.LBA
	ApplicationCode uint8
	Power           uint8
}

// Sessions groups the entries by session and decodes the points. It fails
// when a session lacks point A0, A1 or A2, or a track entry falls outside
// the range they give.
func (t *FullTOC) Sessions() ([]FullTOCSession, error) {
	const s = "READ TOC format 2"
	var out []FullTOCSession
	idx := map[uint8]int{}
	seen := map[uint8]uint8{} // session → bits of A0, A1, A2 seen
	for i, e := range t.Entries {
		off := 4 + i*fullTOCDescriptorSz
		k, ok := idx[e.Session]
		if !ok {
			if e.Session == 0 || e.Session > maxCDTrackNumber {
				return nil, formatErr(s, off, "session number %d", e.Session)
			}
			k = len(out)
			idx[e.Session] = k
			out = append(out, FullTOCSession{Number: e.Session})
		}
		ss := &out[k]
		switch {
		case e.ADR == 1 && e.Point >= 1 && e.Point <= maxCDTrackNumber:
			if !e.PTime.Valid() {
				return nil, formatErr(s, off+8, "track %d address %v is not a valid MSF", e.Point, e.PTime)
			}
			ss.Tracks = append(ss.Tracks, TOCEntry{ADR: e.ADR, Control: e.Control, Track: e.Point, Start: e.PLBA(), MSF: e.PTime})
		case e.ADR == 1 && e.Point == PointFirstTrack:
			ss.FirstTrack, ss.DiscType = e.PTime.M, e.PTime.S
			seen[e.Session] |= 1
		case e.ADR == 1 && e.Point == PointLastTrack:
			ss.LastTrack = e.PTime.M
			seen[e.Session] |= 2
		case e.ADR == 1 && e.Point == PointLeadOut:
			if !e.PTime.Valid() {
				return nil, formatErr(s, off+8, "lead-out address %v is not a valid MSF", e.PTime)
			}
			ss.LeadOut = e.PLBA()
			seen[e.Session] |= 4
		case e.ADR == 5 && e.Point == PointNextSession:
			ss.HasNext = true
			ss.NextProgramArea = msfLBA(e.Time)
			ss.MaxLeadOut = e.PLBA()
			ss.Pointers = e.Zero
		case e.ADR == 5 && e.Point == PointFirstLeadIn:
			ss.HasC0 = true
			ss.Power, ss.ApplicationCode = e.Time.M, e.Time.S
			ss.FirstLeadIn = e.PLBA()
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	for i := range out {
		ss := &out[i]
		sort.SliceStable(ss.Tracks, func(i, j int) bool { return ss.Tracks[i].Track < ss.Tracks[j].Track })
		if seen[ss.Number] != 7 {
			return nil, formatErr(s, 4, "session %d lacks point A0, A1 or A2", ss.Number)
		}
		for _, tr := range ss.Tracks {
			if tr.Track < ss.FirstTrack || tr.Track > ss.LastTrack {
				return nil, formatErr(s, 4, "session %d: track %d outside %d..%d", ss.Number, tr.Track, ss.FirstTrack, ss.LastTrack)
			}
		}
	}
	return out, nil
}

// ATIP is the response of READ TOC format 4 (MMC-6 §6.25, the ATIP
// response format 0100b), the information pre-recorded in the groove of a
// CD-R or CD-RW. Bit 7 of descriptor bytes 0 and 2 is fixed at one; the
// reference speed and writing power codes are as the Orange Book defines
// them and are kept as codes.
type ATIP struct {
	WritingPower   uint8 // indicative target writing power (3 bits)
	DDCD           bool
	ReferenceSpeed uint8 // 3 bits
	URU            bool  // unrestricted use disc
	Erasable       bool  // disc type: CD-RW; false for CD-R
	DiscSubType    uint8 // 3 bits
	A1Valid        bool
	A2Valid        bool
	A3Valid        bool
	// LeadInStart is the ATIP start time of the lead-in (negative LBA),
	// the manufacturer code of the disc; LastLeadOut the last possible
	// start time of the lead-out, the disc's capacity.
	LeadInStart    cd.LBA
	LeadInMSF      cd.MSF
	LastLeadOut    cd.LBA
	LastLeadOutMSF cd.MSF
	A1, A2, A3     [3]byte
	S4             [3]byte // MMC-6; zero when absent
}

// ParseATIP parses the response of READ TOC format 4.
func ParseATIP(b []byte) (*ATIP, error) {
	const s = "READ TOC format 4"
	b, err := response(s, b, 2, 4+12)
	if err != nil {
		return nil, err
	}
	a := &ATIP{
		WritingPower:   b[4] >> 4 & 7,
		DDCD:           b[4]&0x08 != 0,
		ReferenceSpeed: b[4] & 7,
		URU:            b[5]&0x40 != 0,
		Erasable:       b[6]&0x40 != 0,
		DiscSubType:    b[6] >> 3 & 7,
		A1Valid:        b[6]&0x04 != 0,
		A2Valid:        b[6]&0x02 != 0,
		A3Valid:        b[6]&0x01 != 0,
		LeadInMSF:      cd.MSF{M: b[8], S: b[9], F: b[10]},
		LastLeadOutMSF: cd.MSF{M: b[12], S: b[13], F: b[14]},
	}
	if !a.LeadInMSF.Valid() {
		return nil, formatErr(s, 8, "lead-in start %v is not a valid MSF", a.LeadInMSF)
	}
	if !a.LastLeadOutMSF.Valid() {
		return nil, formatErr(s, 12, "last lead-out %v is not a valid MSF", a.LastLeadOutMSF)
	}
	a.LeadInStart = msfLBA(a.LeadInMSF)
	a.LastLeadOut = msfLBA(a.LastLeadOutMSF)
	for i, f := range []*[3]byte{&a.A1, &a.A2, &a.A3, &a.S4} {
		off := 16 + 4*i
		if off+3 <= len(b) {
			copy(f[:], b[off:off+3])
		}
	}
	return a, nil
}

// String describes the disc type as cdrecord -atip does.
func (a *ATIP) String() string {
	t := "CD-R"
	if a.Erasable {
		t = "CD-RW"
	}
	return fmt.Sprintf("%s, lead-in %v (%d), last lead-out %v (%d)", t, a.LeadInMSF, a.LeadInStart, a.LastLeadOutMSF, a.LastLeadOut)
}
