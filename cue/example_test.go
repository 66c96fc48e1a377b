package cue_test

import (
	"fmt"
	"os"
	"strings"

	"spindle/cd"
	"spindle/cue"
)

func Example() {
	sheet := `REM GENRE "Alternative Rock"
PERFORMER "The Strokes"
TITLE "Someday"
FILE "someday.bin" BINARY
  TRACK 01 AUDIO
    TITLE "Someday"
    FLAGS DCP
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    TITLE "Alone, Together"
    INDEX 00 03:04:00
    INDEX 01 03:06:00
`
	s, err := cue.Parse(strings.NewReader(sheet), "someday.cue")
	if err != nil {
		fmt.Println(err)
		return
	}
	if errs := s.Validate(); len(errs) > 0 {
		fmt.Println(errs)
	}
	genre, _ := s.Rem("GENRE")
	fmt.Println(s.Text.Performer, "-", s.Text.Title, "/", genre)

	// Where each track lies in the 40 MB image.
	ext, err := s.Extents(func(name string) (int64, error) { return 40_000_000, nil })
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range ext {
		t := s.Tracks[e.Track]
		fmt.Printf("track %02d %-5s %q: sectors %d+%d from byte %d\n", t.Number, t.Mode, t.Text.Title, e.Start, e.Length, e.Offset)
	}
	// Output:
	// The Strokes - Someday / Alternative Rock
	// track 01 AUDIO "Someday": sectors 0+13800 from byte 0
	// track 02 AUDIO "Alone, Together": sectors 13800+3206 from byte 32457600
}

func ExampleParse_error() {
	_, err := cue.Parse(strings.NewReader("FILE \"a.bin\" BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:75\n"), "bad.cue")
	fmt.Println(err)
	// Output:
	// bad.cue:3:10: invalid time "00:00:75": minutes 0–255, seconds below 60, frames below 75
}

func ExampleSheet_Format() {
	s := &cue.Sheet{
		Catalog: "0602517931596",
		Text:    cue.CDText{Title: "Demo"},
		Files:   []cue.File{{Name: "demo.bin", Type: cue.Binary}},
		Tracks: []cue.Track{
			{Number: 1, Mode: cue.Mode1_2352, Indexes: []cue.Index{{Number: 1}}},
			{Number: 2, Mode: cue.Audio, Flags: cue.DCP, Pregap: 150, Indexes: []cue.Index{{Number: 1, Pos: mustMSF("04:00:00")}}},
		},
	}
	if err := s.Format(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// CATALOG 0602517931596
	// TITLE "Demo"
	// FILE "demo.bin" BINARY
	//   TRACK 01 MODE1/2352
	//     INDEX 01 00:00:00
	//   TRACK 02 AUDIO
	//     FLAGS DCP
	//     PREGAP 00:02:00
	//     INDEX 01 04:00:00
}

func ExampleOptions_Parse() {
	// EAC writes MODEx/2xxx for a data track it could not read; strict
	// parsing refuses it, lenient parsing keeps it.
	sheet := "FILE \"x.wav\" WAVE\n  TRACK 01 MODEx/2xxx\n    INDEX 01 00:00:00\nCUSTOM line\n"
	_, err := cue.Parse(strings.NewReader(sheet), "eac.cue")
	fmt.Println(err)
	s, err := cue.Options{Lenient: true}.Parse(strings.NewReader(sheet), "eac.cue")
	fmt.Println(s.Tracks[0].Mode, s.Tracks[0].Mode.Known(), s.Tracks[0].Rems[0].Text, err)
	// Output:
	// eac.cue:2:12: TRACK: unknown mode "MODEx/2xxx" (want AUDIO, CDG, MODE1/2048, MODE1/2352, MODE2/2048, MODE2/2324, MODE2/2336, MODE2/2352, CDI/2336 or CDI/2352)
	// MODEX/2XXX false CUSTOM line <nil>
}

func mustMSF(s string) cd.MSF {
	m, err := cd.ParseMSF(s)
	if err != nil {
		panic(err)
	}
	return m
}
