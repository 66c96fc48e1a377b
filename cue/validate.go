package cue

import (
	"fmt"

	"spindle/cd"
)

// Validate checks the rules of the format that the grammar does not
// express, and returns every violation found as a *SyntaxError naming the
// line and column of the command at fault (no position for values built by
// a program). A sheet Parse accepted may still break them. The rules:
//
//   - there is at least one track; track numbers are 1–99, the first any,
//     each next one greater by one;
//   - every track has INDEX 01; its first index is 00 or 01 and index
//     numbers go up by one; index times are valid (seconds below 60,
//     frames below 75) and increase within a file, across tracks too;
//   - the first index in each FILE is 00:00:00;
//   - FLAGS and ISRC come after TRACK and before the first INDEX, PREGAP
//     before the first INDEX, POSTGAP after the last;
//   - ISRC is CCOOOYYSSSSS (country letters, owner letters or digits, year
//     and serial digits), CATALOG 13 digits;
//   - tracks of encoded-audio files (WAVE, MP3, AIFF) are AUDIO;
//   - the mode and file type are known;
//   - when REM SESSION is used, every track has a session, the first is 1
//     and sessions go up by one.
func (s *Sheet) Validate() []error {
	var errs []error
	add := func(p Pos, format string, args ...any) {
		errs = append(errs, &SyntaxError{File: s.Name, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)})
	}
	if s.Catalog != "" && !isDigits(s.Catalog, 13) {
		add(s.CatalogPos, "CATALOG %q: want 13 digits", s.Catalog)
	}
	for _, f := range s.Files {
		if !f.Type.Known() {
			add(f.Pos, "FILE %q: unknown file type %q", f.Name, f.Type)
		}
	}
	if len(s.Tracks) == 0 {
		add(Pos{}, "no TRACK")
	}
	type last struct {
		pos   cd.Frames
		track int
	}
	lastInFile := map[int]last{}
	session := 0
	for i := range s.Tracks {
		t := &s.Tracks[i]
		at := t.Pos
		if t.Number < 1 || t.Number > 99 {
			add(at, "track number %d out of range 1–99", t.Number)
		} else if i > 0 && t.Number != s.Tracks[i-1].Number+1 {
			add(at, "track %d follows track %d: track numbers must go up by one", t.Number, s.Tracks[i-1].Number)
		}
		if !t.Mode.Known() {
			add(at, "track %d: unknown mode %q", t.Number, t.Mode)
		}
		if t.File >= 0 && t.File < len(s.Files) && s.Files[t.File].Type.Audio() && !t.Mode.IsAudio() {
			add(at, "track %d: %s track in %s file %q", t.Number, t.Mode, s.Files[t.File].Type, s.Files[t.File].Name)
		}
		if t.ISRC != "" && !validISRC(t.ISRC) {
			add(t.ISRCPos, "track %d: ISRC %q: want CCOOOYYSSSSS (2 letters, 3 letters or digits, 7 digits)", t.Number, t.ISRC)
		}
		switch {
		case t.Session == 0 && session != 0:
			add(at, "track %d has no REM SESSION, but earlier tracks have", t.Number)
		case t.Session != 0 && session == 0 && t.Session != 1:
			add(at, "track %d: first session is %d, want 1", t.Number, t.Session)
		case t.Session != 0 && session != 0 && t.Session != session && t.Session != session+1:
			add(at, "track %d: session %d follows session %d", t.Number, t.Session, session)
		}
		if i == 0 || session != 0 {
			session = t.Session
		}
		if len(t.Indexes) == 0 {
			add(at, "track %d has no INDEX 01", t.Number)
			continue
		}
		first, lastIdx := t.Indexes[0], t.Indexes[len(t.Indexes)-1]
		// placement
		before := func(p Pos, what string) {
			if p.IsValid() && first.At.IsValid() && p.Line > first.At.Line {
				add(p, "track %d: %s after INDEX (must come before the first INDEX)", t.Number, what)
			}
		}
		before(t.FlagsPos, "FLAGS")
		before(t.ISRCPos, "ISRC")
		before(t.PregapPos, "PREGAP")
		if t.PostgapPos.IsValid() && lastIdx.At.IsValid() && t.PostgapPos.Line < lastIdx.At.Line {
			add(t.PostgapPos, "track %d: POSTGAP before INDEX (must come after the last INDEX)", t.Number)
		}
		if first.Number > 1 {
			add(first.At, "track %d: first index is %02d, want 00 or 01", t.Number, first.Number)
		}
		has1 := false
		for j, x := range t.Indexes {
			if x.Number == 1 {
				has1 = true
			}
			if x.Number < 0 || x.Number > 99 {
				add(x.At, "track %d: index number %d out of range 0–99", t.Number, x.Number)
			}
			if j > 0 && x.Number != t.Indexes[j-1].Number+1 {
				add(x.At, "track %d: INDEX %02d follows INDEX %02d: index numbers must go up by one", t.Number, x.Number, t.Indexes[j-1].Number)
			}
			if !x.Pos.Valid() {
				add(x.At, "track %d: INDEX %02d time %s out of range (seconds below 60, frames below 75)", t.Number, x.Number, x.Pos)
			}
			if x.File < t.File || j > 0 && x.File < t.Indexes[j-1].File {
				add(x.At, "track %d: INDEX %02d refers to an earlier FILE", t.Number, x.Number)
			}
			fr := x.Pos.Frames()
			if l, ok := lastInFile[x.File]; !ok {
				if fr != 0 {
					f := ""
					if x.File >= 0 && x.File < len(s.Files) {
						f = s.Files[x.File].Name
					}
					add(x.At, "track %d: INDEX %02d at %s is the first in FILE %q and must be 00:00:00", t.Number, x.Number, x.Pos, f)
				}
			} else if fr <= l.pos {
				add(x.At, "track %d: INDEX %02d at %s does not come after the previous index in the file", t.Number, x.Number, x.Pos)
			}
			lastInFile[x.File] = last{fr, i}
		}
		if !has1 {
			add(at, "track %d has no INDEX 01", t.Number)
		}
	}
	return errs
}

// validISRC checks CCOOOYYSSSSS: country code letters, registrant code
// letters or digits, year and designation code digits (ISO 3901).
func validISRC(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < 12; i++ {
		c := s[i]
		letter := 'A' <= c && c <= 'Z'
		digit := '0' <= c && c <= '9'
		switch {
		case i < 2 && !letter, i >= 2 && i < 5 && !letter && !digit, i >= 5 && !digit:
			return false
		}
	}
	return true
}
