package toc

import (
	"fmt"
	"path"
	"strings"

	"spindle/cd"
	"spindle/disc"
)

// DiscMode is the disc model's sector mode of a TOC track mode.
func DiscMode(m Mode) disc.Mode {
	switch m {
	case ModeAudio:
		return disc.Audio
	case ModeMode0:
		return disc.Mode0
	case ModeMode1, ModeMode1Raw:
		return disc.Mode1
	case ModeMode2Form1:
		return disc.Mode2Form1
	case ModeMode2Form2:
		return disc.Mode2Form2
	case ModeMode2FormMix:
		return disc.Mode2Mixed
	default:
		return disc.Mode2
	}
}

// storage is how cdrdao stores a sector of mode m in a file.
func storage(m Mode) disc.Storage {
	switch m {
	case ModeAudio, ModeMode1Raw, ModeMode2Raw:
		return disc.StoreRaw
	case ModeMode2, ModeMode2FormMix:
		return disc.StoreMode2
	default:
		return disc.StoreUser
	}
}

// Disc converts the TOC to the disc model: one session, tracks with their
// modes, flags, ISRC, CD-TEXT (language block 0), pre-gaps, indexes and
// the segments of files (or zeros) their sectors come from. size reports
// file sizes as for Layout. Raw audio files hold big-endian samples unless
// the FILE statement says SWAP (cdrdao(1)); WAVE files hold little-endian
// ones.
func (t *TOC) Disc(size SizeFunc) (*disc.Layout, error) {
	lay, err := t.Layout(size)
	if err != nil {
		return nil, err
	}
	l := &disc.Layout{MCN: t.Catalog, Text: discText(t.CDText)}
	s := disc.Session{Number: 1, LeadOut: cd.LBA(lay.Length)}
	for i, tl := range lay.Tracks {
		tr := &t.Tracks[i]
		d := disc.Track{
			Number:  tl.Number,
			Mode:    DiscMode(tl.Mode),
			Flags:   disc.Flags{Copy: tr.Copy.On(), PreEmphasis: tr.PreEmphasis.On(), FourChannel: tr.Channels == ChannelsFour},
			ISRC:    tr.ISRC,
			Text:    discText(tr.CDText),
			Pregap:  tl.Pregap,
			Start:   cd.LBA(tl.Start + tl.Pregap),
			Length:  tl.Length - tl.Pregap,
			Postgap: tl.Postgap,
			// cdrdao's CD_I type: a CD-i disc, whose data tracks are
			// Mode 2.
			CDI: t.Type == CDI && tl.Mode != ModeAudio,
		}
		for k, x := range tl.Indexes {
			d.Indexes = append(d.Indexes, disc.Index{Number: k + 2, LBA: d.Start + cd.LBA(x)})
		}
		for _, e := range tl.Extents {
			if e.BlockSize <= 0 {
				return nil, fmt.Errorf("toc: track %d: extent with no block size", tl.Number)
			}
			seg := disc.Segment{
				File:       e.File,
				Offset:     e.Offset,
				Sectors:    cd.Frames((e.Size + e.Pad) / int64(e.BlockSize)),
				Storage:    storage(e.Mode),
				SectorSize: e.BlockSize,
			}
			if e.SubChannel != SubChannelNone {
				seg.SubChannel = cd.SubchannelSize
			}
			if e.File != "" && e.Mode == ModeAudio {
				seg.Wave = isWave(e.File)
				swap := e.Item >= 0 && tr.Items[e.Item].Swap
				// cdrdao reads raw audio files as big-endian samples; SWAP
				// says they are little-endian (the CD's own order).
				seg.SwapBytes = !seg.Wave && !swap
			}
			d.Data = append(d.Data, seg)
		}
		// The pre-gap sectors read from files (SILENCE, ZERO and PREGAP
		// are generated).
		var at cd.Frames
		for _, g := range d.Data {
			if g.File != "" {
				d.StoredPregap += max(0, min(at+g.Sectors, d.Pregap)-at)
			}
			at += g.Sectors
		}
		s.Tracks = append(s.Tracks, d)
	}
	l.Sessions = []disc.Session{s}
	return l, nil
}

func isWave(name string) bool {
	return strings.EqualFold(path.Ext(name), ".wav")
}

// discText takes the CD-TEXT of language block 0 (or the first block).
func discText(c *CDText) disc.Text {
	var t disc.Text
	if c == nil || len(c.Languages) == 0 {
		return t
	}
	lang := c.Languages[0]
	for _, l := range c.Languages {
		if l.Block == 0 {
			lang = l
			break
		}
	}
	for _, it := range lang.Items {
		if it.Binary {
			continue
		}
		switch it.Type {
		case "TITLE":
			t.Title = it.Text
		case "PERFORMER":
			t.Performer = it.Text
		case "SONGWRITER":
			t.Songwriter = it.Text
		case "COMPOSER":
			t.Composer = it.Text
		case "ARRANGER":
			t.Arranger = it.Text
		case "MESSAGE":
			t.Message = it.Text
		case "ISRC":
			t.ISRC = it.Text
		case "UPC_EAN":
			t.UPC = it.Text
		default:
			if t.Extra == nil {
				t.Extra = map[string]string{}
			}
			t.Extra[it.Type] = it.Text
		}
	}
	return t
}

// tocMode is the TOC track mode for sectors of mode m stored as s.
func tocMode(m disc.Mode, s disc.Storage) (Mode, error) {
	switch {
	case m == disc.Audio:
		return ModeAudio, nil
	case m == disc.Mode1 && s == disc.StoreRaw:
		return ModeMode1Raw, nil
	case m == disc.Mode1 && s == disc.StoreUser:
		return ModeMode1, nil
	case s == disc.StoreRaw:
		return ModeMode2Raw, nil
	case m == disc.Mode2Form1 && s == disc.StoreUser:
		return ModeMode2Form1, nil
	case m == disc.Mode2Form2 && s == disc.StoreUser:
		return ModeMode2Form2, nil
	case m == disc.Mode2Mixed:
		return ModeMode2FormMix, nil
	case m == disc.Mode2 || s == disc.StoreMode2:
		return ModeMode2, nil
	}
	return "", fmt.Errorf("toc: no TOC track mode for %s sectors stored as %d", m, s)
}

// FromDisc describes a disc layout as a TOC file over the files its tracks
// come from: DATAFILE with #byte offsets for data, FILE for audio (SWAP
// where the samples are little-endian, cdrdao reading raw audio as
// big-endian), SILENCE/ZERO for generated sectors, START for the end of a
// pre-gap, INDEX for indexes 2 and up. TOC files hold one session; the
// tracks of later sessions are written after the first session's (cdrdao
// writes multi-session discs one session at a time).
func FromDisc(l *disc.Layout) (*TOC, error) {
	t := &TOC{Catalog: l.MCN, CDText: tocText(l.Text, true)}
	allAudio := true
	for _, d := range l.Tracks() {
		if d.Mode != disc.Audio {
			allAudio = false
		}
	}
	t.Type = CDROM
	if allAudio {
		t.Type = CDDA
	}
	for _, d := range l.Tracks() {
		if t.CDText == nil && !d.Text.IsZero() {
			// cdrdao wants the global block's LANGUAGE_MAP when any track
			// has CD-TEXT.
			t.CDText = &CDText{LanguageMap: []LanguageMapping{{Block: 0, Code: 9}}, Languages: []Language{{Block: 0}}}
		}
	}
	for _, d := range l.Tracks() {
		storage := disc.StoreRaw
		sub := 0
		for _, g := range d.Data {
			if g.File != "" {
				storage, sub = g.Storage, g.SubChannel
				break
			}
		}
		mode, err := tocMode(d.Mode, storage)
		if err != nil {
			return nil, fmt.Errorf("track %d: %w", d.Number, err)
		}
		switch {
		case d.CDI:
			t.Type = CDI
		case t.Type != CDI && (mode == ModeMode2Raw || mode == ModeMode2 || mode == ModeMode2Form1 || mode == ModeMode2Form2 || mode == ModeMode2FormMix):
			t.Type = CDROMXA
		}
		tr := Track{Mode: mode, ISRC: d.ISRC, CDText: tocText(d.Text, false)}
		if sub != 0 {
			tr.SubChannel = SubChannelRWRaw
		}
		if d.Flags.Copy {
			tr.Copy = FlagOn
		}
		if d.Flags.PreEmphasis {
			tr.PreEmphasis = FlagOn
		}
		if d.Flags.FourChannel {
			tr.Channels = ChannelsFour
		}
		// Split the segment that holds the end of the pre-gap, so that
		// START can stand between its two parts.
		var segs []disc.Segment
		var at cd.Frames
		for _, g := range d.Data {
			if at < d.Pregap && at+g.Sectors > d.Pregap {
				first := g
				first.Sectors = d.Pregap - at
				rest := g
				rest.Sectors = g.Sectors - first.Sectors
				if g.File != "" {
					rest.Offset = g.Offset + int64(first.Sectors)*int64(g.SectorSize)
				}
				segs = append(segs, first, rest)
			} else {
				segs = append(segs, g)
			}
			at += g.Sectors
		}
		var done cd.Frames
		startWritten := d.Pregap == 0
		for _, g := range segs {
			if !startWritten && done >= d.Pregap {
				tr.Items = append(tr.Items, Item{Kind: Start})
				startWritten = true
			}
			if !startWritten && done+g.Sectors > d.Pregap {
				return nil, fmt.Errorf("toc: track %d: a data segment straddles the end of the pre-gap", d.Number)
			}
			m, err := cd.MSFFromFrames(g.Sectors)
			if err != nil {
				return nil, err
			}
			switch {
			case g.File == "" && d.Mode == disc.Audio && sub == 0:
				tr.Items = append(tr.Items, Item{Kind: Silence, Length: ptr(MSFLength(m))})
			case g.File == "":
				tr.Items = append(tr.Items, Item{Kind: Zero, Length: ptr(MSFLength(m))})
			case d.Mode == disc.Audio && sub != 0:
				// cdrdao refuses FILE and SILENCE in a track with a
				// sub-channel mode; DATAFILE reads its samples
				// big-endian and cannot swap them.
				if !g.SwapBytes || g.Wave {
					return nil, fmt.Errorf("toc: track %d: audio with sub-channel data in little-endian byte order cannot be described (DATAFILE has no SWAP)", d.Number)
				}
				tr.Items = append(tr.Items, Item{Kind: DataFile, File: g.File, Offset: g.Offset, Length: ptr(MSFLength(m))})
			case d.Mode == disc.Audio:
				tr.Items = append(tr.Items, Item{Kind: AudioFile, File: g.File, Swap: !g.SwapBytes && !g.Wave,
					Offset: g.Offset, Length: ptr(MSFLength(m))})
				if g.Wave && g.Offset != 0 {
					// A WAVE file's start counts samples of its data.
					tr.Items[len(tr.Items)-1].Offset = 0
					tr.Items[len(tr.Items)-1].Start = CountLength(g.Offset / 4)
				}
			default:
				tr.Items = append(tr.Items, Item{Kind: DataFile, File: g.File, Offset: g.Offset, Length: ptr(MSFLength(m))})
			}
			done += g.Sectors
		}
		if !startWritten {
			tr.Items = append(tr.Items, Item{Kind: Start})
		}
		for _, x := range d.Indexes {
			m, err := cd.MSFFromFrames(cd.Frames(x.LBA - d.Start))
			if err != nil {
				return nil, err
			}
			tr.Indexes = append(tr.Indexes, Index{At: m})
		}
		t.Tracks = append(t.Tracks, tr)
	}
	return t, nil
}

func ptr[T any](v T) *T { return &v }

// tocText writes disc CD-TEXT as language block 0 (English), the form
// cdrdao read-toc writes.
func tocText(x disc.Text, global bool) *CDText {
	if x.IsZero() {
		return nil
	}
	var items []CDTextItem
	add := func(typ, v string) {
		if v != "" {
			items = append(items, CDTextItem{Type: typ, Text: v})
		}
	}
	add("TITLE", x.Title)
	add("PERFORMER", x.Performer)
	add("SONGWRITER", x.Songwriter)
	add("COMPOSER", x.Composer)
	add("ARRANGER", x.Arranger)
	add("MESSAGE", x.Message)
	add("UPC_EAN", x.UPC)
	for _, k := range []string{"DISC_ID", "GENRE", "TOC_INFO1", "TOC_INFO2", "SIZE_INFO"} {
		add(k, x.Extra[k])
	}
	if !global {
		add("ISRC", x.ISRC)
	}
	if len(items) == 0 {
		return nil
	}
	c := &CDText{Languages: []Language{{Block: 0, Items: items}}}
	if global {
		c.LanguageMap = []LanguageMapping{{Block: 0, Code: 9}} // 9: English (EN)
	}
	return c
}
