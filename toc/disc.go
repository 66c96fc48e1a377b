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
		d.StoredPregap = d.Pregap
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
