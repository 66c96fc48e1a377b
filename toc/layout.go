package toc

import (
	"errors"
	"fmt"
	"slices"

	"spindle/cd"
)

// Layout is where the blocks of each track lie and where their data comes
// from, computed the way cdrdao computes it.
type Layout struct {
	Tracks []TrackLayout
	// Length is the number of blocks of all tracks together.
	Length cd.Frames
}

// TrackLayout is the layout of one track.
type TrackLayout struct {
	Number     int // FIRST_TRACK_NO (or 1) for the first track, then counting up
	Mode       Mode
	SubChannel SubChannel
	// Start is the track's first block (the start of its pre-gap), counted
	// from the first block of the first track (as cdrdao show-toc counts).
	Start cd.Frames
	// Length is the number of blocks of the track, pre-gap included.
	Length cd.Frames
	// Pregap is the number of blocks before index 1 (START or PREGAP).
	Pregap cd.Frames
	// Postgap is the number of blocks from END to the end of the track, or
	// 0 without END.
	Postgap cd.Frames
	// Indexes are the positions of index 2, 3, ... in blocks after index 1
	// (the INDEX statements, and END's index), in increasing order.
	Indexes []cd.Frames
	// Extents are the pieces of data the track is made of, in order.
	Extents []Extent
}

// Extent is one piece of a track's data: bytes read from a file or zero
// bytes, in a data mode.
type Extent struct {
	// Item is the index of the statement in Track.Items, or -1 for the zero
	// data of a PREGAP statement.
	Item int
	// File is the file read (as named in the TOC), or "" for zero data
	// (SILENCE, ZERO, PREGAP).
	File string
	// Offset is the first byte read from File.
	Offset int64
	// Size is the number of bytes read from File, or of zero bytes.
	Size int64
	// Mode and SubChannel are the data's mode; BlockSize its bytes per
	// block.
	Mode       Mode
	SubChannel SubChannel
	BlockSize  int
	// Pad is the number of zero bytes cdrdao adds after this extent to fill
	// the last block of a run of extents of the same mode.
	Pad int64
}

// SizeFunc reports the number of bytes of data in a file named by the TOC:
// for raw audio and data files the file's size; for WAVE (and other
// decoded audio) files the size of their 16-bit stereo sample data, in
// which case offsets of the extents count from the start of that data.
type SizeFunc func(name string) (int64, error)

// errNeedSize marks a layout that needs the size of a file.
var errNeedSize = errors.New("toc: file size needed")

// Layout computes the layout of every track. size gives the size of files
// whose statements have no length (a FILE, AUDIOFILE or DATAFILE without
// length, or with length 0, reaches to the end of the file); it may be nil
// when there are none. Layout reports positions that do not fit in their
// track (START, END or INDEX at or after the end) as *SyntaxError; it does
// not repeat Validate's other checks.
func (t *TOC) Layout(size SizeFunc) (*Layout, error) {
	first := t.FirstTrack
	if first == 0 {
		first = 1
	}
	l := &Layout{}
	for i := range t.Tracks {
		tl, errs := t.layoutTrack(&t.Tracks[i], size)
		if len(errs) > 0 {
			return nil, errs[0]
		}
		tl.Number = first + i
		tl.Start = l.Length
		l.Length += tl.Length
		l.Tracks = append(l.Tracks, tl)
	}
	return l, nil
}

func (t *TOC) errAt(pos Pos, format string, args ...any) error {
	return &SyntaxError{File: t.name, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf(format, args...)}
}

// layoutTrack computes one track's layout, returning the problems found
// (errNeedSize, wrapped, when a file size is needed and size is nil).
func (t *TOC) layoutTrack(tr *Track, size SizeFunc) (TrackLayout, []error) {
	tl := TrackLayout{Mode: tr.Mode, SubChannel: tr.SubChannel}
	var errs []error
	var (
		blocks   cd.Frames // blocks of the completed runs
		runBytes int64     // bytes of the open run
		runBS    int       // its block size
	)
	// current is the track length so far in blocks, the last run padded.
	current := func() cd.Frames {
		return blocks + cd.SectorsFor(runBytes, max(runBS, 1))
	}
	closeRun := func() {
		if len(tl.Extents) > 0 && runBS > 0 {
			n := cd.SectorsFor(runBytes, runBS)
			tl.Extents[len(tl.Extents)-1].Pad = n.Bytes(runBS) - runBytes
			blocks += n
		}
		runBytes = 0
	}
	add := func(e Extent) {
		e.BlockSize = BlockSize(e.Mode, e.SubChannel)
		if n := len(tl.Extents); n == 0 || tl.Extents[n-1].Mode != e.Mode || tl.Extents[n-1].SubChannel != e.SubChannel {
			closeRun()
			runBS = e.BlockSize
		}
		runBytes += e.Size
		tl.Extents = append(tl.Extents, e)
	}
	fileSize := func(it *Item) (int64, bool) {
		if size == nil {
			errs = append(errs, fmt.Errorf("%w: %s", errNeedSize, it.File))
			return 0, false
		}
		n, err := size(it.File)
		if err != nil {
			errs = append(errs, t.errAt(it.Pos, "%s %q: %v", it.Kind, it.File, err))
			return 0, false
		}
		if n < it.Offset {
			errs = append(errs, t.errAt(it.Pos, "%s %q: offset %d beyond the file's %d bytes", it.Kind, it.File, it.Offset, n))
			return 0, false
		}
		return n, true
	}
	trackBS := BlockSize(tr.Mode, tr.SubChannel)
	start, end := cd.Frames(-1), cd.Frames(-1)
	var startPos, endPos Pos

	if tr.Pregap != nil {
		e := Extent{Item: -1, Mode: tr.Mode, SubChannel: tr.SubChannel}
		e.Size = tr.Pregap.Frames().Bytes(trackBS)
		add(e)
		start, startPos = current(), tr.PregapPos
	}
	for j := range tr.Items {
		it := &tr.Items[j]
		e := Extent{Item: j, Mode: tr.Mode, SubChannel: tr.SubChannel}
		switch it.Kind {
		case AudioFile:
			e.Mode, e.SubChannel = ModeAudio, SubChannelNone
			e.File = it.File
			first := it.Start.samples()
			e.Offset = it.Offset + first*bytesPerSample
			if it.Length != nil && !it.Length.IsZero() {
				e.Size = it.Length.samples() * bytesPerSample
				break
			}
			n, ok := fileSize(it)
			if !ok {
				continue
			}
			avail := (n - it.Offset) / bytesPerSample
			if first >= avail {
				errs = append(errs, t.errAt(it.Pos, "start %s beyond the %d samples of %q", it.Start, avail, it.File))
				continue
			}
			e.Size = (avail - first) * bytesPerSample
		case DataFile, Fifo:
			e.File, e.Offset = it.File, it.Offset
			if it.Length != nil && !it.Length.IsZero() {
				e.Size = it.Length.bytes(trackBS)
				break
			}
			n, ok := fileSize(it)
			if !ok {
				continue
			}
			e.Size = n - it.Offset
		case Silence:
			e.Mode, e.SubChannel = ModeAudio, SubChannelNone
			e.Size = it.Length.samples() * bytesPerSample
		case Zero:
			if it.ZeroMode != "" {
				e.Mode = it.ZeroMode
			}
			if it.ZeroSubChannel != "" {
				e.SubChannel = it.ZeroSubChannel
			}
			e.Size = it.Length.bytes(BlockSize(e.Mode, e.SubChannel))
		case Start, End:
			pos := current()
			if it.At != nil {
				pos = it.At.Frames()
			}
			if it.Kind == Start {
				if start >= 0 {
					errs = append(errs, t.errAt(it.Pos, "track start (end of pre-gap) already defined"))
				}
				start, startPos = pos, it.Pos
			} else {
				if end >= 0 {
					errs = append(errs, t.errAt(it.Pos, "track end (start of post-gap) already defined"))
				}
				end, endPos = pos, it.Pos
			}
			continue
		}
		add(e)
	}
	closeRun()
	tl.Length = blocks
	if len(errs) > 0 {
		return tl, errs
	}
	if start < 0 {
		start = 0
	}
	if start > 0 && start >= tl.Length {
		errs = append(errs, t.errAt(startPos, "START %s at or behind the track end %s", msfString(start), msfString(tl.Length)))
	}
	tl.Pregap = start
	for _, x := range tr.Indexes {
		f := x.At.Frames()
		switch {
		case f == 0:
			errs = append(errs, t.errAt(x.Pos, "INDEX at the track start"))
		case f >= tl.Length-start:
			errs = append(errs, t.errAt(x.Pos, "INDEX %s at or behind the track end", x.At))
		}
		tl.Indexes = append(tl.Indexes, f)
	}
	if end > 0 {
		switch {
		case end >= tl.Length:
			errs = append(errs, t.errAt(endPos, "END %s at or behind the track end %s", msfString(end), msfString(tl.Length)))
		case end <= start:
			errs = append(errs, t.errAt(endPos, "END %s within the pre-gap", msfString(end)))
		case slices.Contains(tl.Indexes, end-start):
			errs = append(errs, t.errAt(endPos, "END %s coincides with an INDEX", msfString(end)))
		default:
			tl.Postgap = tl.Length - end
			tl.Indexes = append(tl.Indexes, end-start)
		}
	}
	slices.Sort(tl.Indexes)
	return tl, errs
}

func msfString(f cd.Frames) string {
	m, err := cd.MSFFromFrames(f)
	if err != nil {
		return fmt.Sprintf("%d blocks", f)
	}
	return m.String()
}
