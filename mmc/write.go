package mmc

import (
	"fmt"

	"spindle/cd"
	"spindle/scsi"
)

// Operation codes of the recording commands (MMC-6 clause 6).
const (
	OpFormatUnit        = 0x04
	OpWrite10           = 0x2A
	OpSynchronizeCache  = 0x35
	OpReserveTrack      = 0x53
	OpSendOPC           = 0x54
	OpCloseTrackSession = 0x5B
	OpSendCueSheet      = 0x5D
	OpBlank             = 0xA1
	OpWrite12           = 0xAA
)

// Write10 builds the 10-byte WRITE(10) CDB (MMC-6 WRITE(10), 2Ah): count
// blocks to lba (bytes 2–5), transfer length in bytes 7–8; fua (byte 1
// bit 3) asks for the data to be on the medium before the command ends.
// On a CD written in Session at Once the first write goes to the negative
// LBA of the first pre-gap (−150 on a blank disc).
func Write10(lba cd.LBA, count uint16, fua bool) [10]byte {
	return transfer10(OpWrite10, lba, count, fua)
}

// Write12 builds the 12-byte WRITE(12) CDB (MMC-6 WRITE(12), AAh):
// transfer length in bytes 6–9; streaming (byte 10 bit 7) asks a DVD-RAM
// or BD-RE drive for real-time recording without defect management.
func Write12(lba cd.LBA, count uint32, fua, streaming bool) [12]byte {
	return transfer12(OpWrite12, lba, count, fua, streaming)
}

// SynchronizeCache builds the 10-byte SYNCHRONIZE CACHE(10) CDB (MMC-6
// SYNCHRONIZE CACHE, 35h) for the whole cache: LBA and number of blocks
// zero. immed (byte 1 bit 1) makes the drive report GOOD at once; poll
// TEST UNIT READY and REQUEST SENSE for the end of the write-out.
func SynchronizeCache(immed bool) [10]byte {
	c := [10]byte{OpSynchronizeCache}
	if immed {
		c[1] = 0x02
	}
	return c
}

// CloseFunction is the Close Function field of CLOSE TRACK/SESSION (byte 2
// bits 2–0). Its meaning depends on the medium; the values below are the
// ones burners use.
type CloseFunction uint8

// Close functions.
const (
	// CloseStopBackgroundFormat stops a DVD+RW background format quickly.
	CloseStopBackgroundFormat CloseFunction = 0
	// CloseTrack closes the logical track named by the track number
	// (CD-R/RW, DVD±R, BD-R).
	CloseTrack CloseFunction = 1
	// CloseSession closes the last session (a border on DVD-R); on a CD
	// the Multi-session field of the write parameters page decides
	// whether the disc stays appendable. On DVD+RW it stops a background
	// format in the compatible way.
	CloseSession CloseFunction = 2
	// CloseFinalizeMinimalRadius closes the session and finalises a
	// DVD+R or DVD+R DL disc, with a lead-out of at least the minimal
	// radius.
	CloseFinalizeMinimalRadius CloseFunction = 5
	// CloseFinalize closes the session and finalises a DVD+R, DVD+R DL
	// or BD-R disc.
	CloseFinalize CloseFunction = 6
)

// CloseTrackSession builds the 10-byte CLOSE TRACK/SESSION CDB (MMC-6
// CLOSE TRACK/SESSION, 5Bh): IMMED byte 1 bit 0, Close Function byte 2
// bits 2–0, Logical Track Number bytes 4–5 (used by CloseTrack).
func CloseTrackSession(f CloseFunction, track uint16, immed bool) ([10]byte, error) {
	var c [10]byte
	if f > 7 {
		return c, fmt.Errorf("%w: CLOSE TRACK/SESSION close function %d exceeds 3 bits", ErrArgument, f)
	}
	c[0] = OpCloseTrackSession
	if immed {
		c[1] = 0x01
	}
	c[2] = byte(f)
	put16(c[4:], track)
	return c, nil
}

// BlankType is the Blanking Type field of BLANK (byte 1 bits 2–0).
type BlankType uint8

// Blanking types of CD-RW and DVD-RW.
const (
	BlankDisc           BlankType = 0 // the whole disc
	BlankMinimal        BlankType = 1 // PMA, lead-in and first pre-gap only ("fast")
	BlankTrack          BlankType = 2 // the track at the start address
	BlankUnreserveTrack BlankType = 3 // the last, reserved or incomplete track
	BlankTrackTail      BlankType = 4 // the last track from the start address on
	BlankUncloseSession BlankType = 5 // reopen the last session
	BlankLastSession    BlankType = 6 // the last session
)

const (
	blankTypeMask = 7
	blankImmed    = 0x10
)

// Blank builds the 12-byte BLANK CDB (MMC-6 BLANK, A1h): IMMED byte 1 bit
// 4, Blanking Type byte 1 bits 2–0, Start Address/Logical Track Number
// bytes 2–5 (an LBA for BlankTrackTail, a track number for BlankTrack,
// ignored otherwise).
func Blank(t BlankType, addr uint32, immed bool) ([12]byte, error) {
	var c [12]byte
	if t > blankTypeMask {
		return c, fmt.Errorf("%w: BLANK type %d exceeds 3 bits", ErrArgument, t)
	}
	c[0] = OpBlank
	c[1] = byte(t)
	if immed {
		c[1] |= blankImmed
	}
	put32(c[2:], addr)
	return c, nil
}

// ReserveTrack builds the 10-byte RESERVE TRACK CDB (MMC-6 RESERVE TRACK,
// 53h) that reserves a track of blocks user blocks at the next writable
// address: ARSV clear, Reservation Size in bytes 5–8. DVD-R Disc at Once
// announces the size of the session this way.
func ReserveTrack(blocks uint32) [10]byte {
	c := [10]byte{OpReserveTrack}
	put32(c[5:], blocks)
	return c
}

// ReserveTrackAt builds the RESERVE TRACK CDB that reserves a track by
// address instead of size: ARSV (byte 1 bit 0) set, Reservation Logical
// Block Address in bytes 2–5 (MMC-5 and later, for BD-R and HD DVD-R).
func ReserveTrackAt(lba cd.LBA) [10]byte {
	c := [10]byte{OpReserveTrack, 0x01}
	put32(c[2:], uint32(lba))
	return c
}

// SendCueSheet builds the 10-byte SEND CUE SHEET CDB (MMC-6 SEND CUE
// SHEET, 5Dh): Cue Sheet Size in bytes 6–8, the length of the cue sheet
// (CueSheet.Marshal) that follows as data-out.
func SendCueSheet(size uint32) ([10]byte, error) {
	var c [10]byte
	if size > 0xFFFFFF {
		return c, fmt.Errorf("%w: cue sheet of %d bytes exceeds 24 bits", ErrArgument, size)
	}
	c[0] = OpSendCueSheet
	c[6], c[7], c[8] = byte(size>>16), byte(size>>8), byte(size)
	return c, nil
}

// OPCOptions are the flags of SEND OPC INFORMATION.
type OPCOptions struct {
	// DoOPC (byte 1 bit 0) asks the drive to run optimum power
	// calibration now; no parameter list is sent then.
	DoOPC bool
	// Exclude0 and Exclude1 (byte 2 bits 0 and 1) leave layer 0 or
	// layer 1 of a dual-layer disc out of the calibration.
	Exclude0, Exclude1 bool
}

// SendOPCInformation builds the 10-byte SEND OPC INFORMATION CDB (MMC-6
// SEND OPC INFORMATION, 54h): the flags of o and the Parameter List Length
// (bytes 7–8) of an OPC table from MarshalOPCTable, or zero.
func SendOPCInformation(o OPCOptions, paramLen uint16) [10]byte {
	c := [10]byte{OpSendOPC}
	if o.DoOPC {
		c[1] = 0x01
	}
	if o.Exclude0 {
		c[2] |= 0x01
	}
	if o.Exclude1 {
		c[2] |= 0x02
	}
	put16(c[7:], paramLen)
	return c
}

// OPCEntry is one entry of an OPC table: the speed in kB/s the values
// apply to and the six vendor-specific OPC value bytes, as READ DISC
// INFORMATION reports them after its OPC table count.
type OPCEntry struct {
	Speed uint16
	Value [6]byte
}

// MarshalOPCTable encodes the parameter list of SEND OPC INFORMATION: 8
// bytes per entry, speed (2 bytes) then the OPC value (6 bytes).
func MarshalOPCTable(es []OPCEntry) ([]byte, error) {
	if len(es)*8 > 0xFFFF {
		return nil, fmt.Errorf("%w: %d OPC entries exceed the parameter list length", ErrArgument, len(es))
	}
	b := make([]byte, 8*len(es))
	for i, e := range es {
		put16(b[8*i:], e.Speed)
		copy(b[8*i+2:8*i+8], e.Value[:])
	}
	return b, nil
}

// FormatType is the Format Type of a FORMAT UNIT format descriptor and of
// the formattable capacity descriptors of READ FORMAT CAPACITIES (6 bits).
type FormatType uint8

// Format types.
const (
	FormatFull             FormatType = 0x00 // full format (DVD-RAM, DVD-RW, BD-RE, BD-R)
	FormatSpareExpansion   FormatType = 0x01
	FormatZoneReformat     FormatType = 0x04
	FormatZone             FormatType = 0x05
	FormatRWFull           FormatType = 0x10 // CD-RW/DVD-RW full format; the parameter is the fixed packet size
	FormatRWGrowSession    FormatType = 0x11
	FormatRWAddSession     FormatType = 0x12
	FormatDVDRWQuickGrow   FormatType = 0x13 // quick grow the last border
	FormatDVDRWQuickAdd    FormatType = 0x14 // quick add a border
	FormatDVDRWQuick       FormatType = 0x15 // quick format to restricted overwrite
	FormatMRW              FormatType = 0x24 // Mount Rainier full format
	FormatDVDPlusRW        FormatType = 0x26 // DVD+RW basic format
	FormatBDREWithSpare    FormatType = 0x30 // BD-RE full format with spare areas
	FormatBDREWithoutSpare FormatType = 0x31 // BD-RE full format without spare areas
	FormatBDRWithSpare     FormatType = 0x32 // BD-R full format with spare areas: subtype 0 SRM+POW, 1 SRM
)

// Format subtypes of the BD-RE format types (30h, 31h).
const (
	BDFormatQuickReformat      = 0
	BDFormatNoCertification    = 1
	BDFormatFullCertification  = 2
	BDFormatQuickCertification = 3
)

// DVDPlusRWRestart is the Restart bit of the DVD+RW basic format (26h)
// parameter: resume an interrupted background format.
const DVDPlusRWRestart = 0x01

// FormatDescriptor is the 8-byte format descriptor of FORMAT UNIT: the
// number of blocks (FFFFFFFFh: as many as the medium holds, for 26h), the
// format type and subtype (byte 4), and the 24-bit type-dependent
// parameter (block length, packet size, spare area size, or the DVD+RW
// restart bit).
type FormatDescriptor struct {
	Blocks  uint32
	Type    FormatType
	Subtype uint8  // 2 bits
	Param   uint32 // 24 bits
}

// FormatUnitParameters is the FORMAT UNIT parameter list: the format list
// header (4 bytes) and one format descriptor.
type FormatUnitParameters struct {
	// FOV (header byte 1 bit 7) says the other flags are valid; Marshal
	// sets it whenever DCRT or Immed is set.
	FOV bool
	// DCRT (bit 5) disables certification (DVD-RAM, BD-RE).
	DCRT bool
	// Immed (bit 1) makes the drive report GOOD at once; poll REQUEST
	// SENSE for the progress.
	Immed      bool
	Descriptor FormatDescriptor
}

const (
	formatListHeader   = 4
	formatDescriptorSz = 8
	formatFOV          = 0x80
	formatDCRT         = 0x20
	formatImmed        = 0x02
)

// FormatUnit builds the 6-byte FORMAT UNIT CDB (MMC-6 FORMAT UNIT, 04h):
// FmtData (byte 1 bit 4) set, since a parameter list always follows,
// CmpList (bit 3) as given, Format Code 001b (bits 2–0).
func FormatUnit(cmpList bool) [6]byte {
	c := [6]byte{OpFormatUnit, 0x11}
	if cmpList {
		c[1] |= 0x08
	}
	return c
}

// Marshal encodes the 12-byte FORMAT UNIT parameter list: header byte 1
// flags, Format Descriptor Length 8 (bytes 2–3), then the descriptor.
func (p FormatUnitParameters) Marshal() ([12]byte, error) {
	var b [12]byte
	d := p.Descriptor
	if d.Type > 0x3F || d.Subtype > 3 || d.Param > 0xFFFFFF {
		return b, fmt.Errorf("%w: format descriptor %+v", ErrArgument, d)
	}
	if p.FOV || p.DCRT || p.Immed {
		b[1] = formatFOV
	}
	if p.DCRT {
		b[1] |= formatDCRT
	}
	if p.Immed {
		b[1] |= formatImmed
	}
	put16(b[2:], formatDescriptorSz)
	put32(b[4:], d.Blocks)
	b[8] = byte(d.Type)<<2 | d.Subtype
	b[9], b[10], b[11] = byte(d.Param>>16), byte(d.Param>>8), byte(d.Param)
	return b, nil
}

// ParseFormatUnitParameters decodes the parameter list a host sends with
// FORMAT UNIT: a format list header whose descriptor length is 8 and one
// format descriptor. Bytes after the descriptor are ignored.
func ParseFormatUnitParameters(b []byte) (FormatUnitParameters, error) {
	const s = "FORMAT UNIT parameter list"
	if len(b) < formatListHeader {
		return FormatUnitParameters{}, truncErr(s, 0, "%d bytes, too short for the format list header", len(b))
	}
	if n := be16(b[2:]); n != formatDescriptorSz {
		return FormatUnitParameters{}, formatErr(s, 2, "format descriptor length %d, want 8", n)
	}
	if len(b) < formatListHeader+formatDescriptorSz {
		return FormatUnitParameters{}, truncErr(s, formatListHeader, "%d bytes, too short for the format descriptor", len(b))
	}
	d := b[formatListHeader:]
	return FormatUnitParameters{
		FOV:   b[1]&formatFOV != 0,
		DCRT:  b[1]&formatDCRT != 0,
		Immed: b[1]&formatImmed != 0,
		Descriptor: FormatDescriptor{
			Blocks:  be32(d),
			Type:    FormatType(d[4] >> 2),
			Subtype: d[4] & 3,
			Param:   uint32(d[5])<<16 | uint32(d[6])<<8 | uint32(d[7]),
		},
	}, nil
}

// PageWriteParameters is the code of the Write Parameters mode page.
const PageWriteParameters = 0x05

// WriteType is the Write Type field of the write parameters page.
type WriteType uint8

// Write types.
const (
	WritePacket    WriteType = 0 // packet (CD) or incremental (DVD-R) recording
	WriteTAO       WriteType = 1 // track at once
	WriteSAO       WriteType = 2 // session at once (CD, with a cue sheet) or disc at once (DVD-R)
	WriteRaw       WriteType = 3 // raw: the host sends lead-in, sub-channel and all
	WriteLayerJump WriteType = 4 // layer jump recording (DVD-R DL)
)

func (w WriteType) String() string {
	switch w {
	case WritePacket:
		return "packet"
	case WriteTAO:
		return "TAO"
	case WriteSAO:
		return "SAO"
	case WriteRaw:
		return "raw"
	case WriteLayerJump:
		return "layer jump"
	}
	return fmt.Sprintf("write type %d", uint8(w))
}

// MultiSessionMode is the Multi-session field of the write parameters page:
// what closing the session leaves behind.
type MultiSessionMode uint8

// Multi-session values.
const (
	// SingleSession: no B0 pointer, no further session (the disc is
	// finalised; on DVD-R no further border).
	SingleSession MultiSessionMode = 0
	// SingleSessionB0: B0 pointer FF:FF:FF, no further session.
	SingleSessionB0 MultiSessionMode = 1
	// MultiSessionOpen: the B0 pointer names the next program area, a
	// further session may be recorded (the disc stays appendable).
	MultiSessionOpen MultiSessionMode = 3
)

// DataBlockType is the Data Block Type field of the write parameters
// page: what each block the host writes holds.
type DataBlockType uint8

// Data block types.
const (
	BlockRaw          DataBlockType = 0  // 2352 bytes, raw
	BlockRawPQ        DataBlockType = 1  // 2368: raw with P and Q sub-channel
	BlockRawPW        DataBlockType = 2  // 2448: raw with P–W sub-channel (packed)
	BlockRawPWRaw     DataBlockType = 3  // 2448: raw with raw P–W sub-channel
	BlockMode1        DataBlockType = 8  // 2048: Mode 1 user data
	BlockMode2        DataBlockType = 9  // 2336: Mode 2 formless
	BlockMode2Form1   DataBlockType = 10 // 2048: XA form 1 user data
	BlockMode2Form1SH DataBlockType = 11 // 2056: XA form 1 with the 8-byte subheader
	BlockMode2Form2   DataBlockType = 12 // 2324: XA form 2 user data
	BlockMode2Mixed   DataBlockType = 13 // 2332: XA form 1, 2 or mixed, with the subheader
)

// Size returns the bytes per block the host writes with this data block
// type, and false for a reserved or vendor-specific type.
func (t DataBlockType) Size() (int, bool) {
	switch t {
	case BlockRaw:
		return cd.RawSectorSize, true
	case BlockRawPQ:
		return cd.RawSectorSize + 16, true
	case BlockRawPW, BlockRawPWRaw:
		return cd.RawSectorSize + cd.SubchannelSize, true
	case BlockMode1, BlockMode2Form1:
		return cd.DataSectorSize, true
	case BlockMode2:
		return cd.Mode2SectorSize, true
	case BlockMode2Form1SH:
		return cd.DataSectorSize + 8, true
	case BlockMode2Form2:
		return cd.Form2DataSize, true
	case BlockMode2Mixed:
		return cd.Form2DataSize + 8, true
	}
	return 0, false
}

// SessionFormat is the Session Format field of the write parameters page,
// the disc type written to point A0 of the TOC.
type SessionFormat uint8

// Session formats.
const (
	SessionCDROM   SessionFormat = 0x00 // CD-DA or CD-ROM
	SessionCDI     SessionFormat = 0x10 // CD-i
	SessionCDROMXA SessionFormat = 0x20 // CD-ROM XA
)

// Page lengths of the write parameters page: MMC-2 and MMC-3 drives
// report 32h (bytes 2–51); later drives may add four vendor-specific bytes
// and report 36h. MODE SELECT must send the length the drive reports.
const (
	WriteParametersLength    = 0x32
	WriteParametersLengthVen = 0x36
)

// WriteParameters is the Write Parameters mode page (MMC-6, the Write
// Parameters mode page, page code 05h), sent with MODE SELECT(10) before
// recording a CD or a DVD-R in packet, TAO, SAO or raw mode.
type WriteParameters struct {
	// PageLength is the Page Length the drive reported (32h or 36h);
	// zero marshals as 32h. ParseWriteParameters sets it.
	PageLength uint8
	// BUFE (byte 2 bit 6) enables buffer under-run free recording.
	BUFE bool
	// LSV (byte 2 bit 5) says LinkSize is valid.
	LSV bool
	// TestWrite (byte 2 bit 4) runs the recording with the laser at read
	// power: nothing is written (cdrecord -dummy).
	TestWrite bool
	// WriteType is byte 2 bits 3–0.
	WriteType WriteType
	// MultiSession is byte 3 bits 7–6.
	MultiSession MultiSessionMode
	// FixedPacket (FP, byte 3 bit 5) selects fixed-size packets.
	FixedPacket bool
	// Copy (byte 3 bit 4) records SCMS: the copy bit of the Q control
	// field alternates (first generation copy of a protected track).
	Copy bool
	// TrackMode (byte 3 bits 3–0) is the Q sub-channel control nibble of
	// the track: ControlData, ControlCopy, ... (5 for DVD-R).
	TrackMode uint8
	// DataBlockType is byte 4 bits 3–0.
	DataBlockType DataBlockType
	// LinkSize (byte 5) is the linking loss area size in blocks.
	LinkSize uint8
	// HostApplicationCode (byte 7 bits 5–0) is required for restricted
	// use discs.
	HostApplicationCode uint8
	// SessionFormat is byte 8.
	SessionFormat SessionFormat
	// PacketSize (bytes 10–13) is the number of user blocks per fixed
	// packet.
	PacketSize uint32
	// AudioPauseLength (bytes 14–15) is the number of blocks of index 0
	// at the start of an audio track written TAO (150 by default).
	AudioPauseLength uint16
	// MCN is the media catalog number (bytes 16–31): 13 ASCII digits
	// after the MCVAL bit, or "" when MCVAL is clear.
	MCN string
	// ISRC is the track's ISRC (bytes 32–47): 12 characters after the
	// TCVAL bit, or "" when TCVAL is clear.
	ISRC string
	// SubHeader is written to the subheader of Mode 2 form 1 and form 2
	// blocks whose data block type carries none (bytes 48–51).
	SubHeader [4]byte
	// Vendor is the vendor-specific bytes 52–55 of a page of length 36h.
	Vendor [4]byte
}

const (
	wpMCNOff  = 16
	wpISRCOff = 32
	wpSubOff  = 48
	wpVenOff  = 52
	wpValid   = 0x80 // MCVAL, TCVAL
)

// Marshal encodes the page with its 2-byte header (PS clear, page code
// 05h, page length), ready for a MODE SELECT(10) parameter list.
func (p *WriteParameters) Marshal() ([]byte, error) {
	n := p.PageLength
	if n == 0 {
		n = WriteParametersLength
	}
	switch {
	case n != WriteParametersLength && n != WriteParametersLengthVen:
		return nil, fmt.Errorf("%w: write parameters page length %02Xh, want 32h or 36h", ErrArgument, n)
	case p.WriteType > 0x0F || p.TrackMode > 0x0F || p.DataBlockType > 0x0F || p.HostApplicationCode > 0x3F:
		return nil, fmt.Errorf("%w: write parameters field out of range: write type %d, track mode %d, data block type %d, host application code %d",
			ErrArgument, p.WriteType, p.TrackMode, p.DataBlockType, p.HostApplicationCode)
	case p.MultiSession > 3 || p.MultiSession == 2:
		return nil, fmt.Errorf("%w: multi-session field %d", ErrArgument, p.MultiSession)
	case p.MCN != "" && !isDigits(p.MCN, 13):
		return nil, fmt.Errorf("%w: catalog number %q: want 13 digits", ErrArgument, p.MCN)
	case p.ISRC != "" && !isISRC(p.ISRC):
		return nil, fmt.Errorf("%w: ISRC %q: want 12 characters CCOOOYYSSSSS (upper case)", ErrArgument, p.ISRC)
	}
	b := make([]byte, 2+int(n))
	b[0], b[1] = PageWriteParameters, n
	b[2] = byte(p.WriteType)
	if p.BUFE {
		b[2] |= 0x40
	}
	if p.LSV {
		b[2] |= 0x20
	}
	if p.TestWrite {
		b[2] |= 0x10
	}
	b[3] = byte(p.MultiSession)<<6 | p.TrackMode
	if p.FixedPacket {
		b[3] |= 0x20
	}
	if p.Copy {
		b[3] |= 0x10
	}
	b[4] = byte(p.DataBlockType)
	b[5] = p.LinkSize
	b[7] = p.HostApplicationCode
	b[8] = byte(p.SessionFormat)
	put32(b[10:], p.PacketSize)
	put16(b[14:], p.AudioPauseLength)
	if p.MCN != "" {
		b[wpMCNOff] = wpValid
		copy(b[wpMCNOff+1:], p.MCN)
	}
	if p.ISRC != "" {
		b[wpISRCOff] = wpValid
		copy(b[wpISRCOff+1:], p.ISRC)
	}
	copy(b[wpSubOff:], p.SubHeader[:])
	if n == WriteParametersLengthVen {
		copy(b[wpVenOff:], p.Vendor[:])
	}
	return b, nil
}

// ModeSelectData encodes a whole MODE SELECT(10) parameter list holding
// the page: the 8-byte mode parameter header (no block descriptors) and
// the page. Send it with scsi.ModeSelect10CDB(true, false, len).
func (p *WriteParameters) ModeSelectData() ([]byte, error) {
	pg, err := p.Marshal()
	if err != nil {
		return nil, err
	}
	m := scsi.ModeData{Pages: []scsi.ModePage{{Code: PageWriteParameters, Data: pg[2:]}}}
	return m.MarshalModeSelect10()
}

// ParseWriteParameters decodes the write parameters page from its first
// byte (page code 05h): the page length must be at least 32h and the page
// must fit in b. MCN and ISRC are decoded only when their valid bits are
// set, and must then be digits and ISRC characters. A page longer than 36h
// is decoded up to byte 55.
func ParseWriteParameters(b []byte) (*WriteParameters, error) {
	const s = "write parameters page"
	if len(b) < 2 {
		return nil, truncErr(s, 0, "%d bytes, too short for the page header", len(b))
	}
	if code := b[0] & 0x3F; code != PageWriteParameters || b[0]&0x40 != 0 {
		return nil, formatErr(s, 0, "page code %02Xh (SPF %v), want 05h", code, b[0]&0x40 != 0)
	}
	n := int(b[1])
	if n < WriteParametersLength {
		return nil, formatErr(s, 1, "page length %02Xh, want at least 32h", n)
	}
	if 2+n > len(b) {
		return nil, truncErr(s, 1, "page length %d, but only %d bytes", n, len(b)-2)
	}
	b = b[:2+n]
	p := &WriteParameters{
		PageLength:          uint8(n),
		BUFE:                b[2]&0x40 != 0,
		LSV:                 b[2]&0x20 != 0,
		TestWrite:           b[2]&0x10 != 0,
		WriteType:           WriteType(b[2] & 0x0F),
		MultiSession:        MultiSessionMode(b[3] >> 6),
		FixedPacket:         b[3]&0x20 != 0,
		Copy:                b[3]&0x10 != 0,
		TrackMode:           b[3] & 0x0F,
		DataBlockType:       DataBlockType(b[4] & 0x0F),
		LinkSize:            b[5],
		HostApplicationCode: b[7] & 0x3F,
		SessionFormat:       SessionFormat(b[8]),
		PacketSize:          be32(b[10:]),
		AudioPauseLength:    uint16(be16(b[14:])),
	}
	if p.MultiSession == 2 {
		return nil, formatErr(s, 3, "multi-session field 10b is reserved")
	}
	if b[wpMCNOff]&wpValid != 0 {
		p.MCN = string(b[wpMCNOff+1 : wpMCNOff+14])
		if !isDigits(p.MCN, 13) {
			return nil, formatErr(s, wpMCNOff+1, "catalog number %q is not 13 digits", p.MCN)
		}
	}
	if b[wpISRCOff]&wpValid != 0 {
		p.ISRC = string(b[wpISRCOff+1 : wpISRCOff+13])
		if !isISRC(p.ISRC) {
			return nil, formatErr(s, wpISRCOff+1, "ISRC %q is not of the form CCOOOYYSSSSS", p.ISRC)
		}
	}
	copy(p.SubHeader[:], b[wpSubOff:])
	if n >= WriteParametersLengthVen {
		copy(p.Vendor[:], b[wpVenOff:])
		if n > WriteParametersLengthVen {
			p.PageLength = WriteParametersLengthVen
		}
	}
	return p, nil
}

// ParseWriteParametersMode finds and decodes the write parameters page in
// the data of MODE SENSE(10) or a MODE SELECT(10) parameter list: the
// mode parameter header, any block descriptors, and the pages, bounded by
// the mode data length. A mode data length of zero, as MODE SELECT sends
// it (the field is reserved there), means the data runs to the end of b.
func ParseWriteParametersMode(b []byte) (*WriteParameters, error) {
	const s = "MODE SENSE(10) page 05h"
	if len(b) >= 8 && be16(b) == 0 {
		b = append([]byte(nil), b...)
		put16(b, uint16(min(len(b)-2, 0xFFFF)))
	}
	m, err := scsi.ParseModeSense10(b)
	if err != nil {
		return nil, &FormatError{Structure: s, Offset: 0, Msg: err.Error(), Err: ErrFormat}
	}
	pg, ok := m.Page(PageWriteParameters, 0)
	if !ok {
		if m.Truncated {
			return nil, truncErr(s, 0, "mode data length %d, but only %d bytes transferred", m.Length-2, len(b)-2)
		}
		return nil, formatErr(s, 0, "page 05h not present")
	}
	if pg.SPF {
		return nil, formatErr(s, 0, "page 05h in sub-page format")
	}
	return ParseWriteParameters(pg.Bytes())
}

// isDigits reports whether s is n ASCII digits.
func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isISRC reports whether s is an ISRC as the Q sub-channel carries it
// (ECMA-130 §22.3.4): two letters of country, three letters or digits of
// owner, two digits of year and five of serial number, upper case.
func isISRC(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isrcChar(s[i], i) {
			return false
		}
	}
	return true
}

// isrcChar reports whether c may stand at position i of an ISRC.
func isrcChar(c byte, i int) bool {
	upper := c >= 'A' && c <= 'Z'
	digit := c >= '0' && c <= '9'
	switch {
	case i < 2:
		return upper
	case i < 5:
		return upper || digit
	default:
		return digit
	}
}
