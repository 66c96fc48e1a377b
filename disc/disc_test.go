package disc

import (
	"errors"
	"strings"
	"testing"

	"spindle/cd"
)

// cdExtra is a CD-Extra disc: two audio tracks in session 1, a data
// track in session 2 after the lead-out and lead-in between sessions.
func cdExtra() *Layout {
	return &Layout{
		MCN: "0123456789012",
		Sessions: []Session{
			{Number: 1, LeadOut: 30000, Tracks: []Track{
				{Number: 1, Mode: Audio, Pregap: 150, Start: 0, Length: 15000, ISRC: "USABC9900001"},
				{Number: 2, Mode: Audio, Pregap: 150, Start: 15150, Length: 14850, Flags: Flags{PreEmphasis: true},
					Indexes: []Index{{Number: 2, LBA: 20000}}},
			}},
			{Number: 2, LeadOut: 45000, Tracks: []Track{
				{Number: 3, Mode: Mode2Form1, Pregap: 150, Start: 41400, Length: 3600},
			}},
		},
	}
}

func TestValidate(t *testing.T) {
	if err := cdExtra().Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		change func(l *Layout)
		want   string
	}{
		{"mcn", func(l *Layout) { l.MCN = "12ab" }, "catalog number"},
		{"number gap", func(l *Layout) { l.Sessions[1].Tracks[0].Number = 5 }, "track 5 follows track 2"},
		{"overlap", func(l *Layout) { l.Sessions[0].Tracks[1].Start = 14000 }, "before the previous track ends"},
		{"index outside", func(l *Layout) { l.Sessions[0].Tracks[1].Indexes[0].LBA = 40000 }, "index 2"},
		{"isrc", func(l *Layout) { l.Sessions[0].Tracks[0].ISRC = "US-ABC-99-00001" }, "ISRC"},
		{"session number", func(l *Layout) { l.Sessions[1].Number = 3 }, "session 2 is numbered 3"},
		{"lead-out", func(l *Layout) { l.Sessions[0].LeadOut = 100 }, "lead-out"},
		{"too much data", func(l *Layout) {
			l.Sessions[1].Tracks[0].Data = []Segment{{File: "x.bin", Sectors: 10000, SectorSize: 2352}}
		}, "sectors stored"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := cdExtra()
			c.change(l)
			err := l.Validate()
			if !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an ErrLayout mentioning %q", err, c.want)
			}
		})
	}
}

func TestLookups(t *testing.T) {
	l := cdExtra()
	if n := len(l.Tracks()); n != 3 {
		t.Fatalf("%d tracks", n)
	}
	tr := l.Track(3)
	if tr == nil || tr.End() != 45000 || !tr.Mode.IsData() || tr.Mode.UserSize() != cd.DataSectorSize {
		t.Errorf("track 3: %+v", tr)
	}
	if l.Track(4) != nil {
		t.Error("track 4 found")
	}
	if Audio.UserSize() != cd.RawSectorSize || Mode2.UserSize() != cd.Mode2SectorSize || Mode2Form2.UserSize() != 2324 {
		t.Error("user sizes")
	}
	if Mode2Mixed.String() != "mode2-mixed" || Mode(42).String() != "mode(42)" {
		t.Error("mode names")
	}
	s := Segment{File: "a.bin", Sectors: 10, SectorSize: 2352 + 96, SubChannel: 96}
	if s.Bytes() != 10*2448 {
		t.Errorf("segment bytes %d", s.Bytes())
	}
	if !(Text{}).IsZero() || (Text{Title: "x"}).IsZero() {
		t.Error("Text.IsZero")
	}
}
