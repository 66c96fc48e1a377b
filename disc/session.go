package disc

import "spindle/cd"

// The areas around a session's program area, and the blocks a recorder
// adds around a track written track-at-once.
//
// A CD holds sessions one after the other, each a lead-in (the table of
// contents in its Q sub-channel), a program area (the tracks, each with a
// pre-gap of index 0 before its INDEX 01) and a lead-out (ECMA-130 §9,
// §22.3.3). On a single-session disc the lead-in ends where the first
// track's pre-gap begins, at absolute time 00:00:00 (LBA −cd.MSFOffset),
// and starts wherever the medium puts it (a pressed disc's master, or the
// ATIP "start time of lead-in" of a CD-R: MMC-6 READ TOC format 4): that is
// a property of the medium, not of the layout. The Orange Book (Part II,
// multi-session) fixes the sizes of everything after the first program
// area: the first session's lead-out is 6750 blocks (1 min 30 s), every
// later lead-out 2250 (30 s), every later lead-in 4500 (1 min), and the
// first track of every later session has the standard 150-block pre-gap.
// The next session's first track therefore starts (INDEX 01) 11400
// blocks after the first session's lead-out starts, and 6900 blocks after
// a later one's; cdrecord -msinfo and MMC-6 READ TOC format 2 (point B0,
// "next possible program area") report that address.

// Lengths of the areas between sessions (Orange Book Part II).
const (
	// FirstLeadOutLength is the length of the first session's lead-out.
	FirstLeadOutLength cd.Frames = 90 * cd.FramesPerSecond
	// LaterLeadOutLength is the length of the lead-out of every later
	// session.
	LaterLeadOutLength cd.Frames = 30 * cd.FramesPerSecond
	// LaterLeadInLength is the length of the lead-in of every session after
	// the first.
	LaterLeadInLength cd.Frames = 60 * cd.FramesPerSecond
	// StandardPregap is the two-second pre-gap of the first track of a disc
	// or session and of a data track after audio (ECMA-130 §22.3.3.1:
	// "at least 2 s"), and of every track written track-at-once. It is
	// the same two seconds as cd.MSFOffset, which is why LBA 0 is
	// absolute time 00:00:02.
	StandardPregap cd.Frames = cd.MSFOffset
)

// LeadOutLength is the length of the lead-out of the session with index i
// (0 for the first session).
func LeadOutLength(i int) cd.Frames {
	if i == 0 {
		return FirstLeadOutLength
	}
	return LaterLeadOutLength
}

// NextSessionStart returns the address of INDEX 01 of the first track of
// the session that follows a session whose lead-out starts at prevLeadOut:
// after that lead-out, a lead-in and the standard pre-gap. first says
// whether the previous session is the disc's first (its lead-out is
// longer): 11400 blocks later after the first session, 6900 after a later
// one (Orange Book Part II; what cdrecord -msinfo prints as its second
// number, and MMC-6 READ TOC format 2 as the B0 pointer).
func NextSessionStart(prevLeadOut cd.LBA, first bool) cd.LBA {
	lo := LaterLeadOutLength
	if first {
		lo = FirstLeadOutLength
	}
	return prevLeadOut.Add(lo + LaterLeadInLength + StandardPregap)
}

// SessionGeometry is where the parts of one session lie on the disc.
type SessionGeometry struct {
	// LeadIn is the first block of the lead-in and LeadInLength its
	// length. For the first session only the end is known (see above):
	// LeadIn is then ProgramStart and LeadInLength 0.
	LeadIn       cd.LBA
	LeadInLength cd.Frames
	// ProgramStart is the first block of the first track's pre-gap, where
	// the lead-in ends.
	ProgramStart cd.LBA
	// LeadOut is the first block of the lead-out and LeadOutLength its
	// length.
	LeadOut       cd.LBA
	LeadOutLength cd.Frames
	// NextSession is where INDEX 01 of the first track of a session
	// appended after this one would be (NextSessionStart).
	NextSession cd.LBA
}

// Geometry returns where the lead-in, program area and lead-out of the
// session with index i lie. The program area starts at the first track's
// pre-gap, but never later than the end of the lead-in (the first
// session: absolute time 00:00:00, LBA −150; a later one: the previous
// lead-out plus its length plus LaterLeadInLength); sectors between there
// and the pre-gap the layout records are pre-gap too, as on a disc there
// is nothing else. A session whose LeadOut is 0 ends with its last track.
// i must index l.Sessions.
func (l *Layout) Geometry(i int) SessionGeometry {
	s := &l.Sessions[i]
	var g SessionGeometry
	if i == 0 {
		g.ProgramStart = cd.LBA(-cd.MSFOffset)
		g.LeadIn = g.ProgramStart
	} else {
		prev := l.Geometry(i - 1)
		g.LeadIn = prev.LeadOut.Add(prev.LeadOutLength)
		g.LeadInLength = LaterLeadInLength
		g.ProgramStart = g.LeadIn.Add(g.LeadInLength)
	}
	if len(s.Tracks) > 0 {
		t := &s.Tracks[0]
		if first := t.Start - cd.LBA(t.Pregap); first < g.ProgramStart {
			// A layout of an image whose sessions follow each other
			// without the areas between: the program area is what it says.
			g.ProgramStart = first
			if i > 0 {
				g.LeadIn, g.LeadInLength = first, 0
			} else {
				g.LeadIn = first
			}
		}
	}
	g.LeadOut = s.LeadOut
	if g.LeadOut == 0 && len(s.Tracks) > 0 {
		g.LeadOut = s.Tracks[len(s.Tracks)-1].End()
	}
	g.LeadOutLength = LeadOutLength(i)
	g.NextSession = NextSessionStart(g.LeadOut, i == 0)
	return g
}

// Blocks a recorder writes around a track written track-at-once (TAO) on
// CD-R or CD-RW, where the laser starts and stops (Orange Book Part II,
// "linking"; MMC-6 Write Parameters mode page, write type Track At Once):
// the track's data is followed by two run-out blocks, and the next
// recording begins with a link block and four run-in blocks. None of them holds user data and
// drives fail to read them (K3b and Nero trim the two run-out blocks from
// the length the TOC gives a TAO data track; mkisofs -pad and xorriso add
// 150 blocks of zeros to an image so that read-ahead at its end stays
// clear of them). A sector header marks them in bits 7-5 of its mode byte
// (Orange Book: 111 and 110 the first and second run-out block, 101 the
// link block, 100 to 001 the four run-in blocks).
//
// The TOC counts the run-out blocks in the track before (its length
// includes them) and the link and run-in blocks in the pre-gap of the
// track after, so consecutive TAO tracks are 2 + 150 blocks apart
// (cdrdao read-toc --tao-source assumes exactly that) and TAOGap, the 7
// unreadable blocks between the data of two recordings, is what packet
// writing loses at each packet too.
const (
	RunOutBlocks cd.Frames = 2
	LinkBlocks   cd.Frames = 1
	RunInBlocks  cd.Frames = 4
	// TAOGap is the number of unreadable blocks between the data of one
	// TAO recording and the next.
	TAOGap = RunOutBlocks + LinkBlocks + RunInBlocks
)

// TAOTrackEnd returns where the table of contents ends a track written
// track-at-once whose data ends before dataEnd: after its two run-out
// blocks. That is the track's End in a layout, and the start of the
// session's lead-out when the track is its last.
func TAOTrackEnd(dataEnd cd.LBA) cd.LBA { return dataEnd.Add(RunOutBlocks) }

// TAONextTrackStart returns INDEX 01 of the track written track-at-once
// after a track whose data ends before dataEnd, given its pre-gap (0 for
// StandardPregap): after the run-out blocks and the pre-gap, whose first
// LinkBlocks+RunInBlocks blocks are the link and run-in blocks.
func TAONextTrackStart(dataEnd cd.LBA, pregap cd.Frames) cd.LBA {
	if pregap <= 0 {
		pregap = StandardPregap
	}
	return TAOTrackEnd(dataEnd).Add(pregap)
}
