package mmc

import (
	"fmt"

	"spindle/cd"
)

// Operation codes of the media, speed and mechanism commands (MMC-6
// clause 6).
const (
	OpReadFormatCapacities = 0x23
	OpReadSubChannel       = 0x42
	OpGetEventStatus       = 0x4A
	OpReadBufferCapacity   = 0x5C
	OpGetPerformance       = 0xAC
	OpReadDiscStructure    = 0xAD
	OpSetStreaming         = 0xB6
	OpSetCDSpeed           = 0xBB
	OpMechanismStatus      = 0xBD
)

// EventClass is a notification class of GET EVENT STATUS NOTIFICATION:
// the Notification Class field of the event header (byte 2 bits 2–0).
type EventClass uint8

// Notification classes.
const (
	EventClassNone        EventClass = 0 // no requested class is supported
	EventClassOperational EventClass = 1 // operational change
	EventClassPower       EventClass = 2 // power management
	EventClassExternal    EventClass = 3 // external request
	EventClassMedia       EventClass = 4 // media
	EventClassMultiHost   EventClass = 5 // multiple hosts
	EventClassBusy        EventClass = 6 // device busy
)

// EventMask is a set of notification classes: the Notification Class
// Request field of the CDB (byte 4) and the Supported Event Classes field
// of the event header (byte 3), one bit per class.
type EventMask uint8

// Notification class masks.
const (
	EventMaskOperational EventMask = 1 << EventClassOperational
	EventMaskPower       EventMask = 1 << EventClassPower
	EventMaskExternal    EventMask = 1 << EventClassExternal
	EventMaskMedia       EventMask = 1 << EventClassMedia
	EventMaskMultiHost   EventMask = 1 << EventClassMultiHost
	EventMaskBusy        EventMask = 1 << EventClassBusy
)

// Has reports whether the mask holds class c.
func (m EventMask) Has(c EventClass) bool { return c < 8 && m&(1<<c) != 0 }

// GetEventStatus builds the 10-byte GET EVENT STATUS NOTIFICATION CDB
// (MMC-6 GET EVENT STATUS NOTIFICATION, 4Ah) in polled mode (Polled,
// byte 1 bit 0; asynchronous notification is not used over SG_IO): the
// classes to report in byte 4, allocation length in bytes 7–8. The drive
// reports the pending event of the lowest requested class and clears it.
func GetEventStatus(classes EventMask, alloc uint16) [10]byte {
	c := [10]byte{OpGetEventStatus, 0x01}
	c[4] = byte(classes)
	put16(c[7:], alloc)
	return c
}

// MediaEventCode is the Media Event Code of a media class event (byte 0
// bits 3–0 of the event descriptor).
type MediaEventCode uint8

// Media events.
const (
	MediaNoChange               MediaEventCode = 0
	MediaEjectRequest           MediaEventCode = 1 // the user pressed the eject button
	MediaNew                    MediaEventCode = 2 // a medium was loaded
	MediaRemoval                MediaEventCode = 3 // the medium was removed
	MediaChanged                MediaEventCode = 4 // the medium was changed by the user
	MediaBackgroundFormatDone   MediaEventCode = 5
	MediaBackgroundFormatResume MediaEventCode = 6
)

var mediaEventNames = [...]string{"no change", "eject request", "new media", "media removal", "media changed",
	"background format completed", "background format restarted"}

func (c MediaEventCode) String() string {
	if int(c) < len(mediaEventNames) {
		return mediaEventNames[c]
	}
	return fmt.Sprintf("media event %d", uint8(c))
}

// MediaEvent is the event descriptor of the media class.
type MediaEvent struct {
	Code     MediaEventCode
	Present  bool  // Media Present (byte 1 bit 1)
	TrayOpen bool  // Door or Tray Open (byte 1 bit 0)
	Start    uint8 // start slot of a changer
	End      uint8 // end slot of a changer
}

// OperationalEvent is the event descriptor of the operational change
// class: a change of the drive's state or features (a firmware update, a
// feature set change after a disc is loaded).
type OperationalEvent struct {
	// Code is the Operational Event code (byte 0 bits 3–0): 0 no change,
	// 1 operational change request or notification, 2 operational state
	// changed.
	Code uint8
	// PersistentPrevented (byte 1 bit 7) reports that the medium is
	// locked in by a persistent prevent.
	PersistentPrevented bool
	// Status is the Operational Status (byte 1 bits 3–0): 0 available,
	// 1 temporarily busy, 2 busy.
	Status uint8
	// Report is the Operational Report (bytes 2–3): 0 no change, 1
	// feature change, 2 feature added, 3 drive reset, 4 firmware
	// changed, 5 inquiry change.
	Report uint16
}

// EventStatus is the response of GET EVENT STATUS NOTIFICATION.
type EventStatus struct {
	// NoEvent is the NEA bit (byte 2 bit 7): no event of the requested
	// classes is pending (or none is supported); no descriptor follows.
	NoEvent bool
	// Class names the class of the event descriptor.
	Class EventClass
	// Supported is the set of classes the drive supports.
	Supported EventMask
	// Descriptor is the event descriptor as returned, bounded by the
	// event descriptor length.
	Descriptor []byte
	// Media is the decoded descriptor of a media class event.
	Media *MediaEvent
	// Operational is the decoded descriptor of an operational change
	// event.
	Operational *OperationalEvent
}

// ParseEventStatus parses the response of GET EVENT STATUS NOTIFICATION:
// the 4-byte event header, whose Event Descriptor Length (bytes 0–1)
// bounds the descriptor, and for the media and operational change classes
// the 4-byte event descriptor, which must be present unless NEA is set.
func ParseEventStatus(b []byte) (*EventStatus, error) {
	const s = "GET EVENT STATUS NOTIFICATION"
	b, err := response(s, b, 2, 4)
	if err != nil {
		return nil, err
	}
	e := &EventStatus{
		NoEvent:   b[2]&0x80 != 0,
		Class:     EventClass(b[2] & 7),
		Supported: EventMask(b[3]),
	}
	if len(b) > 4 {
		e.Descriptor = append([]byte(nil), b[4:]...)
	}
	if e.NoEvent {
		return e, nil
	}
	d := e.Descriptor
	switch e.Class {
	case EventClassMedia, EventClassOperational:
		if len(d) < 4 {
			return nil, formatErr(s, 0, "event descriptor length %d, want at least 4 for class %d", len(d), e.Class)
		}
	}
	switch e.Class {
	case EventClassMedia:
		e.Media = &MediaEvent{
			Code:     MediaEventCode(d[0] & 0x0F),
			Present:  d[1]&0x02 != 0,
			TrayOpen: d[1]&0x01 != 0,
			Start:    d[2],
			End:      d[3],
		}
	case EventClassOperational:
		e.Operational = &OperationalEvent{
			Code:                d[0] & 0x0F,
			PersistentPrevented: d[1]&0x80 != 0,
			Status:              d[1] & 0x0F,
			Report:              uint16(be16(d[2:])),
		}
	}
	return e, nil
}

// ReadFormatCapacities builds the 10-byte READ FORMAT CAPACITIES CDB
// (MMC-6 READ FORMAT CAPACITIES, 23h): allocation length in bytes 7–8.
func ReadFormatCapacities(alloc uint16) [10]byte {
	c := [10]byte{OpReadFormatCapacities}
	put16(c[7:], alloc)
	return c
}

// CapacityType is the Descriptor Type of the current/maximum capacity
// descriptor (byte 4 bits 1–0).
type CapacityType uint8

// Descriptor types.
const (
	CapacityUnformatted CapacityType = 1 // unformatted or blank medium: the maximum capacity
	CapacityFormatted   CapacityType = 2 // formatted medium: the current capacity
	CapacityNoMedia     CapacityType = 3 // no medium, or capacity unknown: the drive's maximum
)

func (t CapacityType) String() string {
	switch t {
	case CapacityUnformatted:
		return "unformatted"
	case CapacityFormatted:
		return "formatted"
	case CapacityNoMedia:
		return "no media"
	}
	return fmt.Sprintf("descriptor type %d", uint8(t))
}

// CurrentCapacity is the current/maximum capacity descriptor.
type CurrentCapacity struct {
	Blocks      uint32
	Type        CapacityType
	BlockLength uint32 // 24 bits
}

// FormatCapacity is a formattable capacity descriptor: a format FORMAT
// UNIT can apply, with the number of blocks it gives and its
// type-dependent parameter.
type FormatCapacity struct {
	Blocks uint32
	Type   FormatType
	Param  uint32 // 24 bits
}

// FormatCapacities is the response of READ FORMAT CAPACITIES.
type FormatCapacities struct {
	Current CurrentCapacity
	Formats []FormatCapacity
}

// ParseFormatCapacities parses the response of READ FORMAT CAPACITIES:
// the capacity list header, whose Capacity List Length (byte 3, a
// multiple of 8) covers the current/maximum capacity descriptor and the
// formattable capacity descriptors.
func ParseFormatCapacities(b []byte) (*FormatCapacities, error) {
	const s = "READ FORMAT CAPACITIES"
	if len(b) < 4 {
		return nil, truncErr(s, 0, "%d bytes, too short for the capacity list header", len(b))
	}
	n := int(b[3])
	if n < 8 || n%8 != 0 {
		return nil, formatErr(s, 3, "capacity list length %d, want a non-zero multiple of 8", n)
	}
	if 4+n > len(b) {
		return nil, truncErr(s, 3, "capacity list length %d, but only %d bytes transferred", n, len(b)-4)
	}
	c := &FormatCapacities{Current: CurrentCapacity{
		Blocks:      be32(b[4:]),
		Type:        CapacityType(b[8] & 3),
		BlockLength: uint32(b[9])<<16 | uint32(b[10])<<8 | uint32(b[11]),
	}}
	for off := 12; off < 4+n; off += 8 {
		d := b[off:]
		c.Formats = append(c.Formats, FormatCapacity{
			Blocks: be32(d),
			Type:   FormatType(d[4] >> 2),
			Param:  uint32(d[5])<<16 | uint32(d[6])<<8 | uint32(d[7]),
		})
	}
	return c, nil
}

// ReadBufferCapacity builds the 10-byte READ BUFFER CAPACITY CDB (MMC-6
// READ BUFFER CAPACITY, 5Ch): blocks (byte 1 bit 0, Block) asks for the
// free space in blocks instead of bytes; allocation length in bytes 7–8.
func ReadBufferCapacity(blocks bool, alloc uint16) [10]byte {
	c := [10]byte{OpReadBufferCapacity}
	if blocks {
		c[1] = 0x01
	}
	put16(c[7:], alloc)
	return c
}

// BufferCapacity is the response of READ BUFFER CAPACITY.
type BufferCapacity struct {
	// Blocks reports the block form (byte 3 bit 0 of the response): only
	// Free is given, in blocks.
	Blocks bool
	// Size is the Length of Buffer in bytes (byte form only).
	Size uint32
	// Free is the Blank Length of Buffer in bytes, or the Available
	// Length of Buffer in blocks. Some drives report more free bytes
	// than the buffer has; it is returned as given.
	Free uint32
}

// ParseBufferCapacity parses the 12-byte response of READ BUFFER
// CAPACITY, bounded by its Data Length (bytes 0–1), in the byte form or,
// when the Block bit of the response is set, the block form.
func ParseBufferCapacity(b []byte) (BufferCapacity, error) {
	const s = "READ BUFFER CAPACITY"
	b, err := response(s, b, 2, 12)
	if err != nil {
		return BufferCapacity{}, err
	}
	if b[3]&0x01 != 0 {
		return BufferCapacity{Blocks: true, Free: be32(b[8:])}, nil
	}
	return BufferCapacity{Size: be32(b[4:]), Free: be32(b[8:])}, nil
}

// Performance types of GET PERFORMANCE (the Type field, byte 10).
const (
	PerformanceNominal    = 0x00 // performance data
	PerformanceWriteSpeed = 0x03 // write speed descriptors
)

// GetPerformance builds the 12-byte GET PERFORMANCE CDB (MMC-6 GET
// PERFORMANCE, ACh) for performance data (type 00h): Data Type byte 1
// with Tolerance 10b, Write (bit 2) for write instead of read performance
// and Except 00b (nominal performance); Starting LBA bytes 2–5, Maximum
// Number of Descriptors (maxDesc) bytes 8–9.
func GetPerformance(write bool, start cd.LBA, maxDesc uint16) [12]byte {
	c := [12]byte{OpGetPerformance, 0x10}
	if write {
		c[1] |= 0x04
	}
	put32(c[2:], uint32(start))
	put16(c[8:], maxDesc)
	c[10] = PerformanceNominal
	return c
}

// GetWriteSpeeds builds the GET PERFORMANCE CDB for the write speed
// descriptors of the current medium (type 03h): the speeds a drive offers
// for it, as cdrecord and growisofs list them.
func GetWriteSpeeds(maxDesc uint16) [12]byte {
	c := [12]byte{OpGetPerformance}
	put16(c[8:], maxDesc)
	c[10] = PerformanceWriteSpeed
	return c
}

// PerformanceDescriptor is a nominal performance descriptor: the speed in
// kB/s (1000 bytes per second) at the start and end of an LBA range.
type PerformanceDescriptor struct {
	Start     cd.LBA
	StartKBps uint32
	End       cd.LBA
	EndKBps   uint32
}

// PerformanceException is an exception descriptor: an LBA where the
// drive needs extra time, and the Time field as the drive reports it.
type PerformanceException struct {
	LBA  cd.LBA
	Time uint16
}

// Performance is the response of GET PERFORMANCE type 00h.
type Performance struct {
	Write      bool // the header's Write bit: write performance
	Except     bool // the header's Except bit: exception descriptors follow
	Nominal    []PerformanceDescriptor
	Exceptions []PerformanceException
}

// perfHeader bounds the response of GET PERFORMANCE by its Performance
// Data Length (bytes 0–3) and checks that the descriptors after the
// 8-byte header are whole.
func perfHeader(s string, b []byte, size int) ([]byte, error) {
	b, err := response(s, b, 4, 8)
	if err != nil {
		return nil, err
	}
	if (len(b)-8)%size != 0 {
		return nil, formatErr(s, 0, "performance data length %d leaves a partial %d-byte descriptor", len(b)-4, size)
	}
	return b, nil
}

// ParsePerformance parses the response of GET PERFORMANCE type 00h: the
// 8-byte header, then 16-byte nominal descriptors, or 6-byte exception
// descriptors when the header's Except bit is set.
func ParsePerformance(b []byte) (*Performance, error) {
	const s = "GET PERFORMANCE"
	if len(b) >= 5 && b[4]&0x01 != 0 {
		b, err := perfHeader(s, b, 6)
		if err != nil {
			return nil, err
		}
		p := &Performance{Write: b[4]&0x02 != 0, Except: true}
		for off := 8; off < len(b); off += 6 {
			p.Exceptions = append(p.Exceptions, PerformanceException{LBA: cd.LBA(int32(be32(b[off:]))), Time: uint16(be16(b[off+4:]))})
		}
		return p, nil
	}
	b, err := perfHeader(s, b, 16)
	if err != nil {
		return nil, err
	}
	p := &Performance{Write: b[4]&0x02 != 0}
	for off := 8; off < len(b); off += 16 {
		d := b[off:]
		p.Nominal = append(p.Nominal, PerformanceDescriptor{
			Start: cd.LBA(int32(be32(d))), StartKBps: be32(d[4:]),
			End: cd.LBA(int32(be32(d[8:]))), EndKBps: be32(d[12:]),
		})
	}
	return p, nil
}

// WriteSpeedDescriptor is a write speed descriptor of GET PERFORMANCE
// type 03h.
type WriteSpeedDescriptor struct {
	// WRC is the Write Rotation Control (byte 0 bits 4–3): 0 the
	// medium's default (CLV), 1 CAV.
	WRC uint8
	// RDD, Exact and MRW are byte 0 bits 2, 1 and 0: the descriptor
	// holds the drive's defaults, the speed holds over the whole medium,
	// the speed suits mixed reading and writing (Mount Rainier).
	RDD, Exact, MRW bool
	// End is the last LBA the speeds apply to (the capacity of the
	// medium).
	End cd.LBA
	// ReadKBps and WriteKBps are the speeds in kB/s (1000 bytes per
	// second).
	ReadKBps, WriteKBps uint32
}

// ParseWriteSpeeds parses the response of GET PERFORMANCE type 03h: the
// 8-byte header and 16-byte write speed descriptors.
func ParseWriteSpeeds(b []byte) ([]WriteSpeedDescriptor, error) {
	const s = "GET PERFORMANCE write speed"
	b, err := perfHeader(s, b, 16)
	if err != nil {
		return nil, err
	}
	out := make([]WriteSpeedDescriptor, 0, (len(b)-8)/16)
	for off := 8; off < len(b); off += 16 {
		d := b[off:]
		out = append(out, WriteSpeedDescriptor{
			WRC:       d[0] >> 3 & 3,
			RDD:       d[0]&0x04 != 0,
			Exact:     d[0]&0x02 != 0,
			MRW:       d[0]&0x01 != 0,
			End:       cd.LBA(int32(be32(d[4:]))),
			ReadKBps:  be32(d[8:]),
			WriteKBps: be32(d[12:]),
		})
	}
	return out, nil
}

// SpeedMax is the speed that asks SET CD SPEED for the highest the drive
// can do.
const SpeedMax = 0xFFFF

// Rotation is the Rotational Control field of SET CD SPEED (byte 1 bits
// 1–0).
type Rotation uint8

// Rotational control.
const (
	RotationCLV Rotation = 0 // constant linear velocity (the default)
	RotationCAV Rotation = 1 // constant angular velocity
)

// SetCDSpeed builds the 12-byte SET CD SPEED CDB (MMC-6 SET CD SPEED,
// BBh): read speed bytes 2–3 and write speed bytes 4–5 in kB/s (1000
// bytes per second; 1× CD is 176.4 kB/s), SpeedMax for the fastest; the
// drive rounds to a speed it supports.
func SetCDSpeed(readKBps, writeKBps uint16, r Rotation) ([12]byte, error) {
	var c [12]byte
	if r > 3 {
		return c, fmt.Errorf("%w: SET CD SPEED rotational control %d exceeds 2 bits", ErrArgument, r)
	}
	c[0] = OpSetCDSpeed
	c[1] = byte(r)
	put16(c[2:], readKBps)
	put16(c[4:], writeKBps)
	return c, nil
}

// Types of SET STREAMING (byte 8).
const (
	StreamingPerformance = 0x00 // a 28-byte performance descriptor
	StreamingDBICache    = 0x05 // DBI cache zone descriptors
)

// StreamingDescriptorSize is the size of the performance descriptor of
// SET STREAMING.
const StreamingDescriptorSize = 28

// SetStreaming builds the 12-byte SET STREAMING CDB (MMC-6 SET STREAMING,
// B6h): Type byte 8, Parameter List Length bytes 9–10
// (StreamingDescriptorSize for one performance descriptor).
func SetStreaming(typ uint8, paramLen uint16) [12]byte {
	c := [12]byte{OpSetStreaming}
	c[8] = typ
	put16(c[9:], paramLen)
	return c
}

// StreamingDescriptor is the performance descriptor of SET STREAMING: the
// speed to read and write an LBA range at, as sizes in kilobytes (1000
// bytes) per time in milliseconds. DVD and BD burners set their speed
// this way (growisofs -speed).
type StreamingDescriptor struct {
	// WRC is the Write Rotation Control (byte 0 bits 4–3).
	WRC uint8
	// RDD (bit 2) restores the drive's defaults, Exact (bit 1) asks for
	// the speeds exactly or an error, RA (bit 0) marks random access.
	RDD, Exact, RA bool
	Start, End     cd.LBA
	// ReadSize kilobytes in ReadTime milliseconds, WriteSize kilobytes
	// in WriteTime milliseconds.
	ReadSize, ReadTime   uint32
	WriteSize, WriteTime uint32
}

// StreamingAt returns the descriptor that asks for readKBps and writeKBps
// (kB/s) over start..end, with a time base of one second, as burners send
// it.
func StreamingAt(start, end cd.LBA, readKBps, writeKBps uint32) StreamingDescriptor {
	return StreamingDescriptor{Start: start, End: end, ReadSize: readKBps, ReadTime: 1000, WriteSize: writeKBps, WriteTime: 1000}
}

// Marshal encodes the 28-byte performance descriptor.
func (d StreamingDescriptor) Marshal() ([StreamingDescriptorSize]byte, error) {
	var b [StreamingDescriptorSize]byte
	if d.WRC > 3 {
		return b, fmt.Errorf("%w: streaming WRC %d exceeds 2 bits", ErrArgument, d.WRC)
	}
	b[0] = d.WRC << 3
	if d.RDD {
		b[0] |= 0x04
	}
	if d.Exact {
		b[0] |= 0x02
	}
	if d.RA {
		b[0] |= 0x01
	}
	put32(b[4:], uint32(d.Start))
	put32(b[8:], uint32(d.End))
	put32(b[12:], d.ReadSize)
	put32(b[16:], d.ReadTime)
	put32(b[20:], d.WriteSize)
	put32(b[24:], d.WriteTime)
	return b, nil
}

// ParseStreamingDescriptor decodes the performance descriptor a host sends
// with SET STREAMING type 00h. Bytes after the 28 are ignored.
func ParseStreamingDescriptor(b []byte) (StreamingDescriptor, error) {
	const s = "SET STREAMING performance descriptor"
	if len(b) < StreamingDescriptorSize {
		return StreamingDescriptor{}, truncErr(s, 0, "%d bytes, want %d", len(b), StreamingDescriptorSize)
	}
	return StreamingDescriptor{
		WRC: b[0] >> 3 & 3, RDD: b[0]&0x04 != 0, Exact: b[0]&0x02 != 0, RA: b[0]&0x01 != 0,
		Start: cd.LBA(int32(be32(b[4:]))), End: cd.LBA(int32(be32(b[8:]))),
		ReadSize: be32(b[12:]), ReadTime: be32(b[16:]),
		WriteSize: be32(b[20:]), WriteTime: be32(b[24:]),
	}, nil
}

// SubChannelFormat is the Sub-channel Data Format of READ SUB-CHANNEL
// (CDB byte 3, response byte 4).
type SubChannelFormat uint8

// Sub-channel data formats.
const (
	SubQPosition SubChannelFormat = 1 // current position (Q mode 1)
	SubQMCN      SubChannelFormat = 2 // media catalog number (Q mode 2)
	SubQISRC     SubChannelFormat = 3 // ISRC of a track (Q mode 3)
)

// ReadSubChannel builds the 10-byte READ SUB-CHANNEL CDB (MMC-6 READ
// SUB-CHANNEL, 42h): MSF byte 1 bit 1 (positions as MSF), SubQ byte 2 bit
// 6 set (return the sub-channel data, not just the header), the format in
// byte 3, the track (ISRC only) in byte 6, allocation length bytes 7–8.
func ReadSubChannel(f SubChannelFormat, msf bool, track uint8, alloc uint16) [10]byte {
	c := [10]byte{OpReadSubChannel}
	if msf {
		c[1] = 0x02
	}
	c[2] = 0x40
	c[3] = byte(f)
	c[6] = track
	put16(c[7:], alloc)
	return c
}

// AudioStatus is the Audio Status of the sub-channel data header.
type AudioStatus uint8

// Audio statuses.
const (
	AudioStatusUnsupported AudioStatus = 0x00
	AudioPlaying           AudioStatus = 0x11
	AudioPaused            AudioStatus = 0x12
	AudioCompleted         AudioStatus = 0x13
	AudioError             AudioStatus = 0x14
	AudioNoStatus          AudioStatus = 0x15
)

// SubChannelInfo is the response of READ SUB-CHANNEL.
type SubChannelInfo struct {
	AudioStatus AudioStatus
	// Format is the data format returned; zero when the drive returned
	// the header only.
	Format SubChannelFormat
	// ADR and Control are the Q sub-channel's (position and ISRC).
	ADR, Control uint8
	// Track is the current track (position) or the track asked for
	// (ISRC); Index the current index (position).
	Track, Index uint8
	// Absolute is the current position (position format): the LBA, or
	// the absolute MSF converted to an LBA.
	Absolute cd.LBA
	// Relative is the position within the track in frames: signed in the
	// LBA form (negative in a pre-gap), the relative MSF's frame count in
	// the MSF form.
	Relative int32
	// MCN is the media catalog number, "" when MCVAL is clear.
	MCN string
	// ISRC is the track's ISRC, "" when TCVAL is clear.
	ISRC string
}

// ParseSubChannel parses the response of READ SUB-CHANNEL; msf says
// whether the CDB asked for MSF addresses. The 4-byte header's
// Sub-channel Data Length (bytes 2–3) bounds the data; the data must be
// as long as its format needs (12 bytes for the position, 20 for MCN and
// ISRC).
func ParseSubChannel(b []byte, msf bool) (*SubChannelInfo, error) {
	const s = "READ SUB-CHANNEL"
	if len(b) < 4 {
		return nil, truncErr(s, 0, "%d bytes, too short for the header", len(b))
	}
	n := be16(b[2:])
	if 4+n > len(b) {
		return nil, truncErr(s, 2, "sub-channel data length %d, but only %d bytes transferred", n, len(b)-4)
	}
	b = b[:4+n]
	info := &SubChannelInfo{AudioStatus: AudioStatus(b[1])}
	if n == 0 {
		return info, nil
	}
	info.Format = SubChannelFormat(b[4])
	need := 20
	if info.Format == SubQPosition {
		need = 12
	}
	switch {
	case info.Format < SubQPosition || info.Format > SubQISRC:
		return nil, formatErr(s, 4, "data format %d", b[4])
	case n < need:
		return nil, formatErr(s, 2, "sub-channel data length %d, want %d for format %d", n, need, info.Format)
	}
	switch info.Format {
	case SubQPosition:
		info.ADR, info.Control = b[5]>>4, b[5]&0x0F
		info.Track, info.Index = b[6], b[7]
		if msf {
			a, r := addrMSF(b[8:12]), addrMSF(b[12:16])
			if !a.Valid() || !r.Valid() {
				return nil, formatErr(s, 8, "address %v or %v is not a valid MSF", a, r)
			}
			info.Absolute, info.Relative = msfLBA(a), int32(r.Frames())
		} else {
			info.Absolute, info.Relative = cd.LBA(int32(be32(b[8:]))), int32(be32(b[12:]))
		}
	case SubQMCN:
		if b[8]&0x80 != 0 {
			info.MCN = string(b[9:22])
			if !isDigits(info.MCN, 13) {
				return nil, formatErr(s, 9, "catalog number %q is not 13 digits", info.MCN)
			}
		}
	case SubQISRC:
		info.ADR, info.Control = b[5]>>4, b[5]&0x0F
		info.Track = b[6]
		if b[8]&0x80 != 0 {
			info.ISRC = string(b[9:21])
			if !isISRC(info.ISRC) {
				return nil, formatErr(s, 9, "ISRC %q is not of the form CCOOOYYSSSSS", info.ISRC)
			}
		}
	}
	return info, nil
}

// MechanismStatus builds the 12-byte MECHANISM STATUS CDB (MMC-6
// MECHANISM STATUS, BDh): allocation length in bytes 8–9.
func MechanismStatus(alloc uint16) [12]byte {
	c := [12]byte{OpMechanismStatus}
	put16(c[8:], alloc)
	return c
}

// Mechanism is the response of MECHANISM STATUS: the 8-byte header and
// the slot table of a changer.
type Mechanism struct {
	Fault bool // byte 0 bit 7: a changer operation failed
	// ChangerState is byte 0 bits 6–5: 0 ready, 1 loading, 2 unloading,
	// 3 initializing.
	ChangerState uint8
	// CurrentSlot is byte 0 bits 4–0.
	CurrentSlot uint8
	// State is the Mechanism State (byte 1 bits 7–5): 0 idle, 1 playing
	// audio, 2 scanning, 3 active with the host, 7 no state information.
	State uint8
	// DoorOpen is byte 1 bit 4: the tray or door is open.
	DoorOpen bool
	// CurrentLBA is the obsolete 24-bit current address (bytes 2–4).
	CurrentLBA uint32
	// SlotsAvailable is byte 5 bits 5–0.
	SlotsAvailable uint8
	Slots          []Slot
}

// Slot is a slot table entry of MECHANISM STATUS.
type Slot struct {
	DiscPresent bool // byte 0 bit 7
	Change      bool // byte 0 bit 0: the disc was changed since last loaded
	CWPValid    bool // byte 1 bit 1: CWP is valid
	CWP         bool // byte 1 bit 0: the disc is cartridge write protected
}

// ParseMechanismStatus parses the response of MECHANISM STATUS: the
// header, whose Length of Slot Tables (bytes 6–7, a multiple of 4) bounds
// the 4-byte slot entries.
func ParseMechanismStatus(b []byte) (*Mechanism, error) {
	const s = "MECHANISM STATUS"
	if len(b) < 8 {
		return nil, truncErr(s, 0, "%d bytes, too short for the 8-byte header", len(b))
	}
	n := be16(b[6:])
	if n%4 != 0 {
		return nil, formatErr(s, 6, "slot table length %d is not a multiple of 4", n)
	}
	if 8+n > len(b) {
		return nil, truncErr(s, 6, "slot table length %d, but only %d bytes transferred", n, len(b)-8)
	}
	m := &Mechanism{
		Fault:          b[0]&0x80 != 0,
		ChangerState:   b[0] >> 5 & 3,
		CurrentSlot:    b[0] & 0x1F,
		State:          b[1] >> 5,
		DoorOpen:       b[1]&0x10 != 0,
		CurrentLBA:     uint32(b[2])<<16 | uint32(b[3])<<8 | uint32(b[4]),
		SlotsAvailable: b[5] & 0x3F,
	}
	for off := 8; off < 8+n; off += 4 {
		m.Slots = append(m.Slots, Slot{
			DiscPresent: b[off]&0x80 != 0,
			Change:      b[off]&0x01 != 0,
			CWPValid:    b[off+1]&0x02 != 0,
			CWP:         b[off+1]&0x01 != 0,
		})
	}
	return m, nil
}

// StructureMedia is the Media Type field of READ DISC STRUCTURE (byte 1
// bits 3–0).
type StructureMedia uint8

// Media types of READ DISC STRUCTURE.
const (
	StructureDVD StructureMedia = 0 // DVD and HD DVD
	StructureBD  StructureMedia = 1
)

// Format codes of READ DISC STRUCTURE used here.
const (
	// StructurePhysical is format 00h: the physical format information of
	// a DVD (from the lead-in), or the disc information of a BD (from the
	// PIC zone).
	StructurePhysical = 0x00
)

// ReadDiscStructure builds the 12-byte READ DISC STRUCTURE CDB (MMC-6
// READ DISC STRUCTURE, ADh): media type byte 1, address bytes 2–5, layer
// byte 6, format code byte 7, allocation length bytes 8–9, AGID byte 10
// bits 7–6.
func ReadDiscStructure(m StructureMedia, addr uint32, layer, format uint8, alloc uint16, agid uint8) ([12]byte, error) {
	var c [12]byte
	if m > 0x0F || agid > 3 {
		return c, fmt.Errorf("%w: READ DISC STRUCTURE media type %d, AGID %d", ErrArgument, m, agid)
	}
	c[0] = OpReadDiscStructure
	c[1] = byte(m)
	put32(c[2:], addr)
	c[6] = layer
	c[7] = format
	put16(c[8:], alloc)
	c[10] = agid << 6
	return c, nil
}

// DVDBookType is the Disk Category (book type) of the DVD physical format
// information (byte 0 bits 7–4).
type DVDBookType uint8

// Book types.
const (
	BookDVDROM     DVDBookType = 0x0
	BookDVDRAM     DVDBookType = 0x1
	BookDVDR       DVDBookType = 0x2
	BookDVDRW      DVDBookType = 0x3
	BookHDDVDROM   DVDBookType = 0x4
	BookHDDVDRAM   DVDBookType = 0x5
	BookHDDVDR     DVDBookType = 0x6
	BookDVDPlusRW  DVDBookType = 0x9
	BookDVDPlusR   DVDBookType = 0xA
	BookDVDPlusRWD DVDBookType = 0xD // DVD+RW DL
	BookDVDPlusRDL DVDBookType = 0xE // DVD+R DL
)

// bookName names a DVD book type (a switch: nothing runs at program start).
func bookName(k DVDBookType) (string, bool) {
	switch k {
	case BookDVDROM:
		return "DVD-ROM", true
	case BookDVDRAM:
		return "DVD-RAM", true
	case BookDVDR:
		return "DVD-R", true
	case BookDVDRW:
		return "DVD-RW", true
	case BookHDDVDROM:
		return "HD DVD-ROM", true
	case BookHDDVDRAM:
		return "HD DVD-RAM", true
	case BookHDDVDR:
		return "HD DVD-R", true
	case BookDVDPlusRW:
		return "DVD+RW", true
	case BookDVDPlusR:
		return "DVD+R", true
	case BookDVDPlusRWD:
		return "DVD+RW DL", true
	case BookDVDPlusRDL:
		return "DVD+R DL", true
	}
	return "", false
}

func (t DVDBookType) String() string {
	if n, ok := bookName(t); ok {
		return n
	}
	return fmt.Sprintf("book type %d", uint8(t))
}

// DVDPhysical is the physical format information of a DVD (READ DISC
// STRUCTURE format 00h, the layer descriptor of the lead-in).
type DVDPhysical struct {
	BookType    DVDBookType
	PartVersion uint8
	// DiscSize is byte 1 bits 7–4: 0 for 120 mm, 1 for 80 mm.
	DiscSize uint8
	// MaxRate is byte 1 bits 3–0: 0 2.52, 1 5.04, 2 10.08 Mbit/s, 15
	// not specified.
	MaxRate uint8
	// Layers is the number of layers (byte 2 bits 6–5, plus one).
	Layers int
	// OppositeTrackPath is byte 2 bit 4 (OTP, else parallel track path).
	OppositeTrackPath bool
	// LayerType is byte 2 bits 3–0: bit 0 embossed, bit 1 recordable,
	// bit 2 rewritable.
	LayerType                   uint8
	LinearDensity, TrackDensity uint8
	// DataStart, DataEnd and Layer0End are physical sector numbers
	// (24 bits): the start and end of the data area and the end of it in
	// layer 0 (for OTP discs).
	DataStart, DataEnd, Layer0End uint32
	BCA                           bool // byte 16 bit 7: a burst cutting area exists
}

// DiscSize values of the physical format information.
const (
	DiscSize120mm = 0
	DiscSize80mm  = 1
)

// ParseDVDPhysical parses the response of READ DISC STRUCTURE format 00h
// for a DVD: the 4-byte header, whose Disc Structure Data Length (bytes
// 0–1) must cover at least the 17 bytes decoded here (drives return
// 2048).
func ParseDVDPhysical(b []byte) (*DVDPhysical, error) {
	const s = "READ DISC STRUCTURE format 00h (DVD)"
	b, err := response(s, b, 2, 4+17)
	if err != nil {
		return nil, err
	}
	d := b[4:]
	psn := func(p []byte) uint32 { return uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3]) }
	return &DVDPhysical{
		BookType:          DVDBookType(d[0] >> 4),
		PartVersion:       d[0] & 0x0F,
		DiscSize:          d[1] >> 4,
		MaxRate:           d[1] & 0x0F,
		Layers:            int(d[2]>>5&3) + 1,
		OppositeTrackPath: d[2]&0x10 != 0,
		LayerType:         d[2] & 0x0F,
		LinearDensity:     d[3] >> 4,
		TrackDensity:      d[3] & 0x0F,
		DataStart:         psn(d[4:8]),
		DataEnd:           psn(d[8:12]),
		Layer0End:         psn(d[12:16]),
		BCA:               d[16]&0x80 != 0,
	}, nil
}

// BDDIUnit is the header and disc type of a disc information (DI) unit of
// a BD, as READ DISC STRUCTURE format 00h with media type BD returns them
// from the PIC zone. The format-dependent contents are defined by the BD
// system descriptions and are not decoded.
type BDDIUnit struct {
	Format        uint8 // DI format (byte 2)
	UnitsPerBlock uint8 // number of DI units in each DI block (byte 3)
	Sequence      uint8 // DI unit sequence number (byte 5)
	Length        uint8 // bytes in use in this unit (byte 6)
	// DiscType is the Disc Type Identifier (bytes 8–10): "BDO" for
	// BD-ROM, "BDR" for BD-R, "BDW" for BD-RE.
	DiscType string
	// SizeClassVersion is byte 11, the disc size, class and version.
	SizeClassVersion uint8
}

// BDDiscInfo is the response of READ DISC STRUCTURE format 00h for a BD.
type BDDiscInfo struct {
	Units []BDDIUnit
}

const bdDIUnitMin = 12

// ParseBDDiscInfo parses the response of READ DISC STRUCTURE format 00h
// for a BD: the 4-byte header and the DI units that follow, each starting
// with "DI" and as long as its byte 6 says, until the data ends or a unit
// does not start with "DI". At least one unit must be present.
func ParseBDDiscInfo(b []byte) (*BDDiscInfo, error) {
	const s = "READ DISC STRUCTURE format 00h (BD)"
	b, err := response(s, b, 2, 4+bdDIUnitMin)
	if err != nil {
		return nil, err
	}
	info := &BDDiscInfo{}
	for off := 4; off+bdDIUnitMin <= len(b) && b[off] == 'D' && b[off+1] == 'I'; {
		u := b[off:]
		n := int(u[6])
		if n < bdDIUnitMin || off+n > len(b) {
			return nil, formatErr(s, off+6, "DI unit length %d", n)
		}
		info.Units = append(info.Units, BDDIUnit{
			Format: u[2], UnitsPerBlock: u[3], Sequence: u[5], Length: u[6],
			DiscType: string(u[8:11]), SizeClassVersion: u[11],
		})
		off += n
	}
	if len(info.Units) == 0 {
		return nil, formatErr(s, 4, "no disc information unit (\"DI\")")
	}
	return info, nil
}
