package scsi

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzParseSense checks that no input makes ParseSense panic, that what it
// accepts has a 4-bit key and a description, and that bytes past the
// 252-byte maximum change nothing.
func FuzzParseSense(f *testing.F) {
	for _, s := range [][]byte{
		{0x70, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0, 0},
		{0xf0, 0, 0x03, 0x00, 0x01, 0x23, 0x45, 0x0a, 0, 0, 0, 0, 0x11, 0x05, 0x07, 0x80, 0x00, 0x03},
		{0x72, 0x03, 0x11, 0x00, 0, 0, 0, 28, 0x00, 0x0a, 0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0,
			0x02, 0x06, 0, 0, 0x80, 0, 5, 0, 0x03, 0x02, 0, 0x42},
		{0x73, 0x02, 0x3a},
		{0x72, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0xff},
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSense(b)
		if err != nil {
			return
		}
		if s.Key > 0x0f || s.String() == "" {
			t.Fatalf("bad sense %+v", s)
		}
		s.Progress()
		s.FieldPointer()
		if len(b) > maxSense {
			s2, err := ParseSense(append(bytes.Clone(b[:maxSense]), 0xff))
			if err != nil || s2 != s {
				t.Fatalf("bytes past %d changed the result: %+v vs %+v (%v)", maxSense, s, s2, err)
			}
		}
	})
}

// FuzzParseInquiry checks ParseInquiry and the VPD parsers for panics and
// for fields that exceed their sizes.
func FuzzParseInquiry(f *testing.F) {
	f.Add(pad(qemuInquiry(), 96))
	f.Add([]byte{0x05, 0, 0, 2, 3, 0, 0, 0})
	f.Add([]byte{0x05, 0x83, 0x00, 0x0c, 0x02, 0x01, 0x00, 0x04, 'Q', 'E', 'M', 'U', 0x01, 0x03, 0x00, 0x00})
	f.Add([]byte{0x05, 0x80, 0x00, 0x04, 'S', 'N', '1', ' '})
	f.Add([]byte{0x05, 0x00, 0x00, 0x02, 0x00, 0x83})
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := ParseInquiry(b); err == nil {
			if len(d.Vendor) > 8 || len(d.Product) > 16 || len(d.Revision) > 4 || len(d.VendorSpecific) > 20 {
				t.Fatalf("oversized fields %+v", d)
			}
		}
		if ds, _ := ParseDeviceIdentification(b); len(ds) > len(b)/4 {
			t.Fatalf("%d designators from %d bytes", len(ds), len(b))
		}
		if s, err := ParseUnitSerialNumber(b); err == nil && len(s) > len(b) {
			t.Fatalf("serial longer than input")
		}
		ParseSupportedVPDPages(b)
	})
}

// FuzzParseModeSense checks that ParseModeSense10 does not panic, stays
// within its input, and that what it accepts, marshalled for MODE SELECT
// and parsed again, gives the same pages and descriptor fields.
func FuzzParseModeSense(f *testing.F) {
	f.Add(pad(append(modeHeader(30, 0, false), capsPage...), 0x400))
	f.Add(append(modeHeader(24, 16, true), 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0))
	f.Add(append(modeHeader(8+6+4, 0, false), 0xDC, 0x01, 0x00, 0x02, 0xaa, 0xbb, 0x8e, 0x02, 0x04, 0x00))
	f.Add(append(modeHeader(100, 8, false), 0, 0, 0, 1, 0, 0, 8, 0, 0x2a, 0x14))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseModeSense10(b)
		if err != nil {
			return
		}
		size := 0
		for _, p := range m.Pages {
			size += len(p.Data)
		}
		if size+len(m.Blocks)*8 > len(b) {
			t.Fatalf("parsed %d bytes of content from %d", size+len(m.Blocks)*8, len(b))
		}
		out, err := m.MarshalModeSelect10()
		if err != nil {
			t.Fatalf("marshal of parsed data: %v", err)
		}
		out[0], out[1] = byte((len(out)-2)>>8), byte(len(out)-2)
		m2, err := ParseModeSense10(out)
		if err != nil {
			t.Fatalf("reparse: %v", err)
		}
		for i := range m.Pages {
			m.Pages[i].PS = false
		}
		// Raw keeps reserved bytes that MODE SELECT writes as zero.
		for _, bs := range [][]BlockDescriptor{m.Blocks, m2.Blocks} {
			for i := range bs {
				bs[i].Raw = nil
			}
		}
		if !reflect.DeepEqual(m.Pages, m2.Pages) || !reflect.DeepEqual(m.Blocks, m2.Blocks) {
			t.Fatalf("round trip changed the data:\n%+v\n%+v", m, m2)
		}
	})
}
