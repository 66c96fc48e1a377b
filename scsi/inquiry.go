package scsi

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Operation codes of the commands this package builds (SPC-4; START STOP
// UNIT and PREVENT ALLOW MEDIUM REMOVAL from SBC-3 and MMC-6).
const (
	OpTestUnitReady       = 0x00
	OpRequestSense        = 0x03
	OpInquiry             = 0x12
	OpStartStopUnit       = 0x1B
	OpPreventAllowRemoval = 0x1E
	OpModeSelect10        = 0x55
	OpModeSense10         = 0x5A
)

// ErrFormat is wrapped by the errors of the response parsers: the data is
// too short or contradicts itself.
var ErrFormat = errors.New("scsi: malformed response")

func formatErr(structure string, off int, format string, args ...any) error {
	return fmt.Errorf("%w: %s: byte %d: %s", ErrFormat, structure, off, fmt.Sprintf(format, args...))
}

// DeviceType is the PERIPHERAL DEVICE TYPE of INQUIRY data (SPC-4 6.6.2).
type DeviceType byte

// Peripheral device types (SPC-4 6.6.2), the ones a host of optical
// drives meets.
const (
	TypeDisk      DeviceType = 0x00 // direct access block device (SBC)
	TypeTape      DeviceType = 0x01
	TypeWORM      DeviceType = 0x04
	TypeMMC       DeviceType = 0x05 // CD/DVD/BD device (MMC)
	TypeOptical   DeviceType = 0x07 // optical memory device
	TypeChanger   DeviceType = 0x08 // media changer
	TypeEnclosure DeviceType = 0x0D
	TypeRBC       DeviceType = 0x0E // simplified direct access
	TypeUnknown   DeviceType = 0x1F // unknown or no device type
)

func (t DeviceType) String() string {
	switch t {
	case TypeDisk:
		return "disk"
	case TypeTape:
		return "tape"
	case TypeWORM:
		return "write-once"
	case TypeMMC:
		return "cd/dvd"
	case TypeOptical:
		return "optical memory"
	case TypeChanger:
		return "media changer"
	case TypeEnclosure:
		return "enclosure"
	case TypeRBC:
		return "simplified direct access"
	case TypeUnknown:
		return "unknown"
	}
	return fmt.Sprintf("device type %02Xh", byte(t))
}

// InquiryData is the standard INQUIRY data (SPC-4 6.6.2).
type InquiryData struct {
	// Qualifier is the PERIPHERAL QUALIFIER: 0 a device is connected to
	// this logical unit, 1 it can be but is not, 3 there can be none.
	Qualifier      byte
	DeviceType     DeviceType
	Removable      bool // RMB
	Version        byte // VERSION: 0 none claimed, 5 SPC-3, 6 SPC-4
	ResponseFormat byte // RESPONSE DATA FORMAT, 2 for current devices
	// Vendor, Product and Revision are the T10 VENDOR IDENTIFICATION,
	// PRODUCT IDENTIFICATION and PRODUCT REVISION LEVEL, with trailing
	// spaces and NULs removed.
	Vendor, Product, Revision string
	// VendorSpecific is bytes 36 to 55, as returned (may be empty).
	VendorSpecific []byte
}

// InquiryCDB builds an INQUIRY CDB (SPC-4 6.6.1): with evpd
// false the standard data (page must be 0), with evpd true the vital
// product data page page. alloc is the ALLOCATION LENGTH.
func InquiryCDB(evpd bool, page byte, alloc uint16) []byte {
	cdb := make([]byte, 6)
	cdb[0] = OpInquiry
	if evpd {
		cdb[1] = 0x01 // EVPD, byte 1 bit 0
	}
	cdb[2] = page
	binary.BigEndian.PutUint16(cdb[3:5], alloc)
	return cdb
}

// trimID trims an ASCII identification field.
func trimID(b []byte) string {
	return strings.TrimRight(string(b), " \x00")
}

// ParseInquiry decodes standard INQUIRY data (SPC-4 6.6.2). The data is
// bounded by its ADDITIONAL LENGTH (byte 4) and by len(b); identification
// fields missing from a short response read as empty.
func ParseInquiry(b []byte) (InquiryData, error) {
	if len(b) < 5 {
		return InquiryData{}, formatErr("INQUIRY data", len(b), "%d bytes, need at least 5", len(b))
	}
	if n := 5 + int(b[4]); n < len(b) {
		b = b[:n]
	}
	d := InquiryData{
		Qualifier:      b[0] >> 5,
		DeviceType:     DeviceType(b[0] & 0x1f),
		Removable:      b[1]&0x80 != 0,
		Version:        b[2],
		ResponseFormat: b[3] & 0x0f,
	}
	field := func(lo, hi int) string {
		if lo >= len(b) {
			return ""
		}
		return trimID(b[lo:min(hi, len(b))])
	}
	d.Vendor = field(8, 16)
	d.Product = field(16, 32)
	d.Revision = field(32, 36)
	if len(b) > 36 {
		d.VendorSpecific = append([]byte(nil), b[36:min(56, len(b))]...)
	}
	return d, nil
}

// inquiryAlloc is the allocation length for standard INQUIRY data: 96
// bytes, enough for every field of interest; some older ATAPI devices
// misbehave with larger values.
const inquiryAlloc = 96

// Inquiry reads the standard INQUIRY data of the device.
func Inquiry(ctx context.Context, t Transport) (InquiryData, error) {
	buf := make([]byte, inquiryAlloc)
	c := &Command{CDB: InquiryCDB(false, 0, inquiryAlloc), Direction: FromDevice, Data: buf}
	if err := run(ctx, t, "INQUIRY", c); err != nil {
		return InquiryData{}, err
	}
	d, err := ParseInquiry(buf)
	if err != nil {
		return InquiryData{}, fmt.Errorf("scsi: INQUIRY: %w", err)
	}
	return d, nil
}
