package disc

import (
	"fmt"
	"io"

	"spindle/cd"
)

// Opener opens a backing file a layout names. When the value it returns
// implements io.Closer, Reader.Close closes it.
type Opener func(name string) (io.ReaderAt, error)

// WriteRaw writes the sectors of every track of l to w as raw 2352-byte
// sectors, in disc order, from the first sector of each track's pre-gap
// (Start − Pregap) to its end: what a CUE sheet of raw tracks
// (MODE1/2352, MODE2/2352, AUDIO) over one BIN file describes. The
// sectors are those Reader.ReadRaw reads:
//
//   - Audio is copied, its samples swapped into the CD's little-endian
//     order where stored big-endian (SwapBytes).
//   - Data stored raw is copied; data stored as user data (MODE1/2048,
//     XA forms, MODE2/2336) and generated zeros are built into raw sectors
//     with sync, header, subheader, EDC and ECC for their address
//     (ECMA-130 §14 and Annex A).
//   - Sub-channel data after each stored sector is dropped.
//   - The link, run-in and run-out blocks of a TAO track, which a drive
//     cannot read, are written as generated sectors.
//
// It returns the layout of the written file, whose segments name file.
func (l *Layout) WriteRaw(w io.Writer, open Opener, file string) (*Layout, error) {
	r, err := NewReader(l, open)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	flat := *l
	flat.Sessions = nil
	var off int64
	buf := make([]byte, chunkSectors*4*cd.RawSectorSize)
	for _, s := range l.Sessions {
		ns := s
		ns.Tracks = nil
		for _, t := range s.Tracks {
			nt := t
			n := t.Pregap + t.Length
			lba := t.Start - cd.LBA(t.Pregap)
			for done := cd.Frames(0); done < n; {
				k := min(n-done, cd.Frames(len(buf)/cd.RawSectorSize))
				b := buf[:k*cd.RawSectorSize]
				if err := r.readRaw(lba.Add(done), b, true); err != nil {
					return nil, err
				}
				if _, err := w.Write(b); err != nil {
					return nil, err
				}
				done += k
			}
			nt.Data = []Segment{{File: file, Offset: off, Sectors: n, Storage: StoreRaw, SectorSize: cd.RawSectorSize}}
			nt.StoredPregap = nt.Pregap
			nt.TAO = false
			off += int64(n) * cd.RawSectorSize
			ns.Tracks = append(ns.Tracks, nt)
		}
		flat.Sessions = append(flat.Sessions, ns)
	}
	return &flat, nil
}

// waveData returns where the samples of a RIFF WAVE file begin: after the
// header of its "data" chunk.
func waveData(f io.ReaderAt) (int64, error) {
	var h [12]byte
	if _, err := f.ReadAt(h[:], 0); err != nil {
		return 0, fmt.Errorf("not a WAVE file: %w", err)
	}
	if string(h[0:4]) != "RIFF" || string(h[8:12]) != "WAVE" {
		return 0, fmt.Errorf("not a RIFF WAVE file")
	}
	off := int64(12)
	for i := 0; i < 64; i++ { // a few chunks before "data", at most
		var c [8]byte
		if _, err := f.ReadAt(c[:], off); err != nil {
			return 0, fmt.Errorf("WAVE file without a data chunk: %w", err)
		}
		n := int64(uint32(c[4]) | uint32(c[5])<<8 | uint32(c[6])<<16 | uint32(c[7])<<24)
		if string(c[0:4]) == "data" {
			return off + 8, nil
		}
		off += 8 + n + n%2
	}
	return 0, fmt.Errorf("WAVE file without a data chunk")
}
