package mmc

import (
	"reflect"
	"testing"
)

// Fuzz targets of the recording and media parsers: no panic, allocation
// in proportion to the input, and parse→marshal→parse stable where there
// is a marshal.

func FuzzParseWriteParameters(f *testing.F) {
	full, _ := (&WriteParameters{PageLength: WriteParametersLengthVen, WriteType: WriteSAO, LinkSize: 7}).Marshal()
	sense := append(hexb("003a 00 00 0000 0000"), vecWriteParams...)
	seed(f, vecWriteParams, full, sense)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) (*WriteParameters, error){ParseWriteParameters, ParseWriteParametersMode} {
			p, err := parse(b)
			if err != nil {
				continue
			}
			m, err := p.Marshal()
			if err != nil {
				t.Fatalf("Marshal of a parsed page %+v: %v", p, err)
			}
			q, err := ParseWriteParameters(m)
			if err != nil || !reflect.DeepEqual(p, q) {
				t.Fatalf("round trip:\n%+v\n%+v, %v", p, q, err)
			}
			ms, err := p.ModeSelectData()
			if err != nil {
				t.Fatal(err)
			}
			if q, err := ParseWriteParametersMode(ms); err != nil || !reflect.DeepEqual(p, q) {
				t.Fatalf("MODE SELECT round trip:\n%+v\n%+v, %v", p, q, err)
			}
		}
	})
}

func FuzzParseCueSheet(f *testing.F) {
	seed(f, vecAudioCue, vecDataCue)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseCueSheet(b)
		if err != nil {
			return
		}
		if len(s)*cueEntrySize != len(b) {
			t.Fatalf("%d entries from %d bytes", len(s), len(b))
		}
		m, err := s.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed cue sheet: %v", err)
		}
		if len(b) > 0 && !reflect.DeepEqual(m, b) {
			t.Fatalf("re-encoded\n% x\nfrom\n% x", m, b)
		}
		s2, err := ParseCueSheet(m)
		if err != nil || !reflect.DeepEqual(s, s2) {
			t.Fatalf("round trip: %v", err)
		}
		_, _ = s.MCN(), s.ISRC(1)
		if s.Validate() != nil {
			return
		}
		l, err := s.Layout()
		if err != nil {
			return
		}
		if l.Validate() != nil {
			t.Fatal("Layout returned an invalid layout")
		}
		if len(l.Tracks()) > maxCDTrackNumber {
			t.Fatalf("%d tracks", len(l.Tracks()))
		}
		if c, err := NewCueSheet(l, 1, CueOptions{}); err == nil && c.Validate() != nil {
			t.Fatal("NewCueSheet returned an invalid cue sheet")
		}
	})
}

func FuzzParseFormatUnitParameters(f *testing.F) {
	for _, c := range formatUnitCases {
		b, _ := c.p.Marshal()
		seed(f, b[:])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseFormatUnitParameters(b)
		if err != nil {
			return
		}
		m, err := p.Marshal()
		if err != nil {
			t.Fatalf("Marshal of parsed %+v: %v", p, err)
		}
		q, err := ParseFormatUnitParameters(m[:])
		p.FOV = p.FOV || p.DCRT || p.Immed
		if err != nil || p != q {
			t.Fatalf("round trip: %+v, %+v, %v", p, q, err)
		}
	})
}

func FuzzParseStreamingDescriptor(f *testing.F) {
	d, _ := StreamingAt(0, 2294920, 11080, 11080).Marshal()
	seed(f, d[:])
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseStreamingDescriptor(b)
		if err != nil {
			return
		}
		m, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if q, err := ParseStreamingDescriptor(m[:]); err != nil || p != q {
			t.Fatalf("round trip: %+v, %+v, %v", p, q, err)
		}
	})
}

func FuzzParseEventStatus(f *testing.F) {
	seed(f, vecEventNewMedia, vecEventRemoval, vecEventOperational, vecEventNone)
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseEventStatus(b)
		if err == nil && len(e.Descriptor) > len(b) {
			t.Fatalf("%d descriptor bytes from %d", len(e.Descriptor), len(b))
		}
	})
}

func FuzzParseFormatCapacities(f *testing.F) {
	seed(f, vecFormatCaps)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseFormatCapacities(b)
		if err == nil && len(c.Formats)*8 > len(b) {
			t.Fatalf("%d descriptors from %d bytes", len(c.Formats), len(b))
		}
	})
}

func FuzzParseBufferCapacity(f *testing.F) {
	seed(f, vecBufferBytes, vecBufferBlocks)
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseBufferCapacity(b) })
}

func FuzzParsePerformance(f *testing.F) {
	seed(f, vecPerfRead, vecPerfExcept, vecWriteSpeeds)
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := ParsePerformance(b); err == nil && (len(p.Nominal)*16 > len(b) || len(p.Exceptions)*6 > len(b)) {
			t.Fatalf("%d+%d descriptors from %d bytes", len(p.Nominal), len(p.Exceptions), len(b))
		}
		if ws, err := ParseWriteSpeeds(b); err == nil && len(ws)*16 > len(b) {
			t.Fatalf("%d write speeds from %d bytes", len(ws), len(b))
		}
	})
}

func FuzzParseSubChannel(f *testing.F) {
	seed(f, vecSubPosLBA, vecSubPosMSF, vecSubMCN, vecSubISRC)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, msf := range []bool{false, true} {
			info, err := ParseSubChannel(b, msf)
			if err == nil && len(info.MCN)+len(info.ISRC) > len(b) {
				t.Fatalf("%q %q from %d bytes", info.MCN, info.ISRC, len(b))
			}
		}
	})
}

func FuzzParseMechanismStatus(f *testing.F) {
	seed(f, vecMech)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMechanismStatus(b)
		if err == nil && len(m.Slots)*4 > len(b) {
			t.Fatalf("%d slots from %d bytes", len(m.Slots), len(b))
		}
	})
}

func FuzzParseDiscStructure(f *testing.F) {
	seed(f, vecDVDPhys, pad(vecBDDI, 4100))
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := ParseDVDPhysical(b); err == nil && (p.Layers < 1 || p.Layers > 4) {
			t.Fatalf("%d layers", p.Layers)
		}
		if bd, err := ParseBDDiscInfo(b); err == nil && len(bd.Units)*bdDIUnitMin > len(b) {
			t.Fatalf("%d DI units from %d bytes", len(bd.Units), len(b))
		}
	})
}
