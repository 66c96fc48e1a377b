package toc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"spindle/cd"
	"spindle/disc"
	"spindle/internal/testtool"
)

// A mixed-mode disc as cdrdao read-cd --read-raw describes it: a raw data
// track and two audio tracks in one file, a pre-gap of silence, flags,
// ISRC, CD-TEXT and an index.
const mixedTOC = `CD_ROM
CATALOG "0123456789012"
CD_TEXT { LANGUAGE_MAP { 0 : EN } LANGUAGE 0 { TITLE "Album" PERFORMER "Band" } }
TRACK MODE1_RAW
DATAFILE "data.bin" 00:10:00
TRACK AUDIO
COPY
PRE_EMPHASIS
ISRC "USABC9900001"
CD_TEXT { LANGUAGE 0 { TITLE "Song" } }
PREGAP 00:02:00
FILE "data.bin" #1411200 0 00:20:00
INDEX 00:05:00
TRACK AUDIO
FILE "data.bin" SWAP #1411200 00:20:00 00:05:00
`

func TestDisc(t *testing.T) {
	tc, err := Parse(strings.NewReader(mixedTOC), "mixed.toc")
	if err != nil {
		t.Fatal(err)
	}
	l, err := tc.Disc(func(string) (int64, error) { return 35 * 75 * 2352, nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	if l.MCN != "0123456789012" || l.Text.Title != "Album" || l.Text.Performer != "Band" {
		t.Errorf("disc: %+v", l)
	}
	tr := l.Tracks()
	if len(tr) != 3 {
		t.Fatalf("%d tracks", len(tr))
	}
	d := tr[0]
	if d.Mode != disc.Mode1 || d.Start != 0 || d.Length != 750 || len(d.Data) != 1 ||
		d.Data[0].Storage != disc.StoreRaw || d.Data[0].SectorSize != 2352 || d.Data[0].File != "data.bin" || d.Data[0].SwapBytes {
		t.Errorf("track 1: %+v", d)
	}
	a := tr[1]
	if a.Mode != disc.Audio || a.Pregap != 150 || a.Start != 900 || a.Length != 1500 || !a.Flags.Copy || !a.Flags.PreEmphasis ||
		a.ISRC != "USABC9900001" || a.Text.Title != "Song" {
		t.Errorf("track 2: %+v", a)
	}
	if len(a.Indexes) != 1 || a.Indexes[0].Number != 2 || a.Indexes[0].LBA != 900+375 {
		t.Errorf("track 2 indexes: %+v", a.Indexes)
	}
	// The pre-gap is generated silence, then the samples from the file,
	// big-endian as cdrdao keeps raw audio.
	if len(a.Data) != 2 || a.Data[0].File != "" || a.Data[0].Sectors != 150 ||
		a.Data[1].File != "data.bin" || a.Data[1].Offset != 1411200 || a.Data[1].Sectors != 1500 || !a.Data[1].SwapBytes {
		t.Errorf("track 2 data: %+v", a.Data)
	}
	// SWAP: the samples are little-endian already.
	if b := tr[2]; len(b.Data) != 1 || b.Data[0].SwapBytes || b.Data[0].Offset != 1411200+1500*2352 || b.Start != 2400 {
		t.Errorf("track 3: %+v", b)
	}
	if l.Sessions[0].LeadOut != 2775 {
		t.Errorf("lead-out %d", l.Sessions[0].LeadOut)
	}
}

// FromDisc writes a layout back as a TOC that lays out the same.
func TestFromDisc(t *testing.T) {
	tc, err := Parse(strings.NewReader(mixedTOC), "mixed.toc")
	if err != nil {
		t.Fatal(err)
	}
	size := func(string) (int64, error) { return 35 * 75 * 2352, nil }
	l, err := tc.Disc(size)
	if err != nil {
		t.Fatal(err)
	}
	back, err := FromDisc(l)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(strings.NewReader(back.String()), "back.toc")
	if err != nil {
		t.Fatalf("%v\n%s", err, back)
	}
	l2, err := again.Disc(size)
	if err != nil {
		t.Fatal(err)
	}
	a, b := l.Tracks(), l2.Tracks()
	if len(a) != len(b) || l2.MCN != l.MCN || l2.Text.Title != l.Text.Title {
		t.Fatalf("disc differs:\n%s", back)
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Start != y.Start || x.Length != y.Length || x.Pregap != y.Pregap || x.Mode != y.Mode || x.Flags != y.Flags ||
			x.ISRC != y.ISRC || len(x.Indexes) != len(y.Indexes) || x.Text.Title != y.Text.Title {
			t.Errorf("track %d: %+v\nbecame %+v\n%s", x.Number, x, y, back)
		}
	}
}

// cdrdao allows FILE, AUDIOFILE and SILENCE only in audio tracks without a
// sub-channel mode: a CD+G track (audio with 96 bytes of raw R–W data per
// sector) is DATAFILE and ZERO, its samples big-endian as cdrdao keeps
// them. Samples in the CD's little-endian order cannot be described, as
// DATAFILE has no SWAP.
func TestFromDiscSubChannelAudio(t *testing.T) {
	seg := func(file string, off int64, n int, swap bool) disc.Segment {
		return disc.Segment{File: file, Offset: off, Sectors: cd.Frames(n), Storage: disc.StoreRaw,
			SectorSize: 2448, SubChannel: 96, SwapBytes: swap && file != ""}
	}
	l := &disc.Layout{Sessions: []disc.Session{{Number: 1, LeadOut: 450, Tracks: []disc.Track{
		{Number: 1, Mode: disc.Audio, Length: 300, Data: []disc.Segment{seg("k.bin", 0, 300, true)}},
		{Number: 2, Mode: disc.Audio, Start: 450, Pregap: 150, Length: 0, Postgap: 0,
			Data: []disc.Segment{seg("", 0, 150, true), seg("k.bin", 300*2448, 0, true)}},
	}}}}
	l.Sessions[0].Tracks[1].Length = 100
	l.Sessions[0].Tracks[1].Data[1].Sectors = 100
	l.Sessions[0].LeadOut = 550
	tc, err := FromDisc(l)
	if err != nil {
		t.Fatal(err)
	}
	text := tc.String()
	back, err := Parse(strings.NewReader(text), "cdg.toc")
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if errs := back.Validate(); len(errs) > 0 {
		t.Fatalf("%v\n%s", errs, text)
	}
	for _, tr := range back.Tracks {
		if tr.SubChannel == SubChannelNone {
			t.Errorf("track without sub-channel mode:\n%s", text)
		}
		for _, it := range tr.Items {
			if it.Kind == AudioFile || it.Kind == Silence {
				t.Errorf("%s in a track with sub-channel data:\n%s", it.Kind, text)
			}
		}
	}
	l2, err := back.Disc(func(string) (int64, error) { return 400 * 2448, nil })
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range l2.Tracks() {
		o := l.Tracks()[i]
		if d.Start != o.Start || d.Length != o.Length || d.Pregap != o.Pregap {
			t.Errorf("track %d: %+v, want %+v\n%s", d.Number, d, o, text)
		}
		for _, g := range d.Data {
			if g.File != "" && (!g.SwapBytes || g.SubChannel != 96 || g.SectorSize != 2448) {
				t.Errorf("track %d segment %+v\n%s", d.Number, g, text)
			}
		}
	}
	// Little-endian samples with sub-channel data: not expressible.
	l.Sessions[0].Tracks[0].Data[0].SwapBytes = false
	if tc, err := FromDisc(l); err == nil {
		t.Errorf("little-endian CD+G audio: no error\n%s", tc)
	}
	// cdrdao itself reads it.
	testtool.Need(t, "cdrdao")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cdg.toc"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "k.bin"), make([]byte, 400*2448), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runCdrdao(t, dir, "cdrdao", "show-toc", "cdg.toc"); err != nil {
		t.Fatalf("cdrdao show-toc: %v\n%s\n%s", err, out, text)
	}
}

// A CD-i disc keeps its type through the disc model: CD_I in, CD_I out,
// and a TOC with only Mode 2 data tracks stays CD_ROM_XA.
func TestFromDiscCDI(t *testing.T) {
	size := func(string) (int64, error) { return 20 * 75 * 2352, nil }
	for _, tc := range []struct{ in, want string }{
		{"CD_I\nTRACK MODE2_RAW\nDATAFILE \"cdi.bin\" 00:10:00\nTRACK AUDIO\nFILE \"cdi.bin\" #1411200 0 00:05:00\n", "CD_I"},
		{"CD_ROM_XA\nTRACK MODE2_RAW\nDATAFILE \"xa.bin\" 00:10:00\n", "CD_ROM_XA"},
	} {
		in, err := Parse(strings.NewReader(tc.in), "in.toc")
		if err != nil {
			t.Fatal(err)
		}
		l, err := in.Disc(size)
		if err != nil {
			t.Fatal(err)
		}
		if cdi := l.Tracks()[0].CDI; cdi != (tc.want == "CD_I") {
			t.Errorf("%s: data track CDI = %v", tc.want, cdi)
		}
		if l.Tracks()[len(l.Tracks())-1].Mode == disc.Audio && l.Tracks()[len(l.Tracks())-1].CDI {
			t.Errorf("%s: an audio track marked CD-i", tc.want)
		}
		out, err := FromDisc(l)
		if err != nil {
			t.Fatal(err)
		}
		if string(out.Type) != tc.want || !strings.HasPrefix(out.String(), tc.want+"\n") {
			t.Errorf("type %s, want %s:\n%s", out.Type, tc.want, out)
		}
	}
}
