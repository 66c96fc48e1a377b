package mmc

import (
	"fmt"

	"spindle/cd"
	"spindle/disc"
)

// trackMode guesses a track's mode from its control field and the disc type
// of point A0: READ TOC tells data from audio but not the sector mode, which
// only the sectors' headers reveal. Data tracks of a CD-ROM XA or CD-i disc
// are taken as Mode 2 Form 1, others as Mode 1.
func trackMode(control, discType uint8) disc.Mode {
	switch {
	case control&ControlData == 0:
		return disc.Audio
	case discType == DiscTypeCDROMXA || discType == DiscTypeCDI:
		return disc.Mode2Form1
	default:
		return disc.Mode1
	}
}

func trackFlags(control uint8) disc.Flags {
	audio := control&ControlData == 0
	return disc.Flags{
		Copy:        control&ControlCopy != 0,
		PreEmphasis: audio && control&ControlPreEmphasis != 0,
		FourChannel: audio && control&ControlFourChannel != 0,
	}
}

// appendTracks adds the tracks of one session, each ending where the next
// begins and the last at leadOut.
func appendTracks(s *disc.Session, entries []TOCEntry, leadOut cd.LBA, discType uint8, structure string) error {
	for i, e := range entries {
		end := leadOut
		if i+1 < len(entries) {
			end = entries[i+1].Start
		}
		if end <= e.Start {
			return formatErr(structure, 0, "track %d at %d ends at %d", e.Track, e.Start, end)
		}
		s.Tracks = append(s.Tracks, disc.Track{
			Number: int(e.Track),
			Mode:   trackMode(e.Control, discType),
			Flags:  trackFlags(e.Control),
			Start:  e.Start,
			Length: end.Sub(e.Start),
			CDI:    discType == DiscTypeCDI && e.Control&ControlData != 0,
		})
	}
	return nil
}

// Layout converts a formatted TOC to the disc model: one session (format 0
// does not tell sessions apart; use the full TOC for multi-session discs),
// each track running to the next one's start and the last to the lead-out.
// Modes come from the control field (data tracks as Mode 1); pre-gaps,
// indexes and ISRCs are not in the TOC and are left empty. A TOC that
// makes no valid layout gives an error wrapping disc.ErrLayout.
func (t *TOC) Layout() (*disc.Layout, error) {
	const s = "READ TOC format 0"
	lo, ok := t.LeadOut()
	if !ok {
		return nil, formatErr(s, 4, "no lead-out descriptor")
	}
	var tracks []TOCEntry
	for _, e := range t.Entries {
		if e.Track != leadOutTrackNumber {
			tracks = append(tracks, e)
		}
	}
	if len(tracks) == 0 {
		return nil, formatErr(s, 4, "no track descriptors")
	}
	sess := disc.Session{Number: 1, LeadOut: lo.Start}
	if err := appendTracks(&sess, tracks, lo.Start, DiscTypeCDROM, s); err != nil {
		return nil, err
	}
	l := &disc.Layout{Sessions: []disc.Session{sess}}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("mmc: %s: %w", s, err)
	}
	return l, nil
}

// Layout converts a full TOC to the disc model: its sessions, their tracks
// (each running to the next track of the session, the last to the
// session's lead-out) and lead-outs. Data tracks are Mode 2 Form 1 on a
// CD-ROM XA or CD-i disc (point A0) and Mode 1 otherwise.
func (t *FullTOC) Layout() (*disc.Layout, error) {
	const s = "READ TOC format 2"
	ss, err := t.Sessions()
	if err != nil {
		return nil, err
	}
	l := &disc.Layout{}
	for _, fs := range ss {
		sess := disc.Session{Number: int(fs.Number), LeadOut: fs.LeadOut}
		if err := appendTracks(&sess, fs.Tracks, fs.LeadOut, fs.DiscType, s); err != nil {
			return nil, err
		}
		l.Sessions = append(l.Sessions, sess)
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("mmc: %s: %w", s, err)
	}
	return l, nil
}
