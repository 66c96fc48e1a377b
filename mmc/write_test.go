package mmc

import (
	"errors"
	"reflect"
	"testing"

	"spindle/cd"
)

func must10(t *testing.T) func([10]byte, error) []byte {
	return func(c [10]byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c[:]
	}
}

func must12(t *testing.T) func([12]byte, error) []byte {
	return func(c [12]byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c[:]
	}
}

func arr6(c [6]byte) []byte { return c[:] }

// TestWriteBuildersByteExact checks the recording CDBs field by field
// against the CDB tables of MMC-6 (WRITE(10), WRITE(12), SYNCHRONIZE
// CACHE, CLOSE TRACK/SESSION, BLANK, RESERVE TRACK, SEND CUE SHEET, SEND
// OPC INFORMATION, FORMAT UNIT), and where they exist against the CDBs
// libburn and cdrdao send.
func TestWriteBuildersByteExact(t *testing.T) {
	m10, m12 := must10(t), must12(t)
	cases := []struct {
		name string
		got  []byte
		want string
	}{
		{"WRITE(10) LBA 16", arr(Write10(16, 32, false)), "2a 00 00 00 00 10 00 00 20 00"},
		{"WRITE(10) SAO first pre-gap FUA", arr(Write10(-150, 27, true)), "2a 08 ff ff ff 6a 00 00 1b 00"},
		{"WRITE(12)", arr12(Write12(0x01020304, 0x05060708, false, false)), "aa 00 01 02 03 04 05 06 07 08 00 00"},
		{"WRITE(12) FUA streaming", arr12(Write12(-1, 16, true, true)), "aa 08 ff ff ff ff 00 00 00 10 80 00"},
		{"SYNCHRONIZE CACHE", arr(SynchronizeCache(false)), "35 00 00 00 00 00 00 00 00 00"},
		{"SYNCHRONIZE CACHE IMMED", arr(SynchronizeCache(true)), "35 02 00 00 00 00 00 00 00 00"},
		{"CLOSE TRACK 1 IMMED", m10(CloseTrackSession(CloseTrack, 1, true)), "5b 01 01 00 00 01 00 00 00 00"},
		{"CLOSE TRACK 258", m10(CloseTrackSession(CloseTrack, 258, false)), "5b 00 01 00 01 02 00 00 00 00"},
		{"CLOSE SESSION", m10(CloseTrackSession(CloseSession, 0, true)), "5b 01 02 00 00 00 00 00 00 00"},
		{"CLOSE stop background format", m10(CloseTrackSession(CloseStopBackgroundFormat, 0, true)), "5b 01 00 00 00 00 00 00 00 00"},
		{"CLOSE finalize DVD+R minimal radius", m10(CloseTrackSession(CloseFinalizeMinimalRadius, 0, true)), "5b 01 05 00 00 00 00 00 00 00"},
		{"CLOSE finalize BD-R", m10(CloseTrackSession(CloseFinalize, 0, true)), "5b 01 06 00 00 00 00 00 00 00"},
		{"BLANK full", m12(Blank(BlankDisc, 0, false)), "a1 00 00 00 00 00 00 00 00 00 00 00"},
		{"BLANK minimal IMMED", m12(Blank(BlankMinimal, 0, true)), "a1 11 00 00 00 00 00 00 00 00 00 00"},
		{"BLANK track 3", m12(Blank(BlankTrack, 3, true)), "a1 12 00 00 00 03 00 00 00 00 00 00"},
		{"BLANK unreserve", m12(Blank(BlankUnreserveTrack, 0, false)), "a1 03 00 00 00 00 00 00 00 00 00 00"},
		{"BLANK tail from LBA", m12(Blank(BlankTrackTail, 0x00012345, true)), "a1 14 00 01 23 45 00 00 00 00 00 00"},
		{"BLANK unclose", m12(Blank(BlankUncloseSession, 0, true)), "a1 15 00 00 00 00 00 00 00 00 00 00"},
		{"BLANK session", m12(Blank(BlankLastSession, 0, true)), "a1 16 00 00 00 00 00 00 00 00 00 00"},
		{"RESERVE TRACK 4.7 GB", arr(ReserveTrack(2294921)), "53 00 00 00 00 00 23 04 89 00"},
		{"RESERVE TRACK ARSV", arr(ReserveTrackAt(0x12345678)), "53 01 12 34 56 78 00 00 00 00"},
		{"SEND CUE SHEET", m10(SendCueSheet(11 * 8)), "5d 00 00 00 00 00 00 00 58 00"},
		{"SEND CUE SHEET 24 bits", m10(SendCueSheet(0x123456)), "5d 00 00 00 00 00 12 34 56 00"},
		{"SEND OPC DoOPC", arr(SendOPCInformation(OPCOptions{DoOPC: true}, 0)), "54 01 00 00 00 00 00 00 00 00"},
		{"SEND OPC table exclude L1", arr(SendOPCInformation(OPCOptions{Exclude1: true}, 16)), "54 00 02 00 00 00 00 00 10 00"},
		{"SEND OPC exclude L0", arr(SendOPCInformation(OPCOptions{DoOPC: true, Exclude0: true}, 0)), "54 01 01 00 00 00 00 00 00 00"},
		{"FORMAT UNIT", arr6(FormatUnit(false)), "04 11 00 00 00 00"},
		{"FORMAT UNIT CmpList", arr6(FormatUnit(true)), "04 19 00 00 00 00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if want := hexb(c.want); !reflect.DeepEqual(c.got, want) {
				t.Errorf("got % x\nwant % x", c.got, want)
			}
		})
	}
}

func TestWriteBuilderArguments(t *testing.T) {
	errs := map[string]error{}
	_, errs["close function"] = CloseTrackSession(8, 0, false)
	_, errs["blank type"] = Blank(7+1, 0, false)
	_, errs["cue sheet size"] = SendCueSheet(1 << 24)
	_, errs["opc table"] = MarshalOPCTable(make([]OPCEntry, 0x2000))
	_, errs["format type"] = FormatUnitParameters{Descriptor: FormatDescriptor{Type: 0x40}}.Marshal()
	_, errs["format subtype"] = FormatUnitParameters{Descriptor: FormatDescriptor{Subtype: 4}}.Marshal()
	_, errs["format param"] = FormatUnitParameters{Descriptor: FormatDescriptor{Param: 1 << 24}}.Marshal()
	for name, err := range errs {
		if !errors.Is(err, ErrArgument) {
			t.Errorf("%s: %v, want ErrArgument", name, err)
		}
	}
}

func TestOPCTable(t *testing.T) {
	b, err := MarshalOPCTable([]OPCEntry{{Speed: 1764, Value: [6]byte{1, 2, 3, 4, 5, 6}}, {Speed: 7056}})
	if err != nil {
		t.Fatal(err)
	}
	if want := hexb("06e4 010203040506 1b90 000000000000"); !reflect.DeepEqual(b, want) {
		t.Errorf("got % x\nwant % x", b, want)
	}
}

// Format unit parameter lists: the format list header (reserved, flags,
// descriptor length 8) and the format descriptor (blocks, type << 2 |
// subtype, type-dependent parameter), as growisofs and libburn send them.
var formatUnitCases = []struct {
	name string
	p    FormatUnitParameters
	want string
}{
	{"DVD+RW basic format, whole disc", FormatUnitParameters{Immed: true, Descriptor: FormatDescriptor{Blocks: 0xFFFFFFFF, Type: FormatDVDPlusRW}},
		"00 82 0008 ffffffff 98 000000"},
	{"DVD+RW restart", FormatUnitParameters{FOV: true, Immed: true, Descriptor: FormatDescriptor{Blocks: 0xFFFFFFFF, Type: FormatDVDPlusRW, Param: DVDPlusRWRestart}},
		"00 82 0008 ffffffff 98 000001"},
	{"BD-RE with spare areas, full certification", FormatUnitParameters{Immed: true, Descriptor: FormatDescriptor{Blocks: 11826176, Type: FormatBDREWithSpare, Subtype: BDFormatFullCertification, Param: 0x3000}},
		"00 82 0008 00b47400 c2 003000"},
	{"BD-RE without spare areas, quick certification", FormatUnitParameters{Immed: true, Descriptor: FormatDescriptor{Blocks: 12219392, Type: FormatBDREWithoutSpare, Subtype: BDFormatQuickCertification, Param: 0x800}},
		"00 82 0008 00ba7400 c7 000800"},
	{"DVD-RW quick, no flags", FormatUnitParameters{Descriptor: FormatDescriptor{Type: FormatDVDRWQuick, Param: 16}},
		"00 00 0008 00000000 54 000010"},
	{"DVD-RAM full, DCRT", FormatUnitParameters{DCRT: true, Descriptor: FormatDescriptor{Blocks: 2295104, Type: FormatFull, Param: 2048}},
		"00 a0 0008 00230540 00 000800"},
}

func TestFormatUnitParameters(t *testing.T) {
	for _, c := range formatUnitCases {
		t.Run(c.name, func(t *testing.T) {
			b, err := c.p.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if want := hexb(c.want); !reflect.DeepEqual(b[:], want) {
				t.Errorf("got % x\nwant % x", b, want)
			}
			p, err := ParseFormatUnitParameters(b[:])
			if err != nil {
				t.Fatal(err)
			}
			want := c.p
			want.FOV = want.FOV || want.DCRT || want.Immed
			if p != want {
				t.Errorf("parsed %+v\nwant %+v", p, want)
			}
		})
	}
	if _, err := ParseFormatUnitParameters(hexb("00 82 0008 ffffffff")); !errors.Is(err, ErrTruncated) {
		t.Errorf("short descriptor: %v", err)
	}
	if _, err := ParseFormatUnitParameters(hexb("00 82")); !errors.Is(err, ErrTruncated) {
		t.Errorf("short header: %v", err)
	}
	if _, err := ParseFormatUnitParameters(hexb("00 82 0010 ffffffff 98 000000 00000000 00000000")); !errors.Is(err, ErrFormat) {
		t.Errorf("descriptor length 16: %v", err)
	}
}

// vecWriteParams is a write parameters page as libburn composes it for a
// TAO data track of a multi-session CD (MMC-6, the Write Parameters mode
// page): BUFE, write type 1; multi-session 11b, track mode 4; data block
// type 8; audio pause 150; MCN and ISRC valid.
var vecWriteParams = hexb(`05 32
	41 c4 08 00 00 00 00 00 00000000 0096
	80 30 31 32 33 34 35 36 37 38 39 30 31 32 00 00
	80 55 53 41 42 43 39 39 30 30 30 30 31 00 00 00
	00 00 00 00`)

var wantWriteParams = &WriteParameters{
	PageLength: 0x32, BUFE: true, WriteType: WriteTAO, MultiSession: MultiSessionOpen,
	TrackMode: ControlData, DataBlockType: BlockMode1, AudioPauseLength: 150,
	MCN: "0123456789012", ISRC: "USABC9900001",
}

func TestWriteParameters(t *testing.T) {
	b, err := wantWriteParams.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b, vecWriteParams) {
		t.Errorf("Marshal:\ngot  % x\nwant % x", b, vecWriteParams)
	}
	p, err := ParseWriteParameters(vecWriteParams)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, wantWriteParams) {
		t.Errorf("Parse:\ngot  %+v\nwant %+v", p, wantWriteParams)
	}

	// Every field at once, in a page of length 36h: SAO test write with
	// link size, fixed packets, copy, session format XA, packet size,
	// host application code, subheader and vendor bytes.
	full := &WriteParameters{
		PageLength: WriteParametersLengthVen, BUFE: true, LSV: true, TestWrite: true, WriteType: WriteSAO,
		MultiSession: SingleSessionB0, FixedPacket: true, Copy: true, TrackMode: 7, DataBlockType: BlockMode2Mixed,
		LinkSize: 7, HostApplicationCode: 0x2A, SessionFormat: SessionCDROMXA, PacketSize: 32, AudioPauseLength: 0x1234,
		SubHeader: [4]byte{0, 0, 8, 0}, Vendor: [4]byte{0xDE, 0xAD, 0xBE, 0xEF},
	}
	want := hexb(`05 36
		72 77 0d 07 00 2a 20 00 00000020 1234
		00000000000000000000000000000000
		00000000000000000000000000000000
		00 00 08 00 de ad be ef`)
	b, err = full.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("Marshal full:\ngot  % x\nwant % x", b, want)
	}
	if p, err := ParseWriteParameters(b); err != nil || !reflect.DeepEqual(p, full) {
		t.Errorf("Parse full: %+v, %v", p, err)
	}

	// The zero value marshals as page length 32h with everything clear.
	b, err = (&WriteParameters{}).Marshal()
	if err != nil || len(b) != 52 || b[0] != 5 || b[1] != 0x32 {
		t.Errorf("zero value: % x, %v", b, err)
	}

	// MODE SELECT(10) parameter list: the 8-byte header (mode data
	// length zero, no block descriptors) and the page, PS clear.
	ms, err := wantWriteParams.ModeSelectData()
	if err != nil {
		t.Fatal(err)
	}
	if wantHdr := hexb("0000 00 00 0000 0000"); !reflect.DeepEqual(ms[:8], wantHdr) || !reflect.DeepEqual(ms[8:], vecWriteParams) {
		t.Errorf("ModeSelectData: % x", ms)
	}
	if p, err := ParseWriteParametersMode(ms); err != nil || !reflect.DeepEqual(p, wantWriteParams) {
		t.Errorf("ParseWriteParametersMode(MODE SELECT data): %+v, %v", p, err)
	}

	// MODE SENSE(10) data: mode data length, PS set on the page, padded
	// to the allocation length.
	sense := append(hexb("003a 00 00 0000 0000"), vecWriteParams...)
	sense[8] |= 0x80
	if p, err := ParseWriteParametersMode(pad(sense, 256)); err != nil || !reflect.DeepEqual(p, wantWriteParams) {
		t.Errorf("ParseWriteParametersMode: %+v, %v", p, err)
	}
	if _, err := ParseWriteParametersMode(sense[:30]); !errors.Is(err, ErrTruncated) {
		t.Errorf("cut MODE SENSE data: %v", err)
	}
	other := hexb("0008 00 00 0000 0000 2a 00")
	if _, err := ParseWriteParametersMode(other); !errors.Is(err, ErrFormat) {
		t.Errorf("page missing: %v", err)
	}
}

func TestWriteParametersErrors(t *testing.T) {
	bad := map[string]*WriteParameters{
		"page length":   {PageLength: 0x34},
		"write type":    {WriteType: 16},
		"track mode":    {TrackMode: 16},
		"block type":    {DataBlockType: 16},
		"host app code": {HostApplicationCode: 64},
		"multi-session": {MultiSession: 2},
		"mcn":           {MCN: "12345"},
		"isrc":          {ISRC: "usabc9900001"},
	}
	for name, p := range bad {
		if _, err := p.Marshal(); !errors.Is(err, ErrArgument) {
			t.Errorf("%s: %v, want ErrArgument", name, err)
		}
	}
	mod := func(off int, v byte) []byte {
		b := append([]byte(nil), vecWriteParams...)
		b[off] = v
		return b
	}
	cases := []struct {
		name string
		b    []byte
		err  error
	}{
		{"empty", nil, ErrTruncated},
		{"cut", vecWriteParams[:40], ErrTruncated},
		{"page code", mod(0, 0x2A), ErrFormat},
		{"sub-page format", mod(0, 0x45), ErrFormat},
		{"page length", mod(1, 0x30), ErrFormat},
		{"multi-session 10b", mod(3, 0x84), ErrFormat},
		{"mcn digit", mod(20, 'x'), ErrFormat},
		{"isrc country", mod(33, '1'), ErrFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseWriteParameters(c.b)
			var fe *FormatError
			if !errors.Is(err, c.err) || !errors.As(err, &fe) || fe.Structure == "" {
				t.Errorf("got %v, want a *FormatError wrapping %v", err, c.err)
			}
		})
	}
	// A page longer than 36h is decoded and re-encoded as 36h.
	long := append(append([]byte(nil), vecWriteParams...), make([]byte, 10)...)
	long[1] = 0x3C
	if p, err := ParseWriteParameters(long); err != nil || p.PageLength != WriteParametersLengthVen {
		t.Errorf("long page: %+v, %v", p, err)
	}
	// MCN and ISRC bytes without their valid bits are ignored.
	off := mod(16, 0)
	off[32] = 0
	if p, err := ParseWriteParameters(off); err != nil || p.MCN != "" || p.ISRC != "" {
		t.Errorf("invalid MCN/ISRC: %+v, %v", p, err)
	}
}

func TestDataBlockTypeSize(t *testing.T) {
	want := map[DataBlockType]int{0: 2352, 1: 2368, 2: 2448, 3: 2448, 8: 2048, 9: 2336, 10: 2048, 11: 2056, 12: 2324, 13: 2332}
	for ty := DataBlockType(0); ty < 16; ty++ {
		n, ok := ty.Size()
		if w, defined := want[ty]; ok != defined || n != w {
			t.Errorf("type %d: %d, %v; want %d", ty, n, ok, w)
		}
	}
	for w, s := range map[WriteType]string{WritePacket: "packet", WriteTAO: "TAO", WriteSAO: "SAO", WriteRaw: "raw", WriteLayerJump: "layer jump", 9: "write type 9"} {
		if w.String() != s {
			t.Errorf("%d: %q", w, w.String())
		}
	}
}

func TestCueTime(t *testing.T) {
	for _, c := range []struct {
		lba  cd.LBA
		want cd.MSF
	}{
		{-150, cd.MSF{}}, {0, cd.MSF{S: 2}}, {1650, cd.MSF{S: 24}}, {-151, cd.MSF{M: 99, S: 59, F: 74}},
		{-11635, cd.MSF{M: 97, S: 26, F: 65}}, {-45150, cd.MSF{M: 90}},
	} {
		m, err := cueTime(c.lba)
		if err != nil || m != c.want {
			t.Errorf("cueTime(%d) = %v, %v; want %v", c.lba, m, err, c.want)
		}
		if back := msfLBA(m); back != c.lba {
			t.Errorf("msfLBA(%v) = %d, want %d", m, back, c.lba)
		}
	}
	for _, l := range []cd.LBA{-45151, 90*cd.FramesPerMinute - 150} {
		if _, err := cueTime(l); !errors.Is(err, ErrArgument) {
			t.Errorf("cueTime(%d): %v", l, err)
		}
	}
}
