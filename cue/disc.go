package cue

import (
	"errors"
	"fmt"

	"spindle/cd"
	"spindle/disc"
)

// ErrNotExpressible reports a layout that a CUE sheet cannot describe
// with the files it has: data that is not contiguous in its file, zeros in
// the middle of a track, sub-channel data, a mode CUE has no name for. Its
// data then has to be written out into a new file first.
var ErrNotExpressible = errors.New("cue: layout cannot be described by a CUE sheet over its files")

// cueMode is the CUE track mode for sectors of mode m stored as s.
func cueMode(m disc.Mode, s disc.Storage, sub int) (Mode, error) {
	if sub != 0 {
		if m == disc.Audio && sub == cd.SubchannelSize {
			return CDG, nil
		}
		return "", fmt.Errorf("%w: %s sectors with %d bytes of sub-channel data", ErrNotExpressible, m, sub)
	}
	switch {
	case m == disc.Audio:
		return Audio, nil
	case s == disc.StoreRaw && m == disc.Mode1:
		return Mode1_2352, nil
	case s == disc.StoreRaw && m != disc.Mode0:
		return Mode2_2352, nil
	case s == disc.StoreMode2 && m != disc.Mode0 && m != disc.Mode1:
		return Mode2_2336, nil
	case s == disc.StoreUser && m == disc.Mode1:
		return Mode1_2048, nil
	case s == disc.StoreUser && m == disc.Mode2Form1:
		return Mode2_2048, nil
	case s == disc.StoreUser && m == disc.Mode2Form2:
		return Mode2_2324, nil
	case s == disc.StoreUser && (m == disc.Mode2 || m == disc.Mode2Mixed):
		return Mode2_2336, nil
	}
	return "", fmt.Errorf("%w: %s sectors stored as %d", ErrNotExpressible, m, s)
}

// FromDisc describes a disc layout as a CUE sheet over the files its
// tracks come from. A track's generated zeros before INDEX 01 become
// PREGAP, after its data POSTGAP; its stored pre-gap becomes INDEX 00.
// Audio stored big-endian is a MOTOROLA file, a WAVE file a WAVE file.
// Sessions after the first are marked with REM SESSION. What a sheet
// cannot say over these files is an error wrapping ErrNotExpressible.
func FromDisc(l *disc.Layout) (*Sheet, error) {
	s := &Sheet{Catalog: l.MCN, Text: cueText(l.Text)}
	type fileState struct {
		index  int
		frames cd.Frames // the file's time base: sectors so far
		bytes  int64     // bytes so far
	}
	var cur *fileState
	var curName string
	var curType FileType
	multi := len(l.Sessions) > 1
	for _, sess := range l.Sessions {
		for _, t := range sess.Tracks {
			ct := Track{Number: t.Number, ISRC: t.ISRC, Text: cueText(t.Text)}
			if multi {
				ct.Session = sess.Number
			}
			if t.Flags.Copy {
				ct.Flags |= DCP
			}
			if t.Flags.PreEmphasis {
				ct.Flags |= PRE
			}
			if t.Flags.FourChannel {
				ct.Flags |= FourCH
			}
			// Leading zeros, the stored run, trailing zeros.
			segs := t.Data
			var lead, trail cd.Frames
			for len(segs) > 0 && segs[0].File == "" {
				lead += segs[0].Sectors
				segs = segs[1:]
			}
			for len(segs) > 0 && segs[len(segs)-1].File == "" {
				trail += segs[len(segs)-1].Sectors
				segs = segs[:len(segs)-1]
			}
			if len(segs) == 0 {
				return nil, fmt.Errorf("%w: track %d has no data in any file", ErrNotExpressible, t.Number)
			}
			first := segs[0]
			var stored cd.Frames
			for i, g := range segs {
				if g.File == "" || g.File != first.File || g.SectorSize != first.SectorSize || g.Storage != first.Storage ||
					g.SubChannel != first.SubChannel || g.SwapBytes != first.SwapBytes || g.Wave != first.Wave {
					return nil, fmt.Errorf("%w: track %d reads from several files, zeros or formats", ErrNotExpressible, t.Number)
				}
				if i > 0 && g.Offset != segs[i-1].Offset+segs[i-1].Bytes() {
					return nil, fmt.Errorf("%w: track %d's data is not contiguous in %s", ErrNotExpressible, t.Number, g.File)
				}
				stored += g.Sectors
			}
			if lead > t.Pregap {
				return nil, fmt.Errorf("%w: track %d has generated zeros after its start", ErrNotExpressible, t.Number)
			}
			if trail > t.Length {
				return nil, fmt.Errorf("%w: track %d: %d sectors of zeros at the end of %d", ErrNotExpressible, t.Number, trail, t.Length)
			}
			mode, err := cueMode(t.Mode, first.Storage, first.SubChannel)
			if err != nil {
				return nil, fmt.Errorf("track %d: %w", t.Number, err)
			}
			if mode.SectorSize() != first.SectorSize {
				return nil, fmt.Errorf("%w: track %d: %d-byte sectors for %s", ErrNotExpressible, t.Number, first.SectorSize, mode)
			}
			ct.Mode = mode
			ft := Binary
			switch {
			case first.Wave:
				ft = Wave
			case first.SwapBytes:
				ft = Motorola
			}
			if cur == nil || first.File != curName || ft != curType {
				s.Files = append(s.Files, File{Name: first.File, Type: ft})
				cur, curName, curType = &fileState{index: len(s.Files) - 1}, first.File, ft
				if first.Offset%int64(first.SectorSize) != 0 {
					return nil, fmt.Errorf("%w: track %d starts at byte %d of %s, not on a sector", ErrNotExpressible, t.Number, first.Offset, first.File)
				}
				cur.frames = cd.Frames(first.Offset / int64(first.SectorSize))
				cur.bytes = first.Offset
			} else if first.Offset != cur.bytes {
				return nil, fmt.Errorf("%w: track %d starts at byte %d of %s, the previous track ends at %d", ErrNotExpressible, t.Number, first.Offset, first.File, cur.bytes)
			}
			ct.File = cur.index
			ct.Pregap = lead
			ct.Postgap = trail
			storedPregap := t.Pregap - lead
			at := func(f cd.Frames) (cd.MSF, error) { return cd.MSFFromFrames(f) }
			if storedPregap > 0 {
				m, err := at(cur.frames)
				if err != nil {
					return nil, err
				}
				ct.Indexes = append(ct.Indexes, Index{Number: 0, Pos: m, File: cur.index})
			}
			start := cur.frames + storedPregap
			m, err := at(start)
			if err != nil {
				return nil, err
			}
			ct.Indexes = append(ct.Indexes, Index{Number: 1, Pos: m, File: cur.index})
			for _, x := range t.Indexes {
				m, err := at(start + cd.Frames(x.LBA-t.Start))
				if err != nil {
					return nil, err
				}
				ct.Indexes = append(ct.Indexes, Index{Number: x.Number, Pos: m, File: cur.index})
			}
			if stored != t.Pregap+t.Length-lead-trail {
				return nil, fmt.Errorf("%w: track %d stores %d sectors of %d", ErrNotExpressible, t.Number, stored, t.Pregap+t.Length-lead-trail)
			}
			cur.frames += stored
			cur.bytes += int64(stored) * int64(first.SectorSize)
			s.Tracks = append(s.Tracks, ct)
		}
	}
	return s, nil
}

func cueText(t disc.Text) CDText {
	return CDText{Title: t.Title, Performer: t.Performer, Songwriter: t.Songwriter, Composer: t.Composer,
		Arranger: t.Arranger, Message: t.Message, UPCEAN: t.UPC,
		DiscID: t.Extra["DISC_ID"], Genre: t.Extra["GENRE"], TOCInfo1: t.Extra["TOC_INFO1"], TOCInfo2: t.Extra["TOC_INFO2"], SizeInfo: t.Extra["SIZE_INFO"]}
}
