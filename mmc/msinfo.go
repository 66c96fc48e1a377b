package mmc

import (
	"errors"
	"fmt"

	"spindle/cd"
)

// ErrNotAppendable is returned by MultiSession when the disc takes no
// further session.
var ErrNotAppendable = errors.New("mmc: disc is not appendable")

// MSInfo is the multi-session information that an ISO 9660 image for the
// next session is built with (mkisofs -C): where the last session's first
// track starts, and where the next session's track will start.
type MSInfo struct {
	LastSessionStart cd.LBA
	NextWritable     cd.LBA
	// Free is the room left for it: the free blocks of the invisible
	// track.
	Free cd.Frames
}

// String formats as cdrecord -msinfo prints it: "start,next".
func (m MSInfo) String() string { return fmt.Sprintf("%d,%d", m.LastSessionStart, m.NextWritable) }

// MultiSession computes the multi-session information from READ TOC
// format 1 and the READ TRACK INFORMATION of the invisible track
// (InvisibleTrack). A blank disc has no previous session: its start is 0.
// It fails with ErrNotAppendable when the track has no valid next writable
// address.
func MultiSession(s *SessionInfo, next *TrackInfo) (MSInfo, error) {
	if !next.NWAValid {
		return MSInfo{}, ErrNotAppendable
	}
	m := MSInfo{NextWritable: next.NextWritable, Free: cd.Frames(next.FreeBlocks)}
	if s != nil {
		m.LastSessionStart = s.Start
	}
	if m.NextWritable < m.LastSessionStart {
		return MSInfo{}, fmt.Errorf("%w: next writable address %d before the last session's start %d", ErrFormat, m.NextWritable, m.LastSessionStart)
	}
	return m, nil
}
