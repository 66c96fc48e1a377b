package mmc

import (
	"reflect"
	"testing"

	"spindle/cd"
	"spindle/disc"
)

// pack builds an 18-byte CD-TEXT pack: the 4 header bytes, 12 bytes of
// text (zero padded) and the CRC.
func pack(typ, track, seq, flags byte, text string) []byte {
	p := make([]byte, cdTextPackSize)
	p[0], p[1], p[2], p[3] = typ, track, seq, flags
	copy(p[4:16], text)
	c := cdTextCRC(p[:16])
	p[16], p[17] = byte(c>>8), byte(c)
	return p
}

func packs(ps ...[]byte) []byte {
	n := 2 + len(ps)*cdTextPackSize
	b := []byte{byte(n >> 8), byte(n), 0, 0}
	for _, p := range ps {
		b = append(b, p...)
	}
	return b
}

// vecCDText: block 0 in ISO 8859-1 — album "Album" by "Band", track 1
// "One" by "Band", track 2 "Café" by the same performer (a TAB), UPC and
// ISRCs, size information; block 1 in MS-JIS, double-byte titles.
func vecCDText() []byte {
	return packs(
		pack(0x80, 0, 0, 0x00, "Album\x00One\x00Ca"),
		pack(0x80, 2, 1, 0x02, "f\xe9\x00"),
		pack(0x81, 0, 2, 0x00, "Band\x00Band\x00\t\x00"),
		pack(0x8E, 0, 3, 0x00, "012345678901"),
		pack(0x8E, 0, 4, 0x0C, "2\x00USAAA00000"),
		pack(0x8E, 1, 5, 0x0A, "01\x00USAAA0000"),
		pack(0x8E, 2, 6, 0x09, "002\x00"),
		pack(0x8F, 0, 7, 0x00, "\x00\x01\x02\x00\x02\x01\x00\x00\x00\x00\x00\x00"),
		pack(0x8F, 1, 8, 0x00, "\x00\x00\x00\x00\x00\x00\x04\x03\x09\x03\x00\x00"),
		pack(0x8F, 2, 9, 0x00, "\x00\x00\x00\x00\x09\x69\x00\x00\x00\x00\x00\x00"),
		pack(0x80, 0, 0, 0x90, "\x83\x41\x00\x00\x83\x43\x00\x00"),
		pack(0x8F, 0, 1, 0x10, "\x80\x01\x01\x00\x01\x00\x00\x00\x00\x00\x00\x00"),
		pack(0x8F, 1, 2, 0x10, "\x00\x00\x00\x00\x00\x00\x00\x03\x09\x03\x00\x00"),
		pack(0x8F, 2, 3, 0x10, "\x00\x00\x00\x00\x09\x69\x00\x00\x00\x00\x00\x00"),
	)
}

func TestCDTextCRC(t *testing.T) {
	// The pack CRC is the Q sub-channel's code; check it against cd.QCRC
	// on a Q frame.
	q := [12]byte{0x41, 0x01, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00}
	if got, want := cdTextCRC(q[:10]), cd.QCRC(q); got != want {
		t.Errorf("cdTextCRC = %04x, cd.QCRC = %04x", got, want)
	}
}

func TestParseCDText(t *testing.T) {
	b := vecCDText()
	b[4+2*cdTextPackSize+17] ^= 1 // spoil the CRC of the performer pack
	ct, err := ParseCDText(pad(b, 4096))
	if err != nil {
		t.Fatal(err)
	}
	if len(ct.Packs) != 14 {
		t.Fatalf("%d packs", len(ct.Packs))
	}
	for i, p := range ct.Packs {
		if p.CRCOK != (i != 2) {
			t.Errorf("pack %d: CRCOK %v", i, p.CRCOK)
		}
	}
	if p := ct.Packs[1]; p.Type != PackTitle || p.Track != 2 || p.Seq != 1 || p.CharPos != 2 || p.Block != 0 {
		t.Errorf("pack 1 header: %+v", p)
	}
	if len(ct.Blocks) != 2 {
		t.Fatalf("%d blocks", len(ct.Blocks))
	}
	b0 := ct.Blocks[0]
	want0 := CDTextBlock{Number: 0, CharCode: CharISO8859_1, Language: 0x09, FirstTrack: 1, LastTrack: 2,
		Disc: disc.Text{Title: "Album", Performer: "Band", UPC: "0123456789012"},
		Tracks: map[int]disc.Text{
			1: {Title: "One", Performer: "Band", ISRC: "USAAA0000001"},
			2: {Title: "Café", Performer: "Band", ISRC: "USAAA0000002"},
		}}
	if !reflect.DeepEqual(b0, want0) {
		t.Errorf("block 0:\n got %+v\nwant %+v", b0, want0)
	}
	b1 := ct.Blocks[1]
	if !b1.DoubleByte || b1.CharCode != CharMSJIS || b1.Language != 0x69 || b1.Disc.Title != "\x83\x41" || b1.Tracks[1].Title != "\x83\x43" {
		t.Errorf("block 1: %+v", b1)
	}

	l := &disc.Layout{Sessions: []disc.Session{{Number: 1, Tracks: []disc.Track{{Number: 1}, {Number: 2}}}}}
	ct.Apply(l, 0)
	if l.Text.Title != "Album" || l.Sessions[0].Tracks[1].Text.Title != "Café" {
		t.Errorf("Apply: %+v", l)
	}
}

func TestParseCDTextExtras(t *testing.T) {
	ct, err := ParseCDText(packs(
		pack(0x86, 0, 0, 0, "XY-1234\x00"),
		pack(0x87, 0, 1, 0, "\x00\x1cJazz fusio"),
		pack(0x87, 0, 2, 0, "n\x00"),
	))
	if err != nil {
		t.Fatal(err)
	}
	x := ct.Blocks[0].Disc.Extra
	if x["DISC_ID"] != "XY-1234" || x["GENRE"] != "Jazz fusion" {
		t.Errorf("extras %v", x)
	}
}
