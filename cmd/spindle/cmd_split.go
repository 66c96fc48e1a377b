package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"spindle/cd"
	"spindle/cue"
	"spindle/disc"
	"spindle/internal/fileout"
	"spindle/iso9660"
)

type splitFlags struct {
	wav, swap, noSwap, raw, psx, asJSON bool
	keepAddresses, inPlace              bool
}

func newSplitCmd() *cobra.Command {
	f := &splitFlags{}
	c := &cobra.Command{
		Use:   "split IMAGE.cue|IMAGE.toc OUTBASE",
		Short: "Split a BIN/CUE image into ISO and WAV/CDR tracks (like bchunk)",
		Long: `Write each track of a BIN/CUE image to its own file: data tracks as .iso
holding the user data of every sector, audio tracks as raw .cdr or, with
--wav, as .wav. Files are named OUTBASE01.iso, OUTBASE02.wav, ... as bchunk
names them, and hold the same bytes bchunk writes: a track runs from its
INDEX 01 to the first index of the next track in the same file.

User data per mode: MODE1/2352 the 2048 bytes after the header; MODE2/2352
the 2048 bytes of form 1 after the subheader, with --raw whole sectors;
MODE2/2336 the 2048 bytes after the subheader; MODE1/2048, MODE2/2048 and
MODE2/2324 as stored. With --psx, Mode 2 tracks give the 2336 bytes after
each sector's header (subheader, data, EDC/ECC: the MODE2/2336 form that
PlayStation tools and a sheet of that mode read). A cdrdao TOC file is split
the same way over its data files (SILENCE and ZERO as zeros).

Where bchunk (1.2.2) differs: its -p writes the first 2336 bytes of each
2352-byte sector (sync, header, subheader and data, cut 16 bytes before the
sector's end), although its help says "2336 bytes from offset 24"; no sheet
mode describes that, so --psx writes the MODE2/2336 form instead. bchunk
reads MODE2/2336 files in steps of 2352 bytes, and starts a track that has
INDEX 02 or later at its last index; split reads 2336-byte sectors and
starts every track at INDEX 01. bchunk takes one BIN file; split takes
sheets of several FILEs, and TOC files.

Audio in a BINARY file is little-endian; in a MOTOROLA file (what "spindle
convert" writes for cdrdao's images) it is swapped to little-endian. The
byte order is also checked from the samples: a track that sounds like noise
in the order given (seed: "static noise" from a wrong guess) is reported.
--swap and --no-swap override.

A data session that follows audio on the disc (CD-Extra, enhanced CD)
records its ISO 9660 addresses from the start of the disc, so its track
alone does not mount (seed: "the non-mountable second-session ISO"). split
finds such an image and writes it with every address moved to its own start
(see "spindle relocate"); --in-place also writes a variant with zeros before
it, and --keep-addresses leaves it as recorded.

` + exitCodesHelp,
		Example: `  spindle split disc.cue track            # track01.iso, track02.cdr, ...
  spindle split --wav disc.cue track      # audio as WAV, as bchunk -w
  spindle split --wav --swap disc.cue t   # big-endian audio, as bchunk -w -s`,
		Args: cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error { return runSplit(c, f, args[0], args[1]) },
	}
	fl := c.Flags()
	fl.BoolVarP(&f.wav, "wav", "w", false, "write audio tracks as WAV files (default: raw .cdr)")
	fl.BoolVarP(&f.swap, "swap", "s", false, "swap the byte order of audio samples (bchunk -s)")
	fl.BoolVar(&f.noSwap, "no-swap", false, "never swap audio samples, whatever the sheet says")
	fl.BoolVarP(&f.raw, "raw", "r", false, "MODE2/2352 tracks: write whole 2352-byte sectors (bchunk -r)")
	fl.BoolVarP(&f.psx, "psx", "p", false, "Mode 2 tracks: write the 2336 bytes after each header (MODE2/2336; bchunk -p cuts sectors short instead)")
	fl.BoolVar(&f.asJSON, "json", false, "print the tracks written as JSON")
	fl.BoolVar(&f.keepAddresses, "keep-addresses", false, "leave a later data session's ISO 9660 addresses as recorded (bchunk's output)")
	fl.BoolVar(&f.inPlace, "in-place", false, "also write OUTBASEnn-inplace.iso: zeros before a later data session, so its addresses hold")
	return c
}

type splitTrack struct {
	Track      int    `json:"track"`
	Mode       string `json:"mode"`
	Output     string `json:"output"`
	Sectors    int64  `json:"sectors"`
	Bytes      int64  `json:"bytes"`
	Swapped    bool   `json:"swapped,omitempty"`
	ByteOrder  string `json:"byte_order,omitempty"`
	OrderAlert string `json:"byte_order_warning,omitempty"`
	// Relocated is the number of blocks the ISO 9660 addresses of a data
	// session after audio (CD-Extra) were moved by so that it mounts.
	Relocated uint32 `json:"relocated,omitempty"`
	InPlace   string `json:"in_place,omitempty"`
}

func runSplit(c *cobra.Command, f *splitFlags, sheetPath, base string) error {
	if f.swap && f.noSwap {
		return usageError{errors.New("split: --swap and --no-swap exclude each other")}
	}
	kind := strings.ToLower(filepath.Ext(sheetPath))
	if kind != ".cue" && kind != ".toc" {
		return usageError{fmt.Errorf("split: %s: give a CUE sheet or a cdrdao TOC file", sheetPath)}
	}
	l, dir, err := readLayout(sheetPath)
	if err != nil {
		return fmt.Errorf("split %s: %w", sheetPath, err)
	}
	r, err := disc.NewReader(l, openBacking(dir))
	if err != nil {
		return fmt.Errorf("split %s: %w", sheetPath, err)
	}
	defer r.Close()
	var done []splitTrack
	stderr := c.ErrOrStderr()
	for _, t := range l.Tracks() {
		st, err := splitOne(c, f, r, t, base)
		if err != nil {
			return fmt.Errorf("split %s: %w", sheetPath, err)
		}
		if st.OrderAlert != "" && !f.asJSON {
			fmt.Fprintln(stderr, "spindle: split: warning:", st.OrderAlert)
		}
		done = append(done, st)
	}
	if f.asJSON {
		return writeJSON(c.OutOrStdout(), done)
	}
	for _, st := range done {
		fmt.Fprintf(c.OutOrStdout(), "%2d %-11s %8d sectors  %s", st.Track, st.Mode, st.Sectors, st.Output)
		if st.Relocated > 0 {
			fmt.Fprintf(c.OutOrStdout(), " (a later session: addresses moved by %d blocks to mount on its own)", st.Relocated)
		}
		if st.InPlace != "" {
			fmt.Fprintf(c.OutOrStdout(), ", %s with the addresses as recorded", st.InPlace)
		}
		fmt.Fprintln(c.OutOrStdout())
	}
	return nil
}

// openBacking opens the files a sheet in dir names.
func openBacking(dir string) disc.Opener {
	return func(name string) (io.ReaderAt, error) { return os.Open(sheetFile(dir, name)) }
}

// splitOut is what split writes of each sector of a track.
type splitOut int

const (
	outUser  splitOut = iota // the user data (ECMA-130 §14), as bchunk writes MODE1/2352
	outForm1                 // 2048 bytes after the XA subheader: bchunk's MODE2/2352
	outRaw                   // whole 2352-byte sectors: audio, and --raw
	outPSX                   // the 2336 bytes after the header: --psx
)

// splitPlan is what split writes of a track's sectors, and the size of
// each sector's part.
func splitPlan(t *disc.Track, f *splitFlags) (splitOut, int) {
	mode2 := t.Mode == disc.Mode2 || t.Mode == disc.Mode2Mixed || t.Mode == disc.Mode2Form1 || t.Mode == disc.Mode2Form2
	switch {
	case t.Mode == disc.Audio:
		return outRaw, cd.RawSectorSize
	case mode2 && f.raw:
		return outRaw, cd.RawSectorSize
	case mode2 && f.psx:
		return outPSX, cd.Mode2SectorSize
	case t.Mode == disc.Mode2 || t.Mode == disc.Mode2Mixed:
		return outForm1, cd.DataSectorSize
	}
	return outUser, t.Mode.UserSize()
}

// splitSectors is the chunk split reads at once.
const splitSectors = 256

// splitOne writes one track: from its INDEX 01 to its end, leaving out
// generated sectors at the end (a CUE POSTGAP, which bchunk does not
// know). For a CUE sheet that is bchunk's extent, from INDEX 01 to the
// first index of the next track in the same file.
func splitOne(c *cobra.Command, f *splitFlags, r *disc.Reader, t *disc.Track, base string) (splitTrack, error) {
	end := t.Start - cd.LBA(t.Pregap)
	stored := end
	var motorola, seen bool
	for _, g := range t.Data {
		end = end.Add(g.Sectors)
		if g.File != "" {
			stored = end
			if !seen {
				motorola, seen = g.SwapBytes, true
			}
		}
	}
	if end = stored; end <= t.Start {
		end = t.End() // a track of generated sectors only
	}
	st := splitTrack{Track: t.Number, Mode: t.Mode.String(), Sectors: int64(end - t.Start)}
	if m, err := cue.TrackMode(t); err == nil {
		st.Mode = string(m)
	}
	out, size := splitPlan(t, f)
	audio := t.Mode == disc.Audio
	suffix := ".iso"
	if audio {
		suffix = ".cdr"
		if f.wav {
			suffix = ".wav"
		}
	}
	st.Output = fmt.Sprintf("%s%02d%s", base, t.Number, suffix)
	// The samples go out swapped against the file when the sheet says
	// they are big-endian (MOTOROLA; cdrdao's raw audio) or --swap asks;
	// the Reader gives them swapped where the sheet says so.
	swap := audio && (f.swap || motorola) && !f.noSwap
	st.Swapped = swap
	var sample []byte
	err := fileout.Write(st.Output, 0o644, func(w io.Writer) error {
		if audio && f.wav {
			writeWAVHeader(w, st.Sectors*cd.RawSectorSize)
		}
		buf := make([]byte, splitSectors*cd.RawSectorSize)
		at := t.Start - cd.LBA(t.Pregap)
		// The segments of the track, and the generated sectors after them.
		segs := append(t.Data[:len(t.Data):len(t.Data)], disc.Segment{Sectors: cd.Frames(t.End() - at)})
		for _, g := range segs {
			lo, hi := max(at, t.Start), min(at.Add(g.Sectors), end)
			at = at.Add(g.Sectors)
			fix := audio && swap != g.SwapBytes
			for lba := lo; lba < hi; {
				if err := c.Context().Err(); err != nil {
					return err
				}
				n := int(min(hi-lba, splitSectors))
				data, err := splitRead(r, t, out, lba, n, buf)
				if err != nil {
					return err
				}
				if audio {
					if k := len(sample); k < 256<<10 {
						// The samples as the file holds them.
						sample = append(sample, data[:min(len(data), 256<<10-k)]...)
						if g.SwapBytes {
							cd.SwapAudio(sample[k:])
						}
					}
					if fix {
						cd.SwapAudio(data)
					}
				}
				if _, err := w.Write(data); err != nil {
					return err
				}
				st.Bytes += int64(len(data))
				lba += cd.LBA(n)
			}
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	if audio {
		order := cd.DetectAudioByteOrder(sample)
		st.ByteOrder = order.String()
		// What the sheet said against what the samples say.
		wantBig := motorola
		if f.swap || f.noSwap {
			wantBig = f.swap
		}
		if (order == cd.AudioBigEndian) != wantBig && order != cd.AudioOrderUnknown {
			st.OrderAlert = fmt.Sprintf("the samples of track %d look %s, but were read as %s: it will sound like static noise; split again with %s",
				t.Number, order, map[bool]string{true: "big-endian", false: "little-endian"}[wantBig], map[bool]string{true: "--no-swap", false: "--swap"}[wantBig])
		}
	}
	if size == cd.DataSectorSize && (out == outUser || out == outForm1) && !f.keepAddresses {
		if err := relocateTrack(&st, f.inPlace); err != nil {
			return st, err
		}
	}
	return st, nil
}

// splitRead reads n sectors of what split writes of track t from lba,
// using buf, and returns them.
func splitRead(r *disc.Reader, t *disc.Track, out splitOut, lba cd.LBA, n int, buf []byte) ([]byte, error) {
	switch out {
	case outRaw:
		b := buf[:n*cd.RawSectorSize]
		return b, r.ReadRaw(lba, b)
	case outPSX:
		b := buf[:n*cd.RawSectorSize]
		if err := r.ReadRaw(lba, b); err != nil {
			return nil, err
		}
		for k := 0; k < n; k++ {
			copy(b[k*cd.Mode2SectorSize:], b[k*cd.RawSectorSize+16:(k+1)*cd.RawSectorSize])
		}
		return b[:n*cd.Mode2SectorSize], nil
	case outForm1:
		b := buf[:n*cd.Mode2SectorSize]
		if err := r.ReadUser(lba, b); err != nil {
			return nil, err
		}
		// The 2048 bytes after the subheader of each 2336 (ECMA-130 §14.5).
		for k := 0; k < n; k++ {
			copy(b[k*cd.DataSectorSize:], b[k*cd.Mode2SectorSize+8:k*cd.Mode2SectorSize+8+cd.DataSectorSize])
		}
		return b[:n*cd.DataSectorSize], nil
	}
	b := buf[:n*t.Mode.UserSize()]
	return b, r.ReadUser(lba, b)
}

// writeWAVHeader writes the 44-byte RIFF header of 16-bit stereo PCM at
// 44.1 kHz holding n bytes of samples (CD-DA, IEC 60908).
func writeWAVHeader(w io.Writer, n int64) {
	var h [44]byte
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+n))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1) // PCM
	binary.LittleEndian.PutUint16(h[22:], 2) // stereo
	binary.LittleEndian.PutUint32(h[24:], 44100)
	binary.LittleEndian.PutUint32(h[28:], 44100*4)
	binary.LittleEndian.PutUint16(h[32:], 4)
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(n))
	w.Write(h[:])
}

// relocateTrack makes the ISO image of a data track that records the
// addresses of a later session (CD-Extra) mount on its own, in place of
// the file written, and writes the in-place variant when asked.
func relocateTrack(st *splitTrack, inPlace bool) error {
	fh, err := os.Open(st.Output)
	if err != nil {
		return err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return err
	}
	disp, err := iso9660.DetectDisplacement(fh, fi.Size())
	if err != nil || disp == 0 {
		return nil // not an ISO 9660 image, or one that mounts as it is
	}
	if inPlace {
		st.InPlace = strings.TrimSuffix(st.Output, ".iso") + "-inplace.iso"
		if err := fileout.Write(st.InPlace, 0o644, func(w io.Writer) error { return writeInPlace(w, fh, fi.Size(), disp) }); err != nil {
			return err
		}
	}
	if err := fileout.Write(st.Output, 0o644, func(w io.Writer) error { return iso9660.Relocate(w, fh, fi.Size(), disp) }); err != nil {
		return fmt.Errorf("split: track %d: %w", st.Track, err)
	}
	st.Relocated = disp
	return nil
}
