package cue

import (
	"errors"
	"fmt"
	"strings"

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

// trackCueMode is cueMode for track t, whose Mode 2 sectors are CDI ones
// on a CD-i disc.
func trackCueMode(t *disc.Track, s disc.Storage, sub int) (Mode, error) {
	m, err := cueMode(t.Mode, s, sub)
	if err == nil && t.CDI {
		switch m {
		case Mode2_2352:
			m = CDI_2352
		case Mode2_2336:
			m = CDI_2336
		}
	}
	return m, err
}

// TrackMode is the CUE track mode of the sectors of t as its files store
// them (its first segment with a file; raw sectors for a track without
// one), or an error wrapping ErrNotExpressible.
func TrackMode(t *disc.Track) (Mode, error) {
	storage, size, sub := disc.StoreRaw, cd.RawSectorSize, 0
	for _, g := range t.Data {
		if g.File != "" {
			storage, size, sub = g.Storage, g.SectorSize, g.SubChannel
			break
		}
	}
	m, err := trackCueMode(t, storage, sub)
	if err == nil && m.SectorSize() != size {
		err = fmt.Errorf("%w: %d-byte sectors for %s", ErrNotExpressible, size, m)
	}
	return m, err
}

// FromDisc describes a disc layout as a CUE sheet over the files its
// tracks come from. A track's generated zeros before INDEX 01 become
// PREGAP, after its data POSTGAP; its stored pre-gap becomes INDEX 00.
// Audio stored big-endian is a MOTOROLA file, a WAVE file a WAVE file.
// Sessions after the first are marked with REM SESSION. CD-TEXT that a
// sheet cannot quote is adjusted (see cueText). What a sheet
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
	// A FILE command starts a new file (a track runs to the end of its
	// FILE), so each data file is one FILE of one type: MOTOROLA when its
	// audio is stored big-endian (the type concerns audio samples only).
	types := map[string]FileType{}
	audio := map[string]bool{} // files whose type some audio already set
	for _, t := range l.Tracks() {
		for _, g := range t.Data {
			if g.File == "" {
				continue
			}
			if _, seen := types[g.File]; !seen {
				types[g.File] = Binary
			}
			if t.Mode != disc.Audio {
				continue
			}
			ft := Binary
			switch {
			case g.Wave:
				ft = Wave
			case g.SwapBytes:
				ft = Motorola
			}
			if audio[g.File] && types[g.File] != ft {
				return nil, fmt.Errorf("%w: %s holds audio in both byte orders", ErrNotExpressible, g.File)
			}
			types[g.File], audio[g.File] = ft, true
		}
	}
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
			mode, err := trackCueMode(&t, first.Storage, first.SubChannel)
			if err != nil {
				return nil, fmt.Errorf("track %d: %w", t.Number, err)
			}
			if mode.SectorSize() != first.SectorSize {
				return nil, fmt.Errorf("%w: track %d: %d-byte sectors for %s", ErrNotExpressible, t.Number, first.SectorSize, mode)
			}
			ct.Mode = mode
			if cur == nil || first.File != curName {
				s.Files = append(s.Files, File{Name: first.File, Type: types[first.File]})
				cur, curName = &fileState{index: len(s.Files) - 1}, first.File
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

// cueText converts CD-TEXT. A CUE string cannot hold a double quote (the
// grammar has no escapes) nor a line break: they become an apostrophe and
// a space.
func cueText(t disc.Text) CDText {
	q := strings.NewReplacer("\"", "'", "\r\n", " ", "\n", " ", "\r", " ").Replace
	return CDText{Title: q(t.Title), Performer: q(t.Performer), Songwriter: q(t.Songwriter), Composer: q(t.Composer),
		Arranger: q(t.Arranger), Message: q(t.Message), UPCEAN: q(t.UPC),
		DiscID: q(t.Extra["DISC_ID"]), Genre: q(t.Extra["GENRE"]), TOCInfo1: q(t.Extra["TOC_INFO1"]), TOCInfo2: q(t.Extra["TOC_INFO2"]), SizeInfo: q(t.Extra["SIZE_INFO"])}
}

// discMode is the disc model's mode and storage of a CUE track mode.
func discMode(m Mode) (disc.Mode, disc.Storage, int) {
	switch m {
	case Audio:
		return disc.Audio, disc.StoreRaw, 0
	case CDG:
		return disc.Audio, disc.StoreRaw, cd.SubchannelSize
	case Mode1_2048:
		return disc.Mode1, disc.StoreUser, 0
	case Mode1_2352:
		return disc.Mode1, disc.StoreRaw, 0
	case Mode2_2048:
		return disc.Mode2Form1, disc.StoreUser, 0
	case Mode2_2324:
		return disc.Mode2Form2, disc.StoreUser, 0
	case Mode2_2352, CDI_2352:
		return disc.Mode2, disc.StoreRaw, 0
	default: // MODE2/2336, CDI/2336
		return disc.Mode2, disc.StoreMode2, 0
	}
}

// Disc converts the sheet to the disc model. size reports the bytes of
// sector data in each file, as for Extents. Tracks are numbered and
// ordered as the sheet has them; a PREGAP becomes generated zeros before
// INDEX 01, a POSTGAP after the track's data. Addresses count from the
// first sector of the first track at LBA 0. REM SESSION starts a new
// session, which begins where it does on the disc: after the previous
// session's lead-out and its own lead-in, which images leave out (see
// sessionStart), so that its addresses are those its data records (the
// ISO 9660 image of a CD-Extra's data session counts from the start of
// the disc).
func (s *Sheet) Disc(size func(name string) (int64, error)) (*disc.Layout, error) {
	ext, err := s.Extents(size)
	if err != nil {
		return nil, err
	}
	l := &disc.Layout{MCN: s.Catalog, Text: discText(s.Text)}
	var sess *disc.Session
	lba := cd.LBA(0)
	for ti := range s.Tracks {
		t := &s.Tracks[ti]
		num := max(t.Session, 1)
		laterSession := false
		if sess == nil || sess.Number != num {
			if sess != nil {
				sess.LeadOut = lba
				laterSession = true
			}
			l.Sessions = append(l.Sessions, disc.Session{Number: num})
			sess = &l.Sessions[len(l.Sessions)-1]
		}
		mode, storage, sub := discMode(t.Mode)
		d := disc.Track{Number: t.Number, Mode: mode, ISRC: t.ISRC, Text: discText(t.Text),
			Flags: disc.Flags{Copy: t.Flags&DCP != 0, PreEmphasis: t.Flags&PRE != 0, FourChannel: t.Flags&FourCH != 0},
			CDI:   t.Mode == CDI_2352 || t.Mode == CDI_2336}
		if t.Pregap > 0 {
			d.Data = append(d.Data, disc.Segment{Sectors: t.Pregap, Storage: storage, SectorSize: t.Mode.SectorSize()})
		}
		var stored, storedPregap cd.Frames
		var idx1 cd.Frames = -1 // sectors of stored data before INDEX 01
		// Where each of the track's runs begins: the run's first sector in
		// its file's time base, and the track's stored sectors before it.
		type runStart struct{ start, before cd.Frames }
		runs := map[int]runStart{}
		for _, e := range ext {
			if e.Track != ti {
				continue
			}
			runs[e.File] = runStart{e.Start, stored}
			f := s.Files[e.File]
			seg := disc.Segment{File: f.Name, Offset: e.Offset, Sectors: e.Length, Storage: storage,
				SectorSize: e.SectorSize, SubChannel: sub, Wave: f.Type == Wave,
				SwapBytes: mode == disc.Audio && f.Type == Motorola}
			// Where INDEX 01 lies in this run.
			for _, x := range t.Indexes {
				if x.Number == 1 && x.File == e.File {
					idx1 = stored + cd.Frames(x.Pos.Frames()) - e.Start
				}
			}
			d.Data = append(d.Data, seg)
			stored += e.Length
		}
		if idx1 < 0 {
			idx1 = 0
		}
		storedPregap = idx1
		d.Pregap = t.Pregap + storedPregap
		d.StoredPregap = storedPregap
		d.Start = lba + cd.LBA(d.Pregap)
		if laterSession {
			// The session begins after the previous one's lead-out and its
			// own lead-in, which the image does not hold.
			prev := len(l.Sessions) - 2
			d.Start = max(d.Start, sessionStart(s, ti, l.Sessions[prev].LeadOut, prev == 0, d.Pregap))
		}
		d.Length = stored - storedPregap + t.Postgap
		d.Postgap = t.Postgap
		if t.Postgap > 0 {
			d.Data = append(d.Data, disc.Segment{Sectors: t.Postgap, Storage: storage, SectorSize: t.Mode.SectorSize()})
		}
		for _, x := range t.Indexes {
			if x.Number < 2 {
				continue
			}
			// An index time counts from the start of its own file, which
			// may come after the file of INDEX 01.
			r, ok := runs[x.File]
			if !ok {
				continue
			}
			at := r.before + cd.Frames(x.Pos.Frames()) - r.start // stored sectors before the index
			d.Indexes = append(d.Indexes, disc.Index{Number: x.Number, LBA: d.Start + cd.LBA(at-idx1)})
		}
		lba = d.End()
		sess.Tracks = append(sess.Tracks, d)
	}
	if sess != nil {
		sess.LeadOut = lba
	}
	return l, nil
}

// sessionStart is where INDEX 01 of track ti, the first of a session
// after the one whose lead-out begins at prevLeadOut, lies on the disc:
// after that lead-out, this session's lead-in and its first track's
// pre-gap (disc.NextSessionStart). Their lengths are the Orange Book's
// unless the sheet gives them in the REM lines disc dumpers (Redump,
// ImgBurn) write around REM SESSION: "REM LEAD-OUT MM:SS:FF" after the
// previous track, "REM LEAD-IN" and "REM PREGAP" after REM SESSION. A
// pre-gap the image stores (INDEX 00) counts as much of the pre-gap.
func sessionStart(s *Sheet, ti int, prevLeadOut cd.LBA, first bool, stored cd.Frames) cd.LBA {
	leadOut := disc.LeadOutLength(1)
	if first {
		leadOut = disc.LeadOutLength(0)
	}
	leadIn, pregap := disc.LaterLeadInLength, disc.StandardPregap
	remMSF := func(rems []Rem, key string, into *cd.Frames) {
		for _, r := range rems {
			if k, v := r.Field(); k == key {
				if m, err := cd.ParseMSF(v); err == nil {
					*into = m.Frames()
				}
			}
		}
	}
	if ti > 0 {
		remMSF(s.Tracks[ti-1].Rems, "LEAD-OUT", &leadOut)
	}
	remMSF(s.Tracks[ti].SessionRems, "LEAD-OUT", &leadOut)
	remMSF(s.Tracks[ti].SessionRems, "LEAD-IN", &leadIn)
	remMSF(s.Tracks[ti].SessionRems, "PREGAP", &pregap)
	return prevLeadOut.Add(leadOut + leadIn + max(pregap, stored))
}

func discText(t CDText) disc.Text {
	d := disc.Text{Title: t.Title, Performer: t.Performer, Songwriter: t.Songwriter, Composer: t.Composer,
		Arranger: t.Arranger, Message: t.Message, UPC: t.UPCEAN}
	for k, v := range map[string]string{"DISC_ID": t.DiscID, "GENRE": t.Genre, "TOC_INFO1": t.TOCInfo1, "TOC_INFO2": t.TOCInfo2, "SIZE_INFO": t.SizeInfo} {
		if v != "" {
			if d.Extra == nil {
				d.Extra = map[string]string{}
			}
			d.Extra[k] = v
		}
	}
	return d
}
