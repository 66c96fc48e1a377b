// Package disc is the one model of a compact disc's layout that Spindle's
// formats and workflows share: sessions, tracks with their mode, flags,
// pre-gap, indexes and ISRC, the media catalog number and CD-TEXT, and
// where each track's sectors are stored (files, byte offsets, sector
// formats, or nothing for generated silence). CUE sheets and cdrdao TOC
// files are parsed into their own faithful syntax trees (packages cue and
// toc) and converted to and from this model; drives report it (READ TOC);
// rescue, rip, split and burn work from it.
//
// Addresses are logical block addresses (cd.LBA) of the program area, as
// MMC-6 READ TOC reports them: the first track of a disc normally starts at
// LBA 0 with a two-second pre-gap before it (ECMA-130 §22.3.1: the pre-gap
// of the first track is at least 150 sectors; cd.MSFOffset).
//
// A Reader reads the sectors of a layout from its backing files as a drive
// reads the disc: raw 2352-byte sectors (ReadRaw), user data (ReadUser,
// TrackData) and the P–W sub-channel (SubChannel), generating what the
// files do not store. Geometry, NextSessionStart and the TAO helpers give
// the areas between and around sessions and tracks that a layout does not
// list: lead-ins, lead-outs, and the link, run-in and run-out blocks of
// recordable discs.
package disc

import (
	"errors"
	"fmt"
	"strings"

	"spindle/cd"
)

// Mode is a track's sector mode (ECMA-130 §14; the XA forms of the CD-ROM
// XA specification, also in ECMA-130 §14.5 as Mode 2 form 1 and form 2).
type Mode int

const (
	// Audio is CD-DA: 2352 bytes of 16-bit stereo samples per sector.
	Audio Mode = iota
	// Mode0 sectors hold 2336 zero bytes after the header.
	Mode0
	// Mode1 sectors hold 2048 bytes of user data with EDC and ECC.
	Mode1
	// Mode2 is formless Mode 2: 2336 bytes of user data.
	Mode2
	// Mode2Form1 is XA Mode 2 form 1: 2048 bytes with EDC and ECC.
	Mode2Form1
	// Mode2Form2 is XA Mode 2 form 2: 2324 bytes, EDC optional.
	Mode2Form2
	// Mode2Mixed is XA Mode 2 with the form chosen per sector by the
	// subheader (CD-i, video CD, cdrdao MODE2_FORM_MIX).
	Mode2Mixed
)

var modeNames = [...]string{"audio", "mode0", "mode1", "mode2", "mode2-form1", "mode2-form2", "mode2-mixed"}

func (m Mode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("mode(%d)", int(m))
}

// IsData reports whether the mode is a data mode (the Q channel's control
// field records data tracks, ECMA-130 §22.3.2.2).
func (m Mode) IsData() bool { return m != Audio }

// UserSize is the number of user data bytes in a sector of the mode.
func (m Mode) UserSize() int {
	switch m {
	case Audio:
		return cd.RawSectorSize
	case Mode1, Mode2Form1:
		return cd.DataSectorSize
	case Mode2Form2:
		return 2324
	default:
		return 2336
	}
}

// Flags are the sub-channel Q control bits of a track (ECMA-130 §22.3.2.2).
type Flags struct {
	// Copy permitted (digital copy permitted bit).
	Copy bool
	// PreEmphasis of audio (50/15 µs).
	PreEmphasis bool
	// FourChannel audio.
	FourChannel bool
}

// Storage describes how the sectors of a segment are stored in its file.
type Storage int

const (
	// StoreRaw stores whole 2352-byte sectors: sync, header and all for
	// data, samples for audio.
	StoreRaw Storage = iota
	// StoreUser stores the user data only: 2048 bytes for Mode 1 and
	// form 1, 2324 for form 2, 2336 for formless Mode 2 and Mode 0.
	StoreUser
	// StoreMode2 stores Mode 2 sectors without sync and header: 2336
	// bytes (subheader included), the CUE MODE2/2336 and CDI/2336 layout.
	StoreMode2
)

// Segment is a run of a track's sectors and where they come from.
type Segment struct {
	// File names the backing file; "" means the sectors are generated
	// zeros (silence for audio, zero-filled data sectors).
	File string
	// Offset is the byte offset of the first sector in File.
	Offset int64
	// Sectors is how many sectors the segment holds.
	Sectors cd.Frames
	// Storage and SectorSize say how each sector is stored: SectorSize is
	// the bytes per sector in the file, sub-channel data included.
	Storage    Storage
	SectorSize int
	// SubChannel is the number of sub-channel bytes stored after each
	// sector (0, or 96 for raw P-W).
	SubChannel int
	// SwapBytes is set when audio samples are stored big-endian (cdrdao
	// writes them so; CUE FILE ... MOTOROLA), to be swapped into CD order.
	SwapBytes bool
	// Wave is set when File is a RIFF WAVE file: Offset then counts from
	// the start of its sample data.
	Wave bool
}

// Bytes is the size of the segment in its file.
func (s Segment) Bytes() int64 { return int64(s.Sectors) * int64(s.SectorSize) }

// Index is an index point within a track (ECMA-130 §22.3.3.2).
type Index struct {
	Number int    // 2..99 (0 and 1 are the track's pre-gap and start)
	LBA    cd.LBA // where it begins
}

// Text is CD-TEXT (the "Red Book" CD-TEXT extension, as CUE and TOC files
// write it): the common packs by name, anything else kept in Extra.
type Text struct {
	Title, Performer, Songwriter, Composer, Arranger, Message string
	ISRC, UPC                                                 string
	Extra                                                     map[string]string
}

// IsZero reports whether no field is set.
func (t Text) IsZero() bool {
	return t.Title == "" && t.Performer == "" && t.Songwriter == "" && t.Composer == "" && t.Arranger == "" &&
		t.Message == "" && t.ISRC == "" && t.UPC == "" && len(t.Extra) == 0
}

// Track is one track.
type Track struct {
	Number  int // 1..99
	Mode    Mode
	Flags   Flags
	ISRC    string
	Text    Text
	Pregap  cd.Frames // sectors of INDEX 00 before Start
	Start   cd.LBA    // INDEX 01
	Length  cd.Frames // from Start to the end of the track
	Indexes []Index   // INDEX 02 and up, in order
	// Postgap is a stretch of generated zero sectors after the track's
	// data, counted in Length (CUE POSTGAP).
	Postgap cd.Frames
	// Data lists where the track's sectors come from, in order from the
	// first sector of its pre-gap (Start − Pregap) on: segments of files,
	// and segments without a file for generated zeros (a CUE PREGAP or
	// POSTGAP, TOC SILENCE and ZERO). Sectors after the last segment, up
	// to End, are generated zeros too; a track without Data (a layout read
	// from a drive) is all zeros.
	Data []Segment
	// StoredPregap is how many of the Pregap sectors come from files (the
	// others are generated silence or zeros before them). Data says the
	// same; this is for reports.
	StoredPregap cd.Frames
	// TAO marks a track written track-at-once on a recordable disc: its
	// pre-gap begins with a link block and RunInBlocks run-in blocks, and
	// its last RunOutBlocks sectors (counted in Length, as READ TOC counts
	// them) are run-out blocks. None of them can be read (see TAOGap).
	TAO bool
	// CDI marks a CD-i track (Mode 2 sectors; CUE CDI/2352 and CDI/2336,
	// a cdrdao TOC of type CD_I, session format 10h in MMC-6 §6.26.3.1's
	// full TOC), so that converting a layout keeps the disc type.
	CDI bool
}

// End is the LBA after the track's last sector.
func (t *Track) End() cd.LBA { return t.Start + cd.LBA(t.Length) }

// Session is one session: its tracks and where its lead-out begins (0:
// where its last track ends). Layout.Geometry gives its lead-in and the
// lengths of both.
type Session struct {
	Number  int
	Tracks  []Track
	LeadOut cd.LBA
}

// Layout is a disc.
type Layout struct {
	// MCN is the media catalog number (13 digits, UPC/EAN).
	MCN      string
	Text     Text
	Sessions []Session
}

// Tracks returns every track in order, across sessions.
func (l *Layout) Tracks() []*Track {
	var out []*Track
	for i := range l.Sessions {
		for j := range l.Sessions[i].Tracks {
			out = append(out, &l.Sessions[i].Tracks[j])
		}
	}
	return out
}

// Track returns the track with the given number, or nil.
func (l *Layout) Track(n int) *Track {
	for _, t := range l.Tracks() {
		if t.Number == n {
			return t
		}
	}
	return nil
}

// ErrLayout is wrapped by the errors of Validate.
var ErrLayout = errors.New("disc: invalid layout")

// Validate checks what ECMA-130 and MMC require of a layout: track numbers
// 1..99 rising by one, sessions numbered from 1, tracks inside their
// session in address order without overlap, the pre-gap of each track
// after the previous track's end, index points inside their track and
// rising, an MCN of 13 digits and ISRCs of 12 characters (ECMA-130
// §22.3.4: country, owner, year, serial).
func (l *Layout) Validate() error {
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if l.MCN != "" && !allDigits(l.MCN, 13) {
		add("catalog number %q: want 13 digits", l.MCN)
	}
	next := 0
	var prevEnd cd.LBA
	first := true
	for si, s := range l.Sessions {
		if s.Number != si+1 {
			add("session %d is numbered %d", si+1, s.Number)
		}
		if len(s.Tracks) == 0 {
			add("session %d has no tracks", s.Number)
		}
		for _, t := range s.Tracks {
			switch {
			case t.Number < 1 || t.Number > 99:
				add("track number %d: want 1..99", t.Number)
			case next != 0 && t.Number != next:
				add("track %d follows track %d", t.Number, next-1)
			}
			next = t.Number + 1
			if t.Pregap < 0 || t.Length <= 0 {
				add("track %d: pre-gap %d and length %d sectors", t.Number, t.Pregap, t.Length)
			}
			if !first && t.Start-cd.LBA(t.Pregap) < prevEnd {
				add("track %d starts at %d (pre-gap %d) before the previous track ends at %d", t.Number, t.Start, t.Pregap, prevEnd)
			}
			at := t.Start
			for _, x := range t.Indexes {
				if x.Number < 2 || x.Number > 99 || x.LBA <= at || x.LBA >= t.End() {
					add("track %d: index %d at %d outside the track or out of order", t.Number, x.Number, x.LBA)
				}
				at = x.LBA
			}
			if t.ISRC != "" && !validISRC(t.ISRC) {
				add("track %d: ISRC %q: want 12 characters CCOOOYYSSSSS", t.Number, t.ISRC)
			}
			var stored cd.Frames
			for _, d := range t.Data {
				if d.Sectors < 0 || d.SectorSize <= 0 && d.File != "" || d.Offset < 0 {
					add("track %d: a data segment of %d sectors of %d bytes at byte %d", t.Number, d.Sectors, d.SectorSize, d.Offset)
				}
				stored += d.Sectors
			}
			if stored > t.Pregap+t.Length {
				add("track %d: %d sectors stored for a track of %d", t.Number, stored, t.Pregap+t.Length)
			}
			prevEnd, first = t.End(), false
		}
		if len(s.Tracks) > 0 && s.LeadOut != 0 && s.LeadOut < prevEnd {
			add("session %d: lead-out at %d before its last track ends at %d", s.Number, s.LeadOut, prevEnd)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrLayout, strings.Join(errs, "; "))
}

func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// validISRC checks the form CCOOOYYSSSSS: two letters of country, three
// alphanumerics of owner, two digits of year, five of serial.
func validISRC(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < 12; i++ {
		c := s[i]
		alpha := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
		digit := c >= '0' && c <= '9'
		switch {
		case i < 2 && !alpha, i >= 2 && i < 5 && !alpha && !digit, i >= 5 && !digit:
			return false
		}
	}
	return true
}
