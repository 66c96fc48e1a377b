package cue

import (
	"bytes"
	"strings"
	"testing"

	"spindle/cd"
	"spindle/disc"
)

// A sheet and the disc model agree both ways: Disc then FromDisc gives
// back the same sheet, and the layout has the addresses CDRWIN's rules
// give (PREGAP adds sectors, INDEX 00 is stored pre-gap).
func TestDiscRoundTrip(t *testing.T) {
	const sheet = `CATALOG 0123456789012
FILE "disc.bin" MOTOROLA
  TRACK 01 MODE1/2352
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    FLAGS DCP PRE
    ISRC USABC9900001
    PREGAP 00:01:00
    INDEX 00 00:10:00
    INDEX 01 00:12:00
    INDEX 02 00:17:00
  TRACK 03 AUDIO
    INDEX 01 00:30:00
    POSTGAP 00:00:10
`
	s, err := Parse(strings.NewReader(sheet), "disc.cue")
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Disc(func(string) (int64, error) { return 35 * 75 * cd.RawSectorSize, nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	tr := l.Tracks()
	want := []struct {
		start        cd.LBA
		pregap, size cd.Frames
	}{{0, 0, 750}, {750 + 75 + 150, 75 + 150, 1500 - 150}, {750 + 75 + 1500, 0, 375 + 10}}
	for i, w := range want {
		if tr[i].Start != w.start || tr[i].Pregap != w.pregap || tr[i].Length != w.size {
			t.Errorf("track %d: start %d pregap %d length %d, want %d %d %d", i+1, tr[i].Start, tr[i].Pregap, tr[i].Length, w.start, w.pregap, w.size)
		}
	}
	if a := tr[1]; !a.Flags.Copy || !a.Flags.PreEmphasis || a.ISRC != "USABC9900001" || len(a.Indexes) != 1 ||
		a.Indexes[0].LBA != a.Start+375 || !a.Data[1].SwapBytes || a.Mode != disc.Audio {
		t.Errorf("track 2: %+v", a)
	}
	back, err := FromDisc(l)
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	s.Format(&a)
	back.Format(&b)
	if a.String() != b.String() {
		t.Errorf("round trip through the disc model differs:\n%s\nwant\n%s", b.String(), a.String())
	}
}

// A later session begins where it does on the disc: after the previous
// session's lead-out and its own lead-in, which the image leaves out
// (Orange Book lengths, or those of the REM lines disc dumpers write),
// and the round trip keeps the sheet.
func TestDiscSessions(t *testing.T) {
	size := func(string) (int64, error) { return 300 * cd.RawSectorSize, nil }
	cases := []struct {
		name, sheet string
		want        []cd.LBA // INDEX 01 of each track
	}{
		{"CD-Extra", "REM SESSION 01\nFILE \"x.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\nREM SESSION 02\n  TRACK 02 MODE1/2352\n    INDEX 01 00:03:00\n",
			[]cd.LBA{0, 225 + 11400}},
		{"stored pre-gap", "REM SESSION 01\nFILE \"x.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\nREM SESSION 02\n  TRACK 02 MODE1/2352\n    INDEX 00 00:01:00\n    INDEX 01 00:03:00\n",
			[]cd.LBA{0, 75 + 11400}},
		{"three sessions", "REM SESSION 01\nFILE \"x.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\nREM SESSION 02\n  TRACK 02 MODE1/2352\n    INDEX 01 00:01:00\n" +
			"REM SESSION 03\n  TRACK 03 MODE1/2352\n    INDEX 01 00:02:00\n",
			[]cd.LBA{0, 75 + 11400, 75 + 11400 + 75 + 6900}},
		{"Redump REM lines", "REM SESSION 01\nFILE \"x.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\nREM LEAD-OUT 00:30:00\nREM SESSION 02\nREM LEAD-IN 00:40:00\nREM PREGAP 00:03:00\n" +
			"  TRACK 02 MODE1/2352\n    INDEX 01 00:01:00\n",
			[]cd.LBA{0, 75 + 2250 + 3000 + 225}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse(strings.NewReader(c.sheet), "x.cue")
			if err != nil {
				t.Fatal(err)
			}
			l, err := s.Disc(size)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Validate(); err != nil {
				t.Fatal(err)
			}
			for i, tr := range l.Tracks() {
				if tr.Start != c.want[i] {
					t.Errorf("track %d starts at %d, want %d", tr.Number, tr.Start, c.want[i])
				}
			}
			if len(l.Sessions) > 1 {
				g := l.Geometry(1)
				if first := l.Sessions[1].Tracks[0]; g.ProgramStart > first.Start-cd.LBA(first.Pregap) || g.LeadOut != l.Sessions[1].LeadOut {
					t.Errorf("session 2: %+v", g)
				}
			}
			back, err := FromDisc(l)
			if err != nil {
				t.Fatal(err)
			}
			var a, b bytes.Buffer
			s.Format(&a)
			back.Format(&b)
			if c.name != "Redump REM lines" && a.String() != b.String() {
				t.Errorf("round trip:\n%s\nwant\n%s", b.String(), a.String())
			}
		})
	}
}

// An index after INDEX 01 may be in a later FILE than INDEX 01 (a track
// that runs over two files, as sheets of one file per track, or joined by
// hand, have it). Its time counts from the start of its own file.
func TestDiscIndexInLaterFile(t *testing.T) {
	const sheet = `FILE "a.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 01 00:10:00
FILE "b.bin" BINARY
    INDEX 02 00:00:00
    INDEX 03 00:01:00
  TRACK 03 AUDIO
    INDEX 01 00:05:00
`
	s, err := Parse(strings.NewReader(sheet), "span.cue")
	if err != nil {
		t.Fatal(err)
	}
	if errs := s.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	l, err := s.Disc(func(string) (int64, error) { return 16 * 75 * cd.RawSectorSize, nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	tr := l.Tracks()
	// Track 2: 450 sectors left in a.bin, then 375 of b.bin.
	if tr[1].Start != 750 || tr[1].Length != 450+375 {
		t.Errorf("track 2: start %d length %d, want 750 825", tr[1].Start, tr[1].Length)
	}
	want := []disc.Index{{Number: 2, LBA: 750 + 450}, {Number: 3, LBA: 750 + 450 + 75}}
	if len(tr[1].Indexes) != 2 || tr[1].Indexes[0] != want[0] || tr[1].Indexes[1] != want[1] {
		t.Errorf("track 2 indexes %+v, want %+v", tr[1].Indexes, want)
	}
	if tr[2].Start != 750+825 {
		t.Errorf("track 3 starts at %d, want %d", tr[2].Start, 750+825)
	}
}

// CDI/2352 and CDI/2336 tracks come back as such, and MODE2 ones as MODE2.
func TestDiscCDI(t *testing.T) {
	for _, mode := range []string{"CDI/2352", "CDI/2336", "MODE2/2352"} {
		sheet := "FILE \"d.bin\" BINARY\n  TRACK 01 " + mode + "\n    INDEX 01 00:00:00\n"
		s, err := Parse(strings.NewReader(sheet), "d.cue")
		if err != nil {
			t.Fatal(err)
		}
		l, err := s.Disc(func(string) (int64, error) { return 300 * 2352, nil })
		if err != nil {
			t.Fatal(err)
		}
		if l.Tracks()[0].CDI != strings.HasPrefix(mode, "CDI") {
			t.Errorf("%s: CDI = %v", mode, l.Tracks()[0].CDI)
		}
		back, err := FromDisc(l)
		if err != nil {
			t.Fatal(err)
		}
		if got := back.Tracks[0].Mode; string(got) != mode {
			t.Errorf("%s came back as %s", mode, got)
		}
	}
}
