package mmc

import (
	"errors"
	"reflect"
	"testing"

	"spindle/cd"
	"spindle/disc"
)

func TestBuildersByteExact(t *testing.T) {
	rc := func(lba cd.LBA, n uint32, o ReadCDOptions) []byte {
		c, err := ReadCD(lba, n, o)
		if err != nil {
			t.Fatal(err)
		}
		return c[:]
	}
	cases := []struct {
		name string
		got  []byte
		want string
	}{
		// CDBs as measured against QEMU in the drive notes, and from the
		// CDB tables of MMC-6.
		{"READ TOC fmt 0 LBA", arr(ReadTOC(TOCFormatTOC, false, 1, 2048)), "43 00 00 00 00 00 01 08 00 00"},
		{"READ TOC fmt 0 MSF", arr(ReadTOC(TOCFormatTOC, true, 1, 2048)), "43 02 00 00 00 00 01 08 00 00"},
		{"READ TOC fmt 1", arr(ReadTOC(TOCFormatSessionInfo, false, 0, 2048)), "43 00 01 00 00 00 00 08 00 00"},
		{"READ TOC fmt 2", arr(ReadTOC(TOCFormatFullTOC, false, 1, 2048)), "43 02 02 00 00 00 01 08 00 00"},
		{"READ TOC fmt 4", arr(ReadTOC(TOCFormatATIP, true, 0, 2048)), "43 02 04 00 00 00 00 08 00 00"},
		{"READ TOC fmt 5", arr(ReadTOC(TOCFormatCDText, false, 0, 2048)), "43 00 05 00 00 00 00 08 00 00"},
		{"READ TOC fmt 1 legacy", arr(ReadTOCLegacy(TOCFormatSessionInfo, false, 0, 12)), "43 00 01 00 00 00 00 00 0c 40"},
		{"READ TOC fmt 2 legacy", arr(ReadTOCLegacy(TOCFormatFullTOC, true, 1, 0xFFFF)), "43 02 02 00 00 00 01 ff ff 80"},
		{"READ TOC fmt 0 legacy", arr(ReadTOCLegacy(TOCFormatTOC, false, 0, 4)), "43 00 00 00 00 00 00 00 04 00"},
		{"READ DISC INFORMATION", arr(ReadDiscInfo(34)), "51 00 00 00 00 00 00 00 22 00"},
		{"READ TRACK INFORMATION track 1", arr(ReadTrackInfo(TrackByNumber, 1, false, 48)), "52 01 00 00 00 01 00 00 30 00"},
		{"READ TRACK INFORMATION invisible", arr(ReadTrackInfo(TrackByNumber, InvisibleTrack, false, 48)), "52 01 00 00 00 ff 00 00 30 00"},
		{"READ TRACK INFORMATION open in session", arr(ReadTrackInfo(TrackBySession, 2, true, 48)), "52 06 00 00 00 02 00 00 30 00"},
		{"READ TRACK INFORMATION LBA", arr(ReadTrackInfo(TrackByLBA, 0x12345678, false, 0x1234)), "52 00 12 34 56 78 00 12 34 00"},
		{"GET CONFIGURATION all", arr(GetConfiguration(ConfigAll, 0, 2048)), "46 00 00 00 00 00 00 08 00 00"},
		{"GET CONFIGURATION current", arr(GetConfiguration(ConfigCurrent, 0, 2048)), "46 01 00 00 00 00 00 08 00 00"},
		{"GET CONFIGURATION one 002Dh", arr(GetConfiguration(ConfigOne, FeatureCDTAO, 2048)), "46 02 00 2d 00 00 00 08 00 00"},
		{"READ CAPACITY", arr(ReadCapacity()), "25 00 00 00 00 00 00 00 00 00"},
		{"READ(10) LBA 16", arr(Read10(16, 1, false)), "28 00 00 00 00 10 00 00 01 00"},
		{"READ(10) beyond", arr(Read10(0x7fffff, 1, false)), "28 00 00 7f ff ff 00 00 01 00"},
		{"READ(10) FUA", arr(Read10(-1, 0xFFFF, true)), "28 08 ff ff ff ff 00 ff ff 00"},
		{"READ(12) LBA 16", arr12(Read12(16, 1, false, false)), "a8 00 00 00 00 10 00 00 00 01 00 00"},
		{"READ(12) streaming", arr12(Read12(0x01020304, 0x05060708, true, true)), "a8 08 01 02 03 04 05 06 07 08 80 00"},
		{"MODE SENSE(10) 2Ah", arr(ModeSense10(PageCapabilities, PageCurrent, 0, 1024)), "5a 08 2a 00 00 00 00 04 00 00"},
		{"MODE SENSE(10) 3Fh changeable", arr(ModeSense10(0x3F, PageChangeable, 0xFF, 0xFFFF)), "5a 08 7f ff 00 00 00 ff ff 00"},
		{"READ CD any user data", rc(16, 1, ReadCDOptions{UserData: true}), "be 00 00 00 00 10 00 00 01 10 00 00"},
		{"READ CD any raw", rc(16, 1, RawSector), "be 00 00 00 00 10 00 00 01 f8 00 00"},
		{"READ CD CD-DA raw", rc(16, 1, ReadCDOptions{Type: SectorCDDA, Sync: true, Headers: HeaderAll, UserData: true, EDCECC: true}), "be 04 00 00 00 10 00 00 01 f8 00 00"},
		{"READ CD mode 1 user", rc(16, 1, ReadCDOptions{Type: SectorMode1, UserData: true}), "be 08 00 00 00 10 00 00 01 10 00 00"},
		{"READ CD mode 2 raw", rc(16, 1, ReadCDOptions{Type: SectorMode2, Sync: true, Headers: HeaderAll, UserData: true, EDCECC: true}), "be 0c 00 00 00 10 00 00 01 f8 00 00"},
		{"READ CD form 1 raw", rc(16, 1, ReadCDOptions{Type: SectorMode2Form1, Sync: true, Headers: HeaderAll, UserData: true, EDCECC: true}), "be 10 00 00 00 10 00 00 01 f8 00 00"},
		{"READ CD form 2 raw", rc(16, 1, ReadCDOptions{Type: SectorMode2Form2, Sync: true, Headers: HeaderAll, UserData: true, EDCECC: true}), "be 14 00 00 00 10 00 00 01 f8 00 00"},
		{"READ CD user + raw P-W", rc(16, 1, ReadCDOptions{UserData: true, Sub: SubRaw}), "be 00 00 00 00 10 00 00 01 10 01 00"},
		{"READ CD header only", rc(16, 1, ReadCDOptions{Headers: HeaderOnly}), "be 00 00 00 00 10 00 00 01 20 00 00"},
		{"READ CD DAP C2+block Q", rc(-150, 0x123456, ReadCDOptions{Type: SectorCDDA, DAP: true, UserData: true, C2: C2BitsAndBlk, Sub: SubQ}), "be 06 ff ff ff 6a 12 34 56 14 02 00"},
		{"READ CD subheader C2 R-W", rc(0, 27, ReadCDOptions{Headers: SubheaderOnly, C2: C2Bits, Sub: SubRW}), "be 00 00 00 00 00 00 00 1b 42 04 00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if want := hexb(c.want); !reflect.DeepEqual(c.got, want) {
				t.Errorf("got % x\nwant % x", c.got, want)
			}
		})
	}
}

func arr(c [10]byte) []byte   { return c[:] }
func arr12(c [12]byte) []byte { return c[:] }

func TestParseTOC(t *testing.T) {
	want := &TOC{FirstTrack: 1, LastTrack: 1, Entries: []TOCEntry{
		{ADR: 1, Control: 4, Track: 1, Start: 0},
		{ADR: 1, Control: 4, Track: 0xAA, Start: 1650},
	}}
	got, err := ParseTOC(pad(vecTOC0LBA, 2048), false)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LBA form: got %+v\nwant %+v", got, want)
	}
	want.Entries[0].MSF = cd.MSF{M: 0, S: 2, F: 0}
	want.Entries[1].MSF = cd.MSF{M: 0, S: 24, F: 0}
	got, err = ParseTOC(pad(vecTOC0MSF, 2048), true)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MSF form: got %+v\nwant %+v", got, want)
	}
	if lo, ok := got.LeadOut(); !ok || lo.Start != 1650 {
		t.Errorf("LeadOut = %+v, %v", lo, ok)
	}
}

func TestParseErrors(t *testing.T) {
	parsers := map[string]func([]byte) error{
		"toc":      func(b []byte) error { _, err := ParseTOC(b, false); return err },
		"toc msf":  func(b []byte) error { _, err := ParseTOC(b, true); return err },
		"session":  func(b []byte) error { _, err := ParseSessionInfo(b, false); return err },
		"full":     func(b []byte) error { _, err := ParseFullTOC(b); return err },
		"atip":     func(b []byte) error { _, err := ParseATIP(b); return err },
		"cdtext":   func(b []byte) error { _, err := ParseCDText(b); return err },
		"discinfo": func(b []byte) error { _, err := ParseDiscInfo(b); return err },
		"track":    func(b []byte) error { _, err := ParseTrackInfo(b); return err },
		"config":   func(b []byte) error { _, err := ParseConfiguration(b); return err },
		"capacity": func(b []byte) error { _, err := ParseCapacity(b); return err },
		"caps":     func(b []byte) error { _, err := ParseCapabilities(b); return err },
	}
	for name, p := range parsers {
		t.Run(name+"/empty", func(t *testing.T) {
			if err := p(nil); !errors.Is(err, ErrTruncated) {
				t.Errorf("nil: %v, want ErrTruncated", err)
			}
		})
	}
	cases := []struct {
		name string
		err  error
		b    []byte
		p    string
	}{
		// The length field claims more than the allocation let through.
		{"toc cut", ErrTruncated, vecTOC0LBA[:12], "toc"},
		{"full cut", ErrTruncated, vecFullTOC2[:50], "full"},
		{"discinfo cut", ErrTruncated, vecDiscInfoQEMU[:20], "discinfo"},
		{"config cut", ErrTruncated, vecConfig[:30], "config"},
		{"caps cut", ErrTruncated, vecCaps[:20], "caps"},
		{"track short", ErrFormat, hexb("0006 01 01 00 04 00 00"), "track"},
		{"toc track 0", ErrFormat, hexb("000A 01 01 00 14 00 00 00000000"), "toc"},
		{"toc bad msf", ErrFormat, hexb("000A 01 01 00 14 01 00 00 00 3C 00"), "toc msf"},
		{"discinfo data type", ErrFormat, append([]byte{0, 0x20, 0x4E}, vecDiscInfoQEMU[3:]...), "discinfo"},
		{"config overrun", ErrFormat, hexb("0000000C 0000 0008 0000 03 08 0008 0100"), "config"},
		{"cdtext pack type", ErrFormat, append(hexb("0014 00 00 70"), make([]byte, 17)...), "cdtext"},
		{"caps missing", ErrFormat, hexb("000E 00 00 0000 0000 01 06 00 00 00 00 00 00"), "caps"},
		{"capacity negative", ErrFormat, hexb("FFFFFF00 00000800"), "capacity"},
		{"atip bad msf", ErrFormat, append(hexb("001E 0000 D4 40 D4 00 61 5A 42 00"), make([]byte, 20)...), "atip"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := parsers[c.p](c.b)
			if !errors.Is(err, c.err) {
				t.Fatalf("got %v, want %v", err, c.err)
			}
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Structure == "" {
				t.Errorf("%v is not a *FormatError naming its structure", err)
			}
		})
	}
}

func TestTOCLayout(t *testing.T) {
	toc, err := ParseTOC(vecTOC0Audio, false)
	if err != nil {
		t.Fatal(err)
	}
	l, err := toc.Layout()
	if err != nil {
		t.Fatal(err)
	}
	want := &disc.Layout{Sessions: []disc.Session{{Number: 1, LeadOut: 45000, Tracks: []disc.Track{
		{Number: 1, Mode: disc.Audio, Start: 0, Length: 15000},
		{Number: 2, Mode: disc.Audio, Flags: disc.Flags{Copy: true}, Start: 15000, Length: 15000},
		{Number: 3, Mode: disc.Audio, Flags: disc.Flags{PreEmphasis: true}, Start: 30000, Length: 15000},
	}}}}
	if !reflect.DeepEqual(l, want) {
		t.Errorf("got %+v\nwant %+v", l, want)
	}

	toc, _ = ParseTOC(vecTOC0LBA, false)
	l, err = toc.Layout()
	if err != nil {
		t.Fatal(err)
	}
	if tr := l.Sessions[0].Tracks[0]; tr.Mode != disc.Mode1 || tr.Length != 1650 {
		t.Errorf("data track: %+v", tr)
	}

	noLeadOut := &TOC{FirstTrack: 1, LastTrack: 1, Entries: []TOCEntry{{ADR: 1, Track: 1}}}
	if _, err := noLeadOut.Layout(); !errors.Is(err, ErrFormat) {
		t.Errorf("without lead-out: %v", err)
	}
	backwards := &TOC{Entries: []TOCEntry{{Track: 1, Start: 100}, {Track: 0xAA, Start: 50}}}
	if _, err := backwards.Layout(); !errors.Is(err, ErrFormat) {
		t.Errorf("lead-out before the track: %v", err)
	}
}

func TestParseSessionInfo(t *testing.T) {
	got, err := ParseSessionInfo(pad(vecSessionInfo, 2048), false)
	if err != nil {
		t.Fatal(err)
	}
	want := &SessionInfo{FirstSession: 1, LastSession: 2, ADR: 1, Control: 4, FirstTrack: 2, Start: 21400}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// MSF form: 04:47:25.
	got, err = ParseSessionInfo(hexb("000A 01 02 00 14 02 00 00 04 2F 19"), true)
	if err != nil || got.Start != 21400 || got.MSF != (cd.MSF{M: 4, S: 47, F: 25}) {
		t.Errorf("MSF form: %+v, %v", got, err)
	}
}

func TestParseFullTOC(t *testing.T) {
	ft, err := ParseFullTOC(pad(vecFullTOC1, 2048))
	if err != nil {
		t.Fatal(err)
	}
	if len(ft.Entries) != 4 || ft.Entries[2].Point != PointLeadOut || ft.Entries[2].PLBA() != 1650 {
		t.Fatalf("entries %+v", ft.Entries)
	}
	ss, err := ft.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	want1 := []FullTOCSession{{Number: 1, FirstTrack: 1, LastTrack: 1, LeadOut: 1650,
		Tracks: []TOCEntry{{ADR: 1, Control: 4, Track: 1, Start: 0, MSF: cd.MSF{S: 2}}}}}
	if !reflect.DeepEqual(ss, want1) {
		t.Errorf("got %+v\nwant %+v", ss, want1)
	}

	ft, err = ParseFullTOC(vecFullTOC2)
	if err != nil {
		t.Fatal(err)
	}
	ss, err = ft.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	want2 := []FullTOCSession{
		{Number: 1, FirstTrack: 1, LastTrack: 1, DiscType: DiscTypeCDROM, LeadOut: 10000,
			Tracks:  []TOCEntry{{ADR: 1, Control: 4, Track: 1, Start: 0, MSF: cd.MSF{S: 2}}},
			HasNext: true, NextProgramArea: 21400, MaxLeadOut: 359849, Pointers: 2,
			HasC0: true, FirstLeadIn: -11634, Power: 8},
		{Number: 2, FirstTrack: 2, LastTrack: 2, DiscType: DiscTypeCDROMXA, LeadOut: 30000,
			Tracks: []TOCEntry{{ADR: 1, Control: 4, Track: 2, Start: 21400, MSF: cd.MSF{M: 4, S: 47, F: 25}}}},
	}
	if !reflect.DeepEqual(ss, want2) {
		t.Errorf("got %+v\nwant %+v", ss, want2)
	}
	l, err := ft.Layout()
	if err != nil {
		t.Fatal(err)
	}
	wantL := &disc.Layout{Sessions: []disc.Session{
		{Number: 1, LeadOut: 10000, Tracks: []disc.Track{{Number: 1, Mode: disc.Mode1, Start: 0, Length: 10000}}},
		{Number: 2, LeadOut: 30000, Tracks: []disc.Track{{Number: 2, Mode: disc.Mode2Form1, Start: 21400, Length: 8600}}},
	}}
	if !reflect.DeepEqual(l, wantL) {
		t.Errorf("layout %+v\nwant %+v", l, wantL)
	}

	// A session without its A2 point is rejected.
	noA2 := &FullTOC{Entries: slicesDelete(ft.Entries, 8)}
	if _, err := noA2.Sessions(); !errors.Is(err, ErrFormat) {
		t.Errorf("without A2: %v", err)
	}
}

func slicesDelete(e []FullTOCEntry, i int) []FullTOCEntry {
	out := append([]FullTOCEntry(nil), e[:i]...)
	return append(out, e[i+1:]...)
}

func TestParseATIP(t *testing.T) {
	a, err := ParseATIP(pad(vecATIP, 2048))
	if err != nil {
		t.Fatal(err)
	}
	want := &ATIP{WritingPower: 5, ReferenceSpeed: 4, URU: true, Erasable: true, DiscSubType: 2, A1Valid: true,
		LeadInStart: -11634, LeadInMSF: cd.MSF{M: 97, S: 26, F: 66},
		LastLeadOut: 359849, LastLeadOutMSF: cd.MSF{M: 79, S: 59, F: 74},
		A1: [3]byte{1, 2, 3}}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("got %+v\nwant %+v", a, want)
	}
	if s := a.String(); s != "CD-RW, lead-in 97:26:66 (-11634), last lead-out 79:59:74 (359849)" {
		t.Errorf("String = %q", s)
	}
	// MMC-1 drives return only the first 12 bytes of the descriptor.
	short := append(hexb("000E 00 00"), vecATIP[4:16]...)
	if a, err := ParseATIP(short); err != nil || a.LastLeadOut != 359849 || a.A1 != [3]byte{} {
		t.Errorf("short ATIP: %+v, %v", a, err)
	}
}

func TestIsFormattedTOC(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
		want bool
	}{
		{"format 0 LBA", vecTOC0LBA, true},
		{"format 0 MSF padded", pad(vecTOC0MSF, 2048), true},
		{"format 0 audio", vecTOC0Audio, true},
		{"format 0 as QEMU's ATAPI answers format 2", qemuTOC0MSF, true},
		{"format 1", vecSessionInfo, false},
		{"format 1 of QEMU", qemuSessionInfo, false},
		{"format 2", vecFullTOC1, false},
		{"format 2 two sessions", vecFullTOC2, false},
		{"format 4", vecATIP, false},
		{"format 5", vecCDText(), false},
		{"format 5 without packs", hexb("0002 00 00"), false},
		{"short", hexb("0012 01"), false},
		{"cut", vecTOC0Audio[:20], false},
		{"lead-out only", hexb("000A 01 01 00 14 AA 00 00000672"), false},
		{"no lead-out", hexb("0012 01 02 00 14 01 00 00000000 00 14 02 00 00000672"), false},
		{"tracks out of order", hexb("001A 01 02 00 14 02 00 00000000 00 14 01 00 00000010 00 14 AA 00 00000672"), false},
		{"track beyond last", hexb("0012 01 01 00 14 02 00 00000000 00 14 AA 00 00000672"), false},
		{"first track 0", hexb("0012 00 01 00 14 01 00 00000000 00 14 AA 00 00000672"), false},
		{"reserved byte set", hexb("0012 01 01 01 14 01 00 00000000 00 14 AA 00 00000672"), false},
		{"odd length", hexb("0013 01 01 00 14 01 00 00000000 00 14 AA 00 00000672 00"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := IsFormattedTOC(c.b); got != c.want {
				t.Errorf("IsFormattedTOC(% x) = %v", c.b, got)
			}
		})
	}
}
