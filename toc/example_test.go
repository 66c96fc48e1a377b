package toc_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"spindle/toc"
)

func Example() {
	src := `CD_DA
CATALOG "0724385356926"

TRACK AUDIO
NO COPY
ISRC "USEM39600078"
FILE "album.wav" 0 3:0:0

TRACK AUDIO
FILE "album.wav" 3:0:0
START 0:2:0
INDEX 1:0:0
`
	t, err := toc.Parse(strings.NewReader(src), "album.toc")
	if err != nil {
		log.Fatal(err)
	}
	if errs := t.Validate(); errs != nil {
		log.Fatal(errs)
	}
	// album.wav holds five minutes of samples.
	size := func(name string) (int64, error) { return 5 * 60 * 75 * 2352, nil }
	l, err := t.Layout(size)
	if err != nil {
		log.Fatal(err)
	}
	for _, tr := range l.Tracks {
		fmt.Printf("track %d %s: start %d, pregap %d, %d blocks, indexes %v\n",
			tr.Number, tr.Mode, tr.Start, tr.Pregap, tr.Length, tr.Indexes)
		for _, e := range tr.Extents {
			fmt.Printf("  %s bytes %d+%d\n", e.File, e.Offset, e.Size)
		}
	}
	// Output:
	// track 1 AUDIO: start 0, pregap 0, 13500 blocks, indexes []
	//   album.wav bytes 0+31752000
	// track 2 AUDIO: start 13500, pregap 150, 9000 blocks, indexes [4500]
	//   album.wav bytes 31752000+21168000
}

func ExampleTOC_Format() {
	t, err := toc.Parse(strings.NewReader(`TRACK MODE1 DATAFILE "image.iso" // data
TRACK AUDIO PREGAP 0:2:0 FILE "song.wav" 0`), "disc.toc")
	if err != nil {
		log.Fatal(err)
	}
	t.Type = toc.CDROM
	if err := t.Format(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// CD_ROM
	//
	// // Track 1
	// TRACK MODE1
	// DATAFILE "image.iso"
	//
	// // Track 2
	// TRACK AUDIO
	// PREGAP 00:02:00
	// FILE "song.wav" 0
}

func ExampleParse_error() {
	_, err := toc.Parse(strings.NewReader("TRACK AUDIO\nSILENCE 0:0:75\n"), "bad.toc")
	fmt.Println(err)
	// Output:
	// bad.toc:2:13: frames field 75 of SILENCE length out of range (0-74)
}
