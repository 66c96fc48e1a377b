package disc_test

import (
	"fmt"

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
