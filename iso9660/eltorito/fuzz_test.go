package eltorito

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// fuzzSeeds are catalogs marshalled by this package plus ones written by
// xorriso.
func fuzzSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, c := range []Catalog{
		{Entries: []Entry{{Bootable: true, SectorCount: 4, LoadRBA: 20}}},
		{ID: "spindle", Entries: []Entry{
			{Bootable: true, Emulation: Floppy144, SectorCount: 1, LoadRBA: 20},
			{Platform: PlatformEFI, Bootable: true, SectorCount: 100, LoadRBA: 21},
			{Platform: PlatformEFI, SectorCount: 8, LoadRBA: 22, LoadSegment: 0x1000},
			{Platform: PlatformMac, Bootable: true, Emulation: HardDisk, SystemType: 0x83, SectorCount: 1, LoadRBA: 23, MediaFlags: MediaATAPIDriver},
		}},
		{Entries: []Entry{
			{Platform: PlatformPowerPC, Bootable: true, SectorCount: 4, LoadRBA: 20},
			{Platform: PlatformX86, Bootable: true, SectorCount: 4, LoadRBA: 21, SectionID: "Languages", SelectionCriteria: bytes.Repeat([]byte{7}, 75)},
			{Platform: PlatformX86, Bootable: true, SectorCount: 4, LoadRBA: 22, SectionID: "Languages", SelectionCriteria: []byte{1, 2}},
		}},
	} {
		b, err := c.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b, b[:4*RecordSize])
	}
	for _, h := range []string{xorrisoBIOSEFI, xorrisoFloppy, xorrisoFive, xorrisoIDs, xorrisoHardDisk} {
		seeds = append(seeds, sector(mustHex(t, h)))
	}
	return seeds
}

// FuzzParse checks that Parse never panics and that whatever it accepts
// survives a Marshal/Parse round trip unchanged.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.Offset < 0 || pe.Offset > len(b) {
				t.Fatalf("error offset %d outside input of %d bytes", pe.Offset, len(b))
			}
			return
		}
		m, err := c.MarshalBinary()
		if errors.Is(err, ErrTooManyEntries) {
			return // Parse reads multi-sector catalogs, Marshal writes one sector
		}
		if err != nil {
			t.Fatalf("Marshal of parsed catalog %+v: %v", c, err)
		}
		c2, err := Parse(m)
		if err != nil {
			t.Fatalf("Parse(Marshal(Parse(b))): %v", err)
		}
		if !reflect.DeepEqual(c, c2) {
			t.Fatalf("round trip changed the catalog:\n  first %+v\n second %+v", c, c2)
		}
		m2, err := c2.MarshalBinary()
		if err != nil || !bytes.Equal(m, m2) {
			t.Fatalf("Marshal not stable: %v", err)
		}
	})
}

// TestRoundTripSeeds runs the round-trip invariant on valid catalogs without
// the fuzzing engine and checks deep equality against the source catalog.
func TestRoundTripSeeds(t *testing.T) {
	for i, s := range fuzzSeeds(t) {
		if len(s) != SectorSize {
			continue // truncated seeds exist to exercise error paths
		}
		c, err := Parse(s)
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		m, err := c.MarshalBinary()
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		if !bytes.Equal(m, s) {
			t.Errorf("seed %d: re-marshal differs", i)
		}
	}
}
