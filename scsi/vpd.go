package scsi

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// Vital product data page codes (SPC-4 7.8).
const (
	VPDSupportedPages       = 0x00
	VPDUnitSerialNumber     = 0x80
	VPDDeviceIdentification = 0x83
	vpdAlloc                = 0xFF
	vpdMaxAlloc             = 0xFFFF
)

// VPDPage is one vital product data page split into its header fields
// (SPC-4 7.8: qualifier and device type, PAGE CODE, 2-byte PAGE LENGTH)
// and its payload.
type VPDPage struct {
	Qualifier  byte
	DeviceType DeviceType
	Code       byte   // PAGE CODE
	Data       []byte // the bytes after the 4-byte header, bounded by PAGE LENGTH
	// Truncated reports that PAGE LENGTH claims more bytes than b held.
	Truncated bool
}

// ParseVPD splits a VPD page into header and payload, bounding the
// payload by PAGE LENGTH (bytes 2-3) and by len(b).
func ParseVPD(b []byte) (VPDPage, error) {
	if len(b) < 4 {
		return VPDPage{}, formatErr("VPD page", len(b), "%d bytes, need at least 4", len(b))
	}
	p := VPDPage{Qualifier: b[0] >> 5, DeviceType: DeviceType(b[0] & 0x1f), Code: b[1]}
	n := 4 + int(binary.BigEndian.Uint16(b[2:4]))
	if n > len(b) {
		n = len(b)
		p.Truncated = true
	}
	p.Data = b[4:n]
	return p, nil
}

// parseVPDCode parses b and checks it is page code.
func parseVPDCode(b []byte, code byte) (VPDPage, error) {
	p, err := ParseVPD(b)
	if err != nil {
		return p, err
	}
	if p.Code != code {
		return p, formatErr("VPD page", 1, "page code %02Xh, asked for %02Xh", p.Code, code)
	}
	return p, nil
}

// ParseSupportedVPDPages decodes the Supported VPD Pages page (SPC-4
// 7.8): the list of page codes the device answers.
func ParseSupportedVPDPages(b []byte) ([]byte, error) {
	p, err := parseVPDCode(b, VPDSupportedPages)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), p.Data...), nil
}

// ParseUnitSerialNumber decodes the Unit Serial Number page (SPC-4
// 7.8.18), trimming the padding.
func ParseUnitSerialNumber(b []byte) (string, error) {
	p, err := parseVPDCode(b, VPDUnitSerialNumber)
	if err != nil {
		return "", err
	}
	return strings.TrimLeft(trimID(p.Data), " "), nil
}

// CodeSet is the CODE SET of a designation descriptor (SPC-4 7.8.6.1).
type CodeSet byte

// Code sets.
const (
	CodeSetBinary CodeSet = 1
	CodeSetASCII  CodeSet = 2
	CodeSetUTF8   CodeSet = 3
)

// Association is what a designator identifies (SPC-4 7.8.6.1).
type Association byte

// Associations.
const (
	AssocLogicalUnit Association = 0
	AssocTargetPort  Association = 1
	AssocTarget      Association = 2 // the SCSI target device
)

// DesignatorType is the DESIGNATOR TYPE (SPC-4 7.8.6.1).
type DesignatorType byte

// Designator types.
const (
	DesigVendorSpecific DesignatorType = 0x0
	DesigT10Vendor      DesignatorType = 0x1 // T10 vendor ID based
	DesigEUI64          DesignatorType = 0x2
	DesigNAA            DesignatorType = 0x3
	DesigRelativePort   DesignatorType = 0x4
	DesigPortGroup      DesignatorType = 0x5
	DesigLUGroup        DesignatorType = 0x6
	DesigMD5LU          DesignatorType = 0x7
	DesigSCSIName       DesignatorType = 0x8
	DesigProtocolPort   DesignatorType = 0x9
)

// desigNames is indexed by designator type (an array: static data).
var desigNames = [16]string{
	DesigVendorSpecific: "vendor specific", DesigT10Vendor: "T10 vendor ID",
	DesigEUI64: "EUI-64", DesigNAA: "NAA", DesigRelativePort: "relative target port",
	DesigPortGroup: "target port group", DesigLUGroup: "logical unit group",
	DesigMD5LU: "MD5 logical unit", DesigSCSIName: "SCSI name string",
	DesigProtocolPort: "protocol specific port",
}

func (t DesignatorType) String() string {
	if int(t) < len(desigNames) && desigNames[t] != "" {
		return desigNames[t]
	}
	return fmt.Sprintf("designator type %Xh", byte(t))
}

// Designator is one designation descriptor of the Device Identification
// page (SPC-4 7.8.6.1).
type Designator struct {
	ProtocolID  byte // PROTOCOL IDENTIFIER, meaningful when PIV
	CodeSet     CodeSet
	PIV         bool // protocol identifier valid
	Association Association
	Type        DesignatorType
	Value       []byte // the DESIGNATOR bytes
}

// String returns the value as text for ASCII and UTF-8 code sets (trailing
// NULs and spaces trimmed), as hex digits otherwise.
func (d Designator) String() string {
	if d.CodeSet == CodeSetASCII || d.CodeSet == CodeSetUTF8 {
		return trimID(d.Value)
	}
	return hex.EncodeToString(d.Value)
}

// ParseDeviceIdentification decodes the Device Identification page (SPC-4
// 7.8.6). A descriptor that runs past the page ends the list and is
// reported as an error together with the descriptors before it.
func ParseDeviceIdentification(b []byte) ([]Designator, error) {
	p, err := parseVPDCode(b, VPDDeviceIdentification)
	if err != nil {
		return nil, err
	}
	var ds []Designator
	for off := 0; off < len(p.Data); {
		if off+4 > len(p.Data) {
			return ds, formatErr("device identification page", 4+off, "designation descriptor header truncated")
		}
		h := p.Data[off : off+4]
		n := int(h[3])
		if off+4+n > len(p.Data) {
			return ds, formatErr("device identification page", 4+off, "designator length %d runs past the page", n)
		}
		ds = append(ds, Designator{
			ProtocolID:  h[0] >> 4,
			CodeSet:     CodeSet(h[0] & 0x0f),
			PIV:         h[1]&0x80 != 0,
			Association: Association(h[1] >> 4 & 0x03),
			Type:        DesignatorType(h[1] & 0x0f),
			Value:       append([]byte(nil), p.Data[off+4:off+4+n]...),
		})
		off += 4 + n
	}
	return ds, nil
}

// InquiryVPD reads vital product data page code and returns the whole
// page, header included, bounded by its PAGE LENGTH. It asks for 255
// bytes first and again for the full length when the page is longer.
func InquiryVPD(ctx context.Context, t Transport, code byte) ([]byte, error) {
	alloc := vpdAlloc
	for {
		buf := make([]byte, alloc)
		c := &Command{CDB: InquiryCDB(true, code, uint16(alloc)), Direction: FromDevice, Data: buf}
		name := fmt.Sprintf("INQUIRY VPD %02Xh", code)
		if err := run(ctx, t, name, c); err != nil {
			return nil, err
		}
		p, err := parseVPDCode(buf, code)
		if err != nil {
			return nil, fmt.Errorf("scsi: %s: %w", name, err)
		}
		want := 4 + len(p.Data)
		if p.Truncated {
			want = 4 + int(binary.BigEndian.Uint16(buf[2:4]))
		}
		if !p.Truncated || alloc >= vpdMaxAlloc || want <= alloc {
			return buf[:4+len(p.Data)], nil
		}
		alloc = min(want, vpdMaxAlloc)
	}
}

// SupportedVPDPages reads VPD page 00h.
func SupportedVPDPages(ctx context.Context, t Transport) ([]byte, error) {
	b, err := InquiryVPD(ctx, t, VPDSupportedPages)
	if err != nil {
		return nil, err
	}
	return ParseSupportedVPDPages(b)
}

// UnitSerialNumber reads VPD page 80h. Many optical drives, and QEMU's,
// do not have it and answer ILLEGAL REQUEST 24/00.
func UnitSerialNumber(ctx context.Context, t Transport) (string, error) {
	b, err := InquiryVPD(ctx, t, VPDUnitSerialNumber)
	if err != nil {
		return "", err
	}
	return ParseUnitSerialNumber(b)
}

// DeviceIdentification reads VPD page 83h.
func DeviceIdentification(ctx context.Context, t Transport) ([]Designator, error) {
	b, err := InquiryVPD(ctx, t, VPDDeviceIdentification)
	if err != nil {
		return nil, err
	}
	return ParseDeviceIdentification(b)
}
