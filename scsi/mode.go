package scsi

import (
	"context"
	"encoding/binary"
	"fmt"
)

// PageControl selects which values MODE SENSE returns (SPC-4 6.14,
// PC field).
type PageControl byte

// Page control values.
const (
	PageCurrent    PageControl = 0
	PageChangeable PageControl = 1 // a mask of the changeable bits
	PageDefault    PageControl = 2
	PageSaved      PageControl = 3
)

// AllPages is the page code that asks MODE SENSE for every page.
const AllPages = 0x3F

// ModeSense10CDB builds a MODE SENSE(10) CDB (SPC-4 6.14):
// LLBAA byte 1 bit 4, DBD byte 1 bit 3, PC byte 2 bits 7-6, PAGE CODE
// byte 2 bits 5-0, SUBPAGE CODE byte 3, ALLOCATION LENGTH bytes 7-8.
func ModeSense10CDB(pc PageControl, page, subpage byte, dbd, llbaa bool, alloc uint16) []byte {
	cdb := make([]byte, 10)
	cdb[0] = OpModeSense10
	if llbaa {
		cdb[1] |= 0x10
	}
	if dbd {
		cdb[1] |= 0x08
	}
	cdb[2] = byte(pc&3)<<6 | page&0x3f
	cdb[3] = subpage
	binary.BigEndian.PutUint16(cdb[7:9], alloc)
	return cdb
}

// ModeSelect10CDB builds a MODE SELECT(10) CDB (SPC-4 6.12): PF
// byte 1 bit 4 (pages follow the standard page format, set it for every
// page this package encodes), SP byte 1 bit 0 (save pages), PARAMETER LIST
// LENGTH bytes 7-8.
func ModeSelect10CDB(pf, sp bool, paramLen uint16) []byte {
	cdb := make([]byte, 10)
	cdb[0] = OpModeSelect10
	if pf {
		cdb[1] |= 0x10
	}
	if sp {
		cdb[1] |= 0x01
	}
	binary.BigEndian.PutUint16(cdb[7:9], paramLen)
	return cdb
}

// BlockDescriptor is one mode parameter block descriptor, read in the
// general layout (SPC-4 7.5.6.1, table 454: DENSITY CODE, 3-byte NUMBER
// OF BLOCKS, reserved, 3-byte BLOCK LENGTH) or, with LONGLBA, the long LBA layout
// (defined by SBC-3: 8-byte NUMBER OF LOGICAL BLOCKS, 4 reserved bytes,
// 4-byte LOGICAL BLOCK LENGTH). Raw keeps the bytes for device types that
// define the short layout otherwise (direct access, SBC-3).
type BlockDescriptor struct {
	Density     byte
	Blocks      uint64
	BlockLength uint32
	Raw         []byte
}

// ModePage is one mode page (SPC-4 7.5.7, tables 455 and 456): in page_0
// format (SPF clear, 1-byte PAGE LENGTH) or sub_page format (SPF set,
// SUBPAGE CODE and 2-byte PAGE LENGTH).
type ModePage struct {
	Code    byte // PAGE CODE, 6 bits
	Subpage byte // SUBPAGE CODE, with SPF
	SPF     bool // sub_page format
	PS      bool // parameters saveable (MODE SENSE only; cleared on select)
	Data    []byte
}

// Bytes encodes the page with its header; PS is written as given.
func (p ModePage) Bytes() []byte {
	h0 := p.Code & 0x3f
	if p.PS {
		h0 |= 0x80
	}
	if p.SPF {
		b := make([]byte, 4, 4+len(p.Data))
		b[0], b[1] = h0|0x40, p.Subpage
		binary.BigEndian.PutUint16(b[2:4], uint16(len(p.Data)))
		return append(b, p.Data...)
	}
	return append([]byte{h0, byte(len(p.Data))}, p.Data...)
}

// ModeData is the MODE SENSE(10) / MODE SELECT(10) parameter list split
// into header (SPC-4 7.5.5, table 453), block descriptors and pages.
type ModeData struct {
	MediumType     byte
	DeviceSpecific byte // DEVICE-SPECIFIC PARAMETER (bit 7 WP on disks)
	LongLBA        bool
	Blocks         []BlockDescriptor
	Pages          []ModePage
	// Truncated reports that MODE DATA LENGTH claims more than the buffer
	// held: only whole pages that fit are in Pages. Ask again with a
	// larger allocation length.
	Truncated bool
	// Length is the full length the device claims (MODE DATA LENGTH + 2).
	Length int
}

// Page returns the first page with the code and subpage.
func (m *ModeData) Page(code, subpage byte) (ModePage, bool) {
	for _, p := range m.Pages {
		if p.Code == code && p.Subpage == subpage {
			return p, true
		}
	}
	return ModePage{}, false
}

const modeHeader10 = 8

// ParseModeSense10 decodes MODE SENSE(10) data. The data is bounded by
// MODE DATA LENGTH (bytes 0-1) and by len(b); a page that does not fit
// ends the list and sets Truncated. A page list that contradicts itself
// (a page longer than the data its header claims) is an error.
func ParseModeSense10(b []byte) (ModeData, error) {
	if len(b) < modeHeader10 {
		return ModeData{}, formatErr("mode parameter header", len(b), "%d bytes, need %d", len(b), modeHeader10)
	}
	m := ModeData{
		MediumType:     b[2],
		DeviceSpecific: b[3],
		LongLBA:        b[4]&0x01 != 0,
		Length:         2 + int(binary.BigEndian.Uint16(b[0:2])),
	}
	end := m.Length
	if end > len(b) {
		end, m.Truncated = len(b), true
	}
	if end < modeHeader10 {
		return ModeData{}, formatErr("mode parameter header", 0, "mode data length %d shorter than the header", m.Length-2)
	}
	bdl := int(binary.BigEndian.Uint16(b[6:8]))
	dsize := 8
	if m.LongLBA {
		dsize = 16
	}
	if bdl%dsize != 0 {
		return ModeData{}, formatErr("mode parameter header", 6, "block descriptor length %d not a multiple of %d", bdl, dsize)
	}
	off := modeHeader10
	cut := false
	if off+bdl > end {
		if !m.Truncated {
			return ModeData{}, formatErr("mode parameter header", 6, "block descriptor length %d runs past mode data length %d", bdl, m.Length-2)
		}
		bdl, cut = (end-off)/dsize*dsize, true
	}
	for ; bdl > 0; bdl -= dsize {
		d := b[off : off+dsize]
		bd := BlockDescriptor{Raw: append([]byte(nil), d...)}
		if m.LongLBA {
			bd.Blocks = binary.BigEndian.Uint64(d[0:8])
			bd.BlockLength = binary.BigEndian.Uint32(d[12:16])
		} else {
			bd.Density = d[0]
			bd.Blocks = uint64(d[1])<<16 | uint64(d[2])<<8 | uint64(d[3])
			bd.BlockLength = uint32(d[5])<<16 | uint32(d[6])<<8 | uint32(d[7])
		}
		m.Blocks = append(m.Blocks, bd)
		off += dsize
	}
	if cut {
		return m, nil // block descriptors cut short: no pages in the buffer
	}
	for off < end {
		p, n, ok := parsePage(b[off:end])
		if !ok {
			if m.Truncated {
				break
			}
			return m, formatErr("mode page", off, "page %02Xh runs past mode data length %d", b[off]&0x3f, m.Length-2)
		}
		m.Pages = append(m.Pages, p)
		off += n
	}
	return m, nil
}

// parsePage decodes the page at the start of b and its encoded size.
func parsePage(b []byte) (ModePage, int, bool) {
	if len(b) < 2 {
		return ModePage{}, 0, false
	}
	p := ModePage{Code: b[0] & 0x3f, PS: b[0]&0x80 != 0, SPF: b[0]&0x40 != 0}
	h, n := 2, int(b[1])
	if p.SPF {
		if len(b) < 4 {
			return ModePage{}, 0, false
		}
		p.Subpage = b[1]
		h, n = 4, int(binary.BigEndian.Uint16(b[2:4]))
	}
	if h+n > len(b) {
		return ModePage{}, 0, false
	}
	p.Data = append([]byte(nil), b[h:h+n]...)
	return p, h + n, true
}

// MarshalModeSelect10 encodes m as a MODE SELECT(10) parameter list: the
// MODE DATA LENGTH is zero (reserved for MODE SELECT, SPC-4 7.5.5) and the
// PS bit of every page is cleared (SPC-4 7.5.7: reserved in MODE SELECT).
// The device-specific parameter is written as given; on MMC devices it is
// reserved, so pass zero there.
func (m *ModeData) MarshalModeSelect10() ([]byte, error) {
	dsize := 8
	if m.LongLBA {
		dsize = 16
	}
	b := make([]byte, modeHeader10)
	b[2], b[3] = m.MediumType, m.DeviceSpecific
	if m.LongLBA {
		b[4] = 0x01
	}
	binary.BigEndian.PutUint16(b[6:8], uint16(len(m.Blocks)*dsize))
	for _, d := range m.Blocks {
		e := make([]byte, dsize)
		if m.LongLBA {
			binary.BigEndian.PutUint64(e[0:8], d.Blocks)
			binary.BigEndian.PutUint32(e[12:16], d.BlockLength)
		} else {
			if d.Blocks > 0xFFFFFF || d.BlockLength > 0xFFFFFF {
				return nil, fmt.Errorf("scsi: block descriptor %d blocks of %d bytes does not fit the short layout", d.Blocks, d.BlockLength)
			}
			e[0] = d.Density
			e[1], e[2], e[3] = byte(d.Blocks>>16), byte(d.Blocks>>8), byte(d.Blocks)
			e[5], e[6], e[7] = byte(d.BlockLength>>16), byte(d.BlockLength>>8), byte(d.BlockLength)
		}
		b = append(b, e...)
	}
	for _, p := range m.Pages {
		if !p.SPF && len(p.Data) > 0xFF || len(p.Data) > 0xFFFF {
			return nil, fmt.Errorf("scsi: mode page %02Xh: %d bytes too long", p.Code, len(p.Data))
		}
		p.PS = false
		b = append(b, p.Bytes()...)
	}
	if len(b) > 0xFFFF {
		return nil, fmt.Errorf("scsi: mode parameter list of %d bytes too long", len(b))
	}
	return b, nil
}

const modeSenseAlloc = 0x1000

// ModeSense10 reads mode page page/subpage (AllPages for all) with block
// descriptors disabled (DBD), as MMC devices expect. It asks for 4 KiB and
// again for the full MODE DATA LENGTH when the device has more.
func ModeSense10(ctx context.Context, t Transport, pc PageControl, page, subpage byte) (ModeData, error) {
	alloc := modeSenseAlloc
	name := fmt.Sprintf("MODE SENSE(10) page %02Xh", page)
	for {
		buf := make([]byte, alloc)
		c := &Command{CDB: ModeSense10CDB(pc, page, subpage, true, false, uint16(alloc)), Direction: FromDevice, Data: buf}
		if err := run(ctx, t, name, c); err != nil {
			return ModeData{}, err
		}
		m, err := ParseModeSense10(buf)
		if err != nil {
			return ModeData{}, fmt.Errorf("scsi: %s: %w", name, err)
		}
		if !m.Truncated || alloc >= 0xFFFF || m.Length <= alloc {
			return m, nil
		}
		alloc = min(m.Length, 0xFFFF)
	}
}

// ModeSelect10 sends m with MODE SELECT(10), PF set; save asks the device
// to also save the pages (SP).
func ModeSelect10(ctx context.Context, t Transport, m *ModeData, save bool) error {
	b, err := m.MarshalModeSelect10()
	if err != nil {
		return err
	}
	c := &Command{CDB: ModeSelect10CDB(true, save, uint16(len(b))), Direction: ToDevice, Data: b}
	return run(ctx, t, "MODE SELECT(10)", c)
}
