package toc

import (
	"errors"
	"fmt"
)

// MaxTracks is the largest track number of a CD.
const MaxTracks = 99

// Validate checks the rules cdrdao enforces when it reads a TOC file
// beyond its grammar, and a few of the Red Book's, returning every problem
// found as a *SyntaxError with the line and column of the statement:
//
//   - 1 to 99 tracks, FIRST_TRACK_NO 1–99 and the last track number ≤ 99;
//   - CATALOG of 13 digits; ISRC "CCOOOYYSSSSS" (country and owner upper
//     case letters or digits, year and serial digits);
//   - FILE, AUDIOFILE and SILENCE only in AUDIO tracks without
//     sub-channel mode, and not mixed with DATAFILE, FIFO or ZERO in one
//     track (PREGAP counts as SILENCE in an audio track, ZERO otherwise);
//   - SILENCE, ZERO and PREGAP not empty; one START (or PREGAP) and one
//     END per track;
//   - INDEX not 0 and, a check cdrdao leaves out, increasing; at most 98;
//   - START, END and INDEX inside the track when its length does not
//     depend on a file's size (Layout checks the others);
//   - CD-TEXT language numbers 0–7, language codes 0–255, and no GENRE,
//     TOC_INFO1, TOC_INFO2 or SIZE_INFO in a track's block.
//
// Validate returns nil for a TOC that follows these rules.
func (t *TOC) Validate() []error {
	var errs []error
	bad := func(pos Pos, format string, args ...any) {
		errs = append(errs, t.errAt(pos, format, args...))
	}
	switch n := len(t.Tracks); {
	case n == 0:
		bad(Pos{}, "no tracks")
	case n > MaxTracks:
		bad(t.Tracks[MaxTracks].Pos, "%d tracks (at most %d)", n, MaxTracks)
	}
	if t.FirstTrack != 0 {
		if t.FirstTrack < 1 || t.FirstTrack > MaxTracks {
			bad(t.firstTrackPos, "FIRST_TRACK_NO %d out of range (1-%d)", t.FirstTrack, MaxTracks)
		} else if last := t.FirstTrack + len(t.Tracks) - 1; last > MaxTracks {
			bad(t.firstTrackPos, "FIRST_TRACK_NO %d with %d tracks makes a track %d (at most %d)", t.FirstTrack, len(t.Tracks), last, MaxTracks)
		}
	}
	if t.Catalog != "" && !validCatalog(t.Catalog) {
		bad(t.catalogPos, "CATALOG %q is not 13 digits", t.Catalog)
	}
	if t.CDText != nil {
		errs = append(errs, t.validateCDText(t.CDText, true)...)
	}
	for i := range t.Tracks {
		errs = append(errs, t.validateTrack(i)...)
	}
	return errs
}

func validCatalog(s string) bool {
	if len(s) != 13 {
		return false
	}
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// ValidISRC reports whether s is an ISRC as TOC files write it:
// "CCOOOYYSSSSS", country and owner code upper case letters or digits,
// year and serial number digits.
func ValidISRC(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if i < 5 && 'A' <= c && c <= 'Z' {
			continue
		}
		if !isDigit(c) {
			return false
		}
	}
	return true
}

func (t *TOC) validateTrack(i int) []error {
	tr := &t.Tracks[i]
	var errs []error
	bad := func(pos Pos, format string, args ...any) {
		errs = append(errs, t.errAt(pos, "track %d: "+format, append([]any{i + 1}, args...)...))
	}
	if tr.ISRC != "" && !ValidISRC(tr.ISRC) {
		bad(tr.isrcPos, "ISRC %q is not CCOOOYYSSSSS", tr.ISRC)
	}
	audio := tr.Mode == ModeAudio
	// cut is the kind of the track's data so far: 1 for FILE/SILENCE
	// (lengths in samples), 0 for DATAFILE/FIFO/ZERO, -1 none yet.
	cut := -1
	mix := func(pos Pos, c int) {
		if cut >= 0 && cut != c {
			bad(pos, "FILE, AUDIOFILE and SILENCE (and PREGAP in an audio track) cannot be mixed with DATAFILE, FIFO and ZERO in one track")
		}
		cut = c
	}
	starts := 0
	if tr.Pregap != nil {
		starts++
		if tr.Pregap.Frames() == 0 {
			bad(tr.PregapPos, "PREGAP of length zero")
		}
		if audio {
			mix(tr.PregapPos, 1)
		} else {
			mix(tr.PregapPos, 0)
		}
	}
	ends := 0
	for j := range tr.Items {
		it := &tr.Items[j]
		switch it.Kind {
		case AudioFile, Silence:
			if !audio {
				bad(it.Pos, "%s is only allowed in AUDIO tracks", it.Kind)
			} else if tr.SubChannel != SubChannelNone {
				bad(it.Pos, "%s is only allowed in tracks without sub-channel mode", it.Kind)
			}
			if it.Kind == Silence && it.Length != nil && it.Length.IsZero() {
				bad(it.Pos, "SILENCE of length zero")
			}
			mix(it.Pos, 1)
		case DataFile, Fifo:
			mix(it.Pos, 0)
		case Zero:
			if it.ZeroMode != "" && BlockSize(it.ZeroMode, SubChannelNone) == 0 {
				bad(it.Pos, "ZERO with unknown mode %q", it.ZeroMode)
			}
			if it.Length != nil && it.Length.IsZero() {
				bad(it.Pos, "ZERO of length zero")
			}
			mix(it.Pos, 0)
		case Start:
			if starts++; starts > 1 {
				bad(it.Pos, "track start (end of pre-gap) already defined")
			}
		case End:
			if ends++; ends > 1 {
				bad(it.Pos, "track end (start of post-gap) already defined")
			}
		}
	}
	if len(tr.Indexes) > 98 {
		bad(tr.Indexes[98].Pos, "more than 98 INDEX statements")
	}
	for k, x := range tr.Indexes {
		if x.At.Frames() == 0 {
			bad(x.Pos, "INDEX at the track start")
		} else if k > 0 && x.At.Frames() <= tr.Indexes[k-1].At.Frames() {
			bad(x.Pos, "INDEX %s not after the previous INDEX %s", x.At, tr.Indexes[k-1].At)
		}
	}
	if tr.CDText != nil {
		errs = append(errs, t.validateCDText(tr.CDText, false)...)
	}
	if len(errs) == 0 && starts <= 1 && ends <= 1 {
		// Positions against the track length, when it is known.
		if _, lerrs := t.layoutTrack(tr, nil); len(lerrs) > 0 && !errors.Is(lerrs[0], errNeedSize) {
			for _, e := range lerrs {
				if se, ok := e.(*SyntaxError); ok {
					se.Msg = fmt.Sprintf("track %d: %s", i+1, se.Msg)
				}
				errs = append(errs, e)
			}
		}
	}
	return errs
}

func (t *TOC) validateCDText(c *CDText, global bool) []error {
	var errs []error
	bad := func(pos Pos, format string, args ...any) {
		errs = append(errs, t.errAt(pos, format, args...))
	}
	if !global && len(c.LanguageMap) > 0 {
		bad(c.Pos, "LANGUAGE_MAP in a track's CD_TEXT")
	}
	for _, m := range c.LanguageMap {
		if m.Block < 0 || m.Block > 7 {
			bad(m.Pos, "CD-TEXT language number %d out of range (0-7)", m.Block)
		}
		if m.Code < 0 || m.Code > 255 {
			bad(m.Pos, "CD-TEXT language code %d out of range (0-255)", m.Code)
		}
	}
	for _, l := range c.Languages {
		if l.Block < 0 || l.Block > 7 {
			bad(l.Pos, "CD-TEXT block number %d out of range (0-7)", l.Block)
		}
		if global {
			continue
		}
		for _, it := range l.Items {
			switch it.Type {
			case Genre, TOCInfo1, TOCInfo2, SizeInfo:
				bad(it.Pos, "CD-TEXT item %s is not allowed in a track", it.Type)
			}
		}
	}
	return errs
}
