package disc_test

import (
	"bytes"
	"fmt"
	"io"

	"spindle/cd"
	"spindle/disc"
)

// A disc with one audio track and a data track in a second session (an
// enhanced CD), checked and listed.
func Example() {
	l := &disc.Layout{Sessions: []disc.Session{
		{Number: 1, LeadOut: 20000, Tracks: []disc.Track{{Number: 1, Mode: disc.Audio, Pregap: 150, Start: 0, Length: 20000}}},
		{Number: 2, LeadOut: 40000, Tracks: []disc.Track{{Number: 2, Mode: disc.Mode1, Pregap: 150, Start: 31400, Length: 8600}}},
	}}
	if err := l.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range l.Tracks() {
		fmt.Printf("track %d: %s, LBA %d to %d\n", t.Number, t.Mode, t.Start, t.End())
	}
	// Output:
	// track 1: audio, LBA 0 to 20000
	// track 2: mode1, LBA 31400 to 40000
}

// A Reader serves the sectors of a layout as a drive would: here an ISO
// image stored as user data (a MODE1/2048 track) read as raw sectors, and
// the Q sub-channel a disc made from it carries.
func ExampleReader() {
	iso := make([]byte, 20*cd.DataSectorSize)
	copy(iso[16*cd.DataSectorSize:], "\x01CD001")
	l := &disc.Layout{Sessions: []disc.Session{{Number: 1, LeadOut: 20, Tracks: []disc.Track{{Number: 1, Mode: disc.Mode1, Start: 0, Length: 20,
		Data: []disc.Segment{{File: "disc.iso", Sectors: 20, Storage: disc.StoreUser, SectorSize: cd.DataSectorSize}}}}}}}
	r, err := disc.NewReader(l, func(name string) (io.ReaderAt, error) { return bytes.NewReader(iso), nil })
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()

	var raw [cd.RawSectorSize]byte
	if err := r.ReadRaw(16, raw[:]); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("sector 16: header % X, %q, intact: %v\n", raw[12:16], raw[17:22], cd.CheckSector(&raw, 16).OK())

	var sub [cd.SubchannelSize]byte
	for _, lba := range []cd.LBA{-1, 16, 20} {
		r.SubChannel(lba, sub[:])
		q, _ := cd.DecodeQ(cd.Deinterleave(sub)[cd.ChannelQ])
		fmt.Printf("sector %d: track %02X index %d relative %v absolute %v\n", lba, q.Track, q.Index, q.Relative, q.Absolute)
	}
	if err := r.ReadRaw(-151, raw[:]); err != nil {
		fmt.Println(err)
	}
	// Output:
	// sector 16: header 00 02 16 01, "CD001", intact: true
	// sector -1: track 01 index 0 relative 00:00:00 absolute 00:01:74
	// sector 16: track 01 index 1 relative 00:00:16 absolute 00:02:16
	// sector 20: track AA index 1 relative 00:00:00 absolute 00:02:20
	// disc: sector -151: no such sector on the disc
}

// Where the second session of a CD-R begins after a first session with one
// 300-block data track written track-at-once: what cdrecord -msinfo
// prints.
func ExampleNextSessionStart() {
	leadOut := disc.TAOTrackEnd(300) // two run-out blocks after the data
	fmt.Printf("0,%d\n", disc.NextSessionStart(leadOut, true))
	// Output:
	// 0,11702
}
