package emu

import (
	"spindle/cd"
)

// qFrame builds the Q sub-channel frame of address a in mode 1 (position:
// ECMA-130 §22.3.3.1): track and index numbers, the relative time in the
// track (counting down to the track's start in its pre-gap, index 0) and
// the absolute time.
func (d *Drive) qFrame(a cd.LBA) [12]byte {
	m := d.medium
	q := cd.Q{ADR: 1}
	var t *Track
	for i := range m.st.Tracks {
		x := &m.st.Tracks[i]
		if x.State == TrackInvisible && x.Written == 0 {
			continue
		}
		if a >= x.Start-cd.LBA(cd.MSFOffset) {
			t = x
		}
	}
	if t != nil {
		q.Control, q.Track, q.Index = t.Control, uint8(t.Number), 1
		rel := int64(a - t.Start)
		if rel < 0 {
			q.Index, rel = 0, -rel
		}
		q.Relative, _ = cd.MSFFromFrames(cd.Frames(rel))
	}
	q.Absolute, _ = cd.MSFFromFrames(cd.Frames(a) + cd.MSFOffset)
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
