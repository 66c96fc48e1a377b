package mmc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"spindle/cd"
	"spindle/disc"
	"spindle/scsi"
)

// Drive is the high-level view of an optical drive over a scsi.Transport:
// identity, readiness, profiles, capacity, the disc's layout and reading.
// Commands are sent one at a time; a Drive is not safe for concurrent use.
type Drive struct {
	t scsi.Transport
	// legacyTOC is set once the drive has answered READ TOC formats 1 or
	// 2 with a formatted TOC: it reads the format only from the SFF-8020
	// field, and later requests go straight to ReadTOCLegacy.
	legacyTOC bool
}

// NewDrive returns the drive behind t.
func NewDrive(t scsi.Transport) *Drive { return &Drive{t: t} }

// do sends one command and turns a CHECK CONDITION into an error.
func (d *Drive) do(ctx context.Context, name string, cdb []byte, dir scsi.Direction, data []byte) error {
	res, err := d.t.Do(ctx, &scsi.Command{CDB: cdb, Direction: dir, Data: data})
	if err == nil {
		err = scsi.CheckStatus(res)
	}
	if err != nil {
		return fmt.Errorf("mmc: %s: %w", name, err)
	}
	return nil
}

// readSized sends a command whose response says its own length in its
// first two (or four) bytes: first with a small allocation, then once more
// with the length the response asks for. Transfer lengths are never
// trusted: the parsers read the length fields.
func (d *Drive) readSized(ctx context.Context, name string, build func(alloc uint16) []byte, lenBytes int) ([]byte, error) {
	buf := make([]byte, 2048)
	if err := d.do(ctx, name, build(uint16(len(buf))), scsi.FromDevice, buf); err != nil {
		return nil, err
	}
	var want int
	if lenBytes == 4 {
		want = int(uint32(buf[0])<<24|uint32(buf[1])<<16|uint32(buf[2])<<8|uint32(buf[3])) + 4
	} else {
		want = int(uint16(buf[0])<<8|uint16(buf[1])) + 2
	}
	if want <= len(buf) {
		return buf, nil
	}
	want = min(want, 0xFFFF)
	buf = make([]byte, want)
	if err := d.do(ctx, name, build(uint16(want)), scsi.FromDevice, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// Identity is the drive's standard INQUIRY data (INQUIRY, 12h).
func (d *Drive) Identity(ctx context.Context) (scsi.InquiryData, error) {
	return scsi.Inquiry(ctx, d.t)
}

// ErrNoDisc is returned by Ready when the drive holds no disc.
var ErrNoDisc = errors.New("mmc: no disc in the drive")

// Ready waits (a few seconds at most) for the drive to report a disc
// ready: a unit attention after a disc change or reset and "becoming
// ready" are waited out; no medium is ErrNoDisc.
func (d *Drive) Ready(ctx context.Context) error {
	var err error
	for i := 0; i < 20; i++ {
		if err = scsi.TestUnitReady(ctx, d.t); err == nil {
			return nil
		}
		switch {
		case errors.Is(err, scsi.ErrNoMedium):
			return fmt.Errorf("%w: %v", ErrNoDisc, err)
		case errors.Is(err, scsi.ErrUnitAttention), errors.Is(err, scsi.ErrNotReady):
		default:
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return err
}

// Configuration is the drive's current profile and feature list (GET
// CONFIGURATION, all features).
func (d *Drive) Configuration(ctx context.Context) (*Configuration, error) {
	b, err := d.readSized(ctx, "GET CONFIGURATION", func(n uint16) []byte {
		c := GetConfiguration(0, 0, n)
		return c[:]
	}, 4)
	if err != nil {
		return nil, err
	}
	return ParseConfiguration(b)
}

// Capacity is READ CAPACITY: the last readable block and the block size.
func (d *Drive) Capacity(ctx context.Context) (Capacity, error) {
	c := ReadCapacity()
	buf := make([]byte, 8)
	if err := d.do(ctx, "READ CAPACITY", c[:], scsi.FromDevice, buf); err != nil {
		return Capacity{}, err
	}
	return ParseCapacity(buf)
}

// DiscInfo is READ DISC INFORMATION.
func (d *Drive) DiscInfo(ctx context.Context) (*DiscInfo, error) {
	b, err := d.readSized(ctx, "READ DISC INFORMATION", func(n uint16) []byte {
		c := ReadDiscInfo(n)
		return c[:]
	}, 2)
	if err != nil {
		return nil, err
	}
	return ParseDiscInfo(b)
}

// readTOC sends READ TOC/PMA/ATIP (43h) for one format and returns the
// response, bounded by its length field. A drive that rejects the request
// (ILLEGAL REQUEST) gives an error wrapping ErrUnsupported. A drive that
// answers a format other than 0 with a formatted TOC (IsFormattedTOC) reads
// the format only from the SFF-8020 field of the control byte: formats 1
// and 2 are then asked again with ReadTOCLegacy, which the Drive uses from
// then on, and the other formats, which that field cannot name, give an
// error wrapping ErrUnsupported.
func (d *Drive) readTOC(ctx context.Context, name string, f TOCFormat, msf bool, number uint8) ([]byte, error) {
	canLegacy := f == TOCFormatSessionInfo || f == TOCFormatFullTOC
	legacy := d.legacyTOC && canLegacy
	for {
		build := ReadTOC
		if legacy {
			build = ReadTOCLegacy
		}
		b, err := d.readSized(ctx, name, func(n uint16) []byte {
			c := build(f, msf, number, n)
			return c[:]
		}, 2)
		switch {
		case errors.Is(err, scsi.ErrIllegalRequest):
			return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
		case err != nil:
			return nil, err
		case f == TOCFormatTOC || !IsFormattedTOC(b):
			if legacy {
				d.legacyTOC = true
			}
			return response(name, b, 2, 4)
		case !canLegacy || legacy:
			return nil, fmt.Errorf("mmc: %s: %w: the drive answered with a formatted TOC (format 0)", name, ErrUnsupported)
		}
		legacy = true
	}
}

// TOC is READ TOC format 0 with LBA addresses.
func (d *Drive) TOC(ctx context.Context) (*TOC, error) {
	b, err := d.readTOC(ctx, "READ TOC", TOCFormatTOC, false, 1)
	if err != nil {
		return nil, err
	}
	return ParseTOC(b, false)
}

// SessionInfo is READ TOC format 1 with LBA addresses: the first and last
// complete session and where the last one starts. On drives that read the
// format only from the SFF-8020 field it is asked for that way.
func (d *Drive) SessionInfo(ctx context.Context) (*SessionInfo, error) {
	b, err := d.readTOC(ctx, "READ TOC (session info)", TOCFormatSessionInfo, false, 0)
	if err != nil {
		return nil, err
	}
	return ParseSessionInfo(b, false)
}

// FullTOC is READ TOC format 2 from session 1: the lead-in entries of every
// session. On drives that read the format only from the SFF-8020 field it
// is asked for that way.
func (d *Drive) FullTOC(ctx context.Context) (*FullTOC, error) {
	b, err := d.readTOC(ctx, "READ TOC (full)", TOCFormatFullTOC, true, 1)
	if err != nil {
		return nil, err
	}
	return ParseFullTOC(b)
}

// ATIP is READ TOC format 4, the ATIP of a CD-R or CD-RW. Drives answer it
// only for recordable CDs; for other media, and on drives that cannot ask
// for it, the error wraps ErrUnsupported.
func (d *Drive) ATIP(ctx context.Context) (*ATIP, error) {
	b, err := d.readTOC(ctx, "READ TOC (ATIP)", TOCFormatATIP, true, 0)
	if err != nil {
		return nil, err
	}
	return ParseATIP(b)
}

// CDText is READ TOC format 5, the CD-TEXT packs of the lead-in, decoded;
// a disc without CD-TEXT gives no packs, or an error wrapping
// ErrUnsupported from drives that reject the format. Apply copies a
// block's text into a layout.
func (d *Drive) CDText(ctx context.Context) (*CDText, error) {
	b, err := d.readTOC(ctx, "READ TOC (CD-TEXT)", TOCFormatCDText, false, 0)
	if err != nil {
		return nil, err
	}
	return ParseCDText(b)
}

// Layout is the disc's layout in the disc model: from the full TOC
// (format 2, every session) when the drive gives one, else from the
// formatted TOC (one session), with the media catalog number and the
// ISRC of every audio track read from the Q sub-channel (READ
// SUB-CHANNEL, 42h) as far as the drive gives them: a drive that rejects
// the command, as QEMU's do, leaves them empty. CD-TEXT is not read here:
// see CDText.
func (d *Drive) Layout(ctx context.Context) (*disc.Layout, error) {
	l, err := d.tocLayout(ctx)
	if err != nil {
		return nil, err
	}
	d.readCodes(ctx, l)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return l, nil
}

func (d *Drive) tocLayout(ctx context.Context) (*disc.Layout, error) {
	if full, err := d.FullTOC(ctx); err == nil {
		if l, lerr := full.Layout(); lerr == nil && len(l.Tracks()) > 0 {
			return l, nil
		}
	}
	t, err := d.TOC(ctx)
	if err != nil {
		return nil, err
	}
	return t.Layout()
}

// readCodes fills in the MCN of l and the ISRC of its audio tracks. A
// drive that does not take READ SUB-CHANNEL at all (noCommand) is not
// asked again for each track; other failures leave that one code empty.
func (d *Drive) readCodes(ctx context.Context, l *disc.Layout) {
	mcn, err := d.MCN(ctx)
	switch {
	case err == nil:
		l.MCN = mcn
	case noCommand(err):
		return
	}
	for _, t := range l.Tracks() {
		if t.Mode != disc.Audio || ctx.Err() != nil {
			continue
		}
		isrc, err := d.ISRC(ctx, t.Number)
		switch {
		case err == nil:
			t.ISRC = isrc
		case noCommand(err):
			return
		}
	}
}

// noCommand reports whether err says that the drive does not take a
// command at all: ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE
// (20h/00h), or a failure below SCSI, where no sense data came back
// (QEMU's scsi-cd fails READ SUB-CHANNEL in its transport: QEMU-MMC.md of
// the qemu-drive tools).
func noCommand(err error) bool {
	var se *scsi.SenseError
	var fe *FormatError
	switch {
	case errors.As(err, &se):
		return se.Key == scsi.KeyIllegalRequest && se.ASC == 0x20
	case errors.As(err, &fe), errors.Is(err, ErrUnsupported):
		return false
	}
	return true
}

// subChannelSize is the response of READ SUB-CHANNEL formats 02h and 03h:
// the 4-byte header and 20 bytes of data.
const subChannelSize = 24

// subChannel sends READ SUB-CHANNEL (42h) for format f (and track, for
// the ISRC) and parses the answer. A drive that rejects the request
// (ILLEGAL REQUEST), or answers with the header only or another format,
// gives an error wrapping ErrUnsupported.
func (d *Drive) subChannel(ctx context.Context, f SubChannelFormat, track uint8) (*SubChannelInfo, error) {
	const name = "READ SUB-CHANNEL"
	c := ReadSubChannel(f, false, track, subChannelSize)
	buf := make([]byte, subChannelSize)
	err := d.do(ctx, name, c[:], scsi.FromDevice, buf)
	switch {
	case errors.Is(err, scsi.ErrIllegalRequest):
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	case err != nil:
		return nil, err
	}
	info, err := ParseSubChannel(buf, false)
	if err != nil {
		return nil, err
	}
	if info.Format != f {
		return nil, fmt.Errorf("mmc: %s: %w: asked for format %d, the drive answered format %d", name, ErrUnsupported, f, info.Format)
	}
	return info, nil
}

// MCN is the disc's media catalog number (UPC/EAN, 13 digits) from the Q
// sub-channel: READ SUB-CHANNEL (42h) format 02h. A disc without one (MCVAL
// clear) gives "". A drive that rejects the command gives an error
// wrapping ErrUnsupported.
func (d *Drive) MCN(ctx context.Context) (string, error) {
	info, err := d.subChannel(ctx, SubQMCN, 0)
	if err != nil {
		return "", err
	}
	return info.MCN, nil
}

// ISRC is the ISRC of an audio track (12 characters, CCOOOYYSSSSS) from
// the Q sub-channel: READ SUB-CHANNEL (42h) format 03h. A track without
// one (TCVAL clear) gives "". A drive that rejects the command, or
// answers for another track, gives an error wrapping ErrUnsupported.
func (d *Drive) ISRC(ctx context.Context, track int) (string, error) {
	if track < 1 || track > maxCDTrackNumber {
		return "", fmt.Errorf("%w: track %d: want 1..%d", ErrArgument, track, maxCDTrackNumber)
	}
	info, err := d.subChannel(ctx, SubQISRC, uint8(track))
	if err != nil {
		return "", err
	}
	if info.Track != 0 && int(info.Track) != track {
		return "", fmt.Errorf("mmc: READ SUB-CHANNEL: %w: asked for the ISRC of track %d, the drive answered for track %d", ErrUnsupported, track, info.Track)
	}
	return info.ISRC, nil
}

// retryAttention runs fn again, twice at most, while it fails with a
// UNIT ATTENTION (a reset, or a disc change, reported to the first command
// after it; SPC-4 §5.16): the commands of a capability query are answered
// with or without a disc and need no Ready.
func retryAttention(fn func() error) error {
	var err error
	for range 3 {
		if err = fn(); !errors.Is(err, scsi.ErrUnitAttention) {
			return err
		}
	}
	return err
}

// CapabilitiesPage is MODE SENSE(10) (5Ah) of the CD/DVD capabilities
// and mechanical status page (2Ah), current values.
func (d *Drive) CapabilitiesPage(ctx context.Context) (*Capabilities, error) {
	b, err := d.readSized(ctx, "MODE SENSE(10) page 2Ah", func(n uint16) []byte {
		c := ModeSense10(PageCapabilities, PageCurrent, 0, n)
		return c[:]
	}, 2)
	if err != nil {
		return nil, err
	}
	return ParseCapabilities(b)
}

// maxWriteSpeeds bounds the write speed descriptors asked for: drives
// list a handful per medium.
const maxWriteSpeeds = 64

// WriteSpeeds is GET PERFORMANCE (ACh) type 03h: the write speeds the
// drive offers for the disc in it. Without a disc, or from a drive that
// does not write, the command fails.
func (d *Drive) WriteSpeeds(ctx context.Context) ([]WriteSpeedDescriptor, error) {
	c := GetWriteSpeeds(maxWriteSpeeds)
	buf := make([]byte, 8+16*maxWriteSpeeds)
	if err := d.do(ctx, "GET PERFORMANCE (write speeds)", c[:], scsi.FromDevice, buf); err != nil {
		return nil, err
	}
	return ParseWriteSpeeds(buf)
}

// BufferCapacity is READ BUFFER CAPACITY (5Ch) in the byte form: the
// size of the drive's buffer and the free part of it.
func (d *Drive) BufferCapacity(ctx context.Context) (BufferCapacity, error) {
	c := ReadBufferCapacity(false, 12)
	buf := make([]byte, 12)
	if err := d.do(ctx, "READ BUFFER CAPACITY", c[:], scsi.FromDevice, buf); err != nil {
		return BufferCapacity{}, err
	}
	return ParseBufferCapacity(buf)
}

// Capabilities is what the drive can read and write, and how (see
// DriveCapabilities): from GET CONFIGURATION (46h) and MODE SENSE(10)
// page 2Ah, and for a drive that writes, the write speeds for the disc in
// it (GET PERFORMANCE, ACh, type 03h) and, when page 2Ah does not give
// the buffer size, READ BUFFER CAPACITY (5Ch). Each of those may fail
// (an old drive has no GET CONFIGURATION; QEMU's have no GET
// PERFORMANCE); only when both GET CONFIGURATION and page 2Ah fail is the
// result an error. It needs no disc.
func (d *Drive) Capabilities(ctx context.Context) (*DriveCapabilities, error) {
	var cfg *Configuration
	var page *Capabilities
	cerr := retryAttention(func() (err error) { cfg, err = d.Configuration(ctx); return err })
	perr := retryAttention(func() (err error) { page, err = d.CapabilitiesPage(ctx); return err })
	if cerr != nil && perr != nil {
		return nil, fmt.Errorf("mmc: drive capabilities: %w", errors.Join(cerr, perr))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := NewDriveCapabilities(cfg, page, nil)
	if len(c.Write) == 0 {
		return c, nil
	}
	if ws, err := d.WriteSpeeds(ctx); err == nil && len(ws) > 0 {
		c = NewDriveCapabilities(cfg, page, ws)
	}
	if c.BufferKB == 0 {
		if bc, err := d.BufferCapacity(ctx); err == nil && !bc.Blocks {
			c.BufferKB = bc.Size / 1024
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// InvisibleTrack is READ TRACK INFORMATION of the invisible (or
// incomplete) track: on a blank or appendable disc, where the next
// recording goes (NextWritable, when NWAValid) and how many blocks are
// free.
func (d *Drive) InvisibleTrack(ctx context.Context) (*TrackInfo, error) {
	tb, err := d.readSized(ctx, "READ TRACK INFORMATION", func(n uint16) []byte {
		c := ReadTrackInfo(TrackByNumber, InvisibleTrack, false, n)
		return c[:]
	}, 2)
	if err != nil {
		return nil, err
	}
	return ParseTrackInfo(tb)
}

// MSInfo is what cdrecord -msinfo prints: the start of the last session
// and the next writable address (for mkisofs -C). A blank disc, which has
// no session information, gives 0 as the start.
func (d *Drive) MSInfo(ctx context.Context) (MSInfo, error) {
	si, serr := d.SessionInfo(ctx)
	ti, err := d.InvisibleTrack(ctx)
	if err != nil {
		return MSInfo{}, err
	}
	if serr != nil {
		if ti.NWAValid && ti.Track == 1 && ti.Blank {
			si = nil // a blank disc
		} else {
			return MSInfo{}, serr
		}
	}
	return MultiSession(si, ti)
}

// Read reads count 2048-byte blocks from lba into buf (READ(10)).
func (d *Drive) Read(ctx context.Context, lba cd.LBA, count uint16, buf []byte) error {
	if len(buf) < int(count)*cd.DataSectorSize {
		return fmt.Errorf("mmc: READ(10): a buffer of %d bytes for %d blocks", len(buf), count)
	}
	c := Read10(lba, count, false)
	return d.do(ctx, "READ(10)", c[:], scsi.FromDevice, buf[:int(count)*cd.DataSectorSize])
}

// Eject opens the tray; Load closes it.
func (d *Drive) Eject(ctx context.Context) error {
	_ = scsi.PreventAllowMediumRemoval(ctx, d.t, scsi.AllowRemoval)
	return scsi.StartStopUnit(ctx, d.t, scsi.Eject, false)
}

// Load closes the tray and loads the disc.
func (d *Drive) Load(ctx context.Context) error {
	return scsi.StartStopUnit(ctx, d.t, scsi.Load, false)
}
