package emu

import (
	"fmt"

	"spindle/cd"
	"spindle/disc"
	"spindle/mmc"
)

// A pressed CD made from a disc image with its layout (a CUE sheet or a
// cdrdao TOC file: audio and data tracks, several sessions): every sector
// is read through a disc.Reader over the image's files, raw, so READ CD
// returns exactly the image's sectors (or, for data stored as user data,
// sectors built with sync, header, EDC and ECC), and the sub-channel the
// reader synthesizes or the image stores.

// layoutStore serves the raw sectors of a disc.Reader as a block store
// with 2352-byte slots.
type layoutStore struct {
	r *disc.Reader
}

func (s layoutStore) ReadAt(p []byte, off int64) (int, error) {
	if off%cd.RawSectorSize != 0 || len(p)%cd.RawSectorSize != 0 {
		// Every caller reads whole slots.
		return 0, fmt.Errorf("emu: unaligned read of %d bytes at %d from a pressed image", len(p), off)
	}
	if err := s.r.ReadRaw(cd.LBA(off/cd.RawSectorSize), p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (layoutStore) WriteAt([]byte, int64) (int, error) { return 0, ErrReadOnly }

// NewPressedLayout returns a pressed CD-ROM holding the disc that l
// describes, its sectors read from the files open opens (the names the
// layout's segments give). Sessions, tracks, modes, pre-gaps, flags, ISRCs
// and the MCN come from the layout, and its CD-TEXT (Layout.Text and each
// Track.Text) is in the lead-in, as READ TOC format 5 returns it: one
// block in ISO 8859-1, English, as mmc.EncodeCDText writes it, with
// characters outside ISO 8859-1 read back as '?'.
func NewPressedLayout(l *disc.Layout, open disc.Opener) (*Medium, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	text, err := mmc.EncodeCDText(l, mmc.CDTextOptions{Replace: true})
	if err != nil {
		// Only a block too long fails with Replace: a real disc could
		// not hold that text either.
		return nil, fmt.Errorf("emu: %w", err)
	}
	r, err := disc.NewReader(l, open)
	if err != nil {
		return nil, err
	}
	m := &Medium{blocks: layoutStore{r}, file: r}
	st := &m.st
	*st = state{Kind: CDROM, Slot: cd.RawSectorSize, Raw: true, Finalized: true, MCN: l.MCN, CDText: text}
	for _, s := range l.Sessions {
		if len(s.Tracks) == 0 {
			continue
		}
		last := s.Tracks[len(s.Tracks)-1]
		lo := s.LeadOut
		if lo == 0 {
			lo = last.End()
		}
		st.Sessions = append(st.Sessions, Session{Number: s.Number, Closed: true, LeadOut: lo})
		for _, t := range s.Tracks {
			et := Track{Number: t.Number, Session: s.Number, State: TrackComplete, Start: t.Start,
				Size: t.Length, Written: t.Length, Control: t.Control(), Block: blockRawSector,
				Pregap: t.Pregap, ISRC: t.ISRC, CDI: t.CDI}
			for _, x := range t.Indexes {
				et.Indexes = append(et.Indexes, x.LBA)
			}
			switch {
			case t.Mode == disc.Audio:
				et.Block = BlockRaw
			case t.Mode == disc.Mode1 || t.Mode == disc.Mode0:
				et.DataMode = 1
			default:
				et.DataMode = 2
			}
			st.Tracks = append(st.Tracks, et)
		}
		if lo > cd.LBA(st.Capacity) {
			st.Capacity = cd.Frames(lo)
		}
	}
	if len(st.Tracks) == 0 {
		r.Close()
		return nil, fmt.Errorf("emu: the layout has no tracks")
	}
	return m, nil
}
