package mmc

import (
	"errors"
	"reflect"
	"testing"

	"spindle/cd"
)

func TestParseDiscInfo(t *testing.T) {
	d, err := ParseDiscInfo(pad(vecDiscInfoQEMU, 2048))
	if err != nil {
		t.Fatal(err)
	}
	want := &DiscInfo{LastSession: SessionComplete, Status: DiscComplete, FirstTrack: 1, Sessions: 1, FirstTrackInLast: 1, LastTrackInLast: 1}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("got %+v\nwant %+v", d, want)
	}
	if _, ok := d.CDLastLeadOut(); ok {
		t.Error("00:00:00 taken as a lead-out address")
	}
	if s := d.String(); s != "disc complete, last session complete, 1 sessions, tracks 1..1" {
		t.Errorf("String = %q", s)
	}

	d, err = ParseDiscInfo(vecDiscInfoRW)
	if err != nil {
		t.Fatal(err)
	}
	want = &DiscInfo{Erasable: true, LastSession: SessionEmpty, Status: DiscIncomplete, FirstTrack: 1, Sessions: 2,
		FirstTrackInLast: 3, LastTrackInLast: 3, URU: true, LastSessionLeadIn: 0x00042D19, LastLeadOut: 0x004F3B4A}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("got %+v\nwant %+v", d, want)
	}
	if l, ok := d.CDLeadIn(); !ok || l != 21250 {
		t.Errorf("CDLeadIn = %d, %v", l, ok)
	}
	if l, ok := d.CDLastLeadOut(); !ok || l != 359849 {
		t.Errorf("CDLastLeadOut = %d, %v", l, ok)
	}
	d.LastLeadOut = 0xFFFFFFFF
	if _, ok := d.CDLastLeadOut(); ok {
		t.Error("FFFFFFFFh is no address")
	}

	// Sessions and tracks above 255 use the MSB bytes 9..11.
	big := append([]byte(nil), vecDiscInfoRW...)
	big[9], big[10], big[11] = 1, 1, 1
	if d, _ := ParseDiscInfo(big); d.Sessions != 258 || d.FirstTrackInLast != 259 || d.LastTrackInLast != 259 {
		t.Errorf("MSB bytes: %+v", d)
	}
	for s, want := range map[DiscStatus]string{DiscEmpty: "empty", DiscIncomplete: "incomplete", DiscComplete: "complete", DiscOther: "other"} {
		if s.String() != want {
			t.Errorf("%d: %s", s, s)
		}
	}
	if SessionDamaged.String() != "damaged" {
		t.Error(SessionDamaged.String())
	}
}

func TestParseTrackInfo(t *testing.T) {
	ti, err := ParseTrackInfo(pad(vecTrackInfo, 2048))
	if err != nil {
		t.Fatal(err)
	}
	want := &TrackInfo{Track: 3, Session: 2, TrackMode: 7, Blank: true, DataMode: 1, NWAValid: true,
		Start: 21400, NextWritable: 21400, FreeBlocks: 338449, Size: 338449}
	if !reflect.DeepEqual(ti, want) {
		t.Errorf("got %+v\nwant %+v", ti, want)
	}
	// An MMC-1 drive's 28-byte block: what is there is decoded.
	short := append([]byte{0, 26}, vecTrackInfo[2:28]...)
	if ti, err := ParseTrackInfo(short); err != nil || ti.Size != 338449 || ti.LastRecorded != 0 {
		t.Errorf("short: %+v, %v", ti, err)
	}
	// A recorded track of a DVD: damage, copy, reserved, packet, fixed,
	// LRA valid, track and session MSB, layer jump addresses.
	full := hexb(`002E 05 01 00 34 B2 02
		00000100 FFFFFFFF 00000000 00000010 00001000 000010FF
		01 02 0000 00000100 00002000 00003000`)
	ti, err = ParseTrackInfo(full)
	if err != nil {
		t.Fatal(err)
	}
	want = &TrackInfo{Track: 0x105, Session: 0x201, Damage: true, Copy: true, TrackMode: 4, RT: true, Packet: true,
		FixedPacket: true, DataMode: 2, LRAValid: true, Start: 0x100, NextWritable: -1, PacketSize: 16, Size: 0x1000,
		LastRecorded: 0x10FF, ReadCompatLBA: 0x100, NextLayerJump: 0x2000, LastLayerJump: 0x3000}
	if !reflect.DeepEqual(ti, want) {
		t.Errorf("got %+v\nwant %+v", ti, want)
	}
}

func TestParseConfiguration(t *testing.T) {
	c, err := ParseConfiguration(pad(vecConfig, 2048))
	if err != nil {
		t.Fatal(err)
	}
	if c.CurrentProfile != ProfileCDROM || c.CurrentProfile.String() != "CD-ROM" {
		t.Errorf("current profile %v", c.CurrentProfile)
	}
	want := []FeatureDescriptor{
		{Code: FeatureProfileList, Persistent: true, Current: true, Data: hexb("0010 00 00 0008 01 00")},
		{Code: FeatureCore, Version: 2, Persistent: true, Current: true, Data: hexb("00000001 00 000000")},
		{Code: FeatureRemovableMedium, Persistent: true, Current: true, Data: hexb("29 000000")},
	}
	if !reflect.DeepEqual(c.Features, want) {
		t.Errorf("features %+v\nwant %+v", c.Features, want)
	}
	wantP := []ProfileDescriptor{{Profile: ProfileDVDROM}, {Profile: ProfileCDROM, Current: true}}
	if p := c.Profiles(); !reflect.DeepEqual(p, wantP) {
		t.Errorf("profiles %+v", p)
	}
	if _, ok := c.Feature(FeatureCDRead); ok {
		t.Error("feature 001Eh reported present")
	}
	if (&Configuration{}).Profiles() != nil {
		t.Error("profiles without feature 0000h")
	}
	// No medium: just the header.
	if c, err := ParseConfiguration(hexb("00000004 0000 0000")); err != nil || c.CurrentProfile != ProfileNone || len(c.Features) != 0 {
		t.Errorf("header only: %+v, %v", c, err)
	}
	// A data length beyond 16 MiB is nonsense, not an allocation.
	if _, err := ParseConfiguration(hexb("7FFFFFFF 0000 0000")); !errors.Is(err, ErrFormat) {
		t.Errorf("huge length: %v", err)
	}
}

func TestProfileNames(t *testing.T) {
	for p, want := range map[Profile]string{
		0x0008: "CD-ROM", 0x0009: "CD-R", 0x000A: "CD-RW", 0x0010: "DVD-ROM", 0x0011: "DVD-R sequential recording",
		0x0012: "DVD-RAM", 0x0013: "DVD-RW restricted overwrite", 0x0014: "DVD-RW sequential recording",
		0x001A: "DVD+RW", 0x001B: "DVD+R", 0x002B: "DVD+R DL", 0x0040: "BD-ROM", 0x0041: "BD-R sequential recording",
		0x0042: "BD-R random recording", 0x0043: "BD-RE", 0x1234: "profile 1234h",
	} {
		if p.String() != want {
			t.Errorf("%04x: %q, want %q", uint16(p), p.String(), want)
		}
	}
}

func TestParseCapacity(t *testing.T) {
	c, err := ParseCapacity(pad(vecCapacity, 64))
	if err != nil || c != (Capacity{LastLBA: 1649, BlockSize: 2048}) || c.Blocks() != 1650 {
		t.Errorf("%+v, %v", c, err)
	}
	// A blank disc reports last LBA −1 on some drives: zero blocks.
	if c, err := ParseCapacity(hexb("FFFFFFFF 00000800")); err != nil || c.Blocks() != 0 {
		t.Errorf("blank: %+v, %v", c, err)
	}
}

func TestReadCDOptions(t *testing.T) {
	if _, err := ReadCD(0, 1<<24, RawSector); !errors.Is(err, ErrArgument) {
		t.Errorf("25-bit count: %v", err)
	}
	for _, o := range []ReadCDOptions{{Type: 6}, {Headers: 4}, {C2: 3}, {Sub: 3}, {Sub: 5}} {
		if _, err := ReadCD(0, 1, o); !errors.Is(err, ErrArgument) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	cases := []struct {
		name string
		o    ReadCDOptions
		t    SectorType
		n    int
		ok   bool
	}{
		{"raw any", RawSector, SectorAny, cd.RawSectorSize, true},
		{"raw form 1", RawSector, SectorMode2Form1, cd.RawSectorSize, true},
		{"raw form 2", RawSector, SectorMode2Form2, cd.RawSectorSize, true},
		{"raw + C2 + P-W", ReadCDOptions{Sync: true, Headers: HeaderAll, UserData: true, EDCECC: true, C2: C2Bits, Sub: SubRaw}, SectorAny, 2352 + 294 + 96, true},
		{"audio + C2 block + Q", ReadCDOptions{UserData: true, C2: C2BitsAndBlk, Sub: SubQ}, SectorCDDA, 2352 + 296 + 16, true},
		{"mode 1 user", ReadCDOptions{UserData: true}, SectorMode1, 2048, true},
		{"mode 1 header+user+edc", ReadCDOptions{Headers: HeaderOnly, UserData: true, EDCECC: true}, SectorMode1, 4 + 2048 + 288, true},
		{"mode 2 user", ReadCDOptions{UserData: true}, SectorMode2, 2336, true},
		{"form 1 subheader+user", ReadCDOptions{Headers: SubheaderOnly, UserData: true}, SectorMode2Form1, 8 + 2048, true},
		{"form 2 user", ReadCDOptions{UserData: true}, SectorMode2Form2, 2324, true},
		{"sub only", ReadCDOptions{Sub: SubRW}, SectorAny, 96, true},
		{"any user", ReadCDOptions{UserData: true}, SectorAny, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, ok := c.o.SectorBytes(c.t)
			if n != c.n || ok != c.ok {
				t.Errorf("got %d, %v; want %d, %v", n, ok, c.n, c.ok)
			}
		})
	}
}

func TestParseCapabilities(t *testing.T) {
	c, err := ParseCapabilities(pad(vecCaps, 1024))
	if err != nil {
		t.Fatal(err)
	}
	want := &Capabilities{ReadCDR: true, ReadCDRW: true, ReadDVDROM: true, ReadDVDR: true, ReadDVDRAM: true,
		AudioPlay: true, Mode2Form1: true, Mode2Form2: true, MultiSession: true,
		CDDACommands: true, CDDAAccurate: true, Lock: true, Eject: true, LoadingMechanism: 1,
		SeparateVolume: true, SeparateMute: true,
		MaxReadSpeed: 7056, VolumeLevels: 256, BufferKB: 512, CurrentReadSpeed: 7056}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v\nwant %+v", c, want)
	}

	c, err = ParseCapabilities(vecCapsWriter)
	if err != nil {
		t.Fatal(err)
	}
	if !c.WriteCDR || !c.WriteCDRW || !c.TestWrite || !c.WriteDVDR || !c.WriteDVDRAM || !c.BufferUnderrunProtection ||
		!c.C2Pointers || !c.UPC || c.ReadBarCode || c.BufferKB != 2048 || c.MaxWriteSpeed != 7056 || c.SelectedWriteSpeed != 7056 {
		t.Errorf("writer: %+v", c)
	}
	if wantW := []WriteSpeed{{0, 7056}, {1, 2824}}; !reflect.DeepEqual(c.WriteSpeeds, wantW) {
		t.Errorf("write speeds %+v", c.WriteSpeeds)
	}
	// A descriptor count beyond the page is bounded by the page length.
	lying := append([]byte(nil), vecCapsWriter...)
	lying[16+31] = 0xFF
	if c, err := ParseCapabilities(lying); err != nil || len(c.WriteSpeeds) != 2 {
		t.Errorf("lying count: %v, %v", c, err)
	}
	if _, err := ModePage(vecCaps, 0x05); !errors.Is(err, ErrFormat) {
		t.Errorf("absent page: %v", err)
	}
}

func TestMultiSession(t *testing.T) {
	si, _ := ParseSessionInfo(vecSessionInfo, false)
	ti, _ := ParseTrackInfo(vecTrackInfo)
	ti.NextWritable = 32800
	m, err := MultiSession(si, ti)
	if err != nil || m.String() != "21400,32800" || m.Free != 338449 {
		t.Errorf("%v, %v", m, err)
	}
	if m, err := MultiSession(nil, ti); err != nil || m.String() != "0,32800" {
		t.Errorf("blank: %v, %v", m, err)
	}
	ti.NWAValid = false
	if _, err := MultiSession(si, ti); !errors.Is(err, ErrNotAppendable) {
		t.Errorf("closed: %v", err)
	}
	ti.NWAValid, ti.NextWritable = true, 100
	if _, err := MultiSession(si, ti); !errors.Is(err, ErrFormat) {
		t.Errorf("backwards: %v", err)
	}
}
