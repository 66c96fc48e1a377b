package cue

import (
	"errors"
	"fmt"

	"spindle/cd"
)

// ErrLayout is wrapped by Extents errors: indexes out of order, or a
// track beyond the end of its file.
var ErrLayout = errors.New("cue: inconsistent track layout")

// Extent is a run of one track's sectors inside one file. A track has one
// extent, or more when a FILE command comes between its indexes (its
// pregap at the end of one file, the rest in the next).
type Extent struct {
	Track int // position in Sheet.Tracks
	File  int // position in Sheet.Files
	// Index is the number of the track's first index in the run: 0 when
	// the run starts with the pregap, 1 otherwise.
	Index int
	// Start is the first sector, counted from the start of the file in the
	// file's time base (the INDEX time in frames).
	Start cd.Frames
	// Length is the number of sectors up to the start of the next run in
	// the same file (the next track's first index), or to the end of the
	// file.
	Length cd.Frames
	// Offset is the byte offset of Start in the file's sector data; it
	// differs from Start×SectorSize when earlier tracks of the file have
	// another sector size.
	Offset     int64
	SectorSize int
}

// End is the first sector after the extent.
func (e Extent) End() cd.Frames { return e.Start + e.Length }

// Extents lays the tracks out in their files: the start and length in
// sectors of each track's data in each file, in disc order. size returns
// the length in bytes of a file's sector data — the file size for BINARY
// and MOTOROLA, the decoded PCM size (2352 bytes a sector) for WAVE, MP3
// and AIFF; it is called once for each file whose last track needs it. A
// partial sector at the end of a file is not counted. Tracks without
// indexes have no extent.
func (s *Sheet) Extents(size func(name string) (int64, error)) ([]Extent, error) {
	var ext []Extent
	for i := range s.Tracks {
		t := &s.Tracks[i]
		ss := t.Mode.SectorSize()
		if ss == 0 && len(t.Indexes) > 0 {
			return nil, fmt.Errorf("%w: track %d: unknown mode %q", ErrLayout, t.Number, t.Mode)
		}
		for j, x := range t.Indexes {
			if j > 0 && x.File == t.Indexes[j-1].File {
				continue
			}
			if x.File < 0 || x.File >= len(s.Files) {
				return nil, fmt.Errorf("%w: track %d: INDEX %02d refers to file %d of %d", ErrLayout, t.Number, x.Number, x.File, len(s.Files))
			}
			ext = append(ext, Extent{Track: i, File: x.File, Index: x.Number, Start: x.Pos.Frames(), SectorSize: ss})
		}
	}
	sizes := map[int]int64{}
	for k := range ext {
		e := &ext[k]
		num := s.Tracks[e.Track].Number
		if k > 0 && ext[k-1].File == e.File {
			p := &ext[k-1]
			if e.Start < p.Start {
				return nil, fmt.Errorf("%w: track %d starts at %d, before track %d at %d in file %q", ErrLayout,
					num, e.Start, s.Tracks[p.Track].Number, p.Start, s.Files[e.File].Name)
			}
			p.Length = e.Start - p.Start
			e.Offset = p.Offset + p.Length.Bytes(p.SectorSize)
		} else {
			if k > 0 && ext[k-1].File > e.File {
				return nil, fmt.Errorf("%w: track %d goes back to file %q", ErrLayout, num, s.Files[e.File].Name)
			}
			e.Offset = e.Start.Bytes(e.SectorSize)
		}
		if k+1 < len(ext) && ext[k+1].File == e.File {
			continue // length set by the next run
		}
		n, ok := sizes[e.File]
		if !ok {
			if size == nil {
				return nil, fmt.Errorf("%w: no size for file %q", ErrLayout, s.Files[e.File].Name)
			}
			var err error
			if n, err = size(s.Files[e.File].Name); err != nil {
				return nil, fmt.Errorf("cue: size of %q: %w", s.Files[e.File].Name, err)
			}
			sizes[e.File] = n
		}
		if n < e.Offset {
			return nil, fmt.Errorf("%w: track %d starts at byte %d, beyond the end of file %q (%d bytes)", ErrLayout,
				num, e.Offset, s.Files[e.File].Name, n)
		}
		e.Length = cd.Frames((n - e.Offset) / int64(e.SectorSize))
	}
	return ext, nil
}
