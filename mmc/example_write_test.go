package mmc_test

import (
	"fmt"

	"spindle/disc"
	"spindle/mmc"
)

// A Session at Once recording of an audio CD: the cue sheet describes the
// session before the first WRITE(10).
func ExampleNewCueSheet() {
	l := &disc.Layout{Sessions: []disc.Session{{Number: 1, Tracks: []disc.Track{
		{Number: 1, Mode: disc.Audio, Start: 0, Length: 15000},
		{Number: 2, Mode: disc.Audio, Pregap: 150, Start: 15150, Length: 20000},
	}}}}
	cs, err := mmc.NewCueSheet(l, 1, mmc.CueOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := cs.Marshal()
	cdb, _ := mmc.SendCueSheet(uint32(len(b)))
	fmt.Printf("% x\n", cdb)
	for i := 0; i < len(b); i += 8 {
		fmt.Printf("% x\n", b[i:i+8])
	}
	// Output:
	// 5d 00 00 00 00 00 00 00 30 00
	// 01 00 00 01 00 00 00 00
	// 01 01 00 00 00 00 00 00
	// 01 01 01 00 00 00 02 00
	// 01 02 00 00 00 03 16 00
	// 01 02 01 00 00 03 18 00
	// 01 aa 01 01 00 07 32 32
}

// Decoding the media class event of GET EVENT STATUS NOTIFICATION, as a
// poll for a disc being inserted does.
func ExampleParseEventStatus() {
	cdb := mmc.GetEventStatus(mmc.EventMaskMedia, 8)
	fmt.Printf("% x\n", cdb)
	e, err := mmc.ParseEventStatus([]byte{0x00, 0x06, 0x04, 0x5e, 0x02, 0x02, 0x00, 0x00})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Media.Code, e.Media.Present)
	// Output:
	// 4a 01 00 00 10 00 00 00 08 00
	// new media true
}
