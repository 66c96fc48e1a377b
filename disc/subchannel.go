package disc

import (
	"fmt"
	"strings"

	"spindle/cd"
)

// Control returns the 4-bit control field of the track's Q sub-channel
// and table-of-contents entries (ECMA-130 §22.3, control field; the
// values cd.Q documents): four-channel audio, data track, digital copy
// permitted, pre-emphasis.
func (t *Track) Control() uint8 {
	var c uint8
	if t.Flags.FourChannel {
		c |= 0x8
	}
	if t.Mode.IsData() {
		c |= 0x4
	}
	if t.Flags.Copy {
		c |= 0x2
	}
	if t.Flags.PreEmphasis && !t.Mode.IsData() {
		c |= 0x1
	}
	return c
}

// The schedule of the Q frames of modes 2 and 3 among the mode 1 frames
// of the program area. ECMA-130 §22.3 requires mode 1 in at least 9 of
// every 10 successive frames and, when the disc has a catalogue number or
// a track an ISRC, mode 2 (catalogue number) and mode 3 (ISRC, audio tracks
// only) in at least 1 of every 100. SubChannel puts mode 2 in the frames
// whose absolute frame number (LBA + cd.MSFOffset) is a multiple of 100
// and mode 3 in those 50 after: deterministic, one of each per 100
// frames, never two in a row.
const (
	qSchedulePeriod = 100
	qMCNPhase       = 0
	qISRCPhase      = 50
)

// SubChannel writes the 96 bytes of P–W sub-channel of the sectors from
// lba on into buf (a multiple of cd.SubchannelSize), interleaved as READ
// CD returns them with sub-channel selection 001b (cd.Interleave): the
// bytes stored with a sector where its segment has them (SubChannel of
// 96, as recorded), and otherwise what a disc written from the layout
// carries:
//
//   - P (ECMA-130 §22.2): ONE throughout a pre-gap (index 0), ZERO in a
//     track, and in a lead-out alternating at 2 Hz, starting with ONE.
//   - Q mode 1 (ECMA-130 §22.3): the control field of the track
//     (Track.Control), the track number (AA in a lead-out) and index, the
//     relative time counting down through a pre-gap to 00:00:00 at its
//     last sector and up from 00:00:00 at INDEX 01 (and at the lead-out's
//     start), the absolute time (LBA + cd.MSFOffset), and the CRC.
//   - Q mode 2 with the layout's MCN and mode 3 with an audio track's
//     ISRC, in the program area, on the schedule described above (the
//     absolute frame in their AFRAME field).
//   - R–W: zero.
//
// Errors are those of ReadRaw; the TAO blocks, which a drive does pass
// over, have sub-channel too.
func (r *Reader) SubChannel(lba cd.LBA, buf []byte) error {
	if len(buf)%cd.SubchannelSize != 0 {
		return fmt.Errorf("disc: SubChannel: a buffer of %d bytes is not a whole number of %d-byte sub-channel blocks", len(buf), cd.SubchannelSize)
	}
	for len(buf) > 0 {
		ru, err := r.runAt(lba, len(buf)/cd.SubchannelSize)
		if err != nil {
			return err
		}
		dst := buf[:ru.n*cd.SubchannelSize]
		if ru.seg >= 0 && ru.sp.track.Data[ru.seg].SubChannel == cd.SubchannelSize {
			if err := r.storedSubChannel(ru, dst); err != nil {
				return err
			}
		} else {
			for k := 0; k < ru.n; k++ {
				if err := r.synthesize(ru.sp, ru.lba+cd.LBA(k), (*[cd.SubchannelSize]byte)(dst[k*cd.SubchannelSize:])); err != nil {
					return err
				}
			}
		}
		lba += cd.LBA(ru.n)
		buf = buf[len(dst):]
	}
	return nil
}

// storedSubChannel copies the sub-channel bytes stored after each sector
// of a run.
func (r *Reader) storedSubChannel(ru run, dst []byte) error {
	d := &ru.sp.track.Data[ru.seg]
	return r.eachStored(ru, func(i int, _ int64, sector []byte) error {
		copy(dst[i*cd.SubchannelSize:(i+1)*cd.SubchannelSize], sector[d.SectorSize-cd.SubchannelSize:])
		return nil
	})
}

// leadOutPBits is the length of each half period of the lead-out's 2 Hz P
// signal in sub-channel bits: a quarter second, 75/4 frames of 96 bits.
const leadOutPBits = cd.FramesPerSecond * 96 / 4

// synthesize builds the sub-channel of the sector at lba of span sp.
func (r *Reader) synthesize(sp *span, lba cd.LBA, dst *[cd.SubchannelSize]byte) error {
	t := sp.track
	fail := func(err error) error { return &SectorError{LBA: lba, Track: t.Number, Err: err} }
	abs := cd.Frames(lba) + cd.MSFOffset
	absMSF, err := cd.MSFFromFrames(abs)
	if err != nil {
		return fail(err)
	}
	pos := sp.position(lba)
	var ch [8][12]byte
	q := cd.Q{Control: t.Control(), ADR: 1, Track: uint8(t.Number), Index: uint8(pos.Index), Absolute: absMSF}
	var rel cd.Frames
	switch {
	case sp.leadOut:
		q.Track = cd.LeadOutTrack
		rel = lba.Sub(sp.start)
		// 2 Hz, starting with ONE at the lead-out's first bit.
		first := int(rel) * 96
		for b := range 96 {
			if (first+b)/leadOutPBits%2 == 0 {
				ch[cd.ChannelP][b/8] |= 0x80 >> (b % 8)
			}
		}
	case lba < t.Start:
		rel = t.Start.Sub(lba) - 1
		ch[cd.ChannelP] = [12]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
	default:
		rel = lba.Sub(t.Start)
	}
	if q.Relative, err = cd.MSFFromFrames(rel); err != nil {
		return fail(err)
	}
	frame, err := q.Encode()
	if err != nil {
		return fail(err)
	}
	if !sp.leadOut {
		// A catalogue number or ISRC that does not encode (Validate
		// reports it) leaves the frame in mode 1.
		alt := q
		switch abs % qSchedulePeriod {
		case qMCNPhase:
			alt.ADR, alt.MCN, alt.AFrame = 2, r.l.MCN, absMSF.F
		case qISRCPhase:
			alt.ADR, alt.ISRC, alt.AFrame = 3, strings.ToUpper(t.ISRC), absMSF.F
			if t.Mode != Audio || lba < t.Start {
				alt.ISRC = ""
			}
		}
		if alt.MCN != "" || alt.ISRC != "" {
			if f, err := alt.Encode(); err == nil {
				frame = f
			}
		}
	}
	ch[cd.ChannelQ] = frame
	*dst = cd.Interleave(ch)
	return nil
}
