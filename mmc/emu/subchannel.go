package emu

import (
	"spindle/cd"
)

// qFrame builds the Q sub-channel frame of address a: in mode 1 (position:
// ECMA-130 §22.3.3.1) track and index numbers, the relative time in the
// track (counting down to the track's start in its pre-gap, index 0) and
// the absolute time; in some frames mode 2 (catalogue number) or mode 3
// (ISRC) instead.
func (d *Drive) qFrame(a cd.LBA) [12]byte {
	m := d.medium
	q := cd.Q{ADR: 1}
	var t *Track
	// The first track's pre-gap always spans LBA -150 to its start
	// (ECMA-130 §22.3.3.1).
	for i := range m.st.Tracks {
		x := &m.st.Tracks[i]
		if x.State == TrackInvisible && x.Written == 0 {
			continue
		}
		if i == 0 && a < x.Start {
			t = x
			continue
		}
		if a >= x.Start-cd.LBA(x.Pregap) {
			t = x
		}
	}
	abs := int64(a) + int64(cd.MSFOffset)
	if t != nil {
		q.Control, q.Track, q.Index = t.Control, uint8(t.Number), 1
		rel := int64(a - t.Start)
		if rel < 0 {
			q.Index, rel = 0, -rel
		}
		for _, x := range t.Indexes {
			if a >= x {
				q.Index++
			}
		}
		q.Relative, _ = cd.MSFFromFrames(cd.Frames(rel))
		// Modes 2 and 3 in one frame of every 100 each (ECMA-130 §22.3.3:
		// at least 1 in 100), on the schedule package disc synthesizes:
		// the catalogue number where the absolute frame is a multiple of
		// 100, an audio track's ISRC 50 frames later.
		if a >= t.Start && abs >= 0 {
			switch {
			case abs%100 == 0 && len(m.st.MCN) == 13:
				q = cd.Q{Control: t.Control, ADR: 2, MCN: m.st.MCN, AFrame: uint8(abs % 75)}
			case abs%100 == 50 && len(t.ISRC) == 12 && t.Control&4 == 0:
				q = cd.Q{Control: t.Control, ADR: 3, ISRC: t.ISRC, AFrame: uint8(abs % 75)}
			}
		}
	}
	q.Absolute, _ = cd.MSFFromFrames(cd.Frames(abs))
	f, err := q.Encode()
	if err != nil {
		return [12]byte{}
	}
	return f
}

// subchannel is the raw, interleaved P–W sub-channel of address a: P set
// in a pre-gap (ECMA-130 §22.2: the P channel flags pauses), Q in mode 1,
// R–W empty.
func (d *Drive) subchannel(a cd.LBA) [cd.SubchannelSize]byte {
	var ch [8][12]byte
	ch[cd.ChannelQ] = d.qFrame(a)
	if q, err := cd.DecodeQ(ch[cd.ChannelQ]); err == nil && q.Index == 0 {
		for i := range ch[cd.ChannelP] {
			ch[cd.ChannelP][i] = 0xFF
		}
	}
	return cd.Interleave(ch)
}

// readSubChannel answers READ SUB-CHANNEL (42h): the current position
// (the drive is not playing, so the start of the first track), the media
// catalog number and a track's ISRC (MMC-6, READ SUB-CHANNEL formats 01h,
// 02h and 03h).
func readSubChannel(d *Drive, r *request) ([]byte, error) {
	msf, subQ, format, track := r.cdb[1]&0x02 != 0, r.cdb[2]&0x40 != 0, r.cdb[3], int(r.cdb[6])
	m := d.medium
	b := []byte{0, 0x15, 0, 0} // audio status: no current audio status
	if !subQ {
		return b, nil
	}
	switch format {
	case 1:
		e := make([]byte, 12)
		e[0] = 1
		var start cd.LBA
		if t := m.firstTrack(); t != nil {
			e[1], e[2], e[3] = 0x10|t.Control, byte(t.Number), 1
			start = t.Start
		}
		addr(e[4:], start, msf)
		addr(e[8:], 0, msf)
		b = append(b, e...)
	case 2:
		e := make([]byte, 20)
		e[0] = 2
		if mcn := m.st.MCN; len(mcn) == 13 {
			e[4] = 0x80
			copy(e[5:], mcn)
		}
		b = append(b, e...)
	case 3:
		var t *Track
		for i := range m.st.Tracks {
			if m.st.Tracks[i].Number == track && m.st.Tracks[i].State != TrackInvisible {
				t = &m.st.Tracks[i]
			}
		}
		if t == nil {
			return nil, errInvalidField
		}
		e := make([]byte, 20)
		e[0], e[1], e[2] = 3, 0x30|t.Control, byte(t.Number)
		if len(t.ISRC) == 12 {
			e[4] = 0x80
			copy(e[5:], t.ISRC)
		}
		b = append(b, e...)
	default:
		return nil, errInvalidField
	}
	put16(b[2:], len(b)-4)
	return b, nil
}
