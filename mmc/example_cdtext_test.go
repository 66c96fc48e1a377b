package mmc_test

import (
	"fmt"

	"spindle/disc"
	"spindle/mmc"
)

// CD-TEXT for a two-track disc: the packs a disc carries in its lead-in,
// the sub-channel a host writes them with, and the text read back.
func ExampleEncodeCDText() {
	l := &disc.Layout{
		Text: disc.Text{Title: "Album", Performer: "Band"},
		Sessions: []disc.Session{{Number: 1, Tracks: []disc.Track{
			{Number: 1, Mode: disc.Audio, Start: 0, Length: 4500, Text: disc.Text{Title: "One"}},
			{Number: 2, Mode: disc.Audio, Start: 4500, Length: 4500, Text: disc.Text{Title: "Café"}},
		}}},
	}
	packs, err := mmc.EncodeCDText(l, mmc.CDTextOptions{})
	if err != nil {
		panic(err)
	}
	for i := 0; i < len(packs); i += 18 {
		fmt.Printf("% x\n", packs[i:i+18])
	}
	sub, _ := mmc.CDTextSubchannel(packs)
	fmt.Printf("%d packs, a cycle of %d lead-in blocks\n", len(packs)/18, len(sub)/96)

	// READ TOC format 5 returns the packs after a 4-byte header.
	resp := append([]byte{0, byte(len(packs) + 2), 0, 0}, packs...)
	ct, err := mmc.ParseCDText(resp)
	if err != nil {
		panic(err)
	}
	b := ct.Blocks[0]
	fmt.Printf("%s by %s: 1 %s, 2 %s\n", b.Disc.Title, b.Disc.Performer, b.Tracks[1].Title, b.Tracks[2].Title)
	// Output:
	// 80 00 00 00 41 6c 62 75 6d 00 4f 6e 65 00 43 61 1e 63
	// 80 02 01 02 66 e9 00 00 00 00 00 00 00 00 00 00 ee ec
	// 81 00 02 00 42 61 6e 64 00 00 00 00 00 00 00 00 52 0d
	// 8f 00 03 00 00 01 02 00 02 01 00 00 00 00 00 00 32 33
	// 8f 01 04 00 00 00 00 00 00 00 00 03 05 00 00 00 8f 5a
	// 8f 02 05 00 00 00 00 00 09 00 00 00 00 00 00 00 1c 80
	// 6 packs, a cycle of 3 lead-in blocks
	// Album by Band: 1 One, 2 Café
}
