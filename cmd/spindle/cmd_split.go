package main

import (
	"bufio"
	"bytes"
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
the 2048 bytes of form 1 after the subheader, with --psx the 2336 bytes
after the header (subheader, data, EDC/ECC), with --raw whole sectors;
MODE2/2336 the 2048 bytes after the subheader (--psx: all 2336);
MODE1/2048, MODE2/2048 and MODE2/2324 as stored.

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
	fl.BoolVarP(&f.psx, "psx", "p", false, "MODE2 tracks: write the 2336 bytes after the header (bchunk -p)")
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
	b, err := os.ReadFile(sheetPath)
	if err != nil {
		return fmt.Errorf("split: %w", err)
	}
	dir := filepath.Dir(sheetPath)
	var sheet *cue.Sheet
	if kind == ".toc" {
		// The TOC's tracks, described as a sheet over the same files (raw
		// audio in cdrdao's files is big-endian: a MOTOROLA file).
		l, _, err := readLayout(sheetPath)
		if err != nil {
			return fmt.Errorf("split %s: %w", sheetPath, err)
		}
		if sheet, err = cue.FromDisc(l); err != nil {
			return fmt.Errorf("split %s: %w (spindle convert --bin writes its tracks into one file that split takes)", sheetPath, err)
		}
	} else if sheet, err = (cue.Options{Lenient: true}).Parse(bytes.NewReader(b), sheetPath); err != nil {
		return fmt.Errorf("split: %w", err)
	}
	ext, err := sheet.Extents(fileSizer(dir))
	if err != nil {
		return fmt.Errorf("split %s: %w", sheetPath, err)
	}
	var done []splitTrack
	stderr := c.ErrOrStderr()
	for ti := range sheet.Tracks {
		t := &sheet.Tracks[ti]
		// The track's run that holds INDEX 01, and bchunk's extent: from
		// INDEX 01 to the next track's first index in the same file.
		var run *cue.Extent
		for i := range ext {
			if ext[i].Track == ti && (run == nil || ext[i].Index == 1) {
				run = &ext[i]
			}
		}
		if run == nil {
			continue
		}
		var start cd.Frames = -1
		for _, x := range t.Indexes {
			if x.Number == 1 && x.File == run.File {
				start = cd.Frames(x.Pos.Frames())
			}
		}
		if start < run.Start {
			start = run.Start
		}
		end := run.End()
		ss := int64(run.SectorSize)
		offset := run.Offset + int64(start-run.Start)*ss
		file := sheet.Files[run.File]
		st := splitTrack{Track: t.Number, Mode: string(t.Mode), Sectors: int64(end - start)}
		from, n, suffix := userRange(t.Mode, f)
		audio := t.Mode.IsAudio()
		swap := audio && (f.swap || file.Type == cue.Motorola) && !f.noSwap
		if audio {
			suffix = ".cdr"
			if f.wav {
				suffix = ".wav"
			}
		}
		st.Output = fmt.Sprintf("%s%02d%s", base, t.Number, suffix)
		st.Swapped = swap
		in, err := os.Open(sheetFile(dir, file.Name))
		if err != nil {
			return fmt.Errorf("split: %w", err)
		}
		var order cd.AudioByteOrder
		err = fileout.Write(st.Output, 0o644, func(w io.Writer) error {
			bw := bufio.NewWriterSize(w, 1<<20)
			if audio && f.wav {
				writeWAVHeader(bw, st.Sectors*cd.RawSectorSize)
			}
			r := bufio.NewReaderSize(io.NewSectionReader(in, offset, st.Sectors*ss), 1<<20)
			sector := make([]byte, ss)
			var sample []byte
			for k := int64(0); k < st.Sectors; k++ {
				if _, err := io.ReadFull(r, sector); err != nil {
					return fmt.Errorf("%s: sector %d of track %d: %w", file.Name, k, t.Number, err)
				}
				out := sector[from:min(from+n, len(sector))]
				if audio {
					if len(sample) < 256<<10 {
						sample = append(sample, out...)
					}
					if swap {
						cd.SwapAudio(out)
					}
				}
				if _, err := bw.Write(out); err != nil {
					return err
				}
				st.Bytes += int64(len(out))
			}
			if audio {
				order = cd.DetectAudioByteOrder(sample)
			}
			return bw.Flush()
		})
		in.Close()
		if err != nil {
			return err
		}
		if audio {
			st.ByteOrder = order.String()
			// What the file said (BINARY: little-endian) against what the
			// samples say; the output was swapped when swap is set.
			wantBig := file.Type == cue.Motorola
			if f.swap || f.noSwap {
				wantBig = f.swap
			}
			if (order == cd.AudioBigEndian) != wantBig && order != cd.AudioOrderUnknown {
				st.OrderAlert = fmt.Sprintf("the samples of track %d look %s, but were read as %s: it will sound like static noise; split again with %s",
					t.Number, order, map[bool]string{true: "big-endian", false: "little-endian"}[wantBig], map[bool]string{true: "--no-swap", false: "--swap"}[wantBig])
				if !f.asJSON {
					fmt.Fprintln(stderr, "spindle: split: warning:", st.OrderAlert)
				}
			}
		}
		if !audio && !f.raw && !f.psx && n == cd.DataSectorSize && !f.keepAddresses {
			if err := relocateTrack(&st, f.inPlace); err != nil {
				return err
			}
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

// userRange is where the output bytes of a sector of mode m lie, and the
// output suffix. The defaults are bchunk's for the modes it knows, and the
// user data of ECMA-130 §14 otherwise.
func userRange(m cue.Mode, f *splitFlags) (from, n int, suffix string) {
	switch m {
	case cue.Mode1_2352:
		return 16, 2048, ".iso" // sync and header, then 2048 bytes (§14.3)
	case cue.Mode2_2352, cue.CDI_2352:
		switch {
		case f.raw:
			return 0, cd.RawSectorSize, ".iso"
		case f.psx:
			return 16, 2336, ".iso"
		}
		return 24, 2048, ".iso" // header, subheader ×2, form 1 data (§14.5)
	case cue.Mode2_2336, cue.CDI_2336:
		if f.psx {
			return 0, 2336, ".iso"
		}
		return 8, 2048, ".iso" // the subheader twice, then form 1 data
	}
	return 0, m.SectorSize(), ".iso"
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
