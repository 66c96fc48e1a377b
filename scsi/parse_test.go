package scsi

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// pad returns b zero-padded to n bytes, as QEMU and many USB bridges
// deliver a response: the whole allocation length, no residual.
func pad(b []byte, n int) []byte {
	out := make([]byte, n)
	copy(out, b)
	return out
}

// qemuInquiry is standard INQUIRY data shaped like QEMU's scsi-cd answer.
func qemuInquiry() []byte {
	b := []byte{0x05, 0x80, 0x05, 0x02, 31, 0, 0, 0}
	b = append(b, "QEMU    "...)
	b = append(b, "QEMU CD-ROM     "...)
	b = append(b, "2.5+"...)
	return b
}

func TestParseInquiry(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want InquiryData
	}{
		{"qemu padded", pad(qemuInquiry(), 96), InquiryData{DeviceType: TypeMMC, Removable: true, Version: 5,
			ResponseFormat: 2, Vendor: "QEMU", Product: "QEMU CD-ROM", Revision: "2.5+"}},
		{"minimal", []byte{0x7f, 0, 0, 0, 0}, InquiryData{Qualifier: 3, DeviceType: TypeUnknown}},
		{"short product", append([]byte{0x05, 0, 0, 2, 18, 0, 0, 0}, "ACME\x00\x00\x00\x00DRIVE  "...),
			InquiryData{DeviceType: TypeMMC, ResponseFormat: 2, Vendor: "ACME", Product: "DRIVE"}},
		{"additional length bounds", append([]byte{0x05, 0, 0, 2, 15, 0, 0, 0}, "ABCDEFGHIJKLMNOPQRST"...),
			InquiryData{DeviceType: TypeMMC, ResponseFormat: 2, Vendor: "ABCDEFGH", Product: "IJKL"}},
		{"vendor specific", append(pad(qemuInquiry(), 36)[:36:36], "serial-ish"...)[:46],
			InquiryData{DeviceType: TypeMMC, Removable: true, Version: 5, ResponseFormat: 2,
				Vendor: "QEMU", Product: "QEMU CD-ROM", Revision: "2.5+"}},
	}
	tests[4].in[4] = 41
	tests[4].want.VendorSpecific = []byte("serial-ish")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseInquiry(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if _, err := ParseInquiry([]byte{5, 0, 0, 0}); !errors.Is(err, ErrFormat) {
		t.Errorf("4 bytes: err = %v", err)
	}
}

func TestParseVPD(t *testing.T) {
	// QEMU's VPD 00h: "hdr 6 / xfer 255", pages 00 and 83.
	pages, err := ParseSupportedVPDPages(pad([]byte{0x05, 0x00, 0x00, 0x02, 0x00, 0x83}, 255))
	if err != nil || !bytes.Equal(pages, []byte{0x00, 0x83}) {
		t.Errorf("supported pages = % x, %v", pages, err)
	}
	if _, err := ParseSupportedVPDPages([]byte{0x05, 0x80, 0, 0}); !errors.Is(err, ErrFormat) {
		t.Errorf("wrong page code: err = %v", err)
	}
	if _, err := ParseVPD([]byte{5, 0, 0}); !errors.Is(err, ErrFormat) {
		t.Errorf("3 bytes: err = %v", err)
	}
	p, err := ParseVPD([]byte{0x05, 0x83, 0x00, 0x10, 1, 2})
	if err != nil || !p.Truncated || len(p.Data) != 2 {
		t.Errorf("truncated page = %+v, %v", p, err)
	}

	sn, err := ParseUnitSerialNumber(pad(append([]byte{0x05, 0x80, 0x00, 0x0c}, "  SN0042    "...), 255))
	if err != nil || sn != "SN0042" {
		t.Errorf("serial = %q, %v", sn, err)
	}

	devid := []byte{0x05, 0x83, 0x00, 0x00,
		0x02, 0x01, 0x00, 0x10, 'Q', 'E', 'M', 'U', ' ', ' ', ' ', ' ', 'Q', 'E', 'M', 'U', ' ', 'C', 'D', 0,
		0x61, 0x93, 0x00, 0x08, 0x50, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
		0x01, 0x14, 0x00, 0x04, 0, 0, 0, 1,
	}
	devid[3] = byte(len(devid) - 4)
	ds, err := ParseDeviceIdentification(pad(devid, 255))
	if err != nil {
		t.Fatal(err)
	}
	want := []Designator{
		{CodeSet: CodeSetASCII, Association: AssocLogicalUnit, Type: DesigT10Vendor, Value: []byte("QEMU    QEMU CD\x00")},
		{ProtocolID: 6, CodeSet: CodeSetBinary, PIV: true, Association: AssocTargetPort, Type: DesigNAA,
			Value: []byte{0x50, 1, 2, 3, 4, 5, 6, 7}},
		{CodeSet: CodeSetBinary, Association: AssocTargetPort, Type: DesigRelativePort, Value: []byte{0, 0, 0, 1}},
	}
	if !reflect.DeepEqual(ds, want) {
		t.Errorf("got  %+v\nwant %+v", ds, want)
	}
	if got := ds[0].String(); got != "QEMU    QEMU CD" {
		t.Errorf("ascii designator String = %q", got)
	}
	if got := ds[1].String(); got != "5001020304050607" {
		t.Errorf("binary designator String = %q", got)
	}
	if got := ds[1].Type.String(); got != "NAA" {
		t.Errorf("type String = %q", got)
	}

	bad := append([]byte(nil), devid...)
	bad[7] = 0x30 // first designator claims 48 bytes
	ds, err = ParseDeviceIdentification(bad)
	if !errors.Is(err, ErrFormat) || len(ds) != 0 {
		t.Errorf("overlong designator: %v, %v", ds, err)
	}
	bad = append([]byte(nil), devid[:len(devid)-6]...)
	bad[3] = byte(len(bad) - 4)
	ds, err = ParseDeviceIdentification(bad)
	if !errors.Is(err, ErrFormat) || len(ds) != 2 {
		t.Errorf("truncated header: %d designators, %v", len(ds), err)
	}
}

// capsPage is a 20-byte MMC capabilities page 2Ah like QEMU's.
var capsPage = []byte{0x2a, 0x14, 0x3b, 0x00, 0x71, 0x60, 0x29, 0x00, 0x02, 0xc2, 0x00, 0x02,
	0x02, 0x00, 0x02, 0xc2, 0, 0, 0, 0, 0, 0}

func modeHeader(length, bdl int, longLBA bool) []byte {
	h := []byte{byte((length - 2) >> 8), byte(length - 2), 0x70, 0, 0, 0, byte(bdl >> 8), byte(bdl)}
	if longLBA {
		h[4] = 1
	}
	return h
}

func TestParseModeSense10(t *testing.T) {
	caps := ModePage{Code: 0x2A, Data: capsPage[2:]}
	tests := []struct {
		name string
		in   []byte
		want ModeData
	}{
		{"qemu 2Ah padded", pad(append(modeHeader(30, 0, false), capsPage...), 0x400),
			ModeData{MediumType: 0x70, Length: 30, Pages: []ModePage{caps}}},
		{"header only", modeHeader(8, 0, false), ModeData{MediumType: 0x70, Length: 8}},
		{"block descriptor", append(append(modeHeader(16+6, 8, false), 0x01, 0x00, 0x05, 0x00, 0, 0x00, 0x08, 0x00),
			0x01, 0x04, 0x00, 0x80, 0x00, 0x00),
			ModeData{MediumType: 0x70, Length: 22,
				Blocks: []BlockDescriptor{{Density: 1, Blocks: 0x500, BlockLength: 2048,
					Raw: []byte{0x01, 0x00, 0x05, 0x00, 0, 0x00, 0x08, 0x00}}},
				Pages: []ModePage{{Code: 1, Data: []byte{0x00, 0x80, 0x00, 0x00}}}}},
		{"long LBA", append(modeHeader(24, 16, true), 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0),
			ModeData{MediumType: 0x70, LongLBA: true, Length: 24,
				Blocks: []BlockDescriptor{{Blocks: 1 << 32, BlockLength: 2048,
					Raw: []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0}}}}},
		{"subpage and PS", append(modeHeader(8+6+4, 0, false), 0xDC, 0x01, 0x00, 0x02, 0xaa, 0xbb, 0x8e, 0x02, 0x04, 0x00),
			ModeData{MediumType: 0x70, Length: 18, Pages: []ModePage{
				{Code: 0x1C, Subpage: 1, SPF: true, PS: true, Data: []byte{0xaa, 0xbb}},
				{Code: 0x0E, PS: true, Data: []byte{0x04, 0x00}}}}},
		{"truncated by allocation length", append(modeHeader(100, 0, false), append(capsPage, 0x0e, 0x0e, 1, 2)...),
			ModeData{MediumType: 0x70, Length: 100, Truncated: true, Pages: []ModePage{caps}}},
		{"truncated in block descriptors", append(modeHeader(100, 16, false), 0, 0, 0, 1, 0, 0, 8, 0, 9, 9),
			ModeData{MediumType: 0x70, Length: 100, Truncated: true,
				Blocks: []BlockDescriptor{{Blocks: 1, BlockLength: 2048, Raw: []byte{0, 0, 0, 1, 0, 0, 8, 0}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseModeSense10(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseModeSense10Errors(t *testing.T) {
	for name, in := range map[string][]byte{
		"short header":               {0, 6, 0, 0, 0, 0, 0},
		"length below header":        modeHeader(4, 0, false),
		"descriptor length not 8k":   append(modeHeader(12, 4, false), 0, 0, 0, 0),
		"descriptors past length":    append(modeHeader(12, 8, false), make([]byte, 8)...),
		"page past mode data length": append(modeHeader(8+4, 0, false), 0x2a, 0x14, 0, 0, 0, 0, 0, 0),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseModeSense10(in); !errors.Is(err, ErrFormat) {
				t.Errorf("err = %v, want ErrFormat", err)
			}
		})
	}
}

func TestModeSelectRoundTrip(t *testing.T) {
	m := ModeData{
		Blocks: []BlockDescriptor{{Density: 0, Blocks: 0, BlockLength: 2048}},
		Pages: []ModePage{
			{Code: 0x05, PS: true, Data: make([]byte, 0x32)},
			{Code: 0x1C, Subpage: 2, SPF: true, Data: []byte{1, 2, 3}},
		},
	}
	b, err := m.MarshalModeSelect10()
	if err != nil {
		t.Fatal(err)
	}
	// SPC-4 7.5.5: MODE DATA LENGTH reserved (zero) in MODE SELECT.
	if b[0] != 0 || b[1] != 0 || b[7] != 8 {
		t.Errorf("header % x", b[:8])
	}
	// PS cleared, page 05h header 05 32 right after the descriptor.
	if b[16] != 0x05 || b[17] != 0x32 {
		t.Errorf("page header % x", b[16:18])
	}
	if want := 8 + 8 + 2 + 0x32 + 4 + 3; len(b) != want {
		t.Errorf("len %d, want %d", len(b), want)
	}
	b[0], b[1] = byte((len(b)-2)>>8), byte(len(b)-2)
	got, err := ParseModeSense10(b)
	if err != nil {
		t.Fatal(err)
	}
	m.Pages[0].PS = false
	m.Blocks[0].Raw = b[8:16]
	m.Length = len(b)
	if !reflect.DeepEqual(got, m) {
		t.Errorf("got  %+v\nwant %+v", got, m)
	}
	if p, ok := got.Page(0x1C, 2); !ok || !bytes.Equal(p.Data, []byte{1, 2, 3}) {
		t.Errorf("Page(1C, 2) = %+v, %v", p, ok)
	}
	if _, ok := got.Page(0x2A, 0); ok {
		t.Error("Page(2A) found")
	}

	for name, bad := range map[string]ModeData{
		"blocks overflow": {Blocks: []BlockDescriptor{{Blocks: 1 << 24}}},
		"page too long":   {Pages: []ModePage{{Code: 1, Data: make([]byte, 256)}}},
	} {
		if _, err := bad.MarshalModeSelect10(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
