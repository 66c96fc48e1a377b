package eltorito

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// mustHex decodes hex written with optional spaces and newlines.
func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sector pads b with zeros to one catalog sector.
func sector(b []byte) []byte {
	out := make([]byte, SectorSize)
	copy(out, b)
	return out
}

// Catalog sectors written by xorriso 1.5.4, as observed while developing
// this package (records are 32 bytes; trailing zeros omitted).
const (
	// -b boot.img -no-emul-boot -eltorito-alt-boot -e efi.img -no-emul-boot
	xorrisoBIOSEFI = `
01000000000000000000000000000000000000000000000000000000aa5555aa
8800000000000400220000000000000000000000000000000000000000000000
91ef010000000000000000000000000000000000000000000000000000000000
880000000000c400230000000000000000000000000000000000000000000000`
	// -b fd.img (1474560 bytes, floppy emulation)
	xorrisoFloppy = `
01000000000000000000000000000000000000000000000000000000aa5555aa
8802000000000100220000000000000000000000000000000000000000000000`
	// five images: x86 default, two x86 alternatives, two EFI
	xorrisoFive = `
01000000000000000000000000000000000000000000000000000000aa5555aa
8800000000000c00580000000000000000000000000000000000000000000000
9000020000000000000000000000000000000000000000000000000000000000
8800000000001400220000000000000000000000000000000000000000000000
8800000000000c00580000000000000000000000000000000000000000000000
91ef020000000000000000000000000000000000000000000000000000000000
880000000000c400270000000000000000000000000000000000000000000000
8800000000000c00580000000000000000000000000000000000000000000000`
	// -eltorito-id VALID ... -eltorito-alt-boot -eltorito-id SECT1
	// -eltorito-selcrit 01aabbcc -e efi.img -no-emul-boot
	xorrisoIDs = `
0100000056414c494400000000000000000000000000000000000000c4ca55aa
8800000000000c00530000000000000000000000000000000000000000000000
91ef010053454354310000000000000000000000000000000000000000000000
880000000000c4002200000001aabbcc00000000000000000000000000000000`
	// -b hd.img -hard-disk-boot (one partition of type 0x83)
	xorrisoHardDisk = `
01000000000000000000000000000000000000000000000000000000aa5555aa
8804000083000100220000000000000000000000000000000000000000000000`
)

func TestParseXorrisoSamples(t *testing.T) {
	for _, tc := range []struct {
		name string
		hex  string
		want Catalog
	}{
		{"bios+efi", xorrisoBIOSEFI, Catalog{Entries: []Entry{
			{Platform: PlatformX86, Bootable: true, SectorCount: 4, LoadRBA: 0x22},
			{Platform: PlatformEFI, Bootable: true, SectorCount: 0xC4, LoadRBA: 0x23},
		}}},
		{"floppy", xorrisoFloppy, Catalog{Entries: []Entry{
			{Platform: PlatformX86, Bootable: true, Emulation: Floppy144, SectorCount: 1, LoadRBA: 0x22},
		}}},
		{"five", xorrisoFive, Catalog{Entries: []Entry{
			{Platform: PlatformX86, Bootable: true, SectorCount: 12, LoadRBA: 0x58},
			{Platform: PlatformX86, Bootable: true, SectorCount: 20, LoadRBA: 0x22},
			{Platform: PlatformX86, Bootable: true, SectorCount: 12, LoadRBA: 0x58},
			{Platform: PlatformEFI, Bootable: true, SectorCount: 0xC4, LoadRBA: 0x27},
			{Platform: PlatformEFI, Bootable: true, SectorCount: 12, LoadRBA: 0x58},
		}}},
		{"ids", xorrisoIDs, Catalog{ID: "VALID", Entries: []Entry{
			{Platform: PlatformX86, Bootable: true, SectorCount: 12, LoadRBA: 0x53},
			{Platform: PlatformEFI, Bootable: true, SectorCount: 0xC4, LoadRBA: 0x22, SectionID: "SECT1",
				SelectionCriteria: append([]byte{0x01, 0xAA, 0xBB, 0xCC}, make([]byte, 16)...)},
		}}},
		{"hard disk", xorrisoHardDisk, Catalog{Entries: []Entry{
			{Platform: PlatformX86, Bootable: true, Emulation: HardDisk, SystemType: 0x83, SectorCount: 1, LoadRBA: 0x22},
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := sector(mustHex(t, tc.hex))
			got, err := Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("Parse:\n got %+v\nwant %+v", *got, tc.want)
			}
			again, err := got.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, raw) {
				t.Errorf("re-marshal differs:\n got %x\nwant %x", again[:256], raw[:256])
			}
		})
	}
}

func TestMarshalLayout(t *testing.T) {
	c := Catalog{ID: "spindle", Entries: []Entry{
		{Platform: PlatformX86, Bootable: true, SectorCount: 4, LoadRBA: 40},
		{Platform: PlatformEFI, Bootable: true, SectorCount: 100, LoadRBA: 41},
		{Platform: PlatformEFI, Bootable: false, SectorCount: 8, LoadRBA: 42, LoadSegment: 0x1000},
		{Platform: PlatformPowerPC, Bootable: true, Emulation: Floppy288, SectorCount: 1, LoadRBA: 43, MediaFlags: MediaSCSIDriver},
	}}
	b, err := c.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != SectorSize {
		t.Fatalf("len = %d", len(b))
	}
	rec := func(i int) []byte { return b[i*RecordSize : (i+1)*RecordSize] }
	// Validation entry.
	v := rec(0)
	if v[0] != 1 || v[1] != 0 || string(v[4:11]) != "spindle" || v[30] != 0x55 || v[31] != 0xAA {
		t.Errorf("validation entry % X", v)
	}
	var sum uint16
	for i := 0; i < 32; i += 2 {
		sum += binary.LittleEndian.Uint16(v[i:])
	}
	if sum != 0 {
		t.Errorf("validation words sum to %#x", sum)
	}
	// Default entry.
	if d := rec(1); d[0] != 0x88 || d[1] != 0 || binary.LittleEndian.Uint16(d[6:]) != 4 || binary.LittleEndian.Uint32(d[8:]) != 40 {
		t.Errorf("default entry % X", d)
	}
	// EFI section: 0x90, platform EF, 2 entries.
	if h := rec(2); h[0] != 0x90 || h[1] != 0xEF || binary.LittleEndian.Uint16(h[2:]) != 2 {
		t.Errorf("first section header % X", h)
	}
	if e := rec(3); e[0] != 0x88 || binary.LittleEndian.Uint32(e[8:]) != 41 {
		t.Errorf("EFI entry 1 % X", e)
	}
	if e := rec(4); e[0] != 0x00 || binary.LittleEndian.Uint16(e[2:]) != 0x1000 || binary.LittleEndian.Uint32(e[8:]) != 42 {
		t.Errorf("EFI entry 2 % X", e)
	}
	// PowerPC section: final header 0x91, one entry, media byte 0x83.
	if h := rec(5); h[0] != 0x91 || h[1] != 0x01 || binary.LittleEndian.Uint16(h[2:]) != 1 {
		t.Errorf("final section header % X", h)
	}
	if e := rec(6); e[0] != 0x88 || e[1] != 0x83 {
		t.Errorf("PowerPC entry % X", e)
	}
	if !bytes.Equal(b[7*RecordSize:], make([]byte, SectorSize-7*RecordSize)) {
		t.Errorf("padding not zero")
	}
	got, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, c) {
		t.Errorf("round trip:\n got %+v\nwant %+v", *got, c)
	}
}

func TestSelectionCriteriaExtensions(t *testing.T) {
	crit := make([]byte, 20+30+30) // needs two extensions
	for i := range crit {
		crit[i] = byte(i + 1)
	}
	c := Catalog{Entries: []Entry{
		{Bootable: true, SectorCount: 4, LoadRBA: 20},
		{Platform: PlatformX86, Bootable: true, SectorCount: 4, LoadRBA: 21, SelectionCriteria: crit, SectionID: "Languages"},
		{Platform: PlatformX86, Bootable: true, SectorCount: 4, LoadRBA: 22, SectionID: "Languages"},
	}}
	b, err := c.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	rec := func(i int) []byte { return b[i*RecordSize : (i+1)*RecordSize] }
	// header, entry(+continuation), ext(more), ext(final), entry
	if h := rec(2); h[0] != 0x91 || binary.LittleEndian.Uint16(h[2:]) != 4 || string(h[4:13]) != "Languages" {
		t.Errorf("header % X", h)
	}
	if e := rec(3); e[1] != 0x20 || !bytes.Equal(e[12:], crit[:20]) {
		t.Errorf("entry % X", e)
	}
	if x := rec(4); x[0] != 0x44 || x[1] != 0x20 || !bytes.Equal(x[2:], crit[20:50]) {
		t.Errorf("extension 1 % X", x)
	}
	if x := rec(5); x[0] != 0x44 || x[1] != 0x00 || !bytes.Equal(x[2:], crit[50:80]) {
		t.Errorf("extension 2 % X", x)
	}
	if e := rec(6); e[0] != 0x88 || binary.LittleEndian.Uint32(e[8:]) != 22 {
		t.Errorf("second entry % X", e)
	}
	got, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, c) {
		t.Errorf("round trip:\n got %+v\nwant %+v", *got, c)
	}

	// Criteria shorter than the stored area come back zero-padded.
	c.Entries[1].SelectionCriteria = []byte{1, 2, 3}
	b, _ = c.MarshalBinary()
	got, _ = Parse(b)
	if want := append([]byte{1, 2, 3}, make([]byte, 17)...); !bytes.Equal(got.Entries[1].SelectionCriteria, want) {
		t.Errorf("short criteria: got % X", got.Entries[1].SelectionCriteria)
	}
}

func TestSectionGrouping(t *testing.T) {
	e := func(p Platform, id string) Entry {
		return Entry{Platform: p, Bootable: true, SectorCount: 4, LoadRBA: 30, SectionID: id}
	}
	for _, tc := range []struct {
		name    string
		entries []Entry
		headers []string // platform/count per header, in order
	}{
		{"default only", []Entry{e(0, "")}, nil},
		{"one section", []Entry{e(0, ""), e(PlatformEFI, "")}, []string{"91 EF 1"}},
		{"same platform merges", []Entry{e(0, ""), e(0, ""), e(0, "")}, []string{"91 00 2"}},
		{"alternating", []Entry{e(0, ""), e(0, ""), e(PlatformEFI, ""), e(0, "")}, []string{"90 00 1", "90 EF 1", "91 00 1"}},
		{"id splits", []Entry{e(0, ""), e(0, "a"), e(0, "b"), e(0, "b")}, []string{"90 00 1", "91 00 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := (&Catalog{Entries: tc.entries}).MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var headers []string
			for off := 2 * RecordSize; off < len(b); off += RecordSize {
				if r := b[off:]; r[0] == 0x90 || r[0] == 0x91 {
					headers = append(headers, strings.ToUpper(hex.EncodeToString(r[:1])+" "+hex.EncodeToString(r[1:2]))+" "+string(rune('0'+binary.LittleEndian.Uint16(r[2:]))))
				}
			}
			if !reflect.DeepEqual(headers, tc.headers) {
				t.Errorf("headers = %q, want %q", headers, tc.headers)
			}
			c, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Entries, tc.entries) {
				t.Errorf("round trip:\n got %+v\nwant %+v", c.Entries, tc.entries)
			}
		})
	}
}

func TestMarshalErrors(t *testing.T) {
	ok := Entry{Bootable: true, SectorCount: 4, LoadRBA: 20}
	many := func(n int) []Entry {
		es := make([]Entry, n)
		for i := range es {
			es[i] = ok
			// alternate platforms so every entry needs its own header
			if i%2 == 1 {
				es[i].Platform = PlatformEFI
			}
		}
		return es
	}
	for _, tc := range []struct {
		name string
		c    Catalog
		want string
	}{
		{"empty", Catalog{}, "no entries"},
		{"long ID", Catalog{ID: strings.Repeat("x", 25), Entries: []Entry{ok}}, "validation ID"},
		{"reserved emulation", Catalog{Entries: []Entry{{Emulation: 5}}}, "reserved emulation"},
		{"criteria on default", Catalog{Entries: []Entry{{SelectionCriteria: []byte{1}}}}, "selection criteria"},
		{"flags on default", Catalog{Entries: []Entry{{MediaFlags: MediaATAPIDriver}}}, "media flags"},
		{"section ID on default", Catalog{Entries: []Entry{{SectionID: "x"}}}, "section ID"},
		{"bad flags", Catalog{Entries: []Entry{ok, {MediaFlags: 0x20}}}, "invalid media flags"},
		{"long section ID", Catalog{Entries: []Entry{ok, {SectionID: strings.Repeat("y", 29)}}}, "section ID"},
		{"too many entries", Catalog{Entries: many(65)}, "does not fit"},
		{"too many records", Catalog{Entries: many(34)}, "does not fit"},
		{"huge criteria", Catalog{Entries: []Entry{ok, {SelectionCriteria: make([]byte, 20+30*62)}}}, "does not fit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.c.MarshalBinary()
			if err == nil {
				t.Fatalf("no error; got %d bytes", len(b))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
	// The largest catalog that fits: 1 validation + 1 default + 31 × (header + entry).
	if _, err := (&Catalog{Entries: many(32)}).MarshalBinary(); err != nil {
		t.Errorf("32 alternating entries: %v", err)
	}
	if _, err := (&Catalog{Entries: many(65)}).MarshalBinary(); !errors.Is(err, ErrTooManyEntries) {
		t.Errorf("65 entries: error %v is not ErrTooManyEntries", err)
	}
}

func TestParseErrors(t *testing.T) {
	good, err := (&Catalog{Entries: []Entry{
		{Bootable: true, SectorCount: 4, LoadRBA: 20},
		{Platform: PlatformEFI, Bootable: true, SectorCount: 4, LoadRBA: 21, SelectionCriteria: make([]byte, 40)},
	}}).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// good: 0 validation, 32 default, 64 header, 96 entry, 128 extension.
	mod := func(f func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		f(b)
		return b
	}
	for _, tc := range []struct {
		name   string
		b      []byte
		want   error
		offset int
	}{
		{"empty", nil, ErrTruncated, 0},
		{"short", good[:63], ErrTruncated, 63},
		{"header ID", mod(func(b []byte) { b[0] = 2 }), ErrBadHeader, 0},
		{"key", mod(func(b []byte) { b[31] = 0xAB }), ErrBadKey, 30},
		{"checksum", mod(func(b []byte) { b[4] = 'X' }), ErrBadChecksum, 28},
		{"boot indicator", mod(func(b []byte) { b[32] = 0x80 }), ErrBadEntry, 32},
		{"media type", mod(func(b []byte) { b[33] = 9 }), ErrBadEntry, 33},
		{"section header", mod(func(b []byte) { b[64] = 0x92 }), ErrBadHeader, 64},
		{"section entry", mod(func(b []byte) { b[96] = 0x01 }), ErrBadEntry, 96},
		{"section media", mod(func(b []byte) { b[97] = 0x27 }), ErrBadEntry, 97},
		{"extension indicator", mod(func(b []byte) { b[128] = 0x45 }), ErrBadHeader, 128},
		// Zero records are valid (non-bootable) entries, so an overlong
		// count runs to the end of the input ...
		{"count overruns", mod(func(b []byte) { b[66] = 9 })[:256], ErrTruncated, 256},
		// ... unless it meets a record that is no entry.
		{"count overruns into junk", mod(func(b []byte) { b[66] = 9; b[160] = 0x01 }), ErrBadEntry, 160},
		{"count overruns input", mod(func(b []byte) { b[66] = 9 })[:170], ErrTruncated, 160},
		{"extension past end", good[:128], ErrTruncated, 128},
		{"entry past end", good[:96], ErrTruncated, 96},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(tc.b)
			if err == nil {
				t.Fatalf("no error; got %+v", c)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			if !errors.Is(err, tc.want) || pe.Offset != tc.offset {
				t.Errorf("error %v: want %v at offset %d", err, tc.want, tc.offset)
			}
		})
	}
}

func TestParseLenient(t *testing.T) {
	base := sector(mustHex(t, xorrisoBIOSEFI))
	// A 0x90 header at the end of the data is accepted: nothing follows.
	b := append([]byte(nil), base...)
	b[64] = 0x90
	c, err := Parse(b)
	if err != nil || len(c.Entries) != 2 {
		t.Errorf("0x90 as last header: %v, %+v", err, c)
	}
	// Bytes after the final section are ignored.
	b = append([]byte(nil), base...)
	b[128] = 0xFF
	if c, err := Parse(b); err != nil || len(c.Entries) != 2 {
		t.Errorf("junk after final section: %v, %+v", err, c)
	}
	// Only validation and default entry, no padding at all.
	if c, err := Parse(base[:64]); err != nil || len(c.Entries) != 1 {
		t.Errorf("64-byte catalog: %v, %+v", err, c)
	}
	// Reserved media type bits of the default entry are ignored.
	b = append([]byte(nil), base...)
	b[33] = 0xF0
	if c, err := Parse(b); err != nil || c.Entries[0].Emulation != NoEmulation {
		t.Errorf("reserved media bits: %v, %+v", err, c)
	}
}

func TestStrings(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{PlatformX86.String(), "x86"},
		{PlatformPowerPC.String(), "PowerPC"},
		{PlatformMac.String(), "Mac"},
		{PlatformEFI.String(), "EFI"},
		{Platform(7).String(), "Platform(0x07)"},
		{NoEmulation.String(), "no emulation"},
		{Floppy12.String(), "1.2M floppy"},
		{Floppy144.String(), "1.44M floppy"},
		{Floppy288.String(), "2.88M floppy"},
		{HardDisk.String(), "hard disk"},
		{Emulation(9).String(), "Emulation(9)"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
