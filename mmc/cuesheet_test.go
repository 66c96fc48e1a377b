package mmc

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"spindle/cd"
	"spindle/disc"
)

// audioLayout is a three-track audio CD with a catalog number: track 1
// with the usual two-second pre-gap, track 2 copy-permitted with an ISRC,
// a pre-gap and an index 2, track 3 with pre-emphasis and no pre-gap.
func audioLayout() *disc.Layout {
	return &disc.Layout{MCN: "0123456789012", Sessions: []disc.Session{{Number: 1, LeadOut: 45150, Tracks: []disc.Track{
		{Number: 1, Mode: disc.Audio, Pregap: 150, Start: 0, Length: 15000},
		{Number: 2, Mode: disc.Audio, Flags: disc.Flags{Copy: true}, ISRC: "USABC9900001", Pregap: 150, Start: 15150, Length: 20000,
			Indexes: []disc.Index{{Number: 2, LBA: 20000}}},
		{Number: 3, Mode: disc.Audio, Flags: disc.Flags{PreEmphasis: true}, Start: 35150, Length: 10000},
	}}}}
}

// vecAudioCue is the cue sheet of audioLayout, entry by entry as MMC-6
// SEND CUE SHEET lays it out (CTL/ADR, TNO, INDEX, DATA FORM, SCMS, MIN,
// SEC, FRAME) and as cdrdao and cdrecord build it: the MCN in two ADR 2
// entries before the lead-in; the lead-in (TNO 0, CD-DA generated 01h);
// the ISRC of track 2 in two ADR 3 entries before its pre-gap; binary
// track numbers and times; the lead-out (TNO AAh, index 1) at 10:04:00.
var vecAudioCue = hexb(`
	02 30 31 32 33 34 35 36
	02 37 38 39 30 31 32 00
	01 00 00 01 00 00 00 00
	01 01 00 00 00 00 00 00
	01 01 01 00 00 00 02 00
	23 02 55 53 41 42 43 39
	23 02 39 30 30 30 30 31
	21 02 00 00 00 03 16 00
	21 02 01 00 00 03 18 00
	21 02 02 00 00 04 1c 32
	11 03 01 00 00 07 32 32
	01 aa 01 01 00 0a 04 00`)

// vecDataCue is the cue sheet of a one-track Mode 1 CD of 1650 blocks, as
// the libburn cookbook and cdrdao give it: CTL 4, lead-in and lead-out in
// the generated Mode 1 form 14h, the track in form 10h.
var vecDataCue = hexb(`
	41 00 00 14 00 00 00 00
	41 01 00 10 00 00 00 00
	41 01 01 10 00 00 02 00
	41 aa 01 14 00 00 18 00`)

func dataLayout() *disc.Layout {
	return &disc.Layout{Sessions: []disc.Session{{Number: 1, LeadOut: 1650, Tracks: []disc.Track{
		{Number: 1, Mode: disc.Mode1, Start: 0, Length: 1650},
	}}}}
}

func TestNewCueSheet(t *testing.T) {
	for _, c := range []struct {
		name string
		l    *disc.Layout
		want []byte
	}{
		{"audio", audioLayout(), vecAudioCue},
		{"data", dataLayout(), vecDataCue},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewCueSheet(c.l, 1, CueOptions{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(b, c.want) {
				t.Errorf("got\n% x\nwant\n% x", b, c.want)
			}
			p, err := ParseCueSheet(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p, s) {
				t.Errorf("parsed %+v\nwant %+v", p, s)
			}
			if err := p.Validate(); err != nil {
				t.Error(err)
			}
			l, err := p.Layout()
			if err != nil {
				t.Fatal(err)
			}
			want := c.l
			want.Sessions[0].Tracks[0].Pregap = 150 // the program area's pause
			if !reflect.DeepEqual(l, want) {
				t.Errorf("Layout:\ngot  %+v\nwant %+v", l, want)
			}
		})
	}
	s, _ := ParseCueSheet(vecAudioCue)
	if s.MCN() != "0123456789012" || s.ISRC(2) != "USABC9900001" || s.ISRC(1) != "" {
		t.Errorf("MCN %q, ISRC %q %q", s.MCN(), s.ISRC(2), s.ISRC(1))
	}
}

func TestNewCueSheetOptions(t *testing.T) {
	// An XA data track sent raw with raw P–W sub-channel, an audio
	// track after it; CD-TEXT in the lead-in from the ATIP's lead-in
	// start 97:26:65 (LBA −11635).
	l := &disc.Layout{Sessions: []disc.Session{{Number: 1, Tracks: []disc.Track{
		{Number: 1, Mode: disc.Mode2Form1, Start: 0, Length: 3000},
		{Number: 2, Mode: disc.Audio, Flags: disc.Flags{FourChannel: true, Copy: true}, Pregap: 225, Start: 3225, Length: 1500},
	}}}}
	s, err := NewCueSheet(l, 1, CueOptions{Raw: true, Sub: CueSubRaw, CDText: true, LeadIn: -11635})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Marshal()
	want := hexb(`
		41 00 00 64 00 61 1a 41
		41 01 00 61 00 00 00 00
		41 01 01 61 00 00 02 00
		a1 02 00 40 00 00 2a 00
		a1 02 01 40 00 00 2d 00
		01 aa 01 01 00 01 05 00`)
	if !reflect.DeepEqual(b, want) {
		t.Errorf("got\n% x\nwant\n% x", b, want)
	}
	if l2, err := s.Layout(); err != nil || l2.Sessions[0].Tracks[0].Mode != disc.Mode2Mixed || l2.Sessions[0].Tracks[1].Pregap != 225 ||
		!l2.Sessions[0].Tracks[1].Flags.FourChannel || l2.Sessions[0].LeadOut != 4725 {
		t.Errorf("Layout: %+v, %v", l2, err)
	}

	// The second session of a multi-session disc, a Mode 2 track at
	// 21400 without a pre-gap in the layout: it gets two seconds.
	l = &disc.Layout{Sessions: []disc.Session{
		{Number: 1, LeadOut: 10000, Tracks: []disc.Track{{Number: 1, Mode: disc.Mode1, Start: 0, Length: 10000}}},
		{Number: 2, LeadOut: 25000, Tracks: []disc.Track{{Number: 2, Mode: disc.Mode2, Start: 21400, Length: 3600}}},
	}}
	s, err = NewCueSheet(l, 2, CueOptions{Sub: CueSubPacked})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = s.Marshal()
	want = hexb(`
		41 00 00 34 00 00 00 00
		41 02 00 f0 00 04 2d 19
		41 02 01 f0 00 04 2f 19
		41 aa 01 34 00 05 23 19`)
	if !reflect.DeepEqual(b, want) {
		t.Errorf("session 2: got\n% x\nwant\n% x", b, want)
	}
	if l2, err := s.Layout(); err != nil || l2.Sessions[0].Tracks[0].Mode != disc.Mode2 || l2.Sessions[0].Tracks[0].Pregap != 150 {
		t.Errorf("session 2 Layout: %+v, %v", l2, err)
	}

	errs := map[string]error{}
	_, errs["no session"] = NewCueSheet(dataLayout(), 2, CueOptions{})
	_, errs["sub form"] = NewCueSheet(dataLayout(), 1, CueOptions{Sub: 0x80})
	mode0 := dataLayout()
	mode0.Sessions[0].Tracks[0].Mode = disc.Mode0
	_, errs["mode 0"] = NewCueSheet(mode0, 1, CueOptions{})
	neg := dataLayout()
	neg.Sessions[0].Tracks[0].Start, neg.Sessions[0].LeadOut = -10, 1640
	_, errs["negative start"] = NewCueSheet(neg, 1, CueOptions{})
	early := dataLayout()
	early.Sessions[0].Tracks[0].Pregap = 200
	_, errs["pre-gap before 00:00:00"] = NewCueSheet(early, 1, CueOptions{})
	_, errs["lead-in"] = NewCueSheet(dataLayout(), 1, CueOptions{LeadIn: -50000})
	long := dataLayout()
	long.Sessions[0].Tracks[0].Length, long.Sessions[0].LeadOut = 90*cd.FramesPerMinute, 90*cd.FramesPerMinute
	_, errs["beyond 90 minutes"] = NewCueSheet(long, 1, CueOptions{})
	for name, err := range errs {
		if !errors.Is(err, ErrArgument) {
			t.Errorf("%s: %v, want ErrArgument", name, err)
		}
	}
	bad := dataLayout()
	bad.MCN = "12"
	if _, err := NewCueSheet(bad, 1, CueOptions{}); !errors.Is(err, disc.ErrLayout) {
		t.Errorf("invalid layout: %v", err)
	}
}

func TestDataFormHostBytes(t *testing.T) {
	want := map[DataForm]int{
		0x00: 2352, 0x01: 0, 0x10: 2048, 0x11: 2352, 0x12: 2048, 0x13: 2352, 0x14: 0,
		0x20: 2336, 0x21: 2352, 0x22: 2336, 0x23: 2352, 0x24: 0, 0x30: 2336, 0x31: 2352, 0x32: 2336, 0x33: 2352, 0x34: 0,
	}
	for f := DataForm(0); f < 0x40; f++ {
		for _, sub := range []DataForm{0, CueSubRaw, 0x80, CueSubPacked} {
			n, ok := (f | sub).HostBytes()
			w, defined := want[f]
			if sub == 0x80 {
				defined = false
			}
			if sub != 0 && defined {
				w += 96
			}
			if ok != defined || ok && n != w {
				t.Errorf("form %02Xh: %d, %v; want %d, %v", uint8(f|sub), n, ok, w, defined)
			}
		}
	}
	if FormXARaw.generated() != FormXAGenerated || (FormCDDA|CueSubRaw).generated() != FormCDDAGenerated {
		t.Error("generated forms")
	}
}

func TestParseCueSheetErrors(t *testing.T) {
	entry := func(s string) []byte { return append(append([]byte(nil), vecDataCue[:8]...), hexb(s)...) }
	cases := []struct {
		name string
		b    []byte
		off  int
	}{
		{"partial entry", vecDataCue[:12], 8},
		{"ADR 4", entry("44 01 01 10 00 00 02 00"), 8},
		{"track 100", entry("41 64 01 10 00 00 02 00"), 9},
		{"index 100", entry("41 01 64 10 00 00 02 00"), 10},
		{"data form 05h", entry("41 01 01 05 00 00 02 00"), 11},
		{"data form 15h", entry("41 01 01 15 00 00 02 00"), 11},
		{"sub-channel 10b", entry("41 01 01 90 00 00 02 00"), 11},
		{"SCMS reserved bits", entry("41 01 01 10 40 00 02 00"), 12},
		{"seconds 60", entry("41 01 01 10 00 00 3c 00"), 13},
		{"minutes 100", entry("41 01 01 10 00 64 00 00"), 13},
		{"MCN letter", entry("02 31 32 33 41 35 36 37"), 9},
		{"MCN empty", entry("02 00 00 00 00 00 00 00"), 9},
		{"ISRC lower case", entry("03 01 75 53 41 42 43 39"), 10},
		{"ISRC track 0", entry("03 00 55 53 41 42 43 39"), 9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseCueSheet(c.b)
			var fe *FormatError
			if !errors.Is(err, ErrFormat) || !errors.As(err, &fe) || fe.Offset != c.off {
				t.Errorf("got %v, want ErrFormat at byte %d", err, c.off)
			}
		})
	}
	if s, err := ParseCueSheet(nil); err != nil || len(s) != 0 {
		t.Errorf("empty: %v, %v", s, err)
	}
	if _, err := ParseCueSheet(make([]byte, 8*(maxCueEntries+1))); !errors.Is(err, ErrFormat) {
		t.Errorf("too many entries: %v", err)
	}
}

func TestCueSheetValidate(t *testing.T) {
	good, err := ParseCueSheet(vecAudioCue)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(s CueSheet) CueSheet) CueSheet {
		return f(append(CueSheet(nil), good...))
	}
	cases := []struct {
		name string
		s    CueSheet
		off  int
		msg  string
	}{
		{"empty", CueSheet{}, 0, "no lead-in"},
		{"MCN alone", edit(func(s CueSheet) CueSheet { return append(s[:1:1], s[2:]...) }), 0, "catalog number"},
		{"MCN only", edit(func(s CueSheet) CueSheet { return s[:2] }), 16, "no lead-in"},
		{"MCN after lead-in", edit(func(s CueSheet) CueSheet { return append(CueSheet{s[2], s[0]}, s[3:]...) }), 8, "after the lead-in"},
		{"no lead-in", edit(func(s CueSheet) CueSheet { return append(s[:2:2], s[3:]...) }), 16, "not the lead-in"},
		{"no lead-out", edit(func(s CueSheet) CueSheet { return s[:len(s)-1] }), 88, "no lead-out"},
		{"lead-out not last", edit(func(s CueSheet) CueSheet { return append(s, s[len(s)-1]) }), 96, "after the lead-out"},
		{"lead-out index 0", edit(func(s CueSheet) CueSheet { s[11].Index = 0; return s }), 90, "lead-out index"},
		{"lead-out first", edit(func(s CueSheet) CueSheet { return append(s[:3:3], s[11]) }), 24, "before any track"},
		{"track 0", edit(func(s CueSheet) CueSheet { s[4].Track = 0; return s }), 33, "track number 0"},
		{"track skipped", edit(func(s CueSheet) CueSheet { s[10].Track = 4; return s }), 81, "follows track"},
		{"index skipped", edit(func(s CueSheet) CueSheet { s[9].Index = 3; return s }), 74, "index 3 follows"},
		{"starts at index 2", edit(func(s CueSheet) CueSheet { s[10].Index = 2; return s }), 82, "starts with index"},
		{"no index 1", edit(func(s CueSheet) CueSheet { return append(s[:8:8], s[10:]...) }), 64, "no index 1"},
		{"no index 1 before lead-out", edit(func(s CueSheet) CueSheet {
			s[10].Index = 0
			return s
		}), 88, "no index 1"},
		{"time backwards", edit(func(s CueSheet) CueSheet { s[9].Time = cd.MSF{M: 3, S: 18}; return s }), 77, "does not follow"},
		{"time repeated", edit(func(s CueSheet) CueSheet { s[9].Time = s[8].Time; return s }), 77, "does not follow"},
		{"pre-gap at the previous index", edit(func(s CueSheet) CueSheet { s[7].Time = s[4].Time; return s }), 61, "does not follow"},
		{"ISRC alone", edit(func(s CueSheet) CueSheet { return append(s[:6:6], s[7:]...) }), 40, "two ADR 3 entries"},
		{"ISRC of another track", edit(func(s CueSheet) CueSheet { s[5].Track, s[6].Track = 3, 3; return s }), 40, "not followed"},
		{"ISRC invalid", edit(func(s CueSheet) CueSheet { s[6].Text = "9A0001"; return s }), 40, "two ADR 3 entries"},
		{"ISRC last", edit(func(s CueSheet) CueSheet { return append(s[:10:10], s[5], s[6]) }), 80, "two ADR 3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.s.Validate()
			var fe *FormatError
			if !errors.Is(err, ErrFormat) || !errors.As(err, &fe) || fe.Offset != c.off || !strings.Contains(fe.Msg, c.msg) {
				t.Errorf("got %v, want ErrFormat at byte %d about %q", err, c.off, c.msg)
			}
			if _, err := c.s.Layout(); err == nil {
				t.Error("Layout accepted an invalid cue sheet")
			}
		})
	}
	// cdrecord's form: an index 0 entry for every track, of no length
	// when the track has no pre-gap, and ISRC entries with CTL 0.
	cdrecord := hexb(`
		01 00 00 01 00 00 00 00
		01 01 00 00 00 00 00 00
		01 01 01 00 00 00 02 00
		03 02 55 53 41 42 43 39
		03 02 39 30 30 30 30 31
		01 02 00 00 80 03 18 00
		01 02 01 00 80 03 18 00
		01 aa 01 01 00 07 32 32`)
	cs, err := ParseCueSheet(cdrecord)
	if err != nil {
		t.Fatal(err)
	}
	l, err := cs.Layout()
	if err != nil {
		t.Fatal(err)
	}
	if tr := l.Sessions[0].Tracks; len(tr) != 2 || tr[0].Length != 15150 || tr[1].Pregap != 0 || tr[1].Start != 15150 || tr[1].ISRC != "USABC9900001" || !cs[5].SCMS {
		t.Errorf("cdrecord cue sheet: %+v", l)
	}
	// The lead-in of a CD-TEXT cue sheet, at 97:26:65, precedes 00:00:00.
	lead := edit(func(s CueSheet) CueSheet { s[2].Time = cd.MSF{M: 97, S: 26, F: 65}; return s })
	if err := lead.Validate(); err != nil {
		t.Error(err)
	}
}

func TestCueSheetMarshalErrors(t *testing.T) {
	bad := map[string]CueEntry{
		"control":   {Control: 16, ADR: 1},
		"ADR 0":     {ADR: 0},
		"time":      {ADR: 1, Time: cd.MSF{S: 60}},
		"form":      {ADR: 1, Form: 0x05},
		"MCN text":  {ADR: 2, Text: "12345678"},
		"MCN empty": {ADR: 2},
		"ISRC text": {ADR: 3, Track: 1, Text: "USABC"},
	}
	for name, e := range bad {
		if _, err := (CueSheet{e}).Marshal(); !errors.Is(err, ErrArgument) {
			t.Errorf("%s: %v, want ErrArgument", name, err)
		}
	}
	if _, err := make(CueSheet, maxCueEntries+1).Marshal(); !errors.Is(err, ErrArgument) {
		t.Errorf("too many entries: %v", err)
	}
}
