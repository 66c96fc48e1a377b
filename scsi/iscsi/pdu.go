package iscsi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrProtocol is matched (errors.Is) by every error about a PDU or a
// sequence of PDUs that breaks RFC 7143: a length out of bounds, a field
// the state of the connection does not allow, text that is not key=value
// pairs. The target ends the connection on such an error, which is what
// error recovery level 0 (RFC 7143 section 7.1.5) asks of it.
var ErrProtocol = errors.New("iscsi: protocol error")

func protoErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrProtocol}, args...)...)
}

// Opcodes (RFC 7143 section 11.2.1.2). Initiator opcodes are 00h-1Fh,
// target opcodes 20h-3Fh.
const (
	opNOPOut   = 0x00
	opSCSICmd  = 0x01
	opTaskMgmt = 0x02
	opLogin    = 0x03
	opText     = 0x04
	opDataOut  = 0x05
	opLogout   = 0x06
	opSNACK    = 0x10

	opNOPIn        = 0x20
	opSCSIResp     = 0x21
	opTaskMgmtResp = 0x22
	opLoginResp    = 0x23
	opTextResp     = 0x24
	opDataIn       = 0x25
	opLogoutResp   = 0x26
	opR2T          = 0x31
	opReject       = 0x3f
)

const (
	bhsLen = 48 // Basic Header Segment (RFC 7143 section 11.2.1)
	// reservedTag is the reserved Initiator/Target Task Tag value 0xffffffff
	// (RFC 7143 section 11.2.1.8).
	reservedTag = 0xffffffff
	// maxDataSegment is the largest DataSegmentLength the 24-bit field
	// can hold.
	maxDataSegment = 1<<24 - 1
)

// Flag bits of byte 1 shared by several PDUs.
const (
	flagFinal    = 0x80 // F: final PDU of a sequence (11.3.1, 11.7.1, ...)
	flagRead     = 0x40 // R in SCSI Command (11.3.1)
	flagWrite    = 0x20 // W in SCSI Command (11.3.1)
	flagTransit  = 0x80 // T in Login (11.12.1)
	flagContinue = 0x40 // C in Login and Text (11.12.2, 11.10.2)
	flagOverflow = 0x04 // O in SCSI Response and Data-In (11.4.1, 11.7.3)
	flagUnder    = 0x02 // U in SCSI Response and Data-In
	flagStatus   = 0x01 // S in Data-In (11.7.3)
	flagImmed    = 0x40 // I bit of byte 0 (11.2.1.1)
)

// pdu is one iSCSI PDU: the 48-byte Basic Header Segment, the Additional
// Header Segments and the data segment (RFC 7143 section 11.2). Digests
// are never negotiated (HeaderDigest=None, DataDigest=None), so there are
// none on the wire.
type pdu struct {
	bhs  [bhsLen]byte
	ahs  []byte // TotalAHSLength*4 bytes, as received
	data []byte // DataSegmentLength bytes, without padding
}

func (p *pdu) opcode() byte            { return p.bhs[0] & 0x3f }
func (p *pdu) immediate() bool         { return p.bhs[0]&flagImmed != 0 }
func (p *pdu) flags() byte             { return p.bhs[1] }
func (p *pdu) u32(off int) uint32      { return binary.BigEndian.Uint32(p.bhs[off:]) }
func (p *pdu) u16(off int) uint16      { return binary.BigEndian.Uint16(p.bhs[off:]) }
func (p *pdu) put32(off int, v uint32) { binary.BigEndian.PutUint32(p.bhs[off:], v) }
func (p *pdu) put16(off int, v uint16) { binary.BigEndian.PutUint16(p.bhs[off:], v) }

// itt is the Initiator Task Tag, at byte 16 in every PDU that has one.
func (p *pdu) itt() uint32 { return p.u32(16) }

// lun returns the 8-byte LUN field (bytes 8-15).
func (p *pdu) lun() [8]byte { return [8]byte(p.bhs[8:16]) }

// dataSegmentLength is the 24-bit DataSegmentLength of bytes 5-7.
func (p *pdu) dataSegmentLength() int {
	return int(p.bhs[5])<<16 | int(p.bhs[6])<<8 | int(p.bhs[7])
}

// pad4 rounds n up to a multiple of 4: every segment ends on a 4-byte
// boundary (RFC 7143 section 11.1).
func pad4(n int) int { return (n + 3) &^ 3 }

// readPDU reads one PDU from r. The data segment is bounded by maxData
// (the MaxRecvDataSegmentLength this side declared) before anything is
// allocated; the Additional Header Segments are bounded by their 8-bit
// word count. A stream that ends cleanly before a PDU returns io.EOF, one
// that ends inside a PDU io.ErrUnexpectedEOF.
func readPDU(r io.Reader, maxData int) (*pdu, error) {
	p := new(pdu)
	if _, err := io.ReadFull(r, p.bhs[:]); err != nil {
		return nil, err
	}
	if n := int(p.bhs[4]) * 4; n > 0 {
		p.ahs = make([]byte, n)
		if _, err := io.ReadFull(r, p.ahs); err != nil {
			return nil, unexpected(err)
		}
	}
	n := p.dataSegmentLength()
	if n > maxData {
		return nil, protoErr("opcode %02Xh: data segment of %d bytes exceeds the %d declared (MaxRecvDataSegmentLength)", p.opcode(), n, maxData)
	}
	if n > 0 {
		buf := make([]byte, pad4(n))
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, unexpected(err)
		}
		p.data = buf[:n:n]
	}
	return p, nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// appendPDU appends the wire form of p to b: header, data segment and
// padding. TotalAHSLength and DataSegmentLength are set from p.
func appendPDU(b []byte, p *pdu) []byte {
	h := p.bhs
	h[4] = byte(len(p.ahs) / 4)
	n := len(p.data)
	h[5], h[6], h[7] = byte(n>>16), byte(n>>8), byte(n)
	b = append(b, h[:]...)
	b = append(b, p.ahs...)
	b = append(b, p.data...)
	var zero [3]byte
	return append(b, zero[:pad4(n)-n]...)
}

// cdb extracts the command descriptor block of a SCSI Command PDU: the 16
// bytes of the BHS, extended by an Extended CDB AHS (RFC 7143 section
// 11.2.2.3) when the CDB is longer, and trimmed to the length its
// operation code's group implies. bidi reports a Bidirectional Read
// Expected Data Transfer Length AHS (section 11.2.2.4).
func (p *pdu) cdb() (cdb []byte, bidi bool, err error) {
	cdb = append([]byte(nil), p.bhs[32:48]...)
	extended := false
	for rest := p.ahs; len(rest) > 0; {
		if len(rest) < 4 {
			return nil, false, protoErr("AHS of %d bytes is shorter than its header", len(rest))
		}
		n := int(binary.BigEndian.Uint16(rest))
		typ := rest[2]
		if 3+n > len(rest) {
			return nil, false, protoErr("AHS type %d: length %d exceeds the %d bytes of AHS left", typ, n, len(rest)-3)
		}
		body := rest[3 : 3+n] // includes the type-specific reserved byte
		switch typ {
		case 1: // Extended CDB: one reserved byte, then CDB bytes 16..
			if n < 1 || extended {
				return nil, false, protoErr("malformed Extended CDB AHS")
			}
			cdb = append(cdb, body[1:]...)
			extended = true
		case 2: // Bidirectional Read Expected Data Transfer Length
			bidi = true
		}
		rest = rest[pad4(3+n):] // p.ahs is whole words, so this is in range
	}
	if !extended {
		cdb = cdb[:cdbLen(cdb)]
	}
	return cdb, bidi, nil
}

// cdbLen is the length of a CDB of at most 16 bytes, from the group code
// of its operation code (SPC-4 4.2.5.1). Groups 3 (reserved and variable
// length) and 6 and 7 (vendor specific) carry no length; 12 bytes is what
// the vendor commands of optical drives use and what ATAPI devices
// accept.
func cdbLen(cdb []byte) int {
	switch cdb[0] >> 5 {
	case 0:
		return 6
	case 1, 2:
		return 10
	case 4:
		return 16
	default: // 5, and 3, 6, 7
		return 12
	}
}

// LUN encoding (SAM-5 4.7): single level, peripheral device addressing
// for 0-255 and flat space addressing for 256-16383.

const maxLUNs = 1 << 14

// decodeLUN returns the logical unit number of an 8-byte LUN field, and
// false for a hierarchical or extended address this target never
// reports.
func decodeLUN(b [8]byte) (int, bool) {
	for _, x := range b[2:] {
		if x != 0 {
			return 0, false
		}
	}
	switch b[0] >> 6 {
	case 0: // peripheral device addressing, bus 0 only
		if b[0]&0x3f != 0 {
			return 0, false
		}
		return int(b[1]), true
	case 1: // flat space addressing
		return int(b[0]&0x3f)<<8 | int(b[1]), true
	}
	return 0, false
}

func encodeLUN(n int) [8]byte {
	var b [8]byte
	if n < 256 {
		b[1] = byte(n)
	} else {
		b[0] = 0x40 | byte(n>>8)&0x3f
		b[1] = byte(n)
	}
	return b
}

// serialLess reports a < b in 32-bit serial number arithmetic (RFC 1982),
// which is how CmdSN, StatSN and their kin compare (RFC 7143 section
// 4.2.2.1).
func serialLess(a, b uint32) bool { return a != b && int32(b-a) > 0 }
