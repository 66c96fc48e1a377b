package disc

import (
	"bytes"
	"testing"

	"spindle/cd"
)

// qAt decodes the Q channel that SubChannel synthesizes for lba, and
// returns the P channel with it.
func qAt(t *testing.T, r *Reader, lba cd.LBA) (cd.Q, [12]byte) {
	t.Helper()
	var raw [cd.SubchannelSize]byte
	if err := r.SubChannel(lba, raw[:]); err != nil {
		t.Fatalf("SubChannel(%d): %v", lba, err)
	}
	ch := cd.Deinterleave(raw)
	for c := cd.ChannelR; c <= cd.ChannelW; c++ {
		if ch[c] != [12]byte{} {
			t.Fatalf("sector %d: channel %d is not zero", lba, c)
		}
	}
	q, err := cd.DecodeQ(ch[cd.ChannelQ])
	if err != nil {
		t.Fatalf("sector %d: Q: %v", lba, err)
	}
	return q, ch[cd.ChannelP]
}

func msf(f cd.Frames) cd.MSF {
	m, err := cd.MSFFromFrames(f)
	if err != nil {
		panic(err)
	}
	return m
}

var (
	pOn  = [12]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
	pOff = [12]byte{}
)

// The synthesized Q channel of a CD-Extra disc: track, index, relative
// and absolute time through pre-gaps, tracks, indexes and lead-outs; the
// catalogue number and ISRC on their schedule; P in the pauses.
func TestSubChannelSynthesized(t *testing.T) {
	l := cdExtra()
	r := mustReader(t, l, nil)
	type want struct {
		lba          cd.LBA
		track, index uint8
		control      uint8
		rel          cd.Frames
		p            [12]byte
	}
	for _, w := range []want{
		{-149, 1, 0, 0, 148, pOn},    // the first pre-gap counts down...
		{-1, 1, 0, 0, 0, pOn},        // ... to 00:00:00 at its last sector
		{1, 1, 1, 0, 1, pOff},        // then up from INDEX 01
		{15000, 2, 0, 1, 149, pOn},   // track 2's pre-gap; pre-emphasis
		{15151, 2, 1, 1, 1, pOff},    // INDEX 01
		{20001, 2, 2, 1, 4851, pOff}, // INDEX 02: relative time goes on
		{41399, 3, 0, 4, 0, pOn},     // the data session's pre-gap
		{41401, 3, 1, 4, 1, pOff},
	} {
		q, p := qAt(t, r, w.lba)
		if q.ADR != 1 || q.Track != w.track || q.Index != w.index || q.Control != w.control ||
			q.Relative != msf(w.rel) || q.Absolute != msf(cd.Frames(w.lba)+cd.MSFOffset) || p != w.p {
			t.Errorf("sector %d: %+v, P % X; want %+v", w.lba, q, p[:2], w)
		}
	}
	// Lead-outs: track AA, index 01, time from the lead-out's start, the
	// last track's control; P at 2 Hz from ONE: 18.75 frames on, off.
	for _, c := range []struct {
		lba     cd.LBA
		rel     cd.Frames
		control uint8
	}{{30000, 0, 1}, {30100, 100, 1}, {45000, 0, 4}} {
		q, _ := qAt(t, r, c.lba)
		if q.Track != cd.LeadOutTrack || q.Index != 1 || q.Relative != msf(c.rel) || q.Control != c.control {
			t.Errorf("lead-out sector %d: %+v", c.lba, q)
		}
	}
	if _, p := qAt(t, r, 30000); p != pOn {
		t.Errorf("lead-out P starts % X", p)
	}
	if _, p := qAt(t, r, 30018); p != [12]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0} {
		t.Errorf("lead-out P at frame 18: % X, want the first 72 bits on", p)
	}
	if _, p := qAt(t, r, 30020); p != pOff {
		t.Errorf("lead-out P at frame 20: % X", p)
	}
	// The schedule: mode 2 where the absolute frame is a multiple of 100,
	// mode 3 (audio tracks only, not in pre-gaps) 50 after.
	for lba := cd.LBA(-150); lba < 45000; lba += 50 {
		pos, err := r.Locate(lba)
		if err != nil || pos.LeadOut {
			continue
		}
		q, _ := qAt(t, r, lba)
		abs := cd.Frames(lba) + cd.MSFOffset
		switch {
		case abs%100 == 0:
			if q.ADR != 2 || q.MCN != l.MCN || q.AFrame != uint8(abs%75) {
				t.Fatalf("sector %d: %+v, want the MCN", lba, q)
			}
		case abs%100 == 50 && pos.Track.ISRC != "" && pos.Index > 0:
			if q.ADR != 3 || q.ISRC != pos.Track.ISRC || q.Track != 0 {
				t.Fatalf("sector %d: %+v, want the ISRC", lba, q)
			}
		default:
			if q.ADR != 1 {
				t.Fatalf("sector %d: mode %d", lba, q.ADR)
			}
		}
	}
	// At most one frame in ten is not mode 1.
	notMode1 := 0
	for lba := cd.LBA(0); lba < 1000; lba++ {
		if q, _ := qAt(t, r, lba); q.ADR != 1 {
			notMode1++
		}
	}
	if notMode1 != 20 {
		t.Errorf("%d frames of 1000 in modes 2 and 3, want 20", notMode1)
	}
	// The lead-in between the sessions has no sub-channel to give.
	if err := r.SubChannel(40000, make([]byte, 96)); err == nil {
		t.Error("sub-channel of the lead-in")
	}
}

// Stored sub-channel data is returned as stored.
func TestSubChannelStored(t *testing.T) {
	sector := make([]byte, 2*(2352+96))
	for i := range 96 {
		sector[2352+i] = byte(i)
		sector[2448+2352+i] = byte(200 - i)
	}
	l := &Layout{Sessions: []Session{{Number: 1, Tracks: []Track{{Number: 1, Mode: Audio, Start: 0, Length: 3,
		Data: []Segment{{File: "cdg.bin", Sectors: 2, SectorSize: 2448, SubChannel: 96}}}}}}}
	r := mustReader(t, l, memFiles{"cdg.bin": sector})
	got := make([]byte, 3*96)
	if err := r.SubChannel(0, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got[:96], sector[2352:2448]) || !bytes.Equal(got[96:192], sector[2448+2352:]) {
		t.Error("stored sub-channel not returned as stored")
	}
	// The third sector is generated: synthesized Q.
	var last [96]byte
	copy(last[:], got[192:])
	if q, err := cd.DecodeQ(cd.Deinterleave(last)[cd.ChannelQ]); err != nil || q.Relative != msf(2) {
		t.Errorf("generated sector's Q: %+v, %v", q, err)
	}
	raw := make([]byte, 2*2352)
	if err := r.ReadRaw(0, raw); err != nil || !bytes.Equal(raw[2352:], sector[2448:2448+2352]) {
		t.Errorf("ReadRaw leaves the sub-channel out: %v", err)
	}
}

func TestControl(t *testing.T) {
	for _, c := range []struct {
		t    Track
		want uint8
	}{
		{Track{Mode: Audio}, 0},
		{Track{Mode: Audio, Flags: Flags{Copy: true, PreEmphasis: true, FourChannel: true}}, 0xB},
		{Track{Mode: Mode1, Flags: Flags{Copy: true}}, 0x6},
		{Track{Mode: Mode2Form1, Flags: Flags{PreEmphasis: true}}, 0x4},
	} {
		if got := c.t.Control(); got != c.want {
			t.Errorf("%+v: control %X, want %X", c.t, got, c.want)
		}
	}
}
