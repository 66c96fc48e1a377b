package cue

import (
	"bytes"
	"strings"
	"testing"

	"spindle/cd"
)

func TestFormatCanonical(t *testing.T) {
	in := `rem GENRE Rock
performer "The Band"
title   "Live"
catalog 0123456789012
CDTEXTFILE disc.cdt
REM SESSION 1
file "one two.bin" binary
REM made by hand
track 1 mode1/2352
  index 1 0:0:0
  REM data ends
track 2 audio
  title "Song"
  flags pre dcp
  isrc GBAYE6800011
  pregap 00:02:00
  index 0 00:30:00
  rem between
  index 1 00:32:00
  index 2 00:40:00
  postgap 0:1:0
rem session 02
FILE "two.bin" BINARY
  TRACK 3 MODE2/2352
  INDEX 1 00:00:00
  TRACK 4 AUDIO
  INDEX 0 00:10:00
FILE "three.bin" BINARY
  INDEX 1 00:00:00
FILE "empty.bin" BINARY
`
	want := `CATALOG 0123456789012
CDTEXTFILE "disc.cdt"
TITLE "Live"
PERFORMER "The Band"
REM GENRE Rock
REM SESSION 01
FILE "one two.bin" BINARY
  REM made by hand
  TRACK 01 MODE1/2352
    INDEX 01 00:00:00
    REM data ends
  TRACK 02 AUDIO
    FLAGS DCP PRE
    ISRC GBAYE6800011
    TITLE "Song"
    PREGAP 00:02:00
    INDEX 00 00:30:00
    REM between
    INDEX 01 00:32:00
    INDEX 02 00:40:00
    POSTGAP 00:01:00
REM SESSION 02
FILE "two.bin" BINARY
  TRACK 03 MODE2/2352
    INDEX 01 00:00:00
  TRACK 04 AUDIO
    INDEX 00 00:10:00
FILE "three.bin" BINARY
    INDEX 01 00:00:00
FILE "empty.bin" BINARY
`
	s := mustParse(t, in)
	out := roundTrip(t, Options{}, s)
	if string(out) != want {
		t.Errorf("Format:\n%s\nwant:\n%s", out, want)
	}
}

func TestFormatBuilt(t *testing.T) {
	s := &Sheet{
		Text:  CDText{Title: `He said "hi"`},
		Files: []File{{Name: "a.bin", Type: Binary}},
		Tracks: []Track{{Number: 1, Mode: Audio, Pregap: 2 * cd.FramesPerSecond,
			Indexes: []Index{{Number: 1}}, Rems: []Rem{{Text: "late", After: 5}}}},
		CRLF: true,
	}
	var b bytes.Buffer
	// Quotes and blanks: written between quotes as they are, as Exact
	// Audio Copy writes them; lenient parsing reads them back.
	for _, title := range []string{`He said "hi"`, `"Quoted"`, `12" Mix`, `"`} {
		s.Text.Title = title
		b.Reset()
		if err := s.Format(&b); err != nil {
			t.Fatalf("%q: %v", title, err)
		}
		if line, _, _ := strings.Cut(b.String(), "\r\n"); line != `TITLE "`+title+`"` {
			t.Errorf("%q written as %s", title, line)
		}
		back, err := Options{Lenient: true}.Parse(bytes.NewReader(b.Bytes()), "q.cue")
		if err != nil || back.Text.Title != title {
			t.Errorf("%q read back as %+v, %v", title, back, err)
		}
	}
	s.Text.Title = "a\nb"
	if err := s.Format(&b); err == nil {
		t.Fatal("Format wrote a title with a line break")
	}
	s.Text.Title = `say"hi"`
	b.Reset()
	if err := s.Format(&b); err != nil {
		t.Fatal(err)
	}
	want := "TITLE say\"hi\"\r\nFILE \"a.bin\" BINARY\r\n  TRACK 01 AUDIO\r\n    PREGAP 00:02:00\r\n    INDEX 01 00:00:00\r\n    REM late\r\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}

	s.Encoding = Latin1
	s.Text.Title = "日本"
	if err := s.Format(&b); err == nil || !strings.Contains(err.Error(), "ISO-8859-1") {
		t.Errorf("Format in Latin-1 of CJK text: %v", err)
	}
	s.Encoding = UTF8
	s.Text.Title = "ok"
	for _, c := range []struct {
		name string
		edit func(t *Track)
	}{
		{"missing file", func(t *Track) { t.File = 3 }},
		{"negative file", func(t *Track) { t.File = -1 }},
		{"track number", func(t *Track) { t.Number = 100 }},
		{"index number", func(t *Track) { t.Indexes[0].Number = 100 }},
		{"index time", func(t *Track) { t.Indexes[0].Pos = cd.MSF{F: 75} }},
		{"REM line break", func(t *Track) { t.Rems[0].Text = "a\nTRACK 02 AUDIO" }},
	} {
		c2 := *s
		c2.Tracks = []Track{s.Tracks[0]}
		c2.Tracks[0].Indexes = []Index{{Number: 1}}
		c2.Tracks[0].Rems = []Rem{{Text: "x"}}
		c.edit(&c2.Tracks[0])
		if err := c2.Format(&b); err == nil {
			t.Errorf("%s: Format accepted it", c.name)
		}
	}
}
