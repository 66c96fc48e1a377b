package disc

import (
	"bufio"
	"fmt"
	"io"

	"spindle/cd"
)

// Opener opens a backing file a layout names.
type Opener func(name string) (io.ReaderAt, error)

// WriteRaw writes the sectors of every track of l to w as raw 2352-byte
// sectors, in disc order, pre-gaps included: what a CUE sheet of raw
// tracks (MODE1/2352, MODE2/2352, AUDIO) over one BIN file describes.
//
//   - Audio is copied, its samples swapped into the CD's little-endian
//     order where stored big-endian (SwapBytes).
//   - Data stored raw is copied; data stored as user data (MODE1/2048,
//     XA forms, MODE2/2336) and generated zeros are built into raw sectors
//     with sync, header, subheader, EDC and ECC for their address
//     (ECMA-130 §14 and Annex A), the address counted from the track's
//     Start.
//   - Sub-channel data after each stored sector is dropped.
//
// It returns the layout of the written file, whose segments name file.
func (l *Layout) WriteRaw(w io.Writer, open Opener, file string) (*Layout, error) {
	flat := *l
	flat.Sessions = nil
	var off int64
	bw := bufio.NewWriterSize(w, 1<<20)
	for _, s := range l.Sessions {
		ns := s
		ns.Tracks = nil
		for _, t := range s.Tracks {
			nt := t
			var n cd.Frames
			lba := t.Start - cd.LBA(t.Pregap)
			for _, g := range t.Data {
				if err := writeRawSegment(bw, open, g, t.Mode, lba+cd.LBA(n)); err != nil {
					return nil, fmt.Errorf("disc: track %d: %w", t.Number, err)
				}
				n += g.Sectors
			}
			nt.Data = []Segment{{File: file, Offset: off, Sectors: n, Storage: StoreRaw, SectorSize: cd.RawSectorSize}}
			nt.StoredPregap = nt.Pregap
			off += int64(n) * cd.RawSectorSize
			ns.Tracks = append(ns.Tracks, nt)
		}
		flat.Sessions = append(flat.Sessions, ns)
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	return &flat, nil
}

// sectorMode is the codec's mode for sectors of m.
func sectorMode(m Mode) cd.SectorMode {
	switch m {
	case Audio:
		return cd.Audio
	case Mode0:
		return cd.Mode0
	case Mode1:
		return cd.Mode1
	case Mode2Form1:
		return cd.Mode2Form1
	case Mode2Form2:
		return cd.Mode2Form2
	}
	return cd.Mode2Formless
}

// writeRawSegment writes one segment as raw sectors starting at address
// lba.
func writeRawSegment(w io.Writer, open Opener, g Segment, mode Mode, lba cd.LBA) error {
	var r io.Reader
	if g.File != "" {
		f, err := open(g.File)
		if err != nil {
			return err
		}
		if c, ok := f.(io.Closer); ok {
			defer c.Close()
		}
		off := g.Offset
		if g.Wave {
			base, err := waveData(f)
			if err != nil {
				return fmt.Errorf("%s: %w", g.File, err)
			}
			off += base
		}
		r = bufio.NewReaderSize(io.NewSectionReader(f, off, g.Bytes()), 1<<20)
	}
	sm := sectorMode(mode)
	stored := make([]byte, max(g.SectorSize, 1))
	var sec [cd.RawSectorSize]byte
	for k := cd.Frames(0); k < g.Sectors; k++ {
		clear(stored)
		if r != nil {
			// A file that ends inside its last sector is padded with
			// zeros, as cdrdao pads it.
			if _, err := io.ReadFull(r, stored); err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
				return fmt.Errorf("%s: %w", g.File, err)
			}
		}
		var user []byte
		var sub [4]byte
		switch {
		case mode == Audio:
			copy(sec[:], stored)
			if g.SwapBytes {
				cd.SwapAudio(sec[:])
			}
			if _, err := w.Write(sec[:]); err != nil {
				return err
			}
			continue
		case g.File != "" && g.Storage == StoreRaw:
			copy(sec[:], stored)
			if _, err := w.Write(sec[:]); err != nil {
				return err
			}
			continue
		case sm == cd.Mode0:
		case g.File != "" && g.Storage == StoreMode2 && (sm == cd.Mode2Form1 || sm == cd.Mode2Form2):
			copy(sub[:], stored[:4])
			user = stored[8 : 8+sm.UserSize()]
		case g.File != "" && g.Storage == StoreMode2:
			user = stored[:cd.Mode2SectorSize]
		case g.File != "":
			user = stored[:min(len(stored), sm.UserSize())]
		}
		if sm != cd.Mode0 && len(user) < sm.UserSize() {
			user = append(user, make([]byte, sm.UserSize()-len(user))...)
		}
		if err := cd.EncodeSector(&sec, lba+cd.LBA(k), sm, user, sub); err != nil {
			return fmt.Errorf("sector %d: %w", lba+cd.LBA(k), err)
		}
		if _, err := w.Write(sec[:]); err != nil {
			return err
		}
	}
	return nil
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
